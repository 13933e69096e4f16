package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"

	"github.com/gazettebot/gazette/news"
)

// post is one call of the fake poster.
type post struct {
	channel string
	at      time.Time // the fake clock's time at posting
	digest  Digest
}

// fakePoster records posts and sends each on a channel; it fails the
// first failures calls.
type fakePoster struct {
	clock    clockwork.Clock
	posted   chan post
	mu       sync.Mutex
	all      []post
	failures int
}

func newFakePoster(clock clockwork.Clock) *fakePoster {
	return &fakePoster{clock: clock, posted: make(chan post, 100)}
}

func (f *fakePoster) PostDigest(_ context.Context, channelID string, d Digest) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failures > 0 {
		f.failures--
		return "", errors.New("discord is down")
	}
	p := post{channel: channelID, at: f.clock.Now(), digest: d}
	f.all = append(f.all, p)
	f.posted <- p
	return fmt.Sprintf("m%d", len(f.all)), nil
}

func (f *fakePoster) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.all)
}

// waitPost returns the next post, failing the test if none comes; the
// bound only guards against a hang.
func waitPost(t *testing.T, p *fakePoster) post {
	t.Helper()
	select {
	case got := <-p.posted:
		return got
	case <-time.After(10 * time.Second):
		t.Fatal("no digest was posted")
		return post{}
	}
}

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// newTestScheduler starts a scheduler on store, with the sweep off.
func newTestScheduler(t *testing.T, st memStore, src Source, p Poster, clock clockwork.Clock, o Options) *Scheduler {
	t.Helper()
	o.Clock = clock
	o.Log = slog.New(slog.DiscardHandler)
	if o.SweepInterval == 0 {
		o.SweepInterval = -1
	}
	s, err := NewScheduler(st, src, p, o)
	if err != nil {
		t.Fatalf("NewScheduler() error = %v", err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatalf("Start() error = %v", err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	return s
}

// advanceTo waits until the scheduler has armed timers timers, checks that
// the channel's job fires next at want, and moves the clock there.
func advanceTo(t *testing.T, s *Scheduler, clock *clockwork.FakeClock, timers int, channelID string, want time.Time) {
	t.Helper()
	if err := clock.BlockUntilContext(t.Context(), timers); err != nil {
		t.Fatal(err)
	}
	next, err := s.NextRun(channelID)
	if err != nil {
		t.Fatalf("NextRun() error = %v", err)
	}
	if !next.Equal(want) {
		t.Fatalf("NextRun(%s) = %v, want %v", channelID, next.UTC(), want)
	}
	clock.Advance(want.Sub(clock.Now()))
}

func TestSchedulerFiresAtLocalTimeAcrossDST(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tz    string
		start time.Time
		hour  int
		min   int
		want  []time.Time
		days  []string
	}{
		{
			// Clocks spring forward on Sunday 8 March 2026: 08:00 is 13:00
			// UTC before and 12:00 UTC after.
			name: "new york spring forward", tz: "America/New_York", start: utc(2026, 3, 6, 14, 0), hour: 8,
			want: []time.Time{utc(2026, 3, 7, 13, 0), utc(2026, 3, 8, 12, 0), utc(2026, 3, 9, 12, 0)},
			days: []string{"2026-03-07", "2026-03-08", "2026-03-09"},
		},
		{
			// Clocks fall back on Sunday 25 October 2026 at 03:00 CEST.
			name: "paris fall back", tz: "Europe/Paris", start: utc(2026, 10, 23, 12, 0), hour: 7, min: 30,
			want: []time.Time{utc(2026, 10, 24, 5, 30), utc(2026, 10, 25, 6, 30), utc(2026, 10, 26, 6, 30)},
			days: []string{"2026-10-24", "2026-10-25", "2026-10-26"},
		},
		{
			// 02:30 does not exist on 29 March 2026 in Paris: that day's
			// digest goes out at 03:30 CEST, the others at 02:30 local.
			name: "paris time in the gap", tz: "Europe/Paris", start: utc(2026, 3, 27, 12, 0), hour: 2, min: 30,
			want: []time.Time{utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)},
			days: []string{"2026-03-28", "2026-03-29", "2026-03-30"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := clockwork.NewFakeClockAt(tc.start)
			st := newMemStore()
			sub := Subscription{GuildID: "g1", ChannelID: "c1", Hour: tc.hour, Minute: tc.min, Timezone: tc.tz, CreatedAt: tc.start}
			if err := st.PutSubscription(t.Context(), sub); err != nil {
				t.Fatal(err)
			}
			p := newFakePoster(clock)
			s := newTestScheduler(t, st, &fakeSource{}, p, clock, Options{PostEmpty: true})
			for i, want := range tc.want {
				advanceTo(t, s, clock, 1, "c1", want)
				got := waitPost(t, p)
				if !got.at.Equal(want) || got.channel != "c1" {
					t.Errorf("post %d at %v in %s, want %v in c1", i, got.at.UTC(), got.channel, want)
				}
				r, ok := st.run("c1", tc.days[i])
				if !ok || !r.ScheduledAt.Equal(want) {
					t.Errorf("run for %s = %+v, %v; want scheduled at %v", tc.days[i], r, ok, want)
				}
			}
			if got := p.count(); got != len(tc.want) {
				t.Errorf("posts = %d, want %d", got, len(tc.want))
			}
		})
	}
}

func TestSchedulerTwoZones(t *testing.T) {
	start := utc(2026, 6, 1, 0, 0)
	clock := clockwork.NewFakeClockAt(start)
	st := newMemStore()
	p := newFakePoster(clock)
	s := newTestScheduler(t, st, &fakeSource{}, p, clock, Options{PostEmpty: true})
	// Subscribe through the scheduler, as the bot does: the zone's case is
	// corrected and the job scheduled at once.
	for _, sub := range []Subscription{
		{GuildID: "g1", ChannelID: "tokyo", Hour: 7, Timezone: "asia/tokyo"},
		{GuildID: "g2", ChannelID: "la", Hour: 7, Timezone: "America/Los_Angeles"},
	} {
		if _, err := s.Subscribe(t.Context(), sub); err != nil {
			t.Fatalf("Subscribe() error = %v", err)
		}
	}
	// 07:00 JST is 22:00 UTC the day before; 07:00 PDT is 14:00 UTC.
	advanceTo(t, s, clock, 2, "la", utc(2026, 6, 1, 14, 0))
	if got := waitPost(t, p); got.channel != "la" {
		t.Errorf("first post in %s, want la", got.channel)
	}
	st.waitFinished(t)
	advanceTo(t, s, clock, 2, "tokyo", utc(2026, 6, 1, 22, 0))
	if got := waitPost(t, p); got.channel != "tokyo" {
		t.Errorf("second post in %s, want tokyo", got.channel)
	}
	st.waitFinished(t)
	if _, ok := st.run("tokyo", "2026-06-02"); !ok {
		t.Error("tokyo run not recorded under its local date 2026-06-02")
	}
	if _, ok := st.run("la", "2026-06-01"); !ok {
		t.Error("la run not recorded under its local date 2026-06-01")
	}
	statuses, err := s.Status(t.Context(), "g1")
	if err != nil {
		t.Fatalf("Status() error = %v", err)
	}
	if len(statuses) != 1 || !statuses[0].HasLast || statuses[0].Last.MessageID != "m2" || !statuses[0].Next.Equal(utc(2026, 6, 2, 22, 0)) {
		t.Errorf("Status() = %+v", statuses)
	}
}

// articlesAt is a source with one article ingested at each time.
func articlesAt(times ...time.Time) *fakeSource {
	f := &fakeSource{chunks: map[string][]news.Chunk{}}
	for i, at := range times {
		f.arts = append(f.arts, news.Article{
			Namespace: "g1", ID: fmt.Sprintf("art%d", i), Title: fmt.Sprintf("Event number %d happens", i),
			Outlet: "Wire", IngestedAt: at, PublishedAt: at,
			Body: fmt.Sprintf("Officials in Town%d said on Monday that event number %d had happened after a long wait.", i, i),
		})
	}
	return f
}

func TestSchedulerRestartJustAfterPosting(t *testing.T) {
	start := utc(2026, 5, 4, 6, 0)
	clock := clockwork.NewFakeClockAt(start)
	st := newMemStore()
	sub := Subscription{GuildID: "g1", ChannelID: "c1", Hour: 8, Timezone: "UTC", CreatedAt: start.Add(-72 * time.Hour)}
	_ = st.PutSubscription(t.Context(), sub)
	src := articlesAt(start.Add(-time.Hour), start.Add(-30*time.Hour))
	p := newFakePoster(clock)
	s := newTestScheduler(t, st, src, p, clock, Options{})
	advanceTo(t, s, clock, 1, "c1", utc(2026, 5, 4, 8, 0))
	got := waitPost(t, p)
	st.waitFinished(t)
	// No previous digest: the last 24 hours only.
	if diff := cmp.Diff([]string{"art0"}, got.digest.ArticleIDs()); diff != "" {
		t.Errorf("articles mismatch (-want +got):\n%s", diff)
	}
	if err := clock.BlockUntilContext(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	r, _ := st.run("c1", "2026-05-04")
	if r.Status != RunSent || r.MessageID != "m1" {
		t.Errorf("run = %+v, want sent as m1", r)
	}

	// A minute later the bot restarts: the catch-up at Start finds the
	// day's run sent and posts nothing.
	clock.Advance(time.Minute)
	newTestScheduler(t, st, src, p, clock, Options{})
	if got := p.count(); got != 1 {
		t.Errorf("posts after restart = %d, want 1", got)
	}
	ids, err := s.ArticlesOf(t.Context(), "m1")
	if err != nil || !cmp.Equal(ids, []string{"art0"}) {
		t.Errorf("ArticlesOf(m1) = %v, %v; want [art0]", ids, err)
	}
}

func TestSchedulerRestartAfterMissedWindow(t *testing.T) {
	sched := utc(2026, 5, 4, 8, 0)
	for _, tc := range []struct {
		name      string
		restartAt time.Time
		wantPosts int
	}{
		{name: "within the late window", restartAt: sched.Add(2 * time.Hour), wantPosts: 1},
		{name: "past the late window", restartAt: sched.Add(7 * time.Hour), wantPosts: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := clockwork.NewFakeClockAt(tc.restartAt)
			st := newMemStore()
			// The previous digest went out the day before.
			_, _ = st.ClaimRun(t.Context(), Run{ChannelID: "c1", Day: "2026-05-03"})
			_ = st.FinishRun(t.Context(), Run{ChannelID: "c1", Day: "2026-05-03", Status: RunSent, MessageID: "old", Until: sched.Add(-24 * time.Hour)})
			_ = st.PutSubscription(t.Context(), Subscription{GuildID: "g1", ChannelID: "c1", Hour: 8, Timezone: "UTC", CreatedAt: sched.Add(-72 * time.Hour)})
			src := articlesAt(sched.Add(-26*time.Hour), sched.Add(-20*time.Hour), sched.Add(time.Hour))
			p := newFakePoster(clock)
			s := newTestScheduler(t, st, src, p, clock, Options{LateWindow: 6 * time.Hour})
			if got := p.count(); got != tc.wantPosts {
				t.Fatalf("posts after restart = %d, want %d", got, tc.wantPosts)
			}
			if tc.wantPosts == 1 {
				got := <-p.posted
				if !got.at.Equal(tc.restartAt) {
					t.Errorf("posted at %v, want %v", got.at, tc.restartAt)
				}
				// Since the previous digest, up to the late post.
				if diff := cmp.Diff([]string{"art2", "art1"}, got.digest.ArticleIDs()); diff != "" {
					t.Errorf("articles mismatch (-want +got):\n%s", diff)
				}
			}
			// A second restart (or a sweep) does not post again.
			s.CatchUp(t.Context())
			newTestScheduler(t, st, src, p, clock, Options{LateWindow: 6 * time.Hour})
			if got := p.count(); got != tc.wantPosts {
				t.Errorf("posts after second restart = %d, want %d", got, tc.wantPosts)
			}
		})
	}
}

func TestSchedulerEmptyDay(t *testing.T) {
	for _, tc := range []struct {
		name       string
		postEmpty  bool
		wantPosts  int
		wantStatus RunStatus
	}{
		{name: "silent", wantPosts: 0, wantStatus: RunEmpty},
		{name: "note", postEmpty: true, wantPosts: 1, wantStatus: RunSent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := utc(2026, 5, 4, 8, 0)
			clock := clockwork.NewFakeClockAt(at)
			st := newMemStore()
			p := newFakePoster(clock)
			s, err := NewScheduler(st, articlesAt(at.Add(-48*time.Hour)), p, Options{Clock: clock, PostEmpty: tc.postEmpty})
			if err != nil {
				t.Fatal(err)
			}
			sub := Subscription{GuildID: "g1", ChannelID: "c1", Hour: 8, Timezone: "UTC"}
			got, err := s.Deliver(t.Context(), sub, at)
			if err != nil {
				t.Fatalf("Deliver() error = %v", err)
			}
			want := NothingNew
			if tc.postEmpty {
				want = Sent
			}
			if got != want {
				t.Errorf("Deliver() = %v, want %v", got, want)
			}
			if p.count() != tc.wantPosts {
				t.Errorf("posts = %d, want %d", p.count(), tc.wantPosts)
			}
			if tc.wantPosts == 1 && !(<-p.posted).digest.Empty() {
				t.Error("posted digest is not empty")
			}
			if r, _ := st.run("c1", "2026-05-04"); r.Status != tc.wantStatus {
				t.Errorf("run status = %q, want %q", r.Status, tc.wantStatus)
			}
			if got, _ := s.Deliver(t.Context(), sub, at); got != Skipped {
				t.Errorf("second Deliver() = %v, want Skipped", got)
			}
		})
	}
}

