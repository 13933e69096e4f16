package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
	var id int64
	err = s.pool.QueryRow(ctx, `INSERT INTO questions
		(namespace, channel_id, user_id, question, answer, refused, sources, asked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		ns, channelID, userID, question, a.Text, a.Refused, string(js), ms(s.now())).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record answer: %w", err)
	}
	return id, nil
}

// RecordedAnswer returns a recorded question and its answer, or
// news.ErrNotFound when the namespace has no record with that id.
func (s *Store) RecordedAnswer(ctx context.Context, ns string, id int64) (string, news.Answer, error) {
	var (
		q  string
		js []byte
		a  news.Answer
	)
	err := s.pool.QueryRow(ctx, `SELECT question, answer, refused, sources FROM questions
		WHERE namespace = $1 AND id = $2`, ns, id).Scan(&q, &a.Text, &a.Refused, &js)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", news.Answer{}, fmt.Errorf("recorded answer %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return "", news.Answer{}, fmt.Errorf("recorded answer %d: %w", id, err)
	}
	if err := json.Unmarshal(js, &a.Sources); err != nil {
		return "", news.Answer{}, fmt.Errorf("recorded answer %d: decode sources: %w", id, err)
	}
	return q, a, nil
}

// Vote records a member's vote on a recorded answer, +1 or -1, replacing an
// earlier vote of the same member. It returns news.ErrNotFound when the
// namespace has no such answer.
func (s *Store) Vote(ctx context.Context, ns string, id int64, userID string, vote int) error {
	if vote != 1 && vote != -1 {
		return fmt.Errorf("vote on %d: vote %d is not +1 or -1", id, vote)
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO feedback (question_id, user_id, vote, voted_at)
		SELECT id, $1, $2, $3 FROM questions WHERE namespace = $4 AND id = $5
		ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at`,
		userID, vote, ms(s.now()), ns, id)
	if err != nil {
		return fmt.Errorf("vote on %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("vote on %d: %w", id, news.ErrNotFound)
	}
	return nil
}

// Votes returns the numbers of up and down votes on a recorded answer.
func (s *Store) Votes(ctx context.Context, ns string, id int64) (up, down int, err error) {
	err = s.pool.QueryRow(ctx, `SELECT
		count(*) FILTER (WHERE f.vote = 1), count(*) FILTER (WHERE f.vote = -1)
		FROM feedback f JOIN questions q ON q.id = f.question_id
		WHERE q.namespace = $1 AND q.id = $2`, ns, id).Scan(&up, &down)
	if err != nil {
		return 0, 0, fmt.Errorf("votes on %d: %w", id, err)
	}
	return up, down, nil
}

// QuestionsSince counts the namespace's recorded questions asked at or
// after t.
func (s *Store) QuestionsSince(ctx context.Context, ns string, t time.Time) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM questions WHERE namespace = $1 AND asked_at >= $2`,
		ns, t.UTC()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count questions: %w", err)
	}
	return n, nil
}
