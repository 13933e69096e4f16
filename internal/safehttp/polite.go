package safehttp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
	"golang.org/x/time/rate"
)

// Defaults of the politeness settings in [Options].
const (
	DefaultHostConcurrency = 2
	DefaultHostInterval    = 500 * time.Millisecond
	DefaultHostBurst       = 4
	DefaultMaxRetryAfter   = 2 * time.Minute
	DefaultRetries         = 2
	DefaultRobotsTTL       = time.Hour
	// RobotsAgent is the product token robots.txt groups are matched
	// against ("User-agent: Gazette").
	RobotsAgent = "Gazette"
	// robotsFailTTL is how long a robots.txt that could not be read keeps
	// its host refused, so the other feeds of a stalled host fail at once
	// instead of each waiting out the timeout.
	robotsFailTTL = time.Minute
	// robotsMaxBytes is the most of a robots.txt read (RFC 9309 asks for
	// at least 500 KiB).
	robotsMaxBytes = 512 << 10
	// maxCrawlDelay caps a robots.txt Crawl-delay, so a typo cannot stop a
	// feed for days.
	maxCrawlDelay = time.Minute
	// idleHostTTL is how long an idle host's limiter is kept.
	idleHostTTL = 10 * time.Minute
)

// userAgent builds the User-Agent: the product, the project's address, and
// the operator's contact when one is set.
func userAgent(contact string) string {
	contact = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '(' || r == ')' {
			return -1
		}
		return r
	}, strings.TrimSpace(contact))
	if contact == "" {
		return DefaultUserAgent
	}
	return strings.TrimSuffix(DefaultUserAgent, ")") + "; contact: " + contact + ")"
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// host is the politeness state of one host (host:port).
type host struct {
	slots   chan struct{} // requests in flight
	limiter *rate.Limiter

	mu        sync.Mutex
	notBefore time.Time // a Retry-After in force for the whole host
	lastUsed  time.Time
}

// hosts holds the state of every host fetched recently.
type hosts struct {
	mu sync.Mutex
	m  map[string]*host
}

// hostKey is the host a limit applies to: the host name and port, so two
// ports on one address are two hosts.
func hostKey(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if strings.EqualFold(u.Scheme, "https") {
			port = "443"
		}
	}
	return strings.ToLower(u.Hostname()) + ":" + port
}

func (c *Client) host(key string) *host {
	hs := &c.hosts
	hs.mu.Lock()
	defer hs.mu.Unlock()
	now := c.opts.Now()
	if hs.m == nil {
		hs.m = map[string]*host{}
	}
	h := hs.m[key]
	if h == nil {
		if len(hs.m) >= 1024 {
			hs.evictIdle(now)
		}
		lim := rate.NewLimiter(rate.Inf, 0)
		if c.opts.HostInterval > 0 {
			lim = rate.NewLimiter(rate.Every(c.opts.HostInterval), c.opts.HostBurst)
		}
		h = &host{slots: make(chan struct{}, c.opts.HostConcurrency), limiter: lim}
		hs.m[key] = h
	}
	h.mu.Lock()
	h.lastUsed = now
	h.mu.Unlock()
	return h
}

// evictIdle forgets hosts idle for a while; hs.mu is held.
func (hs *hosts) evictIdle(now time.Time) {
	for k, h := range hs.m {
		h.mu.Lock()
		idle := now.Sub(h.lastUsed) > idleHostTTL && len(h.slots) == 0
		h.mu.Unlock()
		if idle {
			delete(hs.m, k)
		}
	}
}

// acquire waits for the host's Retry-After, a request slot and its rate
// limit, and returns the function that frees the slot. A Retry-After
// longer than MaxRetryAfter is refused at once.
func (c *Client) acquire(ctx context.Context, rawURL string, h *host) (release func(), err error) {
	h.mu.Lock()
	wait := h.notBefore.Sub(c.opts.Now())
	h.mu.Unlock()
	if wait > c.opts.MaxRetryAfter {
		return nil, c.retryLater(rawURL, wait)
	}
	if wait > 0 {
		if err := c.opts.Sleep(ctx, wait); err != nil {
			return nil, c.wrapDoErr(rawURL, err)
		}
	}
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, c.wrapDoErr(rawURL, ctx.Err())
	}
	release = func() { <-h.slots }
	if err := h.limiter.Wait(ctx); err != nil {
		release()
		return nil, c.wrapDoErr(rawURL, err)
	}
	return release, nil
}

// retryLater is the refusal of a site that asked to wait longer than
// MaxRetryAfter.
func (c *Client) retryLater(rawURL string, d time.Duration) error {
	return &RefusedError{
		URL:        rawURL,
		Reason:     "the site asks to wait " + roundWait(d) + " before trying again",
		RetryAfter: d,
	}
}

func roundWait(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return d.Round(time.Minute).String()
	}
	return d.Round(time.Hour).String()
}

