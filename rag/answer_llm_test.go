package rag_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/internal/llm"
	"github.com/gazettebot/gazette/internal/openaitest"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

var now = time.Date(2024, 3, 6, 12, 0, 0, 0, time.UTC)

// recorder is a fake retriever returning fixed hits and recording queries.
type recorder struct {
	mu      sync.Mutex
	hits    []news.Hit
	queries []rag.Query
}

func (r *recorder) Retrieve(_ context.Context, _ string, q rag.Query) (rag.Retrieval, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queries = append(r.queries, q)
	return rag.Retrieval{Hits: r.hits}, nil
}

func newService(t *testing.T, srv *openaitest.Server, r rag.Retriever) *rag.Service {
	t.Helper()
	chat := llm.NewChat(llm.Config{BaseURL: srv.URL(), Model: "test-model", MaxRetries: -1, Logger: slog.New(slog.DiscardHandler)})
	return rag.NewService(r, rag.Options{
		Completer: chat,
		Logger:    slog.New(slog.DiscardHandler),
		Now:       func() time.Time { return now },
	})
}

func TestAnswerStreamsAndRenumbers(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetStreamChunk(5)
	// Sources as numbered in the prompt: 1 TechCrunch, 2 The Verge, 3 Fortune.
	reply := "The Commission fined Apple €1.8 billion [2], which Spotify welcomed [1][2]. Apple said it would appeal [2]. Spotify had complained in 2019 [7]."
	srv.SetReply(func(openaitest.ChatRequest) string { return reply })
	r := &recorder{hits: rag.FixtureHits(t, "a-tc", "a-verge", "a-fed")}
	s := newService(t, srv, r)

	var deltas []string
	got, err := s.Answer(t.Context(), "g1", rag.Request{Question: "Why was Apple fined?"}, func(d string) { deltas = append(deltas, d) })
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	// A citation to no source is re-pointed to the passage that supports
	// its sentence.
	wantText := "The Commission fined Apple €1.8 billion [1], which Spotify welcomed [1][2]. Apple said it would appeal [1]. Spotify had complained in 2019 [1]."
	if got.Text != wantText {
		t.Errorf("Answer().Text = %q, want %q", got.Text, wantText)
	}
	// The stream is already checked and renumbered, a sentence at a time:
	// its pieces join to the final text.
	if len(deltas) < 3 || strings.Join(deltas, "") != wantText {
		t.Errorf("deltas = %q, want several pieces joining to the final text", deltas)
	}
	var ids []string
	for _, src := range got.Sources {
		ids = append(ids, src.ArticleID)
	}
	if diff := cmp.Diff([]string{"a-verge", "a-tc"}, ids); diff != "" {
		t.Errorf("cited sources mismatch (-want +got):\n%s", diff)
	}
	if got.Refused {
		t.Error("Answer().Refused = true")
	}
	if got.Sources[0].N != 1 || got.Sources[0].URL != "https://example.com/verge/apple-fine" || !strings.Contains(got.Sources[0].Passage, "Spotify had complained") {
		t.Errorf("Sources[0] = %+v", got.Sources[0])
	}

	reqs := srv.ChatRequests()
	if len(reqs) != 1 {
		t.Fatalf("got %d chat requests, want 1", len(reqs))
	}
	req := reqs[0]
	if !req.Stream || req.Model != "test-model" || len(req.Messages) != 2 {
		t.Fatalf("request = %+v, want a streamed system+user request", req)
	}
	sys, user := req.Messages[0].Content, req.Messages[1].Content
	for _, want := range []string{"Today is Wednesday, 6 March 2024.", "NO_ANSWER:", "Never write URLs"} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q", want)
		}
	}
	for _, want := range []string{
		`<source n="1" outlet="TechCrunch" date="2024-03-05">`,
		`<source n="2" outlet="The Verge" date="2024-03-04">`,
		"Title: Fed holds rates steady",
		"Question: Why was Apple fined?",
	} {
		if !strings.Contains(user, want) {
			t.Errorf("user prompt lacks %q:\n%s", want, user)
		}
	}
	if strings.Contains(user, "https://") {
		t.Error("user prompt shows URLs to the model")
	}
}

