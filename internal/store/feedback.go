package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gazettebot/gazette/news"
)

// RecordAnswer stores a question the bot answered, with the answer and its
// sources, and returns the record's id.
func (s *Store) RecordAnswer(ctx context.Context, ns, channelID, userID, question string, a news.Answer) (int64, error) {
	sources := a.Sources
	if sources == nil {
		sources = []news.Source{}
	}
	js, err := json.Marshal(sources)
	if err != nil {
		return 0, fmt.Errorf("record answer: encode sources: %w", err)
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO questions
		(namespace, channel_id, user_id, question, answer, refused, sources, asked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		ns, channelID, userID, question, a.Text, a.Refused, string(js), s.now().UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("record answer: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("record answer: id: %w", err)
	}
	return id, nil
}

// RecordedAnswer returns a recorded question and its answer, or [news.ErrNotFound]
// when the namespace has no record with that id.
func (s *Store) RecordedAnswer(ctx context.Context, ns string, id int64) (string, news.Answer, error) {
	var (
		q, js string
		a     news.Answer
	)
	err := s.db.QueryRowContext(ctx, `SELECT question, answer, refused, sources FROM questions
		WHERE namespace = ? AND id = ?`, ns, id).Scan(&q, &a.Text, &a.Refused, &js)
	if errors.Is(err, sql.ErrNoRows) {
		return "", news.Answer{}, fmt.Errorf("recorded answer %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return "", news.Answer{}, fmt.Errorf("recorded answer %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(js), &a.Sources); err != nil {
		return "", news.Answer{}, fmt.Errorf("recorded answer %d: decode sources: %w", id, err)
	}
	return q, a, nil
}

// Vote records a member's vote on a recorded answer, +1 or -1, replacing an
// earlier vote of the same member. It returns [news.ErrNotFound] when the
// namespace has no such answer.
func (s *Store) Vote(ctx context.Context, ns string, id int64, userID string, vote int) error {
	if vote != 1 && vote != -1 {
		return fmt.Errorf("vote on %d: vote %d is not +1 or -1", id, vote)
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO feedback (question_id, user_id, vote, voted_at)
		SELECT id, ?, ?, ? FROM questions WHERE namespace = ? AND id = ?
		ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at`,
		userID, vote, s.now().UnixMilli(), ns, id)
	if err != nil {
		return fmt.Errorf("vote on %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("vote on %d: %w", id, news.ErrNotFound)
	}
	return nil
}

// Votes returns the numbers of up and down votes on a recorded answer.
func (s *Store) Votes(ctx context.Context, ns string, id int64) (up, down int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT
		coalesce(sum(f.vote = 1), 0), coalesce(sum(f.vote = -1), 0)
		FROM feedback f JOIN questions q ON q.id = f.question_id
		WHERE q.namespace = ? AND q.id = ?`, ns, id).Scan(&up, &down)
	if err != nil {
		return 0, 0, fmt.Errorf("votes on %d: %w", id, err)
	}
	return up, down, nil
}

// QuestionsSince counts the namespace's recorded questions asked at or
// after t.
func (s *Store) QuestionsSince(ctx context.Context, ns string, t time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM questions WHERE namespace = ? AND asked_at >= ?`,
		ns, t.UnixMilli()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count questions: %w", err)
	}
	return n, nil
}
