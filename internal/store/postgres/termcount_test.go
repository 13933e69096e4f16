package postgres

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/internal/store/pgtest"
)

func TestTermCounts(t *testing.T) {
	s := openTest(t, pgtest.URL(t), Options{})
	put(t, s, "g1", "openai", "OpenAI board ousts Sam Altman",
		"OpenAI's board removed Sam Altman as chief executive on Friday.",
		"Microsoft said it remains committed to the partnership.")
	put(t, s, "g1", "chips", "Nvidia earnings", "Nvidia sold more chips for data centers.")
	put(t, s, "g2", "other", "Chips elsewhere", "More chips in another guild.")
	counts, total, err := s.TermCounts(t.Context(), "g1", []string{"Sam Altman", "altman sam", "chips", "Artemis II", "", "the"})
	if err != nil {
		t.Fatalf("TermCounts() error = %v", err)
	}
	if total != 3 {
		t.Errorf("TermCounts() total = %d, want 3", total)
	}
	// The title counts for each passage of its article.
	if diff := cmp.Diff([]int{2, 0, 1, 0, 0, 0}, counts); diff != "" {
		t.Errorf("TermCounts() mismatch (-want +got):\n%s", diff)
	}
}
