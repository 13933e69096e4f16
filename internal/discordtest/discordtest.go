// Package discordtest is a fake Discord for tests: an HTTP server that speaks
// the REST routes the bot uses and the gateway websocket (hello, identify,
// ready, heartbeats, dispatches), records every call with its decoded body,
// and fails the test on a route it does not know.
//
// Point a real discordgo session at it with [Server.Client] (or any
// transport that rewrites https://discord.com to [Server.URL]); the gateway
// URL comes from GET /api/v9/gateway, so Open connects to the fake gateway.
package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Fixed identities of the fake.
const (
	AppID     = "900000000000000001"
	BotUserID = "900000000000000002"
	BotName   = "gazette"
)

// api is the REST prefix discordgo uses.
var api = "/api/v" + discordgo.APIVersion

// WaitTimeout bounds every Wait; it guards against a hung test, it is not a
// performance assertion.
var WaitTimeout = 30 * time.Second

// Call is one recorded REST request.
type Call struct {
	Seq    int
	Method string
	// Route is the matched pattern, e.g. "POST /api/v9/interactions/{id}/{token}/callback".
	Route string
	Path  string
	Query url.Values
	// Params holds the path wildcards by name (id, token, channel, message…).
	Params map[string]string
	// Body is the decoded JSON body (for multipart requests, the payload_json
	// part); nil when there was none.
	Body map[string]any
	// BodyList is set instead of Body when the JSON body is an array.
	BodyList []any
	Raw      []byte
	At       time.Time
}

// Content returns the message content in the call's body, looking inside an
// interaction callback's data too.
func (c Call) Content() string {
	if c.Body == nil {
		return ""
	}
	if d, ok := c.Body["data"].(map[string]any); ok {
		s, _ := d["content"].(string)
		return s
	}
	s, _ := c.Body["content"].(string)
	return s
}

// AllowedMentions returns the allowed_mentions object of the call's body
// (inside data for interaction callbacks), or nil when absent.
func (c Call) AllowedMentions() map[string]any {
	if c.Body == nil {
		return nil
	}
	b := c.Body
	if d, ok := b["data"].(map[string]any); ok {
		b = d
	}
	am, _ := b["allowed_mentions"].(map[string]any)
	return am
}

// Flags returns the message flags of the call's body (inside data for
// interaction callbacks).
func (c Call) Flags() int {
	if c.Body == nil {
		return 0
	}
	b := c.Body
	if d, ok := b["data"].(map[string]any); ok {
		b = d
	}
	f, _ := b["flags"].(float64)
	return int(f)
}

