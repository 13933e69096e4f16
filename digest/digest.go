// Package digest builds and delivers the daily news digest of a channel: the
// articles its server ingested since the previous digest, grouped into
// stories reported by one or more outlets, each with a headline, a short
// cited summary and its numbered sources. It also keeps the subscriptions
// and schedules each one at its local time, delivering exactly once a day.
package digest

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gazettebot/gazette/news"
)

// Source is the article store a digest is built from.
type Source interface {
	// IngestedBetween returns the articles of a namespace ingested at or
	// after since and before until, with their bodies.
	IngestedBetween(ctx context.Context, ns string, since, until time.Time) ([]news.Article, error)
	// Chunks returns an article's chunks in position order, with their
	// embeddings when the store has them.
	Chunks(ctx context.Context, ns, articleID string) ([]news.Chunk, error)
}

// Defaults applied to the zero values of [BuildOptions].
const (
	DefaultMaxStories         = 10
	DefaultMaxSourcesPerStory = 6
)

// BuildOptions tune [Build]. The zero value is usable.
type BuildOptions struct {
	// MaxStories caps the stories kept after ranking; 0 means
	// DefaultMaxStories.
	MaxStories int
	// MaxSourcesPerStory caps the sources listed under one story; 0 means
	// DefaultMaxSourcesPerStory.
	MaxSourcesPerStory int
	// Cluster tunes how articles are grouped into stories; the zero value
	// uses the documented defaults of [ClusterOptions].
	Cluster ClusterOptions
	// Outlets, when set, keeps only articles from these outlets (exact,
	// case-insensitive).
	Outlets []string
	// Topics, when set, keeps only articles whose title or body mentions one
	// of these words or phrases (case-insensitive).
	Topics []string
	// Completer, when set, writes each story's headline and summary and
	// notes where outlets disagree; when nil (or when its reply cannot be
	// used) the summary is extractive: the lead sentences, cited.
	Completer news.Completer
	// Log receives model failures that fell back to extractive summaries;
	// nil discards them.
	Log *slog.Logger
}

// Digest is the news of one namespace over a time window.
type Digest struct {
	Namespace string
	// Delivery names the channel and day the scheduler built the digest
	// for (empty for a preview). A poster derives its messages' nonces
	// from it, so that a delivery posted twice (its process died before
	// recording the post, and another took the run over) makes Discord
	// return the first messages instead of creating new ones.
	Delivery string
	Since    time.Time // ingestion window start (inclusive)
	Until    time.Time // ingestion window end (exclusive)
	// Articles is the number of articles in the window after filters.
	Articles int
	// Stories are ranked by number of outlets, then recency; their source
	// numbers run from 1 across the whole digest.
	Stories []Story
}

// Story is one event, reported by one or more articles.
type Story struct {
	Headline string
	// Summary is one or two sentences with [n] citations that refer to
	// Sources.
	Summary string
	// Disagreement, when a model is configured and finds one, says in one
	// sentence where the outlets disagree on a fact (with citations).
	Disagreement string
	// Outlets names each known reporting outlet once, in source order.
	Outlets []string
	// Sources are the story's articles, newest first, numbered across the
	// digest.
	Sources []news.Source
	// Latest is the newest publication (or ingestion) time among the
	// story's articles.
	Latest time.Time
	// Articles counts the story's articles, including any beyond Sources.
	Articles int
}

// Empty reports whether the digest has no stories.
func (d Digest) Empty() bool { return len(d.Stories) == 0 }

// ArticleIDs returns the ids of every article cited in the digest, in
// source-number order.
func (d Digest) ArticleIDs() []string {
	var ids []string
	for _, s := range d.Stories {
		for _, src := range s.Sources {
			ids = append(ids, src.ArticleID)
		}
	}
	return ids
}