func TestSchedulerRetriesFailedPost(t *testing.T) {
	at := utc(2026, 5, 4, 8, 0)
	clock := clockwork.NewFakeClockAt(at)
	st := newMemStore()
	_ = st.PutSubscription(t.Context(), Subscription{GuildID: "g1", ChannelID: "c1", Hour: 8, Timezone: "UTC", CreatedAt: at.Add(-time.Hour)})
	p := newFakePoster(clock)
	p.failures = 1
	s := newTestScheduler(t, st, articlesAt(at.Add(-time.Hour)), p, clock, Options{})
	if r, _ := st.run("c1", "2026-05-04"); r.Status != RunFailed || r.Error == "" {
		t.Fatalf("run after failed post = %+v, want failed with an error", r)
	}
	clock.Advance(5 * time.Minute)
	s.CatchUp(t.Context())
	s.CatchUp(t.Context())
	if p.count() != 1 {
		t.Errorf("posts = %d, want 1", p.count())
	}
	if r, _ := st.run("c1", "2026-05-04"); r.Status != RunSent || r.Attempts != 2 {
		t.Errorf("run = %+v, want sent on attempt 2", r)
	}
}

func TestSchedulerClaimedRunIsNotPostedAgain(t *testing.T) {
	// A claim that never expires (made before claims were leases) is left
	// alone: its post may have reached Discord.
	at := utc(2026, 5, 4, 8, 0)
	clock := clockwork.NewFakeClockAt(at.Add(time.Hour))
	st := newMemStore()
	_, _ = st.ClaimRun(t.Context(), Run{ChannelID: "c1", Day: "2026-05-04"})
	_ = st.PutSubscription(t.Context(), Subscription{GuildID: "g1", ChannelID: "c1", Hour: 8, Timezone: "UTC", CreatedAt: at.Add(-time.Hour)})
	p := newFakePoster(clock)
	newTestScheduler(t, st, articlesAt(at.Add(-time.Hour)), p, clock, Options{})
	if p.count() != 0 {
		t.Errorf("posts = %d, want 0", p.count())
	}
}