// CustomIDs returns the custom ids of every component in the call's body.
func (c Call) CustomIDs() []string {
	if c.Body == nil {
		return nil
	}
	b := c.Body
	if d, ok := b["data"].(map[string]any); ok {
		b = d
	}
	var ids []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if id, ok := x["custom_id"].(string); ok && id != "" {
				ids = append(ids, id)
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(b["components"])
	return ids
}

// Server is a fake Discord.
type Server struct {
	// URL is the base of the fake, e.g. http://127.0.0.1:1234.
	URL string
	// Identifies receives every IDENTIFY payload's "d" object.
	Identifies chan map[string]any

	t   testing.TB
	srv *httptest.Server

	mu          sync.Mutex
	calls       []Call
	changed     chan struct{} // closed and replaced on every new call
	conns       []*gatewayConn
	nextID      int64
	messages    map[string][]*discordgo.Message // by channel, oldest first
	attachments map[string]attachment
	threads     map[string]string // thread id -> parent channel
	// nonces maps the nonce of each message created with enforce_nonce
	// to the message (Discord remembers them a few minutes; the fake for
	// the whole test).
	nonces map[string]*discordgo.Message
	// held gates the message creations of a channel (see HoldMessages);
	// closing is closed when the server closes, ending every hold.
	held    map[string]chan struct{}
	closing chan struct{}
	// Handlers, when set for a route pattern, replace the default response.
	overrides map[string]http.HandlerFunc
	// rejectCode, when set, closes the gateway on IDENTIFY with this code.
	rejectCode int
	rejectText string
}

// RejectIdentify makes the gateway answer IDENTIFY by closing the
// connection with code and text, as Discord does for disallowed intents
// (4014) or a bad token (4004).
func (s *Server) RejectIdentify(code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectCode, s.rejectText = code, text
}

type attachment struct {
	contentType string
	data        []byte
}

type gatewayConn struct {
	mu   sync.Mutex
	ws   *websocket.Conn
	seq  int
	done chan struct{}
	// shard and shards are what the session identified with ([0, 1]
	// when it sent none): it receives the events of the guilds whose
	// (guild_id >> 22) % shards is shard, as from Discord.
	shard, shards int
}

// serves reports whether the connection's shard receives the events of
// guild (every connection receives events without a guild).
func (gc *gatewayConn) serves(guild string) bool {
	id, err := strconv.ParseUint(guild, 10, 64)
	if guild == "" || err != nil || gc.shards <= 1 {
		return true
	}
	return int((id>>22)%uint64(gc.shards)) == gc.shard
}

// New starts a fake Discord; it is closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		t:           t,
		Identifies:  make(chan map[string]any, 16),
		changed:     make(chan struct{}),
		nextID:      1000,
		messages:    map[string][]*discordgo.Message{},
		attachments: map[string]attachment{},
		threads:     map[string]string{},
		nonces:      map[string]*discordgo.Message{},
		held:        map[string]chan struct{}{},
		closing:     make(chan struct{}),
		overrides:   map[string]http.HandlerFunc{},
	}
	mux := http.NewServeMux()
	routes := map[string]http.HandlerFunc{
		"GET " + api + "/gateway":                                                     s.gateway,
		"GET " + api + "/gateway/bot":                                                 s.gatewayBot,
		"GET " + api + "/users/@me":                                                   s.me,
		"PUT " + api + "/applications/{app}/commands":                                 s.bulkOverwrite,
		"PUT " + api + "/applications/{app}/guilds/{guild}/commands":                  s.bulkOverwrite,
		"POST " + api + "/interactions/{id}/{token}/callback":                         s.noContent,
		"PATCH " + api + "/webhooks/{app}/{token}/messages/{message}":                 s.webhookEdit,
		"POST " + api + "/webhooks/{app}/{token}":                                     s.webhookExecute,
		"DELETE " + api + "/webhooks/{app}/{token}/messages/{message}":                s.noContent,
		"POST " + api + "/channels/{channel}/messages":                                s.channelSend,
		"PATCH " + api + "/channels/{channel}/messages/{message}":                     s.channelEdit,
		"GET " + api + "/channels/{channel}/messages":                                 s.channelMessages,
		"GET " + api + "/channels/{channel}":                                          s.channel,
		"GET " + api + "/channels/{channel}/messages/{message}":                       s.channelMessage,
		"POST " + api + "/channels/{channel}/messages/{message}/threads":              s.threadStart,
		"POST " + api + "/channels/{channel}/typing":                                  s.noContent,
		"PUT " + api + "/channels/{channel}/messages/{message}/reactions/{emoji}/@me": s.noContent,
	}
	for pattern, h := range routes {
		mux.HandleFunc(pattern, s.record(pattern, h))
	}
	mux.HandleFunc("GET /gateway/{$}", s.gatewayWS)
	mux.HandleFunc("GET /attachments/{name}", s.serveAttachment)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("discordtest: unknown route %s %s", r.Method, r.URL.Path)
		http.Error(w, `{"message":"unknown route","code":0}`, http.StatusNotFound)
	})
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Close disconnects every gateway connection and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	select {
	case <-s.closing:
	default:
		close(s.closing)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.mu.Lock()
		_ = c.ws.Close()
		c.mu.Unlock()
	}
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Client returns an HTTP client whose transport sends every request for
// https://discord.com (and any other host) to the fake.
func (s *Server) Client() *http.Client {
	u, _ := url.Parse(s.URL)
	return &http.Client{Transport: rewrite{target: u, next: http.DefaultTransport}}
}

type rewrite struct {
	target *url.URL
	next   http.RoundTripper
}

func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme = rw.target.Scheme
	r.URL.Host = rw.target.Host
	r.Host = rw.target.Host
	return rw.next.RoundTrip(r)
}

// Handle replaces the response of a known route pattern (as listed in New,
// e.g. "POST /api/v9/interactions/{id}/{token}/callback"); the call is still
// recorded.
func (s *Server) Handle(pattern string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.overrides[pattern] = h
}