// Build returns the digest of the articles of namespace ns ingested at or
// after since and before until.
func Build(ctx context.Context, src Source, ns string, since, until time.Time, o BuildOptions) (Digest, error) {
	if !since.Before(until) {
		return Digest{}, fmt.Errorf("build digest: empty window %s to %s", since.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	arts, err := src.IngestedBetween(ctx, ns, since, until)
	if err != nil {
		return Digest{}, fmt.Errorf("build digest: list articles: %w", err)
	}
	arts = filterArticles(arts, since, until, o.Outlets, o.Topics)
	d := Digest{Namespace: ns, Since: since, Until: until, Articles: len(arts)}
	if len(arts) == 0 {
		return d, nil
	}
	items := make([]item, len(arts))
	for i, a := range arts {
		chunks, err := src.Chunks(ctx, ns, a.ID)
		if err != nil {
			return Digest{}, fmt.Errorf("build digest: chunks of %q: %w", a.ID, err)
		}
		items[i] = newItem(a, chunks)
	}
	clusters := cluster(items, o.Cluster)
	stories := rankStories(items, clusters)
	maxStories := cmp.Or(o.MaxStories, DefaultMaxStories)
	if len(stories) > maxStories {
		stories = stories[:maxStories]
	}
	maxSources := cmp.Or(o.MaxSourcesPerStory, DefaultMaxSourcesPerStory)
	n := 0
	for _, g := range stories {
		st := newStory(items, g, maxSources, &n)
		if o.Completer != nil {
			if err := summariseWithModel(ctx, o.Completer, &st, items, g); err != nil {
				if ctx.Err() != nil {
					return Digest{}, fmt.Errorf("build digest: %w", ctx.Err())
				}
				log.Warn("digest model summary", "err", err, "headline", st.Headline)
				extractiveSummary(&st, items, g)
			}
		} else {
			extractiveSummary(&st, items, g)
		}
		d.Stories = append(d.Stories, st)
	}
	return d, nil
}

// filterArticles keeps the articles inside the window that pass the outlet
// and topic filters.
func filterArticles(arts []news.Article, since, until time.Time, outlets, topics []string) []news.Article {
	var out []news.Article
	for _, a := range arts {
		if a.IngestedAt.Before(since) || !a.IngestedAt.Before(until) {
			continue
		}
		if len(outlets) > 0 && !slices.ContainsFunc(outlets, func(o string) bool {
			return strings.EqualFold(strings.TrimSpace(o), outletName(a))
		}) {
			continue
		}
		if len(topics) > 0 {
			text := strings.ToLower(a.Title + "\n" + a.Body)
			if !slices.ContainsFunc(topics, func(t string) bool {
				t = strings.ToLower(strings.TrimSpace(t))
				return t != "" && strings.Contains(text, t)
			}) {
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

// unknownOutlet names the outlet of an article with neither an outlet nor
// a URL; it never counts as an outlet.
const unknownOutlet = "unknown source"

// outletName is the article's outlet, or its URL's host when the outlet is
// unknown, or unknownOutlet.
func outletName(a news.Article) string {
	if o := strings.TrimSpace(a.Outlet); o != "" {
		return o
	}
	if u, err := url.Parse(a.URL); err == nil && u.Hostname() != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return unknownOutlet
}

// outletKey identifies an outlet for counting; "" when unknown.
func outletKey(a news.Article) string {
	if n := outletName(a); n != unknownOutlet {
		return strings.ToLower(n)
	}
	return ""
}

// when is the article's publication time, or its ingestion time when the
// publication time is unknown.
func when(a news.Article) time.Time {
	if !a.PublishedAt.IsZero() {
		return a.PublishedAt
	}
	return a.IngestedAt
}

// group is one cluster of item indexes, ready for ranking.
type group struct {
	members []int // indexes into items, newest first
	outlets int
	latest  time.Time
}

// rankStories orders clusters by distinct outlets, then recency, then size.
func rankStories(items []item, clusters [][]int) []group {
	gs := make([]group, 0, len(clusters))
	for _, c := range clusters {
		g := group{members: slices.Clone(c)}
		slices.SortStableFunc(g.members, func(a, b int) int {
			return cmp.Or(when(items[b].art).Compare(when(items[a].art)), cmp.Compare(items[a].art.ID, items[b].art.ID))
		})
		seen := map[string]bool{}
		for _, m := range g.members {
			if k := outletKey(items[m].art); k != "" {
				seen[k] = true
			}
			if t := when(items[m].art); t.After(g.latest) {
				g.latest = t
			}
		}
		g.outlets = len(seen)
		gs = append(gs, g)
	}
	slices.SortStableFunc(gs, func(a, b group) int {
		return cmp.Or(
			cmp.Compare(b.outlets, a.outlets),
			b.latest.Compare(a.latest),
			cmp.Compare(len(b.members), len(a.members)),
			cmp.Compare(items[a.members[0]].art.ID, items[b.members[0]].art.ID),
		)
	})
	return gs
}

// newStory numbers a group's sources from *n+1 on, preferring one article
// per outlet before a second one from the same outlet.
func newStory(items []item, g group, maxSources int, n *int) Story {
	st := Story{Latest: g.latest, Articles: len(g.members)}
	order := sourceOrder(items, g.members)
	if len(order) > maxSources {
		order = order[:maxSources]
	}
	seen := map[string]bool{}
	for _, m := range order {
		a := items[m].art
		*n++
		st.Sources = append(st.Sources, news.Source{
			N:           *n,
			ArticleID:   a.ID,
			Title:       a.Title,
			Outlet:      outletName(a),
			PublishedAt: a.PublishedAt,
			URL:         a.URL,
		})
		if k := outletKey(a); k != "" && !seen[k] {
			seen[k] = true
			st.Outlets = append(st.Outlets, outletName(a))
		}
	}
	h := items[headlineItem(items, g.members)].art
	st.Headline = cleanHeadline(h.Title, outletName(h))
	return st
}

// cleanHeadline drops what outlets append to titles: a trailing
// " | Columnist" or " | Outlet" of at most four words, or " - Outlet".
func cleanHeadline(title, outlet string) string {
	title = strings.Join(strings.Fields(title), " ")
	for _, sep := range []string{" | ", " - ", " — "} {
		i := strings.LastIndex(title, sep)
		if i <= 0 {
			continue
		}
		tail := title[i+len(sep):]
		if strings.EqualFold(tail, outlet) || (sep == " | " && len(strings.Fields(tail)) <= 4) {
			title = title[:i]
		}
	}
	return title
}

// sourceOrder lists members newest first, one per outlet, then the rest.
func sourceOrder(items []item, members []int) []int {
	var first, rest []int
	seen := map[string]bool{}
	for _, m := range members {
		k := strings.ToLower(outletName(items[m].art))
		if seen[k] {
			rest = append(rest, m)
			continue
		}
		seen[k] = true
		first = append(first, m)
	}
	return append(first, rest...)
}

// headlineItem picks the member most similar to the others (the medoid),
// newest first among ties; its title heads the story.
func headlineItem(items []item, members []int) int {
	best, bestScore := members[0], -1.0
	for _, i := range members {
		if strings.TrimSpace(items[i].art.Title) == "" {
			continue
		}
		s := 0.0
		for _, j := range members {
			if i != j {
				s += similarity(items[i], items[j])
			}
		}
		if s > bestScore+1e-9 {
			best, bestScore = i, s
		}
	}
	return best
}
