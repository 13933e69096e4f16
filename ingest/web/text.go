package web

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockAtoms are elements that start a new line of text.
var blockAtoms = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Li: true, atom.Ul: true,
	atom.Ol: true, atom.Blockquote: true, atom.Pre: true, atom.Tr: true,
	atom.Table: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Figure: true, atom.Figcaption: true, atom.Dl: true,
	atom.Dt: true, atom.Dd: true, atom.Hr: true, atom.Main: true, atom.Aside: true,
	atom.Details: true, atom.Summary: true, atom.Address: true, atom.Caption: true,
}

// textBlock is one paragraph of extracted text.
type textBlock struct {
	text string
}

func joinBlocks(blocks []textBlock) string {
	ss := make([]string, len(blocks))
	for i, b := range blocks {
		ss[i] = b.text
	}
	return strings.Join(ss, "\n\n")
}

// nodeBlocks renders the text of n as paragraphs, one per block element.
func nodeBlocks(n *html.Node) []textBlock {
	var out []textBlock
	var b strings.Builder
	flush := func() {
		t := strings.TrimSpace(b.String())
		if t != "" {
			out = append(out, textBlock{text: t})
		}
		b.Reset()
	}
	// boundary is set at an inline element's edge: trafilatura drops the
	// spaces around inline elements, so words that meet there get one back.
	boundary := false
	var last rune
	write := func(s string) {
		if s == "" {
			return
		}
		first, _ := utf8.DecodeRuneInString(s)
		if boundary && isWordRune(last) && isWordRune(first) {
			b.WriteByte(' ')
		}
		boundary = false
		b.WriteString(s)
		last, _ = utf8.DecodeLastRuneInString(s)
	}
	var walk func(*html.Node, bool)
	walk = func(n *html.Node, pre bool) {
		switch n.Type {
		case html.TextNode:
			if pre {
				write(n.Data)
				return
			}
			write(collapseSpace(n.Data))
			return
		case html.ElementNode:
			a := n.DataAtom
			if a == 0 {
				// trafilatura builds elements by name only.
				a = atom.Lookup([]byte(n.Data))
			}
			if n.Data == "lb" {
				write("\n")
				return
			}
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template:
				return
			case atom.Br:
				write("\n")
				return
			case atom.Td, atom.Th:
				write(" ")
			case atom.Pre:
				pre = true
			}
			// trafilatura renders some blocks under other names.
			block := blockAtoms[a] || n.Data == "head" || n.Data == "list" || n.Data == "item" || n.Data == "quote"
			if block {
				flush()
			}
			boundary = true
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, pre)
			}
			boundary = true
			if block {
				flush()
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, pre)
		}
	}
	walk(n, false)
	flush()
	return out
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\u00a0':
			if !space {
				b.WriteByte(' ')
			}
			space = true
		default:
			b.WriteRune(r)
			space = false
		}
	}
	return b.String()
}

// paragraphTextLen counts the characters of text inside <p> elements of
// the page (outside scripts), a cheap estimate of how much prose it holds.
func paragraphTextLen(n *html.Node) int {
	total := 0
	var walk func(*html.Node, bool)
	walk = func(n *html.Node, inP bool) {
		if n.Type == html.TextNode {
			if inP {
				total += len(strings.TrimSpace(n.Data))
			}
			return
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template:
				return
			case atom.P:
				inP = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inP)
		}
	}
	walk(n, false)
	return total
}

// HTMLText returns the text of an HTML fragment (a feed item's summary,
// say) with one paragraph per block element; plain text passes through
// with its spacing normalised.
func HTMLText(fragment string) string {
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	if !strings.ContainsAny(fragment, "<&") {
		return cleanText(fragment)
	}
	if measure([]byte(fragment)).nodes > maxLibraryNodes {
		return tokenText(fragment)
	}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return cleanText(fragment)
	}
	var blocks []textBlock
	for _, n := range nodes {
		blocks = append(blocks, nodeBlocks(n)...)
	}
	return cleanText(joinBlocks(blocks))
}

// tokenText is the text of an HTML fragment too large to parse into a tree
// within the memory budget: one pass of the tokenizer, a new paragraph at
// each block element, scripts and styles skipped.
func tokenText(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return cleanText(b.String())
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Script || a == atom.Style:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case a == atom.Br:
				b.WriteByte('\n')
			case blockAtoms[a]:
				b.WriteString("\n\n")
			}
		case html.TextToken:
			if skip == 0 {
				b.WriteString(collapseSpace(string(z.Text())))
			}
		}
	}
}
