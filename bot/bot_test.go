package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/internal/discordtest"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

func fedArticle() news.Article {
	return news.Article{
		ID: "fed-1", Title: "Fed holds rates steady", Outlet: "Reuters",
		URL: "https://example.com/fed", PublishedAt: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		Body: "The Federal Reserve held rates steady on Wednesday.",
	}
}

func ask(guild string, m *discordgo.Member, q string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	all := append([]*discordgo.ApplicationCommandInteractionDataOption{
		discordtest.Option("question", discordgo.ApplicationCommandOptionString, q),
	}, opts...)
	return discordtest.Slash(guild, channel, m, "ask", all...)
}

func TestRegistersCommands(t *testing.T) {
	h := start(t, func(_ *Deps, o *Options) { o.GuildID = guildA })
	put := h.srv.Wait(0, func(c discordtest.Call) bool { return c.Method == "PUT" })
	if put.Params["guild"] != guildA || put.Params["app"] != discordtest.AppID {
		t.Errorf("bulk overwrite params = %v, want app %s guild %s", put.Params, discordtest.AppID, guildA)
	}
	perms := map[string]any{}
	for _, c := range put.BodyList {
		m := c.(map[string]any)
		perms[m["name"].(string)] = m["default_member_permissions"]
	}
	manage := "32" // Manage Server
	want := map[string]any{"ask": nil, "ingest": manage, "feed": manage, "sources": nil, "forget": manage, "stats": nil, "help": nil}
	if diff := cmp.Diff(want, perms); diff != "" {
		t.Errorf("commands and default_member_permissions mismatch (-want +got):\n%s", diff)
	}
	if !h.bot.Ready() {
		t.Errorf("Ready() = false after READY")
	}
}

func TestAskStreamsAndCites(t *testing.T) {
	h := start(t, func(_ *Deps, o *Options) { o.EditInterval = time.Millisecond })
	h.lib.add(guildA, fedArticle())
	var pushed *discordgo.Interaction
	started := make(chan struct{})
	h.ans.set(func(ctx context.Context, ns string, req rag.Request, onDelta func(string)) (news.Answer, error) {
		<-started
		onDelta("The Fed held ")
		h.waitEdit(0, pushed, "The Fed held")
		onDelta("rates steady [1].")
		h.waitEdit(0, pushed, "rates steady [1]")
		return libraryAnswerer(h.lib)(ctx, ns, req, nil)
	})
	n := h.srv.Len()
	pushed = h.srv.PushInteraction(ask(guildA, plainMember(), "What did the Fed do?",
		discordtest.Option("outlet", discordgo.ApplicationCommandOptionString, "Reuters"),
		discordtest.Option("since", discordgo.ApplicationCommandOptionString, "2024-04-01")))
	close(started)
	final := h.waitEdit(n, pushed, "**Sources**")

	calls := h.srv.Calls()[n:]
	if !isCallback(pushed)(calls[0]) || callbackType(calls[0]) != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		t.Fatalf("first call after the interaction is not a deferral:\n%s", discordtest.Sprint(calls))
	}
	want := "According to Reuters, Fed holds rates steady [1].\n\n**Sources**\n[1] Fed holds rates steady — Reuters, 1 May 2024, <https://example.com/fed>"
	if diff := cmp.Diff(want, final.Content()); diff != "" {
		t.Errorf("final answer mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"vote:1:up", "vote:1:down", "sources:1"}, final.CustomIDs()); diff != "" {
		t.Errorf("buttons mismatch (-want +got):\n%s", diff)
	}
	got := h.ans.calls()
	if len(got) != 1 {
		t.Fatalf("answerer called %d times, want 1", len(got))
	}
	wantReq := rag.Request{Question: "What did the Fed do?", Filter: news.Filter{Outlets: []string{"Reuters"}, Since: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}}
	if diff := cmp.Diff(answerCall{NS: guildA, Req: wantReq}, got[0]); diff != "" {
		t.Errorf("answer request mismatch (-want +got):\n%s", diff)
	}
	h.fb.mu.Lock()
	defer h.fb.mu.Unlock()
	if len(h.fb.answers) != 1 || h.fb.answers[0].Question != "What did the Fed do?" || len(h.fb.answers[0].Answer.Sources) != 1 {
		t.Errorf("recorded answers = %+v", h.fb.answers)
	}
}

