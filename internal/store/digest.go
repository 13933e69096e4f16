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

// IngestedBetween returns the namespace's articles ingested at or after
// since and before until, newest first, with their bodies.
func (s *Store) IngestedBetween(ctx context.Context, ns string, since, until time.Time) ([]news.Article, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+articleColumns+`, a.body FROM articles a
		WHERE a.namespace = ? AND a.ingested_at >= ? AND a.ingested_at < ?
		ORDER BY a.ingested_at DESC, a.id`, ns, since.UnixMilli(), until.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("articles ingested between: %w", err)
	}
	defer rows.Close()
	var out []news.Article
	for rows.Next() {
		a, err := scanArticle(rows, true)
		if err != nil {
			return nil, fmt.Errorf("articles ingested between: scan: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("articles ingested between: %w", err)
	}
	return out, nil
}

// PutSubscription creates or replaces the channel's digest subscription.
func (s *Store) PutSubscription(ctx context.Context, sub news.Subscription) error {
	outlets, err := jsonList(sub.Outlets)
	if err != nil {
		return fmt.Errorf("put subscription: %w", err)
	}
	topics, err := jsonList(sub.Topics)
	if err != nil {
		return fmt.Errorf("put subscription: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO digest_subscriptions
		(channel_id, guild_id, hour, minute, timezone, outlets, topics, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, hour = excluded.hour,
			minute = excluded.minute, timezone = excluded.timezone, outlets = excluded.outlets,
			topics = excluded.topics, created_by = excluded.created_by, created_at = excluded.created_at`,
		sub.ChannelID, sub.GuildID, sub.Hour, sub.Minute, sub.Timezone, outlets, topics, sub.CreatedBy, sub.CreatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("put subscription %s: %w", sub.ChannelID, err)
	}
	return nil
}

// DeleteSubscription removes the channel's subscription in the guild and
// reports whether there was one. The channel's runs are kept.
func (s *Store) DeleteSubscription(ctx context.Context, guildID, channelID string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM digest_subscriptions WHERE guild_id = ? AND channel_id = ?`, guildID, channelID)
	if err != nil {
		return false, fmt.Errorf("delete subscription %s: %w", channelID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("delete subscription %s: %w", channelID, err)
	}
	return n > 0, nil
}

// ListSubscriptions returns the guild's subscriptions (every one when
// guildID is empty), ordered by channel.
func (s *Store) ListSubscriptions(ctx context.Context, guildID string) ([]news.Subscription, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT channel_id, guild_id, hour, minute, timezone, outlets, topics,
		created_by, created_at FROM digest_subscriptions WHERE ? = '' OR guild_id = ? ORDER BY channel_id`, guildID, guildID)
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	defer rows.Close()
	var out []news.Subscription
	for rows.Next() {
		var (
			sub             news.Subscription
			outlets, topics string
			created         int64
		)
		if err := rows.Scan(&sub.ChannelID, &sub.GuildID, &sub.Hour, &sub.Minute, &sub.Timezone,
			&outlets, &topics, &sub.CreatedBy, &created); err != nil {
			return nil, fmt.Errorf("list subscriptions: scan: %w", err)
		}
		if err := json.Unmarshal([]byte(outlets), &sub.Outlets); err != nil {
			return nil, fmt.Errorf("list subscriptions: outlets of %s: %w", sub.ChannelID, err)
		}
		if err := json.Unmarshal([]byte(topics), &sub.Topics); err != nil {
			return nil, fmt.Errorf("list subscriptions: topics of %s: %w", sub.ChannelID, err)
		}
		sub.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	return out, nil
}

// ClaimRun records the run as claimed by r.Holder until r.LeaseUntil
// unless the channel already has a run for that day; a failed run, or a
// claimed one whose lease ended at or before r.ClaimedAt, is claimed again
// with one more attempt while it has had fewer than news.MaxRunAttempts.
// The single upsert statement makes the claim atomic across connections.
// It reports whether the caller holds the run.
func (s *Store) ClaimRun(ctx context.Context, r news.DigestRun) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO digest_runs
		(channel_id, day, guild_id, status, scheduled_at, claimed_at, attempts, holder, lease_until)
		VALUES (?, ?, ?, 'claimed', ?, ?, 1, ?, ?)
		ON CONFLICT (channel_id, day) DO UPDATE SET status = 'claimed',
			scheduled_at = excluded.scheduled_at, claimed_at = excluded.claimed_at,
			attempts = digest_runs.attempts + 1, error = '',
			holder = excluded.holder, lease_until = excluded.lease_until
		WHERE digest_runs.attempts < ? AND (digest_runs.status = 'failed' OR (digest_runs.status = 'claimed'
			AND digest_runs.lease_until IS NOT NULL AND digest_runs.lease_until <= excluded.claimed_at))`,
		r.ChannelID, r.Day, r.GuildID, r.ScheduledAt.UnixMilli(), r.ClaimedAt.UnixMilli(), r.Holder, millis(r.LeaseUntil),
		news.MaxRunAttempts)
	if err != nil {
		return false, fmt.Errorf("claim run %s %s: %w", r.ChannelID, r.Day, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim run %s %s: %w", r.ChannelID, r.Day, err)
	}
	return n > 0, nil
}

// RenewRun extends r.Holder's claim to r.LeaseUntil and reports whether
// r.Holder still holds the run.
func (s *Store) RenewRun(ctx context.Context, r news.DigestRun) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE digest_runs SET lease_until = ?
		WHERE channel_id = ? AND day = ? AND status = 'claimed' AND holder = ?`,
		millis(r.LeaseUntil), r.ChannelID, r.Day, r.Holder)
	if err != nil {
		return false, fmt.Errorf("renew run %s %s: %w", r.ChannelID, r.Day, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("renew run %s %s: %w", r.ChannelID, r.Day, err)
	}
	return n > 0, nil
}

// errNoClaim means FinishRun found no run claimed by the caller.
var errNoClaim = errors.New("no run claimed by this holder")

// FinishRun records the outcome of a run claimed by r.Holder.
func (s *Store) FinishRun(ctx context.Context, r news.DigestRun) error {
	ids, err := jsonList(r.ArticleIDs)
	if err != nil {
		return fmt.Errorf("finish run %s %s: %w", r.ChannelID, r.Day, err)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE digest_runs SET status = ?, finished_at = ?, message_id = ?,
		since = ?, until = ?, article_ids = ?, error = ?
		WHERE channel_id = ? AND day = ? AND status = 'claimed' AND holder = ?`,
		string(r.Status), millis(r.FinishedAt), r.MessageID, millis(r.Since), millis(r.Until), ids, r.Error,
		r.ChannelID, r.Day, r.Holder)
	if err != nil {
		return fmt.Errorf("finish run %s %s: %w", r.ChannelID, r.Day, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("finish run %s %s: %w", r.ChannelID, r.Day, errors.Join(errNoClaim, err))
	}
	return nil
}

const runColumns = `channel_id, day, guild_id, status, scheduled_at, claimed_at, finished_at, message_id,
	since, until, article_ids, attempts, error, holder, lease_until`

// LastRun returns the channel's sent or empty run with the latest window
// end.
func (s *Store) LastRun(ctx context.Context, channelID string) (news.DigestRun, bool, error) {
	return s.runWhere(ctx, `channel_id = ? AND status IN ('sent', 'empty') ORDER BY until DESC LIMIT 1`, channelID)
}

// RunByMessage returns the run whose digest was posted as the message.
func (s *Store) RunByMessage(ctx context.Context, messageID string) (news.DigestRun, bool, error) {
	if messageID == "" {
		return news.DigestRun{}, false, nil
	}
	return s.runWhere(ctx, `message_id = ? LIMIT 1`, messageID)
}

func (s *Store) runWhere(ctx context.Context, cond string, args ...any) (news.DigestRun, bool, error) {
	var (
		r                        news.DigestRun
		status, ids              string
		scheduled, claimed       int64
		finished, since, untilAt sql.NullInt64
		lease                    sql.NullInt64
	)
	err := s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM digest_runs WHERE `+cond, args...).Scan(
		&r.ChannelID, &r.Day, &r.GuildID, &status, &scheduled, &claimed, &finished, &r.MessageID,
		&since, &untilAt, &ids, &r.Attempts, &r.Error, &r.Holder, &lease)
	if errors.Is(err, sql.ErrNoRows) {
		return news.DigestRun{}, false, nil
	}
	if err != nil {
		return news.DigestRun{}, false, fmt.Errorf("digest run: %w", err)
	}
	if err := json.Unmarshal([]byte(ids), &r.ArticleIDs); err != nil {
		return news.DigestRun{}, false, fmt.Errorf("digest run %s %s: article ids: %w", r.ChannelID, r.Day, err)
	}
	r.Status = news.RunStatus(status)
	r.ScheduledAt = time.UnixMilli(scheduled).UTC()
	r.ClaimedAt = time.UnixMilli(claimed).UTC()
	r.FinishedAt = fromMillis(finished)
	r.Since = fromMillis(since)
	r.Until = fromMillis(untilAt)
	r.LeaseUntil = fromMillis(lease)
	return r, true, nil
}

func fromMillis(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMilli(n.Int64).UTC()
}

// jsonList encodes a string list as a JSON array, never null.
func jsonList(v []string) (string, error) {
	if v == nil {
		v = []string{}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
