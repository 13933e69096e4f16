package bot

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gazettebot/gazette/internal/discordtest"
)

func TestNewSessionRoutesThroughAPIURL(t *testing.T) {
	tests := []struct {
		name     string
		mount    string // the proxy's path prefix
		wantPath string
	}{
		{"root", "", "/api/v9/gateway"},
		{"prefix", "/discord/", "/discord/api/v9/gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotPath, gotAuth string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotPath, gotAuth = r.URL.Path, r.Header.Get("Authorization")
				_, _ = io.WriteString(w, `{"url":"wss://gateway.example"}`)
			}))
			t.Cleanup(srv.Close)
			s, err := NewSession("abc", srv.URL+tt.mount, SessionOptions{})
			if err != nil {
				t.Fatal(err)
			}
			gw, err := s.Gateway()
			if err != nil {
				t.Fatalf("Gateway() error = %v", err)
			}
			if gw != "wss://gateway.example/" || gotPath != tt.wantPath || gotAuth != "Bot abc" {
				t.Errorf("Gateway() = %q via %q with auth %q, want path %q", gw, gotPath, gotAuth, tt.wantPath)
			}
		})
	}
}

func TestNewSessionOptions(t *testing.T) {
	s, err := NewSession("Bot abc", "", SessionOptions{ShardID: 1, ShardCount: 3})
	if err != nil {
		t.Fatal(err)
	}
	if s.Token != "Bot abc" || s.ShardID != 1 || s.ShardCount != 3 || *s.Identify.Shard != [2]int{1, 3} {
		t.Errorf("session = token %q shard %d/%d identify %v", s.Token, s.ShardID, s.ShardCount, s.Identify.Shard)
	}
	if s.Identify.Intents != Intents || Intents&discordgo.IntentsMessageContent == 0 {
		t.Errorf("intents = %d, want %d with message content", s.Identify.Intents, Intents)
	}
	for _, bad := range []struct {
		token, url string
		opts       SessionOptions
	}{
		{"", "", SessionOptions{}},
		{"t", "ftp://x", SessionOptions{}},
		{"t", "", SessionOptions{ShardID: 3, ShardCount: 3}},
	} {
		if _, err := NewSession(bad.token, bad.url, bad.opts); err == nil {
			t.Errorf("NewSession(%q, %q, %+v) error = nil", bad.token, bad.url, bad.opts)
		}
	}
}

func TestRewriteLeavesOtherHosts(t *testing.T) {
	var hits []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits = append(hits, r.Host+r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	s, err := NewSession("t", "http://127.0.0.1:1", SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// An attachment on another host is fetched where it is.
	resp, err := s.Client.Get(srv.URL + "/file.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(hits) != 1 || !strings.HasSuffix(hits[0], "/file.txt") {
		t.Errorf("hits = %v", hits)
	}
}

func TestAdminHandler(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	m.Questions.WithLabelValues("slash", "answered").Inc()
	m.FeedPolled("ok")
	var ready atomic.Bool
	srv := httptest.NewServer(AdminHandler(reg, ready.Load))
	t.Cleanup(srv.Close)
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	type result struct {
		Code int
		Has  bool
	}
	check := func(path, want string, code int) {
		t.Helper()
		c, body := get(path)
		if diff := cmp.Diff(result{code, true}, result{c, strings.Contains(body, want)}); diff != "" {
			t.Errorf("GET %s mismatch (-want +got):\n%s\n%s", path, diff, body)
		}
	}
	check("/healthz", "ok", 200)
	check("/readyz", "not ready", 503)
	ready.Store(true)
	check("/readyz", "ready", 200)
	check("/metrics", `gazette_questions_total{outcome="answered",source="slash"} 1`, 200)
	check("/metrics", `gazette_feed_polls_total{outcome="ok"} 1`, 200)
}

func TestInviteURL(t *testing.T) {
	want := "https://discord.com/oauth2/authorize?client_id=123&scope=bot+applications.commands&permissions=309237713920"
	if got := InviteURL("123"); got != want {
		t.Errorf("InviteURL() = %q, want %q", got, want)
	}
}

func TestRunExplainsDisallowedIntents(t *testing.T) {
	srv := discordtest.New(t)
	srv.RejectIdentify(4014, "Disallowed intent(s).")
	s, err := NewSession("t", srv.URL, SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.ShouldReconnectOnError = false
	s.LogLevel = -1
	b := New(Deps{Answerer: &fakeAnswerer{}, Library: newFakeLibrary()}, Options{})
	err = b.Run(t.Context(), s)
	if err == nil || !strings.Contains(err.Error(), "Message Content intent") {
		t.Errorf("Run() error = %v, want a hint about the Message Content intent", err)
	}
	for _, c := range srv.Calls() {
		if c.Method == http.MethodPut {
			t.Errorf("commands registered although the gateway refused: %s", c.Path)
		}
	}
}