func (s *Server) record(pattern string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c := Call{
			Method: r.Method,
			Route:  pattern,
			Path:   r.URL.Path,
			Query:  r.URL.Query(),
			Params: map[string]string{},
			Raw:    raw,
			At:     time.Now(),
		}
		for _, name := range []string{"app", "guild", "id", "token", "message", "channel", "emoji"} {
			if v := r.PathValue(name); v != "" {
				c.Params[name] = v
			}
		}
		payload := raw
		if mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && strings.HasPrefix(mt, "multipart/") {
			payload = multipartJSON(raw, params["boundary"])
		}
		if len(payload) > 0 {
			var v any
			if err := json.Unmarshal(payload, &v); err != nil {
				s.t.Errorf("discordtest: %s %s: body is not JSON: %v", r.Method, r.URL.Path, err)
			}
			switch x := v.(type) {
			case map[string]any:
				c.Body = x
			case []any:
				c.BodyList = x
			}
		}
		s.mu.Lock()
		c.Seq = len(s.calls) + 1
		s.calls = append(s.calls, c)
		close(s.changed)
		s.changed = make(chan struct{})
		o := s.overrides[pattern]
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if o != nil {
			o(w, withBody(r, c))
			return
		}
		h(w, withBody(r, c))
	}
}

type ctxKey struct{}

func withBody(r *http.Request, c Call) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), ctxKey{}, c))
}

func callOf(r *http.Request) Call {
	c, _ := r.Context().Value(ctxKey{}).(Call)
	return c
}

func multipartJSON(raw []byte, boundary string) []byte {
	mr := multipart.NewReader(strings.NewReader(string(raw)), boundary)
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil
		}
		if p.FormName() == "payload_json" {
			b, _ := io.ReadAll(p)
			return b
		}
	}
}

// Calls returns a copy of every recorded call, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Wait blocks until a call recorded after the first `after` calls satisfies
// match, and returns it. It fails the test after WaitTimeout.
func (s *Server) Wait(after int, match func(Call) bool) Call {
	s.t.Helper()
	deadline := time.NewTimer(WaitTimeout)
	defer deadline.Stop()
	next := after
	for {
		s.mu.Lock()
		calls := s.calls
		ch := s.changed
		s.mu.Unlock()
		for ; next < len(calls); next++ {
			if match(calls[next]) {
				return calls[next]
			}
		}
		select {
		case <-ch:
		case <-deadline.C:
			s.t.Fatalf("discordtest: no matching call after %v (%d calls recorded)", WaitTimeout, len(calls))
			return Call{}
		}
	}
}

// Len returns the number of calls recorded so far.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

func (s *Server) id() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// NewID returns a fresh snowflake-like id.
func (s *Server) NewID() string { return s.id() }

func writeJSON(w http.ResponseWriter, v any) {
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) wsURL() string {
	return "ws" + strings.TrimPrefix(s.URL, "http") + "/gateway"
}

func (s *Server) gateway(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{"url": s.wsURL()})
}

func (s *Server) gatewayBot(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{
		"url":    s.wsURL(),
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1,
		},
	})
}

func (s *Server) me(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{"id": BotUserID, "username": BotName, "bot": true})
}

func (s *Server) noContent(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) bulkOverwrite(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	var list []any // a fresh copy: the recorded body must not change
	_ = json.Unmarshal(c.Raw, &list)
	out := make([]any, 0, len(list))
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			m["id"] = s.id()
			m["application_id"] = AppID
			if g := r.PathValue("guild"); g != "" {
				m["guild_id"] = g
			}
		}
		out = append(out, v)
	}
	writeJSON(w, out)
}

func (s *Server) message(channelID string, body map[string]any) *discordgo.Message {
	m := &discordgo.Message{
		ID:        s.id(),
		ChannelID: channelID,
		Author:    &discordgo.User{ID: BotUserID, Username: BotName, Bot: true},
		Timestamp: time.Now(),
	}
	if body != nil {
		m.Content, _ = body["content"].(string)
	}
	return m
}

func (s *Server) webhookEdit(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	m := s.message("", c.Body)
	if id := r.PathValue("message"); id != "@original" {
		m.ID = id
	}
	writeJSON(w, m)
}

