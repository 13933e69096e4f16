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
	register(command{name: "ask", summary: "answer a question from the ingested articles, with cited sources", run: runAsk})
}

func runAsk(ctx context.Context, e *env) error {
	fs := newFlags(e, "ask", `"question"`)
	asJSON := fs.Bool("json", false, "print {answer, sources, refused} as JSON")
	outlet := fs.String("outlet", "", "only use articles from this outlet")
	since := fs.String("since", "", "only use articles published since this date (2006-01-02) or this long ago (72h)")
	ns := fs.String("ns", news.LocalNamespace, "namespace (a Discord guild ID, or local)")
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
		return errors.New("the question is too long; ask something shorter")
	case errors.Is(err, rag.ErrNoSources):
		// ans carries the plain "nothing ingested" text.
	case err != nil:
		return fmt.Errorf("answer: %w", err)
	}
	if streamed {
		fmt.Fprintln(e.stdout)
		printSources(e.stdout, ans)
		return nil
	}
	if *asJSON {
		return writeJSON(e.stdout, toJSONAnswer(ans))
	}
	printAnswer(e.stdout, ans)
	return nil
}

// parseSince reads a date (2006-01-02 or RFC 3339) or a duration back from now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q is neither a date (2006-01-02) nor a duration (72h)", s)
}
