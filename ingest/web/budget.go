package web

import (
	"bytes"
	"context"
	"fmt"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/sync/semaphore"

	"github.com/gazettebot/gazette/internal/safehttp"
)

// Extraction memory is bounded in three ways, all decided before a tree is
// built, from one pass of the tokenizer (which holds one token at a time):
//
//   - a page whose parsed tree would exceed maxNodes nodes is refused with
//     a reason a user can read;
//   - a page beyond maxLibraryNodes nodes, or whose paragraphs would make
//     go-trafilatura's paragraph scan quadratic (maxParagraphWork), is
//     extracted with go-readability, whose cost grows linearly with the
//     page;
//   - at most extractBudget bytes of pages are being extracted at once in
//     the process, whichever path they came by (uploads, files, fetched
//     URLs, feed items).
const (
	maxNodes         = 400_000
	maxLibraryNodes  = 40_000
	maxParagraphWork = 400_000_000
	extractBudget    = 24 << 20
)

// extractSlots is the process-wide byte budget of pages being extracted.
var extractSlots = semaphore.NewWeighted(extractBudget)

// acquireExtraction waits until n bytes of page fit in the budget and
// returns the function that gives them back. Extraction is CPU-bound and
// always ends, so the wait is bounded by the pages ahead of it.
func acquireExtraction(n int) func() {
	w := min(int64(n), extractBudget)
	_ = extractSlots.Acquire(context.Background(), w) // never fails without a deadline
	return func() { extractSlots.Release(w) }
}

// pageShape is what one tokenizer pass learns of a page before its tree is
// built.
type pageShape struct {
	elements int // start tags
	// nodes estimates the parsed tree's nodes: every element and text
	// token, plus the formatting elements (b, i, a, font…) left open, which
	// the HTML parser re-creates in each new block: many unclosed ones make
	// the tree far larger than the page.
	nodes    int
	paras    int // <p> start tags
	paraText int // bytes of text inside <p> elements
}

// paragraphWork is the cost go-trafilatura's paragraph scan pays: it
// concatenates the text of every paragraph once per paragraph.
func (s pageShape) paragraphWork() int64 {
	return int64(s.paras) * int64(s.paraText)
}

// formattingAtoms are the elements the HTML parser's "active formatting
// elements" list tracks and reconstructs.
var formattingAtoms = map[atom.Atom]bool{
	atom.A: true, atom.B: true, atom.Big: true, atom.Code: true, atom.Em: true, atom.Font: true,
	atom.I: true, atom.Nobr: true, atom.S: true, atom.Small: true, atom.Strike: true,
	atom.Strong: true, atom.Tt: true, atom.U: true,
}

// measure tokenizes page once and estimates the size of its tree. It stops
// counting once the estimate passes maxNodes.
func measure(page []byte) pageShape {
	var s pageShape
	z := html.NewTokenizer(bytes.NewReader(page))
	open := map[atom.Atom]int{}
	active := 0
	inP := false
	for s.nodes <= maxNodes {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return s
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			s.elements++
			s.nodes += 1 + active
			if tt == html.StartTagToken && formattingAtoms[a] {
				open[a]++
				active++
			}
			if a == atom.P {
				s.paras++
				inP = true
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if formattingAtoms[a] && open[a] > 0 {
				open[a]--
				active--
			}
			if a == atom.P {
				inP = false
			}
		case html.TextToken:
			s.nodes++
			if inP {
				s.paraText += len(z.Raw())
			}
		}
	}
	return s
}

// refuseTooComplex is the refusal of a page beyond maxNodes.
func refuseTooComplex() error {
	return &safehttp.RefusedError{Reason: fmt.Sprintf(
		"the page is too complex to read safely: it has more than %d HTML elements and pieces of text", maxNodes)}
}
