// Package safehttp is the one HTTP client Gazette uses for every outside
// fetch (web pages, uploaded attachments, feeds). It refuses requests that
// could reach the host's own network: every address is checked after DNS
// resolution, at dial time, on every redirect, for IPv4 and IPv6, and
// unusual spellings of IP addresses are refused before any lookup. It also
// limits schemes, redirects, response size and time.
package safehttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Defaults for the zero values of [Options].
const (
	DefaultMaxBytes     = 10 << 20
	DefaultTimeout      = 30 * time.Second
	DefaultMaxRedirects = 5
	DefaultUserAgent    = "Gazette/1.0 (news bot; +https://github.com/gazettebot/gazette)"
)

// Resolver looks up the addresses of a host name. [*net.Resolver]
// satisfies it; tests inject a fake.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Options configures a [Client]. The zero value is safe: private networks
// closed, 10 MB, 30 s, 5 redirects.
type Options struct {
	// AllowPrivate opens loopback, private, link-local, shared (CGNAT) and
	// unique local addresses, for self-hosted sources and tests. Cloud
	// metadata, multicast, unspecified and reserved addresses stay closed.
	// Fed by GAZETTE_ALLOW_PRIVATE_NETWORKS.
	AllowPrivate bool
	// Allow lists prefixes allowed even though they are private, for a
	// single self-hosted source without opening every private network.
	Allow []netip.Prefix
	// MaxBytes limits a response body; 0 means DefaultMaxBytes.
	MaxBytes int64
	// Timeout limits one request, body included (each redirect followed is
	// a request); 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxRedirects limits redirects followed; 0 means DefaultMaxRedirects,
	// a negative value follows none.
	MaxRedirects int
	// UserAgent is sent with every request; "" means DefaultUserAgent,
	// with Contact in it when set.
	UserAgent string
	// Contact tells site operators how to reach whoever runs this bot (an
	// e-mail address or a URL); it goes in the User-Agent. Fed by
	// GAZETTE_CONTACT.
	Contact string
	// Resolver resolves host names; nil means net.DefaultResolver.
	Resolver Resolver

	// HostConcurrency limits the requests in flight to one host (host
	// name and port); 0 means DefaultHostConcurrency.
	HostConcurrency int
	// HostInterval spaces the requests to one host: one every
	// HostInterval on average, HostBurst at once; 0 means
	// DefaultHostInterval, a negative value no spacing. A robots.txt
	// Crawl-delay can only slow a host further.
	HostInterval time.Duration
	// HostBurst is the requests one host may receive at once after a
	// quiet spell; 0 means DefaultHostBurst.
	HostBurst int
	// MaxRetryAfter is the longest Retry-After (on 429 or 503) waited out
	// before trying again; a longer one is refused with the time asked
	// ([RefusedError.RetryAfter]), and the host is left alone until then.
	// 0 means DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration
	// Retries is how many times a request answered 429 or 503 with a
	// Retry-After is tried again; 0 means DefaultRetries, negative none.
	Retries int
	// RobotsTTL is how long a site's robots.txt is cached; 0 means
	// DefaultRobotsTTL.
	RobotsTTL time.Duration
	// Now and Sleep are the clock (tests inject a fake one); nil means the
	// real clock.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// RefusedError is a fetch that was refused or failed for a reason a user can
// read, such as an address that is not allowed or a page that is too large.
type RefusedError struct {
	URL    string
	Reason string
	Err    error // the underlying error, if any
	// RetryAfter is how long the site asked to be left alone (a
	// Retry-After longer than Options.MaxRetryAfter); 0 otherwise.
	RetryAfter time.Duration
}

// Error describes the refusal with its URL, for logs; users see Reason.
func (e *RefusedError) Error() string {
	if e.URL == "" {
		return "refused: " + e.Reason
	}
	return fmt.Sprintf("refused %s: %s", e.URL, e.Reason)
}

// Unwrap returns the underlying error, if any.
func (e *RefusedError) Unwrap() error { return e.Err }

// UserReason returns Reason, for callers that read it through an
// interface without importing this package.
func (e *RefusedError) UserReason() string { return e.Reason }

// Reason returns the user-readable reason of a refused or failed fetch:
// the Reason of a [*RefusedError] in err's chain, a timeout message, or a
// generic sentence. It never returns err.Error() verbatim.
func Reason(err error) string {
	var re *RefusedError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &re):
		return re.Reason
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return "the site took too long to answer"
	case errors.Is(err, context.Canceled):
		return "the fetch was cancelled"
	default:
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			return "the site's name could not be resolved"
		}
		return "the site could not be reached"
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Client fetches URLs safely. It is safe for concurrent use.
type Client struct {
	opts   Options
	hc     *http.Client
	hosts  hosts
	robots robotsCache
}