func TestLongAnswerIsSplit(t *testing.T) {
	h := start(t, nil)
	long := strings.Repeat("The committee voted to keep the target range unchanged [1]. ", 60)
	h.ans.set(func(context.Context, string, rag.Request, func(string)) (news.Answer, error) {
		return news.Answer{Text: long, Sources: []news.Source{{N: 1, Title: "T", URL: "https://example.com/t"}}}, nil
	})
	n := h.srv.Len()
	i := h.srv.PushInteraction(ask(guildA, plainMember(), "long?"))
	h.srv.Wait(n, func(c discordtest.Call) bool { return isFollowup(i)(c) && strings.Contains(c.Content(), "**Sources**") })
	var parts []string
	for _, c := range h.srv.Calls()[n:] {
		if isFollowup(i)(c) {
			parts = append(parts, c.Content())
		}
	}
	first := ""
	for _, c := range h.srv.Calls()[n:] {
		if isEditOriginal(i)(c) && strings.HasPrefix(c.Content(), "The committee") && !strings.HasSuffix(c.Content(), " …") {
			first = c.Content()
		}
	}
	all := append([]string{first}, parts...)
	cites := 0
	for _, p := range all {
		if n := len([]rune(p)); n > MessageLimit || n == 0 {
			t.Errorf("part of %d characters", n)
		}
		cites += strings.Count(p, "[1]")
	}
	if cites != 61 { // 60 in the text, 1 in Sources
		t.Errorf("citations across parts = %d, want 61", cites)
	}
}

func TestNoSourcesSuggestsIngest(t *testing.T) {
	h := start(t, nil)
	n := h.srv.Len()
	i := h.srv.PushInteraction(ask(guildA, plainMember(), "anything?"))
	h.waitEdit(n, i, "/ingest")
}

func TestGuildCannotSeeAnotherGuildsArticles(t *testing.T) {
	h := start(t, nil)
	h.lib.add(guildA, fedArticle())
	n := h.srv.Len()
	i := h.srv.PushInteraction(ask(guildB, plainMember(), "What did the Fed do?"))
	e := h.waitEdit(n, i, "/ingest")
	if strings.Contains(e.Content(), "Fed holds") {
		t.Errorf("guild B saw guild A's article: %q", e.Content())
	}
	i = h.srv.PushInteraction(discordtest.Slash(guildB, channel, plainMember(), "sources"))
	h.waitEdit(n, i, "library is empty")
	i = h.srv.PushInteraction(discordtest.Slash(guildA, channel, plainMember(), "sources"))
	h.waitEdit(n, i, "Fed holds rates steady")
	if got := h.ans.calls()[0].NS; got != guildB {
		t.Errorf("answer namespace = %q, want %q", got, guildB)
	}
}

func TestEveryoneInAnswerPingsNoOne(t *testing.T) {
	h := start(t, nil)
	h.ans.set(func(_ context.Context, _ string, _ rag.Request, onDelta func(string)) (news.Answer, error) {
		onDelta("@everyone ")
		return news.Answer{Text: "@everyone <@&1> <@2> look [1]", Sources: []news.Source{{N: 1, Title: "@here news", URL: "https://example.com/x"}}}, nil
	})
	n := h.srv.Len()
	i := h.srv.PushInteraction(ask(guildA, plainMember(), "ping?"))
	e := h.waitEdit(n, i, "**Sources**")
	// The text stays (a zero-width space after "@" and "<" keeps it from
	// forming a mention), and allowed_mentions forbids pings anyway.
	if want := "@\u200beveryone <\u200b@&1> <\u200b@2> look [1]"; !strings.HasPrefix(e.Content(), want) {
		t.Errorf("answer text = %q, want it to start with %q", e.Content(), want)
	}
	checkNoMentions(t, h.srv.Calls())
}

