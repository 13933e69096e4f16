package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

func init() {
	register(command{
		name: "ask", group: groupRead, args: `"question"`,
		summary: "answer a question from the ingested articles, with cited sources",
		help: `Searches the library (keyword and meaning), then answers from the passages found,
citing each source as [n]. Without a chat model the answer is extractive: the
most relevant sentences, quoted and cited. Questions are at most ` + questionLimit + ` characters.
The store is opened read-only.`,
		settings: []string{"OPENAI_API_KEY", "OPENAI_BASE_URL", "GAZETTE_CHAT_MODEL", "GAZETTE_LLM_TIMEOUT", "GAZETTE_EMBEDDER", "GAZETTE_EMBED_MODEL", "GAZETTE_EMBED_BASE_URL", "GAZETTE_EMBED_API_KEY"},
		run:      runAsk,
	})
}

func runAsk(ctx context.Context, e *env) error {
	fs := newFlags(e, "ask", `"question"`)
	asJSON := fs.Bool("json", false, "print {answer, sources, refused} as JSON")
	outlet := fs.String("outlet", "", "only use articles from this outlet")
	since := fs.String("since", "", "only use articles published since then: "+sinceHelp)
	ns := nsFlag(fs)
	args, err := parseFlags(fs, e.args)
	if err != nil {
		return err
	}
	question := strings.TrimSpace(strings.Join(args, " "))
	if question == "" {
		fs.Usage()
		return errors.New("ask needs a question")
	}
	var f news.Filter
	if *outlet != "" {
		f.Outlets = []string{*outlet}
	}
	if *since != "" {
		t, err := parseSince(*since, time.Now())
		if err != nil {
			return err
		}
		f.Since = t
	}
	a, err := openApp(ctx, e.cfg, e.log, appOptions{})
	if err != nil {
		return err
	}
	defer a.Close()

	// With a model, its words are printed as they arrive (citations are
	// renumbered on the way, so the stream is the final text); the sources
	// follow.
	var onDelta func(string)
	streamed := false
	if a.chat != nil && !*asJSON {
		onDelta = func(s string) {
			streamed = true
			fmt.Fprint(e.stdout, s)
		}
	}
	ans, err := a.answers.Answer(ctx, *ns, rag.Request{Question: question, Filter: f}, onDelta)
	switch {
	case errors.Is(err, rag.ErrEmptyQuestion):
		return errors.New("the question is empty")
	case errors.Is(err, rag.ErrQuestionTooLong):
		return fmt.Errorf("the question is longer than %s characters; ask something shorter", questionLimit)
	case errors.Is(err, rag.ErrNoSources):
		// ans carries the plain "nothing ingested" text.
	case err != nil:
		return fmt.Errorf("answer: %w", err)
	}
	if streamed {
		fmt.Fprintln(e.stdout)
		printNote(e.stdout, ans)
		printSources(e.stdout, ans)
		return nil
	}
	if *asJSON {
		return writeJSON(e.stdout, toJSONAnswer(ans))
	}
	printAnswer(e.stdout, ans)
	return nil
}
