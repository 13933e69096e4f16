package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/markusmobius/go-htmldate"
	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"

	"github.com/gazettebot/gazette/ingest"
)

// minWords is the fewest words an extracted page may have; fewer is a
// menu or an error page, not an article.
const minWords = 3

// ErrNoText means a page or file held no readable article text.
var ErrNoText = errors.New("web: no readable text found")

// decodeText converts text to UTF-8 by the charset in contentType, a byte
// order mark, or a guess.
func decodeText(data []byte, contentType string) ([]byte, string, error) {
	return decode(data, contentType)
}

// decode converts page to UTF-8 using, in order, a byte order mark, the
// charset in contentType, a <meta> declaration in the first 1024 bytes, and
// a guess; UTF-8 input is returned as is, with any byte sequence that is
// not UTF-8 replaced by U+FFFD.
func decode(page []byte, contentType string) ([]byte, string, error) {
	enc, name, _ := charset.DetermineEncoding(page, contentType)
	if name == "utf-8" || enc == nil {
		page = bytes.TrimPrefix(page, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(page) {
			page = bytes.ToValidUTF8(page, []byte("\uFFFD"))
		}
		return page, "utf-8", nil
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), page)
	if err != nil {
		return nil, name, fmt.Errorf("decode %s: %w", name, err)
	}
	return out, name, nil
}

// ExtractHTML extracts the article from an HTML page: main text, title,
// author, published date, outlet, canonical URL and language. contentType
// is the response's Content-Type (for its charset; may be empty) and
// pageURL the address the page was fetched from (may be empty). The page is
// decoded to UTF-8 and parsed once.
func ExtractHTML(page []byte, contentType, pageURL string) (ingest.Document, error) {
	return extractHTML(page, contentType, pageURL)
}

func extractHTML(page []byte, contentType, pageURL string) (ingest.Document, error) {
	utf8Page, _, err := decode(page, contentType)
	if err != nil {
		return ingest.Document{}, err
	}
	shape := measure(utf8Page)
	if shape.nodes > maxNodes {
		return ingest.Document{}, refuseTooComplex()
	}
	defer acquireExtraction(len(utf8Page))()
	root, err := html.Parse(bytes.NewReader(utf8Page))
	if err != nil {
		return ingest.Document{}, fmt.Errorf("parse html: %w", err)
	}
	if shape.nodes > maxLibraryNodes || shape.paragraphWork() > maxParagraphWork {
		return extractLarge(root, pageURL)
	}
	return extractNode(root, pageURL, func() *html.Node {
		n, _ := html.Parse(bytes.NewReader(utf8Page))
		return n
	}, nil)
}

// extractLarge extracts a page too large for go-trafilatura's costs with
// go-readability, whose time and memory grow linearly with the page.
func extractLarge(root *html.Node, pageURL string) (ingest.Document, error) {
	base := pageBase(pageURL)
	meta := readMeta(root)
	prune(root)
	// go-readability copies the tree for each of its passes: the white
	// space between blocks (a third of the nodes of a page of paragraphs)
	// need not be copied.
	dropBlankBetweenBlocks(root)
	p := readability.NewParser()
	art, err := p.ParseAndMutate(root, base)
	if err != nil || art.Node == nil {
		return ingest.Document{}, ErrNoText
	}
	published := meta.published
	if published.IsZero() {
		published, _ = art.PublishedTime()
	}
	doc := ingest.Document{
		URL:         canonicalFor(pageURL, meta.canonical),
		Title:       strings.TrimSpace(art.Title()),
		Outlet:      outletName(art.SiteName(), pageURL),
		Author:      strings.TrimSpace(art.Byline()),
		PublishedAt: published,
		Language:    strings.TrimSpace(firstNonEmpty(meta.lang, art.Language())),
	}
	// The metadata is read first: past this line the trees (the page's
	// and go-readability's) are unreachable while the text is cleaned and
	// copied.
	blocks := nodeBlocks(art.Node)
	doc.Body = cleanText(strings.Join(cleanBlocks(blocks, doc.Title, pageURL, linkSet{}), "\n\n"))
	if len(strings.Fields(doc.Body)) < minWords {
		return ingest.Document{}, ErrNoText
	}
	return finishDocument(doc), nil
}

// pageBase parses the page's address, nil when it has none.
func pageBase(pageURL string) *url.URL {
	if pageURL != "" {
		if u, err := url.Parse(pageURL); err == nil && u.IsAbs() {
			return u
		}
	}
	return nil
}

// finishDocument normalises the published date: UTC, and none when it
// lies more than two days ahead.
func finishDocument(doc ingest.Document) ingest.Document {
	if !doc.PublishedAt.IsZero() {
		doc.PublishedAt = doc.PublishedAt.UTC()
	}
	if doc.PublishedAt.After(time.Now().Add(48 * time.Hour)) {
		doc.PublishedAt = time.Time{}
	}
	return doc
}

