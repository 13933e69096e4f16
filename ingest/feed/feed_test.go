package feed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/internal/safehttp"
	"github.com/gazettebot/gazette/news"
)

// fakeIngester records what it is given; fail makes it return an error.
type fakeIngester struct {
	mu   sync.Mutex
	docs []ingest.Document
	fail func(ingest.Document) bool
}

func (f *fakeIngester) Ingest(_ context.Context, ns string, doc ingest.Document) (ingest.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil && f.fail(doc) {
		return ingest.Receipt{}, errors.New("store unavailable")
	}
	f.docs = append(f.docs, doc)
	return ingest.Receipt{Status: ingest.StatusNew, ArticleID: ns + ":" + doc.URL, Title: doc.Title, URL: doc.URL, Words: len(strings.Fields(doc.Body))}, nil
}

func (f *fakeIngester) titles() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, d := range f.docs {
		out = append(out, d.Title)
	}
	return out
}

func articlePage(title, text string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<html><head><title>%s</title></head><body><article><h1>%s</h1>", title, title)
	for i := range 4 {
		fmt.Fprintf(&b, "<p>%s This is paragraph %d of the article, long enough to count as prose for the extractor.</p>", text, i+1)
	}
	b.WriteString("</article></body></html>")
	return b.String()
}

type item struct{ guid, title, link, date, desc string }

