package web

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pageMeta is what the page's head says about itself, read in one pass.
type pageMeta struct {
	published time.Time
	canonical string
	lang      string
	// articleBody is the longest JSON-LD articleBody, as plain text.
	articleBody string
}

// publishedKeys are <meta> names and properties that carry the date an
// article was first published, most specific first.
var publishedKeys = map[string]int{
	"article:published_time": 1, "og:article:published_time": 1, "datepublished": 2,
	"article.published": 2, "parsely-pub-date": 2, "sailthru.date": 3,
	"pubdate": 3, "publishdate": 3, "publish-date": 3, "publication_date": 3,
	"dc.date.issued": 3, "dcterms.issued": 3, "dc.date": 4, "dcterms.date": 4,
	"date": 5, "og:published_time": 1, "cxenseparse:recs:publishtime": 3,
}

var dateLayouts = []string{
	time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05", "2006-01-02", "2006/01/02",
	time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "20060102",
}

// parseDate reads a machine date as pages write them.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Year() < 1990 || t.Year() > 2200 {
				return time.Time{}, false
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// readMeta scans the document once for the published date (meta tags,
// JSON-LD, <time datetime>), the canonical link and the declared language.
func readMeta(root *html.Node) pageMeta {
	var m pageMeta
	bestRank := 100
	var timeTag time.Time
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				if m.lang == "" {
					m.lang = attr(n, "lang")
				}
			case atom.Meta:
				key := strings.ToLower(firstNonEmpty(attr(n, "property"), attr(n, "name"), attr(n, "itemprop")))
				if r, ok := publishedKeys[key]; ok && r < bestRank {
					if t, ok := parseDate(attr(n, "content")); ok {
						m.published, bestRank = t, r
					}
				}
				if key == "og:locale" && m.lang == "" {
					m.lang = attr(n, "content")
				}
			case atom.Link:
				if strings.EqualFold(attr(n, "rel"), "canonical") && m.canonical == "" {
					m.canonical = strings.TrimSpace(attr(n, "href"))
				}
			case atom.Time:
				if timeTag.IsZero() {
					if t, ok := parseDate(attr(n, "datetime")); ok {
						timeTag = t
					}
				}
			case atom.Script:
				if strings.Contains(attr(n, "type"), "ld+json") && n.FirstChild != nil {
					if bestRank > 2 {
						if t, ok := jsonLDPublished(n.FirstChild.Data); ok {
							m.published, bestRank = t, 2
						}
					}
					if b := jsonLDArticleBody(n.FirstChild.Data); len(b) > len(m.articleBody) {
						m.articleBody = b
					}
				}
				return
			case atom.Style:
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if m.published.IsZero() {
		m.published = timeTag
	}
	m.lang = strings.ReplaceAll(strings.TrimSpace(m.lang), "_", "-")
	return m
}

// jsonLDPublished finds the first datePublished in a JSON-LD block.
func jsonLDPublished(src string) (time.Time, bool) {
	if !strings.Contains(src, "datePublished") {
		return time.Time{}, false
	}
	var v any
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		return time.Time{}, false
	}
	var find func(any) (time.Time, bool)
	find = func(v any) (time.Time, bool) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["datePublished"].(string); ok {
				if t, ok := parseDate(s); ok {
					return t, true
				}
			}
			for _, k := range []string{"@graph", "mainEntity", "mainEntityOfPage"} {
				if t, ok := find(x[k]); ok {
					return t, true
				}
			}
		case []any:
			for _, e := range x {
				if t, ok := find(e); ok {
					return t, true
				}
			}
		}
		return time.Time{}, false
	}
	return find(v)
}

// jsonLDArticleBody finds the longest articleBody in a JSON-LD block, as
// plain text (some sites put HTML in it).
func jsonLDArticleBody(src string) string {
	if !strings.Contains(src, "articleBody") {
		return ""
	}
	var v any
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		return ""
	}
	best := ""
	var find func(any)
	find = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["articleBody"].(string); ok && len(s) > len(best) {
				best = s
			}
			for _, k := range []string{"@graph", "mainEntity", "mainEntityOfPage"} {
				find(x[k])
			}
		case []any:
			for _, e := range x {
				find(e)
			}
		}
	}
	find(v)
	if best == "" {
		return ""
	}
	return HTMLText(best)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// AlternateFeedLink returns the first RSS or Atom feed a web page
// advertises with <link rel="alternate">, resolved against base, or "" (also
// for a page too complex to parse within the extraction memory budget).
func AlternateFeedLink(page []byte, base string) string {
	if measure(page).nodes > maxNodes {
		return "" // too complex to parse within the memory budget
	}
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return ""
	}
	var found string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Link && strings.Contains(strings.ToLower(attr(n, "rel")), "alternate") {
			switch strings.ToLower(strings.TrimSpace(attr(n, "type"))) {
			case "application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml":
				if href := strings.TrimSpace(attr(n, "href")); href != "" {
					found = href
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if found == "" {
		return ""
	}
	b, err := url.Parse(base)
	if err != nil {
		return found
	}
	ref, err := url.Parse(found)
	if err != nil {
		return ""
	}
	return b.ResolveReference(ref).String()
}
