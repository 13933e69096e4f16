package store

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazettebot/gazette/news"
)

// denseIDs returns the chunk ids a dense search for text finds in ns.
func denseIDs(t *testing.T, s *Store, ns, text string) []string {
	t.Helper()
	hits, err := s.Dense(t.Context(), ns, testEmbedder.vec(text), 10, news.Filter{})
	if err != nil {
		t.Fatalf("Dense() error = %v", err)
	}
	return hitIDs(hits)
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestSyncFollowsAnotherProcess: a store opened twice on one file (a
// serving process and the command line) sees, after Sync, the articles the
// other wrote, rewrote and deleted, and its index matches the database.
func TestSyncFollowsAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette.db")
	serve := openTest(t, path)
	cli := openTest(t, path)
	ctx := t.Context()

	a, chunks := article("g", "ferry", "Ferry fares rise", "Harbour News", day, "Ferry fares rise by five percent.", "The council approved it.")
	mustPut(t, cli, a, chunks, news.PutNew)
	probe := news.EmbeddingText(a, "Ferry fares rise by five percent.")
	if contains(denseIDs(t, serve, "g", probe), "ferry#0") {
		t.Fatal("the serving store found the article before syncing")
	}
	if n, err := serve.Sync(ctx); err != nil || n == 0 {
		t.Fatalf("Sync() = %d, %v; want changes applied", n, err)
	}
	if got := denseIDs(t, serve, "g", probe); len(got) == 0 || got[0] != "ferry#0" {
		t.Errorf("after Sync, dense search = %v, want ferry#0 first", got)
	}
	mustCheck(t, serve)

	// A rewrite with fewer passages drops the old second chunk.
	a2, chunks2 := article("g", "ferry", "Ferry fares rise", "Harbour News", day, "Ferry fares rise by six percent after all.")
	mustPut(t, cli, a2, chunks2, news.PutUpdated)
	if _, err := serve.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, serve)
	if got := denseIDs(t, serve, "g", news.EmbeddingText(a, "The council approved it.")); contains(got, "ferry#1") {
		t.Errorf("a chunk the other process removed is still found: %v", got)
	}

	b, bchunks := article("g", "library", "Library hours", "Town Crier", day, "The library opens on Sundays.")
	mustPut(t, cli, b, bchunks, news.PutNew)
	if err := cli.DeleteArticle(ctx, "g", "ferry"); err != nil {
		t.Fatal(err)
	}
	c, cchunks := article("other", "x", "Elsewhere", "AP", day, "Another guild's news.")
	mustPut(t, cli, c, cchunks, news.PutNew)
	if _, err := cli.DeleteNamespace(ctx, "other"); err != nil {
		t.Fatal(err)
	}
	if _, err := serve.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, serve)
	got := denseIDs(t, serve, "g", news.EmbeddingText(b, "The library opens on Sundays."))
	if contains(got, "ferry#0") || len(got) == 0 || got[0] != "library#0" {
		t.Errorf("after delete and add, dense search = %v, want library#0 and no ferry", got)
	}
	if n, err := serve.Sync(ctx); err != nil || n != 0 {
		t.Errorf("second Sync() = %d, %v; want nothing left", n, err)
	}
}

// TestFollowOption: a store opened with Follow applies other processes'
// writes on its own.
func TestFollowOption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette.db")
	serve, err := Open(t.Context(), path, Options{Logger: slog.New(slog.DiscardHandler),
		EmbedderID: testEmbedder.id, Dim: testEmbedder.dim, Follow: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer serve.Close()
	cli := openTest(t, path)
	a, chunks := article("g", "ferry", "Ferry fares rise", "Harbour News", day, "Ferry fares rise by five percent.")
	mustPut(t, cli, a, chunks, news.PutNew)
	probe := news.EmbeddingText(a, "Ferry fares rise by five percent.")
	deadline := time.Now().Add(10 * time.Second)
	for !contains(denseIDs(t, serve, "g", probe), "ferry#0") {
		if time.Now().After(deadline) {
			t.Fatal("the following store never found the other process's article")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCheckWhileAnotherProcessWrites: Check reads one snapshot and brings
// the index to it, so another process's writes during the check are never
// reported as problems.
func TestCheckWhileAnotherProcessWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette.db")
	checker := openTest(t, path)
	writer := openTest(t, path)
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			a, chunks := article("g", fmt.Sprintf("a%d", i%40), "Title", "Outlet", day,
				fmt.Sprintf("Passage one of edition %d.", i), fmt.Sprintf("Passage two of edition %d.", i))
			if _, err := writer.PutArticle(ctx, a, chunks); err != nil && ctx.Err() == nil {
				t.Errorf("PutArticle() error = %v", err)
				return
			}
			if i%7 == 3 {
				_ = writer.DeleteArticle(ctx, "g", fmt.Sprintf("a%d", (i+11)%40))
			}
		}
	}()
	for range 15 {
		r, err := checker.Check(t.Context())
		if err != nil {
			t.Fatalf("Check() error = %v", err)
		}
		if !r.OK() {
			t.Errorf("Check() during another process's writes found:\n%s", strings.Join(r.Problems, "\n"))
			break
		}
	}
	cancel()
	wg.Wait()
}
