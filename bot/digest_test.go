package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/digest"
	"github.com/gazettebot/gazette/internal/discordtest"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

// Identities of the digest tests.
const (
	dgGuild   = "110000000000000001"
	dgChannel = "210000000000000001"
	dgOther   = "210000000000000002"
	dgThread  = "510000000000000001" // a digest message, and so its thread
)

// bigDigest has n stories, each with long text and many sources.
func bigDigest(n int) digest.Digest {
	d := digest.Digest{
		Since:    time.Date(2026, 5, 3, 8, 0, 0, 0, time.UTC),
		Until:    time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC),
		Articles: n * 6,
	}
	k := 0
	for i := range n {
		s := digest.Story{
			Headline: strings.Repeat(fmt.Sprintf("Headline %d ", i), 40),
			Summary:  strings.Repeat("A long sentence about what happened, with @everyone in it. ", 20) + fmt.Sprintf("[%d]", k+1),
			Outlets:  []string{"Wire", "Daily [Times]"},
			Articles: 8,
		}
		for j := range 6 {
			k++
			s.Sources = append(s.Sources, news.Source{
				N: k, ArticleID: fmt.Sprintf("a%d", k), Title: fmt.Sprintf("Title [%d] of story %d, source %d", k, i, j),
				Outlet: "Wire", URL: fmt.Sprintf("https://example.com/story(%d)", k),
				PublishedAt: time.Date(2026, 5, 3, 9, 0, 0, 0, time.UTC),
			})
		}
		d.Stories = append(d.Stories, s)
	}
	return d
}

func TestDigestMessagesWithinLimits(t *testing.T) {
	for _, n := range []int{1, 3, 12, 40} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			d := bigDigest(n)
			msgs := DigestMessages(d)
			var titles []string
			for i, m := range msgs {
				if utf8.RuneCountInString(m.Content) > MessageLimit {
					t.Errorf("message %d content has %d characters", i, utf8.RuneCountInString(m.Content))
				}
				if len(m.Embeds) > EmbedsPerMessage {
					t.Errorf("message %d has %d embeds", i, len(m.Embeds))
				}
				total := 0
				for _, e := range m.Embeds {
					if utf8.RuneCountInString(e.Title) > EmbedTitleLimit || utf8.RuneCountInString(e.Description) > EmbedDescriptionLimit {
						t.Errorf("embed %q over the title or description limit", e.Title[:20])
					}
					total += embedSize(e)
					titles = append(titles, e.Title)
					if !strings.Contains(e.Description, "[1]") && !strings.Contains(e.Description, "] [") {
						t.Errorf("embed has no numbered sources: %q", e.Description)
					}
				}
				if total > EmbedTotalLimit {
					t.Errorf("message %d embeds total %d characters", i, total)
				}
			}
			if len(titles) != n {
				t.Fatalf("embeds = %d, want one per story (%d)", len(titles), n)
			}
			for i, s := range d.Stories {
				if !strings.HasPrefix(s.Headline, strings.TrimSuffix(titles[i], "…")) {
					t.Errorf("embed %d is %q, want story %d in order", i, titles[i], i)
				}
			}
			if !strings.Contains(msgs[0].Content, fmt.Sprintf("%d articles", n*6)) {
				t.Errorf("heading = %q", msgs[0].Content)
			}
		})
	}
}

func TestDigestMessagesSourceLines(t *testing.T) {
	d := bigDigest(1)
	d.Stories[0].Sources = d.Stories[0].Sources[:2]
	d.Stories[0].Summary = "It happened [1]."
	e := DigestMessages(d)[0].Embeds[0]
	want := "It happened [1].\n\n" +
		"[1] [Title (1) of story 0, source 0](https://example.com/story%281%29) — Wire, 3 May 2026\n" +
		"[2] [Title (2) of story 0, source 1](https://example.com/story%282%29) — Wire, 3 May 2026"
	if diff := cmp.Diff(want, e.Description); diff != "" {
		t.Errorf("description mismatch (-want +got):\n%s", diff)
	}
	if e.URL != "https://example.com/story(1)" || e.Footer == nil || e.Footer.Text != "Wire · Daily [Times] — 8 articles" {
		t.Errorf("embed url %q footer %+v", e.URL, e.Footer)
	}
	empty := DigestMessages(digest.Digest{Since: d.Since})
	if len(empty) != 1 || len(empty[0].Embeds) != 0 || !strings.Contains(empty[0].Content, "nothing new") {
		t.Errorf("empty digest messages = %+v", empty)
	}
}

