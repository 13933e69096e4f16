package bot

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/internal/discordtest"
	"github.com/gazettebot/gazette/internal/safehttp"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

// fakeAnswerer answers with fn and records the requests.
type fakeAnswerer struct {
	mu   sync.Mutex
	reqs []answerCall
	fn   func(ctx context.Context, ns string, req rag.Request, onDelta func(string)) (news.Answer, error)
}

type answerCall struct {
	NS  string
	Req rag.Request
}

func (f *fakeAnswerer) Answer(ctx context.Context, ns string, req rag.Request, onDelta func(string)) (news.Answer, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, answerCall{ns, req})
	fn := f.fn
	f.mu.Unlock()
	return fn(ctx, ns, req, onDelta)
}

func (f *fakeAnswerer) set(fn func(ctx context.Context, ns string, req rag.Request, onDelta func(string)) (news.Answer, error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fn = fn
}

func (f *fakeAnswerer) calls() []answerCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]answerCall(nil), f.reqs...)
}

// fakeLibrary keeps articles per namespace in memory.
type fakeLibrary struct {
	mu   sync.Mutex
	arts map[string][]news.Article
}

func newFakeLibrary() *fakeLibrary { return &fakeLibrary{arts: map[string][]news.Article{}} }

func (l *fakeLibrary) add(ns string, a news.Article) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a.Namespace = ns
	l.arts[ns] = append(l.arts[ns], a)
}

func (l *fakeLibrary) Articles(_ context.Context, ns, search string, offset, limit int) ([]news.Article, int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var match []news.Article
	for _, a := range l.arts[ns] {
		if search == "" || strings.Contains(strings.ToLower(a.Title+" "+a.Outlet+" "+a.URL), strings.ToLower(search)) {
			match = append(match, a)
		}
	}
	sort.SliceStable(match, func(i, j int) bool { return match[i].ID < match[j].ID })
	total := len(match)
	if offset > total {
		offset = total
	}
	end := min(offset+limit, total)
	return match[offset:end], total, nil
}

func (l *fakeLibrary) Forget(_ context.Context, ns, id string) (news.Article, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, a := range l.arts[ns] {
		if a.ID == id {
			l.arts[ns] = append(l.arts[ns][:i], l.arts[ns][i+1:]...)
			return a, nil
		}
	}
	return news.Article{}, news.ErrNotFound
}

func (l *fakeLibrary) Counts(_ context.Context, ns string) (int, int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.arts[ns]), 3 * len(l.arts[ns]), nil
}

// libraryAnswerer answers from the fake library's namespace, citing its
// first article, so guild isolation is visible end to end.
func libraryAnswerer(l *fakeLibrary) func(ctx context.Context, ns string, req rag.Request, onDelta func(string)) (news.Answer, error) {
	return func(_ context.Context, ns string, req rag.Request, _ func(string)) (news.Answer, error) {
		arts, _, _ := l.Articles(context.Background(), ns, "", 0, 1)
		if len(arts) == 0 {
			return news.Answer{}, rag.ErrNoSources
		}
		a := arts[0]
		return news.Answer{
			Text:    "According to " + a.Outlet + ", " + a.Title + " [1].",
			Sources: []news.Source{{N: 1, ArticleID: a.ID, Title: a.Title, Outlet: a.Outlet, URL: a.URL, PublishedAt: a.PublishedAt, Passage: a.Body}},
		}, nil
	}
}

// fakeIngester returns receipts and adds articles to the library.
type fakeIngester struct {
	lib   *fakeLibrary
	mu    sync.Mutex
	files map[string][]byte
	urls  []string
	err   error
	// hook, when set, runs first in IngestURL; its error is returned.
	hook func(ctx context.Context) error
}

func (f *fakeIngester) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

func (f *fakeIngester) IngestURL(ctx context.Context, ns, url string, progress ingest.Progress) (ingest.Receipt, error) {
	f.mu.Lock()
	f.urls = append(f.urls, url)
	err, hook := f.err, f.hook
	f.mu.Unlock()
	if hook != nil {
		if err := hook(ctx); err != nil {
			return ingest.Receipt{}, err
		}
	}
	if err != nil {
		return ingest.Receipt{}, err
	}
	r := ingest.Receipt{Status: ingest.StatusNew, ArticleID: "a-" + url, Title: "Fed holds rates", Outlet: "Reuters",
		URL: url, PublishedAt: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Words: 812, Chunks: 4}
	if progress != nil {
		progress(1, 1, r)
	}
	f.lib.add(ns, news.Article{ID: r.ArticleID, Title: r.Title, Outlet: r.Outlet, URL: url})
	return r, nil
}

