// Package feed follows RSS, Atom and JSON feeds for each namespace (a Discord
// guild, or the command line's local library): it validates a feed when it
// is added, polls each one on an interval with jitter, sends conditional
// requests (ETag, Last-Modified), backs off after failures, ingests every
// item exactly once (by guid, else link) and keeps its state in a [Store] so
// that a restart neither re-ingests nor skips items. Every fetch goes
// through the SSRF-safe [safehttp.Client].
package feed

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/ingest/web"
	"github.com/gazettebot/gazette/internal/safehttp"
	"github.com/gazettebot/gazette/news"
)

// Feed is a followed feed and its polling state.
type Feed = news.Feed

// SeenItem records a feed item that was handled and must not be ingested
// again.
type SeenItem = news.SeenItem

// Sentinel errors callers branch on. A feed the namespace does not follow
// is [news.ErrNotFound].
var (
	// ErrExists means the namespace already follows that feed.
	ErrExists = errors.New("feed: already followed")
	// ErrTooManyFeeds means the namespace reached Options.MaxFeeds.
	ErrTooManyFeeds = errors.New("feed: too many feeds")
)

// Store keeps feeds and the items already handled: the feed part of the
// storage contract.
type Store = news.FeedStore

// Ingester stores a document; the ingestion pipeline satisfies it.
type Ingester interface {
	Ingest(ctx context.Context, ns string, doc ingest.Document) (ingest.Receipt, error)
}

// Defaults for the zero values of [Options].
const (
	DefaultInterval   = 30 * time.Minute
	DefaultJitter     = 0.1
	DefaultMaxBackoff = 24 * time.Hour
	DefaultMaxItems   = 50
	DefaultMaxFeeds   = 50
	DefaultTick       = time.Minute
	DefaultHosts      = 16
)

// Options configures a [Poller]; zero fields take the defaults above.
type Options struct {
	// Interval between polls of one feed.
	Interval time.Duration
	// Jitter spreads polls by ± this fraction of the interval (0.1 = ±10%),
	// so feeds added together do not stay in step. Negative disables it.
	Jitter float64
	// MaxBackoff caps the wait after repeated failures (the interval
	// doubles with each consecutive failure).
	MaxBackoff time.Duration
	// MaxItems caps the items ingested in one poll of one feed; the rest
	// wait for the next poll.
	MaxItems int
	// MaxFeeds caps the feeds one namespace may follow.
	MaxFeeds int
	// Tick is how often Run looks for due feeds.
	Tick time.Duration
	// Hosts is how many hosts are polled at once (each host's feeds in
	// turn); 0 means DefaultHosts.
	Hosts int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Rand returns a number in [0, 1) for jitter; nil means math/rand/v2.
	Rand func() float64
	// Logger receives poll events; nil discards them.
	Logger *slog.Logger
}

// Poller adds, removes, lists and polls feeds.
type Poller struct {
	store   Store
	client  *safehttp.Client
	fetcher *web.Fetcher
	ing     Ingester
	opts    Options
	log     *slog.Logger
}

// NewPoller returns a Poller that keeps state in st, fetches feeds and item
// pages through client and stores articles through ing.
func NewPoller(st Store, client *safehttp.Client, ing Ingester, opts Options) *Poller {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Jitter == 0 {
		opts.Jitter = DefaultJitter
	}
	if opts.Jitter < 0 {
		opts.Jitter = 0
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxItems <= 0 {
		opts.MaxItems = DefaultMaxItems
	}
	if opts.MaxFeeds <= 0 {
		opts.MaxFeeds = DefaultMaxFeeds
	}
	if opts.Tick <= 0 {
		opts.Tick = DefaultTick
	}
	if opts.Hosts <= 0 {
		opts.Hosts = DefaultHosts
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Float64
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Poller{store: st, client: client, fetcher: web.NewFetcher(client), ing: ing, opts: opts, log: log}
}

// next is the time of the next poll after now, with jitter, backing off
// exponentially after consecutive failures.
func (p *Poller) next(now time.Time, failures int) time.Time {
	d := p.opts.Interval
	for i := 0; i < failures && d < p.opts.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.opts.MaxBackoff)
	if j := p.opts.Jitter; j > 0 {
		d = time.Duration(float64(d) * (1 + j*(2*p.opts.Rand()-1)))
	}
	return now.Add(d)
}
