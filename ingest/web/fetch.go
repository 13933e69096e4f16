// Package web turns web pages and uploaded files into [ingest.Document]s:
// it fetches URLs through the SSRF-safe [safehttp.Client], decodes
// character sets, extracts the article (text, title, author, date, outlet,
// canonical URL, language) with go-trafilatura plus its own clean-up, and
// canonicalises URLs. [EvalExtraction] scores the extractor on the article
// extraction benchmark format.
package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/internal/safehttp"
)

// Fetcher fetches URLs and extracts their articles. It is safe for
// concurrent use: downloads run side by side within the client's per-host
// limits, and extraction keeps to the process-wide extraction budget.
type Fetcher struct {
	client *safehttp.Client
}

// NewFetcher returns a Fetcher that makes every request through client.
func NewFetcher(client *safehttp.Client) *Fetcher {
	return &Fetcher{client: client}
}

// acceptHeader lists the content types Fetch handles.
const acceptHeader = "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,application/pdf;q=0.8,*/*;q=0.1"

// Fetch gets rawURL and returns its article. Document.URL is the canonical
// URL: the page's own canonical link when it is on the same site, else the
// final URL after redirects, canonicalised. Refusals (addresses not
// allowed, limits, error statuses, unsupported content) are
// [*safehttp.RefusedError]; show them to users with [Reason]. The fetch
// honours the site's robots.txt and the client's per-host limits.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (ingest.Document, error) {
	if _, err := CanonicalURL(rawURL); err != nil {
		if _, cerr := f.client.CheckURL(rawURL); cerr != nil {
			return ingest.Document{}, cerr
		}
		return ingest.Document{}, &safehttp.RefusedError{URL: rawURL, Reason: "the address is not a valid web address", Err: err}
	}
	resp, err := f.client.Crawl(ctx, rawURL, http.Header{"Accept": {acceptHeader}})
	if err != nil {
		return ingest.Document{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return ingest.Document{}, &safehttp.RefusedError{URL: rawURL, Reason: fmt.Sprintf("the site answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))}
	}
	doc, err := fromContent(resp.Body, resp.Header.Get("Content-Type"), resp.URL, "")
	if err != nil {
		return ingest.Document{}, refuseWrap(rawURL, err)
	}
	return doc, nil
}

// Reason returns a sentence a user can read explaining why a fetch or an
// upload was refused or failed. It never returns the raw error text.
func Reason(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNoText):
		return "no readable article text was found"
	}
	return safehttp.Reason(err)
}

func refuseWrap(rawURL string, err error) error {
	var re *safehttp.RefusedError
	if errors.As(err, &re) {
		if re.URL == "" {
			re.URL = rawURL
		}
		return re
	}
	if errors.Is(err, ErrNoText) {
		return &safehttp.RefusedError{URL: rawURL, Reason: "no readable article text was found", Err: err}
	}
	return fmt.Errorf("extract %s: %w", rawURL, err)
}
