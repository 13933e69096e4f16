package feed

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/internal/safehttp"
)

// panicIngester panics on documents whose title is poison, as a process
// dying mid-item (out of memory, a crash) would stop; it records the rest.
type panicIngester struct {
	fakeIngester
	poison string
	tries  atomic.Int32
}

func (p *panicIngester) Ingest(ctx context.Context, ns string, doc ingest.Document) (ingest.Receipt, error) {
	if doc.Title == p.poison {
		p.tries.Add(1)
		panic("out of memory")
	}
	return p.fakeIngester.Ingest(ctx, ns, doc)
}

// crashed runs f and reports whether it panicked, as a crash of the
// process would stop it.
func crashed(f func()) (died bool) {
	defer func() {
		if recover() != nil {
			died = true
		}
	}()
	f()
	return false
}

// TestItemThatCrashesIsNotRetriedInALoop: an item whose reading kills the
// process leaves its feed failed with back-off (so a restart does not poll
// it again at once), is tried once more, one item at a time, and is then
// left alone while the feed's other items are ingested.
func TestItemThatCrashesIsNotRetriedInALoop(t *testing.T) {
	s := newSite(t)
	u := s.srv.URL
	s.set(rss("Wire",
		item{"1", "Good one", "", "Mon, 02 Jun 2025 08:00:00 GMT", "<p>The first story, carried in the feed.</p>"},
		item{"2", "Poison", "", "Mon, 02 Jun 2025 09:00:00 GMT", "<p>A page that exhausts memory.</p>"},
		item{"3", "Good two", "", "Mon, 02 Jun 2025 10:00:00 GMT", "<p>The third story, carried in the feed.</p>"},
	), "")
	st, clk := newMemStore(), &clock{now: t0}
	ing := &panicIngester{poison: "Poison"}
	start := func() *Poller { return newPoller(st, ing, clk) } // a process start
	ctx := t.Context()
	if _, err := start().Add(ctx, "g", u+"/feed.xml"); err != nil {
		t.Fatal(err)
	}
	// Poll runs in this goroutine, so the crash can be caught here.
	if !crashed(func() { _, _ = start().Poll(ctx, "g", u+"/feed.xml", nil) }) {
		t.Fatal("the poisoned item did not stop the poll")
	}
	// Restarted at once: the feed is not due, so the process does not die
	// again in a loop.
	if rs, err := start().PollDue(ctx); err != nil || len(rs) != 0 {
		t.Fatalf("PollDue() right after the crash = %+v, %v; want no poll", rs, err)
	}
	fs, _ := st.Feeds(ctx, "g")
	if fs[0].Failures != 1 || fs[0].LastError != interruptedReason || !fs[0].NextPollAt.After(clk.Now()) {
		t.Errorf("feed after the crash = %+v, want one failure, the reason and a later poll", fs[0])
	}
	// After the back-off it is tried once more, item by item; it dies again.
	clk.Advance(3 * time.Hour)
	if due, _ := st.DueFeeds(ctx, clk.Now()); len(due) != 1 {
		t.Fatalf("feed not due after the back-off: %+v", due)
	}
	if !crashed(func() { _, _ = start().Poll(ctx, "g", u+"/feed.xml", nil) }) {
		t.Fatal("the poisoned item was not tried again after the back-off")
	}
	clk.Advance(5 * time.Hour)
	rs, err := start().PollDue(ctx)
	if err != nil || len(rs) != 1 || rs[0].Err != nil {
		t.Fatalf("PollDue() after the second crash = %+v, %v", rs, err)
	}
	if n := ing.tries.Load(); n != 2 {
		t.Errorf("poisoned item tried %d times, want 2", n)
	}
	if got := strings.Join(ing.titles(), ", "); got != "Good one, Good two" {
		t.Errorf("ingested %s, want the two good items", got)
	}
	fs, _ = st.Feeds(ctx, "g")
	if fs[0].Failures != 0 || fs[0].LastError != "" {
		t.Errorf("feed after a clean poll = %+v, want it healthy", fs[0])
	}
}

