package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/gazettebot/gazette/digest"
	"github.com/gazettebot/gazette/internal/discordtest"
	"github.com/gazettebot/gazette/internal/store/pgtest"
	"github.com/gazettebot/gazette/internal/store/postgres"
)

// Guilds of shard 0 and shard 1 of 2: (guild_id >> 22) % 2.
const (
	shard0Guild = "81384788765712384"
	shard1Guild = "1100000000000000000"
)

// shardProcess is one `gazette serve` serving one shard.
type shardProcess struct {
	cmd    *exec.Cmd
	logs   *syncBuffer
	exited chan struct{} // closed when the process has exited
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newServeCmd is `gazette serve` for one shard of count, over the
// database and the (fake) Discord.
func newServeCmd(bin, dbURL, discordURL string, shard, count int) *exec.Cmd {
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(crashEnv(os.TempDir()),
		"GAZETTE_DATABASE_URL="+dbURL,
		"DISCORD_TOKEN=test-token",
		"DISCORD_API_URL="+discordURL,
		fmt.Sprintf("DISCORD_SHARD_ID=%d", shard),
		fmt.Sprintf("DISCORD_SHARD_COUNT=%d", count),
		"LOG_LEVEL=info",
		"LOG_FORMAT=json",
		// Due digests are looked for every second, not every 5 minutes.
		"GAZETTE_DIGEST_SWEEP=1s",
		// A claim on a digest whose process died runs out after 6 seconds.
		"GAZETTE_DIGEST_LEASE=6s",
	)
	return cmd
}

func startShard(t *testing.T, bin, dbURL, discordURL string, shard int) *shardProcess {
	t.Helper()
	cmd := newServeCmd(bin, dbURL, discordURL, shard, 2)
	p := &shardProcess{cmd: cmd, logs: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("shard %d logs:\n%s", shard, p.logs.String())
		}
	})
	return p
}

