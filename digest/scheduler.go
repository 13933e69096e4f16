package digest

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
)

// Poster publishes a digest to a channel: for the bot, embeds within
// Discord's limits and an "Ask about this digest" thread. It is called with
// an empty digest only when [Options].PostEmpty is set, and then posts a
// one-line note.
type Poster interface {
	PostDigest(ctx context.Context, channelID string, d Digest) (messageID string, err error)
}

// Defaults applied to the zero values of [Options].
const (
	DefaultLateWindow    = 6 * time.Hour
	DefaultSweepInterval = 5 * time.Minute
	DefaultMaxLookback   = 7 * 24 * time.Hour
	DefaultLease         = 2 * time.Minute
	// finishTimeout bounds recording a run's outcome after the post, which
	// is done even when the caller's context is cancelled.
	finishTimeout = 10 * time.Second
	// fireSlack is how early a daily job may fire and still count for its
	// own day.
	fireSlack = time.Minute
)

// Options tune a [Scheduler]. The zero value is usable.
type Options struct {
	// Clock is the time source; nil means the real clock. Tests pass a
	// clockwork fake clock.
	Clock clockwork.Clock
	// LateWindow is how long after its time a missed digest (the bot was
	// down, or posting failed) is still delivered; 0 means
	// DefaultLateWindow. Later than that, the day is skipped.
	LateWindow time.Duration
	// SweepInterval is how often missed and failed runs are looked for
	// while running; 0 means DefaultSweepInterval, negative disables the
	// sweep (the check at Start still happens).
	SweepInterval time.Duration
	// MaxLookback bounds how far back "since the previous digest" reaches;
	// 0 means DefaultMaxLookback. Without a previous digest the window is
	// the last 24 hours.
	MaxLookback time.Duration
	// Lease is how long a claim on a day's run lasts unless renewed. The
	// scheduler renews it every third of Lease while it builds the digest,
	// renews it once more before posting and gives the post at most two
	// thirds of it; a process that dies holding a claim leaves the run to
	// whichever process claims it after the lease ran out. 0 means
	// DefaultLease.
	Lease time.Duration
	// Holder names this scheduler in its claims; empty means the host
	// name, the process id and a random suffix.
	Holder string
	// PostEmpty posts a one-line note on a day with nothing new; by default
	// such a day posts nothing.
	PostEmpty bool
	// Build tunes the digests; its Outlets and Topics are replaced by each
	// subscription's filters.
	Build BuildOptions
	// Log receives delivery events; nil discards them.
	Log *slog.Logger
}

// Scheduler keeps the subscriptions and delivers each one's digest once a
// day at its local time, with gocron. Delivery is once per channel and
// local day across every process sharing the store: the run is claimed in
// the store before posting, as a lease the scheduler renews while it
// works, and finished with the message id after, so a restart or a second
// process never posts the day again. A claim that was never finished (its
// process died while building or posting) is claimed again once its lease
// ran out; the digest's Delivery key makes the poster reuse the nonces of
// the first attempt, so Discord returns the messages that attempt may have
// posted rather than posting them twice. A failed build or post is
// retried by the sweep within LateWindow; MaxAttempts claims at most.
type Scheduler struct {
	store  Store
	src    Source
	poster Poster
	opts   Options
	clock  clockwork.Clock
	log    *slog.Logger
	cron   gocron.Scheduler
	holder string

	mu   sync.Mutex
	jobs map[string]gocron.Job // by channel id
}

// NewScheduler returns a stopped scheduler; call Start.
func NewScheduler(st Store, src Source, p Poster, o Options) (*Scheduler, error) {
	s := &Scheduler{store: st, src: src, poster: p, opts: o, jobs: map[string]gocron.Job{}}
	s.clock = o.Clock
	if s.clock == nil {
		s.clock = clockwork.NewRealClock()
	}
	s.log = o.Log
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.opts.LateWindow = cmp.Or(o.LateWindow, DefaultLateWindow)
	s.opts.SweepInterval = cmp.Or(o.SweepInterval, DefaultSweepInterval)
	s.opts.MaxLookback = cmp.Or(o.MaxLookback, DefaultMaxLookback)
	s.opts.Lease = cmp.Or(o.Lease, DefaultLease)
	s.holder = o.Holder
	if s.holder == "" {
		s.holder = defaultHolder()
	}
	c, err := gocron.NewScheduler(gocron.WithClock(s.clock), gocron.WithLocation(time.UTC))
	if err != nil {
		return nil, fmt.Errorf("new digest scheduler: %w", err)
	}
	s.cron = c
	return s, nil
}

