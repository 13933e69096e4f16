package safehttp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// fakeClock is a clock whose Sleep advances time at once and records
// every wait.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// politeClient is a client for tests: private networks open, no spacing
// between requests, the fake clock.
func politeClient(clk *fakeClock) *Client {
	return New(Options{AllowPrivate: true, HostInterval: -1, Now: clk.Now, Sleep: clk.Sleep})
}

// TestRobotsDisallowHonoured serves a robots.txt that keeps Gazette out of
// /private: Crawl refuses that path without requesting it, fetches the
// others, and reads robots.txt once.
func TestRobotsDisallowHonoured(t *testing.T) {
	var robots, private atomic.Int32
	var agent atomic.Value
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		robots.Add(1)
		fmt.Fprint(w, "User-agent: *\nDisallow: /drafts\n\nUser-agent: Gazette\nDisallow: /private\nAllow: /private/press\n")
	})
	mux.HandleFunc("/private/", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/private/press") {
			private.Add(1)
		}
		fmt.Fprint(w, "page")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		agent.Store(r.UserAgent())
		fmt.Fprint(w, "page")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c := New(Options{AllowPrivate: true, HostInterval: -1, Contact: "news-ops@example.org"})

	_, err := c.Crawl(t.Context(), srv.URL+"/private/memo.html", nil)
	re := refusal(t, err)
	if !errors.Is(err, ErrRobots) || !strings.Contains(re.Reason, "robots.txt does not allow") {
		t.Errorf("Crawl(disallowed) = %v, want a robots.txt refusal", err)
	}
	if private.Load() != 0 {
		t.Error("the disallowed page was requested")
	}
	for _, path := range []string{"/news/story.html", "/private/press/release.html", "/drafts/x"} {
		resp, err := c.Crawl(t.Context(), srv.URL+path, nil)
		if err != nil || string(resp.Body) != "page" {
			t.Errorf("Crawl(%s) = %v, want the page (Gazette's own group applies, not *)", path, err)
		}
	}
	if n := robots.Load(); n != 1 {
		t.Errorf("robots.txt read %d times, want once (cached)", n)
	}
	if ua, _ := agent.Load().(string); !strings.HasPrefix(ua, "Gazette/") || !strings.Contains(ua, "contact: news-ops@example.org") {
		t.Errorf("User-Agent = %q, want Gazette with the contact", ua)
	}
	// Get (attachments) does not consult robots.txt.
	if _, err := c.Get(t.Context(), srv.URL+"/private/memo.html", nil); err != nil {
		t.Errorf("Get() = %v", err)
	}
}

// TestRobotsStatuses: a missing robots.txt allows everything; a 5xx
// refuses the site for now (RFC 9309), without fetching the page.
func TestRobotsStatuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		allow  bool
	}{
		{"missing", http.StatusNotFound, true},
		{"forbidden", http.StatusForbidden, true},
		{"server error", http.StatusInternalServerError, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pages atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					w.WriteHeader(tc.status)
					return
				}
				pages.Add(1)
				fmt.Fprint(w, "page")
			}))
			t.Cleanup(srv.Close)
			_, err := politeClient(newFakeClock()).Crawl(t.Context(), srv.URL+"/a", nil)
			if tc.allow && err != nil {
				t.Errorf("Crawl() = %v, want the page", err)
			}
			if !tc.allow {
				if re := refusal(t, err); !strings.Contains(re.Reason, "robots.txt answered 500") || pages.Load() != 0 {
					t.Errorf("Crawl() = %v (pages fetched %d), want a refusal before the page", err, pages.Load())
				}
			}
		})
	}
}

