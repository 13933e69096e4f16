package prompts

import (
	"regexp"
	"strings"
	"unicode"
)

// Every field that comes from outside Gazette (article titles, outlets and
// bodies, members' questions, conversation history) reaches a model only
// through [neutralize], directly or through [line] and [attr]. The prompts
// mark their sections with tags (<sources>, <source n="1">,
// <conversation>); untrusted text must never open or close one, whatever
// its case, spacing or spelling, so neutralize turns every character a
// model could read as the start of a tag into a look-alike that is not.

// tagOpener matches what a model may read as "<": the character itself, its
// full-width and small forms, and the HTML entities for it.
var tagOpener = regexp.MustCompile(`(?i)[<\x{FF1C}\x{FE64}]|&(?:lt|#0*60|#x0*3c)(?:;|\b)`)

// guillemet replaces a tag opener; it reads as an angle bracket to people
// and models alike but opens no tag.
const guillemet = "‹"

// neutralize makes untrusted text safe as data inside a prompt: no tag
// opener survives, line ends are normalised to \n, control characters
// other than tab and newline are dropped and the ends are trimmed. It is
// idempotent.
func neutralize(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r):
			return -1
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			// Bidirectional overrides can make text read differently
			// from how it is stored.
			return -1
		}
		return r
	}, s)
	s = tagOpener.ReplaceAllLiteralString(s, guillemet)
	return strings.TrimSpace(s)
}

// line is [neutralize] on one line: all whitespace, newlines included,
// collapses to single spaces, so the text cannot start a line of its own
// (a fake "Question:" or "Title:").
func line(s string) string { return oneLine(neutralize(s)) }

// attr is [line] made safe inside a double-quoted attribute: double quotes
// (and their look-alikes) become single quotes and ">" is dropped, so the
// value cannot end the attribute or the tag. It is applied until nothing
// changes: dropping a ">" may join the spaces around it, or the pieces of
// an entity ("&l>t;").
func attr(s string) string {
	for {
		t := oneLine(tagCloser.ReplaceAllLiteralString(attrQuote.ReplaceAllLiteralString(line(s), "'"), ""))
		if t == s {
			return t
		}
		s = t
	}
}

var (
	attrQuote = regexp.MustCompile(`(?i)["\x{FF02}]|&(?:quot|#0*34|#x0*22)(?:;|\b)`)
	tagCloser = regexp.MustCompile(`(?i)[>\x{FF1E}\x{FE65}]|&(?:gt|#0*62|#x0*3e)(?:;|\b)`)
)

// oneLine collapses all whitespace, newlines included, to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
