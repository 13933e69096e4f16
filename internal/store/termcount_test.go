package store

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTermCounts(t *testing.T) {
	s := openTest(t, "")
	seed(t, s)
	phrases := []string{"Sam Altman", "altman sam", "chips", "board", "Artemis II", "", "?!", "Nvidia"}
	counts, total, err := s.TermCounts(t.Context(), "g1", phrases)
	if err != nil {
		t.Fatalf("TermCounts() error = %v", err)
	}
	// g1 holds six passages; titles count for each passage of their article.
	if total != 6 {
		t.Errorf("TermCounts() total = %d, want 6", total)
	}
	want := []int{
		3, // in the title of all three openai passages
		0, // the words, but not in that order
		1, // "chips" in one g1 passage (the other is in g2)
		3, // title "board" and two passages; counted once per passage
		0, // never mentioned
		0, 0,
		2, // both nvidia passages through the title
	}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("TermCounts() mismatch (-want +got):\n%s", diff)
	}
	counts, total, err = s.TermCounts(t.Context(), "nobody", []string{"Nvidia"})
	if err != nil || total != 0 || counts[0] != 0 {
		t.Errorf("TermCounts(empty namespace) = %v, %d, %v; want [0], 0, nil", counts, total, err)
	}
}
