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
	a, err := openApp(ctx, e.cfg, e.log, appOptions{readOnly: true})
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
	case err != nil:
		return fmt.Errorf("answer: %w", err)
	}
	if ans.Refused && len(ans.Sources) == 0 {
		// The refusal says nothing was found, which misleads when the
		// library has articles and the flags exclude every one.
		if msg, err := excludedByFilter(ctx, a, *ns, f); err != nil {
			return err
		} else if msg != "" {
			ans.Text = msg
		}
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

// excludedByFilter explains an answer with no sources when the namespace
// has articles but the filter leaves none, or returns "".
func excludedByFilter(ctx context.Context, a *app, ns string, f news.Filter) (string, error) {
	if f.Since.IsZero() && len(f.Outlets) == 0 {
		return "", nil
	}
	st, err := a.store.Stats(ctx, ns)
	if err != nil {
		return "", fmt.Errorf("count articles: %w", err)
	}
	if st.Articles == 0 {
		return "", nil
	}
	arts, _, err := listArticles(ctx, a.store, ns, news.ListOptions{Outlets: f.Outlets}, 0)
	if err != nil {
		return "", err
	}
	for _, art := range arts {
		if f.Since.IsZero() || !art.PublishedAt.Before(f.Since) {
			return "", nil // some article passes: the refusal is about the question
		}
	}
	var what []string
	if len(f.Outlets) > 0 {
		what = append(what, "from "+strings.Join(f.Outlets, " or "))
	}
	if !f.Since.IsZero() {
		what = append(what, "published since "+f.Since.Local().Format("2 Jan 2006 15:04"))
	}
	msg := fmt.Sprintf("No articles %s in the library (it has %s in all). ", strings.Join(what, " and "), plural(st.Articles, "article", "articles"))
	switch {
	case len(f.Outlets) > 0 && !f.Since.IsZero():
		msg += "Try an earlier --since or another --outlet ('gazette sources' lists the articles)."
	case len(f.Outlets) > 0:
		msg += "Check the outlet's name with 'gazette sources', or leave out --outlet."
	default:
		msg += "Try an earlier --since, or leave it out."
	}
	return msg, nil
}
