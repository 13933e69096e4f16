package digest

import (
	"fmt"
	"strings"
	"time"
)

// JSON is the digest as `gazette digest --json` prints it.
type JSON struct {
	Since   time.Time   `json:"since"`
	Until   time.Time   `json:"until"`
	Stories []JSONStory `json:"stories"`
}

// JSONStory is one story of [JSON].
type JSONStory struct {
	Headline string `json:"headline"`
	Summary  string `json:"summary"`
	// Disagreement is omitted when empty (always offline).
	Disagreement string       `json:"disagreement,omitempty"`
	Outlets      []string     `json:"outlets"`
	Sources      []JSONSource `json:"sources"`
}

// JSONSource is one numbered source of a [JSONStory].
type JSONSource struct {
	N     int    `json:"n"`
	Title string `json:"title"`
	// Outlet is the outlet name, or the URL's host when it is unknown.
	Outlet string `json:"outlet"`
	// PublishedAt is null when the publication time is unknown.
	PublishedAt *time.Time `json:"published_at"`
	URL         string     `json:"url"`
	ArticleID   string     `json:"article_id"`
}

// JSON returns the digest in the shape `gazette digest --json` prints:
// encode it with encoding/json. Stories and lists are never null.
func (d Digest) JSON() JSON {
	j := JSON{Since: d.Since.UTC(), Until: d.Until.UTC(), Stories: []JSONStory{}}
	for _, s := range d.Stories {
		js := JSONStory{
			Headline:     s.Headline,
			Summary:      s.Summary,
			Disagreement: s.Disagreement,
			Outlets:      append([]string{}, s.Outlets...),
			Sources:      []JSONSource{},
		}
		for _, src := range s.Sources {
			var pub *time.Time
			if !src.PublishedAt.IsZero() {
				t := src.PublishedAt.UTC()
				pub = &t
			}
			js.Sources = append(js.Sources, JSONSource{
				N:           src.N,
				Title:       src.Title,
				Outlet:      src.Outlet,
				PublishedAt: pub,
				URL:         src.URL,
				ArticleID:   src.ArticleID,
			})
		}
		j.Stories = append(j.Stories, js)
	}
	return j
}

// Text renders the digest as plain text for a terminal: a heading line,
// then each story with its summary, outlets and numbered sources.
func (d Digest) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Digest %s to %s: %d stories from %d articles\n",
		d.Since.UTC().Format("2006-01-02 15:04"), d.Until.UTC().Format("2006-01-02 15:04 MST"), len(d.Stories), d.Articles)
	if d.Empty() {
		b.WriteString("\nNothing new was ingested in this window.\n")
		return b.String()
	}
	for i, s := range d.Stories {
		fmt.Fprintf(&b, "\n%d. %s\n", i+1, s.Headline)
		fmt.Fprintf(&b, "   %s\n", s.Summary)
		if s.Disagreement != "" {
			fmt.Fprintf(&b, "   Where outlets differ: %s\n", s.Disagreement)
		}
		more := ""
		if n := s.Articles - len(s.Sources); n > 0 {
			more = fmt.Sprintf(" (and %d more articles)", n)
		}
		outlets := strings.Join(s.Outlets, ", ")
		if outlets == "" {
			outlets = unknownOutlet
		}
		fmt.Fprintf(&b, "   Outlets: %s%s\n", outlets, more)
		for _, src := range s.Sources {
			date := ""
			if !src.PublishedAt.IsZero() {
				date = ", " + src.PublishedAt.UTC().Format("2006-01-02")
			}
			link := ""
			if src.URL != "" {
				link = " <" + src.URL + ">"
			}
			fmt.Fprintf(&b, "   [%d] %s (%s%s)%s\n", src.N, src.Title, src.Outlet, date, link)
		}
	}
	return b.String()
}