func TestBusyWhenCapReached(t *testing.T) {
	h := start(t, func(_ *Deps, o *Options) { o.MaxConcurrent = 1 })
	h.lib.add(guildA, fedArticle())
	release := make(chan struct{})
	inside := make(chan struct{})
	h.ans.set(func(ctx context.Context, ns string, req rag.Request, _ func(string)) (news.Answer, error) {
		if req.Question == "first" {
			close(inside)
			<-release
		}
		return libraryAnswerer(h.lib)(ctx, ns, req, nil)
	})
	n := h.srv.Len()
	first := h.srv.PushInteraction(ask(guildA, plainMember(), "first"))
	<-inside
	second := h.srv.PushInteraction(ask(guildA, managerMember(), "second"))
	busy := h.srv.Wait(n, isCallback(second))
	if callbackType(busy) != int(discordgo.InteractionResponseChannelMessageWithSource) || busy.Flags() != int(discordgo.MessageFlagsEphemeral) || !strings.Contains(busy.Content(), "busy") {
		t.Errorf("second interaction got %s, want an ephemeral busy reply", busy.Raw)
	}
	close(release)
	h.waitEdit(n, first, "**Sources**")
	for len(h.bot.slots) > 0 { // the first handler returns after its last edit
		time.Sleep(time.Millisecond)
	}
	// With the slot free again, a question is answered.
	third := h.srv.PushInteraction(ask(guildA, managerMember(), "third"))
	h.waitEdit(n, third, "**Sources**")
}

func TestRateLimitPerUser(t *testing.T) {
	h := start(t, func(_ *Deps, o *Options) { o.QuestionsPerMinute = 1 })
	h.lib.add(guildA, fedArticle())
	n := h.srv.Len()
	first := h.srv.PushInteraction(ask(guildA, plainMember(), "one"))
	h.waitEdit(n, first, "**Sources**")
	second := h.srv.PushInteraction(ask(guildA, plainMember(), "two"))
	c := h.srv.Wait(n, isCallback(second))
	if c.Flags() != int(discordgo.MessageFlagsEphemeral) || !strings.Contains(c.Content(), "faster than") {
		t.Errorf("second question got %s, want an ephemeral rate limit reply", c.Raw)
	}
	other := h.srv.PushInteraction(ask(guildA, managerMember(), "three"))
	h.waitEdit(n, other, "**Sources**")
}

func TestInternalErrorIsNotShown(t *testing.T) {
	h := start(t, nil)
	h.ans.set(func(context.Context, string, rag.Request, func(string)) (news.Answer, error) {
		return news.Answer{}, errSecret
	})
	n := h.srv.Len()
	i := h.srv.PushInteraction(ask(guildA, plainMember(), "boom?"))
	e := h.waitEdit(n, i, "went wrong")
	if strings.Contains(e.Content(), "secret") {
		t.Errorf("user saw the internal error: %q", e.Content())
	}
}

var errSecret = &secretError{}

type secretError struct{}

func (*secretError) Error() string { return "dial tcp 10.0.0.1: secret internal detail" }

