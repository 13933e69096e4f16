package ingest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gazettebot/gazette/news"
)

// ChunkOptions sizes passages. The zero value means the defaults, sized for
// the built-in encoder, which reads at most 128 tokens: about 85 words, at
// most 110, which with the title prefixed is close to 128 tokens.
type ChunkOptions struct {
	// TargetWords is the size a passage is closed at, at the first sentence
	// boundary reached; 0 means 85.
	TargetWords int
	// MaxWords is the hard limit: a passage never exceeds it, and a sentence
	// longer than it alone is split between words; 0 means 110.
	MaxWords int
	// MaxChunks, when positive, bounds the passages of one article: the
	// text beyond is dropped and [ChunkArticleCut] reports it. 0 means no
	// bound: a document is chunked whole (the loaders' and fetcher's size
	// limits bound it).
	MaxChunks int
	// Tokens, when set, counts the tokens of a text as the embedder does
	// (for the built-in encoder, its CountTokens method). A passage then
	// also ends before its tokens would exceed MaxTokens, and a sentence
	// over MaxTokens alone is split between words.
	Tokens func(string) int
	// MaxTokens is a passage's token budget when Tokens is set; 0 means
	// 128. The pipeline takes the title's tokens off it for each article.
	MaxTokens int
}

func (o ChunkOptions) withDefaults() ChunkOptions {
	if o.TargetWords <= 0 {
		o.TargetWords = 85
	}
	if o.MaxWords <= 0 {
		o.MaxWords = max(110, o.TargetWords)
	}
	if o.MaxWords < o.TargetWords {
		o.MaxWords = o.TargetWords
	}
	if o.MaxChunks < 0 {
		o.MaxChunks = 0
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = 128
	}
	return o
}

// ChunkArticle splits the article's body into passages of whole sentences,
// about TargetWords words each, never more than MaxWords, preferring to end
// a passage where a paragraph ends. Passage i has ID "articleID#i" and
// Position i, so ids are stable for the same text. An empty body gives no
// chunks. CJK characters count as one word each, since those scripts do not
// separate words with spaces. Embeddings are left nil.
func ChunkArticle(a news.Article, o ChunkOptions) []news.Chunk {
	chunks, _ := ChunkArticleCut(a, o)
	return chunks
}

// ChunkArticleCut is [ChunkArticle] that also reports whether MaxChunks
// cut the body short.
func ChunkArticleCut(a news.Article, o ChunkOptions) (chunks []news.Chunk, cut bool) {
	o = o.withDefaults()
	full := func() bool { return o.MaxChunks > 0 && len(chunks) == o.MaxChunks }
	// Bound the work: no more text than MaxChunks full passages could hold
	// (a word is rarely 20 bytes; CJK characters are 3 bytes a word).
	body := a.Body
	if limit := o.MaxChunks * o.MaxWords * 20; o.MaxChunks > 0 && len(body) > limit {
		end := limit
		for end > limit-utf8.UTFMax && end > 0 && !utf8.RuneStart(body[end]) {
			end--
		}
		body, cut = body[:end], true
	}
	body = strings.ToValidUTF8(body, "\uFFFD")
	var (
		cur    strings.Builder
		words  int
		tokens int       // counted only with o.Tokens
		first  separator // what preceded the current passage's first unit
	)
	flush := func() {
		if words == 0 {
			return
		}
		if full() {
			cut = true
			return
		}
		chunks = append(chunks, news.Chunk{
			ID:        fmt.Sprintf("%s#%d", a.ID, len(chunks)),
			ArticleID: a.ID,
			Position:  len(chunks),
			Text:      cur.String(),
		})
		cur.Reset()
		words, tokens = 0, 0
	}
	for _, u := range splitUnits(body, o) {
		if full() {
			cut = true
			break
		}
		switch {
		case words > 0 && words+u.words > o.MaxWords:
			flush()
		case words > 0 && o.Tokens != nil && tokens+u.tokens > o.MaxTokens:
			flush()
		case words >= o.TargetWords:
			flush()
		case words > 0 && u.sep == sepParagraph && 3*words >= 2*o.TargetWords && words+u.words > o.TargetWords:
			flush() // a paragraph ends close enough to the target: end there
		}
		if words > 0 {
			cur.WriteString(u.sep.String())
		} else {
			first = u.sep
		}
		cur.WriteString(u.text)
		words += u.words
		tokens += u.tokens
	}
	// A short last passage joins the previous one when it fits.
	if n := len(chunks); n > 0 && !full() && words > 0 && 3*words < o.TargetWords &&
		countWords(chunks[n-1].Text)+words <= o.MaxWords &&
		(o.Tokens == nil || o.Tokens(chunks[n-1].Text)+tokens <= o.MaxTokens) {
		chunks[n-1].Text += first.String() + cur.String()
		words = 0
	}
	flush()
	return chunks, cut
}

