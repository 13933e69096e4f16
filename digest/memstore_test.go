package digest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// memStore is an in-memory Store with the claim semantics of the SQLite
// one; copies of it share state, as two processes share one database.
type memStore struct {
	mu   *sync.Mutex
	subs map[string]Subscription
	runs map[string]Run // by channel + " " + day
	// finished receives every finished run, so tests can wait for one.
	finished chan Run
}

func newMemStore() memStore {
	return memStore{mu: &sync.Mutex{}, subs: map[string]Subscription{}, runs: map[string]Run{}, finished: make(chan Run, 100)}
}

func (m memStore) PutSubscription(_ context.Context, s Subscription) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.subs[s.ChannelID] = s
	return nil
}

func (m memStore) DeleteSubscription(_ context.Context, guildID, channelID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.subs[channelID]
	if !ok || s.GuildID != guildID {
		return false, nil
	}
	delete(m.subs, channelID)
	return true, nil
}

func (m memStore) ListSubscriptions(_ context.Context, guildID string) ([]Subscription, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Subscription
	for _, s := range m.subs {
		if guildID == "" || s.GuildID == guildID {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b Subscription) int {
		if a.ChannelID < b.ChannelID {
			return -1
		}
		return 1
	})
	return out, nil
}

func (m memStore) ClaimRun(_ context.Context, r Run) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := r.ChannelID + " " + r.Day
	old, ok := m.runs[k]
	expired := old.Status == RunClaimed && !old.LeaseUntil.IsZero() && !old.LeaseUntil.After(r.ClaimedAt)
	if ok && (!(old.Status == RunFailed || expired) || old.Attempts >= MaxAttempts) {
		return false, nil
	}
	r.Attempts = 1
	if ok {
		r.Attempts = old.Attempts + 1
	}
	r.Status = RunClaimed
	m.runs[k] = r
	return true, nil
}

func (m memStore) RenewRun(_ context.Context, r Run) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := r.ChannelID + " " + r.Day
	old, ok := m.runs[k]
	if !ok || old.Status != RunClaimed || old.Holder != r.Holder {
		return false, nil
	}
	old.LeaseUntil = r.LeaseUntil
	m.runs[k] = old
	return true, nil
}

func (m memStore) FinishRun(_ context.Context, r Run) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := r.ChannelID + " " + r.Day
	old := m.runs[k]
	if old.Status != RunClaimed || old.Holder != r.Holder {
		return errors.New("no run claimed by this holder")
	}
	r.Attempts, r.LeaseUntil = old.Attempts, old.LeaseUntil
	m.runs[k] = r
	m.finished <- r
	return nil
}

// waitFinished returns the next finished run; the bound only guards
// against a hang.
func (m memStore) waitFinished(t *testing.T) Run {
	t.Helper()
	select {
	case r := <-m.finished:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no run finished")
		return Run{}
	}
}

func (m memStore) LastRun(_ context.Context, channelID string) (Run, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var best Run
	found := false
	for _, r := range m.runs {
		if r.ChannelID == channelID && (r.Status == RunSent || r.Status == RunEmpty) && (!found || r.Until.After(best.Until)) {
			best, found = r, true
		}
	}
	return best, found, nil
}

func (m memStore) RunByMessage(_ context.Context, messageID string) (Run, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.runs {
		if r.MessageID != "" && r.MessageID == messageID {
			return r, true, nil
		}
	}
	return Run{}, false, nil
}

func (m memStore) run(channelID, day string) (Run, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.runs[channelID+" "+day]
	return r, ok
}
