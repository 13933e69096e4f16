package rag

import "strings"

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
