package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/ingest/feed"
	"github.com/gazettebot/gazette/news"
)

func init() {
	register(command{name: "feed", summary: "follow RSS/Atom feeds: feed add|list|remove|poll", run: runFeed})
}

func runFeed(ctx context.Context, e *env) error {
	if len(e.args) == 0 {
		return errors.New("usage: gazette feed add URL | list | remove URL | poll [URL]")
	}
	sub := e.args[0]
	fs := newFlags(e, "feed "+sub, "[URL]")
	ns := fs.String("ns", news.LocalNamespace, "namespace (a Discord guild ID, or local)")
	args, err := parseFlags(fs, e.args[1:])
	if err != nil {
		return err
	}
	a, err := openApp(ctx, e.cfg, e.log, appOptions{})
	if err != nil {
		return err
	}
	defer a.Close()
	p := feed.NewPoller(a.store, a.http, a.pipeline, feed.Options{Interval: e.cfg.FeedInterval, Logger: e.log})

	needURL := func() (string, error) {
		if len(args) != 1 {
			return "", fmt.Errorf("feed %s needs one URL", sub)
		}
		return args[0], nil
	}
	switch sub {
	case "add":
		u, err := needURL()
		if err != nil {
			return err
		}
		f, err := p.Add(ctx, *ns, u)
		if err != nil {
			if r := userReason(err); r != "" {
				return fmt.Errorf("cannot follow %s: %s", u, r)
			}
			return err
		}
		fmt.Fprintf(e.stdout, "Following %q (%s). Run 'gazette feed poll' or 'gazette serve' to ingest its items.\n", f.Title, f.URL)
		return nil
	case "remove":
		u, err := needURL()
		if err != nil {
			return err
		}
		if err := p.Remove(ctx, *ns, u); err != nil {
			if errors.Is(err, feed.ErrNotFound) {
				return fmt.Errorf("not following %s", u)
			}
			return err
		}
		fmt.Fprintf(e.stdout, "Stopped following %s.\n", u)
		return nil
	case "list":
		fds, err := p.List(ctx, *ns)
		if err != nil {
			return err
		}
		if len(fds) == 0 {
			fmt.Fprintln(e.stdout, "No feeds. Add one with 'gazette feed add URL'.")
			return nil
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "FEED\tTITLE\tITEMS\tLAST POLL\tSTATUS")
		for _, f := range fds {
			status := "ok"
			if f.LastError != "" {
				status = f.LastError
			}
			last := "never"
			if !f.LastPolledAt.IsZero() {
				last = f.LastPolledAt.Local().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", f.URL, f.Title, f.Items, last, status)
		}
		return tw.Flush()
	case "poll":
		var results []feed.PollResult
		if len(args) == 1 {
			r, err := p.Poll(ctx, *ns, args[0], nil)
			if err != nil && r.Feed.URL == "" {
				return err
			}
			results = []feed.PollResult{r}
		} else {
			results, err = p.PollNamespace(ctx, *ns, nil)
			if err != nil {
				return err
			}
		}
		var all []ingest.Receipt
		failed := 0
		for _, r := range results {
			switch {
			case r.Err != nil:
				failed++
				fmt.Fprintf(e.stdout, "%s: %s\n", r.Feed.URL, r.Feed.LastError)
			case r.NotModified:
				fmt.Fprintf(e.stdout, "%s: not modified\n", r.Feed.URL)
			default:
				fmt.Fprintf(e.stdout, "%s: %s\n", r.Feed.URL, plural(len(r.Receipts), "new item", "new items"))
			}
			all = append(all, r.Receipts...)
		}
		if err := reportReceipts(e.stdout, all, false); err != nil && len(all) > 0 {
			return err
		}
		if failed > 0 && failed == len(results) {
			return errSilent
		}
		return nil
	}
	return fmt.Errorf("unknown feed command %q: want add, list, remove or poll", sub)
}