// TestRetryAfterWaitedOut answers 429 with Retry-After: 7 twice, then the
// page: Get waits 7 s each time (on the fake clock) and returns the page.
// Meanwhile another request to the same host waits too.
func TestRetryAfterWaitedOut(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, "page")
	}))
	t.Cleanup(srv.Close)
	clk := newFakeClock()
	c := politeClient(clk)
	resp, err := c.Get(t.Context(), srv.URL+"/story", nil)
	if err != nil || resp.StatusCode != http.StatusOK || string(resp.Body) != "page" {
		t.Fatalf("Get() = %+v, %v; want the page after waiting", resp, err)
	}
	if got := clk.Sleeps(); len(got) != 2 || got[0] != 7*time.Second || got[1] != 7*time.Second {
		t.Errorf("waits = %v, want 7s twice", got)
	}

	// An HTTP date works too, and a 503 counts like a 429.
	calls.Store(0)
	clk2 := newFakeClock()
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", clk2.Now().Add(30*time.Second).Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "page")
	}))
	t.Cleanup(srv2.Close)
	if _, err := politeClient(clk2).Get(t.Context(), srv2.URL, nil); err != nil {
		t.Fatal(err)
	}
	if got := clk2.Sleeps(); len(got) != 1 || got[0] != 30*time.Second {
		t.Errorf("waits = %v, want 30s", got)
	}
}

// TestRetryAfterTooLong: a Retry-After over MaxRetryAfter is not waited
// out: the fetch is refused with the time asked, and the next request to
// the host is refused without reaching it.
func TestRetryAfterTooLong(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srv.Close)
	clk := newFakeClock()
	c := politeClient(clk)
	for i := range 2 {
		_, err := c.Get(t.Context(), srv.URL+"/feed.xml", nil)
		re := refusal(t, err)
		if re.RetryAfter < 59*time.Minute || !strings.Contains(re.Reason, "wait 1h0m0s") {
			t.Errorf("attempt %d: refusal = %+v, want one asking to wait an hour", i, re)
		}
	}
	if calls.Load() != 1 || len(clk.Sleeps()) != 0 {
		t.Errorf("server reached %d times, waits %v; want once and no wait", calls.Load(), clk.Sleeps())
	}
	// Without a Retry-After a 429 is simply returned.
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srv2.Close)
	resp, err := c.Get(t.Context(), srv2.URL, nil)
	if err != nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("Get() = %v, %v; want the 429", resp, err)
	}
}

// TestHostConcurrency sends many requests at once to one host: no more
// than HostConcurrency are ever in flight there, while another host is
// served meanwhile.
func TestHostConcurrency(t *testing.T) {
	var inflight, peak atomic.Int32
	gate := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-gate
		inflight.Add(-1)
		fmt.Fprint(w, "slow")
	}))
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "fast") }))
	t.Cleanup(fast.Close)
	t.Cleanup(slow.Close)
	c := New(Options{AllowPrivate: true, HostInterval: -1, HostConcurrency: 2})
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if _, err := c.Get(context.Background(), slow.URL, nil); err != nil {
				t.Errorf("Get(slow) = %v", err)
			}
		})
	}
	// The slow host holds its two slots; another host is not held up.
	if resp, err := c.Get(t.Context(), fast.URL, nil); err != nil || string(resp.Body) != "fast" {
		t.Errorf("Get(fast) while the slow host is busy = %v", err)
	}
	for inflight.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	if p := peak.Load(); p != 2 {
		t.Errorf("peak requests in flight to one host = %d, want 2", p)
	}
}

// TestCrawlDelaySlowsHost: a robots.txt Crawl-delay slows the host's
// limiter to one request per delay.
func TestCrawlDelaySlowsHost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nCrawl-delay: 5\n")
			return
		}
		fmt.Fprint(w, "page")
	}))
	t.Cleanup(srv.Close)
	c := New(Options{AllowPrivate: true})
	if _, err := c.Crawl(t.Context(), srv.URL+"/a", nil); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	if got := c.host(hostKey(u)).limiter.Limit(); got != rate.Every(5*time.Second) {
		t.Errorf("host limit = %v per second, want one every 5s", got)
	}
}

