package store

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/news"
)

func TestFeedback(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, "")
	now := time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }

	ans := news.Answer{Text: "Rates held [1].", Sources: []news.Source{{
		N: 1, ArticleID: "fed-1", Title: "Fed holds", Outlet: "Reuters",
		PublishedAt: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), URL: "https://example.com/fed", Passage: "The Fed held rates.",
	}}}
	id, err := s.RecordAnswer(ctx, "g1", "c1", "u1", "What did the Fed do?", ans)
	if err != nil {
		t.Fatalf("RecordAnswer() error = %v", err)
	}
	q, got, err := s.RecordedAnswer(ctx, "g1", id)
	if err != nil {
		t.Fatalf("RecordedAnswer() error = %v", err)
	}
	if q != "What did the Fed do?" {
		t.Errorf("question = %q", q)
	}
	if diff := cmp.Diff(ans, got); diff != "" {
		t.Errorf("RecordedAnswer() mismatch (-want +got):\n%s", diff)
	}
	// Another namespace cannot read or vote on it.
	if _, _, err := s.RecordedAnswer(ctx, "g2", id); !errors.Is(err, ErrNotFound) {
		t.Errorf("RecordedAnswer(other guild) error = %v, want ErrNotFound", err)
	}
	if err := s.Vote(ctx, "g2", id, "u9", 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Vote(other guild) error = %v, want ErrNotFound", err)
	}

	votes := []struct {
		user string
		vote int
	}{{"u1", 1}, {"u2", 1}, {"u2", -1}, {"u3", -1}}
	for _, v := range votes {
		if err := s.Vote(ctx, "g1", id, v.user, v.vote); err != nil {
			t.Fatalf("Vote(%s, %d) error = %v", v.user, v.vote, err)
		}
	}
	up, down, err := s.Votes(ctx, "g1", id)
	if err != nil || up != 1 || down != 2 {
		t.Errorf("Votes() = %d, %d, %v, want 1, 2 (a changed vote counts once)", up, down, err)
	}
	if err := s.Vote(ctx, "g1", id, "u1", 0); err == nil {
		t.Errorf("Vote(0) error = nil")
	}

	// A refused answer without sources round-trips too.
	now = now.Add(48 * time.Hour)
	id2, err := s.RecordAnswer(ctx, "g1", "c1", "u2", "Who won?", news.Answer{Text: "No articles cover that.", Refused: true})
	if err != nil {
		t.Fatal(err)
	}
	_, got, err = s.RecordedAnswer(ctx, "g1", id2)
	if err != nil || !got.Refused || len(got.Sources) != 0 {
		t.Errorf("refused answer = %+v, %v", got, err)
	}
	for _, tt := range []struct {
		ns    string
		since time.Time
		want  int
	}{
		{"g1", time.Time{}, 2},
		{"g1", now.Add(-time.Hour), 1},
		{"g2", time.Time{}, 0},
	} {
		n, err := s.QuestionsSince(ctx, tt.ns, tt.since)
		if err != nil || n != tt.want {
			t.Errorf("QuestionsSince(%s, %v) = %d, %v, want %d", tt.ns, tt.since, n, err, tt.want)
		}
	}
}
