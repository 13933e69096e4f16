package web

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Page furniture that extractors keep but that is never article text:
// copyright and rights lines, calls to action, share and subscription
// prompts, reprint notices, bare "related" labels. Matched against whole
// short paragraphs only.
var boilerplate = regexp.MustCompile(`(?i)^(` +
	`(copyright|©|\(c\))\s*(©\s*)?\d{4}|all rights reserved|` +
	`click here|tap here|read more\b|read next|read the full|see more|see also|don.t miss|you may also like|you might also like|` +
	`related( articles| stories| coverage| content| news| posts)?\s*:?$|more from\b.{0,40}$|recommended( for you)?\s*:?$|most (read|popular)\s*:?$|trending( now)?\s*:?$|` +
	`sign up (for|to)|subscribe( now| to| today)|get (the|our) .{0,60}(newsletter|app)\b|download (the|our) .{0,60}\bapp\b|follow us|like us on|` +
	`share (this|on)|advertisement\s*$|sponsored( content)?\s*$|tags?\s*:?\s*$|topics?\s*:\s*$|` +
	`this copy is for your personal, non-commercial use|write to .{1,80}\bat\b.{1,80}@|` +
	`an error has occurred|thank you\s*$|this article has been sent to|` +
	`we use cookies|by (using|continuing to use) (this|our) (site|website)|comments?\s*(\(\d+\))?\s*$|leave a (comment|reply)|` +
	`photo:|image:|credit:|getty images\s*$|ap photo` +
	`)`)

// tailMarkers are headings after which a page lists other stories.
var tailMarkers = regexp.MustCompile(`(?i)^(related( articles| stories| coverage| content| news| posts)?|you may also like|you might also like|more from .{1,40}|recommended( for you)?|read next|more stories|most (read|popular)|trending( now)?|more on this story|latest news|top stories)\s*[:.…]*$`)

// cleanBlocks drops page furniture from extracted paragraphs: the title
// repeated at the top, bare URLs, boilerplate lines, paragraphs that were
// links on the page (links, from [linkTexts]; may be nil), and
// related-story lists after a marker heading late in the text.
func cleanBlocks(blocks []textBlock, title, pageURL string, links linkSet) []string {
	return cleanBlocksWith(blocks, title, pageURL, links, allCleanRules)
}

// cleanRules switches the families of clean-up rules, so that
// cross-validation can judge each (see BENCHMARKS.md).
type cleanRules struct {
	links, title, dup, url, tail, boilerplate bool
}

var allCleanRules = cleanRules{links: true, title: true, dup: true, url: true, tail: true, boilerplate: true}

func cleanBlocksWith(blocks []textBlock, title, pageURL string, links linkSet, r cleanRules) []string {
	normTitle := normWords(title)
	total := 0
	for _, b := range blocks {
		total += len(b.text)
	}
	var out []string
	dup := map[string]bool{}
	seen := 0
	for i, tb := range blocks {
		b := tb.text
		seen += len(b)
		nb := normWords(b)
		if nb == "" {
			continue
		}
		// A short paragraph that was nearly all link text on the page is
		// navigation or a teaser for another story.
		if r.links && links.isLinks(nb, len(b)) {
			continue
		}
		// The title, repeated as the first heading (the title is kept apart).
		if r.title && i < 3 && normTitle != "" && len(out) == 0 && (nb == normTitle || (len(nb) > 20 && strings.Contains(normTitle, nb))) {
			continue
		}
		if r.dup && len(nb) > 20 && dup[nb] {
			continue
		}
		dup[nb] = true
		if r.url && (isURL(b) || (pageURL != "" && strings.TrimSpace(b) == pageURL)) {
			continue
		}
		if r.tail && len(b) < 80 && tailMarkers.MatchString(strings.TrimSpace(b)) && seen > total/2 && len(out) > 0 {
			break
		}
		if r.boilerplate && len(b) < 400 && boilerplate.MatchString(strings.TrimSpace(b)) {
			continue
		}
		out = append(out, b)
	}
	return out
}

func isURL(s string) bool {
	s = strings.TrimSpace(s)
	return !strings.ContainsAny(s, " \t\n") && (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "www."))
}

// normWords lowercases s and keeps only its words, space separated.
func normWords(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if r < utf8.RuneSelf {
				if 'A' <= r && r <= 'Z' {
					r += 'a' - 'A'
				}
				b.WriteByte(byte(r))
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
			continue
		}
		space = true
	}
	return b.String()
}