// extractNode extracts the article from a parsed page. reparse parses the
// page again (root is pruned in place), for the checks of a short result;
// observe, when not nil, sees the candidate bodies (for cross-validating
// the rules).
func extractNode(root *html.Node, pageURL string, reparse func() *html.Node, observe func(candidates)) (ingest.Document, error) {
	base := pageBase(pageURL)
	meta := readMeta(root)
	prune(root)
	links := linkTexts(root)
	opts := trafilatura.Options{
		OriginalURL:     base,
		ExcludeComments: true,
		EnableFallback:  false,
		HtmlDateMode:    trafilatura.Fast,
	}
	if !meta.published.IsZero() {
		// The page states its date: skip the costlier whole-page date search.
		opts.HtmlDateOverride = &htmldate.Result{DateTime: meta.published, HasTime: true}
	}
	res, err := trafilatura.ExtractDocument(root, opts)
	if err != nil {
		return ingest.Document{}, fmt.Errorf("%w: %v", ErrNoText, err)
	}
	md := res.Metadata
	raw := nodeBlocks(res.ContentNode)
	c := candidates{
		baseline: cleanText(joinBlocks(raw)),
		cleaned:  cleanText(strings.Join(cleanBlocks(raw, md.Title, pageURL, links), "\n\n")),
		jsonLD:   meta.articleBody,
	}
	// When the page holds far more paragraph text than was extracted,
	// trafilatura probably picked a fragment: let it compare its result
	// with the readability and DOM distiller candidates. Gated, because
	// the fallback doubles the cost of a page.
	var fallbackRaw []textBlock
	if len(c.cleaned) < paragraphTextLen(root)/2 {
		opts.EnableFallback = true
		if fres, err := trafilatura.ExtractDocument(root, opts); err == nil {
			fallbackRaw = nodeBlocks(fres.ContentNode)
			c.fallback = cleanText(strings.Join(cleanBlocks(fallbackRaw, md.Title, pageURL, links), "\n\n"))
		}
	}
	if observe != nil {
		c.reclean = func(r cleanRules) (string, string) {
			fb := ""
			if fallbackRaw != nil {
				fb = cleanText(strings.Join(cleanBlocksWith(fallbackRaw, md.Title, pageURL, links, r), "\n\n"))
			}
			return cleanText(strings.Join(cleanBlocksWith(raw, md.Title, pageURL, links, r), "\n\n")), fb
		}
	}
	// The untouched page, parsed again only when the result is short.
	var fresh *html.Node
	original := func() *html.Node {
		if fresh == nil && reparse != nil {
			fresh = reparse()
		}
		return fresh
	}
	c.library = func() string {
		n := original()
		if n == nil {
			return ""
		}
		lres, err := trafilatura.ExtractDocument(n, trafilatura.Options{OriginalURL: base, ExcludeComments: true, HtmlDateMode: trafilatura.Fast})
		if err != nil {
			return ""
		}
		return cleanText(joinBlocks(nodeBlocks(lres.ContentNode)))
	}
	c.readable = func() string {
		n := original()
		if n == nil {
			return ""
		}
		return readableText(n, base, md.Title, pageURL)
	}
	if observe != nil {
		observe(c)
	}
	body := chooseBody(c, defaultRules)
	if len(strings.Fields(body)) < minWords {
		return ingest.Document{}, ErrNoText
	}
	lang := meta.lang
	if lang == "" {
		lang = md.Language
	}
	doc := ingest.Document{
		URL:         canonicalFor(pageURL, meta.canonical, md.URL),
		Title:       strings.TrimSpace(md.Title),
		Outlet:      outletName(md.Sitename, pageURL),
		Author:      strings.TrimSpace(md.Author),
		PublishedAt: md.Date,
		Language:    strings.TrimSpace(lang),
		Body:        body,
	}
	return finishDocument(doc), nil
}

// cleanText normalises extracted text: trimmed lines, at most one blank
// line between paragraphs, no soft hyphens.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\u00ad", "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	var b strings.Builder
	b.Grow(len(s)) // the result is never longer
	blank := false
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			if blank {
				b.WriteString("\n\n")
			} else {
				b.WriteString("\n")
			}
		}
		blank = false
		b.WriteString(l)
	}
	return b.String()
}

// canonicalFor is the document URL: the page's canonical link when on the
// same site, else pageURL canonicalised. A saved page (no pageURL) keeps
// the absolute http or https address it declares, canonical link first,
// else "".
func canonicalFor(pageURL string, declared ...string) string {
	if pageURL != "" {
		return preferCanonical(pageURL, firstNonEmpty(declared...))
	}
	for _, d := range declared {
		if c, err := CanonicalURL(strings.TrimSpace(d)); err == nil {
			return c
		}
	}
	return ""
}

