package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/ingest/web"
	"github.com/gazettebot/gazette/news"
)

func init() {
	register(command{
		name: "ingest", group: groupLibrary, args: "PATH|URL...",
		summary: "ingest articles from files, directories, JSON Lines or URLs",
		help: `Reads .txt, .md, .html and .pdf files, directories of them, JSON Lines (one
article a line, as 'gazette export --jsonl' writes) and web pages. An article
already stored with the same text is left unchanged.`,
		settings: []string{"GAZETTE_EMBEDDER", "GAZETTE_EMBED_MODEL", "GAZETTE_EMBED_BASE_URL", "GAZETTE_EMBED_API_KEY", "GAZETTE_ALLOW_PRIVATE_NETWORKS", "GAZETTE_FETCH_MAX_BYTES", "GAZETTE_FETCH_TIMEOUT"},
		run:      runIngest,
	})
}

func runIngest(ctx context.Context, e *env) error {
	fs := newFlags(e, "ingest", "PATH|URL...")
	jsonl := fs.Bool("jsonl", false, "read files as JSON Lines in the bench corpus format (also implied by a .jsonl extension)")
	ns := fs.String("ns", news.LocalNamespace, "namespace (a Discord guild ID, or local)")
	quiet := fs.Bool("q", false, "print only the summary")
	asJSON := fs.Bool("json", false, "print {receipts: [{status, article_id, title, outlet, url, published_at, words, chunks, reason}], new, updated, unchanged, refused} as JSON")
	args, err := parseFlags(fs, e.args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		fs.Usage()
		return errors.New("ingest needs at least one file, directory or URL")
	}
	a, err := openApp(ctx, e.cfg, e.log, appOptions{})
	if err != nil {
		return err
	}
	defer a.Close()

	var docs []ingest.Document
	var receipts []ingest.Receipt
	for _, arg := range args {
		if isURL(arg) {
			r, err := ingestURL(ctx, e, a, *ns, arg)
			if err != nil {
				return err
			}
			receipts = append(receipts, r)
			continue
		}
		ds, err := loadPath(arg, *jsonl)
		if err != nil {
			return err
		}
		docs = append(docs, ds...)
	}
	if len(docs) > 0 {
		rs, err := ingestDocs(ctx, e, a, *ns, docs)
		if err != nil {
			return err
		}
		receipts = append(receipts, rs...)
	}
	if *asJSON {
		return writeReceiptsJSON(e.stdout, receipts)
	}
	return reportReceipts(e.stdout, receipts, *quiet)
}

// isURL reports whether an argument is an address rather than a path: any
// "scheme://" and the schemes that never name a file here (file:, data:,
// javascript:, mailto:), so that an address Gazette will not fetch gets the
// fetcher's refusal instead of being read as a local path.
func isURL(s string) bool {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || len(scheme) < 2 || !urlScheme.MatchString(scheme) {
		return false // "C:\notes.txt" has a drive letter, not a scheme
	}
	switch strings.ToLower(scheme) {
	case "http", "https", "file", "data", "javascript", "mailto", "ftp":
		return true
	}
	return strings.HasPrefix(rest, "//")
}

var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// loadPath reads one file or directory into documents.
func loadPath(path string, jsonl bool) ([]ingest.Document, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if st.IsDir() {
		return ingest.LoadDir(path, web.DocumentFromBytes)
	}
	if jsonl || strings.HasSuffix(strings.ToLower(path), ".jsonl") {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		defer f.Close()
		docs, err := ingest.LoadJSONL(f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		return docs, nil
	}
	d, err := ingest.LoadFile(path, web.DocumentFromBytes)
	if err != nil {
		return nil, err
	}
	return []ingest.Document{d}, nil
}

// ingestDocs ingests a batch with a progress bar on a terminal.
func ingestDocs(ctx context.Context, e *env, a *app, ns string, docs []ingest.Document) ([]ingest.Receipt, error) {
	var progress ingest.Progress
	if isTerminal(e.stderr) {
		bar := progressbar.NewOptions(len(docs),
			progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription("ingesting"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
		)
		progress = func(done, _ int, _ ingest.Receipt) { _ = bar.Set(done) }
		defer bar.Close()
	}
	rs, err := a.pipeline.IngestBatch(ctx, ns, docs, progress)
	if err != nil {
		return rs, fmt.Errorf("ingest: %w", err)
	}
	return rs, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// reportReceipts prints one line per document and a summary; it fails when
// every document was refused.
func reportReceipts(w io.Writer, rs []ingest.Receipt, quiet bool) error {
	count := map[ingest.Status]int{}
	chunks := 0
	for _, r := range rs {
		count[r.Status]++
		chunks += r.Chunks
		if quiet && r.Status != ingest.StatusRefused {
			continue
		}
		switch r.Status {
		case ingest.StatusRefused:
			fmt.Fprintf(w, "refused    %s: %s\n", firstNonEmpty(r.URL, r.Title, r.ArticleID), r.Reason)
		default:
			fmt.Fprintf(w, "%-10s %s\n", r.Status, trimJoin(r.Title, r.Outlet, dateOnly(r), plural(r.Words, "word", "words"), plural(r.Chunks, "chunk", "chunks")))
		}
	}
	fmt.Fprintf(w, "%d new, %d updated, %d unchanged, %d refused; %s\n",
		count[ingest.StatusNew], count[ingest.StatusUpdated], count[ingest.StatusUnchanged], count[ingest.StatusRefused],
		plural(chunks, "chunk", "chunks"))
	if len(rs) > 0 && count[ingest.StatusRefused] == len(rs) {
		return errSilent
	}
	return nil
}

func dateOnly(r ingest.Receipt) string {
	if r.PublishedAt.IsZero() {
		return ""
	}
	return r.PublishedAt.Format("2 Jan 2006")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
