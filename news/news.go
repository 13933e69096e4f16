// Package news is the vocabulary every layer of Gazette shares: articles,
// their passages, search filters and hits, cited sources and answers, and
// the small interfaces for embedders and chat models. It imports nothing of
// the project, so ingestion, storage, retrieval, the digest and the bot can
// all depend on it without depending on each other.
package news

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
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
	// Undated keeps the articles without a publication date when Since or
	// Until is set: a period read from a question's words ("yesterday")
	// cannot rule them out.
	Undated bool
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
	// Note, when set, is one plain line to show with the answer, such as
	// why it is quoted from the articles rather than written by the model.
	Note string
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

// PutResult says what storing an article did.
type PutResult int

// Outcomes of storing an article.
const (
	PutNew       PutResult = iota + 1 // the article was not stored before
	PutUpdated                        // its content changed; chunks were replaced
	PutUnchanged                      // same content; nothing was written
)

// OutletInfo describes one outlet a namespace holds articles from.
type OutletInfo struct {
	Name     string // as stored, e.g. "The Independent - Sports"
	Articles int
	// First and Last are the earliest and latest publication times of its
	// articles (zero when none has one).
	First, Last time.Time
}

// EmbeddingText returns the text to embed and index for a passage of a:
// the title prefixed ("Title. passage"), so that retrieval sees which
// article a passage comes from. A title already ending in punctuation is
// not given another full stop; without a title the passage is returned
// alone.
func EmbeddingText(a Article, passage string) string {
	title := strings.TrimSpace(a.Title)
	passage = strings.TrimSpace(passage)
	if title == "" {
		return passage
	}
	if passage == "" {
		return title
	}
	switch title[len(title)-1] {
	case '.', '!', '?', ':', ';':
		return title + " " + passage
	}
	return title + ". " + passage
}

// ContentHash is the hex SHA-256 of the body with its runs of white space
// collapsed to one space and trimmed, so re-spacing does not count as a
// change. It is the one hash ingestion deduplicates by and stores keep in
// [Article.ContentHash].
func ContentHash(body string) string {
	sum := sha256.Sum256([]byte(strings.Join(strings.Fields(body), " ")))
	return hex.EncodeToString(sum[:])
}
