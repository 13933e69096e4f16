// Package rag answers questions from retrieved news articles with numbered
// citations. It defines the domain types shared by ingestion, the store, the
// bot and the digest, and the small interfaces it consumes.
package rag

import (
	"context"
	"errors"
	"time"
)

// LocalNamespace is the namespace the command-line tool uses; the bot uses
// the guild ID as the namespace, so guilds never see each other's articles.
const LocalNamespace = "local"

// Article is one ingested news article.
type Article struct {
	// Namespace isolates libraries: a Discord guild ID, or LocalNamespace.
	Namespace string
	// ID is stable within a namespace: the id given by a JSON Lines corpus,
	// otherwise derived from the canonical URL (or the content hash when
	// there is no URL).
	ID          string
	URL         string // canonical URL; may be empty for uploaded files
	Title       string
	Outlet      string // site or publication name, e.g. "The Verge"
	Author      string
	PublishedAt time.Time // zero when unknown
	IngestedAt  time.Time
	Language    string // BCP 47 tag when known, e.g. "en"
	ContentHash string // hex SHA-256 of the normalised body
	Body        string
}

// Chunk is one passage of an article, the unit of retrieval.
type Chunk struct {
	ID        string // ArticleID + "#" + position, stable across re-ingests of the same text
	ArticleID string
	Position  int
	// Text is the passage itself, without the title context.
	Text string
	// Embedding is unit length; nil until embedded.
	Embedding []float32
}

// Hit is a retrieved chunk with its article's metadata (Body left empty).
type Hit struct {
	Chunk   Chunk
	Article Article
	Score   float64
}

// Filter restricts a search. The zero value matches everything.
type Filter struct {
	Outlets []string  // outlet names as stored (exact, case-insensitive)
	Since   time.Time // published at or after (inclusive); zero for no bound
	Until   time.Time // published before (exclusive); zero for no bound
	// IngestedSince restricts to articles ingested at or after this time.
	IngestedSince time.Time
	ArticleIDs    []string // restrict to these articles
	// Prefer ranks these articles first when they are relevant, without
	// excluding others (questions in a digest's thread prefer its articles).
	// Retrievers read it; stores ignore it.
	Prefer []string
}

// Embedder turns texts into unit-length vectors of a fixed dimension.
type Embedder interface {
	// ID names the model, so a store never mixes vectors of two embedders.
	ID() string
	Dim() int
	// Embed returns one vector per text, in order.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Source is a numbered source cited in an answer.
type Source struct {
	N           int
	ArticleID   string
	Title       string
	Outlet      string
	PublishedAt time.Time
	URL         string
	// Passage is the retrieved text the answer drew on.
	Passage string
}

// Answer is a cited answer to a question.
type Answer struct {
	Text    string   // with inline [n] citations numbered as in Sources
	Sources []Source // only the sources actually cited, numbered 1..n
	// Refused is true when the sources do not cover the question and the
	// answer says so instead of guessing.
	Refused bool
}

// Message is one turn of a conversation with a chat model.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Completer is a chat model. Complete calls onDelta with text as it arrives
// (onDelta may be nil) and returns the whole reply.
type Completer interface {
	Complete(ctx context.Context, msgs []Message, onDelta func(string)) (string, error)
}

// Sentinel errors callers branch on.
var (
	// ErrNoSources means nothing relevant is ingested for the question.
	ErrNoSources = errors.New("rag: no relevant sources")
	// ErrEmptyQuestion means the question has no words.
	ErrEmptyQuestion = errors.New("rag: empty question")
	// ErrQuestionTooLong means the question exceeds the accepted length.
	ErrQuestionTooLong = errors.New("rag: question too long")
)

// PutResult says what storing an article did.
type PutResult int

// Outcomes of storing an article.
const (
	PutNew       PutResult = iota + 1 // the article was not stored before
	PutUpdated                        // its content changed; chunks were replaced
	PutUnchanged                      // same content; nothing was written
)

// Query is a question as the retriever sees it.
type Query struct {
	Text   string
	Filter Filter    // explicit constraints (from /ask options or the digest)
	Now    time.Time // "today" for relative dates in the question
	Limit  int       // passages wanted; 0 means a default
}

// Retrieval is what a Retriever found for a question.
type Retrieval struct {
	Hits []Hit // best first
	// Notice, when set, is a plain sentence explaining that the question's
	// own constraint cannot be met ("I have no articles from Reuters.").
	// The answerer then declines with exactly this text.
	Notice string
}

// Retriever finds the passages that answer a question.
type Retriever interface {
	Retrieve(ctx context.Context, ns string, q Query) (Retrieval, error)
}
