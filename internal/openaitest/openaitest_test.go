package openaitest

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	openai "github.com/sashabaranov/go-openai"
)

func client(s *Server) *openai.Client {
	cfg := openai.DefaultConfig("test-key")
	cfg.BaseURL = s.URL()
	return openai.NewClientWithConfig(cfg)
}

func TestChat(t *testing.T) {
	s := New(t)
	s.SetReply(func(r ChatRequest) string { return "Reply to " + r.LastUser() + " [1]." })
	resp, err := client(s).CreateChatCompletion(t.Context(), openai.ChatCompletionRequest{
		Model:    "m",
		Messages: []openai.ChatCompletionMessage{{Role: "system", Content: "sys"}, {Role: "user", Content: "hello"}},
	})
	if err != nil {
		t.Fatalf("CreateChatCompletion() error = %v", err)
	}
	if got, want := resp.Choices[0].Message.Content, "Reply to hello [1]."; got != want {
		t.Errorf("content = %q, want %q", got, want)
	}
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	if got := reqs[0].Header.Get("Authorization"); got != "Bearer test-key" {
		t.Errorf("Authorization = %q", got)
	}
	want := ChatRequest{Model: "m", Messages: []Message{{"system", "sys"}, {"user", "hello"}}}
	if diff := cmp.Diff(want, *reqs[0].Chat); diff != "" {
		t.Errorf("request mismatch (-want +got):\n%s", diff)
	}
}

func TestChatStream(t *testing.T) {
	s := New(t)
	s.SetStreamChunk(3)
	s.SetReply(func(ChatRequest) string { return "streamed answer [1]" })
	stream, err := client(s).CreateChatCompletionStream(t.Context(), openai.ChatCompletionRequest{
		Model: "m", Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "q"}},
	})
	if err != nil {
		t.Fatalf("CreateChatCompletionStream() error = %v", err)
	}
	defer stream.Close()
	var parts []string
	for {
		r, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Recv() error = %v", err)
		}
		if c := r.Choices[0].Delta.Content; c != "" {
			parts = append(parts, c)
		}
	}
	if got := strings.Join(parts, ""); got != "streamed answer [1]" {
		t.Errorf("joined = %q", got)
	}
	if len(parts) < 5 {
		t.Errorf("got %d deltas, want several", len(parts))
	}
	if !s.ChatRequests()[0].Stream {
		t.Error("recorded request has Stream = false")
	}
}

func TestEmbeddings(t *testing.T) {
	s := New(t)
	s.SetDim(5)
	s.SetOutOfOrder(true)
	resp, err := client(s).CreateEmbeddings(t.Context(), openai.EmbeddingRequestStrings{
		Model: "e", Input: []string{"a", "b", "c"},
	})
	if err != nil {
		t.Fatalf("CreateEmbeddings() error = %v", err)
	}
	if len(resp.Data) != 3 {
		t.Fatalf("got %d vectors, want 3", len(resp.Data))
	}
	if resp.Data[0].Index != 2 {
		t.Errorf("first index = %d, want 2 (reversed)", resp.Data[0].Index)
	}
	for _, d := range resp.Data {
		text := []string{"a", "b", "c"}[d.Index]
		if diff := cmp.Diff(HashVector(text, 5), d.Embedding); diff != "" {
			t.Errorf("vector %d mismatch (-want +got):\n%s", d.Index, diff)
		}
		var n float64
		for _, x := range d.Embedding {
			n += float64(x) * float64(x)
		}
		if math.Abs(n-1) > 1e-5 {
			t.Errorf("vector %d norm² = %v, want 1", d.Index, n)
		}
	}
	if diff := cmp.Diff([]EmbeddingRequest{{Model: "e", Input: []string{"a", "b", "c"}}}, s.EmbeddingRequests()); diff != "" {
		t.Errorf("recorded mismatch (-want +got):\n%s", diff)
	}
}

func TestHashVectorDeterministic(t *testing.T) {
	if diff := cmp.Diff(HashVector("x", 4), HashVector("x", 4)); diff != "" {
		t.Errorf("not deterministic:\n%s", diff)
	}
	if cmp.Equal(HashVector("x", 4), HashVector("y", 4)) {
		t.Error("different texts gave the same vector")
	}
}

func TestFailNext(t *testing.T) {
	s := New(t)
	s.FailNext(2, http.StatusTooManyRequests, "3")
	for i := range 3 {
		resp, err := http.Post(s.URL()+"/embeddings", "application/json", strings.NewReader(`{"model":"e","input":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		wantStatus, wantRA := http.StatusTooManyRequests, "3"
		if i == 2 {
			wantStatus, wantRA = http.StatusOK, ""
		}
		if resp.StatusCode != wantStatus || resp.Header.Get("Retry-After") != wantRA {
			t.Errorf("request %d: status %d Retry-After %q, want %d %q", i, resp.StatusCode, resp.Header.Get("Retry-After"), wantStatus, wantRA)
		}
	}
	var statuses []int
	for _, r := range s.Requests() {
		statuses = append(statuses, r.Status)
	}
	if diff := cmp.Diff([]int{429, 429, 200}, statuses); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
}

// recordingTB captures Errorf calls instead of failing the test.
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

func TestUnknownRouteFailsTest(t *testing.T) {
	rtb := &recordingTB{TB: t}
	s := New(rtb)
	resp, err := http.Get(s.URL() + "/models")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status = %d, want 404", resp.StatusCode)
	}
	rtb.mu.Lock()
	defer rtb.mu.Unlock()
	if len(rtb.errs) != 1 || !strings.Contains(rtb.errs[0], "GET /v1/models") {
		t.Errorf("errors = %q, want one naming GET /v1/models", rtb.errs)
	}
}
