package postgres

import (
	"context"
	"fmt"
	"strings"
	"unicode"
)

// maxTermCountPhrases bounds the phrases of one TermCounts call.
const maxTermCountPhrases = 64

// TermCounts returns how many passages of namespace ns contain each phrase
// (its words in order, in a passage's title or text, matched by the English
// full-text configuration as keyword search matches them), and how many
// passages ns holds. A phrase with no word counts 0. At most 64 phrases are
// counted; the rest count 0.
func (s *Store) TermCounts(ctx context.Context, ns string, phrases []string) ([]int, int, error) {
	counts := make([]int, len(phrases))
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM chunks WHERE namespace = $1`, ns).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count passages: %w", err)
	}
	if total == 0 {
		return counts, 0, nil
	}
	for i, p := range phrases {
		if i == maxTermCountPhrases {
			break
		}
		words := strings.FieldsFunc(strings.ToLower(p), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
		if len(words) == 0 {
			continue
		}
		if len(words) > 16 {
			words = words[:16]
		}
		// A phrase of stop words alone makes an empty query, which matches
		// nothing.
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM chunks c
			WHERE c.namespace = $1 AND c.tsv @@ phraseto_tsquery('english', $2)`, ns, strings.Join(words, " ")).Scan(&counts[i]); err != nil {
			return nil, 0, fmt.Errorf("count passages with %q: %w", p, err)
		}
	}
	return counts, total, nil
}
