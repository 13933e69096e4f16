package news

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotFound means the thing asked for (an article, a feed, a recorded
// answer) does not exist in the namespace. Every backend of [Store] and
// every layer above it wraps this one sentinel; callers test it with
// [errors.Is].
var ErrNotFound = errors.New("not found")

// ErrEmbedderMismatch means a store holds vectors of another embedder (or
// dimension) than the one the caller uses. Re-embedding the store switches
// it over.
var ErrEmbedderMismatch = errors.New("store: vectors were made by another embedder; re-embed the store")

// Store is the storage contract: what Gazette needs from a backend (SQLite,
// the embedded default, or PostgreSQL). The consumers define their own
// small interfaces (ingest.Store, feed.Store, digest.Store, rag.Index…),
// all of which a Store satisfies; the command wires a Store into each.
//
// A backend must guarantee, and the conformance suite news/storetest
// checks:
//
//   - Namespaces are isolated. Every read, search, count and deletion of
//     articles, chunks, feeds and recorded answers is confined to its
//     namespace (a Discord guild, or [LocalNamespace]); nothing of one
//     namespace is ever returned for another.
//   - An article and all its chunks are written (and replaced, and deleted)
//     atomically: after a failure or a crash the previous state is wholly in
//     place, and readers never see an article with part of its chunks.
//     Dense and keyword search see a write as soon as the call returns.
//   - Content hashes: an article stored without a ContentHash gets
//     [ContentHash] of its body; PutArticle with the hash already stored
//     for that id writes nothing and says [PutUnchanged].
//   - Vectors are stored normalised to unit length, of one embedder and
//     dimension for the whole store; a vector of another dimension, a zero
//     or non-finite vector is refused with an error.
//   - Times are kept to the millisecond and returned in UTC; a zero time
//     stays zero.
//   - "Not there" is [ErrNotFound] (wrapped), never a nil error with an
//     empty value, except where a method says it reports a bool instead.
//   - A digest run (one channel and day) is held by one claimer at a time
//     across every process sharing the backend: [DigestStore.ClaimRun] is
//     atomic, and a claim is a lease that only its holder renews or
//     finishes; a claim whose lease ran out unfinished (its holder died)
//     may be claimed again.
//   - Every method is safe for concurrent use.
type Store interface {
	ArticleStore
	SearchIndex
	FeedStore
	DigestStore
	FeedbackStore
	Maintainer
	// Close releases the backend. The store must not be used afterwards.
	Close() error
}

// ArticleStore keeps articles and their chunks.
type ArticleStore interface {
	// PutArticle writes the article and replaces all its chunks, with their
	// embeddings, atomically. Chunks carry embeddings of the store's
	// dimension and positions 0..n-1; an article needs at least one chunk.
	// A zero IngestedAt is set to the current time. An article already
	// stored under the same namespace and id with the same content hash is
	// left untouched ([PutUnchanged]).
	PutArticle(ctx context.Context, a Article, chunks []Chunk) (PutResult, error)
	// Article returns the article with its body, or ErrNotFound.
	Article(ctx context.Context, ns, id string) (Article, error)
	// ArticleByURL returns the article stored under the canonical URL (the
	// latest ingested if several), or ErrNotFound. An empty URL never
	// matches.
	ArticleByURL(ctx context.Context, ns, url string) (Article, error)
	// ArticleByHash returns an article whose content hash is hash, or
	// ErrNotFound. An empty hash never matches.
	ArticleByHash(ctx context.Context, ns, hash string) (Article, error)
	// DeleteArticle removes the article with its chunks, keyword entries
	// and vectors, or returns ErrNotFound.
	DeleteArticle(ctx context.Context, ns, id string) error
	// DeleteNamespace removes every article of ns (a guild that left) with
	// its chunks and vectors, and returns how many articles it removed.
	DeleteNamespace(ctx context.Context, ns string) (int, error)
	// ListArticles returns a page of articles, newest ingested first (then
	// by id), with empty bodies, and the number matching o in all.
	ListArticles(ctx context.Context, ns string, o ListOptions) ([]Article, int, error)
	// IngestedBetween returns the articles ingested at or after since and
	// before until, newest first, with their bodies.
	IngestedBetween(ctx context.Context, ns string, since, until time.Time) ([]Article, error)
	// Chunks returns the article's chunks in position order, with their
	// embeddings, or ErrNotFound when the article does not exist.
	Chunks(ctx context.Context, ns, articleID string) ([]Chunk, error)
	// Outlets lists the namespace's outlets (articles without one left
	// out), most articles first, then by name.
	Outlets(ctx context.Context, ns string) ([]OutletInfo, error)
	// Stats counts the namespace's articles and chunks.
	Stats(ctx context.Context, ns string) (Stats, error)
	// Generation returns a number that changes whenever the articles of ns
	// change (written, deleted, the namespace deleted, the store reopened
	// or re-embedded), so callers may cache what they derive from them.
	// Two equal numbers for ns mean no change in between.
	Generation(ns string) uint64
}

// SearchIndex finds the chunks of a namespace for retrieval. Both searches
// return at most k hits, best first, each with its article (Body empty),
// restricted to the articles f selects (f.Prefer is ignored).
type SearchIndex interface {
	// Dense returns the chunks whose vectors are nearest to vec by cosine;
	// Hit.Score is the cosine. vec need not be unit length but must have
	// the store's dimension.
	Dense(ctx context.Context, ns string, vec []float32, k int, f Filter) ([]Hit, error)
	// Keyword returns the chunks that best match any of the search terms
	// (words chosen by the caller, not a question: the backend neither
	// drops stopwords nor reads syntax in them) over title and passage;
	// Hit.Score is higher for a better match. The backend stems each term
	// the way its keyword index stems the text (Porter for English). No
	// terms find nothing.
	Keyword(ctx context.Context, ns string, terms []string, k int, f Filter) ([]Hit, error)
	// TermCounts returns how many passages of ns contain each phrase (its
	// words adjacent and in order, in the passage's title or text, matched
	// as Keyword matches words: case and English endings aside), and how
	// many passages ns holds. A phrase without a word counts 0; at most 64
	// phrases are counted, the rest count 0.
	TermCounts(ctx context.Context, ns string, phrases []string) (counts []int, total int, err error)
}

// FeedStore keeps followed feeds and the items already handled.
type FeedStore interface {
	// SaveFeed inserts or replaces a feed (key: Namespace, URL).
	SaveFeed(ctx context.Context, f Feed) error
	// DeleteFeed stops following a feed and forgets its items, or returns
	// ErrNotFound.
	DeleteFeed(ctx context.Context, ns, url string) error
	// Feeds lists a namespace's feeds ordered by URL.
	Feeds(ctx context.Context, ns string) ([]Feed, error)
	// DueFeeds lists the feeds of every namespace whose NextPollAt is at or
	// before now, the most overdue first.
	DueFeeds(ctx context.Context, now time.Time) ([]Feed, error)
	// SeenItems reports which of keys were already handled for the feed.
	SeenItems(ctx context.Context, ns, feedURL string, keys []string) (map[string]bool, error)
	// MarkItemSeen records an item as handled; marking it again keeps the
	// first record.
	MarkItemSeen(ctx context.Context, ns, feedURL string, it SeenItem) error
}

// DigestStore keeps digest subscriptions and the record of each delivery.
type DigestStore interface {
	// PutSubscription creates or replaces the channel's subscription.
	PutSubscription(ctx context.Context, s Subscription) error
	// DeleteSubscription removes the channel's subscription in the guild
	// and reports whether there was one. The channel's runs are kept.
	DeleteSubscription(ctx context.Context, guildID, channelID string) (bool, error)
	// ListSubscriptions returns the guild's subscriptions (every one when
	// guildID is empty), ordered by channel.
	ListSubscriptions(ctx context.Context, guildID string) ([]Subscription, error)
	// ClaimRun atomically records r as claimed by r.Holder until
	// r.LeaseUntil, with one attempt, unless the channel has a run for
	// r.Day. A failed run, or a claimed one whose lease ended at or before
	// r.ClaimedAt (its holder stopped before finishing it), is claimed
	// again with one more attempt, while it has had fewer than
	// [MaxRunAttempts]. A zero LeaseUntil makes a claim that never
	// expires. It reports whether the caller now holds the run and may
	// post.
	ClaimRun(ctx context.Context, r DigestRun) (bool, error)
	// RenewRun extends r.Holder's claim on the run to r.LeaseUntil and
	// reports whether r.Holder still holds it: false when the run was
	// finished, or claimed by another after the lease ran out.
	RenewRun(ctx context.Context, r DigestRun) (bool, error)
	// FinishRun records a claimed run's outcome: status, finish time,
	// message id, window, article ids and error. It fails when the run is
	// not claimed by r.Holder.
	FinishRun(ctx context.Context, r DigestRun) error
	// LastRun returns the channel's sent or empty run with the latest
	// window end, and whether there is one.
	LastRun(ctx context.Context, channelID string) (DigestRun, bool, error)
	// RunByMessage returns the run whose digest was posted as the message
	// (the id of its thread too), and whether there is one.
	RunByMessage(ctx context.Context, messageID string) (DigestRun, bool, error)
}

// FeedbackStore keeps the questions the bot answered and members' votes.
type FeedbackStore interface {
	// RecordAnswer stores a question, its answer and its sources, and
	// returns the record's id.
	RecordAnswer(ctx context.Context, ns, channelID, userID, question string, a Answer) (int64, error)
	// RecordedAnswer returns a recorded question and its answer, or
	// ErrNotFound when the namespace has no record with that id.
	RecordedAnswer(ctx context.Context, ns string, id int64) (question string, a Answer, err error)
	// Vote records a member's vote, +1 or -1, on a recorded answer,
	// replacing the member's earlier vote; ErrNotFound when the namespace
	// has no such answer.
	Vote(ctx context.Context, ns string, id int64, userID string, vote int) error
	// Votes returns the numbers of up and down votes on a recorded answer.
	Votes(ctx context.Context, ns string, id int64) (up, down int, err error)
	// QuestionsSince counts the namespace's questions asked at or after t.
	QuestionsSince(ctx context.Context, ns string, t time.Time) (int, error)
}

// Maintainer is the upkeep of a store's vectors.
type Maintainer interface {
	// EmbedderID names the embedder whose vectors the store holds ("" for
	// a new store that was given none).
	EmbedderID() string
	// Dim is the dimension of the store's vectors (0 when not known).
	Dim() int
	// Reembed re-embeds every chunk of every namespace with e and then
	// switches the store to e at once; until then the old vectors serve.
	// progress (which may be nil) is told how far it got.
	Reembed(ctx context.Context, e Embedder, progress func(done, total int)) error
	// Check verifies the store's integrity; an error means the check
	// itself could not run.
	Check(ctx context.Context) (CheckReport, error)
}

// ListOptions selects and pages articles for [ArticleStore.ListArticles].
// The zero value lists the first 50 articles.
type ListOptions struct {
	// Search keeps articles whose title, outlet or URL contains it
	// (case-insensitive for ASCII).
	Search string
	Offset int
	// Limit is the page size; 0 means 50.
	Limit int
	// IngestedSince keeps articles ingested at or after it, when not zero.
	IngestedSince time.Time
	// Outlets keeps articles from these outlets (case-insensitive), when set.
	Outlets []string
}

// Stats counts a namespace's articles and chunks and names the store's
// embedder.
type Stats struct {
	Articles, Chunks int
	EmbedderID       string
	Dim              int
}

// CheckReport lists the inconsistencies a store's check found.
type CheckReport struct {
	Articles, Chunks int
	// Problems describes each inconsistency in a sentence; empty when the
	// store is sound.
	Problems []string
}

// OK reports whether no problem was found.
func (r CheckReport) OK() bool { return len(r.Problems) == 0 }

// Feed is a followed RSS, Atom or JSON feed and its polling state.
type Feed struct {
	Namespace string
	// URL is the canonical feed address, the feed's key in its namespace.
	URL           string
	Title         string
	AddedAt       time.Time
	LastPolledAt  time.Time // last attempt, zero before the first
	LastSuccessAt time.Time // last poll that read the feed (or got 304)
	NextPollAt    time.Time
	// ETag and LastModified are the validators of the last fully processed
	// response, sent back as If-None-Match and If-Modified-Since.
	ETag         string
	LastModified string
	// Failures counts consecutive failed polls; it drives the backoff.
	Failures int
	// LastError says, in words a user can read, why the last poll failed;
	// empty after a success.
	LastError string
	// Items counts the items ingested from this feed so far.
	Items int
}

// SeenItem records a feed item that was handled and must not be ingested
// again.
type SeenItem struct {
	Key       string // guid, else canonical link, else a content hash
	ArticleID string // the stored article, if any
	// Status is what ingesting it did: "new", "updated", "unchanged" or
	// "refused".
	Status string
	SeenAt time.Time
}

// Subscription is a channel's order for a daily digest. A channel has at
// most one subscription.
type Subscription struct {
	GuildID   string // the namespace whose articles the digest covers
	ChannelID string
	Hour      int    // local time of day, 0–23
	Minute    int    // 0–59
	Timezone  string // IANA name, e.g. "Europe/Paris"
	// Outlets and Topics filter the articles; empty means all.
	Outlets   []string
	Topics    []string
	CreatedBy string // user id, for the status display
	// CreatedAt is when the subscription was made or last changed; no
	// digest scheduled before it is delivered late.
	CreatedAt time.Time
}

// Clock returns the subscription's local time of day as HH:MM.
func (s Subscription) Clock() string { return fmt.Sprintf("%02d:%02d", s.Hour, s.Minute) }

// RunStatus is the state of one day's digest delivery to one channel.
type RunStatus string

// States of a run. A run is claimed before anything is posted and finished
// as sent (with the message id), empty (nothing to post) or failed (nothing
// was posted; it may be claimed again).
const (
	RunClaimed RunStatus = "claimed"
	RunSent    RunStatus = "sent"
	RunEmpty   RunStatus = "empty"
	RunFailed  RunStatus = "failed"
)

// MaxRunAttempts bounds the claims of one run: a channel the bot can no
// longer post to (or a model that keeps failing) costs three attempts a
// day, not one per sweep.
const MaxRunAttempts = 3

// DigestRun is one day's delivery of a subscription.
type DigestRun struct {
	ChannelID string
	GuildID   string
	// Day is the local date (YYYY-MM-DD, in the subscription's zone) the
	// run belongs to: at most one run is sent per channel and day.
	Day         string
	Status      RunStatus
	ScheduledAt time.Time
	ClaimedAt   time.Time
	FinishedAt  time.Time
	MessageID   string // the digest message, when sent
	// Since and Until are the ingestion window the digest covered.
	Since, Until time.Time
	ArticleIDs   []string // the digest's cited articles, in source order
	Attempts     int      // claims so far
	Error        string   // why the last attempt failed, for status
	// Holder names the claimer (a process) and LeaseUntil is when its
	// claim runs out unless renewed; zero for a claim that never expires.
	Holder     string
	LeaseUntil time.Time
}