func (f *fakeIngester) IngestFile(_ context.Context, ns, name, _ string, data []byte, _ ingest.Progress) ([]ingest.Receipt, error) {
	f.mu.Lock()
	if f.files == nil {
		f.files = map[string][]byte{}
	}
	f.files[name] = data
	f.mu.Unlock()
	f.lib.add(ns, news.Article{ID: "file-" + name, Title: name})
	return []ingest.Receipt{{Status: ingest.StatusNew, ArticleID: "file-" + name, Title: strings.TrimSuffix(name, ".txt"),
		Words: len(strings.Fields(string(data))), Chunks: 1}}, nil
}

// fakeFeeds keeps feeds in memory.
type fakeFeeds struct {
	mu    sync.Mutex
	feeds map[string][]Feed
}

func (f *fakeFeeds) AddFeed(_ context.Context, ns, url, channelID string) (Feed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.feeds == nil {
		f.feeds = map[string][]Feed{}
	}
	fd := Feed{URL: url, Title: "Example News", ChannelID: channelID}
	f.feeds[ns] = append(f.feeds[ns], fd)
	return fd, nil
}

func (f *fakeFeeds) RemoveFeed(_ context.Context, ns, url string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, fd := range f.feeds[ns] {
		if fd.URL == url {
			f.feeds[ns] = append(f.feeds[ns][:i], f.feeds[ns][i+1:]...)
			return nil
		}
	}
	return news.ErrNotFound
}

func (f *fakeFeeds) ListFeeds(_ context.Context, ns string) ([]Feed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Feed(nil), f.feeds[ns]...), nil
}

// fakeFeedback keeps answers and votes in memory.
type fakeFeedback struct {
	mu      sync.Mutex
	answers []recorded
	votes   map[int64]map[string]int
}

type recorded struct {
	NS, Channel, User, Question string
	Answer                      news.Answer
}

func (f *fakeFeedback) RecordAnswer(_ context.Context, ns, channelID, userID, q string, a news.Answer) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers = append(f.answers, recorded{ns, channelID, userID, q, a})
	return int64(len(f.answers)), nil
}

func (f *fakeFeedback) RecordedAnswer(_ context.Context, ns string, id int64) (string, news.Answer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id < 1 || int(id) > len(f.answers) || f.answers[id-1].NS != ns {
		return "", news.Answer{}, news.ErrNotFound
	}
	r := f.answers[id-1]
	return r.Question, r.Answer, nil
}

func (f *fakeFeedback) Vote(_ context.Context, ns string, id int64, userID string, vote int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id < 1 || int(id) > len(f.answers) || f.answers[id-1].NS != ns {
		return news.ErrNotFound
	}
	if f.votes == nil {
		f.votes = map[int64]map[string]int{}
	}
	if f.votes[id] == nil {
		f.votes[id] = map[string]int{}
	}
	f.votes[id][userID] = vote
	return nil
}

func (f *fakeFeedback) QuestionsSince(_ context.Context, ns string, _ time.Time) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, a := range f.answers {
		if a.NS == ns {
			n++
		}
	}
	return n, nil
}

// harness runs the real bot wiring with a real discordgo session against
// the fake Discord.
type harness struct {
	t      testing.TB
	srv    *discordtest.Server
	bot    *Bot
	ans    *fakeAnswerer
	lib    *fakeLibrary
	ing    *fakeIngester
	feeds  *fakeFeeds
	fb     *fakeFeedback
	cancel context.CancelFunc
	done   chan error
}

// Test identities.
const (
	guildA   = "100000000000000001"
	guildB   = "100000000000000002"
	channel  = "200000000000000001"
	manager  = "300000000000000001"
	member   = "300000000000000002"
	roleMods = "400000000000000001"
)

func managerMember() *discordgo.Member {
	return discordtest.Member(manager, discordgo.PermissionManageGuild)
}

func plainMember() *discordgo.Member {
	return discordtest.Member(member, discordgo.PermissionSendMessages)
}

// start runs the bot until the test ends. tweak may change deps and opts.
func start(t testing.TB, tweak func(*Deps, *Options)) *harness {
	t.Helper()
	return startWith(t, SessionOptions{}, tweak)
}