func TestSchedulerTakesOverExpiredClaim(t *testing.T) {
	// Another process claimed the run at 08:00 and died: its claim is
	// left alone while its lease lasts, and taken over after.
	at := utc(2026, 5, 4, 8, 0)
	clock := clockwork.NewFakeClockAt(at.Add(time.Minute))
	st := newMemStore()
	dead := Run{ChannelID: "c1", GuildID: "g1", Day: "2026-05-04", ClaimedAt: at, Holder: "dead", LeaseUntil: at.Add(2 * time.Minute)}
	if ok, _ := st.ClaimRun(t.Context(), dead); !ok {
		t.Fatal("ClaimRun() = false")
	}
	_ = st.PutSubscription(t.Context(), Subscription{GuildID: "g1", ChannelID: "c1", Hour: 8, Timezone: "UTC", CreatedAt: at.Add(-time.Hour)})
	p := newFakePoster(clock)
	s := newTestScheduler(t, st, articlesAt(at.Add(-time.Hour)), p, clock, Options{Lease: 2 * time.Minute, Holder: "alive"})
	if p.count() != 0 {
		t.Fatalf("posts while the claim's lease lasts = %d, want 0", p.count())
	}
	clock.Advance(time.Minute)
	s.CatchUp(t.Context())
	got := waitPost(t, p)
	if got.digest.Delivery != "g1/c1/2026-05-04" {
		t.Errorf("Delivery = %q, want g1/c1/2026-05-04", got.digest.Delivery)
	}
	r, _ := st.run("c1", "2026-05-04")
	if r.Status != RunSent || r.Attempts != 2 || r.Holder != "alive" {
		t.Errorf("run = %+v, want sent by alive on attempt 2", r)
	}
	s.CatchUp(t.Context())
	if p.count() != 1 {
		t.Errorf("posts = %d, want 1", p.count())
	}
}

