package bot

import (
	"fmt"
	"regexp"
	"strings"
)

// Text from outside the bot (article titles and outlets, feed titles, file
// names, a member's search) is shown literally: [inline] escapes Discord's
// markdown in it, and [noPings] keeps it from forming a mention even where
// a message's allowed_mentions would not stop one (they always do: every
// message sets them; this is a second lock).

// markdownChars are escaped with a backslash wherever they appear: they
// format text (* _ ~ ` |), make masked links ([ ]), mentions, timestamps
// and custom emoji (<) or end an escape (\).
const markdownChars = "\\*_~`|[]<"

// lineStartChars format text only at the start of a line: quotes (>),
// headings and subtext (#, -#) and lists (-, +).
const lineStartChars = ">#-+"

// escapeMarkdown makes s display literally in a Discord message: markdown
// characters are escaped, a URL does not become a link ("https\://"), and
// mentions cannot form.
func escapeMarkdown(s string) string {
	s = noPings(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	lineStart := true
	for i, r := range s {
		switch {
		case strings.ContainsRune(markdownChars, r):
			b.WriteByte('\\')
		case lineStart && strings.ContainsRune(lineStartChars, r):
			b.WriteByte('\\')
		case r == ':' && strings.HasPrefix(s[i:], "://"):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		if r == '\n' {
			lineStart = true
		} else if r != ' ' && r != '\t' {
			lineStart = false
		}
	}
	return b.String()
}

// citation is an [n] or [n, m] citation.
var citation = regexp.MustCompile(`\[\d+(?:,\s*\d+)*\]`)

// escapeProse is [escapeMarkdown] for text that cites sources: its [n]
// citations stay as they are, unless a "(" follows (which would make a
// masked link of them).
func escapeProse(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range citation.FindAllStringIndex(s, -1) {
		if m[1] < len(s) && s[m[1]] == '(' {
			continue
		}
		b.WriteString(escapeMarkdown(s[last:m[0]]))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(escapeMarkdown(s[last:]))
	return b.String()
}

// inline is untrusted text for the middle of a line: on one line, escaped.
func inline(s string) string { return escapeMarkdown(oneLine(s)) }

// zwsp is a zero-width space: inserted after "@" or "<", it keeps a
// mention from forming while the text reads the same.
const zwsp = "\u200b"

var pingReplacer = strings.NewReplacer(
	"@everyone", "@"+zwsp+"everyone",
	"@here", "@"+zwsp+"here",
	"<@", "<"+zwsp+"@",
)

// noPings breaks @everyone, @here and <@id>/<@&id> mentions in s.
func noPings(s string) string { return pingReplacer.Replace(s) }

// angleURL is a URL for "<url>" (a link without a preview): characters that
// would end the brackets or the link are percent-encoded.
func angleURL(u string) string {
	u = strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20", "\n", "", "\r", "").Replace(u)
	// Inside angle brackets a value that is not a URL could read as a
	// mention (<@id>, <#id>) or a command (</name:id>): its first character
	// is percent-encoded unless it is a letter, as every URL's scheme begins.
	if u != "" && u[0] < 0x80 && !('a' <= u[0]|0x20 && u[0]|0x20 <= 'z') {
		u = fmt.Sprintf("%%%02X", u[0]) + u[1:]
	}
	return u
}