// startWith is start with session options.
func startWith(t testing.TB, so SessionOptions, tweak func(*Deps, *Options)) *harness {
	t.Helper()
	srv := discordtest.New(t)
	lib := newFakeLibrary()
	h := &harness{
		t: t, srv: srv, lib: lib,
		ans:   &fakeAnswerer{fn: libraryAnswerer(lib)},
		ing:   &fakeIngester{lib: lib},
		feeds: &fakeFeeds{},
		fb:    &fakeFeedback{},
		done:  make(chan error, 1),
	}
	deps := Deps{
		Answerer: h.ans, Ingester: h.ing, Library: lib, Feeds: h.feeds, Feedback: h.fb,
		Logger: slog.New(slog.DiscardHandler),
	}
	opts := Options{EditInterval: 5 * time.Millisecond, GracePeriod: 5 * time.Second, QuestionsPerMinute: 600, MaxConcurrent: 8,
		// The fake Discord serves attachments on loopback.
		Files: safehttp.New(safehttp.Options{AllowPrivate: true}), FileHosts: []string{"127.0.0.1"}}
	if tweak != nil {
		tweak(&deps, &opts)
	}
	h.bot = New(deps, opts)
	sess, err := NewSession("test-token", srv.URL, so)
	if err != nil {
		t.Fatal(err)
	}
	sess.ShouldReconnectOnError = false
	sess.LogLevel = -1
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- h.bot.Run(ctx, sess) }()
	srv.WaitConnected()
	for !h.bot.Ready() {
		time.Sleep(time.Millisecond)
	}
	t.Cleanup(func() {
		h.stop()
		checkNoMentions(t, srv.Calls())
	})
	return h
}

// stop cancels Run and waits for it to return.
func (h *harness) stop() error {
	h.cancel()
	select {
	case err := <-h.done:
		h.done <- err
		return err
	case <-time.After(discordtest.WaitTimeout):
		h.t.Fatalf("Run did not return after cancel")
		return errors.New("timeout")
	}
}

// checkNoMentions asserts that every call sending message content sets
// allowed_mentions with an empty parse list and no users or roles.
func checkNoMentions(t testing.TB, calls []discordtest.Call) {
	t.Helper()
	for _, c := range calls {
		if c.Body == nil || strings.HasSuffix(c.Path, "/threads") {
			continue
		}
		if typ, _ := c.Body["type"].(float64); typ == float64(discordgo.InteractionApplicationCommandAutocompleteResult) || typ == float64(discordgo.InteractionResponseDeferredMessageUpdate) {
			continue
		}
		am := c.AllowedMentions()
		if am == nil {
			t.Errorf("call %d %s %s has no allowed_mentions: %s", c.Seq, c.Method, c.Path, c.Raw)
			continue
		}
		parse, ok := am["parse"].([]any)
		if !ok || len(parse) != 0 || am["users"] != nil || am["roles"] != nil {
			t.Errorf("call %d %s %s allowed_mentions = %v, want parse []", c.Seq, c.Method, c.Path, am)
		}
	}
}

// Predicates on recorded calls.
func isCallback(i *discordgo.Interaction) func(discordtest.Call) bool {
	return func(c discordtest.Call) bool {
		return c.Method == "POST" && strings.HasSuffix(c.Path, "/callback") && c.Params["id"] == i.ID
	}
}

func isEditOriginal(i *discordgo.Interaction) func(discordtest.Call) bool {
	return func(c discordtest.Call) bool {
		return c.Method == "PATCH" && c.Params["token"] == i.Token && c.Params["message"] == "@original"
	}
}

func isFollowup(i *discordgo.Interaction) func(discordtest.Call) bool {
	return func(c discordtest.Call) bool {
		return c.Method == "POST" && strings.HasPrefix(c.Route, "POST /api/v9/webhooks/") && c.Params["token"] == i.Token
	}
}

func callbackType(c discordtest.Call) int {
	t, _ := c.Body["type"].(float64)
	return int(t)
}

// waitContent waits for an edit of the original response containing want.
func (h *harness) waitEdit(after int, i *discordgo.Interaction, want string) discordtest.Call {
	h.t.Helper()
	edit := isEditOriginal(i)
	return h.srv.Wait(after, func(c discordtest.Call) bool { return edit(c) && strings.Contains(c.Content(), want) })
}
