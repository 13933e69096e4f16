package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/news"
)

// jsonSource is one source in `ask --json` output.
type jsonSource struct {
	N           int    `json:"n"`
	Title       string `json:"title"`
	Outlet      string `json:"outlet"`
	PublishedAt string `json:"published_at"`
	URL         string `json:"url"`
	ArticleID   string `json:"article_id"`
}

// jsonAnswer is the `ask --json` output.
type jsonAnswer struct {
	Answer  string       `json:"answer"`
	Sources []jsonSource `json:"sources"`
	Refused bool         `json:"refused"`
	Note    string       `json:"note,omitempty"`
}

func toJSONAnswer(a news.Answer) jsonAnswer {
	out := jsonAnswer{Answer: a.Text, Refused: a.Refused, Note: a.Note, Sources: []jsonSource{}}
	for _, s := range a.Sources {
		out.Sources = append(out.Sources, jsonSource{
			N: s.N, Title: s.Title, Outlet: s.Outlet, PublishedAt: isoDate(s.PublishedAt),
			URL: s.URL, ArticleID: s.ArticleID,
		})
	}
	return out
}

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printAnswer writes an answer and its numbered sources for a terminal.
func printAnswer(w io.Writer, a news.Answer) {
	fmt.Fprintln(w, strings.TrimSpace(a.Text))
	printNote(w, a)
	printSources(w, a)
}

// printNote writes the answer's note, if any, on a line of its own.
func printNote(w io.Writer, a news.Answer) {
	if a.Note != "" {
		fmt.Fprintf(w, "\n(%s)\n", a.Note)
	}
}

// printSources writes the numbered sources of an answer, if any.
func printSources(w io.Writer, a news.Answer) {
	if len(a.Sources) == 0 {
		return
	}
	fmt.Fprintln(w, "\nSources:")
	for _, s := range a.Sources {
		fmt.Fprintf(w, "[%d] %s\n", s.N, sourceLine(s))
	}
}

func sourceLine(s news.Source) string {
	meta := s.Outlet
	if !s.PublishedAt.IsZero() {
		if meta != "" {
			meta += ", "
		}
		meta += s.PublishedAt.Format("2 Jan 2006")
	}
	line := s.Title
	if meta != "" {
		line += " — " + meta
	}
	if s.URL != "" {
		line += "\n    " + s.URL
	}
	return line
}

// jsonLineEncoder writes one compact JSON value a line, text as is.
func jsonLineEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// jsonReceipt is one document in `ingest --json` output.
type jsonReceipt struct {
	Status      string `json:"status"`
	ArticleID   string `json:"article_id,omitempty"`
	Title       string `json:"title,omitempty"`
	Outlet      string `json:"outlet,omitempty"`
	URL         string `json:"url,omitempty"`
	PublishedAt string `json:"published_at,omitempty"`
	Words       int    `json:"words"`
	Chunks      int    `json:"chunks"`
	Reason      string `json:"reason,omitempty"`
	// Source is the file, "file:line" or address the receipt is about.
	Source string `json:"source,omitempty"`
	// Cut is set when only the first chunks of a long document were kept.
	Cut bool `json:"cut,omitempty"`
}

// writeReceiptsJSON prints receipts and counts by status; like the text
// report it fails when anything was refused or cut short.
func writeReceiptsJSON(w io.Writer, rs []ingest.Receipt) error {
	out := struct {
		Receipts  []jsonReceipt `json:"receipts"`
		New       int           `json:"new"`
		Updated   int           `json:"updated"`
		Unchanged int           `json:"unchanged"`
		Refused   int           `json:"refused"`
		// Skipped counts files of other types passed over in a directory.
		Skipped int `json:"skipped"`
	}{Receipts: make([]jsonReceipt, 0, len(rs))}
	cut := false
	for _, r := range rs {
		switch r.Status {
		case ingest.StatusNew:
			out.New++
		case ingest.StatusUpdated:
			out.Updated++
		case ingest.StatusUnchanged:
			out.Unchanged++
		case ingest.StatusRefused:
			out.Refused++
		case ingest.StatusSkipped:
			out.Skipped++
		}
		out.Receipts = append(out.Receipts, jsonReceipt{
			Status: string(r.Status), ArticleID: r.ArticleID, Title: r.Title, Outlet: r.Outlet, URL: r.URL,
			PublishedAt: isoDate(r.PublishedAt), Words: r.Words, Chunks: r.Chunks, Reason: r.Reason,
			Source: r.Source, Cut: r.Cut,
		})
		if r.Cut {
			cut = true
		}
	}
	if err := writeJSON(w, out); err != nil {
		return err
	}
	if out.Refused > 0 || cut {
		return errSilent
	}
	return nil
}
