package rag

import (
	"maps"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sentence is one sentence of a passage as the coverage gate and the
// extractive answerer read it: its words, and the words of what it
// continues.
type sentence struct {
	text  string
	pos   int // index among the passage's sentences
	terms map[string]bool
	// heading holds the words of the short heading line the sentence sits
	// under ("Cruise" above "The self-driving car company is cutting 900
	// employees"), prev those of the sentence before it.
	heading, prev map[string]bool
	// prevWeight is the share of a term's weight earned through prev:
	// more when the sentence opens by referring back ("He", "The
	// company").
	prevWeight float64
	// lead is the sentence before, quoted with an anaphoric one.
	lead string
	// reply is the sentence after one that asks a question ("The most
	// annoying thing?" → "The traffic, that's the biggest thing for
	// me."), quoted with it.
	reply       string
	boilerplate bool
	// field is set for a line giving one field of a listed item
	// ("Director: Jessica Yu" under "Quiz Lady"); see [fieldLine].
	field bool
	// first is set for the first sentence under its heading, which
	// speaks of what the heading names ("Stardew Valley" above "Solo
	// developer Eric Barone created…").
	first bool
	// fragment is set for a passage's first sentence when it starts in
	// lower case, or its last when it lacks an ending: pieces of a
	// sentence cut by chunking.
	fragment bool
}

// Shares of a term's weight earned by a sentence from its context.
const (
	headingWeight = 0.5
	// firstUnderHeadingWeight is the share for the first sentence under
	// the heading.
	firstUnderHeadingWeight = 0.9
	anaphorWeight           = 0.5
	previousWeight          = 0.3
	// headingMaxWords: a line of at most this many words without a full
	// stop is a heading.
	headingMaxWords = 4
)

// readPassage splits a passage into sentences (see [extractSentences]),
// after dropping the article's title from its start, and notes for each
// the heading it sits under and the sentence before it.
func readPassage(text, title string) []sentence {
	var out []sentence
	var heading, prev map[string]bool
	// referent holds the words of what the sentence before is about: its
	// own, and, when it refers back, those of what it refers to ("Wang
	// was the co-founder… He owned only 10 percent… He got a $200,000 a
	// year salary" is about Wang).
	var referent map[string]bool
	prevText, headingText := "", ""
	for _, line := range strings.Split(withoutHeadline(text, title), "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		field := fieldLine(line)
		if !field && !furnitureLabelRe.MatchString(line) && isHeading(line) {
			heading, headingText = termSet(line), line
			addAcronyms(heading, line)
			prev, prevText, referent = nil, "", nil
			continue
		}
		for i, part := range splitLine(line) {
			parts := windows(part)
			if field && i == 0 && len(parts) == 0 {
				// "Director: Fritz Lang" says something however short.
				parts = []string{part}
			}
			for j, s := range parts {
				s = withoutFurniture(s)
				terms := termSet(s)
				addAcronyms(terms, s)
				sn := sentence{text: s, pos: len(out), terms: terms, heading: heading, prev: prev, prevWeight: previousWeight, boilerplate: boilerplate(s),
					first: heading != nil && prev == nil}
				switch {
				case field && i == 0 && j == 0 && heading != nil:
					// The field belongs to the item its heading names:
					// "Director: Jessica Yu" under "Quiz Lady" says who
					// directed Quiz Lady, and is quoted with it.
					sn.field, sn.lead = true, headingText+" —"
				case referent != nil && anaphoric(s):
					sn.prev, sn.prevWeight, sn.lead = referent, anaphorWeight, prevText
				}
				out = append(out, sn)
				prev, prevText, referent = terms, s, terms
				if sn.boilerplate {
					// "Sign up for our newsletter" is not what the next
					// sentence refers back to.
					referent = nil
				} else if sn.lead != "" && !sn.field {
					referent = maps.Clone(terms)
					maps.Copy(referent, sn.prev)
				}
			}
		}
	}
	for i := 1; i < len(out); i++ {
		if asksQuestion(out[i-1].text) && !out[i].boilerplate {
			out[i-1].reply = out[i].text
		}
	}
	if n := len(out); n > 1 {
		first, _ := utf8.DecodeRuneInString(out[0].text)
		last, _ := utf8.DecodeLastRuneInString(out[n-1].text)
		out[0].fragment = unicode.IsLower(first)
		out[n-1].fragment = !out[n-1].field && !strings.ContainsRune(".!?\"'”’)。！？", last)
	}
	return out
}

// loadingRe matches the word a page shows where a video or a chart loads,
// glued to the sentence after it when the page is read as text.
var loadingRe = regexp.MustCompile(`^Loading\s+\p{Lu}`)

// withoutFurniture returns s without the page furniture it opens with
// ("Loading Perpetual climbed 6.3 per cent…", "Credit: AP Wednesday's
// report…").
func withoutFurniture(s string) string {
	if loadingRe.MatchString(s) {
		return strings.TrimSpace(strings.TrimPrefix(s, "Loading"))
	}
	return withoutCredit(s)
}

// photoCreditRe matches a photo credit glued to the sentence after the photo.
var photoCreditRe = regexp.MustCompile(`^(?:Credit|Photo|Photograph|Picture|Image)s?: `)

// sentenceOpeners are capitalised words that start a sentence and are
// seldom part of a credit.
var sentenceOpeners = map[string]bool{
	"The": true, "A": true, "An": true, "It": true, "It’s": true, "It's": true, "In": true, "As": true, "But": true,
	"And": true, "Still": true, "He": true, "She": true, "They": true, "We": true, "I": true, "This": true,
	"That": true, "These": true, "Those": true, "There": true, "On": true, "At": true, "After": true, "Before": true,
	"When": true, "While": true, "For": true, "With": true, "His": true, "Her": true, "Their": true, "Our": true,
	"My": true, "Its": true, "If": true, "So": true, "Yet": true, "Between": true, "Since": true, "During": true,
}

// creditAgencies are the agencies a credit may name alone.
var creditAgencies = map[string]bool{
	"AP": true, "AAP": true, "AFP": true, "Reuters": true, "Getty": true, "Bloomberg": true, "Shutterstock": true,
	"EPA": true, "PA": true, "Alamy": true,
}

// withoutCredit returns s without the photo credit it opens with, when the
// credit's end can be told: at a quote or a word that opens sentences
// ("Credit: Janie Barrett It's hard…"), or after an agency named alone
// ("Credit: Getty Prior had blasted…"). A credit whose end cannot be told
// is left, and the sentence stays page furniture.
func withoutCredit(s string) string {
	loc := photoCreditRe.FindStringIndex(s)
	if loc == nil {
		return s
	}
	ws := strings.Fields(s[loc[1]:])
	const maxCreditWords = 6
	for i := 1; i < len(ws) && i <= maxCreditWords; i++ {
		first, _ := utf8.DecodeRuneInString(ws[i])
		if strings.ContainsRune("“‘\"", first) || sentenceOpeners[ws[i]] {
			return strings.Join(ws[i:], " ")
		}
	}
	if len(ws) > 2 && creditAgencies[ws[0]] {
		rest := ws[1:]
		if rest[0] == "Images" || rest[0] == "Pool" {
			rest = rest[1:]
		}
		if first, _ := utf8.DecodeRuneInString(rest[0]); unicode.IsUpper(first) {
			return strings.Join(rest, " ")
		}
	}
	return s
}

// fieldRe matches a line giving one field of an item in a list: a label
// of at most four words, a colon and the value ("Director: Jessica Yu",
// "Where to watch: Hulu", "Consensus Revenue Estimates: $75.73B").
var fieldRe = regexp.MustCompile(`^\p{Lu}[\p{L}'’&/-]*(?: [\p{L}'’&/-]+){0,3}: +\S`)

// furnitureLabelRe matches the labels of a page's furniture, which give no
// field of anything and head nothing: "Image: …", "Photo: Getty".
var furnitureLabelRe = regexp.MustCompile(`(?i)^(image|images|photo|photos|photograph|picture|pictures|video|caption|credit|source|sources|graphic|illustration|advertisement|more|related|read|read more|watch|listen|see also|also read|share|follow|sign up|subscribe|updated|published|posted|tags?|topics?)\s*:`)

// fieldLine reports a line giving one field of a listed item (see
// fieldRe), not a page's furniture.
func fieldLine(line string) bool {
	return fieldRe.MatchString(line) && !furnitureLabelRe.MatchString(line)
}

// asksQuestion reports a sentence ending in a question mark, inside
// closing quotes or not.
func asksQuestion(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return isClosing(r) || unicode.IsSpace(r) })
	return strings.HasSuffix(s, "?") || strings.HasSuffix(s, "？")
}

