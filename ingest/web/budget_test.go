package web

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/gazettebot/gazette/internal/safehttp"
)

// countNodes counts the nodes of a parsed tree.
func countNodes(n *html.Node) int {
	c := 1
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c += countNodes(ch)
	}
	return c
}

// TestMeasureBoundsTheTree checks that the tokenizer's estimate is at least
// the size of the tree the parser builds, for ordinary pages and for the
// shapes that make trees large: tiny inline tags, divs, and unclosed
// formatting elements that the parser re-creates in every paragraph.
func TestMeasureBoundsTheTree(t *testing.T) {
	var unclosed strings.Builder
	for i := range 200 {
		fmt.Fprintf(&unclosed, `<b class="c%d">`, i)
	}
	unclosed.WriteString(strings.Repeat("<p>x</p>", 200))
	for _, tc := range []struct{ name, page string }{
		{"fixture", string(mustRead(t, "testdata/article.html"))},
		{"tiny tags", "<html><body>" + strings.Repeat("<b>x</b><i>y</i>", 2000) + "</body></html>"},
		{"divs", strings.Repeat("<div>a</div>", 2000)},
		{"unclosed formatting", unclosed.String()},
		{"misnested", strings.Repeat("<a href=x><p>one<b>two</a>three</p>", 300)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, err := html.Parse(strings.NewReader(tc.page))
			if err != nil {
				t.Fatal(err)
			}
			got, est := countNodes(root), measure([]byte(tc.page)).nodes
			if est < got-5 { // the document node and implied html, head, body
				t.Errorf("measure() = %d nodes, the parser built %d", est, got)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	return readFixture(t, strings.TrimPrefix(path, "testdata/"))
}

// TestPathologicalPagesRefusedOrBounded feeds pages of tiny inline tags and
// of unclosed formatting elements: beyond the node budget they are refused
// with a reason a user can read (and no tree is built); within it, a large
// page is extracted by the linear path and keeps its text.
func TestPathologicalPagesRefusedOrBounded(t *testing.T) {
	tags := []byte("<html><body><article>" + strings.Repeat("<b>x</b><i>y</i>", maxNodes/3) + "</article></body></html>")
	if s := measure(tags); s.nodes <= maxNodes {
		t.Fatalf("measure() = %d nodes, want more than %d", s.nodes, maxNodes)
	}
	var unclosed strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&unclosed, `<font id="f%d">`, i)
	}
	unclosed.WriteString(strings.Repeat("<p>Words in a paragraph.</p>", 1000))
	for name, page := range map[string][]byte{"tiny tags": tags, "unclosed formatting": []byte(unclosed.String())} {
		_, err := DocumentFromBytes("page.html", "text/html", page)
		var re *safehttp.RefusedError
		if !errors.As(err, &re) || !strings.Contains(Reason(err), "too complex") {
			t.Errorf("%s: DocumentFromBytes() error = %v, want a refusal as too complex", name, err)
		}
	}

	// Between the library budget and the hard limit: extracted, linearly.
	var b bytes.Buffer
	b.WriteString("<html><head><title>Council minutes</title></head><body><article>")
	for i := 0; b.Len() < 2<<20; i++ {
		fmt.Fprintf(&b, "<p>Item %d: the council discussed the <b>harbour</b> plan and <i>voted</i> on motion %d.</p>\n", i, i*7)
	}
	b.WriteString("</article></body></html>")
	s := measure(b.Bytes())
	if s.nodes <= maxLibraryNodes || s.nodes > maxNodes {
		t.Fatalf("measure() = %d nodes, want between %d and %d", s.nodes, maxLibraryNodes, maxNodes)
	}
	doc, err := DocumentFromBytes("minutes.html", "text/html", b.Bytes())
	if err != nil {
		t.Fatalf("DocumentFromBytes(large page) error = %v", err)
	}
	if !strings.Contains(doc.Body, "Item 0: the council discussed the harbour plan and voted on motion 0.") ||
		!strings.Contains(doc.Body, "Item 9000:") || doc.Title != "Council minutes" {
		t.Errorf("large page: title %q, body of %d bytes starting %.200q", doc.Title, len(doc.Body), doc.Body)
	}
}

// TestExtractionBudget checks the process-wide budget: a page larger than
// the whole budget still gets through (alone), and every slot is given
// back.
func TestExtractionBudget(t *testing.T) {
	release := acquireExtraction(extractBudget * 2)
	if extractSlots.TryAcquire(1) {
		t.Fatal("budget not taken by a page larger than it")
	}
	release()
	if !extractSlots.TryAcquire(extractBudget) {
		t.Fatal("budget not given back")
	}
	extractSlots.Release(extractBudget)
}

// TestWriteMemoryPages writes the pages of the peak-memory benchmark
// (BENCHMARKS.md) into the directory named by GAZETTE_MEMORY_PAGES: 1, 5
// and 10 MB of tiny inline tags, of divs, and of distinct ordinary
// paragraphs.
func TestWriteMemoryPages(t *testing.T) {
	dir := os.Getenv("GAZETTE_MEMORY_PAGES")
	if dir == "" {
		t.Skip("set GAZETTE_MEMORY_PAGES to a directory to write the pages")
	}
	const head, tail = "<html><head><title>Memory test</title></head><body><article>", "</article></body></html>"
	for _, mb := range []int{1, 5, 10} {
		size := mb * 1000 * 1000
		for name, unit := range map[string]func(i int) string{
			"tags": func(int) string { return "<b>x</b><i>y</i>" },
			"divs": func(int) string { return "<div>a</div>" },
			"paras": func(i int) string {
				return fmt.Sprintf("<p>Item %d: the committee met on day %d to discuss motion %d of the harbour plan, which adds %d berths by %d.</p>\n", i, i%365, i*7, i%9+2, 2000+i%50)
			},
		} {
			var b bytes.Buffer
			b.WriteString(head)
			for i := 0; ; i++ {
				u := unit(i)
				if b.Len()+len(u)+len(tail) > size {
					break
				}
				b.WriteString(u)
			}
			b.WriteString(tail)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s%d.html", name, mb)), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestDropBlankBetweenBlocks: the white space between blocks goes (a
// large page's tree is copied by go-readability), the spaces between
// words, inline elements and inside pre stay.
func TestDropBlankBetweenBlocks(t *testing.T) {
	page := "<html><body>\n<article>\n<h2>Ferry</h2>\n<p>Fares <b>rise</b> <i>again</i>.</p>\n<p>Night crossings start.</p>\n<pre>a\n\n  b</pre>\n</article>\n</body></html>"
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	blanks := func() int {
		n := 0
		var walk func(*html.Node)
		walk = func(x *html.Node) {
			if x.Type == html.TextNode && strings.TrimSpace(x.Data) == "" {
				n++
			}
			for c := x.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(root)
		return n
	}
	if blanks() < 6 {
		t.Fatalf("the page has %d blank text nodes, want the test to have several", blanks())
	}
	dropBlankBetweenBlocks(root)
	if n := blanks(); n != 1 {
		t.Errorf("%d blank text nodes left, want 1 (the space between two inline elements)", n)
	}
	got := joinBlocks(nodeBlocks(root))
	if want := "Ferry\n\nFares rise again.\n\nNight crossings start.\n\na\n\n  b"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}