func TestMentionAnsweredInThreadWithFollowUp(t *testing.T) {
	h := start(t, nil)
	h.lib.add(guildA, fedArticle())
	n := h.srv.Len()
	bot := &discordgo.User{ID: discordtest.BotUserID, Username: discordtest.BotName, Bot: true}
	user := &discordgo.User{ID: member, Username: "reader"}
	m := h.srv.PushMessage(&discordgo.Message{
		ChannelID: channel, GuildID: guildA, Author: user,
		Content: "<@" + bot.ID + "> what did the Fed do?", Mentions: []*discordgo.User{bot},
	})
	th := h.srv.Wait(n, func(c discordtest.Call) bool { return strings.HasSuffix(c.Path, "/messages/"+m.ID+"/threads") })
	if th.Params["channel"] != channel {
		t.Errorf("thread started in %q, want %q", th.Params["channel"], channel)
	}
	// The answer goes into the new thread: a placeholder, then the final edit.
	final := h.srv.Wait(n, func(c discordtest.Call) bool {
		return c.Method == "PATCH" && strings.Contains(c.Content(), "**Sources**")
	})
	thread := final.Params["channel"]
	if parent, ok := h.srv.ThreadParent(thread); !ok || parent != channel {
		t.Fatalf("answer edited in channel %q, not in the new thread", thread)
	}
	if got := h.ans.calls()[0].Req; got.Question != "what did the Fed do?" || len(got.History) != 0 {
		t.Errorf("first request = %+v", got)
	}
	// A follow-up in the thread, without a mention, carries the history.
	n = h.srv.Len()
	h.srv.PushMessage(&discordgo.Message{ChannelID: thread, GuildID: guildA, Author: user, Content: "and why?"})
	h.srv.Wait(n, func(c discordtest.Call) bool {
		return c.Method == "PATCH" && c.Params["channel"] == thread && strings.Contains(c.Content(), "**Sources**")
	})
	calls := h.ans.calls()
	if len(calls) != 2 {
		t.Fatalf("answerer called %d times, want 2", len(calls))
	}
	wantHist := []news.Message{
		{Role: "user", Content: "what did the Fed do?"},
		{Role: "assistant", Content: "According to Reuters, Fed holds rates steady [1]."},
	}
	if diff := cmp.Diff(rag.Request{Question: "and why?", History: wantHist}, calls[1].Req); diff != "" {
		t.Errorf("follow-up request mismatch (-want +got):\n%s", diff)
	}
	for _, c := range h.srv.Calls() {
		if strings.HasSuffix(c.Path, "/threads") && c.Params["channel"] == thread {
			t.Errorf("a follow-up started another thread: %s", c.Path)
		}
	}
	// Messages that do not mention the bot outside its threads are ignored.
	n = h.srv.Len()
	h.srv.PushMessage(&discordgo.Message{ChannelID: channel, GuildID: guildA, Author: user, Content: "chatting"})
	probe := h.srv.PushInteraction(discordtest.Slash(guildA, channel, plainMember(), "help"))
	h.srv.Wait(n, isCallback(probe))
	for _, c := range h.srv.Calls()[n:] {
		if c.Params["channel"] == channel {
			t.Errorf("bot answered an unrelated message: %s %s", c.Method, c.Path)
		}
	}
}

func TestIngestURLAndFile(t *testing.T) {
	h := start(t, nil)
	n := h.srv.Len()
	i := h.srv.PushInteraction(discordtest.Slash(guildA, channel, managerMember(), "ingest",
		discordtest.Option("url", discordgo.ApplicationCommandOptionString, "https://example.com/fed")))
	e := h.waitEdit(n, i, "Added")
	want := "Added **Fed holds rates** — Reuters, 1 May 2024: 812 words in 4 passages.\n<https://example.com/fed>"
	if diff := cmp.Diff(want, e.Content()); diff != "" {
		t.Errorf("url receipt mismatch (-want +got):\n%s", diff)
	}
	if cb := h.srv.Wait(n, isCallback(i)); callbackType(cb) != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		t.Errorf("ingest not deferred: %s", cb.Raw)
	}
	h.waitEdit(n, i, "Fetching <https://example.com/fed>")

	data := []byte("Markets rallied after the decision.")
	fileURL := h.srv.AddAttachment("markets.txt", "text/plain", data)
	in := discordtest.Slash(guildA, channel, managerMember(), "ingest",
		discordtest.Option("file", discordgo.ApplicationCommandOptionAttachment, "att1"))
	cd := in.Data.(discordgo.ApplicationCommandInteractionData)
	cd.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{
		"att1": {ID: "att1", Filename: "markets.txt", ContentType: "text/plain", URL: fileURL, Size: len(data)},
	}}
	in.Data = cd
	i = h.srv.PushInteraction(in)
	e = h.waitEdit(n, i, "Added")
	if diff := cmp.Diff("Added **markets**: 5 words in 1 passages.", e.Content()); diff != "" {
		t.Errorf("file receipt mismatch (-want +got):\n%s", diff)
	}
	h.ing.mu.Lock()
	defer h.ing.mu.Unlock()
	if got := string(h.ing.files["markets.txt"]); got != string(data) {
		t.Errorf("ingested file = %q, want %q", got, data)
	}
}