// separator says what separated a unit from the previous one in the text.
type separator int

const (
	sepSpace     separator = iota // same line
	sepLine                       // a line break
	sepParagraph                  // a blank line
)

func (s separator) String() string {
	switch s {
	case sepLine:
		return "\n"
	case sepParagraph:
		return "\n\n"
	}
	return " "
}

// unit is a sentence, a line without sentence punctuation (a heading, a
// table row, a list item), or a piece of a sentence too long to keep whole.
type unit struct {
	text   string
	words  int
	tokens int // counted only with ChunkOptions.Tokens
	sep    separator
}

// splitUnits splits text into units of at most o.MaxWords words (and
// o.MaxTokens tokens, when counted).
func splitUnits(text string, o ChunkOptions) []unit {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var units []unit
	sep := sepParagraph
	for _, line := range strings.Split(text, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			sep = sepParagraph
			continue
		}
		for _, s := range splitSentences(line) {
			limit := o.MaxWords
			if o.Tokens != nil {
				// split a sentence over the token budget into about equal
				// parts, with the words a part may hold estimated from it
				if t := o.Tokens(s); t > o.MaxTokens {
					limit = max(1, min(limit, countWords(s)*o.MaxTokens/t*9/10))
				}
			}
			for _, piece := range splitLong(s, limit) {
				if len(units) == 0 {
					sep = sepParagraph
				}
				u := unit{text: piece, words: countWords(piece), sep: sep}
				if o.Tokens != nil {
					u.tokens = o.Tokens(piece)
				}
				units = append(units, u)
				sep = sepSpace
			}
		}
		sep = max(sep, sepLine)
	}
	return units
}

// splitLong splits a sentence of more than maxWords words between words (or
// between characters, in a script without spaces).
func splitLong(s string, maxWords int) []string {
	if countWords(s) <= maxWords {
		return []string{s}
	}
	var (
		out   []string
		cur   strings.Builder
		words int
	)
	emit := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
			words = 0
		}
	}
	for _, w := range strings.Fields(s) {
		n := countWords(w)
		if n > maxWords { // a run of CJK text: cut it by characters
			emit()
			var piece strings.Builder
			k := 0
			for _, r := range w {
				piece.WriteRune(r)
				if isCJK(r) || unicode.IsLetter(r) || unicode.IsNumber(r) {
					k++ // at least what countWords makes of the piece
				}
				if k == maxWords {
					out = append(out, piece.String())
					piece.Reset()
					k = 0
				}
			}
			if piece.Len() > 0 {
				cur.WriteString(piece.String())
				words = countWords(piece.String())
			}
			continue
		}
		if words+n > maxWords {
			emit()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
		words += n
	}
	emit()
	return out
}

// countWords counts space-separated words, counting each CJK character of
// a word as one word.
func countWords(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		cjk := 0
		other := false
		for _, r := range w {
			if isCJK(r) {
				cjk++
			} else if unicode.IsLetter(r) || unicode.IsNumber(r) {
				other = true
			}
		}
		switch {
		case cjk > 0 && other:
			n += cjk + 1
		case cjk > 0:
			n += cjk
		default:
			n++
		}
	}
	return n
}

