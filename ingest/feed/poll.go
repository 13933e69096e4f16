package feed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/sync/errgroup"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/ingest/web"
	"github.com/gazettebot/gazette/internal/safehttp"
	"github.com/gazettebot/gazette/news"
)

const feedAccept = "application/rss+xml, application/atom+xml, application/feed+json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"

// PollResult is what one poll of one feed did.
type PollResult struct {
	// Feed is the feed's state after the poll.
	Feed Feed
	// NotModified is true when the server answered 304.
	NotModified bool
	// Receipts holds one receipt per new item handled, oldest first.
	Receipts []ingest.Receipt
	// Err is why the poll failed (also in Feed.LastError); nil on success.
	Err error
}

// Add follows the feed at rawURL in namespace ns after fetching and parsing
// it once. A web page that links to its feed (<link rel="alternate">) is
// followed through that link. The feed is due at once, so the next poll
// ingests its current items. Refusals are [*safehttp.RefusedError]; a feed
// already followed is ErrExists.
func (p *Poller) Add(ctx context.Context, ns, rawURL string) (Feed, error) {
	canon, err := web.CanonicalURL(rawURL)
	if err != nil {
		if _, cerr := p.client.CheckURL(rawURL); cerr != nil {
			return Feed{}, cerr
		}
		return Feed{}, &safehttp.RefusedError{URL: rawURL, Reason: "the address is not a valid web address", Err: err}
	}
	feeds, err := p.store.Feeds(ctx, ns)
	if err != nil {
		return Feed{}, fmt.Errorf("add feed: %w", err)
	}
	for _, f := range feeds {
		if f.URL == canon {
			return f, fmt.Errorf("add feed %s: %w", canon, ErrExists)
		}
	}
	if len(feeds) >= p.opts.MaxFeeds {
		return Feed{}, fmt.Errorf("add feed %s: %w (at most %d)", canon, ErrTooManyFeeds, p.opts.MaxFeeds)
	}
	parsed, final, err := p.fetchForAdd(ctx, canon)
	if err != nil {
		return Feed{}, err
	}
	for _, f := range feeds {
		if f.URL == final {
			return f, fmt.Errorf("add feed %s: %w", final, ErrExists)
		}
	}
	now := p.opts.Now()
	f := Feed{
		Namespace:  ns,
		URL:        final,
		Title:      strings.TrimSpace(parsed.Title),
		AddedAt:    now,
		NextPollAt: now,
	}
	if err := p.store.SaveFeed(ctx, f); err != nil {
		return Feed{}, fmt.Errorf("add feed %s: %w", final, err)
	}
	p.log.Info("feed added", "ns", ns, "url", final, "items", len(parsed.Items))
	return f, nil
}

// fetchForAdd fetches and parses a feed, following a page's alternate feed
// link once. It returns the canonical URL of the feed actually read.
func (p *Poller) fetchForAdd(ctx context.Context, canon string) (*gofeed.Feed, string, error) {
	resp, err := p.get(ctx, canon, Feed{})
	if err != nil {
		return nil, "", err
	}
	parsed, perr := parse(resp.Body)
	if perr == nil {
		return parsed, canon, nil
	}
	if link := alternateFeedLink(resp.Body, resp.URL); link != "" {
		if c, err := web.CanonicalURL(link); err == nil && c != canon {
			resp, err := p.get(ctx, c, Feed{})
			if err != nil {
				return nil, "", err
			}
			if parsed, err := parse(resp.Body); err == nil {
				return parsed, c, nil
			}
		}
	}
	return nil, "", &safehttp.RefusedError{URL: canon, Reason: "the address does not serve an RSS or Atom feed", Err: perr}
}

// Remove stops following the feed at rawURL in namespace ns.
func (p *Poller) Remove(ctx context.Context, ns, rawURL string) error {
	canon, err := web.CanonicalURL(rawURL)
	if err != nil {
		return fmt.Errorf("remove feed %s: %w", rawURL, news.ErrNotFound)
	}
	if err := p.store.DeleteFeed(ctx, ns, canon); err != nil {
		return fmt.Errorf("remove feed %s: %w", canon, err)
	}
	return nil
}

