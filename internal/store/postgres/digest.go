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
	_, err = s.pool.Exec(ctx, `INSERT INTO digest_subscriptions
		(channel_id, guild_id, hour, minute, timezone, outlets, topics, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, hour = excluded.hour,
			minute = excluded.minute, timezone = excluded.timezone, outlets = excluded.outlets,
			topics = excluded.topics, created_by = excluded.created_by, created_at = excluded.created_at`,
		sub.ChannelID, sub.GuildID, sub.Hour, sub.Minute, sub.Timezone, outlets, topics, sub.CreatedBy, ms(sub.CreatedAt))
	if err != nil {
		return fmt.Errorf("put subscription %s: %w", sub.ChannelID, err)
	}
	return nil
}

// DeleteSubscription removes the channel's subscription in the guild and
// reports whether there was one. The channel's runs are kept.
func (s *Store) DeleteSubscription(ctx context.Context, guildID, channelID string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM digest_subscriptions WHERE guild_id = $1 AND channel_id = $2`, guildID, channelID)
	if err != nil {
		return false, fmt.Errorf("delete subscription %s: %w", channelID, err)
	}
	return tag.RowsAffected() > 0, nil
}

// ListSubscriptions returns the guild's subscriptions (every one when
// guildID is empty), ordered by channel.
func (s *Store) ListSubscriptions(ctx context.Context, guildID string) ([]news.Subscription, error) {
	rows, err := s.pool.Query(ctx, `SELECT channel_id, guild_id, hour, minute, timezone, outlets, topics,
		created_by, created_at FROM digest_subscriptions WHERE $1 = '' OR guild_id = $1 ORDER BY channel_id`, guildID)
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	defer rows.Close()
	var out []news.Subscription
	for rows.Next() {
		var (
			sub             news.Subscription
			outlets, topics []byte
			created         time.Time
		)
		if err := rows.Scan(&sub.ChannelID, &sub.GuildID, &sub.Hour, &sub.Minute, &sub.Timezone,
			&outlets, &topics, &sub.CreatedBy, &created); err != nil {
			return nil, fmt.Errorf("list subscriptions: scan: %w", err)
		}
		if err := json.Unmarshal(outlets, &sub.Outlets); err != nil {
			return nil, fmt.Errorf("list subscriptions: outlets of %s: %w", sub.ChannelID, err)
		}
		if err := json.Unmarshal(topics, &sub.Topics); err != nil {
			return nil, fmt.Errorf("list subscriptions: topics of %s: %w", sub.ChannelID, err)
		}
		sub.CreatedAt = created.UTC()
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	return out, nil
}

// ClaimRun records the run as claimed by r.Holder until r.LeaseUntil
// unless the channel already has a run for that day; a failed run, or a
// claimed one whose lease ended at or before r.ClaimedAt (its process died
// before finishing it), is claimed again with one more attempt while it
// has had fewer than news.MaxRunAttempts. The single upsert is atomic
// across every process sharing the database: one claimer holds a run at a
// time.
func (s *Store) ClaimRun(ctx context.Context, r news.DigestRun) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO digest_runs
		(channel_id, day, guild_id, status, scheduled_at, claimed_at, attempts, holder, lease_until)
		VALUES ($1, $2, $3, 'claimed', $4, $5, 1, $6, $7)
		ON CONFLICT (channel_id, day) DO UPDATE SET status = 'claimed',
			scheduled_at = excluded.scheduled_at, claimed_at = excluded.claimed_at,
			attempts = digest_runs.attempts + 1, error = '',
			holder = excluded.holder, lease_until = excluded.lease_until
		WHERE digest_runs.attempts < $8 AND (digest_runs.status = 'failed' OR (digest_runs.status = 'claimed'
			AND digest_runs.lease_until IS NOT NULL AND digest_runs.lease_until <= excluded.claimed_at))`,
		r.ChannelID, r.Day, r.GuildID, ms(r.ScheduledAt), ms(r.ClaimedAt), r.Holder, ms(r.LeaseUntil), news.MaxRunAttempts)
	if err != nil {
		return false, fmt.Errorf("claim run %s %s: %w", r.ChannelID, r.Day, err)
	}
	return tag.RowsAffected() > 0, nil
}

