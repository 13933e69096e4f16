package rag_test

import (
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/internal/llm"
	"github.com/gazettebot/gazette/rag"
)

// TestEvalRealModel asks a real chat model (OPENAI_BASE_URL, OPENAI_API_KEY,
// GAZETTE_CHAT_MODEL) one answerable and one unanswerable question over the
// fixture. It is opt-in: it runs only with GAZETTE_EVALS=1.
func TestEvalRealModel(t *testing.T) {
	if os.Getenv("GAZETTE_EVALS") != "1" {
		t.Skip("set GAZETTE_EVALS=1 to run evaluations against a real model")
	}
	model := os.Getenv("GAZETTE_CHAT_MODEL")
	if model == "" {
		t.Fatal("GAZETTE_CHAT_MODEL is not set")
	}
	chat := llm.NewChat(llm.Config{
		BaseURL: os.Getenv("OPENAI_BASE_URL"), APIKey: os.Getenv("OPENAI_API_KEY"), Model: model,
		Timeout: 2 * time.Minute, Logger: slog.New(slog.DiscardHandler),
	})
	s := rag.NewService(&recorder{hits: rag.FixtureHits(t)}, rag.Options{
		Completer: chat, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now },
	})
	tests := []struct {
		question    string
		wantRefused bool
		wantIn      string
	}{
		{question: "How much did the European Commission fine Apple?", wantIn: "1.8"},
		{question: "What did Samsung announce about its foldable phones?", wantRefused: true},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			got, err := s.Answer(t.Context(), "eval", rag.Request{Question: tt.question}, nil)
			if err != nil {
				t.Fatalf("Answer() error = %v", err)
			}
			t.Logf("answer: %s (refused %v, %d sources)", got.Text, got.Refused, len(got.Sources))
			if got.Refused != tt.wantRefused {
				t.Errorf("Refused = %v, want %v", got.Refused, tt.wantRefused)
			}
			if !tt.wantRefused && (len(got.Sources) == 0 || !strings.Contains(got.Text, tt.wantIn)) {
				t.Errorf("answer %q lacks %q or citations", got.Text, tt.wantIn)
			}
		})
	}
}
