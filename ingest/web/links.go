package web

import (
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxLinkBlock is the longest block (in bytes of text) judged by link
// density: longer blocks are prose even when they link a lot.
const maxLinkBlock = 300

// linkTexts collects, from the original page, the normalised text of every
// short element that is nearly all link text (a teaser, a navigation entry,
// a related-story title), with at least four words. The extracted text is
// matched against it because trafilatura's tree keeps no usable links.
func linkTexts(root *html.Node) linkSet {
	out := linkSet{blocks: map[string]bool{}, anchors: map[string][][]string{}}
	var walk func(n *html.Node, inLink bool) (text string, total, linked int)
	walk = func(n *html.Node, inLink bool) (string, int, int) {
		switch n.Type {
		case html.TextNode:
			t := strings.TrimSpace(n.Data)
			l := 0
			if inLink {
				l = len(t)
			}
			if len(t) > maxLinkBlock {
				return "", len(t), l
			}
			return n.Data, len(t), l
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg:
				return "", 0, 0
			case atom.A:
				inLink = true
			}
		}
		var b strings.Builder
		total, linked := 0, 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			t, tt, ll := walk(c, inLink)
			total += tt
			linked += ll
			if total <= maxLinkBlock {
				b.WriteString(t)
				b.WriteByte(' ')
			}
		}
		if total > maxLinkBlock {
			return "", total, linked
		}
		text := b.String()
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			if aw := strings.Fields(normWords(text)); len(aw) > 0 {
				out.anchors[aw[0]] = append(out.anchors[aw[0]], aw)
			}
		}
		if n.Type == html.ElementNode && total > 0 && linked*10 >= total*8 {
			if nw := normWords(text); strings.Count(nw, " ") >= 3 {
				out.blocks[nw] = true
			}
		}
		return text, total, linked
	}
	walk(root, false)
	return out
}

// linkSet is what a page showed as links.
type linkSet struct {
	// blocks holds the normalised text of short elements that were nearly
	// all link text.
	blocks map[string]bool
	// anchors holds the words of every link's normalised text, by first word.
	anchors map[string][][]string
}

// maxLinkList is the longest paragraph judged by link coverage (a tag list
// or a row of related links can be longer than one teaser).
const maxLinkList = 1000

// isLinks reports whether a paragraph (nb: its normalised words; n: its
// length) was link text on the page: a whole link-dense element, or a run of
// at least four words at least 80% covered by the texts of several links,
// none covering it alone (a tag list, a row of related stories).
func (ls linkSet) isLinks(nb string, n int) bool {
	if n < maxLinkBlock && ls.blocks[nb] {
		return true
	}
	if n >= maxLinkList || len(ls.anchors) == 0 || strings.Count(nb, " ") < 3 {
		return false
	}
	words := strings.Fields(nb)
	covered := make([]bool, len(words))
	for k, w := range words {
		for _, aw := range ls.anchors[w] {
			if k+len(aw) > len(words) || !slices.Equal(words[k:k+len(aw)], aw) {
				continue
			}
			if len(aw)*10 >= len(words)*8 {
				// One link's text repeated as a paragraph is as often the
				// article's own heading, linked from a breadcrumb.
				return false
			}
			for x := k; x < k+len(aw); x++ {
				covered[x] = true
			}
		}
	}
	n = 0
	for _, c := range covered {
		if c {
			n++
		}
	}
	return n*10 >= len(words)*8
}