func (s *Server) webhookExecute(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	if r.URL.Query().Get("wait") != "true" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, s.message("", c.Body))
}

// channelSend creates a message. As on Discord, a message sent with a
// nonce and enforce_nonce true whose nonce the bot already used is not
// created again: the earlier message is returned.
func (s *Server) channelSend(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	ch := r.PathValue("channel")
	s.mu.Lock()
	gate := s.held[ch]
	s.mu.Unlock()
	if gate != nil {
		// Held: the message is created once released, whether or not the
		// sender is still there to read the answer.
		select {
		case <-gate:
		case <-s.closing:
			return
		}
	}
	nonce, _ := c.Body["nonce"].(string)
	enforce, _ := c.Body["enforce_nonce"].(bool)
	m := s.message(ch, c.Body)
	s.mu.Lock()
	if first, ok := s.nonces[nonce]; ok && enforce && nonce != "" {
		s.mu.Unlock()
		writeJSON(w, first)
		return
	}
	s.messages[ch] = append(s.messages[ch], m)
	if enforce && nonce != "" {
		s.nonces[nonce] = m
	}
	s.mu.Unlock()
	writeJSON(w, m)
}

// HoldMessages makes the creation of messages in the channel wait until
// release is called: each request is recorded when it arrives, and its
// message is created at release, as Discord creates a message whose sender
// died waiting for the answer. Release more than once is harmless.
func (s *Server) HoldMessages(channelID string) (release func()) {
	gate := make(chan struct{})
	s.mu.Lock()
	s.held[channelID] = gate
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			delete(s.held, channelID)
			s.mu.Unlock()
			close(gate)
		})
	}
}

// Messages returns the messages created in the channel (the bot's and
// those added), oldest first.
func (s *Server) Messages(channelID string) []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*discordgo.Message, 0, len(s.messages[channelID]))
	for _, m := range s.messages[channelID] {
		// A copy: an edit may change the message while the test reads it.
		cp := *m
		out = append(out, &cp)
	}
	return out
}

func (s *Server) channelEdit(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	ch := r.PathValue("channel")
	id := r.PathValue("message")
	s.mu.Lock()
	var m *discordgo.Message
	for _, x := range s.messages[ch] {
		if x.ID == id {
			if content, ok := c.Body["content"].(string); ok {
				x.Content = content
			}
			cp := *x // written out after the lock is released
			m = &cp
		}
	}
	s.mu.Unlock()
	if m == nil {
		m = s.message(ch, c.Body)
		m.ID = id
	}
	writeJSON(w, m)
}

// channel describes a thread the fake created (owned by the bot) or else a
// guild text channel.
func (s *Server) channel(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("channel")
	s.mu.Lock()
	parent, isThread := s.threads[id]
	s.mu.Unlock()
	if isThread {
		writeJSON(w, &discordgo.Channel{ID: id, ParentID: parent, Type: discordgo.ChannelTypeGuildPublicThread, OwnerID: BotUserID})
		return
	}
	writeJSON(w, &discordgo.Channel{ID: id, Type: discordgo.ChannelTypeGuildText})
}

func (s *Server) channelMessage(w http.ResponseWriter, r *http.Request) {
	ch, id := r.PathValue("channel"), r.PathValue("message")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.messages[ch] {
		if m.ID == id {
			writeJSON(w, m)
			return
		}
	}
	w.WriteHeader(http.StatusNotFound)
	writeJSON(w, map[string]any{"message": "Unknown Message", "code": 10008})
}

// channelMessages answers newest first, as Discord does, honouring before.
func (s *Server) channelMessages(w http.ResponseWriter, r *http.Request) {
	ch := r.PathValue("channel")
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	before := r.URL.Query().Get("before")
	s.mu.Lock()
	all := s.messages[ch]
	if before != "" {
		for i, m := range all {
			if m.ID == before {
				all = all[:i]
				break
			}
		}
	}
	out := make([]*discordgo.Message, 0, limit)
	for i := len(all) - 1; i >= 0 && len(out) < limit; i-- {
		// Copies: an edit may change a message while this answer is
		// written out.
		cp := *all[i]
		out = append(out, &cp)
	}
	s.mu.Unlock()
	writeJSON(w, out)
}

