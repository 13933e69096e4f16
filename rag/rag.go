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
	// Deep asks for up to this many further passages of the two best
	// articles after the Limit ones, from the same search, for an answer
	// that quotes the best article.
	Deep int
	// AnyDay ignores a period read from the question's words ("yesterday"),
	// which otherwise restricts the search.
	AnyDay bool
}

// Retrieval is what a Retriever found for a question.
type Retrieval struct {
	Hits []news.Hit // best first
	// Notice, when set, is a plain sentence explaining that the question's
	// own constraint cannot be met ("I have no articles from Reuters.").
	// The answerer then declines with exactly this text.
	Notice string
	// Terms are the question's salient terms, with how many passages of
	// the library mention each (Passages -1 when the index cannot tell),
	// and Library is how many passages the library holds (0 when
	// unknown). The answerer judges from them whether the passages cover
	// the question; nil Terms make it read the question itself.
	Terms   []Term
	Library int
	// Claims are the names the question attributes its subject to that are
	// no stored outlet but that the library mentions ("according to
	// NASA"): the answer must come from passages that mention one of them.
	Claims []Term
	// Extra is how many of the last Hits were added beyond the limit:
	// further passages of the best articles (Query.Deep), and passages that
	// hold a name or number of the question that the top passages miss.
	Extra int
	// Spanning is set when the question names several outlets, so the
	// answer draws on several articles.
	Spanning bool
	// Period is the period read from the question's words that restricted
	// the search ("yesterday"), or "".
	Period string
}

// Retriever finds the passages that answer a question.
type Retriever interface {
	Retrieve(ctx context.Context, ns string, q Query) (Retrieval, error)
}
