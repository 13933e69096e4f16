package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gazettebot/gazette/internal/openaitest"
	"github.com/gazettebot/gazette/news"
)

// sleeps records the waits the retrying transport asked for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func testConfig(srv *openaitest.Server, model string, sl *sleeps) Config {
	return Config{
		BaseURL: srv.URL(),
		APIKey:  "sk-test",
		Model:   model,
		Logger:  slog.New(slog.DiscardHandler),
		sleep:   sl.sleep,
	}
}

func TestEmbedBatchesAndMapsByIndex(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetOutOfOrder(true)
	sl := &sleeps{}
	e := NewEmbedder(EmbedConfig{Config: testConfig(srv, "emb", sl), BatchSize: 2})
	texts := []string{"alpha", "beta", "gamma", "delta", "epsilon"}
	got, err := e.Embed(t.Context(), texts)
	if err != nil {
		t.Fatalf("Embed() error = %v", err)
	}
	var want [][]float32
	for _, tx := range texts {
		want = append(want, openaitest.HashVector(tx, openaitest.DefaultDim))
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("vectors mismatch (-want +got):\n%s", diff)
	}
	var inputs [][]string
	for _, r := range srv.EmbeddingRequests() {
		inputs = append(inputs, r.Input)
		if r.Model != "emb" {
			t.Errorf("model = %q, want emb", r.Model)
		}
	}
	if diff := cmp.Diff([][]string{{"alpha", "beta"}, {"gamma", "delta"}, {"epsilon"}}, inputs); diff != "" {
		t.Errorf("batches mismatch (-want +got):\n%s", diff)
	}
	if e.Dim() != openaitest.DefaultDim {
		t.Errorf("Dim() = %d, want %d", e.Dim(), openaitest.DefaultDim)
	}
	if got, want := e.ID(), fmt.Sprintf("openai:emb@%d", openaitest.DefaultDim); got != want {
		t.Errorf("ID() = %q, want %q", got, want)
	}
}

