// Package openaitest is a fake of the OpenAI HTTP API for tests: chat
// completions (streaming and not) and embeddings, served by an
// [httptest.Server] on loopback. It records every request it receives,
// replies with scriptable text or deterministic unit-length vectors, can be
// told to fail the next requests with 429 or 5xx, and fails the test on any
// route it does not implement.
package openaitest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// Message is one chat message as the fake decoded it.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ChatRequest is the decoded body of a chat completion request.
type ChatRequest struct {
	Model       string    `json:"model"`
	Messages    []Message `json:"messages"`
	Stream      bool      `json:"stream"`
	Temperature *float64  `json:"temperature,omitempty"`
	MaxTokens   int       `json:"max_tokens,omitempty"`
}

// LastUser returns the content of the last message with role "user".
func (r ChatRequest) LastUser() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].Content
		}
	}
	return ""
}

// EmbeddingRequest is the decoded body of an embeddings request. Input is
// always a list, even when the client sent a single string.
type EmbeddingRequest struct {
	Model          string   `json:"model"`
	Input          []string `json:"-"`
	EncodingFormat string   `json:"encoding_format,omitempty"`
	Dimensions     int      `json:"dimensions,omitempty"`
}

// Request is one request the fake received.
type Request struct {
	Method string
	Path   string
	Header http.Header
	// Exactly one of Chat and Embedding is set for the known routes.
	Chat      *ChatRequest
	Embedding *EmbeddingRequest
	// Status is the HTTP status the fake answered with.
	Status int
}

// Server is a fake OpenAI API. Create it with [New]; configure it with its
// setter methods, which are safe to call while requests are in flight.
type Server struct {
	t   testing.TB
	srv *httptest.Server

	mu         sync.Mutex
	requests   []Request
	reply      func(ChatRequest) string
	embed      func(text string) []float32
	dim        int
	outOfOrder bool
	chunkRunes int
	failures   []failure
}

type failure struct {
	status     int
	retryAfter string
}

// DefaultDim is the dimension of the fake's default embeddings.
const DefaultDim = 8

// New starts a fake server; it is closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, dim: DefaultDim, chunkRunes: 8}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.handleChat)
	mux.HandleFunc("POST /v1/embeddings", s.handleEmbeddings)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("openaitest: unexpected request %s %s", r.Method, r.URL.Path)
		s.record(Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Status: http.StatusNotFound})
		writeError(w, http.StatusNotFound, "unknown route "+r.URL.Path, "invalid_request_error")
	})
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// URL returns the base URL of the API, ending in /v1, as clients expect
// in their BaseURL setting.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// SetReply scripts the chat replies: f receives the decoded request and
// returns the assistant's text. nil restores the default, which echoes the
// start of the last user message and cites [1].
func (s *Server) SetReply(f func(ChatRequest) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reply = f
}

// SetEmbed overrides the embedding of each input text. The vectors are
// returned as given (not normalised), so tests can send bad ones. nil
// restores the default hash-based unit vectors of the configured dimension.
func (s *Server) SetEmbed(f func(text string) []float32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embed = f
}

// SetDim sets the dimension of the default embeddings (default [DefaultDim]).
func (s *Server) SetDim(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dim = n
}

// SetOutOfOrder makes the embeddings response list its data in reverse
// order, so clients must map results back by index.
func (s *Server) SetOutOfOrder(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outOfOrder = on
}

// SetStreamChunk sets how many runes each streamed delta carries (default 8).
func (s *Server) SetStreamChunk(runes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chunkRunes = max(1, runes)
}

// FailNext makes the next n requests (on any route) fail with the given
// status and OpenAI-style error body. retryAfter, when not empty, is sent
// as the Retry-After header ("2" or an HTTP date).
func (s *Server) FailNext(n, status int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, failure{status: status, retryAfter: retryAfter})
	}
}

// Requests returns a copy of every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ChatRequests returns the decoded chat requests received so far
// (including failed attempts).
func (s *Server) ChatRequests() []ChatRequest {
	var out []ChatRequest
	for _, r := range s.Requests() {
		if r.Chat != nil {
			out = append(out, *r.Chat)
		}
	}
	return out
}

// EmbeddingRequests returns the decoded embedding requests received so far
// (including failed attempts).
func (s *Server) EmbeddingRequests() []EmbeddingRequest {
	var out []EmbeddingRequest
	for _, r := range s.Requests() {
		if r.Embedding != nil {
			out = append(out, *r.Embedding)
		}
	}
	return out
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
}

// takeFailure pops the next scripted failure, if any.
func (s *Server) takeFailure() (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) == 0 {
		return failure{}, false
	}
	f := s.failures[0]
	s.failures = s.failures[1:]
	return f, true
}

