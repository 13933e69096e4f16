package web

import (
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
func linkTexts(root *html.Node) map[string]bool {
	out := map[string]bool{}
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
		if n.Type == html.ElementNode && total > 0 && linked*10 >= total*8 {
			if nw := normWords(text); strings.Count(nw, " ") >= 3 {
				out[nw] = true
			}
		}
		return text, total, linked
	}
	walk(root, false)
	return out
}
