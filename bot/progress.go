package bot

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gazettebot/gazette/ingest"
)

// ingestProgress returns an [ingest.Progress] that edits the interaction's
// reply with how far a long ingest is ("Ingesting **name** … 120 of 609
// articles, about 2 min left"), at most once per EditInterval. The last
// document is not shown: the receipt replaces the message.
func (b *Bot) ingestProgress(ctx context.Context, in *Interaction, label string) ingest.Progress {
	return progressEdits(b.opts.EditInterval, time.Now, func(text string) {
		in.Edit(ctx, "Ingesting "+label+" … "+text, nil)
	})
}

// progressEdits calls edit with a progress text after a document when
// interval has passed since the last edit (or the start).
func progressEdits(interval time.Duration, now func() time.Time, edit func(string)) ingest.Progress {
	var mu sync.Mutex
	start := now()
	last := start
	return func(done, total int, _ ingest.Receipt) {
		mu.Lock()
		defer mu.Unlock()
		t := now()
		if done >= total || t.Sub(last) < interval {
			return
		}
		last = t
		edit(progressText(done, total, t.Sub(start)))
	}
}

// progressText says how many documents are done and, once some are, about
// how long the rest will take.
func progressText(done, total int, elapsed time.Duration) string {
	unit := "articles"
	if total == 1 {
		unit = "article"
	}
	s := fmt.Sprintf("%d of %d %s", done, total, unit)
	if done == 0 || elapsed <= 0 {
		return s
	}
	left := time.Duration(float64(elapsed) / float64(done) * float64(total-done))
	switch {
	case left < time.Minute:
		return s + ", less than a minute left"
	case left < 2*time.Minute:
		return s + ", about a minute left"
	}
	return fmt.Sprintf("%s, about %d min left", s, int(left.Round(time.Minute)/time.Minute))
}