func TestIngestRefusedWithoutPermission(t *testing.T) {
	tests := []struct {
		name    string
		role    string
		member  *discordgo.Member
		refused bool
	}{
		{"plain member", "", plainMember(), true},
		{"member with another role", roleMods, discordtest.Member(member, 0, "999"), true},
		{"member with the manager role", roleMods, discordtest.Member(member, 0, roleMods), false},
		{"administrator", "", discordtest.Member(member, discordgo.PermissionAdministrator), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, func(_ *Deps, o *Options) { o.ManagerRoleID = tt.role })
			n := h.srv.Len()
			i := h.srv.PushInteraction(discordtest.Slash(guildA, channel, tt.member, "ingest",
				discordtest.Option("url", discordgo.ApplicationCommandOptionString, "https://example.com/x")))
			cb := h.srv.Wait(n, isCallback(i))
			if !tt.refused {
				h.waitEdit(n, i, "Added")
				return
			}
			if cb.Flags() != int(discordgo.MessageFlagsEphemeral) || !strings.Contains(cb.Content(), "Manage Server") {
				t.Errorf("refusal = %s, want ephemeral and saying why", cb.Raw)
			}
			h.ing.mu.Lock()
			defer h.ing.mu.Unlock()
			if len(h.ing.urls) != 0 {
				t.Errorf("ingester called for a refused member: %v", h.ing.urls)
			}
		})
	}
}

func TestIngestErrorReasons(t *testing.T) {
	h := start(t, func(d *Deps, o *Options) {
		o.ErrorReason = func(err error) string {
			if err == errSecret {
				return ""
			}
			return "that address is on a private network"
		}
	})
	h.ing.setErr(context.Canceled) // mapped to a readable reason by ErrorReason
	n := h.srv.Len()
	i := h.srv.PushInteraction(discordtest.Slash(guildA, channel, managerMember(), "ingest",
		discordtest.Option("url", discordgo.ApplicationCommandOptionString, "http://10.0.0.1/")))
	h.waitEdit(n, i, "I couldn't add that: that address is on a private network.")
	h.ing.setErr(errSecret)
	i = h.srv.PushInteraction(discordtest.Slash(guildA, channel, managerMember(), "ingest",
		discordtest.Option("url", discordgo.ApplicationCommandOptionString, "http://10.0.0.2/")))
	h.waitEdit(n, i, "went wrong")
	i = h.srv.PushInteraction(discordtest.Slash(guildA, channel, managerMember(), "ingest",
		discordtest.Option("url", discordgo.ApplicationCommandOptionString, "not a url")))
	if cb := h.srv.Wait(n, isCallback(i)); !strings.Contains(cb.Content(), "web address") {
		t.Errorf("bad url reply = %s", cb.Raw)
	}
}

func TestForgetWithAutocomplete(t *testing.T) {
	h := start(t, nil)
	h.lib.add(guildA, fedArticle())
	h.lib.add(guildA, news.Article{ID: "ecb-1", Title: "ECB cuts", Outlet: "FT"})
	h.lib.add(guildB, news.Article{ID: "fed-b", Title: "Fed elsewhere", Outlet: "AP"})
	n := h.srv.Len()
	ac := h.srv.PushInteraction(discordtest.Autocomplete(guildA, channel, managerMember(), "forget", discordtest.Focused("article", "fed")))
	cb := h.srv.Wait(n, isCallback(ac))
	want := []any{map[string]any{"name": "Fed holds rates steady — Reuters", "value": "fed-1"}}
	if diff := cmp.Diff(want, cb.Body["data"].(map[string]any)["choices"]); diff != "" {
		t.Errorf("autocomplete choices mismatch (-want +got):\n%s", diff)
	}
	i := h.srv.PushInteraction(discordtest.Slash(guildA, channel, managerMember(), "forget",
		discordtest.Option("article", discordgo.ApplicationCommandOptionString, "fed-1")))
	h.waitEdit(n, i, "Forgot **Fed holds rates steady**")
	if arts, _, _ := h.lib.Articles(context.Background(), guildA, "", 0, 10); len(arts) != 1 || arts[0].ID != "ecb-1" {
		t.Errorf("library after forget = %+v", arts)
	}
	// Another guild's article cannot be forgotten from here.
	i = h.srv.PushInteraction(discordtest.Slash(guildA, channel, managerMember(), "forget",
		discordtest.Option("article", discordgo.ApplicationCommandOptionString, "fed-b")))
	h.waitEdit(n, i, "no such article")
	// Members without the permission get no choices.
	ac = h.srv.PushInteraction(discordtest.Autocomplete(guildA, channel, plainMember(), "forget", discordtest.Focused("article", "")))
	cb = h.srv.Wait(n, isCallback(ac))
	if diff := cmp.Diff([]any{}, cb.Body["data"].(map[string]any)["choices"]); diff != "" {
		t.Errorf("choices for a plain member mismatch (-want +got):\n%s", diff)
	}
}

