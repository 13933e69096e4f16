package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/ingest/feed"
	"github.com/gazettebot/gazette/news"
)

func init() {
	feedSettings := []string{"GAZETTE_ALLOW_PRIVATE_NETWORKS", "GAZETTE_FETCH_MAX_BYTES", "GAZETTE_FETCH_TIMEOUT", "GAZETTE_FEED_INTERVAL", "GAZETTE_FEED_HOSTS"}
	sub := func(name, args, summary, help string) *command {
		return &command{name: name, args: args, summary: summary, help: help, settings: feedSettings,
			run: func(ctx context.Context, e *env) error { return runFeed(ctx, e, name) }}
	}
	register(command{
		name: "feed", group: groupLibrary,
		summary: "follow RSS/Atom feeds: feed add|list|remove|poll",
		help:    `Followed feeds are polled by 'gazette serve' every GAZETTE_FEED_INTERVAL, or at once with 'gazette feed poll'.`,
		subs: []*command{
			sub("add", "URL", "follow a feed (or a page that links one)", "Checks that the feed can be fetched and read, then records it; its items are ingested on the next poll."),
			sub("list", "", "list the followed feeds with their item counts, last poll and status", ""),
			sub("remove", "URL", "stop following a feed; articles already ingested stay", ""),
			sub("poll", "[URL]", "fetch the followed feeds (or one) now and ingest their new items", ""),
		},
	})
}

func runFeed(ctx context.Context, e *env, sub string) error {
	fs := newFlags(e, "feed "+sub, "")
	ns := nsFlag(fs)
	asJSON := new(bool)
	if sub == "list" {
		asJSON = fs.Bool("json", false, "print the feeds as a JSON array")
	}
	args, err := parseFlags(fs, e.args)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, e.cfg, e.log, appOptions{})
	if err != nil {
		return err
	}
	defer a.Close()
	p := feed.NewPoller(a.store, a.http, a.pipeline, feed.Options{Interval: e.cfg.FeedInterval, Hosts: e.cfg.FeedHosts, Logger: e.log})

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
			if r := cliReason(err, e.cfg); r != "" {
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
			if errors.Is(err, news.ErrNotFound) {
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
		if *asJSON {
			return writeJSON(e.stdout, feedsJSON(fds))
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
		// A feed's refused items (no text) are reported, not failures of
		// the poll, unless every item was refused.
		_ = reportReceipts(e.stdout, all, false)
		refused := 0
		for _, r := range all {
			if r.Status == ingest.StatusRefused {
				refused++
			}
		}
		if len(all) > 0 && refused == len(all) {
			return errSilent
		}
		if failed > 0 && failed == len(results) {
			return errSilent
		}
		return nil
	}
	return fmt.Errorf("unknown feed command %q: want add, list, remove or poll", sub)
}

// jsonFeed is one feed in `feed list --json` output.
type jsonFeed struct {
	URL       string `json:"url"`
	Title     string `json:"title"`
	Items     int    `json:"items"`
	AddedAt   string `json:"added_at"`
	LastPoll  string `json:"last_poll,omitempty"`
	LastError string `json:"last_error,omitempty"`
}

func feedsJSON(fds []feed.Feed) []jsonFeed {
	out := make([]jsonFeed, 0, len(fds))
	for _, f := range fds {
		out = append(out, jsonFeed{URL: f.URL, Title: f.Title, Items: f.Items, AddedAt: rfc3339(f.AddedAt),
			LastPoll: rfc3339(f.LastPolledAt), LastError: f.LastError})
	}
	return out
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
