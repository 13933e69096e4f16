package digest

import (
	"context"
	_ "embed" // zones.txt
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zones validate the same on hosts without a zone database
)

// Subscription is a channel's order for a daily digest. A channel has at
// most one subscription.
type Subscription struct {
	GuildID   string // the namespace whose articles the digest covers
	ChannelID string
	Hour      int    // local time of day, 0–23
	Minute    int    // 0–59
	Timezone  string // IANA name, e.g. "Europe/Paris"
	// Outlets and Topics filter the articles; empty means all.
	Outlets   []string
	Topics    []string
	CreatedBy string // user id, for the status display
	// CreatedAt is when the subscription was made or last changed; no
	// digest scheduled before it is delivered late.
	CreatedAt time.Time
}

// Errors returned for invalid subscriptions; the bot shows their text.
var (
	ErrBadTimezone = errors.New("digest: unknown time zone (use an IANA name such as Europe/Paris)")
	ErrBadTime     = errors.New("digest: time must be HH:MM on a 24-hour clock")
)

// Validate checks the subscription's fields.
func (s Subscription) Validate() error {
	var errs []error
	if s.GuildID == "" {
		errs = append(errs, errors.New("digest: guild is required"))
	}
	if s.ChannelID == "" {
		errs = append(errs, errors.New("digest: channel is required"))
	}
	if s.Hour < 0 || s.Hour > 23 || s.Minute < 0 || s.Minute > 59 {
		errs = append(errs, ErrBadTime)
	}
	if _, err := LoadTimezone(s.Timezone); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Clock returns the local time of day as HH:MM.
func (s Subscription) Clock() string { return fmt.Sprintf("%02d:%02d", s.Hour, s.Minute) }

// ParseClock reads a 24-hour time of day such as "07:30" or "7:30".
func ParseClock(s string) (hour, minute int, err error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(m) != 2 || len(h) < 1 || len(h) > 2 {
		return 0, 0, ErrBadTime
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return 0, 0, ErrBadTime
	}
	return hour, minute, nil
}

// zones.txt lists the zones of the IANA zone.tab, one per line, plus UTC.
//
//go:embed zones.txt
var zonesText string

// zones are the canonical IANA zone names, sorted.
var zones = strings.Fields(zonesText)

// LoadTimezone loads an IANA time zone by name, accepting any case. It
// refuses "Local" and names that are not in the IANA list (such as "EST5EDT"
// or a file path), so a subscription never depends on the host's settings.
func LoadTimezone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	i := slices.IndexFunc(zones, func(z string) bool { return strings.EqualFold(z, name) })
	if i < 0 {
		return nil, fmt.Errorf("%w: %q", ErrBadTimezone, name)
	}
	loc, err := time.LoadLocation(zones[i])
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrBadTimezone, name, err)
	}
	return loc, nil
}

// CanonicalTimezone returns the IANA spelling of a valid zone name.
func CanonicalTimezone(name string) (string, error) {
	loc, err := LoadTimezone(name)
	if err != nil {
		return "", err
	}
	return loc.String(), nil
}

// MatchTimezones returns up to limit zone names for autocompletion: those
// starting with the typed text first, then those containing it, ignoring
// case, with spaces read as underscores ("new york" finds America/New_York).
func MatchTimezones(typed string, limit int) []string {
	q := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(typed), " ", "_"))
	var prefix, contains []string
	for _, z := range zones {
		l := strings.ToLower(z)
		switch {
		case strings.HasPrefix(l, q):
			prefix = append(prefix, z)
		case strings.Contains(l, q):
			contains = append(contains, z)
		}
	}
	out := append(prefix, contains...)
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// RunStatus is the state of one day's delivery to one channel.
type RunStatus string

// States of a run. A run is claimed before anything is posted and finished
// as sent (with the message id), empty (nothing to post) or failed (nothing
// was posted; it may be claimed again).
const (
	RunClaimed RunStatus = "claimed"
	RunSent    RunStatus = "sent"
	RunEmpty   RunStatus = "empty"
	RunFailed  RunStatus = "failed"
)

// MaxAttempts bounds the claims of one run: a channel the bot can no
// longer post to (or a model that keeps failing) costs three attempts a
// day, not one per sweep.
const MaxAttempts = 3

// Run is one day's delivery of a subscription.
type Run struct {
	ChannelID string
	GuildID   string
	// Day is the local date (YYYY-MM-DD, in the subscription's zone) the
	// run belongs to: at most one run is sent per channel and day.
	Day         string
	Status      RunStatus
	ScheduledAt time.Time
	ClaimedAt   time.Time
	FinishedAt  time.Time
	MessageID   string // the digest message, when sent
	// Since and Until are the ingestion window the digest covered.
	Since, Until time.Time
	ArticleIDs   []string // the digest's cited articles, in source order
	Attempts     int      // claims so far
	Error        string   // why the last attempt failed, for status
}

// SubscriptionStore persists subscriptions.
type SubscriptionStore interface {
	// PutSubscription creates or replaces the channel's subscription.
	PutSubscription(ctx context.Context, s Subscription) error
	// DeleteSubscription removes the channel's subscription in the guild
	// and reports whether there was one.
	DeleteSubscription(ctx context.Context, guildID, channelID string) (bool, error)
	// ListSubscriptions returns the guild's subscriptions, or every
	// subscription when guildID is empty.
	ListSubscriptions(ctx context.Context, guildID string) ([]Subscription, error)
}

// RunStore records deliveries so each is made exactly once.
type RunStore interface {
	// ClaimRun atomically records r (status claimed, attempts 1) unless a
	// run for the same channel and day exists; a failed run with fewer than
	// MaxAttempts attempts is claimed again (attempts incremented). It
	// reports whether the caller now owns the run and may post.
	ClaimRun(ctx context.Context, r Run) (bool, error)
	// FinishRun records the outcome of a claimed run: status, finish time,
	// message id, window, article ids and error.
	FinishRun(ctx context.Context, r Run) error
	// LastRun returns the channel's latest sent or empty run.
	LastRun(ctx context.Context, channelID string) (Run, bool, error)
	// RunByMessage returns the run whose digest message has this id (the id
	// of its "Ask about this digest" thread too).
	RunByMessage(ctx context.Context, messageID string) (Run, bool, error)
}

// Store is what the scheduler persists to.
type Store interface {
	SubscriptionStore
	RunStore
}

// Next returns the subscription's first scheduled instant after t, or the
// zero time when its zone is invalid.
func (s Subscription) Next(t time.Time) time.Time {
	loc, err := LoadTimezone(s.Timezone)
	if err != nil {
		return time.Time{}
	}
	return nextOccurrence(s, loc, t)
}