// digestBot runs a bot with the digest command and thread handler against
// a fake Discord until the test ends.
type digestBot struct {
	srv  *discordtest.Server
	bot  *Bot
	sess *discordgo.Session
	ans  *recordingAnswerer
}

func startDigestBot(t *testing.T, d Digests, arts DigestArticles) *digestBot {
	t.Helper()
	srv := discordtest.New(t)
	ans := &recordingAnswerer{}
	b := New(Deps{Answerer: ans, Library: emptyLibrary{}, Logger: slog.New(slog.DiscardHandler)},
		Options{EditInterval: 5 * time.Millisecond, GracePeriod: 5 * time.Second})
	b.AddCommand(b.DigestCommand(d))
	sess, err := NewSession("test-token", srv.URL, SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sess.ShouldReconnectOnError = false
	sess.LogLevel = -1
	sess.AddHandler(b.DigestThreadHandler(arts))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, sess) }()
	srv.WaitConnected()
	for !b.Ready() {
		time.Sleep(time.Millisecond)
	}
	t.Cleanup(func() {
		cancel()
		<-done
		for _, c := range srv.Calls() {
			if c.Body == nil || strings.HasSuffix(c.Path, "/threads") || strings.HasSuffix(c.Path, "/commands") {
				continue
			}
			if typ, _ := c.Body["type"].(float64); typ == float64(discordgo.InteractionApplicationCommandAutocompleteResult) {
				continue
			}
			if am := c.AllowedMentions(); am == nil || len(am["parse"].([]any)) != 0 {
				t.Errorf("call %s %s allowed_mentions = %v, want parse []", c.Method, c.Path, am)
			}
		}
	})
	return &digestBot{srv: srv, bot: b, sess: sess, ans: ans}
}

type recordingAnswerer struct {
	mu   sync.Mutex
	reqs []rag.Request
}

func (a *recordingAnswerer) Answer(_ context.Context, _ string, req rag.Request, _ func(string)) (news.Answer, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.reqs = append(a.reqs, req)
	return news.Answer{Text: "The bridge closed [1].", Sources: []news.Source{{N: 1, ArticleID: "a1", Title: "Bridge", Outlet: "Wire"}}}, nil
}

func (a *recordingAnswerer) requests() []rag.Request {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]rag.Request(nil), a.reqs...)
}

type emptyLibrary struct{}

func (emptyLibrary) Articles(context.Context, string, string, int, int) ([]news.Article, int, error) {
	return nil, 0, nil
}
func (emptyLibrary) Forget(context.Context, string, string) (news.Article, error) {
	return news.Article{}, news.ErrNotFound
}
func (emptyLibrary) Counts(context.Context, string) (int, int, error) { return 0, 0, nil }

// fakeDigests records subscriptions and serves a fixed preview.
type fakeDigests struct {
	mu      sync.Mutex
	subs    []digest.Subscription
	preview digest.Digest
	err     error
}

func (f *fakeDigests) Subscribe(_ context.Context, s digest.Subscription) (digest.Subscription, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := digest.Validate(s); err != nil {
		return digest.Subscription{}, err
	}
	tz, _ := digest.CanonicalTimezone(s.Timezone)
	s.Timezone = tz
	f.subs = append(f.subs, s)
	return s, f.err
}

func (f *fakeDigests) Unsubscribe(_ context.Context, _, channelID string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, s := range f.subs {
		if s.ChannelID == channelID {
			f.subs = append(f.subs[:i], f.subs[i+1:]...)
			return true, nil
		}
	}
	return false, nil
}

func (f *fakeDigests) Status(_ context.Context, guildID string) ([]digest.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []digest.Status
	for _, s := range f.subs {
		if s.GuildID == guildID {
			out = append(out, digest.Status{Subscription: s, Next: time.Unix(1800000000, 0)})
		}
	}
	return out, nil
}

func (f *fakeDigests) Preview(context.Context, string, string) (digest.Digest, error) {
	return f.preview, nil
}

func (f *fakeDigests) subscriptions() []digest.Subscription {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]digest.Subscription(nil), f.subs...)
}

func digestSlash(m *discordgo.Member, sub string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return discordtest.Slash(dgGuild, dgChannel, m, "digest",
		&discordgo.ApplicationCommandInteractionDataOption{Name: sub, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts})
}

func str(name, v string) *discordgo.ApplicationCommandInteractionDataOption {
	return discordtest.Option(name, discordgo.ApplicationCommandOptionString, v)
}

