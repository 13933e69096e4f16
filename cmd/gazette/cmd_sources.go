package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gazettebot/gazette/ingest/web"
	"github.com/gazettebot/gazette/internal/store"
	"github.com/gazettebot/gazette/news"
)

func init() {
	register(command{
		name: "sources", group: groupLibrary,
		summary: "list the articles in the library, newest ingested first",
		help: `Shows each article's ID (for 'gazette forget'), publication date, outlet and
title; --search keeps those whose title, outlet or URL contains the text. The
store is opened read-only.`,
		run: runSources,
	})
	register(command{
		name: "forget", group: groupLibrary, args: "ID|URL...",
		summary: "delete articles from the library, by ID or URL",
		help: `Deletes each article with its passages from the search indexes; answers no longer
cite it. IDs are those 'gazette sources' shows. A feed may ingest the article
again if it is still in the feed.`,
		run: runForget,
	})
	register(command{
		name: "export", group: groupLibrary,
		summary: "write the library as JSON Lines, the format 'gazette ingest --jsonl' reads",
		help: `One article a line, oldest ingested first: id, title, url, source (the outlet),
author, published_at, language, body, and for reference ingested_at and
content_hash. 'gazette ingest --jsonl' of the file rebuilds the same articles
(with the same IDs and content hashes) in another store or namespace, e.g.
after switching embedders or to move a library. The store is opened read-only.`,
		run: runExport,
	})
}