// Start schedules every stored subscription, delivers the digests missed
// within LateWindow (before returning), and starts the clock-driven jobs.
func (s *Scheduler) Start(ctx context.Context) error {
	subs, err := s.store.ListSubscriptions(ctx, "")
	if err != nil {
		return fmt.Errorf("start digest scheduler: %w", err)
	}
	for _, sub := range subs {
		if err := s.schedule(sub); err != nil {
			// One broken row must not stop the others.
			s.log.Error("schedule digest", "err", err, "guild", sub.GuildID, "channel", sub.ChannelID)
		}
	}
	if s.opts.SweepInterval > 0 {
		_, err := s.cron.NewJob(gocron.DurationJob(s.opts.SweepInterval),
			gocron.NewTask(func(ctx context.Context) { s.CatchUp(ctx) }),
			gocron.WithName("digest sweep"), gocron.WithSingletonMode(gocron.LimitModeReschedule))
		if err != nil {
			return fmt.Errorf("start digest scheduler: sweep: %w", err)
		}
	}
	s.CatchUp(ctx)
	s.cron.Start()
	return nil
}

// Stop stops the jobs and waits for running deliveries to end.
func (s *Scheduler) Stop() error {
	if err := s.cron.Shutdown(); err != nil {
		return fmt.Errorf("stop digest scheduler: %w", err)
	}
	return nil
}

// schedule (re)creates the daily job of a subscription.
func (s *Scheduler) schedule(sub Subscription) error {
	loc, err := LoadTimezone(sub.Timezone)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if j, ok := s.jobs[sub.ChannelID]; ok {
		if err := s.cron.RemoveJob(j.ID()); err != nil && !errors.Is(err, gocron.ErrJobNotFound) {
			return fmt.Errorf("replace digest job: %w", err)
		}
		delete(s.jobs, sub.ChannelID)
	}
	spec := fmt.Sprintf("CRON_TZ=%s %d %d * * *", loc.String(), sub.Minute, sub.Hour)
	j, err := s.cron.NewJob(gocron.CronJob(spec, false),
		gocron.NewTask(func(ctx context.Context) {
			// Take the occurrence from the clock, not from gocron, so a
			// job that fires late still belongs to its day; the minute of
			// slack keeps a timer that fires a little early (clock
			// adjustments) on its own day rather than the day before.
			at, _ := lastOccurrence(sub, loc, s.clock.Now().Add(fireSlack))
			if _, err := s.Deliver(ctx, sub, at); err != nil {
				s.log.Error("deliver digest", "err", err, "guild", sub.GuildID, "channel", sub.ChannelID)
			}
		}),
		gocron.WithName("digest "+sub.ChannelID),
		gocron.WithTags(sub.ChannelID),
		gocron.WithCronImplementation(dailyAt{sub: sub, loc: loc}),
	)
	if err != nil {
		return fmt.Errorf("schedule digest %q: %w", spec, err)
	}
	s.jobs[sub.ChannelID] = j
	return nil
}

// NextRun returns when the channel's digest job fires next.
func (s *Scheduler) NextRun(channelID string) (time.Time, error) {
	s.mu.Lock()
	j, ok := s.jobs[channelID]
	s.mu.Unlock()
	if !ok {
		return time.Time{}, fmt.Errorf("next digest run: channel %q has no subscription", channelID)
	}
	t, err := j.NextRun()
	if err != nil {
		return time.Time{}, fmt.Errorf("next digest run: %w", err)
	}
	return t, nil
}

// CatchUp delivers every subscription whose latest scheduled time passed
// less than LateWindow ago and whose run for that day is not claimed yet
// (or failed). Start calls it, and so does the periodic sweep.
func (s *Scheduler) CatchUp(ctx context.Context) {
	subs, err := s.store.ListSubscriptions(ctx, "")
	if err != nil {
		s.log.Error("digest catch-up", "err", err)
		return
	}
	now := s.clock.Now()
	for _, sub := range subs {
		loc, err := LoadTimezone(sub.Timezone)
		if err != nil {
			continue
		}
		at, _ := lastOccurrence(sub, loc, now)
		if now.Sub(at) > s.opts.LateWindow || at.Before(sub.CreatedAt) {
			continue
		}
		if _, err := s.Deliver(ctx, sub, at); err != nil {
			s.log.Error("deliver digest late", "err", err, "guild", sub.GuildID, "channel", sub.ChannelID)
		}
	}
}