func TestUserAgentContact(t *testing.T) {
	for _, tc := range []struct{ contact, want string }{
		{"", DefaultUserAgent},
		{"ops@example.org", "Gazette/1.0 (news bot; +https://github.com/gazettebot/gazette; contact: ops@example.org)"},
		{"https://example.org/bot\r\n(x)", "Gazette/1.0 (news bot; +https://github.com/gazettebot/gazette; contact: https://example.org/botx)"},
	} {
		if got := New(Options{Contact: tc.contact}).UserAgent(); got != tc.want {
			t.Errorf("UserAgent(%q) = %q, want %q", tc.contact, got, tc.want)
		}
	}
}

// TestRedirectTargetRobots: a crawl redirected to another site, or to
// another path of the same site, fetches the target only if that site's
// robots.txt allows it.
func TestRedirectTargetRobots(t *testing.T) {
	var reached atomic.Int32
	other := http.NewServeMux()
	other.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: Gazette\nDisallow: /private\n")
	})
	other.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/private") {
			reached.Add(1)
		}
		fmt.Fprint(w, "page on the other site")
	})
	dst := httptest.NewServer(other)
	t.Cleanup(dst.Close)
	first := http.NewServeMux()
	first.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /secret\n")
	})
	first.HandleFunc("/secret", func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		fmt.Fprint(w, "secret")
	})
	first.HandleFunc("/to-private", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, dst.URL+"/private/memo", http.StatusFound)
	})
	first.HandleFunc("/to-public", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, dst.URL+"/news/story", http.StatusMovedPermanently)
	})
	first.HandleFunc("/to-secret", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/secret", http.StatusFound)
	})
	src := httptest.NewServer(first)
	t.Cleanup(src.Close)
	c := politeClient(newFakeClock())

	for _, tc := range []struct{ path, target string }{
		{"/to-private", dst.URL + "/private/memo"},
		{"/to-secret", src.URL + "/secret"},
	} {
		_, err := c.Crawl(t.Context(), src.URL+tc.path, nil)
		re := refusal(t, err)
		want := "it redirects to " + tc.target + ": the site's robots.txt does not allow Gazette to read this page"
		if !errors.Is(err, ErrRobots) || re.Reason != want || re.URL != src.URL+tc.path {
			t.Errorf("Crawl(%s) = %v, want a refusal of %s reading %q", tc.path, err, src.URL+tc.path, want)
		}
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("disallowed redirect targets were requested %d times", n)
	}
	resp, err := c.Crawl(t.Context(), src.URL+"/to-public", nil)
	if err != nil || string(resp.Body) != "page on the other site" || resp.URL != dst.URL+"/news/story" {
		t.Errorf("Crawl(/to-public) = %+v, %v; want the other site's page at its address", resp, err)
	}
	// Get (attachments) does not consult robots.txt, redirected or not.
	if _, err := c.Get(t.Context(), src.URL+"/to-private", nil); err != nil {
		t.Errorf("Get(/to-private) = %v", err)
	}
}

// TestRedirectTargetHostLimits: a redirect's target is requested within
// the target host's limits: a host that asked to be left alone for an
// hour is not reached through a redirect from another host either.
func TestRedirectTargetHostLimits(t *testing.T) {
	var calls atomic.Int32
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(busy.Close)
	jump := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, busy.URL+"/feed.xml", http.StatusFound)
	}))
	t.Cleanup(jump.Close)
	clk := newFakeClock()
	c := politeClient(clk)
	if _, err := c.Get(t.Context(), busy.URL+"/feed.xml", nil); err == nil {
		t.Fatal("Get(busy) = nil error, want a refusal to wait an hour")
	}
	for _, get := range []func(context.Context, string, http.Header) (*Response, error){c.Get, c.Crawl} {
		_, err := get(t.Context(), jump.URL+"/story", nil)
		re := refusal(t, err)
		if !strings.HasPrefix(re.Reason, "it redirects to "+busy.URL+"/feed.xml: the site asks to wait") || re.RetryAfter < 59*time.Minute {
			t.Errorf("redirect to a host waiting out an hour = %+v, want it refused with the wait", re)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("the waiting host was reached %d times, want once (before the redirects)", n)
	}
	if len(clk.Sleeps()) != 0 {
		t.Errorf("waits = %v, want none", clk.Sleeps())
	}
}
