package postgres

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/internal/store"
	"github.com/gazettebot/gazette/internal/store/pgtest"
	"github.com/gazettebot/gazette/news"
)

func openSQLite(t *testing.T, path, embedder string, dim int) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), path, store.Options{Logger: slog.New(slog.DiscardHandler), EmbedderID: embedder, Dim: dim})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// library is what a migration must carry across, read from either backend.
type library struct {
	Articles []news.Article
	Chunks   map[string][]news.Chunk
	Feeds    []news.Feed
	Seen     map[string]bool
	Subs     []news.Subscription
	Run      news.DigestRun
	Question string
	Answer   news.Answer
	Up, Down int
}

type libStore interface {
	Article(context.Context, string, string) (news.Article, error)
	Chunks(context.Context, string, string) ([]news.Chunk, error)
	Feeds(context.Context, string) ([]news.Feed, error)
	SeenItems(context.Context, string, string, []string) (map[string]bool, error)
	ListSubscriptions(context.Context, string) ([]news.Subscription, error)
	LastRun(context.Context, string) (news.DigestRun, bool, error)
	RecordedAnswer(context.Context, string, int64) (string, news.Answer, error)
	Votes(context.Context, string, int64) (int, int, error)
}

func readLibrary(t *testing.T, s libStore, qid int64) library {
	t.Helper()
	ctx := context.Background()
	var l library
	l.Chunks = map[string][]news.Chunk{}
	for _, id := range []string{"ferry", "library"} {
		a, err := s.Article(ctx, "g1", id)
		if err != nil {
			t.Fatal(err)
		}
		l.Articles = append(l.Articles, a)
		if l.Chunks[id], err = s.Chunks(ctx, "g1", id); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if l.Feeds, err = s.Feeds(ctx, "g1"); err != nil {
		t.Fatal(err)
	}
	if l.Seen, err = s.SeenItems(ctx, "g1", "https://example.com/feed.xml", []string{"guid:1", "guid:2"}); err != nil {
		t.Fatal(err)
	}
	if l.Subs, err = s.ListSubscriptions(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if l.Run, _, err = s.LastRun(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	if l.Question, l.Answer, err = s.RecordedAnswer(ctx, "g1", qid); err != nil {
		t.Fatal(err)
	}
	if l.Up, l.Down, err = s.Votes(ctx, "g1", qid); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestMigrateRoundTrip copies a SQLite library into PostgreSQL and back
// into a new SQLite file: every article, chunk vector, feed, seen item,
// subscription, digest run, recorded answer and vote arrives, and both
// copies pass their checks.
func TestMigrateRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := openSQLite(t, filepath.Join(dir, "a.db"), testEmbedder.id, testEmbedder.dim)
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, a := range []struct{ id, title, text string }{
		{"ferry", "Harbour ferry returns", "The harbour ferry resumes service on Monday."},
		{"library", "Library hours", "The library opens late on Thursdays."},
	} {
		_, err := src.PutArticle(ctx, news.Article{Namespace: "g1", ID: a.id, Title: a.title, Body: a.text,
			Outlet: "Gazette", PublishedAt: now.Add(-time.Hour), IngestedAt: now},
			[]news.Chunk{{ID: a.id + "#0", Position: 0, Text: a.text, Embedding: testEmbedder.vec(a.title + " " + a.text)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := src.SaveFeed(ctx, news.Feed{Namespace: "g1", URL: "https://example.com/feed.xml", Title: "Example",
		AddedAt: now, NextPollAt: now.Add(time.Hour), ETag: `"e1"`, Items: 1}); err != nil {
		t.Fatal(err)
	}
	if err := src.MarkItemSeen(ctx, "g1", "https://example.com/feed.xml", news.SeenItem{Key: "guid:1", ArticleID: "ferry", SeenAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := src.PutSubscription(ctx, news.Subscription{ChannelID: "c1", GuildID: "g1", Hour: 8, Timezone: "Europe/Paris",
		Outlets: []string{"Gazette"}, Topics: []string{"ferry"}, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	run := news.DigestRun{ChannelID: "c1", GuildID: "g1", Day: "2024-05-01", ScheduledAt: now, ClaimedAt: now}
	if _, err := src.ClaimRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	run.Status, run.FinishedAt, run.MessageID, run.Since, run.Until, run.ArticleIDs = news.RunSent, now, "m1", now.Add(-24*time.Hour), now, []string{"ferry"}
	if err := src.FinishRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	qid, err := src.RecordAnswer(ctx, "g1", "c1", "u1", "When does the ferry run?", news.Answer{Text: "On Monday [1].",
		Sources: []news.Source{{N: 1, Title: "Harbour ferry returns", ArticleID: "ferry"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Vote(ctx, "g1", qid, "u2", 1); err != nil {
		t.Fatal(err)
	}
	want := readLibrary(t, src, qid)

	pg := openTest(t, pgtest.URL(t), Options{EmbedderID: testEmbedder.id, Dim: testEmbedder.dim})
	counts, err := FromSQLite(ctx, src.DB(), pg)
	if err != nil {
		t.Fatal(err)
	}
	if counts["articles"] != 2 || counts["chunks"] != 2 || counts["feedback"] != 1 {
		t.Errorf("FromSQLite copied %v", counts)
	}
	if diff := cmp.Diff(want, readLibrary(t, pg, qid)); diff != "" {
		t.Errorf("PostgreSQL copy differs (-sqlite +postgres):\n%s", diff)
	}
	if rep, err := pg.Check(ctx); err != nil || !rep.OK() {
		t.Errorf("Check() of the PostgreSQL copy = %+v, %v", rep, err)
	}
	hits, err := pg.Keyword(ctx, "g1", []string{"harbour", "ferry"}, 3, news.Filter{})
	if err != nil || len(hits) == 0 || hits[0].Article.ID != "ferry" {
		t.Errorf("Keyword() on the copy = %v, %v", ids(hits), err)
	}
	// A second copy into a library that is no longer empty is refused.
	if _, err := FromSQLite(ctx, src.DB(), pg); !errors.Is(err, ErrTargetNotEmpty) {
		t.Errorf("FromSQLite() into a full store error = %v, want ErrTargetNotEmpty", err)
	}
	// Question ids continue after the copied ones.
	next, err := pg.RecordAnswer(ctx, "g1", "c1", "u1", "Another?", news.Answer{Text: "Yes."})
	if err != nil || next <= qid {
		t.Errorf("RecordAnswer() after the copy = %d, %v; want an id above %d", next, err, qid)
	}

	back := filepath.Join(dir, "b.db")
	dst := openSQLite(t, back, pg.EmbedderID(), pg.Dim())
	if _, err := ToSQLite(ctx, pg, dst.DB()); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	dst = openSQLite(t, back, "", 0)
	if diff := cmp.Diff(want, readLibrary(t, dst, qid)); diff != "" {
		t.Errorf("SQLite copy back differs (-original +copy):\n%s", diff)
	}
	if rep, err := dst.Check(ctx); err != nil || !rep.OK() {
		t.Errorf("Check() of the SQLite copy = %+v, %v", rep, err)
	}
	dense, err := dst.Dense(ctx, "g1", testEmbedder.vec("library opens late"), 1, news.Filter{})
	if err != nil || len(dense) != 1 || dense[0].Article.ID != "library" {
		t.Errorf("Dense() on the SQLite copy = %v, %v", ids(dense), err)
	}
}