// New returns a Client with opts (zero fields take their defaults).
func New(opts Options) *Client {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxRedirects == 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	if opts.UserAgent == "" {
		opts.UserAgent = userAgent(opts.Contact)
	}
	if opts.HostConcurrency <= 0 {
		opts.HostConcurrency = DefaultHostConcurrency
	}
	if opts.HostInterval == 0 {
		opts.HostInterval = DefaultHostInterval
	}
	if opts.HostBurst <= 0 {
		opts.HostBurst = DefaultHostBurst
	}
	if opts.MaxRetryAfter <= 0 {
		opts.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if opts.Retries == 0 {
		opts.Retries = DefaultRetries
	}
	if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.RobotsTTL <= 0 {
		opts.RobotsTTL = DefaultRobotsTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	c := &Client{opts: opts}
	tr := &http.Transport{
		// No Proxy: a proxy from the environment would make the proxy, not
		// us, resolve and connect, bypassing the address check.
		Proxy:                  nil,
		DialContext:            c.dialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           32,
		IdleConnTimeout:        60 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  opts.Timeout,
		MaxResponseHeaderBytes: 1 << 20,
	}
	c.hc = &http.Client{
		Transport: tr,
		Timeout:   opts.Timeout,
		// Redirects are followed by fetch, one hop at a time, so that each
		// target is judged as a first request is.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c
}

// MaxBytes is the response size limit in force.
func (c *Client) MaxBytes() int64 { return c.opts.MaxBytes }

// AllowPrivate reports whether private networks are open.
func (c *Client) AllowPrivate() bool { return c.opts.AllowPrivate }

// Response is a fetched response with its whole body read.
type Response struct {
	// URL is the final URL after redirects.
	URL        string
	StatusCode int
	Header     http.Header
	Body       []byte
}

// UserAgent is the User-Agent sent with every request.
func (c *Client) UserAgent() string { return c.opts.UserAgent }

// Get fetches rawURL with extra request headers (may be nil) and reads the
// body up to the size limit. Any status is returned as a Response; refusals
// and limits are [*RefusedError]. It keeps to the host's limits (requests
// in flight, spacing) and waits out a 429 or 503 whose Retry-After is at
// most MaxRetryAfter, Retries times, before answering; the time spent
// waiting for the host does not count against the fetch timeout. Each
// redirect's target is checked, and kept to its own host's limits, as a
// first request is.
func (c *Client) Get(ctx context.Context, rawURL string, header http.Header) (*Response, error) {
	return c.fetch(ctx, rawURL, header, c.opts.MaxBytes, false)
}

// fetch gets rawURL and follows its redirects itself, one hop at a time,
// so that every target is judged as a first request is: its address
// checked, its host's limits kept and, when robots is set (a crawl), its
// site's robots.txt honoured.
func (c *Client) fetch(ctx context.Context, rawURL string, header http.Header, maxBytes int64, robots bool) (*Response, error) {
	cur, seen := rawURL, []string{rawURL}
	for hops := 0; ; hops++ {
		resp, err := c.hop(ctx, cur, header, maxBytes, robots)
		if err != nil {
			if hops > 0 {
				return nil, redirected(rawURL, cur, err)
			}
			return nil, err
		}
		next, ok := redirectTarget(resp)
		if !ok {
			return resp, nil
		}
		if c.opts.MaxRedirects < 0 || hops >= c.opts.MaxRedirects {
			return nil, &RefusedError{URL: rawURL, Reason: fmt.Sprintf("the site redirected more than %d times", max(c.opts.MaxRedirects, 0))}
		}
		if slices.Contains(seen, next) {
			return nil, &RefusedError{URL: rawURL, Reason: "the site redirects in a loop (" + next + ")"}
		}
		seen = append(seen, next)
		cur = next
	}
}

// redirectTarget is the absolute address a redirect response sends to; ok
// is false for any other response.
func redirectTarget(resp *Response) (string, bool) {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return "", false
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return "", false
	}
	base, err := url.Parse(resp.URL)
	if err != nil {
		return "", false
	}
	next, err := base.Parse(loc)
	if err != nil {
		// An unreadable target: left to CheckURL to refuse in words.
		return loc, true
	}
	next.Fragment, next.RawFragment = "", ""
	return next.String(), true
}

// redirected words the failure of a redirect's target as the failure of
// the address asked for.
func redirected(rawURL, target string, err error) error {
	var re *RefusedError
	if errors.As(err, &re) {
		return &RefusedError{URL: rawURL, Reason: "it redirects to " + target + ": " + re.Reason, Err: err, RetryAfter: re.RetryAfter}
	}
	return fmt.Errorf("get %s: redirected to %s: %w", rawURL, target, err)
}

// hop makes one request, without following a redirect: the address is
// checked, robots.txt asked when robots is set, and the host's limits
// kept.
func (c *Client) hop(ctx context.Context, rawURL string, header http.Header, maxBytes int64, robots bool) (*Response, error) {
	u, err := c.CheckURL(rawURL)
	if err != nil {
		return nil, err
	}
	if robots {
		if err := c.robotsAllow(ctx, rawURL, u); err != nil {
			return nil, err
		}
	}
	h := c.host(hostKey(u))
	for attempt := 0; ; attempt++ {
		resp, wait, err := c.getOnce(ctx, rawURL, u, header, maxBytes, h)
		if err != nil || wait < 0 {
			return resp, err
		}
		h.waitOut(c.opts.Now().Add(wait))
		if wait > c.opts.MaxRetryAfter {
			return nil, c.retryLater(rawURL, wait)
		}
		if attempt >= c.opts.Retries {
			return resp, nil
		}
		// The next attempt waits in acquire, with every other request to
		// the host.
	}
}

// getOnce makes one request within the host's limits. wait is the
// response's Retry-After when it asks to try again, else negative.
func (c *Client) getOnce(ctx context.Context, rawURL string, u *url.URL, header http.Header, maxBytes int64, h *host) (_ *Response, wait time.Duration, _ error) {
	release, err := c.acquire(ctx, rawURL, h)
	if err != nil {
		return nil, -1, err
	}
	defer release()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, -1, &RefusedError{URL: rawURL, Reason: "the address is not a valid URL", Err: err}
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", c.opts.UserAgent)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, -1, c.wrapDoErr(rawURL, err)
	}
	defer resp.Body.Close()
	if _, ok := redirectTarget(&Response{URL: resp.Request.URL.String(), StatusCode: resp.StatusCode, Header: resp.Header}); ok {
		// A redirect's body is not read: only where it points matters.
		return &Response{URL: resp.Request.URL.String(), StatusCode: resp.StatusCode, Header: resp.Header}, -1, nil
	}
	if resp.ContentLength > maxBytes {
		return nil, -1, c.tooLarge(rawURL, maxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, -1, c.wrapDoErr(rawURL, fmt.Errorf("read body: %w", err))
	}
	if int64(len(body)) > maxBytes {
		return nil, -1, c.tooLarge(rawURL, maxBytes)
	}
	out := &Response{
		URL:        resp.Request.URL.String(),
		StatusCode: resp.StatusCode,
		Header:     resp.Header,
		Body:       body,
	}
	if d, ok := retryAfter(resp, c.opts.Now()); ok {
		return out, d, nil
	}
	return out, -1, nil
}

// errTooLarge marks a response over the size limit.
var errTooLarge = errors.New("response too large")

func (c *Client) tooLarge(rawURL string, maxBytes int64) error {
	return &RefusedError{URL: rawURL, Reason: fmt.Sprintf("the response is larger than the %s limit", formatBytes(maxBytes)), Err: errTooLarge}
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KB"
	default:
		return strconv.FormatInt(n, 10) + " bytes"
	}
}

// wrapDoErr turns an error from http.Client.Do into a RefusedError when it
// carries one (refusals from the dialer or redirect checks) or a timeout.
func (c *Client) wrapDoErr(rawURL string, err error) error {
	var re *RefusedError
	if errors.As(err, &re) {
		out := *re
		if out.URL == "" {
			out.URL = rawURL
		}
		out.Err = err
		return &out
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return &RefusedError{URL: rawURL, Reason: fmt.Sprintf("the site took longer than %s to answer", c.opts.Timeout), Err: err}
	}
	return fmt.Errorf("get %s: %w", rawURL, err)
}

// CheckURL parses rawURL and refuses, before any lookup, what can be judged
// from the text alone: schemes other than http and https, credentials, IP
// literals in refused ranges, unusual spellings of IPv4 addresses (decimal,
// octal, hexadecimal, short forms) and bad ports.
func (c *Client) CheckURL(rawURL string) (*url.URL, error) {
	return checkURL(rawURL, c.opts.AllowPrivate, c.opts.Allow)
}

// CheckURL is [Client.CheckURL] with the given settings, for callers that
// want to validate an address without a client.
func CheckURL(rawURL string, allowPrivate bool) (*url.URL, error) {
	return checkURL(rawURL, allowPrivate, nil)
}

// ErrAddressNotAllowed marks a refusal of the address itself: a scheme
// other than http or https, credentials, or a host that is or resolves to
// an address Gazette may not reach. Such a link must not be stored either.
var ErrAddressNotAllowed = errors.New("address not allowed")

func checkURL(rawURL string, allowPrivate bool, allow []netip.Prefix) (*url.URL, error) {
	refuse := func(reason string) (*url.URL, error) {
		return nil, &RefusedError{URL: rawURL, Reason: reason, Err: ErrAddressNotAllowed}
	}
	if strings.TrimSpace(rawURL) != rawURL || rawURL == "" {
		return refuse("the address is empty or has spaces around it")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return refuse("the address is not a valid URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return refuse("the address has no scheme; use http:// or https://")
	default:
		return refuse(fmt.Sprintf("only http and https addresses are allowed, not %s:", u.Scheme))
	}
	if u.Opaque != "" {
		return refuse("the address is not a valid URL")
	}
	if u.User != nil {
		return refuse("addresses with a user name or password are not allowed")
	}
	host := u.Hostname()
	if host == "" {
		return refuse("the address has no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return refuse("the address has an invalid port")
		}
	}
	if strings.HasPrefix(u.Host, "[") {
		if strings.Contains(host, "%") {
			return refuse("addresses with an IPv6 zone are not allowed")
		}
		addr, err := netip.ParseAddr(host)
		if err != nil {
			return refuse("the address has an invalid IPv6 literal")
		}
		if reason := checkAllowed(addr, allowPrivate, allow); reason != "" {
			return refuse(notAllowed(addr, reason))
		}
		return u, nil
	}
	if addr, err := netip.ParseAddr(host); err == nil && addr.Is4() {
		if reason := checkAllowed(addr, allowPrivate, allow); reason != "" {
			return refuse(notAllowed(addr, reason))
		}
		return u, nil
	}
	if addr, ok := parseLooseIPv4(host); ok {
		return refuse(fmt.Sprintf("the address is not allowed: %q is an unusual spelling of the IP address %s", host, addr))
	}
	lower := strings.ToLower(strings.TrimSuffix(host, "."))
	// With private networks open (or some prefixes), localhost is left to
	// the dial-time check like any other name.
	if !allowPrivate && len(allow) == 0 && (lower == "localhost" || strings.HasSuffix(lower, ".localhost")) {
		return refuse("the address is not allowed: localhost is this machine")
	}
	if strings.ContainsAny(host, "%\\ ") {
		return refuse("the address has an invalid host name")
	}
	return u, nil
}

func notAllowed(addr netip.Addr, reason string) string {
	return fmt.Sprintf("the address is not allowed: %s is %s", addr, reason)
}

func checkAllowed(addr netip.Addr, allowPrivate bool, allow []netip.Prefix) string {
	reason := CheckAddr(addr, allowPrivate)
	if reason == "" {
		return ""
	}
	if metadataAddrs[addr.Unmap()] {
		return reason
	}
	for _, p := range allow {
		if p.Contains(addr.Unmap()) || p.Contains(addr) {
			// Only ranges AllowPrivate could open may be opened one by one.
			if CheckAddr(addr, true) == "" {
				return ""
			}
		}
	}
	return reason
}

// dialContext resolves the host itself, refuses disallowed addresses, and
// dials the checked IP directly; the dialer's Control re-checks the address
// actually connected to.
func (c *Client) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", address, err)
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		if _, ok := parseLooseIPv4(host); ok {
			return nil, &RefusedError{Reason: fmt.Sprintf("the address is not allowed: %q is an unusual spelling of an IP address", host)}
		}
		addrs, err = c.opts.Resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", host, err)
		}
		if len(addrs) == 0 {
			return nil, fmt.Errorf("resolve %s: no addresses", host)
		}
	}
	// Refuse the host if any of its addresses is refused: a name that mixes
	// public and private addresses is a rebinding attempt or a mistake.
	for _, a := range addrs {
		if reason := checkAllowed(a, c.opts.AllowPrivate, c.opts.Allow); reason != "" {
			if a.String() == host {
				return nil, &RefusedError{Reason: notAllowed(a, reason), Err: ErrAddressNotAllowed}
			}
			return nil, &RefusedError{Reason: fmt.Sprintf("the address is not allowed: %s resolves to %s, which is %s", host, a, reason), Err: ErrAddressNotAllowed}
		}
	}
	d := &net.Dialer{Timeout: 10 * time.Second, Control: c.control}
	var firstErr error
	for _, a := range addrs {
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		var re *RefusedError
		if errors.As(err, &re) {
			return nil, re
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// control runs just before connect(2) with the address actually dialled.
func (c *Client) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &RefusedError{Reason: "the address could not be checked"}
	}
	if reason := checkAllowed(ap.Addr(), c.opts.AllowPrivate, c.opts.Allow); reason != "" {
		return &RefusedError{Reason: notAllowed(ap.Addr().Unmap(), reason), Err: ErrAddressNotAllowed}
	}
	return nil
}