// List returns the feeds namespace ns follows, with their state and last
// error, ordered by URL.
func (p *Poller) List(ctx context.Context, ns string) ([]Feed, error) {
	feeds, err := p.store.Feeds(ctx, ns)
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	return feeds, nil
}

// Poll polls one feed of namespace ns now, whether due or not. progress
// (may be nil) is called after each new item.
func (p *Poller) Poll(ctx context.Context, ns, rawURL string, progress ingest.Progress) (PollResult, error) {
	canon, err := web.CanonicalURL(rawURL)
	if err != nil {
		return PollResult{}, fmt.Errorf("poll feed %s: %w", rawURL, news.ErrNotFound)
	}
	feeds, err := p.store.Feeds(ctx, ns)
	if err != nil {
		return PollResult{}, fmt.Errorf("poll feed: %w", err)
	}
	for _, f := range feeds {
		if f.URL == canon {
			return p.poll(ctx, f, progress)
		}
	}
	return PollResult{}, fmt.Errorf("poll feed %s: %w", canon, news.ErrNotFound)
}

// PollNamespace polls every feed of namespace ns now, whether due or not.
func (p *Poller) PollNamespace(ctx context.Context, ns string, progress ingest.Progress) ([]PollResult, error) {
	feeds, err := p.store.Feeds(ctx, ns)
	if err != nil {
		return nil, fmt.Errorf("poll feeds: %w", err)
	}
	return p.pollAll(ctx, feeds, progress)
}

// PollDue polls every feed, of any namespace, whose time has come: a full
// round, concurrent across hosts (see [Poller.pollAll]).
func (p *Poller) PollDue(ctx context.Context) ([]PollResult, error) {
	feeds, err := p.dueFeeds(ctx)
	if err != nil {
		return nil, err
	}
	return p.pollAll(ctx, feeds, nil)
}

// dueFeeds lists the feeds whose time has come.
func (p *Poller) dueFeeds(ctx context.Context) ([]Feed, error) {
	feeds, err := p.store.DueFeeds(ctx, p.opts.Now())
	if err != nil {
		return nil, fmt.Errorf("poll due feeds: %w", err)
	}
	return feeds, nil
}

// hostGroup is the feeds of one host, polled in turn by one worker.
type hostGroup struct {
	host  string
	feeds []Feed
	at    []int // each feed's index in the caller's list
}

// byHost groups feeds by host (name and port), keeping their order within
// a host and ordering hosts by their first feed.
func byHost(feeds []Feed) []*hostGroup {
	var groups []*hostGroup
	index := map[string]*hostGroup{}
	for i, f := range feeds {
		h := hostOf(f.URL)
		g := index[h]
		if g == nil {
			g = &hostGroup{host: h}
			index[h] = g
			groups = append(groups, g)
		}
		g.feeds = append(g.feeds, f)
		g.at = append(g.at, i)
	}
	return groups
}

// hostOf is the host a feed is fetched from, as the client's per-host
// limits see it.
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	return strings.ToLower(u.Host)
}

// pollAll polls feeds with one worker per host, at most Options.Hosts
// hosts at once: the feeds of one host are polled in turn (the client also
// spaces requests to a host), so a slow or stalled host delays only its
// own feeds. Results come in the order of feeds. progress, which may be
// nil, is called from one goroutine at a time.
func (p *Poller) pollAll(ctx context.Context, feeds []Feed, progress ingest.Progress) ([]PollResult, error) {
	if progress != nil {
		var mu sync.Mutex
		inner := progress
		progress = func(done, total int, r ingest.Receipt) {
			mu.Lock()
			defer mu.Unlock()
			inner(done, total, r)
		}
	}
	out := make([]PollResult, len(feeds))
	polled := make([]bool, len(feeds))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.opts.Hosts)
	for _, hg := range byHost(feeds) {
		g.Go(func() error {
			return p.pollHost(gctx, hg, progress, func(i int, r PollResult) {
				out[hg.at[i]], polled[hg.at[i]] = r, true
			})
		})
	}
	err := g.Wait()
	done := out[:0]
	for i, r := range out {
		if polled[i] {
			done = append(done, r)
		}
	}
	return done, err
}

