package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gazettebot/gazette/news"
)

// MaxFileSize is the largest file (and JSON Lines record) the loaders read.
const MaxFileSize = 10 << 20

// ErrUnsupported means a file's type is not one the loaders read.
var ErrUnsupported = errors.New("unsupported file type (want .txt, .md, .html or .pdf)")

// unsupportedError is [ErrUnsupported] for a file of a given extension,
// worded for users.
type unsupportedError struct{ ext string }

func (e *unsupportedError) Error() string { return e.UserReason() }

func (e *unsupportedError) Is(target error) bool { return target == ErrUnsupported }

// UserReason says which type the file has and which types are read.
func (e *unsupportedError) UserReason() string {
	if e.ext == "" {
		return "a file without an extension; Gazette reads .txt, .md, .html and .pdf files"
	}
	return "Gazette does not read " + e.ext + " files; it reads .txt, .md, .html and .pdf"
}

// ErrTooLarge means a file or record is over MaxFileSize.
var ErrTooLarge = fmt.Errorf("larger than the %d MB limit", MaxFileSize>>20)

// Convert turns a file's bytes into a document: it tells the type from the
// name's extension, the content type or the bytes themselves, and extracts
// the text and metadata. The program passes web.DocumentFromBytes, the one
// conversion that files on disk, uploads and fetched pages all go through,
// so the same bytes always give the same article.
type Convert func(name, contentType string, data []byte) (Document, error)

// LoadFile reads a .txt, .md, .html or .pdf file and converts it with
// convert. The document's ID is derived from the file's absolute path, so
// ingesting an edited file again updates its article.
func LoadFile(path string, convert Convert) (Document, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if !supported(ext) {
		return Document{}, fmt.Errorf("load %s: %w", path, &unsupportedError{ext})
	}
	data, err := readLimited(path)
	if err != nil {
		return Document{}, fmt.Errorf("load %s: %w", path, err)
	}
	d, err := convert(filepath.Base(path), "", data)
	if err != nil {
		return Document{}, fmt.Errorf("load %s: %w", path, err)
	}
	if abs, err := filepath.Abs(path); err == nil {
		sum := news.ContentHash("file:" + abs) // only a stable hash of the path
		d.ID = "f" + sum[:15]
	}
	return d, nil
}

// ErrBinary means a file meant to be text holds binary data (a corrupt or
// misnamed file).
var ErrBinary = errors.New("the file is not text (it holds binary data)")

// LooksBinary reports whether data is binary rather than text in any
// character set: like git, it looks for a NUL byte in the first 8,000
// bytes, which no text encoding Gazette reads (UTF-8, Latin, CJK legacy
// sets) produces.
func LooksBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0
}

func supported(ext string) bool {
	switch ext {
	case ".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf":
		return true
	}
	return false
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, errors.New("is a directory")
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("%.1f MB: %w", float64(st.Size())/(1<<20), ErrTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, ErrTooLarge
	}
	return data, nil
}

var (
	mdImage    = regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`)
	mdLink     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdEmphasis = regexp.MustCompile("(\\*\\*|__|`)")
	mdHeading  = regexp.MustCompile(`^\s{0,3}#{1,6}\s+`)
	mdRule     = regexp.MustCompile(`^\s{0,3}([-*_]\s*){3,}$`)
)

// ParseText reads plain text or Markdown. Markdown front matter may give
// the title, author, date, outlet, URL and language; otherwise the title is
// the first heading among the first five lines (Markdown) or a first line of
// at most 200 characters that is not a sentence and has text after it, and
// it is taken out of the body. Without one the title is empty: the caller
// names the document after its file. Markdown links, images and emphasis
// marks are reduced to their text.
func ParseText(text string, markdown bool) Document {
	text = strings.ToValidUTF8(strings.TrimPrefix(text, "\uFEFF"), "\uFFFD")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var d Document
	if markdown {
		text = frontMatter(text, &d)
	}
	lines := strings.Split(text, "\n")
	titleAt := -1
	if d.Title == "" {
		first, seen := -1, 0
		for i, l := range lines {
			if strings.TrimSpace(l) == "" {
				continue
			}
			if first < 0 {
				first = i
			}
			if !markdown {
				break
			}
			if mdHeading.MatchString(l) {
				titleAt = i
				break
			}
			if seen++; seen == 5 {
				break
			}
		}
		if titleAt < 0 && first >= 0 {
			l := cleanMarkdownLine(lines[first], markdown)
			rest := strings.TrimSpace(strings.Join(lines[first+1:], "\n"))
			if len(l) <= 200 && rest != "" && !strings.HasSuffix(l, ".") {
				titleAt = first
			}
		}
		if titleAt >= 0 {
			d.Title = cleanMarkdownLine(lines[titleAt], markdown)
		}
	} else {
		// a first line repeating the front matter's title is not body
		for i, l := range lines {
			if strings.TrimSpace(l) == "" {
				continue
			}
			if strings.EqualFold(cleanMarkdownLine(l, markdown), d.Title) {
				titleAt = i
			}
			break
		}
	}
	var body []string
	for i, l := range lines {
		if i == titleAt {
			continue
		}
		if markdown {
			if mdRule.MatchString(l) || strings.HasPrefix(strings.TrimSpace(l), "```") {
				body = append(body, "")
				continue
			}
			l = cleanMarkdownLine(l, true)
		}
		body = append(body, l)
	}
	d.Body = strings.TrimSpace(strings.Join(body, "\n"))
	return d
}

