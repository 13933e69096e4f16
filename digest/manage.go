package digest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Subscribe validates and stores the channel's subscription (replacing any
// previous one) and schedules it. The time zone is stored in its IANA
// spelling and CreatedAt is set to now.
func (s *Scheduler) Subscribe(ctx context.Context, sub Subscription) (Subscription, error) {
	if tz, err := CanonicalTimezone(sub.Timezone); err == nil {
		sub.Timezone = tz
	}
	if err := Validate(sub); err != nil {
		return Subscription{}, err
	}
	sub.Outlets = cleanList(sub.Outlets)
	sub.Topics = cleanList(sub.Topics)
	sub.CreatedAt = s.clock.Now()
	if err := s.store.PutSubscription(ctx, sub); err != nil {
		return Subscription{}, fmt.Errorf("subscribe: %w", err)
	}
	if err := s.schedule(sub); err != nil {
		return Subscription{}, fmt.Errorf("subscribe: %w", err)
	}
	return sub, nil
}

// Unsubscribe removes the channel's subscription and its job, and reports
// whether there was one.
func (s *Scheduler) Unsubscribe(ctx context.Context, guildID, channelID string) (bool, error) {
	ok, err := s.store.DeleteSubscription(ctx, guildID, channelID)
	if err != nil {
		return false, fmt.Errorf("unsubscribe: %w", err)
	}
	if !ok {
		return false, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if j, found := s.jobs[channelID]; found {
		if err := s.cron.RemoveJob(j.ID()); err != nil {
			s.log.Warn("remove digest job", "err", err, "channel", channelID)
		}
		delete(s.jobs, channelID)
	}
	return true, nil
}

// Status is a subscription with its next and latest delivery.
type Status struct {
	Subscription Subscription
	Next         time.Time // the next scheduled instant
	Last         Run       // the latest sent or empty run
	HasLast      bool
}

// Status returns the guild's subscriptions, ordered by channel.
func (s *Scheduler) Status(ctx context.Context, guildID string) ([]Status, error) {
	subs, err := s.store.ListSubscriptions(ctx, guildID)
	if err != nil {
		return nil, fmt.Errorf("digest status: %w", err)
	}
	slices.SortFunc(subs, func(a, b Subscription) int { return strings.Compare(a.ChannelID, b.ChannelID) })
	now := s.clock.Now()
	out := make([]Status, 0, len(subs))
	for _, sub := range subs {
		st := Status{Subscription: sub}
		if loc, err := LoadTimezone(sub.Timezone); err == nil {
			st.Next = nextOccurrence(sub, loc, now)
		}
		st.Last, st.HasLast, err = s.store.LastRun(ctx, sub.ChannelID)
		if err != nil {
			return nil, fmt.Errorf("digest status: %w", err)
		}
		out = append(out, st)
	}
	return out, nil
}

// Preview builds, without posting or recording anything, the digest the
// channel would receive now: with its subscription's filters when it has
// one, over the window since its previous digest (or the last 24 hours).
func (s *Scheduler) Preview(ctx context.Context, guildID, channelID string) (Digest, error) {
	subs, err := s.store.ListSubscriptions(ctx, guildID)
	if err != nil {
		return Digest{}, fmt.Errorf("preview digest: %w", err)
	}
	bo := s.opts.Build
	bo.Outlets, bo.Topics = nil, nil
	if i := slices.IndexFunc(subs, func(x Subscription) bool { return x.ChannelID == channelID }); i >= 0 {
		bo.Outlets, bo.Topics = subs[i].Outlets, subs[i].Topics
	}
	since, until := s.window(ctx, channelID, s.clock.Now())
	d, err := Build(ctx, s.src, guildID, since, until, bo)
	if err != nil {
		return Digest{}, fmt.Errorf("preview digest: %w", err)
	}
	return d, nil
}

// ErrNoRun means no digest message has the given id.
var ErrNoRun = errors.New("digest: no digest with this message")

// ArticlesOf returns the cited article ids of the digest posted as the
// given message; a digest's thread has the message's id, so the bot
// answers questions in it with these articles preferred.
func (s *Scheduler) ArticlesOf(ctx context.Context, messageID string) ([]string, error) {
	r, ok, err := s.store.RunByMessage(ctx, messageID)
	if err != nil {
		return nil, fmt.Errorf("digest articles: %w", err)
	}
	if !ok {
		return nil, ErrNoRun
	}
	return r.ArticleIDs, nil
}

// cleanList trims, drops empty and duplicate (case-insensitive) entries.
func cleanList(in []string) []string {
	var out []string
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, v) }) {
			out = append(out, v)
		}
	}
	return out
}
