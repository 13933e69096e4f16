package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/gazettebot/gazette/ingest"
)

// progressLogInterval is how often a long ingest writes a progress line
// when its output is not a terminal.
const progressLogInterval = 5 * time.Second

// progressLog writes progress lines for a long ingest whose output is not a
// terminal (a log, a pipe): articles done, passages, rate and time left.
type progressLog struct {
	w     io.Writer
	total int
	now   func() time.Time
	start time.Time

	mu       sync.Mutex
	done     int
	passages int
	printed  int // done at the last line, so an idle tick prints nothing new
}

func newProgressLog(w io.Writer, total int, now func() time.Time) *progressLog {
	return &progressLog{w: w, total: total, now: now, start: now(), printed: -1}
}

// update is an [ingest.Progress].
func (p *progressLog) update(done, _ int, r ingest.Receipt) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = done
	p.passages += r.Chunks
}

// line returns the current progress line, or "" when nothing changed since
// the last one.
func (p *progressLog) line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done == p.printed {
		return ""
	}
	p.printed = p.done
	el := p.now().Sub(p.start)
	s := fmt.Sprintf("ingest: %d of %d articles, %s", p.done, p.total, plural(p.passages, "passage", "passages"))
	if p.done == 0 || el <= 0 {
		return s + ", starting"
	}
	rate := float64(p.done) / el.Seconds()
	left := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
	return fmt.Sprintf("%s, %.1f articles/s, about %s left", s, rate, roundLeft(left))
}

// roundLeft rounds a remaining time to what a person reads: seconds under
// a minute, then minutes.
func roundLeft(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}

// every writes a line at each tick of interval until the returned stop is
// called.
func (p *progressLog) every(interval time.Duration) (stop func()) {
	t := time.NewTicker(interval)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.run(t.C, quit)
	}()
	return func() {
		t.Stop()
		close(quit)
		wg.Wait()
	}
}

// run writes a line for each tick until quit is closed.
func (p *progressLog) run(tick <-chan time.Time, quit <-chan struct{}) {
	for {
		select {
		case <-quit:
			return
		case <-tick:
			if l := p.line(); l != "" {
				fmt.Fprintln(p.w, l)
			}
		}
	}
}