// pollHost polls one host's feeds in turn and hands each result to put.
// When the host does not answer (a timeout, a refused connection), its
// remaining feeds are not fetched this round: they fail with the same
// reason and back off, so a stalled host costs one timeout a round.
func (p *Poller) pollHost(ctx context.Context, hg *hostGroup, progress ingest.Progress, put func(int, PollResult)) error {
	var down error
	for i, f := range hg.feeds {
		var (
			r   PollResult
			err error
		)
		if down != nil {
			r, err = p.fail(ctx, f, down)
		} else {
			r, err = p.poll(ctx, f, progress)
		}
		if err != nil {
			return err
		}
		put(i, r)
		if r.Err != nil && unreachable(r.Err) {
			down = r.Err
		}
	}
	return nil
}

// unreachable reports whether err says the host did not answer at all.
func unreachable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}

// fail records a poll of f that was not attempted because its host is
// down.
func (p *Poller) fail(ctx context.Context, f Feed, err error) (PollResult, error) {
	now := p.opts.Now()
	f.LastPolledAt = now
	f.Failures++
	f.LastError = web.Reason(err)
	f.NextPollAt = p.next(now, f.Failures)
	if err := p.store.SaveFeed(ctx, f); err != nil {
		return PollResult{}, fmt.Errorf("save feed %s: %w", f.URL, err)
	}
	return PollResult{Feed: f, Err: err}, nil
}

