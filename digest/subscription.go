package digest

import (
	_ "embed" // zones.txt
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zones validate the same on hosts without a zone database

	"github.com/gazettebot/gazette/news"
)

// Subscription is a channel's order for a daily digest. A channel has at
// most one subscription.
type Subscription = news.Subscription

// Errors returned for invalid subscriptions; the bot shows their text.
var (
	ErrBadTimezone = errors.New("digest: unknown time zone (use an IANA name such as Europe/Paris)")
	ErrBadTime     = errors.New("digest: time must be HH:MM on a 24-hour clock")
)

// Validate checks a subscription's fields.
func Validate(s Subscription) error {
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
type RunStatus = news.RunStatus

// States of a run. A run is claimed before anything is posted and finished
// as sent (with the message id), empty (nothing to post) or failed (nothing
// was posted; it may be claimed again).
const (
	RunClaimed = news.RunClaimed
	RunSent    = news.RunSent
	RunEmpty   = news.RunEmpty
	RunFailed  = news.RunFailed
)

// MaxAttempts bounds the claims of one run (see [news.MaxRunAttempts]).
const MaxAttempts = news.MaxRunAttempts

// Run is one day's delivery of a subscription.
type Run = news.DigestRun

// Store is what the scheduler persists subscriptions and runs to: the
// digest part of the storage contract.
type Store = news.DigestStore

// Next returns the subscription's first scheduled instant after t, or the
// zero time when its zone is invalid.
func Next(s Subscription, t time.Time) time.Time {
	loc, err := LoadTimezone(s.Timezone)
	if err != nil {
		return time.Time{}
	}
	return nextOccurrence(s, loc, t)
}