func TestEmbedNormalises(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetEmbed(func(string) []float32 { return []float32{3, 4} })
	e := NewEmbedder(EmbedConfig{Config: testConfig(srv, "emb", &sleeps{})})
	got, err := e.Embed(t.Context(), []string{"x"})
	if err != nil {
		t.Fatalf("Embed() error = %v", err)
	}
	if diff := cmp.Diff([][]float32{{0.6, 0.8}}, got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestEmbedRejectsBadVectors(t *testing.T) {
	tests := []struct {
		name    string
		vec     []float32
		wantErr string
	}{
		{name: "empty", vec: []float32{}, wantErr: "empty vector"},
		{name: "zero", vec: []float32{0, 0}, wantErr: "zero vector"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.SetEmbed(func(string) []float32 { return tt.vec })
			e := NewEmbedder(EmbedConfig{Config: testConfig(srv, "emb", &sleeps{})})
			_, err := e.Embed(t.Context(), []string{"x"})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Embed() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNormalizeRejectsNonFinite(t *testing.T) {
	// JSON cannot carry NaN, so the check is exercised directly.
	for _, v := range [][]float32{{float32(math.NaN()), 1}, {float32(math.Inf(-1)), 1}} {
		if _, err := normalize(v); err == nil {
			t.Errorf("normalize(%v) error = nil, want one", v)
		}
	}
}

func TestEmbedRejectsEmptyText(t *testing.T) {
	srv := openaitest.New(t)
	e := NewEmbedder(EmbedConfig{Config: testConfig(srv, "emb", &sleeps{})})
	if _, err := e.Embed(t.Context(), []string{"ok", "  "}); err == nil {
		t.Error("Embed() error = nil, want an error for an empty text")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("sent %d requests, want 0", n)
	}
}

func TestEmbedDimensionMismatch(t *testing.T) {
	t.Run("configured", func(t *testing.T) {
		srv := openaitest.New(t)
		e := NewEmbedder(EmbedConfig{Config: testConfig(srv, "emb", &sleeps{}), Dim: 384})
		err := e.Probe(t.Context())
		if !errors.Is(err, ErrDimension) {
			t.Fatalf("Probe() error = %v, want ErrDimension", err)
		}
		if !strings.Contains(err.Error(), "got 8, want 384") {
			t.Errorf("error %q does not name both dimensions", err)
		}
	})
	t.Run("learned", func(t *testing.T) {
		srv := openaitest.New(t)
		e := NewEmbedder(EmbedConfig{Config: testConfig(srv, "emb", &sleeps{})})
		if e.ID() != "openai:emb" || e.Dim() != 0 {
			t.Errorf("before probe: ID() = %q, Dim() = %d", e.ID(), e.Dim())
		}
		if err := e.Probe(t.Context()); err != nil {
			t.Fatalf("Probe() error = %v", err)
		}
		srv.SetDim(16)
		if _, err := e.Embed(t.Context(), []string{"x"}); !errors.Is(err, ErrDimension) {
			t.Errorf("Embed() error = %v, want ErrDimension", err)
		}
	})
}

func TestRetry(t *testing.T) {
	tests := []struct {
		name         string
		maxRetries   int
		failN        int
		status       int
		retryAfter   string
		wantErr      bool
		wantRequests int
		checkSleeps  func(t *testing.T, got []time.Duration)
	}{
		{
			name: "429 honours Retry-After seconds", failN: 2, status: 429, retryAfter: "7",
			wantRequests: 3,
			checkSleeps: func(t *testing.T, got []time.Duration) {
				if diff := cmp.Diff([]time.Duration{7 * time.Second, 7 * time.Second}, got); diff != "" {
					t.Errorf("sleeps mismatch (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "500 backs off", failN: 1, status: 500, wantRequests: 2,
			checkSleeps: func(t *testing.T, got []time.Duration) {
				if len(got) != 1 || got[0] < backoffBase/2 || got[0] > backoffBase {
					t.Errorf("sleeps = %v, want one in [%v, %v]", got, backoffBase/2, backoffBase)
				}
			},
		},
		{
			name: "503 then gives up", maxRetries: 2, failN: 5, status: 503,
			wantErr: true, wantRequests: 3,
			checkSleeps: func(t *testing.T, got []time.Duration) {
				if len(got) != 2 || got[1] < backoffBase {
					t.Errorf("sleeps = %v, want two, the second at least %v", got, backoffBase)
				}
			},
		},
		{
			name: "400 is not retried", failN: 1, status: 400, wantErr: true, wantRequests: 1,
			checkSleeps: func(t *testing.T, got []time.Duration) {
				if len(got) != 0 {
					t.Errorf("sleeps = %v, want none", got)
				}
			},
		},
		{
			name: "Retry-After too long is not waited for", failN: 1, status: 429, retryAfter: "3600",
			wantErr: true, wantRequests: 1,
			checkSleeps: func(t *testing.T, got []time.Duration) {
				if len(got) != 0 {
					t.Errorf("sleeps = %v, want none", got)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.FailNext(tt.failN, tt.status, tt.retryAfter)
			sl := &sleeps{}
			cfg := testConfig(srv, "emb", sl)
			cfg.MaxRetries = tt.maxRetries
			e := NewEmbedder(EmbedConfig{Config: cfg})
			_, err := e.Embed(t.Context(), []string{"one", "two"})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Embed() error = %v, wantErr %v", err, tt.wantErr)
			}
			reqs := srv.EmbeddingRequests()
			if len(reqs) != tt.wantRequests {
				t.Errorf("got %d requests, want %d", len(reqs), tt.wantRequests)
			}
			for i, r := range reqs {
				// Each retry must resend the whole body.
				if diff := cmp.Diff([]string{"one", "two"}, r.Input); diff != "" {
					t.Errorf("request %d input mismatch (-want +got):\n%s", i, diff)
				}
			}
			tt.checkSleeps(t, sl.got())
		})
	}
}

func TestRetryStopsWhenContextDone(t *testing.T) {
	srv := openaitest.New(t)
	srv.FailNext(3, 429, "1")
	ctx, cancel := context.WithCancel(t.Context())
	cfg := testConfig(srv, "emb", nil)
	cfg.sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return sleepCtx(ctx, d)
	}
	e := NewEmbedder(EmbedConfig{Config: cfg})
	_, err := e.Embed(ctx, []string{"x"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Embed() error = %v, want context.Canceled", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("got %d requests, want 1 (no retry after cancel)", n)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
		wantOK bool
	}{
		{name: "none", header: nil},
		{name: "seconds", header: map[string]string{"Retry-After": "3"}, want: 3 * time.Second, wantOK: true},
		{name: "fraction", header: map[string]string{"Retry-After": "0.5"}, want: 500 * time.Millisecond, wantOK: true},
		{name: "date", header: map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, want: 90 * time.Second, wantOK: true},
		{name: "past date", header: map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, want: 0, wantOK: true},
		{name: "milliseconds win", header: map[string]string{"Retry-After": "3", "Retry-After-Ms": "250"}, want: 250 * time.Millisecond, wantOK: true},
		{name: "garbage", header: map[string]string{"Retry-After": "soon"}},
		{name: "negative", header: map[string]string{"Retry-After": "-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			got, ok := retryAfter(h, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("retryAfter() = %v, %v, want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestChatComplete(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetReply(func(r openaitest.ChatRequest) string { return "Answer to: " + r.LastUser() + " [1]" })
	c := NewChat(testConfig(srv, "gpt-test", &sleeps{}))
	msgs := []news.Message{{Role: "system", Content: "be brief"}, {Role: "user", Content: "why?"}}
	got, err := c.Complete(t.Context(), msgs, nil)
	if err != nil {
		t.Fatalf("Complete() error = %v", err)
	}
	if want := "Answer to: why? [1]"; got != want {
		t.Errorf("Complete() = %q, want %q", got, want)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	temp := 0.1
	want := openaitest.ChatRequest{
		Model:       "gpt-test",
		Messages:    []openaitest.Message{{Role: "system", Content: "be brief"}, {Role: "user", Content: "why?"}},
		Temperature: &temp,
	}
	if diff := cmp.Diff(want, *reqs[0].Chat, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("request mismatch (-want +got):\n%s", diff)
	}
	if got := reqs[0].Header.Get("Authorization"); got != "Bearer sk-test" {
		t.Errorf("Authorization = %q, want the bearer key", got)
	}
}

func TestChatStream(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetStreamChunk(4)
	srv.FailNext(1, 429, "1")
	reply := "Apple sued Epic [1], and Epic appealed [2]."
	srv.SetReply(func(openaitest.ChatRequest) string { return reply })
	sl := &sleeps{}
	cfg := testConfig(srv, "gpt-test", sl)
	cfg.APIKey = ""
	c := NewChat(cfg)
	var deltas []string
	got, err := c.Complete(t.Context(), []news.Message{{Role: "user", Content: "q"}}, func(s string) { deltas = append(deltas, s) })
	if err != nil {
		t.Fatalf("Complete() error = %v", err)
	}
	if got != reply {
		t.Errorf("Complete() = %q, want %q", got, reply)
	}
	if len(deltas) < 5 || strings.Join(deltas, "") != reply {
		t.Errorf("deltas = %q, want several joining to the reply", deltas)
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 2 || !reqs[1].Stream {
		t.Errorf("requests = %+v, want a failed one and a streamed retry", reqs)
	}
	for _, r := range srv.Requests() {
		if h := r.Header.Get("Authorization"); h != "" {
			t.Errorf("Authorization = %q, want none without a key", h)
		}
	}
}

func TestChatErrorNotRetried(t *testing.T) {
	srv := openaitest.New(t)
	srv.FailNext(1, 401, "")
	c := NewChat(testConfig(srv, "gpt-test", &sleeps{}))
	_, err := c.Complete(t.Context(), []news.Message{{Role: "user", Content: "q"}}, func(string) {})
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("Complete() error = %v, want a 401 error", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("got %d requests, want 1", n)
	}
}

func TestAzure(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []string
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+" key="+r.Header.Get("api-key")+" auth="+r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"choices": []map[string]any{{"index": 0, "message": map[string]string{"role": "assistant", "content": "ok"}}},
		})
	}))
	t.Cleanup(ts.Close)
	// Point the Azure-shaped host at the local server.
	hc := &http.Client{Transport: rewriteHost{target: ts.URL}}
	c := NewChat(Config{
		BaseURL:    "https://my-resource.openai.azure.com/",
		APIKey:     "azure-key",
		Model:      "gpt-4o-deploy",
		APIVersion: "2024-06-01",
		HTTPClient: hc,
		sleep:      (&sleeps{}).sleep,
	})
	if _, err := c.Complete(t.Context(), []news.Message{{Role: "user", Content: "q"}}, nil); err != nil {
		t.Fatalf("Complete() error = %v", err)
	}
	want := []string{"POST /openai/deployments/gpt-4o-deploy/chat/completions?api-version=2024-06-01 key=azure-key auth="}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
}

func TestIsAzure(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"https://x.openai.azure.com", true},
		{"https://x.openai.azure.com/openai/v1/", false},
		{"https://api.openai.com/v1", false},
		{"http://localhost:11434/v1", false},
	}
	for _, tt := range tests {
		if got := isAzure(tt.url); got != tt.want {
			t.Errorf("isAzure(%q) = %v, want %v", tt.url, got, tt.want)
		}
	}
}

// rewriteHost sends every request to target, keeping path and query.
type rewriteHost struct{ target string }

func (r rewriteHost) RoundTrip(req *http.Request) (*http.Response, error) {
	u := *req.URL
	u.Scheme = "http"
	u.Host = strings.TrimPrefix(r.target, "http://")
	req = req.Clone(req.Context())
	req.URL = &u
	req.Host = u.Host
	return http.DefaultTransport.RoundTrip(req)
}

func TestEmbedIndicesNotPermutation(t *testing.T) {
	// A server that numbers every item 0: the response order is trusted.
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"data": []map[string]any{
			{"index": 0, "embedding": []float32{1, 0}},
			{"index": 0, "embedding": []float32{0, 2}},
		}})
	}))
	t.Cleanup(ts.Close)
	e := NewEmbedder(EmbedConfig{Config: Config{BaseURL: ts.URL + "/v1", Model: "m", sleep: (&sleeps{}).sleep}})
	got, err := e.Embed(t.Context(), []string{"a", "b"})
	if err != nil {
		t.Fatalf("Embed() error = %v", err)
	}
	if diff := cmp.Diff([][]float32{{1, 0}, {0, 1}}, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestEmbedWrongCount(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"data": []map[string]any{{"index": 0, "embedding": []float32{1}}}})
	}))
	t.Cleanup(ts.Close)
	e := NewEmbedder(EmbedConfig{Config: Config{BaseURL: ts.URL + "/v1", Model: "m", sleep: (&sleeps{}).sleep}})
	if _, err := e.Embed(t.Context(), []string{"a", "b"}); err == nil || !strings.Contains(err.Error(), "got 1 embeddings for 2 inputs") {
		t.Errorf("Embed() error = %v, want a count mismatch", err)
	}
}

func TestEmbedBatchesByCharacters(t *testing.T) {
	srv := openaitest.New(t)
	e := NewEmbedder(EmbedConfig{Config: testConfig(srv, "emb", &sleeps{})})
	big := strings.Repeat("x", maxBatchChars/2)
	got, err := e.Embed(t.Context(), []string{big, big, "small", big})
	if err != nil {
		t.Fatalf("Embed() error = %v", err)
	}
	if len(got) != 4 {
		t.Fatalf("got %d vectors, want 4", len(got))
	}
	var sizes []int
	for _, r := range srv.EmbeddingRequests() {
		sizes = append(sizes, len(r.Input))
	}
	if diff := cmp.Diff([]int{2, 2}, sizes); diff != "" {
		t.Errorf("batch sizes mismatch (-want +got):\n%s", diff)
	}
}

func TestEmbedOne(t *testing.T) {
	srv := openaitest.New(t)
	e := NewEmbedder(EmbedConfig{Config: testConfig(srv, "emb", &sleeps{})})
	got, err := e.EmbedOne(t.Context(), "hello")
	if err != nil {
		t.Fatalf("EmbedOne() error = %v", err)
	}
	if diff := cmp.Diff(openaitest.HashVector("hello", openaitest.DefaultDim), got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