// isHeading reports a line that heads a section: a few words without a
// sentence's ending ("Cruise", "Demons denied the minor premiership" is
// too long).
func isHeading(line string) bool {
	ws := strings.Fields(line)
	if len(ws) == 0 || len(ws) > headingMaxWords || hasUncasedScript(line) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(line)
	first, _ := utf8.DecodeRuneInString(line)
	return !strings.ContainsRune(".!?。！？", last) && (unicode.IsUpper(first) || unicode.IsDigit(first))
}

// share returns the weighted share of terms a sentence holds: fully in
// its own words, in part through its heading and the sentence before it,
// and through meta (the article's title and outlet) at extractMetaWeight.
// own is the part from the sentence itself and its context, without meta.
func (s sentence) share(terms []Term, weight []float64, meta map[string]bool) (own, withMeta float64) {
	for i, t := range terms {
		switch {
		case t.in(s.terms):
			own += weight[i]
		case s.first && t.in(s.heading):
			own += firstUnderHeadingWeight * weight[i]
		case s.heading != nil && t.in(s.heading):
			own += headingWeight * weight[i]
		case s.prev != nil && t.in(s.prev):
			own += s.prevWeight * weight[i]
		case partOfName(t, s.terms):
			own += extractPartNameWeight * weight[i]
		case meta != nil && t.in(meta):
			withMeta += extractMetaWeight * weight[i]
		}
	}
	return own, own + withMeta
}