// TestStalledHostDelaysOnlyItsFeeds polls feeds of two hosts (two ports):
// while one host holds every request, the other host's feeds are polled
// to the end. When the stalled host times out, its other feeds are not
// fetched in that round but fail with the same reason and back off.
func TestStalledHostDelaysOnlyItsFeeds(t *testing.T) {
	release := make(chan struct{})
	var stalledHits atomic.Int32
	stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stalledHits.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(stalled.Close)
	t.Cleanup(func() { close(release) })
	healthy := newSite(t)
	healthy.set(rss("Healthy", item{"h1", "Healthy story", "", "", "<p>A story from a host that answers.</p>"}), "")

	st, ing, clk := newMemStore(), &fakeIngester{}, &clock{now: t0}
	client := safehttp.New(safehttp.Options{AllowPrivate: true, HostInterval: -1, Timeout: 300 * time.Millisecond})
	p := NewPoller(st, client, ing, Options{Interval: time.Hour, Jitter: -1, Now: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	ctx := t.Context()
	for i := range 3 {
		if err := st.SaveFeed(ctx, Feed{Namespace: "g", URL: fmt.Sprintf("%s/feed%d.xml", stalled.URL, i), AddedAt: t0, NextPollAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		if err := st.SaveFeed(ctx, Feed{Namespace: "g", URL: fmt.Sprintf("%s/feed.xml?n=%d", healthy.srv.URL, i), AddedAt: t0, NextPollAt: t0}); err != nil {
			t.Fatal(err)
		}
	}

	rs, err := p.pollAll(ctx, mustDue(t, st), nil)
	if err != nil || len(rs) != 6 {
		t.Fatalf("pollAll() = %d results, %v; want 6", len(rs), err)
	}
	fs, _ := st.Feeds(ctx, "g")
	for _, f := range fs {
		switch {
		case strings.HasPrefix(f.URL, healthy.srv.URL):
			if f.LastError != "" || f.LastSuccessAt.IsZero() {
				t.Errorf("healthy feed %s = %+v, want polled", f.URL, f)
			}
		default:
			if f.Failures != 1 || !strings.Contains(f.LastError, "took longer than 300ms") {
				t.Errorf("stalled feed %s = %+v, want one failure saying it timed out", f.URL, f)
			}
		}
	}
	if n := stalledHits.Load(); n != 1 {
		t.Errorf("stalled host got %d requests for 3 feeds in one round, want 1", n)
	}
}

func mustDue(t *testing.T, st Store) []Feed {
	t.Helper()
	fs, err := st.DueFeeds(t.Context(), t0)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestHealthyHostNotHeldByStalledHost is the isolation itself, without a
// timeout: a host that never answers holds one worker, and the round's
// other host is polled to the end meanwhile.
func TestHealthyHostNotHeldByStalledHost(t *testing.T) {
	arrived := make(chan struct{}, 8)
	release := make(chan struct{})
	stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(stalled.Close)
	healthy := newSite(t)
	healthy.set(rss("Healthy", item{"h1", "Healthy story", "", "", "<p>A story from a host that answers.</p>"}), "")
	st, clk := newMemStore(), &clock{now: t0}
	ing := &fakeIngester{}
	p := newPoller(st, ing, clk)
	ctx := t.Context()
	for _, u := range []string{stalled.URL + "/feed.xml", healthy.srv.URL + "/feed.xml"} {
		if err := st.SaveFeed(ctx, Feed{Namespace: "g", URL: u, AddedAt: t0, NextPollAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan []PollResult)
	go func() {
		rs, err := p.PollDue(ctx)
		if err != nil {
			t.Errorf("PollDue() = %v", err)
		}
		done <- rs
	}()
	<-arrived // the stalled host holds its request
	for {
		fs, _ := st.Feeds(ctx, "g")
		var h Feed
		for _, f := range fs {
			if strings.HasPrefix(f.URL, healthy.srv.URL) {
				h = f
			}
		}
		if !h.LastSuccessAt.IsZero() {
			break // polled while the other host still stalls
		}
		select {
		case rs := <-done:
			t.Fatalf("the round ended before the healthy feed was polled: %+v", rs)
		case <-time.After(5 * time.Millisecond):
		}
	}
	if got := ing.titles(); len(got) != 1 {
		t.Errorf("ingested %v while the other host stalled, want the healthy story", got)
	}
	close(release)
	if rs := <-done; len(rs) != 2 {
		t.Errorf("round results = %d, want 2", len(rs))
	}
}

// TestFeedRetryAfterPostponesPoll: a feed answering 429 with a long
// Retry-After is not polled again before that time.
func TestFeedRetryAfterPostponesPoll(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Retry-After", "18000") // five hours
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srv.Close)
	st, ing, clk := newMemStore(), &fakeIngester{}, &clock{now: t0}
	p := newPoller(st, ing, clk)
	ctx := t.Context()
	if err := st.SaveFeed(ctx, Feed{Namespace: "g", URL: srv.URL + "/feed.xml", AddedAt: t0, NextPollAt: t0}); err != nil {
		t.Fatal(err)
	}
	rs, err := p.PollDue(ctx)
	if err != nil || len(rs) != 1 || rs[0].Err == nil {
		t.Fatalf("PollDue() = %+v, %v", rs, err)
	}
	f := rs[0].Feed
	if f.NextPollAt.Before(t0.Add(5*time.Hour)) || !strings.Contains(f.LastError, "asks to wait 5h") {
		t.Errorf("feed = %+v, want the next poll five hours on and the reason", f)
	}
}

// TestFeedRobotsDisallow: a site whose robots.txt keeps Gazette out of
// its feed cannot be followed.
func TestFeedRobotsDisallow(t *testing.T) {
	var feedHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: Gazette\nDisallow: /feed\n")
			return
		}
		feedHits.Add(1)
		fmt.Fprint(w, rss("Wire"))
	}))
	t.Cleanup(srv.Close)
	p := newPoller(newMemStore(), &fakeIngester{}, &clock{now: t0})
	_, err := p.Add(t.Context(), "g", srv.URL+"/feed.xml")
	if reason := safehttp.Reason(err); !strings.Contains(reason, "robots.txt does not allow") {
		t.Errorf("Add() = %v, want a robots.txt refusal", err)
	}
	if feedHits.Load() != 0 {
		t.Error("the disallowed feed was fetched")
	}
}
