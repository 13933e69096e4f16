package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"
)

// maxTermCountPhrases bounds the phrases of one TermCounts call.
const maxTermCountPhrases = 64

// TermCounts returns how many passages of namespace ns contain each phrase
// (its words adjacent and in order, in a passage's title or text, matched
// as the keyword index matches words: case, diacritics and English endings
// aside), and how many passages ns holds. It tells how rare a word is in
// the library, and whether the library mentions a name at all. A phrase
// with no word counts 0. At most 64 phrases are counted; the rest count 0.
func (s *Store) TermCounts(ctx context.Context, ns string, phrases []string) ([]int, int, error) {
	counts := make([]int, len(phrases))
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM chunks WHERE namespace = ?`, ns).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count passages: %w", err)
	}
	if total == 0 {
		return counts, 0, nil
	}
	for i, p := range phrases {
		if i == maxTermCountPhrases {
			break
		}
		words := phraseWords(p)
		if len(words) == 0 {
			continue
		}
		match := `ns : "` + nsToken(ns) + `" AND {title text} : "` + strings.Join(words, " ") + `"`
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?`, match).Scan(&counts[i]); err != nil {
			return nil, 0, fmt.Errorf("count passages with %q: %w", p, err)
		}
	}
	return counts, total, nil
}

// phraseWords returns the lower-cased words (letters and digits) of a
// phrase, at most 16, safe inside an FTS5 quoted phrase.
func phraseWords(p string) []string {
	words := strings.FieldsFunc(strings.ToLower(p), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	if len(words) > 16 {
		words = words[:16]
	}
	return words
}
