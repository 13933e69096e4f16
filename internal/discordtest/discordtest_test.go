package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"
)

// recordingTB captures Errorf so a test can check that the fake reports
// unknown routes.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestSessionRoundTrip(t *testing.T) {
	srv := New(t)
	sess, err := discordgo.New("Bot test-token")
	if err != nil {
		t.Fatal(err)
	}
	sess.Client = srv.Client()
	sess.ShouldReconnectOnError = false
	sess.Identify.Shard = &[2]int{1, 2}
	got := make(chan *discordgo.InteractionCreate, 1)
	sess.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { got <- i })
	if err := sess.Open(); err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	t.Cleanup(func() { _ = sess.Close() })
	id := <-srv.Identifies
	if diff := cmp.Diff([]any{1.0, 2.0}, id["shard"]); diff != "" {
		t.Errorf("identify shard mismatch (-want +got):\n%s", diff)
	}
	if sess.State.User == nil || sess.State.User.ID != BotUserID {
		t.Errorf("READY user = %+v, want id %s", sess.State.User, BotUserID)
	}

	srv.WaitConnected()
	pushed := srv.PushInteraction(Slash("g1", "c1", Member("u1", 0), "ask",
		Option("question", discordgo.ApplicationCommandOptionString, "why?")))
	i := <-got
	if i.ApplicationCommandData().Name != "ask" || i.ApplicationCommandData().Options[0].StringValue() != "why?" {
		t.Fatalf("interaction data = %+v", i.ApplicationCommandData())
	}
	n := srv.Len()
	if err := sess.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{AllowedMentions: &discordgo.MessageAllowedMentions{}},
	}); err != nil {
		t.Fatalf("InteractionRespond() error = %v", err)
	}
	content := "hello"
	if _, err := sess.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: &content}); err != nil {
		t.Fatalf("InteractionResponseEdit() error = %v", err)
	}
	cb := srv.Wait(n, func(c Call) bool { return strings.HasSuffix(c.Path, "/callback") })
	if cb.Params["id"] != pushed.ID || cb.Params["token"] != pushed.Token {
		t.Errorf("callback params = %v, want id %s token %s", cb.Params, pushed.ID, pushed.Token)
	}
	if cb.AllowedMentions() == nil {
		t.Errorf("callback allowed_mentions missing: %s", cb.Raw)
	}
	edit := srv.Wait(n, func(c Call) bool { return c.Method == http.MethodPatch })
	if edit.Content() != "hello" || edit.Params["message"] != "@original" {
		t.Errorf("edit = %+v", edit)
	}

	m, err := sess.ChannelMessageSend("c1", "one")
	if err != nil {
		t.Fatal(err)
	}
	th, err := sess.MessageThreadStart("c1", m.ID, "topic", 60)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := srv.ThreadParent(th.ID); !ok || p != "c1" {
		t.Errorf("ThreadParent(%s) = %q, %v", th.ID, p, ok)
	}
	msgs, err := sess.ChannelMessages("c1", 10, "", "", "")
	if err != nil || len(msgs) != 1 || msgs[0].Content != "one" {
		t.Errorf("ChannelMessages() = %v, %v", msgs, err)
	}
	cmds, err := sess.ApplicationCommandBulkOverwrite(AppID, "g1", []*discordgo.ApplicationCommand{{Name: "ask", Description: "Ask"}})
	if err != nil || len(cmds) != 1 || cmds[0].ID == "" || cmds[0].GuildID != "g1" {
		t.Errorf("ApplicationCommandBulkOverwrite() = %v, %v", cmds, err)
	}
}

func TestUnknownRouteFails(t *testing.T) {
	rec := &recordingTB{TB: t}
	srv := New(rec)
	sess, _ := discordgo.New("Bot test-token")
	sess.Client = srv.Client()
	if _, err := sess.Guild("g1"); err == nil {
		t.Errorf("Guild() error = nil, want 404")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "unknown route GET /api/v9/guilds/g1") {
		t.Errorf("errors = %q, want one unknown route", rec.errs)
	}
}

func TestCallHelpers(t *testing.T) {
	c := Call{Body: map[string]any{
		"type": 4.0,
		"data": map[string]any{
			"content":          "hi",
			"flags":            64.0,
			"allowed_mentions": map[string]any{"parse": []any{}},
			"components": []any{map[string]any{"type": 1.0, "components": []any{
				map[string]any{"type": 2.0, "custom_id": "a"},
				map[string]any{"type": 2.0, "custom_id": "b"},
			}}},
		},
	}}
	if c.Content() != "hi" || c.Flags() != 64 || c.AllowedMentions() == nil {
		t.Errorf("helpers = %q %d %v", c.Content(), c.Flags(), c.AllowedMentions())
	}
	if diff := cmp.Diff([]string{"a", "b"}, c.CustomIDs()); diff != "" {
		t.Errorf("CustomIDs mismatch (-want +got):\n%s", diff)
	}
}

func TestNonceAndHeldMessages(t *testing.T) {
	srv := New(t)
	post := func(body string) *discordgo.Message {
		t.Helper()
		resp, err := srv.Client().Post(srv.URL+"/api/v9/channels/77/messages", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m discordgo.Message
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			t.Fatal(err)
		}
		return &m
	}
	a := post(`{"content":"one","nonce":"n1","enforce_nonce":true}`)
	b := post(`{"content":"one again","nonce":"n1","enforce_nonce":true}`)
	if a.ID != b.ID || b.Content != "one" {
		t.Errorf("second send with the nonce = %s %q, want the first message %s", b.ID, b.Content, a.ID)
	}
	c := post(`{"content":"same nonce, not enforced","nonce":"n1"}`)
	if c.ID == a.ID {
		t.Error("a send without enforce_nonce returned the earlier message")
	}
	if n := len(srv.Messages("77")); n != 2 {
		t.Errorf("%d messages created, want 2", n)
	}

	// A held message is created at release, though its sender gave up.
	release := srv.HoldMessages("77")
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/api/v9/channels/77/messages",
		strings.NewReader(`{"content":"held","nonce":"n2","enforce_nonce":true}`))
	req.Header.Set("Content-Type", "application/json")
	done := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	srv.Wait(0, func(c Call) bool { return c.Body["content"] == "held" })
	cancel()
	if err := <-done; err == nil {
		t.Error("a held send answered before its release")
	}
	if n := len(srv.Messages("77")); n != 2 {
		t.Errorf("%d messages before the release, want 2", n)
	}
	release()
	for len(srv.Messages("77")) < 3 {
		time.Sleep(time.Millisecond)
	}
	d := post(`{"content":"held, sent again","nonce":"n2","enforce_nonce":true}`)
	if d.Content != "held" || len(srv.Messages("77")) != 3 {
		t.Errorf("send after the release = %q with %d messages; want the held message, 3 messages", d.Content, len(srv.Messages("77")))
	}
}
