package store

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"

	"github.com/gazettebot/gazette/digest"
	"github.com/gazettebot/gazette/news"
)

func openDigestStore(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(t.Context(), path, Options{Logger: slog.New(slog.DiscardHandler), EmbedderID: "digest-test", Dim: 4})
	if err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// putDigestArticle stores an article with one chunk whose vector points
// along axis k.
func putDigestArticle(t *testing.T, s *Store, ns, id, title, outlet string, k int, ingested time.Time, body string) {
	t.Helper()
	a := news.Article{Namespace: ns, ID: id, URL: "https://example.com/" + id, Title: title, Outlet: outlet,
		PublishedAt: ingested.Add(-time.Hour), IngestedAt: ingested, Body: body, ContentHash: news.ContentHash(body)}
	v := []float32{0.1, 0.1, 0.1, 0.1}
	v[k] = 1
	normalise4(v)
	c := news.Chunk{ID: id + "#0", ArticleID: id, Text: body, Embedding: v}
	if _, err := s.PutArticle(t.Context(), a, []news.Chunk{c}); err != nil {
		t.Fatalf("PutArticle(%s) error = %v", id, err)
	}
}

func normalise4(v []float32) {
	var s float32
	for _, x := range v {
		s += x * x
	}
	for i := range v {
		v[i] /= float32(math.Sqrt(float64(s)))
	}
}

// TestDigestRunSurvivesRestart checks that a sent run keeps its day taken
// and stays readable after the store is reopened (the claim semantics are
// in the conformance suite).
func TestDigestRunSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.db")
	s := openDigestStore(t, path)
	ctx := t.Context()
	at := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	r := digest.Run{ChannelID: "c1", GuildID: "g1", Day: "2026-05-04", ScheduledAt: at, ClaimedAt: at}
	if ok, err := s.ClaimRun(ctx, r); !ok || err != nil {
		t.Fatalf("ClaimRun() = %v, %v; want true", ok, err)
	}
	sent := r
	sent.Status, sent.MessageID, sent.FinishedAt = digest.RunSent, "m1", at.Add(time.Second)
	sent.Since, sent.Until, sent.ArticleIDs = at.Add(-24*time.Hour), at, []string{"a2", "a1"}
	if err := s.FinishRun(ctx, sent); err != nil {
		t.Fatalf("FinishRun(sent) error = %v", err)
	}
	s.Close()
	s = openDigestStore(t, path)
	if ok, err := s.ClaimRun(ctx, r); ok || err != nil {
		t.Errorf("ClaimRun() after restart = %v, %v; want false, nil", ok, err)
	}
	want := sent
	want.Attempts = 1
	got, ok, err := s.LastRun(ctx, "c1")
	if err != nil || !ok {
		t.Fatalf("LastRun() = %v, %v", ok, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LastRun() after restart mismatch (-want +got):\n%s", diff)
	}
}

func TestDigestFromStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.db")
	s := openDigestStore(t, path)
	day := time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC)
	body := func(place string) string {
		return fmt.Sprintf("Officials in %s said on Friday that the Kessler Bridge would stay closed for a week after the barge strike.", place)
	}
	putDigestArticle(t, s, "g1", "a1", "Kessler Bridge closes after barge strike", "Harbor Times", 0, day.Add(6*time.Hour), body("Port Almera"))
	putDigestArticle(t, s, "g1", "a2", "Barge hits Kessler Bridge", "Coastal Wire", 0, day.Add(7*time.Hour), body("Port Almera"))
	putDigestArticle(t, s, "g1", "a3", "Port Almera shuts Kessler Bridge", "Metro Daily", 0, day.Add(8*time.Hour), body("Port Almera"))
	putDigestArticle(t, s, "g1", "b1", "Valdora Symphony names a music director", "Harbor Times", 1, day.Add(5*time.Hour),
		"The Valdora Symphony Orchestra named Mira Okafor its music director on Thursday, the orchestra announced.")
	putDigestArticle(t, s, "g1", "old", "Old news", "Wire", 2, day.Add(-48*time.Hour), "Something happened long ago in Old Town, the officials said today.")
	putDigestArticle(t, s, "g2", "x1", "Other guild", "Wire", 3, day.Add(6*time.Hour), "Another guild's article says something about the Other Place today.")

	arts, err := s.IngestedBetween(t.Context(), "g1", day, day.Add(24*time.Hour))
	if err != nil {
		t.Fatalf("IngestedBetween() error = %v", err)
	}
	var ids []string
	for _, a := range arts {
		ids = append(ids, a.ID)
		if a.Body == "" {
			t.Errorf("article %s has no body", a.ID)
		}
	}
	if diff := cmp.Diff([]string{"a3", "a2", "a1", "b1"}, ids); diff != "" {
		t.Errorf("IngestedBetween mismatch (-want +got):\n%s", diff)
	}

	d, err := digest.Build(t.Context(), s, "g1", day, day.Add(24*time.Hour), digest.BuildOptions{})
	if err != nil {
		t.Fatalf("Build() error = %v", err)
	}
	var stories [][]string
	for _, st := range d.Stories {
		var ids []string
		for _, src := range st.Sources {
			ids = append(ids, src.ArticleID)
		}
		stories = append(stories, ids)
	}
	if diff := cmp.Diff([][]string{{"a3", "a2", "a1"}, {"b1"}}, stories); diff != "" {
		t.Errorf("stories mismatch (-want +got):\n%s", diff)
	}

	// The scheduler on the SQLite store: delivered once, not again after a
	// restart of both.
	clock := clockwork.NewFakeClockAt(day.Add(9 * time.Hour))
	sub := digest.Subscription{GuildID: "g1", ChannelID: "c1", Hour: 9, Timezone: "UTC", CreatedAt: day}
	if err := s.PutSubscription(t.Context(), sub); err != nil {
		t.Fatal(err)
	}
	p := &countingPoster{}
	for restart := range 2 {
		if restart == 1 {
			s.Close()
			s = openDigestStore(t, path)
		}
		sch, err := digest.NewScheduler(s, s, p, digest.Options{Clock: clock, SweepInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Start(t.Context()); err != nil {
			t.Fatalf("Start() error = %v", err)
		}
		if err := sch.Stop(); err != nil {
			t.Fatal(err)
		}
	}
	if p.n != 1 {
		t.Errorf("posts = %d, want 1", p.n)
	}
	if r, ok, _ := s.RunByMessage(t.Context(), "m1"); !ok || len(r.ArticleIDs) != 4 {
		t.Errorf("RunByMessage(m1) = %+v, %v; want 4 articles", r, ok)
	}

	// The process died holding the claim of another channel's run: after
	// a restart, the run is posted once its lease ran out.
	sub2 := digest.Subscription{GuildID: "g1", ChannelID: "c2", Hour: 9, Timezone: "UTC", CreatedAt: day}
	if err := s.PutSubscription(t.Context(), sub2); err != nil {
		t.Fatal(err)
	}
	dead := digest.Run{ChannelID: "c2", GuildID: "g1", Day: clock.Now().Format(time.DateOnly), ScheduledAt: day.Add(9 * time.Hour),
		ClaimedAt: clock.Now(), Holder: "dead", LeaseUntil: clock.Now().Add(2 * time.Minute)}
	if ok, err := s.ClaimRun(t.Context(), dead); err != nil || !ok {
		t.Fatalf("ClaimRun() = %v, %v", ok, err)
	}
	s.Close()
	s = openDigestStore(t, path)
	sch, err := digest.NewScheduler(s, s, p, digest.Options{Clock: clock, SweepInterval: -1, Lease: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Start(t.Context()); err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	defer sch.Stop()
	if p.n != 1 {
		t.Errorf("posts while the dead process's lease lasts = %d, want 1", p.n)
	}
	clock.Advance(2 * time.Minute)
	sch.CatchUp(t.Context())
	sch.CatchUp(t.Context())
	if p.n != 2 {
		t.Errorf("posts after the lease ran out = %d, want 2", p.n)
	}
	if r, ok, _ := s.RunByMessage(t.Context(), "m2"); !ok || r.ChannelID != "c2" || r.Attempts != 2 || r.Holder == "dead" {
		t.Errorf("RunByMessage(m2) = %+v, %v; want c2's run, posted on attempt 2 by the new process", r, ok)
	}
}

type countingPoster struct {
	mu sync.Mutex
	n  int
}

func (p *countingPoster) PostDigest(context.Context, string, digest.Digest) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	return fmt.Sprintf("m%d", p.n), nil
}
