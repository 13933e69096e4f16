package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/internal/openaitest"
	"github.com/gazettebot/gazette/rag"
)

// TestAskStreamsFromModel points the chat model at a local fake of the
// OpenAI API: the answer streams from it, keeps its citations and lists the
// cited sources.
func TestAskStreamsFromModel(t *testing.T) {
	srv := openaitest.New(t)
	srv.SetReply(func(r openaitest.ChatRequest) string {
		return "The bank held its rate at 4.25% [1], and two members wanted a cut [2][9]."
	})
	env := testEnv(t)
	if out, errOut, err := gazette(t, env, "ingest", "-q", "sample/articles.jsonl"); err != nil {
		t.Fatalf("ingest: %v\n%s%s", err, out, errOut)
	}
	env["OPENAI_BASE_URL"] = srv.URL()
	env["GAZETTE_CHAT_MODEL"] = "test-model"
	out, errOut, err := gazette(t, env, "ask", "What did the central bank decide about rates?")
	if err != nil {
		t.Fatalf("ask: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "4.25% [1]") || !strings.Contains(out, "Sources:\n[1] ") || strings.Contains(out, "[9]") {
		t.Errorf("ask output:\n%s", out)
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 1 || !reqs[0].Stream || reqs[0].Model != "test-model" {
		t.Fatalf("chat requests = %+v, want one streamed request to test-model", reqs)
	}
	var prompt strings.Builder
	for _, m := range reqs[0].Messages {
		prompt.WriteString(m.Content)
	}
	if !strings.Contains(prompt.String(), "<sources>") || !strings.Contains(prompt.String(), "Harbor City Ledger") {
		t.Errorf("prompt lacks the numbered sources:\n%s", prompt.String())
	}
}

// TestSwitchEmbedderNeedsReembed ingests with the built-in encoder, then
// switches to an OpenAI-compatible embedder: the store refuses to mix
// vectors until `gazette reembed` has run, and then answers with the new
// model's vectors.
func TestSwitchEmbedderNeedsReembed(t *testing.T) {
	srv := openaitest.New(t)
	env := testEnv(t)
	if out, errOut, err := gazette(t, env, "ingest", "-q", "sample/articles.jsonl"); err != nil {
		t.Fatalf("ingest: %v\n%s%s", err, out, errOut)
	}
	env["GAZETTE_EMBEDDER"] = "openai"
	env["GAZETTE_EMBED_MODEL"] = "test-embed"
	env["GAZETTE_EMBED_BASE_URL"] = srv.URL()
	_, _, err := gazette(t, env, "ask", "What did the central bank decide?")
	if err == nil || !strings.Contains(err.Error(), "gazette reembed") {
		t.Fatalf("ask with another embedder: error = %v, want advice to run gazette reembed", err)
	}
	out, errOut, err := gazette(t, env, "reembed")
	if err != nil || !strings.Contains(out, "Re-embedded the store with openai:test-embed") {
		t.Fatalf("reembed = %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(errOut, "re-embedded 7 of 7 passages") {
		t.Errorf("reembed progress:\n%s", errOut)
	}
	embedCalls := len(srv.EmbeddingRequests())
	out, _, err = gazette(t, env, "ask", "--json", "Who scored the winning penalty for Harbor FC?")
	if err != nil {
		t.Fatal(err)
	}
	var ans jsonAnswer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	if len(srv.EmbeddingRequests()) <= embedCalls {
		t.Error("the question was not embedded by the configured model")
	}
	if len(ans.Sources) == 0 {
		t.Errorf("ask after reembed = %+v, want sources", ans)
	}
	if out, _, err := gazette(t, env, "check"); err != nil || !strings.Contains(out, "ok: the store is consistent") {
		t.Errorf("check after reembed = %v\n%s", err, out)
	}
}

// TestAskModelDown: a configured model that keeps failing does not make
// `ask` fail; the answer is quoted from the articles, with a note, and the
// command exits 0.
func TestAskModelDown(t *testing.T) {
	srv := openaitest.New(t)
	srv.FailNext(1000, http.StatusServiceUnavailable, "")
	env := testEnv(t)
	if out, errOut, err := gazette(t, env, "ingest", "-q", "sample/articles.jsonl"); err != nil {
		t.Fatalf("ingest: %v\n%s%s", err, out, errOut)
	}
	env["OPENAI_BASE_URL"] = srv.URL()
	env["GAZETTE_CHAT_MODEL"] = "test-model"
	env["GAZETTE_LLM_TIMEOUT"] = "2s"
	out, errOut, err := gazette(t, env, "ask", "What interest rate did the central bank keep?")
	if err != nil {
		t.Fatalf("ask with the model down: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "4.25%") || !strings.Contains(out, "[1]") || !strings.Contains(out, "("+rag.ModelDownNote+")") || !strings.Contains(out, "Sources:\n[1] ") {
		t.Errorf("ask output:\n%s", out)
	}
	if len(srv.ChatRequests()) == 0 {
		t.Error("the model was not tried")
	}
	out, _, err = gazette(t, env, "ask", "--json", "What interest rate did the central bank keep?")
	if err != nil {
		t.Fatal(err)
	}
	var ans jsonAnswer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Note != rag.ModelDownNote || ans.Refused || len(ans.Sources) == 0 {
		t.Errorf("ask --json = %+v, want the extractive answer with the note", ans)
	}
}