func rss(title string, items ...item) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>%s</title><link>http://example.com/</link>`, title)
	for _, it := range items {
		b.WriteString("<item>")
		if it.guid != "" {
			fmt.Fprintf(&b, "<guid>%s</guid>", it.guid)
		}
		fmt.Fprintf(&b, "<title>%s</title><link>%s</link><pubDate>%s</pubDate><description><![CDATA[%s]]></description></item>", it.title, it.link, it.date, it.desc)
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

// site is a local news site with a feed whose body and ETag tests change.
type site struct {
	srv        *httptest.Server
	mu         sync.Mutex
	feed       string
	etag       string
	ignoreETag bool
	feedHits   atomic.Int32
	notMod     atomic.Int32
	pageHits   atomic.Int32
}

func newSite(t *testing.T) *site {
	t.Helper()
	s := &site{}
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		s.feedHits.Add(1)
		s.mu.Lock()
		body, etag, ignore := s.feed, s.etag, s.ignoreETag
		s.mu.Unlock()
		if etag != "" && !ignore && r.Header.Get("If-None-Match") == etag {
			s.notMod.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, body)
	})
	mux.HandleFunc("/home", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Home</body></html>`)
	})
	mux.HandleFunc("/news/{slug}", func(w http.ResponseWriter, r *http.Request) {
		s.pageHits.Add(1)
		slug := r.PathValue("slug")
		if slug == "gone" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, articlePage("Page "+slug, "The full story of "+slug+"."))
	})
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) set(feed, etag string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feed, s.etag = feed, etag
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newPoller(st Store, ing Ingester, clk *clock) *Poller {
	return NewPoller(st, safehttp.New(safehttp.Options{AllowPrivate: true, HostInterval: -1}), ing, Options{
		Interval: time.Hour,
		Jitter:   -1,
		Now:      clk.Now,
		Logger:   slog.New(slog.DiscardHandler),
	})
}

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func TestPollLifecycle(t *testing.T) {
	s := newSite(t)
	u := s.srv.URL
	items := []item{
		{"id-2", "Second story", u + "/news/second?utm_source=rss", "Mon, 02 Jun 2025 09:00:00 GMT", "Summary two"},
		{"id-1", "First story", u + "/news/first", "Sun, 01 Jun 2025 09:00:00 GMT", "Summary one"},
		{"", "Gone story", u + "/news/gone", "Sun, 01 Jun 2025 10:00:00 GMT", "<p>The page is gone but the <b>summary</b> remains here.</p>"},
	}
	s.set(rss("Local Gazette", items...), `"v1"`)

	st, ing, clk := newMemStore(), &fakeIngester{}, &clock{now: t0}
	p := newPoller(st, ing, clk)
	ctx := t.Context()

	f, err := p.Add(ctx, "g1", u+"/feed.xml")
	if err != nil {
		t.Fatalf("Add() error = %v", err)
	}
	if f.Title != "Local Gazette" || !f.NextPollAt.Equal(t0) {
		t.Errorf("Add() = %+v", f)
	}
	if n := len(ing.titles()); n != 0 {
		t.Fatalf("Add() ingested %d items, want none before the first poll", n)
	}
	if _, err := p.Add(ctx, "g1", u+"/feed.xml#x"); !errors.Is(err, ErrExists) {
		t.Errorf("Add() again error = %v, want ErrExists", err)
	}

	// First poll: every item, oldest first; the dead page falls back to
	// the item's own summary.
	var progress []int
	results, err := p.PollDue(ctx)
	if err != nil || len(results) != 1 {
		t.Fatalf("PollDue() = %v, %v", results, err)
	}
	if results[0].Err != nil {
		t.Fatalf("poll error = %v", results[0].Err)
	}
	if diff := cmp.Diff([]string{"Page first", "Gone story", "Page second"}, ing.titles()); diff != "" {
		t.Errorf("ingested mismatch (-want +got):\n%s", diff)
	}
	gone := ing.docs[1]
	if gone.Body != "The page is gone but the summary remains here." || gone.Outlet != "Local Gazette" || gone.URL != u+"/news/gone" {
		t.Errorf("fallback document = %+v", gone)
	}
	if ing.docs[2].URL != u+"/news/second" || ing.docs[2].PublishedAt.IsZero() {
		t.Errorf("second document = %+v", ing.docs[2])
	}
	f = results[0].Feed
	if f.ETag != `"v1"` || f.Items != 3 || f.Failures != 0 || !f.NextPollAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("feed after poll = %+v", f)
	}

	// Not due yet: nothing happens.
	if rs, _ := p.PollDue(ctx); len(rs) != 0 {
		t.Errorf("PollDue() before the interval polled %d feeds", len(rs))
	}

	// Due again: a conditional request gets 304.
	clk.Advance(time.Hour)
	rs, err := p.Poll(ctx, "g1", u+"/feed.xml", func(done, total int, _ ingest.Receipt) { progress = append(progress, done) })
	if err != nil || !rs.NotModified || len(rs.Receipts) != 0 {
		t.Fatalf("Poll() = %+v, %v; want 304", rs, err)
	}
	if s.notMod.Load() != 1 {
		t.Errorf("server answered 304 %d times, want 1", s.notMod.Load())
	}

	// A new item: only it is ingested, and progress is reported.
	s.set(rss("Local Gazette", append([]item{{"id-3", "Third story", u + "/news/third", "Tue, 03 Jun 2025 09:00:00 GMT", ""}}, items...)...), `"v2"`)
	clk.Advance(time.Hour)
	rs, err = p.Poll(ctx, "g1", u+"/feed.xml", func(done, total int, _ ingest.Receipt) { progress = append(progress, done*10+total) })
	if err != nil || len(rs.Receipts) != 1 || rs.Receipts[0].Title != "Page third" {
		t.Fatalf("Poll() = %+v, %v; want one new item", rs, err)
	}
	if diff := cmp.Diff([]int{11}, progress); diff != "" {
		t.Errorf("progress mismatch (-want +got):\n%s", diff)
	}

	// Restart: a new poller over the same store neither re-ingests nor
	// skips. The server ignores validators, so the seen items decide.
	s.mu.Lock()
	s.ignoreETag = true
	s.mu.Unlock()
	s.set(rss("Local Gazette", append([]item{{"id-4", "Fourth story", u + "/news/fourth", "Wed, 04 Jun 2025 09:00:00 GMT", ""}, {"id-3", "Third story", u + "/news/third", "Tue, 03 Jun 2025 09:00:00 GMT", ""}}, items...)...), `"v3"`)
	clk.Advance(time.Hour)
	p2 := newPoller(st, ing, clk)
	rs2, err := p2.PollDue(ctx)
	if err != nil || len(rs2) != 1 {
		t.Fatalf("PollDue() after restart = %v, %v", rs2, err)
	}
	if diff := cmp.Diff([]string{"Page first", "Gone story", "Page second", "Page third", "Page fourth"}, ing.titles()); diff != "" {
		t.Errorf("after restart (-want +got):\n%s", diff)
	}

	feeds, err := p2.List(ctx, "g1")
	if err != nil || len(feeds) != 1 || feeds[0].Items != 5 || feeds[0].ETag != `"v3"` {
		t.Errorf("List() = %+v, %v", feeds, err)
	}
	if other, _ := p2.List(ctx, "g2"); len(other) != 0 {
		t.Errorf("List(g2) = %+v, want none: namespaces are separate", other)
	}
	if err := p2.Remove(ctx, "g1", u+"/feed.xml"); err != nil {
		t.Fatalf("Remove() error = %v", err)
	}
	if err := p2.Remove(ctx, "g1", u+"/feed.xml"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("Remove() again error = %v, want ErrNotFound", err)
	}
}

func TestPollFailures(t *testing.T) {
	s := newSite(t)
	u := s.srv.URL
	s.set(rss("Wire", item{"a", "A", u + "/news/a", "", ""}), "")
	st, ing, clk := newMemStore(), &fakeIngester{}, &clock{now: t0}
	p := newPoller(st, ing, clk)
	ctx := t.Context()
	if _, err := p.Add(ctx, "g", u+"/feed.xml"); err != nil {
		t.Fatal(err)
	}

	// Malformed feed: recorded with a readable error and backed off.
	s.set("<rss><channel><title>broken", "")
	for i, wantWait := range []time.Duration{2 * time.Hour, 4 * time.Hour, 8 * time.Hour} {
		rs, err := p.Poll(ctx, "g", u+"/feed.xml", nil)
		if err != nil {
			t.Fatal(err)
		}
		f := rs.Feed
		if rs.Err == nil || f.Failures != i+1 || f.LastError != "the feed could not be read as RSS or Atom" {
			t.Errorf("poll %d = err %v, feed %+v", i+1, rs.Err, f)
		}
		if got := f.NextPollAt.Sub(clk.Now()); got != wantWait {
			t.Errorf("poll %d backoff = %v, want %v", i+1, got, wantWait)
		}
	}
	feeds, _ := p.List(ctx, "g")
	if len(feeds) != 1 || feeds[0].LastError == "" {
		t.Errorf("List() = %+v, want the last error shown", feeds)
	}

	// Recovery resets the failures.
	s.set(rss("Wire", item{"a", "A", u + "/news/a", "", ""}), "")
	rs, _ := p.Poll(ctx, "g", u+"/feed.xml", nil)
	if rs.Err != nil || rs.Feed.Failures != 0 || rs.Feed.LastError != "" || len(ing.titles()) != 1 {
		t.Errorf("recovered poll = %+v", rs)
	}

	// A dead feed (the server is gone).
	s.srv.Close()
	rs, _ = p.Poll(ctx, "g", u+"/feed.xml", nil)
	if rs.Err == nil || rs.Feed.LastError == "" || rs.Feed.Failures != 1 {
		t.Errorf("dead feed poll = %+v", rs)
	}
}

func TestPollRetriesFailedItems(t *testing.T) {
	s := newSite(t)
	u := s.srv.URL
	s.set(rss("Wire", item{"b", "B", u + "/news/b", "Mon, 02 Jun 2025 09:00:00 GMT", ""}, item{"a", "A", u + "/news/a", "Sun, 01 Jun 2025 09:00:00 GMT", ""}), `"e1"`)
	var down atomic.Bool
	down.Store(true)
	ing := &fakeIngester{fail: func(d ingest.Document) bool { return down.Load() && d.Title == "Page b" }}
	st, clk := newMemStore(), &clock{now: t0}
	p := newPoller(st, ing, clk)
	ctx := t.Context()
	if _, err := p.Add(ctx, "g", u+"/feed.xml"); err != nil {
		t.Fatal(err)
	}
	rs, _ := p.Poll(ctx, "g", u+"/feed.xml", nil)
	if rs.Err == nil || rs.Feed.ETag != "" || len(rs.Receipts) != 1 {
		t.Fatalf("poll with a failing item = %+v; want an error, no ETag kept, one receipt", rs)
	}
	down.Store(false)
	rs, _ = p.Poll(ctx, "g", u+"/feed.xml", nil)
	if rs.Err != nil || rs.NotModified || len(rs.Receipts) != 1 || rs.Receipts[0].Title != "Page b" || rs.Feed.ETag != `"e1"` {
		t.Fatalf("retry poll = %+v; want only the failed item", rs)
	}
	if diff := cmp.Diff([]string{"Page a", "Page b"}, ing.titles()); diff != "" {
		t.Errorf("ingested mismatch (-want +got):\n%s", diff)
	}
}

func TestPollMaxItems(t *testing.T) {
	s := newSite(t)
	u := s.srv.URL
	var its []item
	for i := 5; i >= 1; i-- {
		its = append(its, item{fmt.Sprint(i), fmt.Sprint(i), fmt.Sprintf("%s/news/n%d", u, i), fmt.Sprintf("Sun, 0%d Jun 2025 09:00:00 GMT", i), ""})
	}
	s.set(rss("Wire", its...), `"m"`)
	st, ing, clk := newMemStore(), &fakeIngester{}, &clock{now: t0}
	p := NewPoller(st, safehttp.New(safehttp.Options{AllowPrivate: true, HostInterval: -1}), ing, Options{MaxItems: 3, Jitter: -1, Now: clk.Now})
	ctx := t.Context()
	if _, err := p.Add(ctx, "g", u+"/feed.xml"); err != nil {
		t.Fatal(err)
	}
	rs, _ := p.Poll(ctx, "g", u+"/feed.xml", nil)
	if len(rs.Receipts) != 3 || rs.Feed.ETag != "" {
		t.Fatalf("first poll = %d receipts, ETag %q; want 3 and no ETag", len(rs.Receipts), rs.Feed.ETag)
	}
	rs, _ = p.Poll(ctx, "g", u+"/feed.xml", nil)
	if len(rs.Receipts) != 2 || rs.Feed.ETag != `"m"` {
		t.Fatalf("second poll = %d receipts, ETag %q; want 2 and the ETag", len(rs.Receipts), rs.Feed.ETag)
	}
	if diff := cmp.Diff([]string{"Page n1", "Page n2", "Page n3", "Page n4", "Page n5"}, ing.titles()); diff != "" {
		t.Errorf("order mismatch (-want +got):\n%s", diff)
	}
}

func TestAdd(t *testing.T) {
	s := newSite(t)
	u := s.srv.URL
	s.set(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title><entry><id>urn:1</id><title>One</title><link href="`+u+`/news/one"/><updated>2025-06-01T09:00:00Z</updated></entry></feed>`, "")
	st, ing, clk := newMemStore(), &fakeIngester{}, &clock{now: t0}
	p := newPoller(st, ing, clk)
	ctx := t.Context()

	f, err := p.Add(ctx, "g", u+"/home")
	if err != nil {
		t.Fatalf("Add(page with feed link) error = %v", err)
	}
	if f.URL != u+"/feed.xml" || f.Title != "Atom Wire" {
		t.Errorf("Add() = %+v, want the advertised Atom feed", f)
	}

	refused := []struct {
		name, url, reason string
		p                 *Poller
	}{
		{"not a feed", u + "/news/one", "does not serve an RSS or Atom feed", p},
		{"missing", u + "/nothing", "the feed answered 404", p},
		{"private address", u + "/feed.xml", "the address is not allowed", NewPoller(st, safehttp.New(safehttp.Options{}), ing, Options{})},
		{"bad scheme", "file:///etc/passwd", "only http and https", p},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.p.Add(ctx, "g2", tt.url)
			var re *safehttp.RefusedError
			if !errors.As(err, &re) || !strings.Contains(re.Reason, tt.reason) {
				t.Errorf("Add(%q) error = %v, want a refusal containing %q", tt.url, err, tt.reason)
			}
		})
	}
	if feeds, _ := p.List(ctx, "g2"); len(feeds) != 0 {
		t.Errorf("refused feeds were saved: %+v", feeds)
	}

	limited := NewPoller(st, safehttp.New(safehttp.Options{AllowPrivate: true, HostInterval: -1}), ing, Options{MaxFeeds: 1})
	if _, err := limited.Add(ctx, "g", u+"/feed.xml?x=1"); !errors.Is(err, ErrTooManyFeeds) {
		t.Errorf("Add() over the limit error = %v, want ErrTooManyFeeds", err)
	}
}