// outletName is the site's declared name, else its host without "www.".
func outletName(siteName, pageURL string) string {
	if s := strings.TrimSpace(siteName); s != "" {
		return s
	}
	if u, err := url.Parse(pageURL); err == nil {
		return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	}
	return ""
}

// prunedAtoms are elements trafilatura removes with their content in its own
// cleaning; removing them first spares it cloning them (three times) and
// keeps them out of its fallback candidates too.
var prunedAtoms = map[atom.Atom]bool{
	atom.Style: true, atom.Svg: true, atom.Nav: true, atom.Aside: true, atom.Footer: true,
	atom.Form: true, atom.Iframe: true, atom.Noscript: true, atom.Select: true, atom.Button: true,
	atom.Textarea: true, atom.Object: true, atom.Embed: true, atom.Canvas: true, atom.Video: true,
	atom.Audio: true, atom.Map: true, atom.Dialog: true, atom.Menu: true, atom.Math: true,
}

// prune removes what no extractor reads before the tree is handed over:
// scripts other than JSON-LD metadata, style sheets, inline SVG and
// comments. trafilatura clones the tree three times, so a smaller tree is
// a faster extraction.
func prune(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.CommentNode:
			n.RemoveChild(c)
		case c.Type == html.ElementNode && (prunedAtoms[c.DataAtom] ||
			(c.DataAtom == atom.Script && !strings.Contains(attr(c, "type"), "ld+json"))):
			n.RemoveChild(c)
		case c.Type == html.ElementNode && c.DataAtom == 0 && strings.Contains(c.Data, "-") && c.Namespace == "" && inlineContext(n):
			// A custom element inside a paragraph (<hl-trusted-source>
			// around a citation link): extractors drop unknown tags with
			// their text, so its pruned children take its place. Custom
			// elements elsewhere (menus, banners) are left to the extractor.
			prune(c)
			for gc := c.FirstChild; gc != nil; gc = c.FirstChild {
				c.RemoveChild(gc)
				n.InsertBefore(gc, c)
			}
			n.RemoveChild(c)
		default:
			if c.Type == html.ElementNode && c.DataAtom == atom.Blockquote {
				unmarkEmbed(c)
			}
			prune(c)
		}
		c = next
	}
}

// unmarkEmbed strips the class of an embedded post's blockquote (tweets,
// Instagram, Facebook, TikTok posts) and of the wrappers that hold nothing
// else, which trafilatura otherwise discards as widgets: in news articles
// the quoted post is part of the story.
func unmarkEmbed(n *html.Node) {
	v := strings.ToLower(attr(n, "class"))
	if !(strings.Contains(v, "twitter-tweet") || strings.Contains(v, "instagram-media") || strings.Contains(v, "fb-xfbml") || strings.Contains(v, "tiktok-embed")) {
		return
	}
	own := textLen(n)
	for p := n; p != nil && p.Type == html.ElementNode && p.DataAtom != atom.Body; p = p.Parent {
		if p != n && textLen(p) > own+20 {
			break
		}
		p.Attr = slices.DeleteFunc(p.Attr, func(a html.Attribute) bool { return a.Key == "class" || a.Key == "id" })
	}
}

// textLen counts the non-space bytes of text under n, scripts excluded.
func textLen(n *html.Node) int {
	if n.Type == html.TextNode {
		return len(strings.TrimSpace(n.Data))
	}
	if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
		return 0
	}
	t := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t += textLen(c)
	}
	return t
}

// inlineContext reports whether n is a paragraph-level or inline element,
// whose content is running text.
func inlineContext(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if n.DataAtom == 0 && strings.Contains(n.Data, "-") {
		return true // a custom element inside a custom element
	}
	switch n.DataAtom {
	case atom.P, atom.Li, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Td, atom.Th, atom.Dd,
		atom.Blockquote, atom.Figcaption, atom.Span, atom.A, atom.Em, atom.Strong, atom.B, atom.I, atom.U,
		atom.Small, atom.Sup, atom.Sub, atom.Mark, atom.Q, atom.Cite, atom.Abbr, atom.Time:
		return true
	}
	return false
}

// dropBlankBetweenBlocks removes the text nodes of white space alone that
// stand between two block elements (or a block and its parent's edge): a
// block starts a new line of text anyway, so they say nothing.
func dropBlankBetweenBlocks(n *html.Node) {
	isBlock := func(c *html.Node) bool {
		return c == nil || c.Type == html.ElementNode && blockAtoms[c.DataAtom]
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "" &&
			n.Type == html.ElementNode && (blockAtoms[n.DataAtom] || n.DataAtom == atom.Body) && n.DataAtom != atom.Pre &&
			isBlock(c.PrevSibling) && isBlock(next):
			n.RemoveChild(c)
		case c.Type == html.ElementNode && c.DataAtom != atom.Pre:
			dropBlankBetweenBlocks(c)
		}
		c = next
	}
}