// TestShardsOverPostgres runs two `gazette serve` processes, shards 0 and
// 1 of 2, against one fake Discord and one PostgreSQL database: questions
// in guilds of both shards are answered by their shard's process; an
// article ingested by the command line while they serve is answered by the
// serving shard; and a digest of shard 0's guild that falls due while
// shard 0's process is killed (SIGKILL) is posted once, by the other
// process, and not again when the killed process comes back; and a digest
// whose process is killed while posting it is posted once, by the other
// process after the killed one's claim ran out.
func TestShardsOverPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two bot processes")
	}
	dbURL := pgtest.URL(t)
	bin := buildCrashBinary(t)
	ctx := context.Background()

	// The library: the sample articles in both guilds, by the command line.
	env := map[string]string{"GAZETTE_DATABASE_URL": dbURL, "LOG_LEVEL": "warn"}
	for _, g := range []string{shard0Guild, shard1Guild} {
		if out, errOut, err := gazette(t, env, "ingest", "--ns", g, "sample/articles.jsonl"); err != nil {
			t.Fatalf("ingest into %s: %v\n%s%s", g, err, out, errOut)
		}
	}

	// check reads the PostgreSQL library, not the (absent) SQLite file.
	if out, errOut, err := gazette(t, env, "check"); err != nil || !strings.Contains(out, "ok: the store is consistent\n") || strings.HasPrefix(out, "0 articles") {
		t.Errorf("check over PostgreSQL: %v\n%s%s", err, out, errOut)
	}

	const digestChannel = "444444444444444444"

	srv := discordtest.New(t)
	p0 := startShard(t, bin, dbURL, srv.URL, 0)
	p1 := startShard(t, bin, dbURL, srv.URL, 1)
	waitSessions(t, srv, 2)

	ask := func(guild, question string) string {
		t.Helper()
		n := srv.Len()
		in := srv.PushInteraction(discordtest.Slash(guild, "222222222222222222", discordtest.Member("333333333333333333", 0), "ask",
			discordtest.Option("question", discordgo.ApplicationCommandOptionString, question)))
		final := srv.Wait(n, func(c discordtest.Call) bool {
			return c.Method == "PATCH" && c.Params["token"] == in.Token && (strings.Contains(c.Content(), "Sources") ||
				strings.Contains(c.Content(), "couldn't") || strings.Contains(c.Content(), "not find") || strings.Contains(c.Content(), "No ") ||
				strings.Contains(c.Content(), "None of") || strings.Contains(c.Content(), "articles I have"))
		})
		return final.Content()
	}
	for _, g := range []string{shard0Guild, shard1Guild} {
		if got := ask(g, "What interest rate did the central bank keep?"); !strings.Contains(got, "4.25%") {
			t.Errorf("guild %s: answer lacks the cited fact:\n%s", g, got)
		}
	}

	// Shard 0's process dies.
	if err := p0.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p0.exited
	waitSessionsDown(t, srv, 1)

	// An article ingested by the command line reaches shard 1's process.
	if out, errOut, err := gazette(t, env, "ingest", "--ns", shard1Guild, "testdata/articles/harbour-ferry.md"); err != nil {
		t.Fatalf("ingest: %v\n%s%s", err, out, errOut)
	}
	deadline := time.Now().Add(discordtest.WaitTimeout)
	for got := ""; !strings.Contains(got, "3.30"); {
		if time.Now().After(deadline) {
			t.Fatalf("shard 1 never answered from the article ingested by the command line; last answer:\n%s", got)
		}
		got = ask(shard1Guild, "How much will a single adult ferry ticket cost?")
	}

	// A daily digest of shard 0's guild falls due while its process is
	// dead (made through another process, or the command line): shard 1's
	// process finds it at its next sweep and posts it.
	now := time.Now().UTC()
	due := now.Truncate(time.Minute)
	st, err := postgres.Open(ctx, dbURL, postgres.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutSubscription(ctx, digest.Subscription{ChannelID: digestChannel, GuildID: shard0Guild,
		Hour: due.Hour(), Minute: due.Minute(), Timezone: "UTC", CreatedAt: due.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	isDigest := func(c discordtest.Call) bool {
		return c.Method == "POST" && strings.HasPrefix(c.Path, "/api/v9/channels/"+digestChannel+"/messages/") &&
			strings.HasSuffix(c.Path, "/threads")
	}
	srv.Wait(0, isDigest)
	// Shard 0 comes back after the digest was posted: it must not post the
	// day again.
	p0 = startShard(t, bin, dbURL, srv.URL, 0)
	waitSessions(t, srv, 2)
	if got := ask(shard0Guild, "What interest rate did the central bank keep?"); !strings.Contains(got, "4.25%") {
		t.Errorf("restarted shard 0: answer lacks the cited fact:\n%s", got)
	}
	// Its digest catch-up runs at start-up beside the gateway session.
	time.Sleep(2 * time.Second)
	posts := 0
	for _, c := range srv.Calls() {
		if isDigest(c) {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("the digest was posted %d times, want once:\n%s", posts, discordtest.Sprint(srv.Calls()))
	}

	// A digest falls due while both serve. The fake Discord holds its
	// post; the process holding the day's claim is killed meanwhile, and
	// the post goes through after all (as Discord may create a message
	// whose sender died waiting for the answer). The other process takes
	// the run over when the claim's lease runs out and posts it again with
	// the same nonces: one digest message and one thread in the channel.
	const heldChannel = "555555555555555555"
	release := srv.HoldMessages(heldChannel)
	defer release()
	due = time.Now().UTC().Truncate(time.Minute)
	n := srv.Len()
	st, err = postgres.Open(ctx, dbURL, postgres.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutSubscription(ctx, digest.Subscription{ChannelID: heldChannel, GuildID: shard1Guild,
		Hour: due.Hour(), Minute: due.Minute(), Timezone: "UTC", CreatedAt: due.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	isPost := func(c discordtest.Call) bool {
		return c.Method == "POST" && c.Path == "/api/v9/channels/"+heldChannel+"/messages"
	}
	first := srv.Wait(n, isPost)
	var holder string
	if err := st.Pool().QueryRow(ctx, `SELECT holder FROM digest_runs WHERE channel_id = $1`, heldChannel).Scan(&holder); err != nil {
		t.Fatal(err)
	}
	procs := map[string]*shardProcess{}
	for _, p := range []*shardProcess{p0, p1} {
		procs[strconv.Itoa(p.cmd.Process.Pid)] = p
	}
	_, rest, _ := strings.Cut(holder, "/") // host/pid/suffix
	pid, _, _ := strings.Cut(rest, "/")
	victim := procs[pid]
	if victim == nil {
		t.Fatalf("digest claim holder %q is neither serving process", holder)
	}
	survivor := p0
	if victim == p0 {
		survivor = p1
	}
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-victim.exited
	release()
	isThread := func(c discordtest.Call) bool {
		return c.Method == "POST" && strings.HasPrefix(c.Path, "/api/v9/channels/"+heldChannel+"/messages/") &&
			strings.HasSuffix(c.Path, "/threads")
	}
	thread := srv.Wait(n, isThread)
	// The greeting in the thread ends the post.
	srv.Wait(n, func(c discordtest.Call) bool {
		return c.Method == "POST" && c.Path == "/api/v9/channels/"+thread.Params["message"]+"/messages"
	})
	var again discordtest.Call
	for _, c := range srv.Calls()[n:] {
		if isPost(c) && c.Seq > first.Seq && again.Seq == 0 {
			again = c
		}
	}
	if again.Seq == 0 || again.Body["nonce"] != first.Body["nonce"] || first.Body["nonce"] == nil {
		t.Errorf("the digest's first message was sent again with nonce %v, first with %v; want the same", again.Body["nonce"], first.Body["nonce"])
	}
	heads := 0
	for _, m := range srv.Messages(heldChannel) {
		if strings.Contains(m.Content, "Daily digest") {
			heads++
		}
	}
	threads := 0
	for _, c := range srv.Calls() {
		if isThread(c) {
			threads++
		}
	}
	if heads != 1 || threads != 1 {
		t.Errorf("%d digest messages and %d threads in the channel, want one each:\n%s", heads, threads, discordtest.Sprint(srv.Calls()[n:]))
	}
	// The run is recorded as sent right after the post.
	var (
		status   string
		attempts int
	)
	for deadline := time.Now().Add(discordtest.WaitTimeout); status != "sent" && time.Now().Before(deadline); {
		if err := st.Pool().QueryRow(ctx, `SELECT status, attempts, holder FROM digest_runs WHERE channel_id = $1`, heldChannel).Scan(&status, &attempts, &holder); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if want := "/" + strconv.Itoa(survivor.cmd.Process.Pid) + "/"; status != "sent" || attempts != 2 || !strings.Contains(holder, want) {
		t.Errorf("run = %s after %d claims, held by %s; want sent on the second claim, by the surviving process (pid %s)", status, attempts, holder, strings.Trim(want, "/"))
	}
	_ = survivor.cmd.Process.Signal(syscall.SIGTERM)
}

func waitSessionsDown(t *testing.T, srv *discordtest.Server, n int) {
	t.Helper()
	deadline := time.Now().Add(discordtest.WaitTimeout)
	for srv.Sessions() > n {
		if time.Now().After(deadline) {
			t.Fatalf("%d gateway sessions after %v, want %d", srv.Sessions(), discordtest.WaitTimeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitSessions(t *testing.T, srv *discordtest.Server, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * discordtest.WaitTimeout)
	for srv.Sessions() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d gateway sessions after %v, want %d", srv.Sessions(), 2*discordtest.WaitTimeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
