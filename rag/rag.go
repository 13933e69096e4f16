// Package rag answers questions from retrieved news articles with numbered
// citations: it reads a question (outlets, dates, salient terms), retrieves
// passages by hybrid search and writes the answer, with a chat model or
// extractively. The types it shares with other layers live in package news.
package rag

import (
	"context"
	"errors"
	"time"

	"github.com/gazettebot/gazette/news"
)

// Sentinel errors callers branch on.
var (
	// ErrNoSources means nothing relevant is ingested for the question.
	ErrNoSources = errors.New("rag: no relevant sources")
	// ErrEmptyQuestion means the question has no words.
	ErrEmptyQuestion = errors.New("rag: empty question")
	// ErrQuestionTooLong means the question exceeds the accepted length.
	ErrQuestionTooLong = errors.New("rag: question too long")
)

// Query is a question as the retriever sees it.
type Query struct {
	Text   string
	Filter news.Filter // explicit constraints (from /ask options or the digest)
	Now    time.Time   // "today" for relative dates in the question
	Limit  int         // passages wanted; 0 means a default
}

// Retrieval is what a Retriever found for a question.
type Retrieval struct {
	Hits []news. // best first
		Hit
	// Notice, when set, is a plain sentence explaining that the question's
	// own constraint cannot be met ("I have no articles from Reuters.").
	// The answerer then declines with exactly this text.
	Notice string
}

// Retriever finds the passages that answer a question.
type Retriever interface {
	Retrieve(ctx context.Context, ns string, q Query) (Retrieval, error)
}