func TestDigestCommandSubscribe(t *testing.T) {
	fd := &fakeDigests{}
	h := startDigestBot(t, fd, nil)
	mgr := discordtest.Member("310000000000000001", discordgo.PermissionManageGuild)
	plain := discordtest.Member("310000000000000002", discordgo.PermissionSendMessages)
	edit := func(n int, i *discordgo.Interaction) discordtest.Call {
		return h.srv.Wait(n, func(c discordtest.Call) bool {
			return c.Method == "PATCH" && c.Params["token"] == i.Token && c.Params["message"] == "@original"
		})
	}

	// A member without Manage Server is refused.
	n := h.srv.Len()
	i := h.srv.PushInteraction(digestSlash(plain, "subscribe", str("time", "07:30"), str("timezone", "Europe/Paris")))
	c := h.srv.Wait(n, func(c discordtest.Call) bool { return c.Params["id"] == i.ID })
	if !strings.Contains(c.Content(), "Manage Server") || c.Flags()&int(discordgo.MessageFlagsEphemeral) == 0 {
		t.Errorf("refusal = %q flags %d", c.Content(), c.Flags())
	}

	// A manager subscribes another channel with filters.
	n = h.srv.Len()
	i = h.srv.PushInteraction(digestSlash(mgr, "subscribe", str("time", "7:30"), str("timezone", "europe/paris"),
		discordtest.Option("channel", discordgo.ApplicationCommandOptionChannel, dgOther), str("outlets", "Wire, Daily Times ,")))
	c = edit(n, i)
	if got := c.Content(); !strings.Contains(got, "<#"+dgOther+"> will get a daily digest at **07:30 Europe/Paris** (only articles from Wire, Daily Times)") {
		t.Errorf("reply = %q", got)
	}
	want := []digest.Subscription{{GuildID: dgGuild, ChannelID: dgOther, Hour: 7, Minute: 30, Timezone: "Europe/Paris",
		Outlets: []string{"Wire", "Daily Times"}, CreatedBy: mgr.User.ID}}
	if diff := cmp.Diff(want, fd.subscriptions()); diff != "" {
		t.Errorf("subscriptions mismatch (-want +got):\n%s", diff)
	}

	// Bad input gets a fixed sentence.
	for _, tc := range []struct{ time, tz, want string }{
		{time: "7h30", tz: "UTC", want: "HH:MM"},
		{time: "07:30", tz: "Mars/Base", want: "time zone"},
	} {
		n = h.srv.Len()
		i = h.srv.PushInteraction(digestSlash(mgr, "subscribe", str("time", tc.time), str("timezone", tc.tz)))
		if got := edit(n, i).Content(); !strings.Contains(got, tc.want) {
			t.Errorf("reply to %s %s = %q, want it to mention %q", tc.time, tc.tz, got, tc.want)
		}
	}

	// Status lists it; unsubscribe removes it.
	n = h.srv.Len()
	i = h.srv.PushInteraction(digestSlash(plain, "status"))
	if got := edit(n, i).Content(); !strings.Contains(got, "<#"+dgOther+"> at 07:30 Europe/Paris") {
		t.Errorf("status = %q", got)
	}
	n = h.srv.Len()
	i = h.srv.PushInteraction(digestSlash(mgr, "unsubscribe", discordtest.Option("channel", discordgo.ApplicationCommandOptionChannel, dgOther)))
	if got := edit(n, i).Content(); !strings.Contains(got, "no longer") {
		t.Errorf("unsubscribe = %q", got)
	}
	if got := fd.subscriptions(); len(got) != 0 {
		t.Errorf("subscriptions after unsubscribe = %v", got)
	}
}

func TestDigestTimezoneAutocomplete(t *testing.T) {
	h := startDigestBot(t, &fakeDigests{}, nil)
	mgr := discordtest.Member("310000000000000001", discordgo.PermissionManageGuild)
	n := h.srv.Len()
	i := h.srv.PushInteraction(discordtest.Autocomplete(dgGuild, dgChannel, mgr, "digest",
		&discordgo.ApplicationCommandInteractionDataOption{Name: "subscribe", Type: discordgo.ApplicationCommandOptionSubCommand,
			Options: []*discordgo.ApplicationCommandInteractionDataOption{str("time", "07:00"), discordtest.Focused("timezone", "new yo")}}))
	c := h.srv.Wait(n, func(c discordtest.Call) bool { return c.Params["id"] == i.ID })
	data, _ := c.Body["data"].(map[string]any)
	choices, _ := data["choices"].([]any)
	if len(choices) != 1 || choices[0].(map[string]any)["value"] != "America/New_York" {
		t.Errorf("choices = %v, want America/New_York", choices)
	}
}

