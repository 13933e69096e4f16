package bot

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/ingest"
)

// TestProgressEdits drives the progress edits of a long upload with a fake
// clock: at most one edit per interval, with the count and the time left,
// and none for the last document (its receipt replaces the message).
func TestProgressEdits(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var edits []string
	p := progressEdits(time.Second, func() time.Time { return now }, func(s string) { edits = append(edits, s) })
	step := func(d time.Duration, done int) {
		now = now.Add(d)
		p(done, 600, ingest.Receipt{})
	}
	step(500*time.Millisecond, 1) // too soon
	step(700*time.Millisecond, 2) // 1.2 s: edit
	step(100*time.Millisecond, 3) // too soon
	step(10*time.Second, 100)     // 11.3 s for 100: about 57 s left
	step(2*time.Minute, 200)      // 131.3 s for 200: about 4 min left
	step(time.Hour, 600)          // the last: no edit
	want := []string{
		"2 of 600 articles, about 6 min left",
		"100 of 600 articles, less than a minute left",
		"200 of 600 articles, about 4 min left",
	}
	if diff := cmp.Diff(want, edits); diff != "" {
		t.Errorf("edits mismatch (-want +got):\n%s", diff)
	}
}