func TestSourcesPaging(t *testing.T) {
	h := start(t, nil)
	for k := range 23 {
		h.lib.add(guildA, news.Article{ID: "a" + string(rune('a'+k)), Title: "Story " + string(rune('A'+k)), Outlet: "AP"})
	}
	n := h.srv.Len()
	i := h.srv.PushInteraction(discordtest.Slash(guildA, channel, plainMember(), "sources"))
	e := h.waitEdit(n, i, "page 1 of 3")
	if !strings.Contains(e.Content(), "[1] Story A — AP") || strings.Contains(e.Content(), "Story K") {
		t.Errorf("page 1 = %q", e.Content())
	}
	ids := e.CustomIDs()
	if diff := cmp.Diff([]string{"page:-1:", "page:10:"}, ids); diff != "" {
		t.Fatalf("page buttons mismatch (-want +got):\n%s", diff)
	}
	click := h.srv.PushInteraction(discordtest.Button(guildA, channel, plainMember(), ids[1]))
	cb := h.srv.Wait(n, isCallback(click))
	if callbackType(cb) != int(discordgo.InteractionResponseUpdateMessage) || !strings.Contains(cb.Content(), "page 2 of 3") || !strings.Contains(cb.Content(), "[11] Story K") {
		t.Errorf("next page = %s", cb.Raw)
	}
	click = h.srv.PushInteraction(discordtest.Button(guildA, channel, plainMember(), "page:20:"))
	cb = h.srv.Wait(n, isCallback(click))
	if diff := cmp.Diff([]string{"page:10:", "page:-2:"}, cb.CustomIDs()); diff != "" || !strings.Contains(cb.Content(), "page 3 of 3") {
		t.Errorf("last page = %s (buttons -want +got:\n%s)", cb.Raw, diff)
	}
	// Search narrows the list and is kept in the buttons.
	i = h.srv.PushInteraction(discordtest.Slash(guildA, channel, plainMember(), "sources",
		discordtest.Option("search", discordgo.ApplicationCommandOptionString, "story b")))
	e = h.waitEdit(n, i, "1 articles")
	if !strings.Contains(e.Content(), "Story B") {
		t.Errorf("search result = %q", e.Content())
	}
}

func TestFeedbackButtons(t *testing.T) {
	h := start(t, nil)
	h.lib.add(guildA, fedArticle())
	n := h.srv.Len()
	i := h.srv.PushInteraction(ask(guildA, plainMember(), "What did the Fed do?"))
	final := h.waitEdit(n, i, "**Sources**")
	ids := final.CustomIDs()
	if len(ids) != 3 {
		t.Fatalf("buttons = %v", ids)
	}
	up := h.srv.PushInteraction(discordtest.Button(guildA, channel, managerMember(), ids[0]))
	cb := h.srv.Wait(n, isCallback(up))
	if cb.Flags() != int(discordgo.MessageFlagsEphemeral) {
		t.Errorf("vote reply not ephemeral: %s", cb.Raw)
	}
	down := h.srv.PushInteraction(discordtest.Button(guildA, channel, plainMember(), ids[1]))
	h.srv.Wait(n, isCallback(down))
	h.fb.mu.Lock()
	votes := h.fb.votes[1]
	h.fb.mu.Unlock()
	if diff := cmp.Diff(map[string]int{manager: 1, member: -1}, votes); diff != "" {
		t.Errorf("votes mismatch (-want +got):\n%s", diff)
	}
	src := h.srv.PushInteraction(discordtest.Button(guildA, channel, plainMember(), ids[2]))
	cb = h.srv.Wait(n, isCallback(src))
	if cb.Flags() != int(discordgo.MessageFlagsEphemeral) {
		t.Errorf("sources not ephemeral: %s", cb.Raw)
	}
	e := h.waitEdit(n, src, "> The Federal Reserve held rates steady on Wednesday.")
	if !strings.Contains(e.Content(), "**[1] Fed holds rates steady — Reuters") {
		t.Errorf("sources reply = %q", e.Content())
	}
	// Another guild cannot read this answer's sources.
	other := h.srv.PushInteraction(discordtest.Button(guildB, channel, plainMember(), ids[2]))
	h.waitEdit(n, other, "no longer have")
}