func cleanMarkdownLine(l string, markdown bool) string {
	l = strings.TrimSpace(l)
	if !markdown {
		return l
	}
	l = mdHeading.ReplaceAllString(l, "")
	l = mdImage.ReplaceAllString(l, "")
	l = mdLink.ReplaceAllString(l, "$1")
	l = mdEmphasis.ReplaceAllString(l, "")
	l = strings.TrimLeft(l, "> ")
	return strings.TrimSpace(l)
}

// frontMatter reads a leading "---" block of "key: value" lines into d and
// returns the text after it.
func frontMatter(text string, d *Document) string {
	if !strings.HasPrefix(text, "---\n") {
		return text
	}
	end := strings.Index(text[4:], "\n---")
	if end < 0 {
		return text
	}
	block, rest := text[4:4+end], text[4+end+4:]
	rest = strings.TrimPrefix(rest, "-")
	for _, line := range strings.Split(block, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "title":
			d.Title = v
		case "author":
			d.Author = v
		case "outlet", "source", "site":
			d.Outlet = v
		case "url", "link":
			d.URL = v
		case "date", "published", "published_at":
			d.PublishedAt, _ = parseTime(v)
		case "lang", "language":
			d.Language = v
		}
	}
	return rest
}

// LoadError is one input a loader could not read: a file, or one line of a
// JSON Lines file. The loaders return one for each bad input, joined with
// [errors.Join], beside every document they could read; [LoadErrors] lists
// them.
type LoadError struct {
	Path string // the file; empty for a reader
	Line int    // the line of a JSON Lines file; 0 for a whole file
	Err  error
}

// Error names the input and says why it could not be read.
func (e *LoadError) Error() string { return e.Where() + ": " + e.Reason() }

// Unwrap returns the underlying error.
func (e *LoadError) Unwrap() error { return e.Err }

// Where names the input: "path", "path:line" or "line N".
func (e *LoadError) Where() string {
	switch {
	case e.Line > 0 && e.Path != "":
		return fmt.Sprintf("%s:%d", e.Path, e.Line)
	case e.Line > 0:
		return fmt.Sprintf("line %d", e.Line)
	case e.Path != "":
		return e.Path
	}
	return "input"
}

// Skipped reports whether the input is a file of a type the loaders do not
// read, which [LoadDir] passes over (and reports) rather than fails on.
func (e *LoadError) Skipped() bool { return errors.Is(e.Err, ErrUnsupported) }

// Reason says why the input could not be read, without repeating where.
func (e *LoadError) Reason() string {
	if e.Err == nil {
		return "unreadable"
	}
	var ur interface{ UserReason() string }
	if errors.As(e.Err, &ur) && ur.UserReason() != "" {
		return ur.UserReason() // a refusal worded for users
	}
	msg := e.Err.Error()
	if e.Path != "" {
		msg = strings.TrimPrefix(msg, "load "+e.Path+": ")
		msg = strings.TrimPrefix(msg, "open "+e.Path+": ")
	}
	return msg
}

// LoadErrors lists the inputs err reports as unreadable: each
// [*LoadError] joined in it, and any other error as one without a path.
func LoadErrors(err error) []*LoadError {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*LoadError
		for _, e := range j.Unwrap() {
			out = append(out, LoadErrors(e)...)
		}
		return out
	}
	var le *LoadError
	if errors.As(err, &le) {
		return []*LoadError{le}
	}
	return []*LoadError{{Err: err}}
}