// Outcome says what a delivery did.
type Outcome int

// Outcomes of [Scheduler.Deliver].
const (
	// Skipped: the day's run was already claimed (sent, empty, or in flight
	// elsewhere), or another process took it over while this one built
	// the digest; nothing was posted.
	Skipped Outcome = iota
	// Sent: the digest (or the empty-day note) was posted.
	Sent
	// NothingNew: the window had no articles and PostEmpty is off.
	NothingNew
	// Failed: building or posting failed; the run may be retried.
	Failed
)

// Deliver claims the subscription's run for the local day of scheduled,
// builds the digest of the articles ingested since the previous digest (or
// the last 24 hours) and posts it. It returns Skipped without posting when
// the day's run is already claimed, or was taken over meanwhile.
func (s *Scheduler) Deliver(ctx context.Context, sub Subscription, scheduled time.Time) (Outcome, error) {
	loc, err := LoadTimezone(sub.Timezone)
	if err != nil {
		return Failed, fmt.Errorf("deliver digest: %w", err)
	}
	now := s.clock.Now()
	r := Run{
		ChannelID:   sub.ChannelID,
		GuildID:     sub.GuildID,
		Day:         scheduled.In(loc).Format(time.DateOnly),
		Status:      RunClaimed,
		ScheduledAt: scheduled,
		ClaimedAt:   now,
		Attempts:    1,
		Holder:      s.holder,
		LeaseUntil:  now.Add(s.opts.Lease),
	}
	ok, err := s.store.ClaimRun(ctx, r)
	if err != nil {
		return Failed, fmt.Errorf("deliver digest: claim %s: %w", r.Day, err)
	}
	if !ok {
		return Skipped, nil
	}
	log := s.log.With("guild", sub.GuildID, "channel", sub.ChannelID, "day", r.Day)
	bctx, release := s.hold(ctx, r, log)
	r.Since, r.Until = s.window(bctx, sub.ChannelID, now)
	bo := s.opts.Build
	bo.Outlets, bo.Topics = sub.Outlets, sub.Topics
	if bo.Log == nil {
		bo.Log = log
	}
	d, err := Build(bctx, s.src, sub.GuildID, r.Since, r.Until, bo)
	if lost := release(); lost {
		log.Warn("digest taken over by another process")
		return Skipped, nil
	}
	if err != nil {
		return Failed, s.fail(ctx, r, fmt.Errorf("deliver digest: %w", err))
	}
	if d.Empty() && !s.opts.PostEmpty {
		r.Status = RunEmpty
		r.FinishedAt = s.clock.Now()
		if err := s.finish(ctx, r); err != nil {
			return NothingNew, err
		}
		log.Info("digest nothing new")
		return NothingNew, nil
	}
	// A fresh lease for the post, which must end well within it.
	r.LeaseUntil = s.clock.Now().Add(s.opts.Lease)
	held, err := s.store.RenewRun(ctx, r)
	if err != nil {
		return Failed, s.fail(ctx, r, fmt.Errorf("deliver digest: renew claim: %w", err))
	}
	if !held {
		log.Warn("digest taken over by another process")
		return Skipped, nil
	}
	d.Delivery = sub.GuildID + "/" + sub.ChannelID + "/" + r.Day
	pctx, cancel := context.WithTimeout(ctx, s.opts.Lease*2/3)
	id, err := s.poster.PostDigest(pctx, sub.ChannelID, d)
	cancel()
	if err != nil {
		return Failed, s.fail(ctx, r, fmt.Errorf("deliver digest: post: %w", err))
	}
	r.Status, r.MessageID, r.ArticleIDs, r.FinishedAt = RunSent, id, d.ArticleIDs(), s.clock.Now()
	if err := s.finish(ctx, r); err != nil {
		// Posted but not recorded: the claim runs out and the run may be
		// claimed again, when the Delivery nonces make Discord return
		// these messages (for a few minutes) rather than post them twice.
		return Sent, err
	}
	log.Info("digest sent", "message", id, "stories", len(d.Stories), "articles", d.Articles)
	return Sent, nil
}