func runSources(ctx context.Context, e *env) error {
	fs := newFlags(e, "sources", "")
	ns := nsFlag(fs)
	search := fs.String("search", "", "only articles whose title, outlet or URL contains this text")
	limit := fs.Int("limit", 50, "most articles listed (0: all)")
	asJSON := fs.Bool("json", false, "print {total, articles: [{id, title, outlet, url, author, published_at, ingested_at, content_hash}]} as JSON")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *limit < 0 {
		return fmt.Errorf("--limit must be 0 (all) or more, not %d", *limit)
	}
	st, err := openStore(ctx, e.cfg, e.log, appOptions{readOnly: true}, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	arts, total, err := listArticles(ctx, st, *ns, news.ListOptions{Search: *search}, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		out := struct {
			Total    int           `json:"total"`
			Articles []jsonArticle `json:"articles"`
		}{total, make([]jsonArticle, 0, len(arts))}
		for _, a := range arts {
			out.Articles = append(out.Articles, toJSONArticle(a))
		}
		return writeJSON(e.stdout, out)
	}
	if total == 0 {
		if *search != "" {
			fmt.Fprintf(e.stdout, "No article's title, outlet or URL contains %q (namespace %s).\n", *search, *ns)
		} else {
			fmt.Fprintf(e.stdout, "No articles in namespace %s. Ingest some with 'gazette ingest PATH|URL'.\n", *ns)
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPUBLISHED\tOUTLET\tTITLE")
	for _, a := range arts {
		pub := "-"
		if !a.PublishedAt.IsZero() {
			pub = a.PublishedAt.Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.ID, pub, cell(a.Outlet, 30), cell(firstNonEmpty(a.Title, a.URL), 70))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(arts) < total {
		fmt.Fprintf(e.stdout, "%d of %d articles; --limit 0 lists all, --search narrows.\n", len(arts), total)
	} else {
		fmt.Fprintf(e.stdout, "%s.\n", plural(total, "article", "articles"))
	}
	return nil
}

// cell shortens s to n characters for a table.
func cell(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	if s == "" {
		return "-"
	}
	return s
}

// listArticles pages through the store's list; limit 0 means all.
func listArticles(ctx context.Context, st news.ArticleStore, ns string, o news.ListOptions, limit int) ([]news.Article, int, error) {
	const page = 500
	var all []news.Article
	total := 0
	for {
		o.Offset, o.Limit = len(all), page
		if limit > 0 {
			o.Limit = min(page, limit-len(all))
		}
		arts, n, err := st.ListArticles(ctx, ns, o)
		if err != nil {
			return nil, 0, fmt.Errorf("list articles: %w", err)
		}
		total = n
		all = append(all, arts...)
		if len(arts) < o.Limit || len(all) >= total || (limit > 0 && len(all) >= limit) {
			return all, total, nil
		}
	}
}

// jsonArticle is one article in `sources --json` and `export` output. Its
// field names are those 'ingest --jsonl' reads.
type jsonArticle struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	URL         string `json:"url,omitempty"`
	Source      string `json:"source,omitempty"`
	Author      string `json:"author,omitempty"`
	PublishedAt string `json:"published_at,omitempty"`
	Language    string `json:"language,omitempty"`
	IngestedAt  string `json:"ingested_at"`
	ContentHash string `json:"content_hash"`
	Body        string `json:"body,omitempty"`
}

func toJSONArticle(a news.Article) jsonArticle {
	return jsonArticle{
		ID: a.ID, Title: a.Title, URL: a.URL, Source: a.Outlet, Author: a.Author,
		PublishedAt: rfc3339(a.PublishedAt), Language: a.Language, IngestedAt: rfc3339(a.IngestedAt),
		ContentHash: a.ContentHash, Body: a.Body,
	}
}

func runForget(ctx context.Context, e *env) error {
	fs := newFlags(e, "forget", "ID|URL...")
	ns := nsFlag(fs)
	args, err := parseFlags(fs, e.args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return errors.New("forget needs an article ID or URL; 'gazette sources --search TEXT' finds them")
	}
	st, err := openStore(ctx, e.cfg, e.log, appOptions{}, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	missing := 0
	for _, arg := range args {
		a, err := findArticle(ctx, st, *ns, arg)
		if errors.Is(err, news.ErrNotFound) {
			missing++
			fmt.Fprintf(e.stderr, "gazette: no article %s in namespace %s; 'gazette sources --search TEXT' lists them\n", arg, *ns)
			continue
		}
		if err != nil {
			return err
		}
		if err := st.DeleteArticle(ctx, *ns, a.ID); err != nil {
			return fmt.Errorf("forget %s: %w", a.ID, err)
		}
		fmt.Fprintf(e.stdout, "Forgot %s: %s\n", a.ID, trimJoin(firstNonEmpty(a.Title, a.URL), a.Outlet))
	}
	if missing > 0 {
		return errSilent
	}
	return nil
}

// findArticle finds an article by ID, or by URL as given or canonical.
func findArticle(ctx context.Context, st news.ArticleStore, ns, arg string) (news.Article, error) {
	a, err := st.Article(ctx, ns, arg)
	if err == nil || !errors.Is(err, news.ErrNotFound) || !isURL(arg) {
		return a, err
	}
	a, err = st.ArticleByURL(ctx, ns, arg)
	if !errors.Is(err, news.ErrNotFound) {
		return a, err
	}
	if c, cerr := web.CanonicalURL(arg); cerr == nil && c != arg {
		return st.ArticleByURL(ctx, ns, c)
	}
	return a, err
}

func runExport(ctx context.Context, e *env) error {
	fs := newFlags(e, "export", "")
	ns := nsFlag(fs)
	fs.Bool("jsonl", true, "JSON Lines, the one export format (the flag says so in scripts)")
	since := fs.String("since", "", "only articles ingested since then: "+sinceHelp)
	search := fs.String("search", "", "only articles whose title, outlet or URL contains this text")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	o := news.ListOptions{Search: *search}
	if *since != "" {
		t, err := parseSince(*since, time.Now())
		if err != nil {
			return err
		}
		o.IngestedSince = t
	}
	st, err := openStore(ctx, e.cfg, e.log, appOptions{readOnly: true}, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := exportJSONL(ctx, e.stdout, st, *ns, o)
	if err != nil {
		return err
	}
	e.log.Info("exported", "articles", n, "ns", *ns)
	return nil
}

// exportJSONL writes the selected articles of ns, oldest ingested first,
// one JSON object a line.
func exportJSONL(ctx context.Context, w io.Writer, st news.ArticleStore, ns string, o news.ListOptions) (int, error) {
	arts, _, err := listArticles(ctx, st, ns, o, 0)
	if err != nil {
		return 0, err
	}
	slices.Reverse(arts)
	enc := jsonLineEncoder(w)
	for i, meta := range arts {
		a, err := st.Article(ctx, ns, meta.ID)
		if errors.Is(err, news.ErrNotFound) {
			continue // forgotten meanwhile
		}
		if err != nil {
			return i, fmt.Errorf("export %s: %w", meta.ID, err)
		}
		if err := enc.Encode(toJSONArticle(a)); err != nil {
			return i, fmt.Errorf("export: write: %w", err)
		}
	}
	return len(arts), nil
}