// CountWords counts the words of s as the chunker does: space-separated
// words, each CJK character one word.
func CountWords(s string) int { return countWords(s) }

func isCJK(r rune) bool {
	if r < 0x2E80 { // below the CJK radicals: the common case
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// splitSentences splits one line of text into sentences. A sentence ends at
// '.', '!', '?' or '…' (and closing quotes or brackets after them) followed
// by a space and a word that can start a sentence, unless the word before
// is a known abbreviation or an initial; and after the CJK full stops
// '。', '！', '？', with or without a space.
func splitSentences(line string) []string {
	var (
		out   []string
		start int
	)
	// runes and their byte offsets (an invalid byte is one rune)
	rs := make([]rune, 0, len(line))
	offs := make([]int, 0, len(line)+1)
	for i, r := range line {
		rs = append(rs, r)
		offs = append(offs, i)
	}
	offs = append(offs, len(line))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '。' || r == '！' || r == '？' {
			j := i + 1
			for j < len(rs) && (isCloser(rs[j]) || rs[j] == '。' || rs[j] == '！' || rs[j] == '？') {
				j++
			}
			if s := strings.TrimSpace(line[offs[start]:offs[j]]); s != "" {
				out = append(out, s)
			}
			start = j
			i = j - 1
			continue
		}
		if r != '.' && r != '!' && r != '?' && r != '…' {
			continue
		}
		j := i + 1
		for j < len(rs) && (rs[j] == '.' || rs[j] == '!' || rs[j] == '?' || rs[j] == '…' || isCloser(rs[j])) {
			j++
		}
		if j >= len(rs) || rs[j] != ' ' {
			i = j - 1
			continue // end of line (kept whole below) or no space: "3.5", "U.S.-made"
		}
		k := j + 1
		if k >= len(rs) || !startsSentence(rs[k]) {
			i = j - 1
			continue
		}
		w := i // the word before the stop, scanning back no further than a space
		for w > start && !strings.ContainsRune(" (\"'“", rs[w-1]) {
			w--
		}
		if r == '.' && isAbbreviation(line[offs[w]:offs[i]]) {
			i = j - 1
			continue
		}
		if s := strings.TrimSpace(line[offs[start]:offs[j]]); s != "" {
			out = append(out, s)
		}
		start = k
		i = k - 1
	}
	if s := strings.TrimSpace(line[offs[start]:]); s != "" {
		out = append(out, s)
	}
	return out
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '}', '»', '”', '’', '」', '』', '）':
		return true
	}
	return false
}

func startsSentence(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsDigit(r) || isCJK(r) || unicode.Is(unicode.Hangul, r) ||
		strings.ContainsRune("\"'“‘«([¿¡—-", r) || (unicode.IsLetter(r) && !unicode.IsLower(r))
}

// isAbbreviation reports whether the word before a full stop is an
// abbreviation or an initial ("J." of "J. K. Rowling"), after which a full
// stop does not end the sentence.
func isAbbreviation(w string) bool {
	if w == "" {
		return false
	}
	if utf8.RuneCountInString(w) == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		return unicode.IsUpper(r) // an initial
	}
	if strings.Contains(w, ".") { // "U.S", "e.g", "a.m"
		return len(w) <= 6
	}
	return abbreviations[strings.ToLower(w)]
}

var abbreviations = func() map[string]bool {
	m := make(map[string]bool)
	// Words that also end sentences ("no", "sat", "sun") are left out.
	for _, w := range strings.Fields(`mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep
		rev hon pres supt insp det inc corp co ltd llc plc bros dept univ assn approx vs etc al
		jan feb apr jun jul aug sep sept oct nov dec tues thurs ave blvd rd hwy mph cf`) {
		m[w] = true
	}
	return m
}()