// gatedSource blocks its first read until open is closed, and signals
// entered when the read starts.
type gatedSource struct {
	*fakeSource
	entered, open chan struct{}
	once          sync.Once
}

func (g *gatedSource) IngestedBetween(ctx context.Context, ns string, since, until time.Time) ([]news.Article, error) {
	g.once.Do(func() {
		close(g.entered)
		select {
		case <-g.open:
		case <-ctx.Done():
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return g.fakeSource.IngestedBetween(ctx, ns, since, until)
}

func TestSchedulerRenewsClaimWhileBuilding(t *testing.T) {
	// A slow build keeps its claim: another process does not take the
	// run over while the holder is alive.
	at := utc(2026, 5, 4, 8, 0)
	clock := clockwork.NewFakeClockAt(at)
	st := newMemStore()
	sub := Subscription{GuildID: "g1", ChannelID: "c1", Hour: 8, Timezone: "UTC", CreatedAt: at.Add(-time.Hour)}
	_ = st.PutSubscription(t.Context(), sub)
	src := &gatedSource{fakeSource: articlesAt(at.Add(-time.Hour)), entered: make(chan struct{}), open: make(chan struct{})}
	pa, pb := newFakePoster(clock), newFakePoster(clock)
	opts := Options{Clock: clock, Lease: 3 * time.Minute, SweepInterval: -1, Log: slog.New(slog.DiscardHandler)}
	opts.Holder = "a"
	a, err := NewScheduler(st, src, pa, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Holder = "b"
	b, err := NewScheduler(st, articlesAt(at.Add(-time.Hour)), pb, opts)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan Outcome)
	go func() {
		o, err := a.Deliver(t.Context(), sub, at)
		if err != nil {
			t.Errorf("Deliver() error = %v", err)
		}
		done <- o
	}()
	<-src.entered
	// Past the first lease, one renewal at a time.
	for range 4 {
		if err := clock.BlockUntilContext(t.Context(), 1); err != nil {
			t.Fatal(err)
		}
		before, _ := st.run("c1", "2026-05-04")
		clock.Advance(time.Minute)
		for r, _ := st.run("c1", "2026-05-04"); !r.LeaseUntil.After(before.LeaseUntil); r, _ = st.run("c1", "2026-05-04") {
			time.Sleep(time.Millisecond)
		}
	}
	if o, err := b.Deliver(t.Context(), sub, at); o != Skipped || err != nil {
		t.Errorf("other process's Deliver() = %v, %v; want Skipped", o, err)
	}
	close(src.open)
	if o := <-done; o != Sent {
		t.Errorf("holder's Deliver() = %v, want Sent", o)
	}
	if pa.count() != 1 || pb.count() != 0 {
		t.Errorf("posts = %d by the holder, %d by the other; want 1, 0", pa.count(), pb.count())
	}
}

func TestSchedulerLostClaimIsNotPosted(t *testing.T) {
	// The holder could not renew its claim in time (a stalled process):
	// another process took the run over, so the holder posts nothing.
	at := utc(2026, 5, 4, 8, 0)
	clockA, clockB := clockwork.NewFakeClockAt(at), clockwork.NewFakeClockAt(at.Add(4*time.Minute))
	st := newMemStore()
	sub := Subscription{GuildID: "g1", ChannelID: "c1", Hour: 8, Timezone: "UTC", CreatedAt: at.Add(-time.Hour)}
	_ = st.PutSubscription(t.Context(), sub)
	src := &gatedSource{fakeSource: articlesAt(at.Add(-time.Hour)), entered: make(chan struct{}), open: make(chan struct{})}
	pa, pb := newFakePoster(clockA), newFakePoster(clockB)
	a, err := NewScheduler(st, src, pa, Options{Clock: clockA, Lease: 3 * time.Minute, Holder: "a", SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewScheduler(st, articlesAt(at.Add(-time.Hour)), pb, Options{Clock: clockB, Lease: 3 * time.Minute, Holder: "b", SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan Outcome)
	go func() {
		o, _ := a.Deliver(t.Context(), sub, at)
		done <- o
	}()
	<-src.entered
	if o, err := b.Deliver(t.Context(), sub, at); o != Sent || err != nil {
		t.Fatalf("Deliver() after the lease ran out = %v, %v; want Sent", o, err)
	}
	if err := clockA.BlockUntilContext(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	clockA.Advance(time.Minute)
	if o := <-done; o != Skipped {
		t.Errorf("former holder's Deliver() = %v, want Skipped", o)
	}
	if pa.count() != 0 || pb.count() != 1 {
		t.Errorf("posts = %d by the former holder, %d by the other; want 0, 1", pa.count(), pb.count())
	}
	if r, _ := st.run("c1", "2026-05-04"); r.Status != RunSent || r.Holder != "b" {
		t.Errorf("run = %+v, want sent by b", r)
	}
}

func TestSubscribeValidatesAndUnsubscribe(t *testing.T) {
	clock := clockwork.NewFakeClockAt(utc(2026, 5, 4, 8, 0))
	st := newMemStore()
	s := newTestScheduler(t, st, &fakeSource{}, newFakePoster(clock), clock, Options{})
	for _, tc := range []struct {
		name string
		sub  Subscription
		want error
	}{
		{name: "bad zone", sub: Subscription{GuildID: "g", ChannelID: "c", Hour: 8, Timezone: "Mars/Olympus"}, want: ErrBadTimezone},
		{name: "local", sub: Subscription{GuildID: "g", ChannelID: "c", Hour: 8, Timezone: "Local"}, want: ErrBadTimezone},
		{name: "bad hour", sub: Subscription{GuildID: "g", ChannelID: "c", Hour: 24, Timezone: "UTC"}, want: ErrBadTime},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.Subscribe(t.Context(), tc.sub); !errors.Is(err, tc.want) {
				t.Errorf("Subscribe() error = %v, want %v", err, tc.want)
			}
		})
	}
	sub, err := s.Subscribe(t.Context(), Subscription{GuildID: "g", ChannelID: "c", Hour: 9, Timezone: "europe/berlin", Outlets: []string{" Wire ", "wire", ""}})
	if err != nil {
		t.Fatalf("Subscribe() error = %v", err)
	}
	if sub.Timezone != "Europe/Berlin" || !cmp.Equal(sub.Outlets, []string{"Wire"}) {
		t.Errorf("Subscribe() = %+v", sub)
	}
	if _, err := s.NextRun("c"); err != nil {
		t.Errorf("NextRun() error = %v", err)
	}
	if ok, err := s.Unsubscribe(t.Context(), "other guild", "c"); ok || err != nil {
		t.Errorf("Unsubscribe(other guild) = %v, %v; want false", ok, err)
	}
	if ok, err := s.Unsubscribe(t.Context(), "g", "c"); !ok || err != nil {
		t.Errorf("Unsubscribe() = %v, %v; want true", ok, err)
	}
	if _, err := s.NextRun("c"); err == nil {
		t.Error("NextRun() after Unsubscribe: error = nil")
	}
}

func TestPreviewRecordsNothing(t *testing.T) {
	at := utc(2026, 5, 4, 8, 0)
	clock := clockwork.NewFakeClockAt(at)
	st := newMemStore()
	s := newTestScheduler(t, st, articlesAt(at.Add(-time.Hour)), newFakePoster(clock), clock, Options{})
	d, err := s.Preview(t.Context(), "g1", "c1")
	if err != nil {
		t.Fatalf("Preview() error = %v", err)
	}
	if diff := cmp.Diff([]string{"art0"}, d.ArticleIDs()); diff != "" {
		t.Errorf("articles mismatch (-want +got):\n%s", diff)
	}
	if len(st.runs) != 0 {
		t.Errorf("runs = %v, want none", st.runs)
	}
}

func TestTimezones(t *testing.T) {
	for _, z := range zones {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("zone %q does not load: %v", z, err)
		}
	}
	if diff := cmp.Diff([]string{"America/New_York"}, MatchTimezones("new york", 25)); diff != "" {
		t.Errorf("MatchTimezones mismatch (-want +got):\n%s", diff)
	}
	got := MatchTimezones("europe/", 25)
	if len(got) != 25 || got[0] != "Europe/Amsterdam" {
		t.Errorf("MatchTimezones(europe/) = %v", got)
	}
	for _, tc := range []struct {
		in      string
		h, m    int
		wantErr bool
	}{
		{in: "07:30", h: 7, m: 30}, {in: "7:05", h: 7, m: 5}, {in: "23:59", h: 23, m: 59},
		{in: "24:00", wantErr: true}, {in: "7", wantErr: true}, {in: "7:5", wantErr: true}, {in: "ab:cd", wantErr: true},
	} {
		h, m, err := ParseClock(tc.in)
		if (err != nil) != tc.wantErr || h != tc.h || m != tc.m {
			t.Errorf("ParseClock(%q) = %d, %d, %v", tc.in, h, m, err)
		}
	}
}

func TestSchedulerSweepRetriesFailedPost(t *testing.T) {
	at := utc(2026, 5, 4, 8, 0)
	clock := clockwork.NewFakeClockAt(at)
	st := newMemStore()
	_ = st.PutSubscription(t.Context(), Subscription{GuildID: "g1", ChannelID: "c1", Hour: 8, Timezone: "UTC", CreatedAt: at.Add(-time.Hour)})
	p := newFakePoster(clock)
	p.failures = 1
	// Start's catch-up fails to post; the sweep five minutes later posts.
	newTestScheduler(t, st, articlesAt(at.Add(-time.Hour)), p, clock, Options{SweepInterval: 5 * time.Minute})
	if r := st.waitFinished(t); p.count() != 0 || r.Status != RunFailed {
		t.Fatalf("after a failed start: %d posts, run %+v; want none, failed", p.count(), r)
	}
	// Two timers: tomorrow's digest and the sweep.
	if err := clock.BlockUntilContext(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Minute)
	got := waitPost(t, p)
	st.waitFinished(t)
	if !got.at.Equal(at.Add(5 * time.Minute)) {
		t.Errorf("retried at %v, want %v", got.at, at.Add(5*time.Minute))
	}
	if r, _ := st.run("c1", "2026-05-04"); r.Status != RunSent || r.Attempts != 2 {
		t.Errorf("run = %+v, want sent on attempt 2", r)
	}
}

func TestSchedulerGivesUpAfterMaxAttempts(t *testing.T) {
	at := utc(2026, 5, 4, 8, 0)
	clock := clockwork.NewFakeClockAt(at)
	st := newMemStore()
	_ = st.PutSubscription(t.Context(), Subscription{GuildID: "g1", ChannelID: "c1", Hour: 8, Timezone: "UTC", CreatedAt: at.Add(-time.Hour)})
	p := newFakePoster(clock)
	p.failures = 100
	s := newTestScheduler(t, st, articlesAt(at.Add(-time.Hour)), p, clock, Options{})
	for range 5 {
		clock.Advance(5 * time.Minute)
		s.CatchUp(t.Context())
	}
	if r, _ := st.run("c1", "2026-05-04"); r.Status != RunFailed || r.Attempts != MaxAttempts {
		t.Errorf("run = %+v, want failed after %d attempts", r, MaxAttempts)
	}
	if got := 100 - p.failures; got != MaxAttempts {
		t.Errorf("post attempts = %d, want %d", got, MaxAttempts)
	}
}
