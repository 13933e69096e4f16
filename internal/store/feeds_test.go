package store

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/ingest/feed"
	"github.com/gazettebot/gazette/internal/safehttp"
)

type recordingIngester struct {
	mu     sync.Mutex
	titles []string
}

func (r *recordingIngester) Ingest(_ context.Context, _ string, d ingest.Document) (ingest.Receipt, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.titles = append(r.titles, d.Title)
	return ingest.Receipt{Status: "new", Title: d.Title, URL: d.URL}, nil
}

// TestFeedPollingSurvivesRestart polls a feed through the SQLite store,
// closes and reopens the store, and checks that validators and seen items
// persisted: a 304 is asked for, and nothing is ingested twice.
func TestFeedPollingSurvivesRestart(t *testing.T) {
	var mu sync.Mutex
	body, etag := "", `"v1"`
	var notModified atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b, e := body, etag
		mu.Unlock()
		if r.URL.Path != "/feed.xml" {
			http.NotFound(w, r) // item pages are gone: items fall back to their summaries
			return
		}
		if r.Header.Get("If-None-Match") == e {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", e)
		fmt.Fprint(w, b)
	}))
	t.Cleanup(srv.Close)
	rss := func(n int) string {
		var sb strings.Builder
		sb.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>`)
		for i := n; i >= 1; i-- {
			fmt.Fprintf(&sb, `<item><guid>id-%d</guid><title>Story %d</title><link>%s/news/%d</link><description>Summary of story %d.</description></item>`, i, i, srv.URL, i, i)
		}
		sb.WriteString(`</channel></rss>`)
		return sb.String()
	}
	mu.Lock()
	body = rss(2)
	mu.Unlock()

	path := filepath.Join(t.TempDir(), "feeds.db")
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ing := &recordingIngester{}
	newPoller := func(st feed.Store) *feed.Poller {
		return feed.NewPoller(st, safehttp.New(safehttp.Options{AllowPrivate: true}), ing, feed.Options{Interval: time.Hour, Jitter: -1, Now: clock})
	}
	ctx := t.Context()

	s := openTest(t, path)
	p := newPoller(s)
	if _, err := p.Add(ctx, "g", srv.URL+"/feed.xml"); err != nil {
		t.Fatal(err)
	}
	if rs, err := p.PollDue(ctx); err != nil || len(rs) != 1 || rs[0].Err != nil {
		t.Fatalf("PollDue() = %+v, %v", rs, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Restart with an unchanged feed: the stored ETag brings a 304.
	now = now.Add(time.Hour)
	s = openTest(t, path)
	p = newPoller(s)
	rs, err := p.PollDue(ctx)
	if err != nil || len(rs) != 1 || !rs[0].NotModified {
		t.Fatalf("PollDue() after restart = %+v, %v; want 304", rs, err)
	}
	// The feed changes and its server forgets validators: only the new
	// item is ingested, because the seen items persisted.
	mu.Lock()
	body, etag = rss(3), `"v2"`
	mu.Unlock()
	now = now.Add(time.Hour)
	if _, err := p.PollDue(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Story 1", "Story 2", "Story 3"}, ing.titles); diff != "" {
		t.Errorf("ingested mismatch (-want +got):\n%s", diff)
	}
	if notModified.Load() != 1 {
		t.Errorf("304 answers = %d, want 1", notModified.Load())
	}
	feeds, _ := p.List(ctx, "g")
	if len(feeds) != 1 || feeds[0].Items != 3 || feeds[0].ETag != `"v2"` || feeds[0].Title != "Wire" {
		t.Errorf("List() = %+v", feeds)
	}
}
