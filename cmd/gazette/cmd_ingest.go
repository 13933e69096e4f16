package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"time"

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
	asJSON := fs.Bool("json", false, "print {receipts: [{status, article_id, title, outlet, url, published_at, words, chunks, reason, source}], new, updated, unchanged, refused, skipped} as JSON")
	args, err := parseFlags(fs, e.args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		fs.Usage()
		return errors.New("ingest needs at least one file, directory or URL")
	}
	// Files are read and extracted before the store and the encoder are
	// opened, so that a large page's parse trees are gone before the
	// encoder's weights and the passages' vectors take their place.
	var (
		docs   []ingest.Document
		loaded = make([][]ingest.Receipt, len(args)) // refusals, by argument
	)
	for i, arg := range args {
		if !isURL(arg) {
			ds, bad := loadPath(arg, *jsonl)
			docs = append(docs, ds...)
			loaded[i] = bad
		}
	}
	a, err := openApp(ctx, e.cfg, e.log, appOptions{})
	if err != nil {
		return err
	}
	defer a.Close()

	// Partial success: every input that can be read is ingested; every one
	// that cannot is reported with where it is and why, and makes the exit
	// status non-zero.
	var receipts []ingest.Receipt
	for i, arg := range args {
		if !isURL(arg) {
			receipts = append(receipts, loaded[i]...)
			continue
		}
		r, err := ingestURL(ctx, e, a, *ns, arg)
		if err != nil {
			return err
		}
		r.Source = arg
		receipts = append(receipts, r)
	}
	if len(docs) > 0 {
		rs, err := ingestDocs(ctx, e, a, *ns, docs)
		receipts = append(receipts, rs...)
		if err != nil {
			// Report what was stored before the failure, then the failure.
			_ = reportReceipts(e.stdout, receipts, *quiet)
			fmt.Fprintf(e.stdout, "stopped after %s of %d: the rest were not ingested\n", plural(len(rs), "document", "documents"), len(docs))
			return err
		}
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

// loadPath reads one file or directory into documents, and a refused
// receipt for each file or line that could not be read and a skipped one
// for each file of a type Gazette does not read in a directory.
func loadPath(path string, jsonl bool) ([]ingest.Document, []ingest.Receipt) {
	var (
		docs []ingest.Document
		err  error
		dir  bool
	)
	switch st, serr := os.Stat(path); {
	case serr != nil:
		err = &ingest.LoadError{Path: path, Err: statReason(serr)}
	case st.IsDir():
		dir = true
		docs, err = ingest.LoadDir(path, web.DocumentFromBytes)
	case jsonl || strings.HasSuffix(strings.ToLower(path), ".jsonl"):
		docs, err = loadJSONL(path)
	default:
		var d ingest.Document
		if d, err = ingest.LoadFile(path, web.DocumentFromBytes); err == nil {
			d.Source = path
			docs = append(docs, d)
		} else {
			err = &ingest.LoadError{Path: path, Err: err}
		}
	}
	var bad []ingest.Receipt
	for _, le := range ingest.LoadErrors(err) {
		status := ingest.StatusRefused
		if dir && le.Skipped() {
			// a file of another type in a directory: passed over, and said so
			status = ingest.StatusSkipped
		}
		bad = append(bad, ingest.Receipt{Status: status, Source: le.Where(), Reason: le.Reason()})
	}
	return docs, bad
}

// loadCorpus reads a bench corpus (JSON Lines) whole: an evaluation's
// figures are only comparable on every article, so any unreadable line is
// an error.
func loadCorpus(path string) ([]ingest.Document, error) {
	docs, bad := loadPath(path, true)
	if len(bad) > 0 {
		return nil, fmt.Errorf("read corpus: %s: %s (%d unreadable in all)", bad[0].Source, bad[0].Reason, len(bad))
	}
	return docs, nil
}

// loadJSONL reads a JSON Lines file; documents and errors name "path:line".
func loadJSONL(path string) ([]ingest.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &ingest.LoadError{Path: path, Err: statReason(err)}
	}
	defer f.Close()
	docs, err := ingest.LoadJSONL(f)
	for i := range docs {
		docs[i].Source = path + ":" + strings.TrimPrefix(docs[i].Source, "line ")
	}
	les := ingest.LoadErrors(err)
	errs := make([]error, 0, len(les))
	for _, le := range les {
		le.Path = path
		errs = append(errs, le)
	}
	return docs, errors.Join(errs...)
}

// statReason words a file system error without repeating the path.
func statReason(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file or directory")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("permission denied")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ingestDocs ingests a batch, showing progress on standard error: a bar on
// a terminal, otherwise a line every few seconds.
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
	} else if len(docs) > 1 {
		pl := newProgressLog(e.stderr, len(docs), time.Now)
		stop := pl.every(progressLogInterval)
		defer stop()
		progress = pl.update
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

// reportReceipts prints one line per document and a summary counting each
// outcome. It fails (non-zero exit) when anything was refused or cut short.
func reportReceipts(w io.Writer, rs []ingest.Receipt, quiet bool) error {
	count := map[ingest.Status]int{}
	chunks, cut := 0, 0
	for _, r := range rs {
		count[r.Status]++
		chunks += r.Chunks
		if r.Cut {
			cut++
		}
		if quiet && r.Status != ingest.StatusRefused && !r.Cut {
			continue
		}
		switch r.Status {
		case ingest.StatusRefused, ingest.StatusSkipped:
			fmt.Fprintf(w, "%-10s %s: %s\n", r.Status, firstNonEmpty(r.Source, r.URL, r.Title, r.ArticleID), r.Reason)
		default:
			fmt.Fprintf(w, "%-10s %s\n", r.Status, trimJoin(r.Title, r.Outlet, dateOnly(r), plural(r.Words, "word", "words"), plural(r.Chunks, "chunk", "chunks")))
			if r.Cut {
				fmt.Fprintf(w, "cut short  %s: only its first %s were stored\n", firstNonEmpty(r.Source, r.URL, r.Title), plural(r.Chunks, "passage", "passages"))
			}
		}
	}
	summary := fmt.Sprintf("%d new, %d updated, %d unchanged, %d refused", count[ingest.StatusNew],
		count[ingest.StatusUpdated], count[ingest.StatusUnchanged], count[ingest.StatusRefused])
	if n := count[ingest.StatusSkipped]; n > 0 {
		summary += fmt.Sprintf(", %d skipped", n)
	}
	if cut > 0 {
		summary += fmt.Sprintf(", %d cut short", cut)
	}
	fmt.Fprintf(w, "%s; %s\n", summary, plural(chunks, "chunk", "chunks"))
	if count[ingest.StatusRefused] > 0 || cut > 0 {
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