func TestFeedsStatsHelp(t *testing.T) {
	h := start(t, nil)
	h.lib.add(guildA, fedArticle())
	n := h.srv.Len()
	feed := func(sub string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
		return h.srv.PushInteraction(discordtest.Slash(guildA, channel, managerMember(), "feed",
			&discordgo.ApplicationCommandInteractionDataOption{Name: sub, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}))
	}
	url := discordtest.Option("url", discordgo.ApplicationCommandOptionString, "https://example.com/rss")
	h.waitEdit(n, feed("add", url), "Following **Example News** <https://example.com/rss>")
	h.waitEdit(n, feed("list"), "• **Example News** <https://example.com/rss>")
	h.waitEdit(n, feed("remove", url), "Stopped following")
	h.waitEdit(n, feed("remove", url), "doesn't follow")
	h.waitEdit(n, feed("list"), "follows no feeds")

	i := h.srv.PushInteraction(discordtest.Slash(guildA, channel, plainMember(), "stats"))
	e := h.waitEdit(n, i, "**Library:** 1 articles in 3 passages")
	for _, want := range []string{"**Feeds followed:** 0", "**Questions this week:** 0", "**Embedder:** built-in"} {
		if !strings.Contains(e.Content(), want) {
			t.Errorf("stats %q lacks %q", e.Content(), want)
		}
	}
	i = h.srv.PushInteraction(discordtest.Slash(guildA, channel, plainMember(), "help"))
	cb := h.srv.Wait(n, isCallback(i))
	if !strings.Contains(cb.Content(), "/ask") || cb.Flags() != int(discordgo.MessageFlagsEphemeral) {
		t.Errorf("help = %s", cb.Raw)
	}
}

func TestShutdownDuringAnswer(t *testing.T) {
	tests := []struct {
		name   string
		grace  time.Duration
		finish bool // the answer finishes during the grace period
		want   string
	}{
		{"interrupted after grace", 20 * time.Millisecond, false, "interrupted"},
		{"finishes within grace", time.Minute, true, "**Sources**"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, func(_ *Deps, o *Options) { o.GracePeriod = tt.grace })
			h.lib.add(guildA, fedArticle())
			inside := make(chan struct{})
			h.ans.set(func(ctx context.Context, ns string, req rag.Request, _ func(string)) (news.Answer, error) {
				close(inside)
				if tt.finish {
					for h.bot.Ready() { // until shutdown starts
						time.Sleep(time.Millisecond)
					}
					return libraryAnswerer(h.lib)(ctx, ns, req, nil)
				}
				<-ctx.Done()
				return news.Answer{}, ctx.Err()
			})
			n := h.srv.Len()
			i := h.srv.PushInteraction(ask(guildA, plainMember(), "slow?"))
			<-inside
			if err := h.stop(); err != nil {
				t.Errorf("Run() error = %v", err)
			}
			// Run has returned: the final edit was already sent.
			var last discordtest.Call
			for _, c := range h.srv.Calls()[n:] {
				if isEditOriginal(i)(c) {
					last = c
				}
			}
			if !strings.Contains(last.Content(), tt.want) {
				t.Errorf("last edit = %q, want it to contain %q", last.Content(), tt.want)
			}
		})
	}
}

func TestGuildOnlyAndUnknown(t *testing.T) {
	h := start(t, nil)
	n := h.srv.Len()
	i := h.srv.PushInteraction(discordtest.Slash("", channel, nil, "ask"))
	if cb := h.srv.Wait(n, isCallback(i)); !strings.Contains(cb.Content(), "only work in servers") {
		t.Errorf("DM reply = %s", cb.Raw)
	}
	i = h.srv.PushInteraction(discordtest.Slash(guildA, channel, plainMember(), "nope"))
	if cb := h.srv.Wait(n, isCallback(i)); !strings.Contains(cb.Content(), "/help") {
		t.Errorf("unknown command reply = %s", cb.Raw)
	}
}

