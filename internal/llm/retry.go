package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff bounds used when the server gives no Retry-After.
const (
	backoffBase = 500 * time.Millisecond
	backoffMax  = 20 * time.Second
	// maxRetryAfter is the longest Retry-After honoured; a server asking
	// for more gets its error response passed through instead.
	maxRetryAfter = 60 * time.Second
)

// retryTransport retries requests that fail with 429, 5xx or a network
// error, waiting as the server's Retry-After says or with exponential
// backoff and jitter. It never retries once the request's context is done,
// and rewinds request bodies with GetBody.
type retryTransport struct {
	next       http.RoundTripper
	maxRetries int
	log        *slog.Logger
	sleep      func(ctx context.Context, d time.Duration) error
}

// RoundTrip implements [http.RoundTripper].
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		try := req
		if attempt > 0 {
			var err error
			if try, err = rewind(req); err != nil {
				return nil, err
			}
		}
		resp, err := t.next.RoundTrip(try)
		if ctx.Err() != nil {
			if resp != nil {
				resp.Body.Close()
			}
			if err == nil {
				err = ctx.Err()
			}
			return nil, err
		}
		retry, wait := t.decide(resp, err, attempt)
		if !retry || attempt >= t.maxRetries || (req.Body != nil && req.GetBody == nil) {
			return resp, err
		}
		status := 0
		if resp != nil {
			status = resp.StatusCode
			// Drain a little so the connection can be reused.
			_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
			resp.Body.Close()
		}
		t.log.Warn("llm retry", "url", redactURL(req), "status", status, "err", err, "attempt", attempt+1, "wait", wait)
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// decide says whether a result is worth retrying and how long to wait first.
func (t *retryTransport) decide(resp *http.Response, err error, attempt int) (bool, time.Duration) {
	if err != nil {
		// Connection refused, reset, EOF: transient network failures.
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded), backoff(attempt)
	}
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
		return false, 0
	}
	if resp.StatusCode == http.StatusNotImplemented || resp.StatusCode == http.StatusHTTPVersionNotSupported {
		return false, 0
	}
	if d, ok := retryAfter(resp.Header, time.Now()); ok {
		if d > maxRetryAfter {
			return false, 0
		}
		return true, d
	}
	return true, backoff(attempt)
}

// backoff is exponential with jitter: a random duration in [d/2, d] where
// d doubles with each attempt from backoffBase up to backoffMax.
func backoff(attempt int) time.Duration {
	d := backoffBase << min(attempt, 10)
	if d > backoffMax || d <= 0 {
		d = backoffMax
	}
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads how long the server asks to wait: the retry-after-ms
// header some OpenAI-compatible servers send, else Retry-After in seconds
// or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s * float64(time.Second)), true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(0, at.Sub(now)), true
	}
	return 0, false
}

// rewind returns a copy of req with a fresh body for another attempt.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return r, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, fmt.Errorf("rewind request body: %w", err)
	}
	r.Body = body
	return r, nil
}

// redactURL is the request URL without its query (Azure puts nothing
// secret there, but other proxies might).
func redactURL(req *http.Request) string {
	u := *req.URL
	u.RawQuery = ""
	u.User = nil
	return u.String()
}
