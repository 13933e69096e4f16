package store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/gazettebot/gazette/news"
)

func openReadOnly(t *testing.T, path string, emb fakeEmbedder) (*Store, error) {
	t.Helper()
	s, err := Open(context.Background(), path, Options{
		Logger: slog.New(slog.DiscardHandler), EmbedderID: emb.id, Dim: emb.dim, ReadOnly: true,
	})
	if err == nil {
		t.Cleanup(func() { s.Close() })
	}
	return s, err
}

func TestOpenReadOnlyCreatesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette.db")
	if _, err := openReadOnly(t, path, testEmbedder); !errors.Is(err, ErrNoStore) {
		t.Fatalf("read-only open of a missing store = %v, want ErrNoStore", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("read-only open created %s", path)
	}
}

func TestOpenReadOnlyReadsAndNeverWrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gazette.db")
	w := openTest(t, path)
	a, chunks := article("local", "ferry", "Ferry fares rise", "Ledger", day, "Harbour ferry fares rise by ten percent in March.")
	mustPut(t, w, a, chunks, news.PutNew)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	r, err := openReadOnly(t, path, testEmbedder)
	if err != nil {
		t.Fatalf("read-only open = %v", err)
	}
	got, err := r.Article(ctx, "local", "ferry")
	if err != nil || got.Title != a.Title {
		t.Errorf("Article = %+v, %v", got, err)
	}
	hits, err := r.Keyword(ctx, "local", []string{"ferry", "fares"}, 5, news.Filter{})
	if err != nil || len(hits) != 1 {
		t.Errorf("Keyword = %v, %v", hits, err)
	}
	hits, err = r.Dense(ctx, "local", testEmbedder.vec("ferry fares"), 5, news.Filter{})
	if err != nil || len(hits) != 1 {
		t.Errorf("Dense = %v, %v", hits, err)
	}
	if rep, err := r.Check(ctx); err != nil || !rep.OK() {
		t.Errorf("Check = %+v, %v", rep, err)
	}
	b, c2 := article("local", "bridge", "Bridge closes", "Ledger", day, "The old bridge closes for repairs.")
	if _, err := r.PutArticle(ctx, b, c2); err == nil {
		t.Error("PutArticle on a read-only store succeeded")
	}
	if err := r.DeleteArticle(ctx, "local", "ferry"); err == nil {
		t.Error("DeleteArticle on a read-only store succeeded")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the store file changed under a read-only open")
	}

	// Another embedder over stored vectors is refused, as for a writer.
	if _, err := openReadOnly(t, path, fakeEmbedder{id: "fake-b", dim: 16}); !errors.Is(err, news.ErrEmbedderMismatch) {
		t.Errorf("read-only open with another embedder = %v, want ErrEmbedderMismatch", err)
	}
}

func TestOpenReadOnlyInReadOnlyDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes through directory permissions")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "gazette.db")
	w := openTest(t, path)
	a, chunks := article("local", "ferry", "Ferry fares rise", "Ledger", day, "Harbour ferry fares rise by ten percent in March.")
	mustPut(t, w, a, chunks, news.PutNew)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	r, err := openReadOnly(t, path, testEmbedder)
	if err != nil {
		t.Fatalf("read-only open in a read-only directory = %v", err)
	}
	if _, err := r.Article(context.Background(), "local", "ferry"); err != nil {
		t.Errorf("Article = %v", err)
	}
}

func TestOpenReadOnlyNeedsMigratedStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette.db")
	w := openTest(t, path)
	if _, err := w.DB().Exec(`DELETE FROM schema_migrations WHERE name = (SELECT max(name) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := openReadOnly(t, path, testEmbedder); !errors.Is(err, ErrNeedsMigration) {
		t.Errorf("read-only open of an old store = %v, want ErrNeedsMigration", err)
	}
}