// anaphorRe matches a sentence that opens by referring back: a pronoun or
// "the company", "the club"….
var anaphorRe = regexp.MustCompile(`^["“‘']?(He|She|It|They|His|Her|Its|Their|This|That|These|Those|The (company|firm|group|bank|club|team|side|network|startup|platform|carrier|retailer|maker|giant|government|ministry|agency|court|judge|council|league|player|star|coach|minister|president|singer|actor|airline|chain|business|brand|app|service|report|study|deal|move|plan|decision|company's|firm's|club's|team's|bank's|pair|couple|duo|trio)|The (two|three) (have|has|had|are|were|share|shared|met|married|began|became|also|both|later|then|will|would))\b`)

func anaphoric(s string) bool { return anaphorRe.MatchString(s) || definiteBack(s) }

// definiteBack reports whether s opens with a definite phrase of common
// words that names again what the sentence before named: "The legendary
// undefeated boxer boasts…", "The program was set to begin…". A phrase
// that ranks or counts ("The first", "The best", "The number of…") or
// goes on with "of" introduces something new.
func definiteBack(s string) bool {
	s = strings.TrimLeft(s, `"“‘'`)
	rest, ok := strings.CutPrefix(s, "The ")
	if !ok {
		return false
	}
	ws := strings.Fields(rest)
	if len(ws) < 2 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(ws[0])
	first := strings.ToLower(strings.TrimRight(ws[0], ",:;"))
	if !unicode.IsLower(r) && !unicode.IsDigit(r) || strings.ContainsAny(ws[0], ":;") || introducing[first] || ordinalRe.MatchString(first) ||
		strings.HasSuffix(first, "est") && len(first) > 5 && !estNouns[first] {
		return false
	}
	for _, w := range ws[1:min(4, len(ws))] {
		if w == "of" {
			return false
		}
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			break
		}
	}
	return true
}

// introducing are words after "The" that introduce rather than refer back.
var introducing = map[string]bool{
	"first": true, "last": true, "next": true, "new": true, "latest": true, "most": true, "best": true, "worst": true,
	"only": true, "other": true, "same": true, "following": true, "top": true, "main": true, "key": true, "big": true,
	"biggest": true, "largest": true, "final": true, "average": true, "total": true, "current": true, "recent": true,
	"number": true, "rest": true, "idea": true, "fact": true, "reason": true, "result": true, "problem": true,
	"question": true, "answer": true, "news": true, "way": true, "world": true, "world's": true, "world’s": true,
	"good": true, "bad": true, "bottom": true, "truth": true, "thing": true, "things": true, "point": true,
	"lowdown": true, "pitch": true, "cheapest": true, "original": true, "potential": true, "standard": true,
	"public": true, "market": true, "industry": true, "two": true, "three": true,
	"four": true, "five": true, "one": true, "more": true, "less": true,
	"higher": true, "lower": true, "bigger": true, "better": true,
}

// ordinalRe matches an ordinal: "second", "21st".
var ordinalRe = regexp.MustCompile(`^(second|third|fourth|fifth|sixth|\d+(st|nd|rd|th))$`)

// estNouns end like a superlative ("highest") but are nouns.
var estNouns = map[string]bool{
	"interest": true, "forest": true, "request": true, "contest": true, "protest": true, "conquest": true,
	"harvest": true, "arrest": true, "manifest": true, "digest": true, "inquest": true, "bequest": true,
}

// partOfName reports a name of several words of which set holds the first
// or the last word (not a joiner such as "of").
func partOfName(t Term, set map[string]bool) bool {
	if t.Kind != TermName || len(t.Words) < 2 {
		return false
	}
	return set[t.Words[0]] || set[t.Words[len(t.Words)-1]]
}