func (s *Server) threadStart(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	parent := r.PathValue("channel")
	name, _ := c.Body["name"].(string)
	// As on Discord, a thread started from a message has the message's id.
	id := r.PathValue("message")
	s.mu.Lock()
	if _, exists := s.threads[id]; exists {
		s.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, map[string]any{"message": "A thread has already been created for this message", "code": 160004})
		return
	}
	s.threads[id] = parent
	s.mu.Unlock()
	writeJSON(w, &discordgo.Channel{
		ID:       id,
		ParentID: parent,
		Name:     name,
		Type:     discordgo.ChannelTypeGuildPublicThread,
		OwnerID:  BotUserID,
	})
}

// AddAttachment stores a file the fake serves and returns its URL, for the
// attachments of a pushed slash command.
func (s *Server) AddAttachment(name, contentType string, data []byte) string {
	s.mu.Lock()
	s.attachments[name] = attachment{contentType: contentType, data: data}
	s.mu.Unlock()
	return s.URL + "/attachments/" + url.PathEscape(name)
}

func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	a, ok := s.attachments[r.PathValue("name")]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	_, _ = w.Write(a.data)
}

// AddMessage records a message as present in a channel (so the channel's
// history includes it) without dispatching it; PushMessage does both.
func (s *Server) AddMessage(m *discordgo.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages[m.ChannelID] = append(s.messages[m.ChannelID], m)
}

// ThreadParent returns the parent channel of a thread the fake created.
func (s *Server) ThreadParent(threadID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.threads[threadID]
	return p, ok
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// gatewayWS speaks the gateway: hello, identify, READY, heartbeat ACKs.
func (s *Server) gatewayWS(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.t.Errorf("discordtest: websocket upgrade: %v", err)
		return
	}
	gc := &gatewayConn{ws: ws, done: make(chan struct{})}
	defer close(gc.done)
	defer ws.Close()
	if err := gc.send(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 41250}}); err != nil {
		return
	}
	for {
		var p struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := ws.ReadJSON(&p); err != nil {
			s.removeConn(gc)
			return
		}
		switch p.Op {
		case 1:
			_ = gc.send(map[string]any{"op": 11})
		case 2:
			var d map[string]any
			_ = json.Unmarshal(p.D, &d)
			select {
			case s.Identifies <- d:
			default:
			}
			s.mu.Lock()
			code, text := s.rejectCode, s.rejectText
			s.mu.Unlock()
			if code != 0 {
				gc.mu.Lock()
				_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, text))
				gc.mu.Unlock()
				return
			}
			shard := []any{0, 1}
			if sh, ok := d["shard"].([]any); ok {
				shard = sh
				if len(sh) == 2 {
					id, _ := sh[0].(float64)
					n, _ := sh[1].(float64)
					gc.shard, gc.shards = int(id), int(n)
				}
			}
			err := gc.dispatch("READY", map[string]any{
				"v":          9,
				"session_id": "fake-session",
				"user":       map[string]any{"id": BotUserID, "username": BotName, "bot": true},
				"application": map[string]any{
					"id": AppID, "flags": 0,
				},
				"guilds":             []any{},
				"shard":              shard,
				"resume_gateway_url": s.wsURL(),
			})
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, gc)
			s.mu.Unlock()
		default:
			// Presence updates, request guild members and the like are ignored.
		}
	}
}

func (s *Server) removeConn(gc *gatewayConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, c := range s.conns {
		if c == gc {
			s.conns = append(s.conns[:i], s.conns[i+1:]...)
			return
		}
	}
}

func (gc *gatewayConn) send(v any) error {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	return gc.ws.WriteJSON(v)
}

func (gc *gatewayConn) dispatch(event string, d any) error {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	gc.seq++
	return gc.ws.WriteJSON(map[string]any{"op": 0, "t": event, "s": gc.seq, "d": d})
}

// Connected reports whether a session has identified and is listening.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns) > 0
}

// Sessions returns the number of sessions that have identified and are
// listening (one a shard, when a bot runs several).
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// WaitConnected blocks until a session has identified (READY was sent).
func (s *Server) WaitConnected() {
	s.t.Helper()
	s.WaitUntil("a gateway session", s.Connected)
}