func TestAnswerWithoutStreaming(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetReply(func(openaitest.ChatRequest) string { return "Apple was fined [1]." })
	s := newService(t, srv, &recorder{hits: rag.FixtureHits(t, "a-verge")})
	got, err := s.Answer(t.Context(), "g1", rag.Request{Question: "Why was Apple fined?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if got.Text != "Apple was fined [1]." || len(got.Sources) != 1 {
		t.Errorf("Answer() = %+v", got)
	}
	if reqs := srv.ChatRequests(); len(reqs) != 1 || reqs[0].Stream {
		t.Errorf("requests = %+v, want one non-streaming", reqs)
	}
}

func TestAnswerModelDeclines(t *testing.T) {
	tests := []struct {
		name  string
		reply string
		want  string
	}{
		{name: "with explanation", reply: "NO_ANSWER: The articles do not say when the appeal will be heard [1].", want: "The articles do not say when the appeal will be heard."},
		{name: "bare marker", reply: "NO_ANSWER:", want: rag.DeclineText},
		{name: "empty reply", reply: "", want: rag.DeclineText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.SetReply(func(openaitest.ChatRequest) string { return tt.reply })
			s := newService(t, srv, &recorder{hits: rag.FixtureHits(t, "a-verge")})
			var streamed strings.Builder
			got, err := s.Answer(t.Context(), "g1", rag.Request{Question: "When will Apple's appeal against the European Commission be heard?"}, func(d string) { streamed.WriteString(d) })
			if err != nil {
				t.Fatalf("Answer() error = %v", err)
			}
			if diff := cmp.Diff(news.Answer{Text: tt.want, Refused: true}, got); diff != "" {
				t.Errorf("Answer() mismatch (-want +got):\n%s", diff)
			}
			if streamed.String() != tt.want {
				t.Errorf("streamed %q, want only the refusal %q", streamed.String(), tt.want)
			}
		})
	}
}

