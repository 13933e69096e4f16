package llm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/news"
)

// echoServer fails every request with status, echoing the request's
// Authorization header the way a careless proxy might, as an OpenAI error
// body, a plain-text body or a stream error event.
func echoServer(t *testing.T, status int, shape string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		switch shape {
		case "json":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":{"message":"bad credentials: %s","type":"invalid_request_error","param":%q,"code":%q}}`, auth, auth, auth)
		case "text":
			w.WriteHeader(status)
			fmt.Fprintf(w, "<html>denied for %s</html>", auth)
		case "stream":
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprintf(w, "data: {\"error\":{\"message\":\"quota for %s\",\"type\":\"x\"}}\n\n", auth)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestUpstreamErrorsAreRedacted(t *testing.T) {
	const key = "sk-live-SECRET-0123456789"
	for _, shape := range []string{"json", "text", "stream"} {
		for _, status := range []int{http.StatusUnauthorized, http.StatusInternalServerError} {
			t.Run(fmt.Sprintf("%s/%d", shape, status), func(t *testing.T) {
				srv := echoServer(t, status, shape)
				var logs bytes.Buffer
				cfg := Config{BaseURL: srv.URL + "/v1", APIKey: key, Model: "m", MaxRetries: 1,
					Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
					sleep:  func(context.Context, time.Duration) error { return nil }}
				chat := NewChat(cfg)
				var errs []error
				_, err := chat.Complete(t.Context(), []news.Message{{Role: "user", Content: "hi"}}, nil)
				errs = append(errs, err)
				_, err = chat.Complete(t.Context(), []news.Message{{Role: "user", Content: "hi"}}, func(string) {})
				errs = append(errs, err)
				emb := NewEmbedder(EmbedConfig{Config: cfg})
				errs = append(errs, emb.Probe(t.Context()))
				for i, err := range errs {
					if shape == "stream" && i == 1 && err == nil {
						continue // some shapes end a stream without an error
					}
					if err == nil {
						t.Errorf("call %d: error = nil, want one", i)
						continue
					}
					if strings.Contains(err.Error(), "SECRET") {
						t.Errorf("call %d: error leaks the key: %v", i, err)
					}
					for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
						if strings.Contains(u.Error(), "SECRET") {
							t.Errorf("call %d: a wrapped error leaks the key: %v", i, u)
						}
					}
				}
				if strings.Contains(logs.String(), "SECRET") {
					t.Errorf("logs leak the key:\n%s", logs.String())
				}
			})
		}
	}
}

func TestRedactErrorKeepsContext(t *testing.T) {
	err := redactError(fmt.Errorf("call with key sk-abcdef: %w", context.DeadlineExceeded), "sk-abcdef")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("redactError() lost the deadline: %v", err)
	}
	if got, want := err.Error(), "call with key "+Redacted+": context deadline exceeded"; got != want {
		t.Errorf("redactError() = %q, want %q", got, want)
	}
	plain := errors.New("nothing secret")
	if redactError(plain, "sk-abcdef") != plain {
		t.Error("redactError() replaced an error that held no secret")
	}
	if got := redactString("a b", "a", ""); got != "a b" {
		t.Errorf("redactString() with short secrets = %q", got)
	}
}
