package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gazettebot/gazette/digest"
)

func init() {
	register(command{
		name: "digest", group: groupRead,
		summary: "print the digest of the articles ingested recently, grouped into cited stories",
		help: `Groups the articles ingested in the window into stories, most covered first, each
with its sources. With a chat model each story gets a one-sentence summary.
This prints a preview; the bot posts digests on the schedule set with /digest.`,
		settings: []string{"OPENAI_API_KEY", "OPENAI_BASE_URL", "GAZETTE_CHAT_MODEL", "GAZETTE_LLM_TIMEOUT", "GAZETTE_EMBEDDER", "GAZETTE_EMBED_MODEL", "GAZETTE_EMBED_BASE_URL", "GAZETTE_EMBED_API_KEY", "GAZETTE_DIGEST_MAX_STORIES"},
		run:      runDigest,
	})
}

func runDigest(ctx context.Context, e *env) error {
	fs := newFlags(e, "digest", "")
	ns := nsFlag(fs)
	fs.Var(stringAlias{ns}, "guild", "deprecated: use --ns")
	since := fs.String("since", "24h", "the articles ingested since then: "+sinceHelp)
	asJSON := fs.Bool("json", false, "print {since, until, stories} as JSON")
	maxStories := fs.Int("max-stories", e.cfg.DigestMaxStories, "most stories")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	until := time.Now()
	from, err := parseSince(*since, until)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, e.cfg, e.log, appOptions{readOnly: true})
	if err != nil {
		return err
	}
	defer a.Close()
	d, err := digest.Build(ctx, a.store, *ns, from, until, digest.BuildOptions{
		MaxStories: *maxStories, Completer: a.chat, Log: e.log,
	})
	if err != nil {
		return fmt.Errorf("build digest: %w", err)
	}
	if *asJSON {
		return writeJSON(e.stdout, d.JSON())
	}
	fmt.Fprint(e.stdout, d.Text())
	if d.Empty() {
		st, err := a.store.Stats(ctx, *ns)
		if err != nil {
			return fmt.Errorf("count articles: %w", err)
		}
		if st.Articles > 0 {
			fmt.Fprintf(e.stdout, "No articles were ingested since %s; the library has %s. Widen the window with --since (e.g. --since 30d).\n",
				from.Local().Format("2 Jan 2006 15:04"), plural(st.Articles, "article", "articles"))
		} else {
			fmt.Fprintln(e.stdout, "The library is empty: ingest articles with 'gazette ingest PATH|URL' or follow feeds with 'gazette feed add URL'.")
		}
	}
	return nil
}

// stringAlias is a flag that sets another flag's string (a deprecated
// name kept working).
type stringAlias struct{ p *string }

func (a stringAlias) String() string {
	if a.p == nil {
		return ""
	}
	return *a.p
}

func (a stringAlias) Set(s string) error { *a.p = s; return nil }
