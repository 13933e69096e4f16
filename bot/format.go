package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gazettebot/gazette/news"
)

// MessageLimit is the most characters a Discord message may hold.
const MessageLimit = 2000

// FormatAnswer renders an answer with its inline [n] citations followed by a
// Sources section, one line per cited source:
//
//	[1] Title — Outlet, 2 Jan 2006, <https://example.com/a>
//
// URLs are wrapped in <> so Discord does not unfurl them.
func FormatAnswer(a news.Answer) string {
	var b strings.Builder
	b.WriteString(noPings(strings.TrimSpace(a.Text)))
	if len(a.Sources) > 0 {
		b.WriteString("\n\n**Sources**")
		for _, s := range a.Sources {
			b.WriteString("\n")
			b.WriteString(SourceLine(s))
		}
	}
	return b.String()
}

// SourceLine renders one source: "[n] title — outlet, date, <url>". The
// title and outlet are shown literally (markdown escaped).
func SourceLine(s news.Source) string {
	title := inline(s.Title)
	if title == "" {
		title = "Untitled"
	}
	line := fmt.Sprintf("[%d] %s", s.N, title)
	var meta []string
	if o := inline(s.Outlet); o != "" {
		meta = append(meta, o)
	}
	if !s.PublishedAt.IsZero() {
		meta = append(meta, s.PublishedAt.UTC().Format("2 Jan 2006"))
	}
	if s.URL != "" {
		meta = append(meta, "<"+angleURL(s.URL)+">")
	}
	if len(meta) > 0 {
		line += " — " + strings.Join(meta, ", ")
	}
	return line
}

// oneLine collapses whitespace (titles with newlines would break the list).
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// truncate shortens s to at most n characters, ending with an ellipsis when
// it cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), func(r rune) bool { return r == ' ' || r == '\n' }) + "…"
}

// Split cuts text into messages of at most limit characters. It cuts between
// lines when it can; a line longer than limit is cut at a space that is not
// inside an [n] citation, a markdown link or a <url>; only a single word
// longer than limit is cut inside. The whitespace at a cut is dropped.
func Split(text string, limit int) []string {
	if limit <= 0 {
		limit = MessageLimit
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	var parts []string
	var cur []rune
	flush := func() {
		if s := strings.TrimSpace(string(cur)); s != "" {
			parts = append(parts, s)
		}
		cur = cur[:0]
	}
	for _, line := range strings.Split(text, "\n") {
		lr := []rune(line)
		switch {
		case len(cur) == 0 && len(lr) <= limit:
			cur = append(cur, lr...)
		case len(cur) > 0 && len(cur)+1+len(lr) <= limit:
			cur = append(append(cur, '\n'), lr...)
		case len(lr) <= limit:
			flush()
			cur = append(cur, lr...)
		default:
			flush()
			pieces := splitLine(lr, limit)
			parts = append(parts, pieces[:len(pieces)-1]...)
			cur = append(cur, []rune(pieces[len(pieces)-1])...)
		}
	}
	flush()
	return parts
}

// splitLine cuts one long line at allowed spaces.
func splitLine(r []rune, limit int) []string {
	atoms := atomSpans(r)
	inside := make([]bool, len(r)) // a rune strictly inside an atom
	for _, a := range atoms {
		for k := a[0] + 1; k < a[1]; k++ {
			inside[k] = true
		}
	}
	var out []string
	start := 0
	for len(r)-start > limit {
		end := start + limit
		cut := -1
		for i := end; i > start; i-- {
			if (r[i] == ' ' || r[i] == '\t') && !inside[i] {
				cut = i
				break
			}
		}
		var head []rune
		next := 0
		if cut > 0 {
			head, next = r[start:cut], cut+1
		} else {
			// No space: cut before an atom straddling the limit, else hard.
			at := end
			for _, a := range atoms {
				if a[0] > start && a[0] < end && a[1] > end {
					at = a[0]
					break
				}
			}
			// Inside an atom too long to keep (a huge link), still do
			// not cut through a citation nested in it.
			if at == end {
				for j := end - 1; j > start && end-j <= 32; j-- {
					if r[j] == '[' && citationEnd(r, j) > end {
						at = j
						break
					}
				}
			}
			head, next = r[start:at], at
		}
		if s := strings.TrimSpace(string(head)); s != "" {
			out = append(out, s)
		}
		start = next
		for start < len(r) && (r[start] == ' ' || r[start] == '\t') {
			start++
		}
	}
	out = append(out, string(r[start:]))
	return out
}

// maxAtom bounds the length of an atom, so scanning stays linear.
const maxAtom = 1000

// atomSpans finds the [start, end) rune ranges that must not be cut:
// citations like [3] or [1, 2], markdown links [text](url) and <http...>.
func atomSpans(r []rune) [][2]int {
	var spans [][2]int
	for i := 0; i < len(r); i++ {
		switch r[i] {
		case '[':
			end := linkEnd(r, i)
			if end < 0 {
				end = citationEnd(r, i)
			}
			if end > 0 {
				spans = append(spans, [2]int{i, end})
				i = end - 1
			}
		case '<':
			if end := angleURLEnd(r, i); end > 0 {
				spans = append(spans, [2]int{i, end})
				i = end - 1
			}
		}
	}
	return spans
}

// citationEnd returns the end of "[1]" or "[1, 2]" starting at i, or -1.
func citationEnd(r []rune, i int) int {
	digits := false
	for j := i + 1; j < len(r) && j-i <= maxAtom; j++ {
		switch c := r[j]; {
		case c >= '0' && c <= '9':
			digits = true
		case c == ',' || c == ' ':
		case c == ']':
			if digits {
				return j + 1
			}
			return -1
		default:
			return -1
		}
	}
	return -1
}

// linkEnd returns the end of "[text](url)" starting at i, or -1.
func linkEnd(r []rune, i int) int {
	j := i + 1
	for ; j < len(r) && r[j] != ']'; j++ {
		if r[j] == '[' || j-i > maxAtom {
			return -1
		}
	}
	if j+1 >= len(r) || r[j+1] != '(' {
		return -1
	}
	for k := j + 2; k < len(r) && k-i <= maxAtom; k++ {
		switch r[k] {
		case ')':
			return k + 1
		case ' ', '\t':
			return -1
		}
	}
	return -1
}

// angleURLEnd returns the end of "<http...>" starting at i, or -1.
func angleURLEnd(r []rune, i int) int {
	if !strings.HasPrefix(string(r[i+1:min(len(r), i+6)]), "http") {
		return -1
	}
	for k := i + 1; k < len(r) && k-i <= maxAtom; k++ {
		switch r[k] {
		case '>':
			return k + 1
		case ' ', '\t':
			return -1
		}
	}
	return -1
}