// hold renews the claim on r every third of the lease while the digest is
// built, and cancels the returned context when another process took the
// run over (the lease ran out while this one could not renew it). release
// stops the renewals and reports whether the run was lost.
func (s *Scheduler) hold(ctx context.Context, r Run, log *slog.Logger) (context.Context, func() (lost bool)) {
	hctx, cancel := context.WithCancel(ctx)
	var gone atomic.Bool
	stop, done := make(chan struct{}), make(chan struct{})
	tick := s.clock.NewTicker(s.opts.Lease / 3)
	go func() {
		defer close(done)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-hctx.Done():
				return
			case <-tick.Chan():
			}
			r.LeaseUntil = s.clock.Now().Add(s.opts.Lease)
			held, err := s.store.RenewRun(hctx, r)
			if err != nil {
				// The claim may still be ours: the renewal before the
				// post tells.
				log.Warn("renew digest claim", "err", err)
				continue
			}
			if !held {
				gone.Store(true)
				cancel()
				return
			}
		}
	}()
	return hctx, func() bool {
		close(stop)
		<-done
		cancel()
		return gone.Load()
	}
}

// defaultHolder names this process in its claims: host, process id and a
// random suffix (a restarted container keeps its host name and pid).
func defaultHolder() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// window is the ingestion window of a digest made now: since the previous
// digest (at most MaxLookback ago), else the last 24 hours.
func (s *Scheduler) window(ctx context.Context, channelID string, now time.Time) (since, until time.Time) {
	since = now.Add(-24 * time.Hour)
	last, ok, err := s.store.LastRun(ctx, channelID)
	if err != nil {
		s.log.Warn("digest last run", "err", err, "channel", channelID)
		return since, now
	}
	if ok && last.Until.Before(now) && !last.Until.Before(now.Add(-s.opts.MaxLookback)) {
		since = last.Until
	}
	return since, now
}

// fail records a failed run, so a later sweep may claim it again, and
// returns cause.
func (s *Scheduler) fail(ctx context.Context, r Run, cause error) error {
	r.Status, r.FinishedAt, r.Error = RunFailed, s.clock.Now(), cause.Error()
	if err := s.finish(ctx, r); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

// finish records a run's outcome even when ctx was cancelled meanwhile.
func (s *Scheduler) finish(ctx context.Context, r Run) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	if err := s.store.FinishRun(ctx, r); err != nil {
		return fmt.Errorf("finish digest run %s %s: %w", r.ChannelID, r.Day, err)
	}
	return nil
}

// occurrence is the instant of a subscription's time of day on a local
// date. A time skipped by a spring-forward change moves forward by the gap
// (02:30 becomes 03:30 when clocks jump from 02:00 to 03:00, like gocron's
// run-after-transition policy); a repeated time takes its first instance.
func occurrence(sub Subscription, loc *time.Location, y int, m time.Month, d int) time.Time {
	t := time.Date(y, m, d, sub.Hour, sub.Minute, 0, 0, loc)
	if t.Hour() != sub.Hour || t.Minute() != sub.Minute {
		off := time.Duration(sub.Hour-t.Hour())*time.Hour + time.Duration(sub.Minute-t.Minute())*time.Minute
		if off > 0 {
			t = t.Add(off)
		}
	}
	return t
}

// lastOccurrence returns the latest scheduled instant at or before now and
// its local date.
func lastOccurrence(sub Subscription, loc *time.Location, now time.Time) (time.Time, string) {
	local := now.In(loc)
	for back := 0; back <= 2; back++ {
		day := time.Date(local.Year(), local.Month(), local.Day()-back, 12, 0, 0, 0, loc)
		t := occurrence(sub, loc, day.Year(), day.Month(), day.Day())
		if !t.After(now) {
			return t, day.Format(time.DateOnly)
		}
	}
	panic("unreachable: a day has passed")
}

// dailyAt is the gocron schedule of a subscription: its time of day in its
// own zone. gocron's own cron rule handles a time in a spring-forward gap
// in the scheduler's zone only, and one scheduler serves every zone, so the
// next instant comes from nextOccurrence, the rule the catch-up uses too.
type dailyAt struct {
	sub Subscription
	loc *time.Location
}

// IsValid implements gocron.Cron; the subscription was validated already.
func (dailyAt) IsValid(string, *time.Location, time.Time) error { return nil }

// Next implements gocron.Cron.
func (d dailyAt) Next(last time.Time) time.Time { return nextOccurrence(d.sub, d.loc, last) }

// nextOccurrence returns the first scheduled instant after now.
func nextOccurrence(sub Subscription, loc *time.Location, now time.Time) time.Time {
	local := now.In(loc)
	for ahead := 0; ; ahead++ {
		day := time.Date(local.Year(), local.Month(), local.Day()+ahead, 12, 0, 0, 0, loc)
		if t := occurrence(sub, loc, day.Year(), day.Month(), day.Day()); t.After(now) {
			return t
		}
	}
}
