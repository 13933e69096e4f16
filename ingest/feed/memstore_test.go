package feed

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gazettebot/gazette/news"
)

// memStore is an in-memory Store for tests; it survives "restarts" because
// tests hand the same value to a new Poller.
type memStore struct {
	mu    sync.Mutex
	feeds map[string]Feed                // ns + "\x00" + url
	seen  map[string]map[string]SeenItem // ns + "\x00" + url -> key -> item
}

func newMemStore() *memStore {
	return &memStore{feeds: map[string]Feed{}, seen: map[string]map[string]SeenItem{}}
}

func key(ns, url string) string { return ns + "\x00" + url }

func (m *memStore) SaveFeed(_ context.Context, f Feed) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.feeds[key(f.Namespace, f.URL)] = f
	return nil
}

func (m *memStore) DeleteFeed(_ context.Context, ns, url string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.feeds[key(ns, url)]; !ok {
		return news.ErrNotFound
	}
	delete(m.feeds, key(ns, url))
	delete(m.seen, key(ns, url))
	return nil
}

func (m *memStore) Feeds(_ context.Context, ns string) ([]Feed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Feed
	for _, f := range m.feeds {
		if f.Namespace == ns {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b Feed) int { return strings.Compare(a.URL, b.URL) })
	return out, nil
}

func (m *memStore) DueFeeds(_ context.Context, now time.Time) ([]Feed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Feed
	for _, f := range m.feeds {
		if !f.NextPollAt.After(now) {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b Feed) int { return a.NextPollAt.Compare(b.NextPollAt) })
	return out, nil
}

func (m *memStore) SeenItems(_ context.Context, ns, feedURL string, keys []string) (map[string]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]bool{}
	for _, k := range keys {
		if _, ok := m.seen[key(ns, feedURL)][k]; ok {
			out[k] = true
		}
	}
	return out, nil
}

func (m *memStore) MarkItemSeen(_ context.Context, ns, feedURL string, it SeenItem) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen[key(ns, feedURL)] == nil {
		m.seen[key(ns, feedURL)] = map[string]SeenItem{}
	}
	m.seen[key(ns, feedURL)][it.Key] = it
	return nil
}