func TestAnswerCondensesFollowUp(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetReply(func(r openaitest.ChatRequest) string {
		if strings.Contains(r.Messages[0].Content, "rewrite follow-up questions") {
			return "Standalone question: \"What did TechCrunch say about Spotify and the Apple fine?\"\nextra"
		}
		return "Spotify welcomed it [1]."
	})
	r := &recorder{hits: rag.FixtureHits(t, "a-tc")}
	s := newService(t, srv, r)
	history := []news.Message{
		{Role: "user", Content: "Why was Apple fined by the EU?"},
		{Role: "assistant", Content: "Over music streaming rules [1]."},
	}
	got, err := s.Answer(t.Context(), "g1", rag.Request{Question: "And what did TechCrunch say?", History: history}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if got.Text != "Spotify welcomed it [1]." {
		t.Errorf("Answer().Text = %q", got.Text)
	}
	if len(r.queries) != 1 || r.queries[0].Text != "What did TechCrunch say about Spotify and the Apple fine?" {
		t.Errorf("retrieved with %+v, want the condensed question", r.queries)
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 2 {
		t.Fatalf("got %d chat requests, want condense then answer", len(reqs))
	}
	cond := reqs[0].LastUser()
	for _, want := range []string{"user: Why was Apple fined by the EU?", "assistant: Over music streaming rules [1].", "Follow-up: And what did TechCrunch say?"} {
		if !strings.Contains(cond, want) {
			t.Errorf("condense prompt lacks %q:\n%s", want, cond)
		}
	}
	if !strings.Contains(reqs[1].LastUser(), "Question: What did TechCrunch say about Spotify and the Apple fine?") {
		t.Errorf("answer prompt does not ask the condensed question")
	}
}

func TestAnswerCondenseFailureFallsBack(t *testing.T) {
	srv := openaitest.New(t)
	srv.FailNext(1, http.StatusBadRequest, "")
	srv.SetReply(func(openaitest.ChatRequest) string { return "Spotify welcomed it [1]." })
	r := &recorder{hits: rag.FixtureHits(t, "a-tc")}
	s := newService(t, srv, r)
	_, err := s.Answer(t.Context(), "g1", rag.Request{
		Question: "What did TechCrunch say?",
		History:  []news.Message{{Role: "user", Content: "Why was Apple fined?"}},
	}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if len(r.queries) != 1 || r.queries[0].Text != "Apple fined What did TechCrunch say?" {
		t.Errorf("retrieved with %+v, want the keyword fallback", r.queries)
	}
}

func TestAnswerModelDownAnswersExtractively(t *testing.T) {
	srv := openaitest.New(t)
	srv.FailNext(1, http.StatusInternalServerError, "")
	s := newService(t, srv, &recorder{hits: rag.FixtureHits(t, "a-verge")})
	var streamed strings.Builder
	got, err := s.Answer(t.Context(), "g1", rag.Request{Question: "Why was Apple fined?"}, func(d string) { streamed.WriteString(d) })
	if err != nil {
		t.Fatalf("Answer() error = %v, want an extractive answer", err)
	}
	if got.Refused || got.Note != rag.ModelDownNote || !strings.Contains(got.Text, "The European Commission fined Apple €1.8 billion on Monday [1].") {
		t.Errorf("Answer() = %+v, want the extractive answer with the model-down note", got)
	}
	if len(got.Sources) != 1 || got.Sources[0].ArticleID != "a-verge" {
		t.Errorf("sources = %+v, want a-verge", got.Sources)
	}
	if streamed.String() != got.Text {
		t.Errorf("streamed %q, want the final text %q", streamed.String(), got.Text)
	}
	if n := len(srv.ChatRequests()); n != 1 {
		t.Errorf("%d chat requests, want 1", n)
	}
}

func TestAnswerModelErrorAfterCancel(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetReply(func(openaitest.ChatRequest) string { return "Apple was fined [1]." })
	s := newService(t, srv, &recorder{hits: rag.FixtureHits(t, "a-verge")})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.Answer(ctx, "g1", rag.Request{Question: "Why was Apple fined?"}, nil)
	if err == nil || errors.Is(err, rag.ErrNoSources) {
		t.Errorf("Answer() error = %v, want the cancellation, not an answer", err)
	}
}

// TestAnswerCorrectsMisCitingModel scripts the fake model to cite the
// wrong sources, to state what no source says and to slip in a link: the
// answer re-points the citation, drops the unsupported sentence and keeps
// only the source's own link.
func TestAnswerCorrectsMisCitingModel(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetStreamChunk(3)
	// Sources as numbered in the prompt: 1 TechCrunch, 2 The Verge, 3 Fortune.
	srv.SetReply(func(openaitest.ChatRequest) string {
		return "Apple was fined €1.8 billion by the European Commission [3]. Spotify welcomed the decision [1]. " +
			"Read [the ruling](https://evil.example/phish) at https://example.com/verge/apple-fine [2]. " +
			"The fine will be paid in Bitcoin next week [2]."
	})
	s := newService(t, srv, &recorder{hits: rag.FixtureHits(t, "a-tc", "a-verge", "a-fed")})
	var streamed strings.Builder
	got, err := s.Answer(t.Context(), "g1", rag.Request{Question: "Why was Apple fined?"}, func(d string) { streamed.WriteString(d) })
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	want := "Apple was fined €1.8 billion by the European Commission [1]. Spotify welcomed the decision [2]. " +
		"Read the ruling at https://example.com/verge/apple-fine [1]."
	if got.Text != want {
		t.Errorf("Answer().Text = %q\nwant %q", got.Text, want)
	}
	if streamed.String() != got.Text {
		t.Errorf("streamed %q, want the final text", streamed.String())
	}
	var ids []string
	for _, src := range got.Sources {
		ids = append(ids, src.ArticleID)
	}
	if diff := cmp.Diff([]string{"a-verge", "a-tc"}, ids); diff != "" {
		t.Errorf("cited sources mismatch (-want +got):\n%s", diff)
	}
	if got.Note != "" || got.Refused {
		t.Errorf("Answer() = %+v, want a plain answer", got)
	}
}

// TestAnswerUnsupportedReplyIsNeverPostedBare: when no sentence of the
// model's reply is backed by its sources, the answer is quoted from the
// articles instead, with a note.
func TestAnswerUnsupportedReplyIsNeverPostedBare(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetReply(func(openaitest.ChatRequest) string {
		return "Bitcoin prices doubled overnight [1]. Ethereum fell 40% [2]."
	})
	s := newService(t, srv, &recorder{hits: rag.FixtureHits(t, "a-tc", "a-verge")})
	got, err := s.Answer(t.Context(), "g1", rag.Request{Question: "Why was Apple fined?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if strings.Contains(got.Text, "Bitcoin") || strings.Contains(got.Text, "Ethereum") || got.Note != rag.UncheckedNote || len(got.Sources) == 0 {
		t.Errorf("Answer() = %+v, want the extractive answer with a note", got)
	}
}

// periodRetriever returns off-period hits for a search kept to the period
// the question names, and wider ones for any day.
type periodRetriever struct{ ofDay, anyDay []news.Hit }

func (r periodRetriever) Retrieve(_ context.Context, _ string, q rag.Query) (rag.Retrieval, error) {
	if q.AnyDay {
		return rag.Retrieval{Hits: r.anyDay}, nil
	}
	return rag.Retrieval{Hits: r.ofDay, Period: "yesterday"}, nil
}

// TestAnswerPeriodWidenedWithModel: with a model too, a question that
// nothing of its period covers is answered from other days with the note,
// and the model is asked once, about the wider passages.
func TestAnswerPeriodWidenedWithModel(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetReply(func(openaitest.ChatRequest) string { return "Apple was fined €1.8 billion by the Commission [1]." })
	r := periodRetriever{ofDay: rag.FixtureHits(t, "a-fed"), anyDay: rag.FixtureHits(t, "a-verge")}
	got, err := newService(t, srv, r).Answer(t.Context(), "g1", rag.Request{Question: "Why was Apple fined by the Commission yesterday?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if got.Refused || !strings.Contains(got.Note, "Nothing I have from yesterday") || len(got.Sources) != 1 || got.Sources[0].ArticleID != "a-verge" {
		t.Errorf("Answer() = %+v, want the wider answer with the note", got)
	}
	if reqs := srv.ChatRequests(); len(reqs) != 1 {
		t.Errorf("model asked %d times, want once", len(reqs))
	}
}