// WaitUntil polls cond until it holds, failing the test after WaitTimeout.
// A call is recorded before it is applied: a test that needs its effect
// (an edited message read back) waits for that, not for the call.
func (s *Server) WaitUntil(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			s.t.Fatalf("discordtest: waited %v for %s", WaitTimeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Dispatch sends an event (op 0) to every connected gateway session.
func (s *Server) Dispatch(event string, d any) {
	s.t.Helper()
	s.dispatchGuild(event, "", d)
}

// dispatchGuild sends an event of a guild to the sessions of its shard
// (to every session when guild is empty).
func (s *Server) dispatchGuild(event, guild string, d any) {
	s.t.Helper()
	s.mu.Lock()
	var conns []*gatewayConn
	for _, c := range s.conns {
		if c.serves(guild) {
			conns = append(conns, c)
		}
	}
	s.mu.Unlock()
	if len(conns) == 0 {
		s.t.Errorf("discordtest: dispatch %s with no gateway session (of guild %q's shard)", event, guild)
		return
	}
	for _, c := range conns {
		if err := c.dispatch(event, d); err != nil {
			s.t.Errorf("discordtest: dispatch %s: %v", event, err)
		}
	}
}

// PushInteraction dispatches INTERACTION_CREATE, filling ID, AppID, Token
// and Version when empty, and returns the interaction as sent.
func (s *Server) PushInteraction(i *discordgo.Interaction) *discordgo.Interaction {
	s.t.Helper()
	if i.ID == "" {
		i.ID = s.id()
	}
	if i.AppID == "" {
		i.AppID = AppID
	}
	if i.Token == "" {
		i.Token = "itoken-" + i.ID
	}
	i.Version = 1
	s.dispatchGuild("INTERACTION_CREATE", i.GuildID, i)
	return i
}

// PushMessage records a message in its channel and dispatches
// MESSAGE_CREATE, filling ID and Timestamp when empty.
func (s *Server) PushMessage(m *discordgo.Message) *discordgo.Message {
	s.t.Helper()
	if m.ID == "" {
		m.ID = s.id()
	}
	if m.Timestamp.IsZero() {
		m.Timestamp = time.Now()
	}
	s.AddMessage(m)
	s.dispatchGuild("MESSAGE_CREATE", m.GuildID, m)
	return m
}

// Member builds a guild member with the given permissions and roles.
func Member(userID string, permissions int64, roles ...string) *discordgo.Member {
	return &discordgo.Member{
		User:        &discordgo.User{ID: userID, Username: "user" + userID},
		Permissions: permissions,
		Roles:       roles,
	}
}

// Option builds a slash command option.
func Option(name string, typ discordgo.ApplicationCommandOptionType, value any) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: typ, Value: value}
}

// Focused builds the option being typed in an autocomplete interaction.
func Focused(name string, value string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{
		Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value, Focused: true,
	}
}

// Slash builds a slash command interaction from a member in a guild channel.
func Slash(guildID, channelID string, m *discordgo.Member, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type:      discordgo.InteractionApplicationCommand,
		GuildID:   guildID,
		ChannelID: channelID,
		Member:    m,
		Data: discordgo.ApplicationCommandInteractionData{
			ID:          "cmd-" + name,
			Name:        name,
			CommandType: discordgo.ChatApplicationCommand,
			Options:     opts,
		},
	}
}

// Autocomplete builds an autocomplete interaction for a command.
func Autocomplete(guildID, channelID string, m *discordgo.Member, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	i := Slash(guildID, channelID, m, name, opts...)
	i.Type = discordgo.InteractionApplicationCommandAutocomplete
	return i
}

// Button builds a button click on a message the bot sent.
func Button(guildID, channelID string, m *discordgo.Member, customID string) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type:      discordgo.InteractionMessageComponent,
		GuildID:   guildID,
		ChannelID: channelID,
		Member:    m,
		Message:   &discordgo.Message{ID: "msg-" + customID, ChannelID: channelID},
		Data: discordgo.MessageComponentInteractionData{
			CustomID:      customID,
			ComponentType: discordgo.ButtonComponent,
		},
	}
}

// Sprint formats calls one per line, for failure messages.
func Sprint(calls []Call) string {
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "%d %s %s %s\n", c.Seq, c.Method, c.Path, c.Raw)
	}
	return b.String()
}