func TestDigestNowPreviewIsEphemeral(t *testing.T) {
	fd := &fakeDigests{preview: bigDigest(12)}
	h := startDigestBot(t, fd, nil)
	plain := discordtest.Member("310000000000000002", discordgo.PermissionSendMessages)
	n := h.srv.Len()
	i := h.srv.PushInteraction(digestSlash(plain, "now"))
	msgs := DigestMessages(fd.preview)
	after := n
	for range len(msgs) - 1 {
		// Wait for each follow-up in turn.
		after = h.srv.Wait(after, func(c discordtest.Call) bool {
			return c.Method == "POST" && strings.HasPrefix(c.Route, "POST /api/v9/webhooks/") && c.Params["token"] == i.Token
		}).Seq
	}
	var embeds int
	for _, c := range h.srv.Calls()[n:] {
		switch {
		case c.Params["id"] == i.ID:
			if c.Flags()&int(discordgo.MessageFlagsEphemeral) == 0 {
				t.Error("preview was not deferred as ephemeral")
			}
		case c.Method == "PATCH" && c.Params["token"] == i.Token:
			if !strings.Contains(c.Content(), "Digest preview") {
				t.Errorf("preview heading = %q", c.Content())
			}
			es, _ := c.Body["embeds"].([]any)
			embeds += len(es)
		case c.Method == "POST" && c.Params["token"] == i.Token:
			if c.Flags()&int(discordgo.MessageFlagsEphemeral) == 0 {
				t.Error("preview follow-up is not ephemeral")
			}
			es, _ := c.Body["embeds"].([]any)
			embeds += len(es)
		}
	}
	if embeds != 12 || len(msgs) < 2 {
		t.Errorf("preview sent %d embeds in %d messages, want 12 stories in several messages", embeds, len(msgs))
	}
}

