package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/gazettebot/gazette/ingest"
)

// EvalReport scores extraction over a set of pages with the article
// extraction benchmark metric (token 4-gram shingles, per-page normalised).
type EvalReport struct {
	Pages     int     `json:"pages"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Accuracy  float64 `json:"accuracy"`
	// MsPerPageP50 is the median over pages of each page's extraction
	// time, the fastest of TimingRuns runs (extraction is deterministic;
	// repeating filters out scheduling noise on a shared machine).
	MsPerPageP50 float64 `json:"ms_per_page_p50"`
	TimingRuns   int     `json:"timing_runs"`
	// PerPage holds each page's scores, in file order.
	PerPage []PageScore `json:"-"`
}

// PageScore is one page's result.
type PageScore struct {
	ID        string
	Precision float64
	Recall    float64
	Ms        float64
}

// timingRuns is how many times EvalExtraction extracts each page.
const timingRuns = 3

// evalCase is one line of the benchmark's JSON Lines file.
type evalCase struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	HTMLFile string `json:"html_file"`
	Body     string `json:"body"`
}

// EvalExtraction scores [ExtractHTML] on the cases in casesPath, a JSON Lines
// file in the article extraction benchmark format (id, url, html_file
// relative to the file, body). Only the extraction is timed, not reading
// the page; each page is extracted TimingRuns times and its fastest run
// counts.
func EvalExtraction(ctx context.Context, casesPath string) (EvalReport, error) {
	f, err := os.Open(casesPath)
	if err != nil {
		return EvalReport{}, fmt.Errorf("eval extraction: %w", err)
	}
	defer f.Close()
	dir := filepath.Dir(casesPath)
	var scores []pageCounts
	var report EvalReport
	var ms []float64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		if err := ctx.Err(); err != nil {
			return EvalReport{}, err
		}
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var c evalCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return EvalReport{}, fmt.Errorf("eval extraction: %s line %d: %w", casesPath, line, err)
		}
		page, err := readPage(filepath.Join(dir, filepath.FromSlash(c.HTMLFile)))
		if err != nil {
			return EvalReport{}, fmt.Errorf("eval extraction: case %s: %w", c.ID, err)
		}
		var doc ingest.Document
		elapsed := math.Inf(1)
		for range timingRuns {
			start := time.Now()
			doc, err = ExtractHTML(page, "text/html; charset=utf-8", c.URL)
			elapsed = min(elapsed, float64(time.Since(start).Microseconds())/1000)
		}
		got := ""
		if err == nil {
			got = doc.Body
		}
		got = strings.ReplaceAll(got, "\u00ad", "")
		pc := scorePage(c.Body, got)
		scores = append(scores, pc)
		ms = append(ms, elapsed)
		report.PerPage = append(report.PerPage, PageScore{ID: c.ID, Precision: pc.precision, Recall: pc.recall, Ms: elapsed})
	}
	if err := sc.Err(); err != nil {
		return EvalReport{}, fmt.Errorf("eval extraction: read %s: %w", casesPath, err)
	}
	report.Pages = len(scores)
	report.Precision, report.Recall, report.Accuracy = aggregate(scores)
	if report.Precision+report.Recall > 0 {
		report.F1 = 2 * report.Precision * report.Recall / (report.Precision + report.Recall)
	}
	report.MsPerPageP50 = median(ms)
	report.TimingRuns = timingRuns
	return report, nil
}

func readPage(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("gunzip %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	return io.ReadAll(r)
}

// pageCounts is one page's shingle comparison.
type pageCounts struct {
	tp, fp, fn        float64 // normalised to sum to 1
	precision, recall float64
	extracted         bool // tp+fp > 0
	expected          bool // expected body non-empty
	exact             bool
}

// tokens splits s into maximal runs of letters, numbers and underscore, as
// Python's \w+ does on str (combining marks are not word characters there).
func tokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_')
	})
}

func shingles(toks []string) map[string]int {
	out := map[string]int{}
	if len(toks) == 0 {
		return out
	}
	if len(toks) < 4 {
		out[strings.Join(toks, "\x00")]++
		return out
	}
	for i := 0; i+4 <= len(toks); i++ {
		out[strings.Join(toks[i:i+4], "\x00")]++
	}
	return out
}

func scorePage(expected, extracted string) pageCounts {
	et, xt := tokens(expected), tokens(extracted)
	es, xs := shingles(et), shingles(xt)
	var tp, fp, fn float64
	for k, e := range es {
		x := xs[k]
		m := min(e, x)
		tp += float64(m)
		fn += float64(e - m)
	}
	for k, x := range xs {
		if e := es[k]; x > e {
			fp += float64(x - e)
		}
	}
	pc := pageCounts{expected: len(et) > 0, exact: slices.Equal(et, xt)}
	total := tp + fp + fn
	if total > 0 {
		tp, fp, fn = tp/total, fp/total, fn/total
	}
	pc.tp, pc.fp, pc.fn = tp, fp, fn
	pc.extracted = tp+fp > 0
	if fp == 0 && fn == 0 {
		pc.precision, pc.recall = 1, 1
		return pc
	}
	if tp+fp > 0 {
		pc.precision = tp / (tp + fp)
	}
	if tp+fn > 0 {
		pc.recall = tp / (tp + fn)
	}
	return pc
}

func aggregate(pages []pageCounts) (precision, recall, accuracy float64) {
	var np, nr int
	var exact int
	for _, p := range pages {
		if p.extracted {
			precision += p.precision
			np++
		}
		if p.expected {
			recall += p.recall
			nr++
		}
		if p.exact {
			exact++
		}
	}
	if np > 0 {
		precision /= float64(np)
	}
	if nr > 0 {
		recall /= float64(nr)
	}
	if len(pages) > 0 {
		accuracy = float64(exact) / float64(len(pages))
	}
	return precision, recall, accuracy
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