func TestRunStopsWithContext(t *testing.T) {
	s := newSite(t)
	u := s.srv.URL
	s.set(rss("Wire", item{"a", "A", u + "/news/a", "", ""}), "")
	st, clk := newMemStore(), &clock{now: t0}
	ctx, cancel := context.WithCancel(t.Context())
	ing := &fakeIngester{fail: func(ingest.Document) bool { cancel(); return false }}
	p := newPoller(st, ing, clk)
	if _, err := p.Add(ctx, "g", u+"/feed.xml"); err != nil {
		t.Fatal(err)
	}
	if err := p.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Run() error = %v, want context.Canceled", err)
	}
	if got := ing.titles(); len(got) != 1 {
		t.Errorf("Run() ingested %v, want the one item", got)
	}
}

func TestNextJitterAndBackoff(t *testing.T) {
	tests := []struct {
		name     string
		r        float64
		failures int
		want     time.Duration
	}{
		{"low jitter", 0, 0, 54 * time.Minute},
		{"high jitter", 1, 0, 66 * time.Minute},
		{"middle", 0.5, 0, time.Hour},
		{"one failure", 0.5, 1, 2 * time.Hour},
		{"capped", 0.5, 30, 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPoller(newMemStore(), nil, nil, Options{Interval: time.Hour, Rand: func() float64 { return tt.r }})
			if got := p.next(t0, tt.failures).Sub(t0); got != tt.want {
				t.Errorf("next() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestItemLinkToPrivateAddress checks that a feed cannot make the bot fetch
// inside its network, nor store such a link: an item linking to a private
// address is not fetched and is refused with the reason.
func TestItemLinkToPrivateAddress(t *testing.T) {
	s := newSite(t)
	u := s.srv.URL
	s.set(rss("Wire", item{"x", "Inside job", "http://10.1.2.3/admin", "", "<p>The summary the feed itself carries about the story.</p>"}), "")
	st, ing, clk := newMemStore(), &fakeIngester{}, &clock{now: t0}
	// Only the test site's own address is opened, not private networks.
	client := safehttp.New(safehttp.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, HostInterval: -1})
	p := NewPoller(st, client, ing, Options{Jitter: -1, Now: clk.Now})
	ctx := t.Context()
	if _, err := p.Add(ctx, "g", u+"/feed.xml"); err != nil {
		t.Fatal(err)
	}
	rs, err := p.Poll(ctx, "g", u+"/feed.xml", nil)
	if err != nil || rs.Err != nil || len(rs.Receipts) != 1 {
		t.Fatalf("Poll() = %+v, %v", rs, err)
	}
	if r := rs.Receipts[0]; r.Status != ingest.StatusRefused || !strings.Contains(r.Reason, "link is refused: the address is not allowed: 10.1.2.3 is a private network address") {
		t.Errorf("receipt = %+v, want the link refused with its reason", r)
	}
	if len(ing.docs) != 0 {
		t.Errorf("ingested %+v, want nothing", ing.docs)
	}
}

// TestItemLinksValidated: feed item links are checked like any URL before
// they are fetched or stored: javascript:, data:, mailto: and cloud
// metadata links are refused and reported (and never retried); a relative
// link is resolved against the feed's address.
func TestItemLinksValidated(t *testing.T) {
	s := newSite(t)
	u := s.srv.URL
	s.set(rss("Wire",
		item{"1", "Script", "javascript:alert(document.cookie)", "", "<p>Click here for the story about the harbour.</p>"},
		item{"2", "Data", "data:text/html,<script>alert(1)</script>", "", "<p>A story carried in a data link.</p>"},
		item{"3", "Metadata", "http://169.254.169.254/latest/meta-data/", "", "<p>Instance credentials inside.</p>"},
		item{"4", "Mail", "mailto:desk@example.com", "", "<p>Write to the desk.</p>"},
		item{"5", "Relative", "/news/relative", "", "<p>Short.</p>"},
	), "")
	st, ing, clk := newMemStore(), &fakeIngester{}, &clock{now: t0}
	p := newPoller(st, ing, clk)
	ctx := t.Context()
	if _, err := p.Add(ctx, "g", u+"/feed.xml"); err != nil {
		t.Fatal(err)
	}
	rs, err := p.Poll(ctx, "g", u+"/feed.xml", nil)
	if err != nil || rs.Err != nil {
		t.Fatalf("Poll() = %+v, %v", rs, err)
	}
	reasons := map[string]string{}
	for _, r := range rs.Receipts {
		if r.Status == ingest.StatusRefused {
			reasons[r.Title] = r.Reason
		}
	}
	for title, want := range map[string]string{
		"Script":   "only http and https addresses are allowed, not javascript:",
		"Data":     "only http and https addresses are allowed, not data:",
		"Metadata": "169.254.169.254 is a cloud metadata service address",
		"Mail":     "only http and https addresses are allowed, not mailto:",
	} {
		if !strings.Contains(reasons[title], "the item's link is refused: ") || !strings.Contains(reasons[title], want) {
			t.Errorf("%s: refusal %q, want one saying %q", title, reasons[title], want)
		}
	}
	if len(ing.docs) != 1 || ing.docs[0].URL != u+"/news/relative" || ing.docs[0].Title != "Page relative" {
		t.Errorf("ingested %+v, want only the relative link, resolved and fetched", ing.docs)
	}
	// Refused items are seen: the next poll does not retry them.
	clk.Advance(2 * time.Hour)
	rs, err = p.Poll(ctx, "g", u+"/feed.xml", nil)
	if err != nil || len(rs.Receipts) != 0 {
		t.Errorf("second Poll() = %+v, %v; want nothing new", rs.Receipts, err)
	}
}

func TestJSONFeed(t *testing.T) {
	s := newSite(t)
	u := s.srv.URL
	s.set(`{"version":"https://jsonfeed.org/version/1.1","title":"JSON Wire","items":[{"id":"j1","url":"`+u+`/news/json","title":"Json story","date_published":"2025-06-01T09:00:00Z"}]}`, "")
	st, ing, clk := newMemStore(), &fakeIngester{}, &clock{now: t0}
	p := newPoller(st, ing, clk)
	f, err := p.Add(t.Context(), "g", u+"/feed.xml")
	if err != nil || f.Title != "JSON Wire" {
		t.Fatalf("Add() = %+v, %v", f, err)
	}
	rs, err := p.Poll(t.Context(), "g", f.URL, nil)
	if err != nil || rs.Err != nil || len(rs.Receipts) != 1 || rs.Receipts[0].Title != "Page json" {
		t.Fatalf("Poll() = %+v, %v", rs, err)
	}
}

func TestUndatedItemsKeepFeedOrder(t *testing.T) {
	s := newSite(t)
	u := s.srv.URL
	s.set(rss("Wire", item{"c", "C", u + "/news/c", "", ""}, item{"b", "B", u + "/news/b", "Mon, 02 Jun 2025 09:00:00 GMT", ""}, item{"a", "A", u + "/news/a", "", ""}), "")
	st, ing, clk := newMemStore(), &fakeIngester{}, &clock{now: t0}
	p := newPoller(st, ing, clk)
	if _, err := p.Add(t.Context(), "g", u+"/feed.xml"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Poll(t.Context(), "g", u+"/feed.xml", nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Page a", "Page b", "Page c"}, ing.titles()); diff != "" {
		t.Errorf("order mismatch (-want +got):\n%s", diff)
	}
}