func TestPostDigestStartsThread(t *testing.T) {
	srv := discordtest.New(t)
	b := New(Deps{Answerer: &recordingAnswerer{}, Library: emptyLibrary{}, Logger: slog.New(slog.DiscardHandler)}, Options{})
	sess, err := NewSession("test-token", srv.URL, SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := b.DigestPoster(sess)
	var _ digest.Poster = p
	id, err := p.PostDigest(t.Context(), dgChannel, bigDigest(12))
	if err != nil {
		t.Fatalf("PostDigest() error = %v", err)
	}
	var sends []discordtest.Call
	var thread discordtest.Call
	for _, c := range srv.Calls() {
		switch {
		case c.Method == "POST" && strings.HasSuffix(c.Path, "/threads"):
			thread = c
		case c.Method == "POST" && strings.HasSuffix(c.Path, "/messages"):
			sends = append(sends, c)
			if am := c.AllowedMentions(); am == nil || len(am["parse"].([]any)) != 0 {
				t.Errorf("message allowed_mentions = %v, want parse []", am)
			}
		}
	}
	// 12 stories of about 1,900 characters: three to a message, then the
	// greeting in the thread.
	if len(sends) < 5 || sends[0].Params["channel"] != dgChannel {
		t.Fatalf("sent %d messages: %s", len(sends), discordtest.Sprint(srv.Calls()))
	}
	if thread.Params["message"] != id || thread.Body["name"] != DigestThreadName {
		t.Errorf("thread %v on message %q named %v, want on %q", thread.Path, thread.Params["message"], thread.Body["name"], id)
	}
	last := sends[len(sends)-1]
	if parent, ok := srv.ThreadParent(last.Params["channel"]); !ok || parent != dgChannel || !strings.Contains(last.Content(), "Ask me") {
		t.Errorf("greeting %q in %q, want in the thread", last.Content(), last.Params["channel"])
	}

	// A failure before anything is posted is an error (the run is retried).
	srv.Handle("POST /api/v9/channels/{channel}/messages", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"message":"down","code":0}`, http.StatusInternalServerError)
	})
	sess.MaxRestRetries = 0
	if _, err := p.PostDigest(t.Context(), dgChannel, bigDigest(1)); err == nil {
		t.Error("PostDigest() with Discord down: error = nil")
	}
}

func TestPostDigestTwiceIsOnePost(t *testing.T) {
	// A delivery posted again (its first process died before recording
	// the post) reuses the first attempt's nonces: Discord returns the
	// messages already posted, and the thread is not started twice.
	srv := discordtest.New(t)
	b := New(Deps{Answerer: &recordingAnswerer{}, Library: emptyLibrary{}, Logger: slog.New(slog.DiscardHandler)}, Options{})
	sess, err := NewSession("test-token", srv.URL, SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := b.DigestPoster(sess)
	d := bigDigest(12)
	d.Delivery = "g1/" + dgChannel + "/2026-05-04"
	first, err := p.PostDigest(t.Context(), dgChannel, d)
	if err != nil {
		t.Fatalf("PostDigest() error = %v", err)
	}
	posted := len(srv.Messages(dgChannel))
	again, err := p.PostDigest(t.Context(), dgChannel, d)
	if err != nil {
		t.Fatalf("PostDigest() again error = %v", err)
	}
	if again != first || len(srv.Messages(dgChannel)) != posted || len(srv.Messages(first)) != 1 {
		t.Errorf("posted again: message %s (first %s), %d messages (first %d), %d in the thread; want the same, one greeting",
			again, first, len(srv.Messages(dgChannel)), posted, len(srv.Messages(first)))
	}
	nonces := map[string]bool{}
	for _, c := range srv.Calls() {
		if c.Method != "POST" || !strings.HasSuffix(c.Path, "/messages") {
			continue
		}
		n, _ := c.Body["nonce"].(string)
		if n == "" || len(n) > 25 || c.Body["enforce_nonce"] != true {
			t.Errorf("message sent with nonce %q, enforce_nonce %v; want a nonce of at most 25 characters, enforced", n, c.Body["enforce_nonce"])
		}
		nonces[n] = true
	}
	if len(nonces) != posted+1 {
		t.Errorf("%d distinct nonces, want one per message (%d) and the greeting", len(nonces), posted)
	}
	if DigestNonce("g1/c/2026-05-04", "part 0") == DigestNonce("g1/c/2026-05-05", "part 0") || DigestNonce("", "part 0") != "" {
		t.Error("DigestNonce() does not tell days apart, or gives a preview a nonce")
	}
}

// fakeDigestArticles knows one digest thread.
type fakeDigestArticles struct{}

func (fakeDigestArticles) ArticlesOf(_ context.Context, messageID string) ([]string, error) {
	if messageID == dgThread {
		return []string{"a2", "a1"}, nil
	}
	return nil, digest.ErrNoRun
}

func TestDigestThreadQuestionUsesDigestArticles(t *testing.T) {
	h := startDigestBot(t, &fakeDigests{}, fakeDigestArticles{})
	user := &discordgo.User{ID: "310000000000000003", Username: "reader"}
	n := h.srv.Len()
	h.srv.PushMessage(&discordgo.Message{ChannelID: dgThread, GuildID: dgGuild, Author: user, Content: "why did the bridge close?"})
	h.srv.Wait(n, func(c discordtest.Call) bool {
		return c.Method == "PATCH" && c.Params["channel"] == dgThread && strings.Contains(c.Content(), "**Sources**")
	})
	want := []rag.Request{{Question: "why did the bridge close?", Filter: news.Filter{Prefer: []string{"a2", "a1"}}}}
	if diff := cmp.Diff(want, h.ans.requests()); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
	// Elsewhere, plain messages are not answered.
	n = h.srv.Len()
	h.srv.PushMessage(&discordgo.Message{ChannelID: dgOther, GuildID: dgGuild, Author: user, Content: "chatting"})
	probe := h.srv.PushInteraction(digestSlash(discordtest.Member(user.ID, 0), "status"))
	h.srv.Wait(n, func(c discordtest.Call) bool { return c.Params["id"] == probe.ID })
	if got := len(h.ans.requests()); got != 1 {
		t.Errorf("answerer called %d times, want 1", got)
	}
}

func TestDigestThreadMentionPrefersDigestArticles(t *testing.T) {
	h := startDigestBot(t, &fakeDigests{}, fakeDigestArticles{})
	user := &discordgo.User{ID: "310000000000000003", Username: "reader"}
	bot := h.bot.botUser.Load()
	n := h.srv.Len()
	h.srv.PushMessage(&discordgo.Message{ChannelID: dgThread, GuildID: dgGuild, Author: user,
		Content: "<@" + bot.ID + "> why did the bridge close?", Mentions: []*discordgo.User{bot}})
	h.srv.Wait(n, func(c discordtest.Call) bool {
		return c.Method == "PATCH" && strings.Contains(c.Content(), "**Sources**")
	})
	reqs := h.ans.requests()
	if len(reqs) != 1 {
		t.Fatalf("answerer called %d times, want once: %+v", len(reqs), reqs)
	}
	if diff := cmp.Diff([]string{"a2", "a1"}, reqs[0].Filter.Prefer); diff != "" {
		t.Errorf("Prefer mismatch (-want +got):\n%s", diff)
	}
}