// LoadDir loads every supported file under dir (recursively, in name
// order, skipping hidden files and directories) with [LoadFile].
// It returns every document it could load and, joined, a [*LoadError] for
// each file or directory it could not read (one bad file never costs the
// others) and for each file of a type it does not read, which it skips:
// such an error's Skipped method reports true.
func LoadDir(dir string, convert Convert) ([]Document, error) {
	var (
		paths []string
		errs  []error
		// in walk order, which is name order
		skipped []error
	)
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			errs = append(errs, &LoadError{Path: path, Err: err})
			if e != nil && e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		name := e.Name()
		if path != dir && strings.HasPrefix(name, ".") {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			return nil
		}
		if ext := strings.ToLower(filepath.Ext(name)); supported(ext) {
			paths = append(paths, path)
		} else {
			skipped = append(skipped, &LoadError{Path: path, Err: &unsupportedError{ext}})
		}
		return nil
	})
	if err != nil {
		return nil, &LoadError{Path: dir, Err: err}
	}
	sort.Strings(paths)
	var docs []Document
	for _, p := range paths {
		d, err := LoadFile(p, convert)
		if err != nil {
			errs = append(errs, &LoadError{Path: p, Err: err})
			continue
		}
		d.Source = p
		docs = append(docs, d)
	}
	return docs, errors.Join(append(errs, skipped...)...)
}

// jsonlRecord is one line of a corpus in the bench format.
type jsonlRecord struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	URL         string `json:"url"`
	Source      string `json:"source"`
	Outlet      string `json:"outlet"`
	PublishedAt string `json:"published_at"`
	Author      string `json:"author"`
	Language    string `json:"language"`
	Body        string `json:"body"`
}

// LoadJSONL reads JSON Lines in the bench corpus format: one object a line
// with id, title, url, source (the outlet), published_at (RFC 3339), author
// and body; any may be null, and other fields are ignored. Blank lines are
// skipped. It returns every document it could read and, joined, a
// [*LoadError] naming each line it could not (malformed, or over
// MaxFileSize): one bad line never costs the others. Each document's Source
// is "line N".
func LoadJSONL(r io.Reader) ([]Document, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var (
		docs []Document
		errs []error
	)
	bad := func(n int, err error) { errs = append(errs, &LoadError{Line: n, Err: err}) }
	for n := 1; ; n++ {
		line, err := readLine(br)
		if errors.Is(err, ErrTooLarge) {
			bad(n, err)
			continue
		}
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return docs, errors.Join(errs...)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			bad(n, fmt.Errorf("read: %w", err))
			return docs, errors.Join(errs...)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		d, err := jsonlDocument(line)
		if err != nil {
			bad(n, err)
			continue
		}
		d.Source = fmt.Sprintf("line %d", n)
		docs = append(docs, d)
	}
}

// jsonlDocument reads one JSON Lines record.
func jsonlDocument(line []byte) (Document, error) {
	var rec jsonlRecord
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&rec); err != nil {
		return Document{}, fmt.Errorf("not a JSON object: %w", err)
	}
	if dec.More() {
		return Document{}, errors.New("more than one JSON value on the line")
	}
	d := Document{
		ID: strings.TrimSpace(rec.ID), URL: strings.TrimSpace(rec.URL), Title: strings.TrimSpace(rec.Title),
		Outlet: strings.TrimSpace(rec.Source), Author: strings.TrimSpace(rec.Author),
		Language: rec.Language, Body: rec.Body,
	}
	if d.Outlet == "" {
		d.Outlet = strings.TrimSpace(rec.Outlet)
	}
	if rec.PublishedAt != "" {
		t, err := parseTime(rec.PublishedAt)
		if err != nil {
			return Document{}, fmt.Errorf("published_at: %w", err)
		}
		d.PublishedAt = t
	}
	return d, nil
}

// readLine reads one line of at most MaxFileSize bytes, without its end.
// A longer line is skipped to its end and reported as ErrTooLarge.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxFileSize {
			if errors.Is(err, bufio.ErrBufferFull) {
				if err := skipLine(br); err != nil && !errors.Is(err, io.EOF) {
					return nil, err
				}
			}
			return nil, ErrTooLarge
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(line, "\r\n"), err
	}
}

// skipLine discards the rest of the current line.
func skipLine(br *bufio.Reader) error {
	for {
		_, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return err
	}
}

// parseTime reads RFC 3339 (with or without fractions or a zone) or a bare
// date.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a date (want RFC 3339)", s)
}