// RenewRun extends r.Holder's claim to r.LeaseUntil and reports whether
// r.Holder still holds the run.
func (s *Store) RenewRun(ctx context.Context, r news.DigestRun) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE digest_runs SET lease_until = $1
		WHERE channel_id = $2 AND day = $3 AND status = 'claimed' AND holder = $4`,
		ms(r.LeaseUntil), r.ChannelID, r.Day, r.Holder)
	if err != nil {
		return false, fmt.Errorf("renew run %s %s: %w", r.ChannelID, r.Day, err)
	}
	return tag.RowsAffected() > 0, nil
}

// errNoClaim means FinishRun found no run claimed by the caller.
var errNoClaim = errors.New("no run claimed by this holder")

// FinishRun records the outcome of a run claimed by r.Holder.
func (s *Store) FinishRun(ctx context.Context, r news.DigestRun) error {
	ids, err := jsonList(r.ArticleIDs)
	if err != nil {
		return fmt.Errorf("finish run %s %s: %w", r.ChannelID, r.Day, err)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE digest_runs SET status = $1, finished_at = $2, message_id = $3,
		since = $4, until = $5, article_ids = $6, error = $7
		WHERE channel_id = $8 AND day = $9 AND status = 'claimed' AND holder = $10`,
		string(r.Status), ms(r.FinishedAt), r.MessageID, ms(r.Since), ms(r.Until), ids, r.Error,
		r.ChannelID, r.Day, r.Holder)
	if err != nil {
		return fmt.Errorf("finish run %s %s: %w", r.ChannelID, r.Day, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("finish run %s %s: %w", r.ChannelID, r.Day, errNoClaim)
	}
	return nil
}

const runColumns = `channel_id, day, guild_id, status, scheduled_at, claimed_at, finished_at, message_id,
	since, until, article_ids, attempts, error, holder, lease_until`

// LastRun returns the channel's sent or empty run with the latest window
// end.
func (s *Store) LastRun(ctx context.Context, channelID string) (news.DigestRun, bool, error) {
	return s.runWhere(ctx, `channel_id = $1 AND status IN ('sent', 'empty') ORDER BY until DESC NULLS LAST LIMIT 1`, channelID)
}

// RunByMessage returns the run whose digest was posted as the message.
func (s *Store) RunByMessage(ctx context.Context, messageID string) (news.DigestRun, bool, error) {
	if messageID == "" {
		return news.DigestRun{}, false, nil
	}
	return s.runWhere(ctx, `message_id = $1 LIMIT 1`, messageID)
}

func (s *Store) runWhere(ctx context.Context, cond string, args ...any) (news.DigestRun, bool, error) {
	var (
		r                        news.DigestRun
		status                   string
		ids                      []byte
		scheduled, claimed       time.Time
		finished, since, untilAt *time.Time
		lease                    *time.Time
	)
	err := s.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM digest_runs WHERE `+cond, args...).Scan(
		&r.ChannelID, &r.Day, &r.GuildID, &status, &scheduled, &claimed, &finished, &r.MessageID,
		&since, &untilAt, &ids, &r.Attempts, &r.Error, &r.Holder, &lease)
	if errors.Is(err, pgx.ErrNoRows) {
		return news.DigestRun{}, false, nil
	}
	if err != nil {
		return news.DigestRun{}, false, fmt.Errorf("digest run: %w", err)
	}
	if err := json.Unmarshal(ids, &r.ArticleIDs); err != nil {
		return news.DigestRun{}, false, fmt.Errorf("digest run %s %s: article ids: %w", r.ChannelID, r.Day, err)
	}
	r.Status = news.RunStatus(status)
	r.ScheduledAt = scheduled.UTC()
	r.ClaimedAt = claimed.UTC()
	r.FinishedAt = fromTS(finished)
	r.Since = fromTS(since)
	r.Until = fromTS(untilAt)
	r.LeaseUntil = fromTS(lease)
	return r, true, nil
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