func TestShutdownDuringIngest(t *testing.T) {
	h := start(t, func(_ *Deps, o *Options) { o.GracePeriod = 10 * time.Millisecond })
	inside := make(chan struct{})
	h.ing.hook = func(ctx context.Context) error {
		close(inside)
		<-ctx.Done()
		return ctx.Err()
	}
	n := h.srv.Len()
	i := h.srv.PushInteraction(discordtest.Slash(guildA, channel, managerMember(), "ingest",
		discordtest.Option("url", discordgo.ApplicationCommandOptionString, "https://example.com/slow")))
	<-inside
	if err := h.stop(); err != nil {
		t.Errorf("Run() error = %v", err)
	}
	var last discordtest.Call
	for _, c := range h.srv.Calls()[n:] {
		if isEditOriginal(i)(c) {
			last = c
		}
	}
	if !strings.Contains(last.Content(), "interrupted") {
		t.Errorf("last edit = %q, want it to say the ingest was interrupted", last.Content())
	}
}

func TestThreadResumedAfterRestart(t *testing.T) {
	h := start(t, nil)
	h.lib.add(guildA, fedArticle())
	n := h.srv.Len()
	bot := &discordgo.User{ID: discordtest.BotUserID, Username: discordtest.BotName, Bot: true}
	user := &discordgo.User{ID: member, Username: "reader"}
	m := h.srv.PushMessage(&discordgo.Message{
		ChannelID: channel, GuildID: guildA, Author: user,
		Content: "<@" + bot.ID + "> what did the Fed do?", Mentions: []*discordgo.User{bot},
	})
	edit := h.srv.Wait(n, func(c discordtest.Call) bool {
		return c.Method == "PATCH" && strings.Contains(c.Content(), "**Sources**")
	})
	// The fake records a call before it applies it: wait until the
	// answer's edit is in the thread's history the bot will read back.
	h.srv.WaitUntil("the answer in the thread's history", func() bool {
		return slices.ContainsFunc(h.srv.Messages(edit.Params["channel"]), func(m *discordgo.Message) bool {
			return strings.Contains(m.Content, "**Sources**")
		})
	})
	// The bot forgets its threads, as after a restart.
	h.bot.convs.mu.Lock()
	h.bot.convs.lru.Init()
	clear(h.bot.convs.byID)
	h.bot.convs.mu.Unlock()

	// A follow-up without a mention is not recognised...
	h.srv.PushMessage(&discordgo.Message{ChannelID: m.ID, GuildID: guildA, Author: user, Content: "ignored"})
	// ...but one with a mention is, with the history rebuilt from Discord.
	n = h.srv.Len()
	h.srv.PushMessage(&discordgo.Message{ChannelID: m.ID, GuildID: guildA, Author: user,
		Content: "<@" + bot.ID + "> and why?", Mentions: []*discordgo.User{bot}})
	h.srv.Wait(n, func(c discordtest.Call) bool {
		return c.Method == "PATCH" && c.Params["channel"] == m.ID && strings.Contains(c.Content(), "**Sources**")
	})
	calls := h.ans.calls()
	if len(calls) != 2 {
		t.Fatalf("answerer called %d times, want 2", len(calls))
	}
	want := rag.Request{Question: "and why?", History: []news.Message{
		{Role: "user", Content: "what did the Fed do?"},
		{Role: "assistant", Content: "According to Reuters, Fed holds rates steady [1]."},
		{Role: "user", Content: "ignored"},
	}}
	if diff := cmp.Diff(want, calls[1].Req); diff != "" {
		t.Errorf("resumed request mismatch (-want +got):\n%s", diff)
	}
	for _, c := range h.srv.Calls()[n:] {
		if strings.HasSuffix(c.Path, "/threads") {
			t.Errorf("a follow-up started another thread: %s", c.Path)
		}
	}
}
