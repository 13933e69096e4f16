package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/gazettebot/gazette/internal/store/pgtest"
	"github.com/gazettebot/gazette/news"
)

// fakeEmbedder hashes words into dim buckets: deterministic, unit length,
// and texts sharing words are close.
type fakeEmbedder struct {
	id  string
	dim int
}

func (e fakeEmbedder) ID() string { return e.id }
func (e fakeEmbedder) Dim() int   { return e.dim }
func (e fakeEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = e.vec(t)
	}
	return out, nil
}

func (e fakeEmbedder) vec(text string) []float32 {
	v := make([]float32, e.dim)
	v[0] = 0.01
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		h := fnv.New32a()
		h.Write([]byte(e.id + w))
		v[h.Sum32()%uint32(e.dim)]++
	}
	var sum float64
	for _, x := range v {
		sum += float64(x * x)
	}
	for i := range v {
		v[i] /= float32(math.Sqrt(sum))
	}
	return v
}

var testEmbedder = fakeEmbedder{id: "fake-a", dim: 32}

func openTest(t testing.TB, url string, o Options) *Store {
	t.Helper()
	o.Logger = slog.New(slog.DiscardHandler)
	if o.EmbedderID == "" {
		o.EmbedderID, o.Dim = testEmbedder.id, testEmbedder.dim
	}
	s, err := Open(context.Background(), url, o)
	if err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// put stores an article whose chunks are its paragraphs.
func put(t testing.TB, s *Store, ns, id, title string, paras ...string) {
	t.Helper()
	a := news.Article{Namespace: ns, ID: id, Title: title, Outlet: "Gazette", URL: "https://example.com/" + id,
		Body: strings.Join(paras, "\n\n"), IngestedAt: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
	var chunks []news.Chunk
	for i, p := range paras {
		chunks = append(chunks, news.Chunk{ID: fmt.Sprintf("%s#%d", id, i), ArticleID: id, Position: i, Text: p,
			Embedding: testEmbedder.vec(title + " " + p)})
	}
	if _, err := s.PutArticle(context.Background(), a, chunks); err != nil {
		t.Fatalf("PutArticle(%s) error = %v", id, err)
	}
}

func TestSearchAndDelete(t *testing.T) {
	url := pgtest.URL(t)
	s := openTest(t, url, Options{})
	ctx := context.Background()
	put(t, s, "g1", "ferry", "Harbour ferry returns", "The harbour ferry resumes service on Monday.", "Tickets cost two euros.")
	put(t, s, "g1", "library", "Library hours", "The library opens late on Thursdays.")
	put(t, s, "g2", "other", "Harbour news elsewhere", "Another guild's harbour ferry story.")

	hits, err := s.Keyword(ctx, "g1", []string{"harbour", "ferry", "resume"}, 5, news.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].Article.ID != "ferry" {
		t.Fatalf("Keyword() = %v, want the ferry article first", ids(hits))
	}
	for _, h := range hits {
		if h.Article.Namespace != "g1" {
			t.Errorf("Keyword() in g1 returned %s of namespace %s", h.Chunk.ID, h.Article.Namespace)
		}
	}
	dense, err := s.Dense(ctx, "g1", testEmbedder.vec("library opens late thursdays"), 2, news.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(dense) == 0 || dense[0].Article.ID != "library" {
		t.Fatalf("Dense() = %v, want the library first", ids(dense))
	}
	filtered, err := s.Dense(ctx, "g1", testEmbedder.vec("library opens late thursdays"), 2, news.Filter{ArticleIDs: []string{"ferry"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range filtered {
		if h.Article.ID != "ferry" {
			t.Errorf("Dense() with an article filter returned %s", h.Chunk.ID)
		}
	}
	if err := s.DeleteArticle(ctx, "g1", "library"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteArticle(ctx, "g1", "library"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("second DeleteArticle() error = %v, want ErrNotFound", err)
	}
	dense, err = s.Dense(ctx, "g1", testEmbedder.vec("library opens late thursdays"), 5, news.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range dense {
		if h.Article.ID == "library" {
			t.Errorf("Dense() after delete returned %s", h.Chunk.ID)
		}
	}
	rep, err := s.Check(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("Check() = %+v, %v", rep, err)
	}
}

func ids(hits []news.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Chunk.ID)
	}
	return out
}

// TestChangesReachOtherProcesses opens two stores on one database, as two
// processes would, and checks that an article written, updated or deleted
// through one is found (or no longer found) by the other's dense search.
func TestChangesReachOtherProcesses(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	const guild = "81384788765712384" // shard 0 of 2
	a := openTest(t, url, Options{Shards: Shards{IDs: []int{0}, Count: 2}, Preload: true})
	b := openTest(t, url, Options{})
	put(t, b, guild, "ferry", "Harbour ferry returns", "The harbour ferry resumes service on Monday.")
	q := testEmbedder.vec("Harbour ferry returns harbour ferry resumes service")
	waitFor(t, "the article written by another process", func() bool {
		hits, err := a.Dense(ctx, guild, q, 3, news.Filter{})
		return err == nil && len(hits) == 1 && hits[0].Chunk.Text == "The harbour ferry resumes service on Monday."
	})
	put(t, b, guild, "ferry", "Harbour ferry returns", "The harbour ferry is delayed to Tuesday.")
	waitFor(t, "the update written by another process", func() bool {
		hits, err := a.Dense(ctx, guild, q, 3, news.Filter{})
		return err == nil && len(hits) == 1 && hits[0].Chunk.Text == "The harbour ferry is delayed to Tuesday."
	})
	if err := b.DeleteArticle(ctx, guild, "ferry"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the deletion by another process", func() bool {
		hits, err := a.Dense(ctx, guild, q, 3, news.Filter{})
		return err == nil && len(hits) == 0
	})
	if rep, err := a.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("Check() = %+v, %v", rep, err)
	}
}

// TestCatchUpAfterReconnect kills the listening connection of one store
// while another writes, and checks the change still arrives.
func TestCatchUpAfterReconnect(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	a := openTest(t, url, Options{Preload: true})
	b := openTest(t, url, Options{})
	put(t, b, "g", "one", "First", "The first article.")
	q := testEmbedder.vec("Second the second article")
	waitFor(t, "the first article", func() bool { return a.Generation("g") != 0 })
	// Terminate every listening backend: the store reconnects and reads
	// the changes it missed from the log.
	if _, err := b.Pool().Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	put(t, b, "g", "two", "Second", "The second article.")
	waitFor(t, "the article written while disconnected", func() bool {
		hits, err := a.Dense(ctx, "g", q, 1, news.Filter{})
		return err == nil && len(hits) == 1 && hits[0].Article.ID == "two"
	})
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestShards(t *testing.T) {
	// Shards as Discord assigns them: (guild_id >> 22) % shard_count.
	for _, tc := range []struct {
		ns    string
		count int
		want  int
	}{
		{"81384788765712384", 2, 0},
		{"81384788765712384", 3, 1},
		{"81384788765712384", 4, 2},
		{"41771983423143937", 3, 0},
		{"1100000000000000000", 2, 1},
		{"1100000000000000000", 4, 3},
		{"local", 4, 0}, // not a guild: shard 0
	} {
		for shard := range tc.count {
			got := Shards{IDs: []int{shard}, Count: tc.count}.Serves(tc.ns)
			if got != (shard == tc.want) {
				t.Errorf("Shards{%d of %d}.Serves(%s) = %v, want shard %d", shard, tc.count, tc.ns, got, tc.want)
			}
		}
	}
	if !(Shards{}).Serves("anything") {
		t.Error("the zero Shards serves nothing, want everything")
	}
}

// TestFeedLeases has two processes poll the same due feeds: each feed is
// claimed by one of them, and a claim left by a process that died is taken
// over once its lease runs out.
func TestFeedLeases(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	a := openTest(t, url, Options{Owner: "a", FeedLease: time.Minute, FeedClaimBatch: 3})
	b := openTest(t, url, Options{Owner: "b", FeedLease: time.Minute, FeedClaimBatch: 3})
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		f := news.Feed{Namespace: "g", URL: fmt.Sprintf("https://example.com/%d.xml", i), AddedAt: now, NextPollAt: now}
		if err := a.SaveFeed(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu     sync.Mutex
		claims = map[string]int{}
		wg     sync.WaitGroup
	)
	for _, s := range []*Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			due, err := s.DueFeeds(ctx, now)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, f := range due {
				claims[f.URL+" by "+s.owner]++
			}
		}()
	}
	wg.Wait()
	for i := range 5 {
		u := fmt.Sprintf("https://example.com/%d.xml", i)
		owners := 0
		for k := range claims {
			if strings.HasPrefix(k, u+" by ") {
				owners++
			}
		}
		if owners != 1 {
			t.Errorf("feed %s claimed by %d processes (%v), want 1", u, owners, claims)
		}
	}
	// b dies; a's poll a minute later takes b's feeds over.
	later := now.Add(2 * time.Minute)
	due, err := a.DueFeeds(ctx, later)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 3 {
		t.Errorf("after the leases ran out a claimed %d feeds, want 3 (its batch)", len(due))
	}
	// A poll saved releases the lease and moves the feed's next poll.
	f := due[0]
	f.NextPollAt = later.Add(30 * time.Minute)
	if err := a.SaveFeed(ctx, f); err != nil {
		t.Fatal(err)
	}
	var owner string
	if err := a.Pool().QueryRow(ctx, `SELECT lease_owner FROM feeds WHERE url = $1`, f.URL).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	if owner != "" {
		t.Errorf("lease owner after SaveFeed = %q, want none", owner)
	}
}

// TestClaimRunOnce has two processes claim the same digest run at once:
// exactly one wins.
func TestClaimRunOnce(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	a := openTest(t, url, Options{})
	b := openTest(t, url, Options{})
	now := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	for round := range 20 {
		r := news.DigestRun{ChannelID: "c", GuildID: "g", Day: fmt.Sprintf("2024-05-%02d", round+1), ScheduledAt: now, ClaimedAt: now}
		var wg sync.WaitGroup
		var won [2]bool
		for i, s := range []*Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.ClaimRun(ctx, r)
				if err != nil {
					t.Error(err)
				}
				won[i] = ok
			}()
		}
		wg.Wait()
		if won[0] == won[1] {
			t.Fatalf("round %d: claims %v, want exactly one", round, won)
		}
	}
}
