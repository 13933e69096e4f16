package bot

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/internal/discordtest"
	"github.com/gazettebot/gazette/internal/llm"
	"github.com/gazettebot/gazette/internal/openaitest"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

// guildRetriever finds the Fed article in guild A only.
type guildRetriever struct{}

func (guildRetriever) Retrieve(_ context.Context, ns string, _ rag.Query) (rag.Retrieval, error) {
	if ns != guildA {
		return rag.Retrieval{}, nil
	}
	a := fedArticle()
	return rag.Retrieval{Hits: []news.Hit{{
		Chunk:   news.Chunk{ID: a.ID + "#0", ArticleID: a.ID, Text: a.Body},
		Article: a, Score: 1,
	}}}, nil
}

// TestAskWithModel runs /ask through the real answer service and the
// go-openai client against the fake OpenAI server: the model's reply
// streams in, and its @everyone pings no one.
func TestAskWithModel(t *testing.T) {
	oa := openaitest.New(t)
	oa.SetStreamChunk(4)
	oa.SetReply(func(openaitest.ChatRequest) string {
		return "@everyone The Federal Reserve held rates steady on Wednesday [1]."
	})
	svc := rag.NewService(guildRetriever{}, rag.Options{
		Completer: llm.NewChat(llm.Config{BaseURL: oa.URL(), Model: "test-model", HTTPClient: oa.Client()}),
	})
	h := start(t, func(d *Deps, o *Options) { d.Answerer = svc })
	n := h.srv.Len()
	i := h.srv.PushInteraction(ask(guildA, plainMember(), "What did the Fed do?"))
	final := h.waitEdit(n, i, "**Sources**")
	want := "[1] Fed holds rates steady — Reuters, 1 May 2024, <https://example.com/fed>"
	if !strings.Contains(final.Content(), "held rates steady on Wednesday [1]") || !strings.Contains(final.Content(), want) {
		t.Errorf("final answer = %q", final.Content())
	}
	calls := h.srv.Calls()[n:]
	if !isCallback(i)(calls[0]) {
		t.Errorf("first call is not the deferral:\n%s", discordtest.Sprint(calls))
	}
	reqs := oa.ChatRequests()
	if len(reqs) == 0 || !strings.Contains(reqs[len(reqs)-1].Messages[0].Content+reqs[len(reqs)-1].LastUser(), "held rates steady on Wednesday") {
		t.Errorf("the model did not see the passage: %+v", reqs)
	}

	// Another guild has no articles: the bot says so without calling the model.
	before := len(oa.ChatRequests())
	i = h.srv.PushInteraction(ask(guildB, plainMember(), "What did the Fed do?"))
	h.waitEdit(n, i, "/ingest")
	if got := len(oa.ChatRequests()); got != before {
		t.Errorf("model called %d times for a guild without articles", got-before)
	}
}

// TestAskModelDown: when the chat model fails, /ask still answers, quoting
// the article, with a one-line note saying why.
func TestAskModelDown(t *testing.T) {
	oa := openaitest.New(t)
	oa.FailNext(1000, http.StatusServiceUnavailable, "")
	svc := rag.NewService(guildRetriever{}, rag.Options{
		Completer: llm.NewChat(llm.Config{BaseURL: oa.URL(), Model: "test-model", HTTPClient: oa.Client(), MaxRetries: -1}),
	})
	h := start(t, func(d *Deps, o *Options) { d.Answerer = svc })
	n := h.srv.Len()
	i := h.srv.PushInteraction(ask(guildA, plainMember(), "What did the Federal Reserve do?"))
	final := h.waitEdit(n, i, "**Sources**")
	for _, want := range []string{"-# " + rag.ModelDownNote, "The Federal Reserve held rates steady on Wednesday [1].", "[1] Fed holds rates steady"} {
		if !strings.Contains(final.Content(), want) {
			t.Errorf("final answer = %q, want it to hold %q", final.Content(), want)
		}
	}
	if len(oa.ChatRequests()) == 0 {
		t.Error("the model was not tried")
	}
}