// retryAfter reads a 429 or 503 response's Retry-After (seconds or an HTTP
// date); ok is false for other statuses or without a readable value.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(min(n, 1<<31)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// waitOut records a host's Retry-After so every request to it waits.
func (h *host) waitOut(until time.Time) {
	h.mu.Lock()
	if until.After(h.notBefore) {
		h.notBefore = until
	}
	h.mu.Unlock()
}

// setInterval slows the host to at most one request every d (a
// robots.txt Crawl-delay); it never speeds it up.
func (h *host) setInterval(d time.Duration) {
	d = min(d, maxCrawlDelay)
	if r := rate.Every(d); r < h.limiter.Limit() {
		h.limiter.SetLimit(r)
		h.limiter.SetBurst(1)
	}
}

// robotsEntry is a site's robots.txt, cached.
type robotsEntry struct {
	mu      sync.Mutex // one fetch at a time per site
	group   *robotstxt.Group
	err     error // why the site is refused while its robots.txt cannot be read
	expires time.Time
}

type robotsCache struct {
	mu sync.Mutex
	m  map[string]*robotsEntry
}

func (rc *robotsCache) entry(origin string, now time.Time) *robotsEntry {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.m == nil {
		rc.m = map[string]*robotsEntry{}
	}
	e := rc.m[origin]
	if e == nil {
		if len(rc.m) >= 1024 {
			for k, old := range rc.m {
				if old.mu.TryLock() {
					if now.After(old.expires) {
						delete(rc.m, k)
					}
					old.mu.Unlock()
				}
			}
		}
		e = &robotsEntry{}
		rc.m[origin] = e
	}
	return e
}

// Crawl is [Client.Get] for pages and feeds fetched to be read (a member's
// URL, a followed feed and its items): it first honours the site's
// robots.txt for the "Gazette" agent (RFC 9309: a missing file or a 4xx
// allows everything, a 5xx or an unreachable site refuses for now, a
// disallowed path is refused), slowing the host to its Crawl-delay. The
// robots.txt is cached for RobotsTTL.
//
// A redirect's target is judged the same way: a redirect to another site
// (or another path) is fetched only if that site's robots.txt allows it,
// within that site's limits.
func (c *Client) Crawl(ctx context.Context, rawURL string, header http.Header) (*Response, error) {
	return c.fetch(ctx, rawURL, header, c.opts.MaxBytes, true)
}

// robotsAllow reports whether the site's robots.txt lets Gazette fetch u.
func (c *Client) robotsAllow(ctx context.Context, rawURL string, u *url.URL) error {
	origin := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
	now := c.opts.Now()
	e := c.robots.entry(origin, now)
	e.mu.Lock()
	defer e.mu.Unlock()
	if now.After(e.expires) {
		e.group, e.err = c.fetchRobots(ctx, origin, u)
		if ctx.Err() != nil {
			// Our own cancellation says nothing about the site.
			e.expires = time.Time{}
			return c.wrapDoErr(rawURL, ctx.Err())
		}
		ttl := c.opts.RobotsTTL
		if e.err != nil {
			ttl = min(ttl, robotsFailTTL)
		}
		e.expires = now.Add(ttl)
	}
	if e.err != nil {
		out := &RefusedError{URL: rawURL, Reason: Reason(e.err), Err: e.err}
		var re *RefusedError
		if errors.As(e.err, &re) {
			out.RetryAfter = re.RetryAfter // a site that asked to be left alone
		}
		return out
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if !e.group.Test(path) {
		return &RefusedError{URL: rawURL, Reason: "the site's robots.txt does not allow Gazette to read this page", Err: ErrRobots}
	}
	return nil
}

// ErrRobots marks a fetch refused by the site's robots.txt.
var ErrRobots = errors.New("disallowed by robots.txt")

// fetchRobots reads and parses a site's robots.txt and applies its
// Crawl-delay to the host.
func (c *Client) fetchRobots(ctx context.Context, origin string, u *url.URL) (*robotstxt.Group, error) {
	robotsURL := origin + "/robots.txt"
	resp, err := c.fetch(ctx, robotsURL, http.Header{"Accept": {"text/plain,*/*;q=0.5"}}, robotsMaxBytes, false)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			// RFC 9309 asks to parse at least 500 KiB; a larger file is
			// rare and almost always generated noise: no rules.
			return allowAll(), nil
		}
		return nil, err
	}
	switch {
	case resp.StatusCode >= 500:
		return nil, &RefusedError{URL: robotsURL, Reason: fmt.Sprintf("the site's robots.txt answered %d %s; try again later", resp.StatusCode, http.StatusText(resp.StatusCode))}
	case resp.StatusCode >= 400:
		return allowAll(), nil
	case resp.StatusCode >= 300: // redirects beyond the limit, or 304
		return allowAll(), nil
	}
	data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, resp.Body)
	if err != nil {
		// Unparseable (often an HTML page served for every path): no rules.
		return allowAll(), nil
	}
	g := data.FindGroup(RobotsAgent)
	if g.CrawlDelay > 0 {
		c.host(hostKey(u)).setInterval(g.CrawlDelay)
	}
	return g, nil
}

func allowAll() *robotstxt.Group {
	data, _ := robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
	return data.FindGroup(RobotsAgent)
}
