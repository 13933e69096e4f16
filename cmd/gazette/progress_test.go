package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazettebot/gazette/ingest"
)

// TestProgressLog drives the progress lines with a fake clock and ticks:
// each tick with news writes articles done, passages, rate and time left;
// a tick with nothing new writes nothing.
func TestProgressLog(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) time.Time { mu.Lock(); defer mu.Unlock(); now = now.Add(d); return now }
	var out bytes.Buffer
	p := newProgressLog(&out, 100, clock)
	tick := make(chan time.Time)
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() { p.run(tick, quit); close(done) }()

	for i := 1; i <= 20; i++ {
		p.update(i, 100, ingest.Receipt{Chunks: 3})
	}
	tick <- advance(10 * time.Second)
	tick <- advance(0) // nothing new: no line
	p.update(25, 100, ingest.Receipt{Chunks: 5})
	tick <- advance(5 * time.Second)
	close(quit)
	<-done

	want := "ingest: 20 of 100 articles, 60 passages, 2.0 articles/s, about 40s left\n" +
		"ingest: 25 of 100 articles, 65 passages, 1.7 articles/s, about 45s left\n"
	if got := out.String(); got != want {
		t.Errorf("progress lines:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(newProgressLog(&out, 5, time.Now).line(), "0 of 5 articles") {
		t.Error("a line before the first article does not say 0 of 5")
	}
}
