package web

import (
	"net/url"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
)

// candidates are the texts a page's body is chosen from.
type candidates struct {
	// baseline is go-trafilatura's result on the pruned page, rendered as
	// paragraphs, without Gazette's clean-up.
	baseline string
	// cleaned is the baseline after Gazette's clean-up.
	cleaned string
	// fallback is go-trafilatura's result with its own fallbacks
	// (readability, DOM distiller), cleaned; "" when the gate did not open.
	fallback string
	// jsonLD is the articleBody the page declares in JSON-LD, if any.
	jsonLD string
	// library is go-trafilatura's result on the untouched page, and
	// readable go-readability's; computed only for a short result.
	library, readable func() string
	// reclean redoes the clean-up with some rule families off: the
	// cleaned and fallback texts it would give (for cross-validation).
	reclean func(cleanRules) (cleaned, fallback string)
}

// bodyRules decide when a clean-up or a fallback replaces the baseline.
// Their values were chosen by leave-one-site-out cross-validation on the
// extraction benchmark's development pages (see BENCHMARKS.md).
type bodyRules struct {
	// overlap: the fallback replaces the cleaned text only when it is
	// longer and holds at least this share of its word sequences (a longer
	// text elsewhere on the page, a comment thread, is not the article).
	overlap float64
	// keep: the result must keep at least this share of the baseline's
	// words, or the baseline is taken instead.
	keep float64
	// teaserWords: a result of fewer words is checked against go-trafilatura
	// on the untouched page, the JSON-LD articleBody and go-readability, in
	// that order.
	teaserWords int
	// gain: one of those replaces a short result when it has at least this
	// many times its words.
	gain float64
}

var defaultRules = bodyRules{overlap: 0.5, keep: 0.5, teaserWords: 120, gain: 2}

// chooseBody applies the rules: the baseline is the floor, the clean-up
// replaces it unless it discarded most of it, the fallback replaces it when
// it extends it, and a short result gives way to a text several times
// longer from the untouched page, its JSON-LD or go-readability.
func chooseBody(c candidates, r bodyRules) string {
	body := c.cleaned
	if c.fallback != "" && wordCount(c.fallback) > wordCount(body) && containment(body, c.fallback) >= r.overlap {
		body = c.fallback
	}
	if float64(wordCount(body)) < r.keep*float64(wordCount(c.baseline)) {
		body = c.baseline
	}
	for _, alt := range []func() string{c.library, func() string { return c.jsonLD }, c.readable} {
		n := wordCount(body)
		if n >= r.teaserWords {
			break
		}
		if alt == nil {
			continue
		}
		if a := alt(); float64(wordCount(a)) >= r.gain*float64(max(n, 1)) {
			body = a
		}
	}
	return body
}

// containment is the share of a's word trigrams found in b (1 when a has
// none).
func containment(a, b string) float64 {
	ta, tb := tokens(a), tokens(b)
	if len(ta) < 3 {
		return 1
	}
	set := make(map[[3]string]bool, len(tb))
	for i := 0; i+3 <= len(tb); i++ {
		set[[3]string{tb[i], tb[i+1], tb[i+2]}] = true
	}
	in := 0
	for i := 0; i+3 <= len(ta); i++ {
		if set[[3]string{ta[i], ta[i+1], ta[i+2]}] {
			in++
		}
	}
	return float64(in) / float64(len(ta)-2)
}

func wordCount(s string) int { return len(strings.Fields(s)) }

// readableText is go-readability's article text for the page, cleaned like
// the baseline's; "" when it finds none. It reads a copy of the tree.
func readableText(root *html.Node, base *url.URL, title, pageURL string) string {
	p := readability.NewParser()
	art, err := p.ParseDocument(root, base)
	if err != nil || art.Node == nil {
		return ""
	}
	return cleanText(strings.Join(cleanBlocks(nodeBlocks(art.Node), title, pageURL, linkSet{}), "\n\n"))
}
