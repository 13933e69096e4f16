package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gazettebot/gazette/digest"
	"github.com/gazettebot/gazette/news"
)

func init() {
	register(command{name: "digest", summary: "print the digest of the articles ingested recently, grouped into cited stories", run: runDigest})
}

func runDigest(ctx context.Context, e *env) error {
	fs := newFlags(e, "digest", "")
	guild := fs.String("guild", news.LocalNamespace, "namespace: a Discord guild ID, or local")
	since := fs.Duration("since", 24*time.Hour, "how far back, over ingestion time")
	asJSON := fs.Bool("json", false, "print {since, until, stories} as JSON")
	maxStories := fs.Int("max-stories", e.cfg.DigestMaxStories, "most stories")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *since <= 0 {
		return fmt.Errorf("--since must be positive, not %s", *since)
	}
	a, err := openApp(ctx, e.cfg, e.log, appOptions{})
	if err != nil {
		return err
	}
	defer a.Close()
	until := time.Now()
	d, err := digest.Build(ctx, a.store, *guild, until.Add(-*since), until, digest.BuildOptions{
		MaxStories: *maxStories, Completer: a.chat, Log: e.log,
	})
	if err != nil {
		return fmt.Errorf("build digest: %w", err)
	}
	if *asJSON {
		return writeJSON(e.stdout, d.JSON())
	}
	fmt.Fprint(e.stdout, d.Text())
	return nil
}