func (s *Server) fail(w http.ResponseWriter, f failure) {
	if f.retryAfter != "" {
		w.Header().Set("Retry-After", f.retryAfter)
	}
	typ := "server_error"
	if f.status == http.StatusTooManyRequests {
		typ = "rate_limit_exceeded"
	} else if f.status < 500 {
		typ = "invalid_request_error"
	}
	writeError(w, f.status, fmt.Sprintf("scripted failure %d", f.status), typ)
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone()}
	var req ChatRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		rec.Status = http.StatusBadRequest
		s.record(rec)
		writeError(w, http.StatusBadRequest, "decode body: "+err.Error(), "invalid_request_error")
		return
	}
	rec.Chat = &req
	if f, ok := s.takeFailure(); ok {
		rec.Status = f.status
		s.record(rec)
		s.fail(w, f)
		return
	}
	rec.Status = http.StatusOK
	s.record(rec)

	s.mu.Lock()
	reply, chunk := s.reply, s.chunkRunes
	s.mu.Unlock()
	if reply == nil {
		reply = defaultReply
	}
	text := reply(req)

	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id":      "chatcmpl-test",
			"object":  "chat.completion",
			"created": 1700000000,
			"model":   req.Model,
			"choices": []map[string]any{{
				"index":         0,
				"message":       map[string]any{"role": "assistant", "content": text},
				"finish_reason": "stop",
			}},
			"usage": map[string]int{"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
		})
		return
	}

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	flusher, _ := w.(http.Flusher)
	send := func(delta map[string]any, finish any) {
		b, _ := json.Marshal(map[string]any{
			"id":      "chatcmpl-test",
			"object":  "chat.completion.chunk",
			"created": 1700000000,
			"model":   req.Model,
			"choices": []map[string]any{{"index": 0, "delta": delta, "finish_reason": finish}},
		})
		fmt.Fprintf(w, "data: %s\n\n", b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	send(map[string]any{"role": "assistant", "content": ""}, nil)
	for _, part := range splitRunes(text, chunk) {
		send(map[string]any{"content": part}, nil)
	}
	send(map[string]any{}, "stop")
	fmt.Fprint(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}

func (s *Server) handleEmbeddings(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone()}
	var raw struct {
		EmbeddingRequest
		Input json.RawMessage `json:"input"`
	}
	err := json.NewDecoder(r.Body).Decode(&raw)
	req := raw.EmbeddingRequest
	if err == nil {
		req.Input, err = decodeInput(raw.Input)
	}
	if err != nil {
		rec.Status = http.StatusBadRequest
		s.record(rec)
		writeError(w, http.StatusBadRequest, "decode body: "+err.Error(), "invalid_request_error")
		return
	}
	rec.Embedding = &req
	if f, ok := s.takeFailure(); ok {
		rec.Status = f.status
		s.record(rec)
		s.fail(w, f)
		return
	}
	rec.Status = http.StatusOK
	s.record(rec)

	s.mu.Lock()
	embed, dim, reverse := s.embed, s.dim, s.outOfOrder
	s.mu.Unlock()
	if embed == nil {
		embed = func(text string) []float32 { return HashVector(text, dim) }
	}
	data := make([]map[string]any, len(req.Input))
	for i, text := range req.Input {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": embed(text)}
	}
	if reverse {
		for i, j := 0, len(data)-1; i < j; i, j = i+1, j-1 {
			data[i], data[j] = data[j], data[i]
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"object": "list",
		"data":   data,
		"model":  req.Model,
		"usage":  map[string]int{"prompt_tokens": len(req.Input), "total_tokens": len(req.Input)},
	})
}

func decodeInput(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("input: want a string or a list of strings: %w", err)
	}
	return many, nil
}

// HashVector returns the fake's default embedding of text: a deterministic
// unit-length vector of dimension dim derived from a SHA-256 hash.
func HashVector(text string, dim int) []float32 {
	v := make([]float32, dim)
	var norm float64
	for i := range v {
		h := sha256.Sum256([]byte(strconv.Itoa(i) + "\x00" + text))
		x := float64(binary.LittleEndian.Uint32(h[:4]))/math.MaxUint32*2 - 1
		v[i] = float32(x)
		norm += x * x
	}
	norm = math.Sqrt(norm)
	if norm == 0 {
		return v
	}
	for i := range v {
		v[i] = float32(float64(v[i]) / norm)
	}
	return v
}

func defaultReply(req ChatRequest) string {
	q := req.LastUser()
	if i := strings.IndexByte(q, '\n'); i >= 0 {
		q = q[:i]
	}
	if utf8.RuneCountInString(q) > 60 {
		q = string([]rune(q)[:60])
	}
	return fmt.Sprintf("Echo: %s [1]", strings.TrimSpace(q))
}

func splitRunes(s string, n int) []string {
	var parts []string
	r := []rune(s)
	for len(r) > 0 {
		k := min(n, len(r))
		parts = append(parts, string(r[:k]))
		r = r[k:]
	}
	return parts
}

func writeError(w http.ResponseWriter, status int, msg, typ string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": nil},
	})
}