// Run polls due feeds until ctx is done, and returns ctx's error. Every
// Options.Tick it starts a worker for each host with due feeds that has
// none running (at most Options.Hosts at once); a host still busy, even a
// stalled one, is skipped, so no host ever waits for another. Failed polls
// are recorded on their feeds and logged.
func (p *Poller) Run(ctx context.Context) error {
	t := time.NewTicker(p.opts.Tick)
	defer t.Stop()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		busy = map[string]bool{}
	)
	defer wg.Wait()
	for {
		feeds, err := p.dueFeeds(ctx)
		if err != nil && ctx.Err() == nil {
			p.log.Error("poll feeds", "err", err)
		}
		for _, hg := range byHost(feeds) {
			mu.Lock()
			if busy[hg.host] || len(busy) >= p.opts.Hosts {
				mu.Unlock()
				continue // polled when its worker or a slot is free
			}
			busy[hg.host] = true
			mu.Unlock()
			wg.Go(func() {
				defer func() {
					mu.Lock()
					delete(busy, hg.host)
					mu.Unlock()
				}()
				err := p.pollHost(ctx, hg, nil, func(_ int, r PollResult) { p.logResult(r) })
				if err != nil && ctx.Err() == nil {
					p.log.Error("poll feeds", "host", hg.host, "err", err)
				}
			})
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (p *Poller) logResult(r PollResult) {
	switch {
	case r.Err != nil:
		p.log.Warn("feed poll failed", "ns", r.Feed.Namespace, "url", r.Feed.URL, "err", r.Err, "failures", r.Feed.Failures)
	case len(r.Receipts) > 0:
		p.log.Info("feed polled", "ns", r.Feed.Namespace, "url", r.Feed.URL, "items", len(r.Receipts))
	}
	for _, rc := range r.Receipts {
		if rc.Status == ingest.StatusRefused {
			p.log.Info("feed item refused", "ns", r.Feed.Namespace, "feed", r.Feed.URL, "url", rc.URL, "reason", rc.Reason)
		}
	}
}

// get fetches a feed, conditionally when f holds validators.
func (p *Poller) get(ctx context.Context, rawURL string, f Feed) (*safehttp.Response, error) {
	h := http.Header{"Accept": {feedAccept}}
	if f.ETag != "" {
		h.Set("If-None-Match", f.ETag)
	}
	if f.LastModified != "" {
		h.Set("If-Modified-Since", f.LastModified)
	}
	resp, err := p.client.Crawl(ctx, rawURL, h)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotModified {
		return nil, &safehttp.RefusedError{URL: rawURL, Reason: fmt.Sprintf("the feed answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))}
	}
	return resp, nil
}

func parse(body []byte) (*gofeed.Feed, error) {
	parsed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	return parsed, nil
}

// errItems means some items could not be stored; the poll is retried.
var errItems = errors.New("feed: some items could not be stored")

// interruptedReason is a feed's LastError while a poll is reading its
// items; it stays when the process stops during the poll.
const interruptedReason = "the last poll stopped before it finished (the bot restarted or ran out of memory); it is retried after a pause, one item at a time"

// StatusAttempted marks an item whose reading began after an interrupted
// poll: if that reading stops the process again, the item is not retried.
const StatusAttempted = "attempted"

// poll polls one feed and saves its new state. The error is for store
// failures and cancellation; a failed poll is reported in PollResult.Err.
func (p *Poller) poll(ctx context.Context, f Feed, progress ingest.Progress) (PollResult, error) {
	now := p.opts.Now()
	f.LastPolledAt = now
	res := PollResult{}
	resp, err := p.get(ctx, f.URL, f)
	var parsed *gofeed.Feed
	if err == nil && resp.StatusCode == http.StatusOK {
		parsed, err = parse(resp.Body)
		if err != nil {
			err = &safehttp.RefusedError{URL: f.URL, Reason: "the feed could not be read as RSS or Atom", Err: err}
		}
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	switch {
	case err != nil:
		res.Err = err
	case resp.StatusCode == http.StatusNotModified:
		res.NotModified = true
	default:
		if f.Title == "" {
			f.Title = strings.TrimSpace(parsed.Title)
		}
		before := f
		receipts, complete, ierr := p.handleItems(ctx, &f, parsed, progress)
		if ctx.Err() != nil {
			// Stopped on purpose, not by a crash: undo the crash guard.
			before.Items = f.Items
			if err := p.store.SaveFeed(context.WithoutCancel(ctx), before); err != nil {
				p.log.Warn("save feed", "url", f.URL, "err", err)
			}
			return res, ctx.Err()
		}
		res.Receipts = receipts
		if complete {
			// Only a fully handled response may be skipped next time.
			f.ETag = resp.Header.Get("ETag")
			f.LastModified = resp.Header.Get("Last-Modified")
		}
		res.Err = ierr
	}
	if res.Err != nil {
		f.Failures++
		f.LastError = web.Reason(res.Err)
		if errors.Is(res.Err, errItems) {
			f.LastError = "some items could not be stored; they will be retried"
		}
		f.NextPollAt = p.next(now, f.Failures)
		var re *safehttp.RefusedError
		if errors.As(res.Err, &re) && re.RetryAfter > 0 && f.NextPollAt.Before(now.Add(re.RetryAfter)) {
			f.NextPollAt = now.Add(re.RetryAfter) // the site asked for a longer pause
		}
	} else {
		f.Failures = 0
		f.LastError = ""
		f.LastSuccessAt = now
		f.NextPollAt = p.next(now, 0)
	}
	if err := p.store.SaveFeed(ctx, f); err != nil {
		return res, fmt.Errorf("save feed %s: %w", f.URL, err)
	}
	res.Feed = f
	return res, nil
}

// feedItem is an item with its dedup key.
type feedItem struct {
	key  string
	item *gofeed.Item
	when time.Time
}

// itemKey identifies an item across polls: its guid, else its canonical
// link, else a hash of its title, date and text.
func itemKey(it *gofeed.Item) string {
	if g := strings.TrimSpace(it.GUID); g != "" {
		return "guid:" + g
	}
	if l := strings.TrimSpace(it.Link); l != "" {
		if c, err := web.CanonicalURL(l); err == nil {
			return "link:" + c
		}
		return "link:" + l
	}
	sum := sha256.Sum256([]byte(it.Title + "\x00" + it.Published + "\x00" + it.Description + "\x00" + it.Content))
	return "hash:" + hex.EncodeToString(sum[:16])
}

func itemTime(it *gofeed.Item) time.Time {
	if it.PublishedParsed != nil {
		return it.PublishedParsed.UTC()
	}
	if it.UpdatedParsed != nil {
		return it.UpdatedParsed.UTC()
	}
	return time.Time{}
}

// handleItems ingests the feed's unseen items, oldest first, at most
// MaxItems. complete is false when items remain for a later poll.
func (p *Poller) handleItems(ctx context.Context, f *Feed, parsed *gofeed.Feed, progress ingest.Progress) ([]ingest.Receipt, bool, error) {
	var items []feedItem
	keys := map[string]bool{}
	// Feeds list newest first; walk backwards so ties keep oldest first.
	for i := len(parsed.Items) - 1; i >= 0; i-- {
		it := parsed.Items[i]
		if it == nil {
			continue
		}
		k := itemKey(it)
		if keys[k] {
			continue
		}
		keys[k] = true
		items = append(items, feedItem{key: k, item: it, when: itemTime(it)})
	}
	// Dated items go oldest first; if any item lacks a date, the feed's own
	// order (reversed above) is kept.
	if !slices.ContainsFunc(items, func(it feedItem) bool { return it.when.IsZero() }) {
		slices.SortStableFunc(items, func(a, b feedItem) int { return a.when.Compare(b.when) })
	}
	allKeys := make([]string, len(items))
	for i, it := range items {
		allKeys[i] = it.key
	}
	seen, err := p.store.SeenItems(ctx, f.Namespace, f.URL, allKeys)
	if err != nil {
		return nil, false, fmt.Errorf("seen items: %w", err)
	}
	var todo []feedItem
	for _, it := range items {
		if !seen[it.key] {
			todo = append(todo, it)
		}
	}
	complete := true
	if len(todo) > p.opts.MaxItems {
		todo, complete = todo[:p.opts.MaxItems], false
	}
	if len(todo) == 0 {
		return nil, complete, nil
	}
	// Crash guard: until this poll ends, the feed is recorded as failed
	// with back-off, so a process that dies on an item (out of memory, a
	// crash) does not poll the feed again at once after a restart. After
	// such a stop, each item is marked attempted before it is read, so the
	// item that stopped the process is not tried again.
	careful := f.LastError == interruptedReason
	guard := *f
	guard.Failures++
	guard.LastError = interruptedReason
	guard.NextPollAt = p.next(p.opts.Now(), guard.Failures)
	if err := p.store.SaveFeed(ctx, guard); err != nil {
		return nil, false, fmt.Errorf("save feed %s: %w", f.URL, err)
	}
	var receipts []ingest.Receipt
	var failed error
	for i, it := range todo {
		if ctx.Err() != nil {
			return receipts, false, ctx.Err()
		}
		if careful {
			if err := p.store.MarkItemSeen(ctx, f.Namespace, f.URL, SeenItem{Key: it.key, Status: StatusAttempted, SeenAt: p.opts.Now()}); err != nil {
				return receipts, false, fmt.Errorf("mark item attempted: %w", err)
			}
		}
		doc, reason := p.itemDocument(ctx, it.item, f)
		var r ingest.Receipt
		if reason != "" {
			r = ingest.Receipt{Status: ingest.StatusRefused, Title: doc.Title, URL: doc.URL, Reason: reason}
		} else {
			r, err = p.ing.Ingest(ctx, f.Namespace, doc)
			if err != nil {
				// Not marked seen: the item is retried next poll.
				p.log.Warn("ingest feed item", "ns", f.Namespace, "feed", f.URL, "item", it.key, "err", err)
				failed = errItems
				complete = false
				continue
			}
		}
		if err := p.store.MarkItemSeen(ctx, f.Namespace, f.URL, SeenItem{Key: it.key, ArticleID: r.ArticleID, Status: string(r.Status), SeenAt: p.opts.Now()}); err != nil {
			return receipts, false, fmt.Errorf("mark item seen: %w", err)
		}
		if r.Status == ingest.StatusNew || r.Status == ingest.StatusUpdated {
			f.Items++
		}
		receipts = append(receipts, r)
		if progress != nil {
			progress(i+1, len(todo), r)
		}
	}
	return receipts, complete, failed
}

// itemLink resolves an item's link against the feed's address and checks
// it like any URL Gazette fetches: http or https, an address it may reach.
// reason says why a link is refused; such an item is never stored.
func (p *Poller) itemLink(it *gofeed.Item, feedURL string) (link, reason string) {
	link = strings.TrimSpace(it.Link)
	if link == "" {
		return "", ""
	}
	if base, err := url.Parse(feedURL); err == nil {
		if ref, err := url.Parse(link); err == nil && !ref.IsAbs() && ref.Scheme == "" {
			link = base.ResolveReference(ref).String()
		}
	}
	if _, err := p.client.CheckURL(link); err != nil {
		return "", "the item's link is refused: " + web.Reason(err)
	}
	if c, err := web.CanonicalURL(link); err == nil {
		link = c
	}
	return link, ""
}

// itemDocument fetches the item's page and extracts its article; when that
// fails it falls back to the item's own content. reason is set when
// neither gives any text, or when the item's link is refused.
func (p *Poller) itemDocument(ctx context.Context, it *gofeed.Item, f *Feed) (ingest.Document, string) {
	feedTitle := f.Title
	link, reason := p.itemLink(it, f.URL)
	if reason != "" {
		return ingest.Document{Title: strings.TrimSpace(web.HTMLText(it.Title)), URL: strings.TrimSpace(it.Link)}, reason
	}
	var fetchErr error
	var doc ingest.Document
	if link != "" {
		doc, fetchErr = p.fetcher.Fetch(ctx, link)
		if errors.Is(fetchErr, safehttp.ErrAddressNotAllowed) {
			// The link's host resolves to an address Gazette may not
			// reach: the link must not be stored either.
			return ingest.Document{Title: strings.TrimSpace(web.HTMLText(it.Title)), URL: link}, "the item's link is refused: " + web.Reason(fetchErr)
		}
		if fetchErr != nil {
			p.log.Debug("feed item page", "url", link, "err", fetchErr)
			doc = ingest.Document{}
		}
	}
	if doc.Body == "" {
		content := it.Content
		if len(web.HTMLText(it.Description)) > len(web.HTMLText(content)) {
			content = it.Description
		}
		doc = ingest.Document{URL: link, Body: web.HTMLText(content)}
	}
	if doc.URL == "" {
		doc.URL = link
	}
	if t := strings.TrimSpace(web.HTMLText(it.Title)); t != "" && doc.Title == "" {
		doc.Title = t
	}
	if doc.PublishedAt.IsZero() {
		doc.PublishedAt = itemTime(it)
	}
	if doc.Author == "" {
		if len(it.Authors) > 0 && it.Authors[0] != nil {
			doc.Author = strings.TrimSpace(it.Authors[0].Name)
		}
	}
	if doc.Outlet == "" || isHostName(doc.Outlet, link) {
		if t := strings.TrimSpace(feedTitle); t != "" {
			doc.Outlet = t
		}
	}
	if strings.TrimSpace(doc.Body) == "" {
		reason := "the item has no text"
		if fetchErr != nil {
			reason = "the item has no text and its page could not be read: " + web.Reason(fetchErr)
		}
		return doc, reason
	}
	return doc, ""
}

// isHostName reports whether outlet is only the host of link (the
// extractor's fallback), which the feed's own title beats.
func isHostName(outlet, link string) bool {
	u, err := url.Parse(link)
	return err == nil && strings.EqualFold(strings.TrimPrefix(u.Hostname(), "www."), outlet)
}

// alternateFeedLink finds <link rel="alternate" type="application/rss+xml"
// or atom+xml href> in an HTML page, resolved against base.
func alternateFeedLink(page []byte, base string) string {
	return web.AlternateFeedLink(page, base)
}
