package rag

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gazettebot/gazette/news"
)

// Coverage: before answering, the service judges from evidence whether the
// library covers the question. The question's salient terms (names,
// numbers and rare words, weighted by their rarity in the library) must be
// found in the retrieved passages; a name the library never mentions is
// strong evidence of a gap.

// TermCounter is implemented by an [Index] that can tell how many of a
// namespace's passages mention a phrase, and how many passages it holds.
// Without it, term weights come from the retrieved passages alone.
type TermCounter interface {
	TermCounts(ctx context.Context, ns string, phrases []string) (counts []int, total int, err error)
}

// TermKind says what a salient term is.
type TermKind int

// Kinds of salient terms.
const (
	TermWord   TermKind = iota // a content word
	TermName                   // a run of capitalised words, an acronym
	TermNumber                 // a number, a year, a score
)

// Term is one salient term of a question.
type Term struct {
	Text string // as the question writes it: "Artemis II", "2026", "interest"
	Kind TermKind
	// Passages is how many passages of the library mention the term, or -1
	// when unknown.
	Passages int
	// Words are the term's words as the answerer reads them (lower-case,
	// common endings stripped), all of which a passage must hold.
	Words []string
	// Acronym is the initials of a name of several capitalised words
	// ("United States" -> "us"), which a passage may write instead.
	Acronym string
	// Surname is the last word of a person's name whose first name the
	// library never uses ("Pete Prisco" -> "prisco"): passages name the
	// person by it alone.
	Surname string
	// Aside is set for a term only in a remark beside the question
	// ("how many sacks have the Giants given up? heard it's close to a
	// record"): the library need not hold it to cover the question.
	Aside bool
	// Respelt is how the library writes a word it never writes as the
	// question does ("power play" for "powerplay"; see respell), or "".
	Respelt string
	// Referred is set for a name or word of such a remark when the
	// question refers back to it ("ohanian was at UVA yesterday. what's
	// his fund called?"): a name, or a rare word, that the library
	// mentions is what is asked about.
	Referred bool
}

// acronymLike reports whether a term of one word may be an acronym that
// passages spell out: written in capitals ("GTA"), or short, all letters
// and never used by the library as a word ("gta" typed in lower case for
// "Grand Theft Auto"), or of consonants alone ("sbf").
func (t Term) acronymLike() bool {
	if acronymWord(t.Text) {
		return true
	}
	n := utf8.RuneCountInString(t.Text)
	if n < 2 || n > 5 || strings.ContainsFunc(t.Text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		return false
	}
	// A word of consonants alone is no English word: "sbf" stands for
	// Sam Bankman-Fried even where the library also writes "SBF".
	return t.Passages == 0 || n <= 4 && !strings.ContainsAny(strings.ToLower(t.Text), "aeiouy")
}

// acronymWord reports whether w is written as an acronym: in capitals
// ("EU"), or short with capitals inside ("WoW" for World of Warcraft,
// "DoJ").
func acronymWord(w string) bool {
	if isUpperWord(w) {
		return true
	}
	upper := 0
	for i, r := range w {
		switch {
		case !unicode.IsLetter(r):
			return false
		case unicode.IsUpper(r):
			upper++
		case i == 0:
			return false
		}
	}
	return upper >= 2 && utf8.RuneCountInString(w) <= 5
}

// in reports whether a passage's words hold the term: all its words, or
// the acronym of a name written as a word ("U.S." for "United States"), or
// for an acronym in the question, the name it abbreviates ("European
// Union" for "EU").
func (t Term) in(set map[string]bool) bool {
	switch {
	case hasAll(set, t.Words):
		return true
	case t.Acronym != "" && set[t.Acronym]:
		return true
	case t.Surname != "" && set[t.Surname]:
		return true
	case len(t.Words) == 1 && hasAll(set, periodForms[t.Words[0]]):
		// "Q3" for the "third quarter".
		return true
	case len(t.Words) > 1 && nameFormFirst[t.Words[0]] &&
		slices.ContainsFunc(nameForms[strings.Join(t.Words, " ")], func(ws []string) bool { return hasAll(set, ws) }):
		return true
	}
	if len(t.Words) == 1 {
		for _, alt := range demonyms[t.Words[0]] {
			if set[alt] {
				return true
			}
		}
		for _, alt := range wordEquivalents[t.Words[0]] {
			if set[alt] {
				return true
			}
		}
		return t.acronymLike() && set[acronymKey+t.Words[0]]
	}
	// A name of several words of which some are acronyms ("EU's AI"):
	// each word is in the passage, an acronym also as the name it
	// abbreviates ("European Union", "artificial intelligence").
	ws := strings.Fields(t.Text)
	if len(ws) != len(t.Words) {
		return false
	}
	acronym := false
	for i, w := range t.Words {
		up := acronymWord(withoutPossessive(ws[i]))
		switch {
		case set[w]:
		case up && set[acronymKey+w]:
			acronym = true
		default:
			return false
		}
	}
	return acronym
}

// nameForms maps the words of a name (stems) to those of the other
// names reports write for the same thing: "Manchester United" is also "Man
// United" and "Man Utd".
var nameForms = func() map[string][][]string {
	out := map[string][][]string{}
	for _, g := range [][]string{{"Manchester United", "Man United", "Man Utd"}, {"Manchester City", "Man City"}} {
		for _, name := range g {
			key := strings.Join(extractTerms(name), " ")
			for _, other := range g {
				if other != name {
					out[key] = append(out[key], extractTerms(other))
				}
			}
		}
	}
	return out
}()

// nameFormFirst holds the first word of each name of nameForms.
var nameFormFirst = func() map[string]bool {
	out := map[string]bool{}
	for key := range nameForms {
		out[strings.Fields(key)[0]] = true
	}
	return out
}()

// demonyms maps the stem of a people's name to the stems of their country's
// names and back, so that "Americans" meets "the U.S." and "Britain" meets
// "British".
var demonyms = equivalents(strings.Split(`american america us usa|british britain uk|english england|scottish scotland|
	welsh wales|irish ireland|australian australia|canadian canada|chinese china|french france|german germany|
	indian india|israeli israel|palestinian palestine|russian russia|ukrainian ukraine|japanese japan|
	italian italy|spanish spain|mexican mexico|brazilian brazil|european europe eu|dutch netherlands|
	swiss switzerland|swedish sweden|norwegian norway|danish denmark|polish poland|greek greece|
	turkish turkey|iranian iran|iraqi iraq|saudi arabia|egyptian egypt|korean korea|south african africa|
	argentine argentina|argentinian argentina|portuguese portugal|belgian belgium|austrian austria|
	nigerian nigeria|kenyan kenya|pakistani pakistan|afghan afghanistan|syrian syria|lebanese lebanon|
	filipino philippines|vietnamese vietnam|thai thailand|indonesian indonesia|taiwanese taiwan`, "|"))

// wordEquivalents maps the stem of a word news questions use to the stems
// of the words reports write instead: "buying" Blue Apron is "acquiring"
// it, a coach "sacked" was "fired", shares that "jumped" "surged".
var wordEquivalents = equivalents(strings.Split(`buy bought buying purchase purchased acquire acquired acquisition takeover|
	fire fired sack sacked oust ousted dismiss dismissed boot axe axed|
	resign resigned quit quits|
	microphone microphones mic mics|
	sue sued suing lawsuit|
	hire hired appoint appointed|
	launch launched release released unveil unveiled|
	layoff layoffs redundancies|
	jump jumped surge surged soar soared climb climbed rally rallied|
	drop dropped fall fell slump slumped plunge plunged tumble tumbled sink sank slide slid|
	boss chief head ceo|
	die died dead death deaths killed|
	arrest arrested detain detained custody|
	charge charged indict indicted indictment|
	ban banned suspend suspended suspension|
	injury injured injuries hurt|
	halfway midway midpoint midseason|
	mom moms mum mums mother mothers|
	dad dads father fathers|
	kid kids child children|
	pic pics photo photos picture pictures|
	vid vids video videos|
	champ champs champion champions|
	ref refs referee referees|
	cop cops police|
	tix ticket tickets|
	fastest quickest`, "|"))

// equivalents maps the stem of each word of each group (words separated
// by spaces) to the stems of the other words of its group.
func equivalents(groups []string) map[string][]string {
	m := map[string][]string{}
	for _, g := range groups {
		var st []string
		for _, w := range strings.Fields(g) {
			st = append(st, stem(w))
		}
		for i, a := range st {
			for j, b := range st {
				if i != j && a != b && !slices.Contains(m[a], b) {
					m[a] = append(m[a], b)
				}
			}
		}
	}
	return m
}

// acronymKey marks, in a set of words, the initials of a run of
// capitalised words, so that they meet only an acronym of the question.
const acronymKey = "^"

// addAcronyms adds to set the initials of each run of capitalised words of
// text.
func addAcronyms(set map[string]bool, text string) {
	for _, a := range acronyms(text) {
		set[acronymKey+a] = true
	}
}

// Defaults of the coverage gate, tuned on the tuning halves of the
// development questions and of the natural questions (see BENCHMARKS.md).
const (
	// DefaultMinCoverage is the weighted share of the question's salient
	// terms that the retrieved passages must hold together.
	DefaultMinCoverage = 0.55
	// DefaultMinFocus is the weighted share that the best single article
	// must hold.
	DefaultMinFocus = 0.55
	// DefaultMinSentence is the weighted share that the best single
	// sentence must hold (with its article's title at half weight).
	DefaultMinSentence = 0.45
	// DefaultMinMeaning is the cosine, under the built-in encoder, below
	// which no candidate sentence means what the question asks: three
	// quarters of the lowest found for an answerable question of the
	// tuning halves.
	DefaultMinMeaning = 0.30
	// meaningMinSentence is the share of the question's weight a sentence
	// must hold for its words alone to carry the answer when no sentence
	// is near the question in meaning.
	meaningMinSentence = 0.70
	// focusMaxTerms: a question with more salient terms than this asks
	// about several things at once, and is judged on coverage alone.
	focusMaxTerms = 8
)

// Weights of the kinds of terms, on top of their rarity.
const (
	nameWeight   = 1.5
	numberWeight = 1.2
	wordWeight   = 1.0
	// everydayWeight is for a plain word of everyday English.
	everydayWeight = 0.6
	// weakWeight is for the words questions use to frame a request
	// ("happen", "latest", "get").
	weakWeight = 0.3
)

// weakWords frame a question without saying what it is about.
var weakWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`happen happened happening latest new news last first next get got gets make made
		take took think know going like want thing things way ways really actually big many much long year years
		time times day days week weeks month months today yesterday tomorrow people person anyone someone something
		anything everything happen go went come came give gave find found look looking update updates story stories
		current currently hear heard wonder wondering reckon apparently night nights tonight weekend
		roughly approximately supposedly reportedly basically literally seriously honestly totally crazy insane
		monday tuesday wednesday thursday friday saturday sunday`) {
		m[stem(w)] = true
	}
	return m
}()

// questionWords start a question; capitalised at its start they are not
// names.
var questionWords = map[string]bool{
	"what": true, "who": true, "whom": true, "whose": true, "which": true, "when": true, "where": true, "why": true,
	"how": true, "did": true, "does": true, "do": true, "is": true, "are": true, "was": true, "were": true, "can": true,
	"could": true, "will": true, "would": true, "should": true, "has": true, "have": true, "had": true, "tell": true,
	"according": true, "considering": true, "based": true, "in": true, "on": true, "after": true, "before": true,
	"between": true, "from": true, "the": true, "a": true, "an": true, "any": true, "give": true, "show": true,
	"list": true, "name": true, "explain": true, "describe": true, "summarize": true, "summarise": true, "please": true,
	"i": true, "so": true, "and": true, "but": true, "also": true, "about": true, "as": true, "per": true, "if": true,
	"since": true, "during": true, "while": true, "with": true, "among": true, "at": true, "by": true, "for": true,
	"of": true, "to": true, "this": true, "that": true, "these": true, "those": true, "there": true, "hey": true,
	// Contractions, with or without their apostrophe.
	"whats": true, "what's": true, "what’s": true, "whos": true, "who's": true, "who’s": true, "wheres": true,
	"where's": true, "where’s": true, "whens": true, "when's": true, "when’s": true, "hows": true, "how's": true,
	"how’s": true, "whys": true, "why's": true, "why’s": true, "isnt": true, "isn't": true, "isn’t": true,
	"didnt": true, "didn't": true, "didn’t": true, "doesnt": true, "doesn't": true, "doesn’t": true, "wasnt": true,
	"wasn't": true, "wasn’t": true, "cant": true, "can't": true, "can’t": true, "im": true, "i'm": true, "i’m": true,
}

// nameJoiners may sit inside a name: "Bank of England", "Procter & Gamble".
var nameJoiners = map[string]bool{"of": true, "&": true, "de": true, "del": true, "la": true, "von": true, "van": true, "for": true}

// SalientTerms returns the salient terms of a question: runs of capitalised
// words and acronyms as names, numbers, and the other content words. The
// spans (outlet names, dates the retriever has read) are left out.
// Passages is -1 in every term.
func SalientTerms(question string, spans []string) []Term {
	masked := question
	for _, sp := range spans {
		if sp == "" {
			continue
		}
		lq := strings.ToLower(masked)
		for from := 0; ; {
			i := strings.Index(lq[from:], strings.ToLower(sp))
			if i < 0 {
				break
			}
			i += from
			n := len(sp)
			// "last night's game": the possessive goes with the date.
			for _, pos := range []string{"'s", "’s"} {
				if strings.HasPrefix(masked[i+n:], pos) {
					n += len(pos)
					break
				}
			}
			masked = masked[:i] + strings.Repeat(" ", n) + masked[i+n:]
			lq = strings.ToLower(masked)
			from = i + n
		}
	}
	type word struct {
		raw   string
		start bool // starts a sentence
		end   bool // ends a clause: a comma, a full stop, a quote
	}
	var words []word
	start := true
	for _, f := range strings.FieldsFunc(masked, func(r rune) bool {
		return unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' || r == '“' || r == '”' || r == '/'
	}) {
		raw := strings.Trim(f, "'‘’`*_")
		if raw == "" {
			continue
		}
		last, _ := utf8.DecodeLastRuneInString(raw)
		end := strings.ContainsRune(",;:.?!", last)
		raw = strings.TrimRight(raw, ",;:.?!")
		if raw != "" {
			words = append(words, word{raw: raw, start: start, end: end})
		}
		start = last == '.' || last == '?' || last == '!' || last == ':'
	}
	var out []Term
	seen := map[string]bool{}
	add := func(text string, kind TermKind) {
		stems := extractTerms(text)
		if len(stems) == 0 {
			return
		}
		key := strings.Join(stems, " ")
		if seen[key] {
			return
		}
		seen[key] = true
		t := Term{Text: text, Kind: kind, Passages: -1, Words: stems}
		if ws := strings.Fields(text); kind == TermName && len(ws) > 1 {
			var initials []rune
			for _, w := range ws {
				if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
					initials = append(initials, unicode.ToLower(r))
				}
			}
			if len(initials) > 1 {
				t.Acronym = string(initials)
			}
		}
		out = append(out, t)
	}
	isCapWord := func(w word) bool {
		first, _ := utf8.DecodeRuneInString(w.raw)
		if !unicode.IsUpper(first) {
			return false
		}
		lw := strings.ToLower(withoutClitic(withoutPossessive(w.raw)))
		if w.start && (questionWords[lw] || answerStopwords[lw] || chatOpeners[lw]) {
			return false
		}
		if w.start && !hasInnerCapital(w.raw) {
			// "Nike shares…": a capital at the start of a sentence may or
			// may not be a name; a word that is no stop word counts as one.
			return !answerStopwords[lw]
		}
		return true
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if isCapWord(w) {
			j := i + 1
			run := []string{w.raw}
			for j < len(words) && !words[j-1].end {
				nw := words[j]
				if isCapWord(nw) && !nw.start {
					run = append(run, nw.raw)
					j++
					continue
				}
				if nameJoiners[strings.ToLower(nw.raw)] && j+1 < len(words) && !nw.end && isCapWord(words[j+1]) && !words[j+1].start {
					run = append(run, nw.raw, words[j+1].raw)
					j += 2
					continue
				}
				break
			}
			name := strings.Join(run, " ")
			name = withoutPossessive(name)
			if len(extractTerms(name)) > 0 {
				add(name, TermName)
			}
			i = j - 1
			continue
		}
		if strings.ContainsFunc(w.raw, unicode.IsDigit) {
			add(w.raw, TermNumber)
			continue
		}
		// "how many", "how much" frame the question.
		if lw := strings.ToLower(w.raw); (lw == "many" || lw == "much") && i > 0 && strings.EqualFold(words[i-1].raw, "how") {
			continue
		}
		for _, part := range strings.FieldsFunc(w.raw, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' }) {
			// "'sweet spot'" quoted: the word is "spot".
			part = strings.Trim(withoutClitic(withoutPossessive(part)), "'’")
			if len(extractTerms(part)) == 1 {
				add(strings.ToLower(part), TermWord)
			}
		}
	}
	// A word already inside a name is not a term of its own.
	inName := map[string]bool{}
	for _, t := range out {
		if t.Kind == TermName && len(t.Words) > 1 {
			for _, s := range t.Words {
				inName[s] = true
			}
		}
	}
	out = slices.DeleteFunc(out, func(t Term) bool { return t.Kind == TermWord && inName[t.Words[0]] })
	if main, ok := askingPart(masked); ok {
		in := termSet(main)
		addAcronyms(in, main)
		// "ohanian was talking at UVA yesterday. what's his vc fund
		// called?": the asking part refers back to the one the remark
		// names, who is what it asks about.
		back := slices.ContainsFunc(strings.FieldsFunc(strings.ToLower(main), func(r rune) bool { return !unicode.IsLetter(r) }),
			func(w string) bool { return backPronouns[w] })
		for i := range out {
			out[i].Aside = !out[i].in(in)
			out[i].Referred = out[i].Aside && back && out[i].Kind != TermNumber
		}
	}
	return out
}

// backPronouns refer back to someone or something named before.
var backPronouns = map[string]bool{"he": true, "she": true, "his": true, "her": true, "him": true, "it": true, "its": true,
	"they": true, "them": true, "their": true}

// chatOpeners are words a chat message opens with before the names it
// asks about ("Saw that Palo Alto…", "Heard Binance…", "Roughly how
// much…"): no names.
var chatOpeners = map[string]bool{"saw": true, "seen": true, "heard": true, "read": true, "noticed": true,
	"wondering": true, "curious": true, "apparently": true, "guess": true, "hey": true, "hi": true, "yo": true,
	"hmm": true, "btw": true, "lol": true, "ok": true, "okay": true, "anyone": true, "anybody": true, "someone": true,
	"quick": true, "random": true, "honestly": true, "also": true, "roughly": true, "approximately": true,
	"basically": true, "actually": true, "seriously": true, "literally": true, "really": true, "anyway": true,
	"anyways": true, "wait": true, "please": true, "pls": true, "um": true, "uh": true}

// whWords open a sentence that asks, as the auxiliaries of headStop do
// ("whats" and "who's" by their first letters).
var whWords = map[string]bool{"what": true, "whats": true, "who": true, "whos": true, "whom": true, "whose": true,
	"which": true, "when": true, "where": true, "why": true, "how": true}

// askingPart returns, of a question of several sentences, the one that
// asks: the first that opens with a question word or ends with a question
// mark. ok is false for a question of one sentence, or when none asks.
func askingPart(q string) (part string, ok bool) {
	var parts []string
	from := 0
	for i, r := range q {
		if (r == '?' || r == '!' || r == '.' && !isAbbreviation([]rune(q[from:i]))) && i+1 < len(q) && q[i+1] == ' ' {
			parts = append(parts, q[from:i+1])
			from = i + 1
		}
	}
	parts = append(parts, q[from:])
	parts = slices.DeleteFunc(parts, func(p string) bool { return len(extractTerms(p)) == 0 })
	if len(parts) < 2 {
		return withoutAppositive(q)
	}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		words := strings.FieldsFunc(p, func(r rune) bool { return !unicode.IsLetter(r) })
		if len(words) > 0 && (whWords[strings.ToLower(words[0])] || headStop[strings.ToLower(words[0])]) || strings.HasSuffix(p, "?") {
			return p, true
		}
	}
	return "", false
}

// appositiveRe matches a phrase set after a name to say which it is:
// "Pulse, the Japanese internet ghost movie on Polygon's countdown".
var appositiveRe = regexp.MustCompile(`(\p{Lu}[\pL\pN'’.-]*),\s+(?:the|a|an)\s+[^,;?!]+(,|[?!.]?\s*$)`)

// withoutAppositive returns q without the phrase it sets after a name to
// say which it is ("Who directed Pulse, the Japanese internet ghost movie
// on Polygon's Halloween countdown?" asks who directed Pulse); ok is false
// when it sets none.
func withoutAppositive(q string) (string, bool) {
	m := appositiveRe.FindStringSubmatchIndex(q)
	if m == nil {
		return "", false
	}
	return strings.TrimSpace(q[:m[3]] + strings.TrimPrefix(q[m[4]:], ",")), true
}

// withoutClitic removes a verb joined to a word: "who'd", "they're",
// "it'll", "we've", "I'm".
func withoutClitic(w string) string {
	for _, c := range []string{"'d", "'ll", "'re", "'ve", "'m"} {
		for _, form := range []string{c, strings.ReplaceAll(c, "'", "’")} {
			if n := len(w) - len(form); n > 0 && strings.EqualFold(w[n:], form) {
				return w[:n]
			}
		}
	}
	return w
}

func hasInnerCapital(w string) bool {
	for i, r := range w {
		if i > 0 && unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// countTerms fills in how many passages of ns mention each term, when ix
// can tell; it returns the number of passages ns holds (0 when unknown).
func countTerms(ctx context.Context, ix Index, ns string, terms []Term) (int, error) {
	tc, ok := ix.(TermCounter)
	if !ok || len(terms) == 0 {
		return 0, nil
	}
	// A name of several words is counted as a phrase and word by word: a
	// phrase the library never writes ("New York Thai") whose words it all
	// knows is no gap.
	phrases := make([]string, 0, len(terms))
	type span struct{ from, to int }
	words := make([]span, len(terms))
	for _, t := range terms {
		// "$7.7B" is counted by its figure, as "$7.7 billion" is: the
		// library writes the scale either way.
		phrases = append(phrases, withoutScale(t.Text))
	}
	for i, t := range terms {
		// "Eagles-Dolphins" names two teams: its parts count apart.
		ws := strings.FieldsFunc(t.Text, func(r rune) bool { return unicode.IsSpace(r) || r == '-' || r == '–' })
		words[i] = span{len(phrases), len(phrases)}
		if t.Kind == TermName && len(ws) > 1 {
			for _, w := range ws {
				// "Bradley Cooper's Maestro": Cooper is counted.
				if w = withoutPossessive(w); len(extractTerms(w)) > 0 {
					phrases = append(phrases, w)
				}
			}
			words[i].to = len(phrases)
		}
	}
	counts, total, err := tc.TermCounts(ctx, ns, phrases)
	if err != nil {
		return 0, err
	}
	count := func(i int) int {
		if i < len(counts) {
			return counts[i]
		}
		return 0
	}
	for i := range terms {
		n := count(i)
		if n == 0 && words[i].to > words[i].from {
			// The rarest word, or for a person the surname.
			n = -1
			for k := words[i].from; k < words[i].to; k++ {
				if c := count(k); n < 0 || c < n {
					n = c
				}
			}
			// A person the library names by surname alone ("Prisco" for
			// "Pete Prisco").
			first, last := count(words[i].from), count(words[i].to-1)
			if personLike(terms[i].Text) && first == 0 && last > 0 {
				if w := extractTerms(strings.Fields(terms[i].Text)[len(strings.Fields(terms[i].Text))-1]); len(w) == 1 {
					terms[i].Surname = w[0]
					n = last
				}
			}
		}
		terms[i].Passages = max(n, 0)
	}
	if total == 0 {
		return total, nil
	}
	if err := respell(ctx, tc, ns, terms); err != nil {
		return 0, err
	}
	return total, nil
}

// respell gives a plain word the library never or hardly writes the
// words the library writes it as: the country of a demonym ("Liberian"
// for "Liberia"), or two words ("powerplay" for "power play"). A
// respelling must be far commoner than the word as written; the demonym's
// country comes first, then the commonest split. A word with none stays as
// it is.
func respell(ctx context.Context, tc TermCounter, ns string, terms []Term) error {
	var phrases []string
	type alt struct {
		term    int
		demonym bool
	}
	var alts []alt
	for i, t := range terms {
		if t.Passages > respellMaxPassages || len(t.Words) != 1 {
			continue
		}
		if t.Kind == TermNumber {
			// "500k" for "500,000".
			if long := longNumber(t.Text); long != "" && len(phrases) < maxRespellings {
				phrases, alts = append(phrases, long), append(alts, alt{term: i})
			}
			continue
		}
		if t.Kind != TermWord {
			continue
		}
		demonyms, splits := respellings(t.Text)
		for k, p := range append(demonyms, splits...) {
			if len(phrases) == maxRespellings {
				break
			}
			phrases, alts = append(phrases, p), append(alts, alt{i, k < len(demonyms)})
		}
	}
	if len(phrases) == 0 {
		return nil
	}
	counts, _, err := tc.TermCounts(ctx, ns, phrases)
	if err != nil {
		return fmt.Errorf("count respellings: %w", err)
	}
	best := map[int]int{} // term -> phrase
	for k, n := range counts {
		a := alts[k]
		if n <= respellFactor*terms[a.term].Passages || n == 0 {
			continue
		}
		b, ok := best[a.term]
		switch {
		case !ok:
			best[a.term] = k
		case alts[b].demonym:
		case a.demonym || n > counts[b]:
			best[a.term] = k
		}
	}
	for i, k := range best {
		terms[i].Words, terms[i].Passages, terms[i].Respelt = extractTerms(phrases[k]), counts[k], phrases[k]
	}
	return nil
}

// A word of at most respellMaxPassages passages is respelt when the
// respelling is in more than respellFactor times as many; maxRespellings
// bounds the respellings counted for one question.
const (
	respellMaxPassages = 2
	respellFactor      = 4
	maxRespellings     = 48
)

// shortNumberRe matches a whole number written with a short scale and no
// currency: "500k", "2m". (A decimal one, "1.5m", is read as two words.)
var shortNumberRe = regexp.MustCompile(`(?i)^(\d{1,3})(k|m|mn)$`)

// longNumber returns a number written with a short scale as articles
// write it ("500k" → "500,000", "2m" → "2 million"), or "".
func longNumber(text string) string {
	m := shortNumberRe.FindStringSubmatch(text)
	switch {
	case m == nil:
		return ""
	case strings.EqualFold(m[2], "k"):
		return m[1] + ",000"
	default:
		return m[1] + " million"
	}
}

// respellings returns what a word may stand for when the library hardly
// writes it: for a demonym ending in "-an" or "-ian" its country
// ("Liberian", "Liberia"; "Brazilian", "Brazil"), and its splits into two
// words of three letters or more.
func respellings(word string) (demonyms, splits []string) {
	w := strings.ToLower(word)
	if len(w) < 6 || strings.ContainsFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) {
		return nil, nil
	}
	base := strings.TrimSuffix(w, "s")
	if strings.HasSuffix(base, "an") {
		demonyms = append(demonyms, base[:len(base)-1])
	}
	if c, ok := strings.CutSuffix(base, "ian"); ok && len(c) >= 5 {
		demonyms = append(demonyms, c)
	}
	for k := 3; k <= len(w)-3; k++ {
		splits = append(splits, w[:k]+" "+w[k:])
	}
	return demonyms, splits
}

// evidence is what the retrieved passages say about a question's terms.
type evidence struct {
	terms  []Term
	weight []float64 // of each term, for judging coverage
	rank   []float64 // of each term, for ranking sentences
	total  float64
	// found[i] is set when some passage (or its title, outlet or date)
	// holds every word of term i.
	found []bool
	// coverage is the weighted share of the terms found somewhere in the
	// passages, focus the largest share found in one article, focusArticle
	// that article.
	coverage, focus float64
	focusArticle    string
	// articleShare is the weighted share of the terms each article's
	// retrieved passages hold, with its title, outlet and date.
	articleShare map[string]float64
	// sentence is the largest share held by one sentence (with its
	// article's title and outlet at half weight).
	sentence float64
	// unknown are the names and numbers the library never mentions,
	// unknownWeight their weight.
	unknown       []Term
	unknownWeight float64
	// read holds the sentences of each hit, for the extractive answerer.
	read [][]sentence
}

// weigh returns the weight of each term: its rarity in the library
// (library passages, 0 when unknown, falls back to the retrieved
// passages) times its kind's weight.
//
// gate holds the coverage gate's weights, where a plain everyday word
// weighs less (everydayWeight): the gate must not hang on a word the
// articles may write another way. rank holds the extractive answerer's,
// where the very word asked about counts fully.
func weigh(terms []Term, library int, hits []news.Hit, common func(string) bool) (gate, rank []float64) {
	gate, rank = make([]float64, len(terms)), make([]float64, len(terms))
	var pool []map[string]bool
	if library <= 0 {
		for _, h := range hits {
			pool = append(pool, termSet(h.Chunk.Text+" "+h.Article.Title))
		}
	}
	for i, t := range terms {
		var idf float64
		switch {
		case library > 0 && t.Passages >= 0:
			idf = math.Log(1 + float64(library)/float64(t.Passages+1))
		default:
			df := 0
			for _, p := range pool {
				if t.in(p) {
					df++
				}
			}
			idf = math.Log(1 + float64(len(pool)+1)/float64(df+1))
		}
		everyday := t.Kind == TermWord && (common == nil || common(t.Text))
		k := wordWeight
		switch {
		case t.Kind == TermName:
			k = nameWeight
		case t.Kind == TermNumber:
			k = numberWeight
		case len(t.Words) == 1 && weakWords[t.Words[0]]:
			k = weakWeight
		case t.Passages == 0 && (everyday || t.Kind == TermWord && (misspelt(t.Text) || common != nil && slipOf(t.Text, common))):
			// An everyday word the library never uses says how the
			// question is phrased ("decide", "keep"), not what it is
			// about; a rare one ("sourdough") names what it lacks, unless
			// it is an everyday word mistyped ("agaisnt", "actualy").
			k = weakWeight
		}
		rank[i] = idf * k
		gate[i] = rank[i]
		if k == wordWeight && everyday && common != nil {
			// An everyday word has synonyms the articles may use instead
			// ("left out" for "dropped"): it weighs less than a rare one.
			gate[i] = idf * everydayWeight
		}
	}
	return gate, rank
}

// gather measures how the hits cover the terms.
func gather(terms []Term, library int, hits []news.Hit, common func(string) bool) evidence {
	ev := evidence{terms: terms, found: make([]bool, len(terms)), read: make([][]sentence, len(hits))}
	ev.weight, ev.rank = weigh(terms, library, hits, common)
	for _, w := range ev.weight {
		ev.total += w
	}
	byArticle := map[string]map[string]bool{}
	var order []string
	for _, h := range hits {
		set := byArticle[h.Article.ID]
		if set == nil {
			set = termSet(h.Article.Title + " " + h.Article.Outlet + " " + dateWords(h.Article))
			addAcronyms(set, h.Article.Title)
			byArticle[h.Article.ID] = set
			order = append(order, h.Article.ID)
		}
		for t := range termSet(h.Chunk.Text) {
			set[t] = true
		}
		addAcronyms(set, h.Chunk.Text)
	}
	for i, h := range hits {
		meta := termSet(h.Article.Title + " " + h.Article.Outlet)
		ev.read[i] = readPassage(h.Chunk.Text, h.Article.Title)
		for _, sn := range ev.read[i] {
			if sn.boilerplate {
				continue
			}
			_, got := sn.share(terms, ev.weight, meta)
			if ev.total > 0 {
				ev.sentence = max(ev.sentence, got/ev.total)
			}
		}
	}
	// A word the library never uses that is one slip of the keys from a
	// word of an article ("comdey" for "comedy") is that word mistyped.
	for _, t := range terms {
		if library <= 0 || t.Kind != TermWord || t.Passages != 0 || len(t.Words) != 1 || len(t.Words[0]) < 5 {
			continue
		}
		for _, set := range byArticle {
			for w := range set {
				if oneSlip(t.Words[0], w) {
					set[t.Words[0]] = true
					break
				}
			}
		}
	}
	ev.articleShare = make(map[string]float64, len(order))
	// written[i] is set when a passage writes every word of term i, not
	// only an acronym or another name for it.
	written := make([]bool, len(terms))
	for _, id := range order {
		set := byArticle[id]
		var got float64
		for i, t := range terms {
			if t.in(set) {
				ev.found[i] = true
				written[i] = written[i] || hasAll(set, t.Words)
				got += ev.weight[i]
			}
		}
		if ev.total > 0 {
			ev.articleShare[id] = got / ev.total
		}
		if ev.total > 0 && got/ev.total > ev.focus {
			ev.focus, ev.focusArticle = got/ev.total, id
		}
	}
	var got float64
	for i := range terms {
		if ev.found[i] {
			got += ev.weight[i]
		}
		// A name no passage is counted under may still be found in the
		// passages: as an acronym ("NY" for "New York"), or written in
		// letters the index does not fold ("Tromsø" for "Tromso").
		if terms[i].Passages == 0 && terms[i].Kind != TermWord && !(ev.found[i] && terms[i].acronymLike()) && !written[i] {
			ev.unknown = append(ev.unknown, terms[i])
			ev.unknownWeight += ev.weight[i]
		}
	}
	if ev.total > 0 {
		ev.coverage = got / ev.total
	}
	return ev
}

// missing returns the names and numbers no retrieved passage holds, the
// ones the library never mentions first.
func (ev evidence) missing() []Term {
	out := slices.Clone(ev.unknown)
	for i, t := range ev.terms {
		if !ev.found[i] && t.Kind != TermWord && !slices.ContainsFunc(out, func(u Term) bool { return u.Text == t.Text }) {
			out = append(out, t)
		}
	}
	return out
}

// termSet returns the stems of text's words; a quarter or a half written
// short ("Q3", "H1") brings the words it stands for.
func termSet(text string) map[string]bool {
	m := map[string]bool{}
	for _, t := range extractTerms(text) {
		m[t] = true
		for _, w := range periodForms[t] {
			m[w] = true
		}
	}
	// A word written with a hyphen is also the word written without:
	// "re-shared" is "reshared", "e-mail" "email".
	if strings.ContainsAny(text, "-‑") {
		for _, w := range hyphenatedRe.FindAllString(text, -1) {
			for _, t := range extractTerms(unhyphen.Replace(w)) {
				m[t] = true
			}
		}
	}
	return m
}

// hyphenatedRe matches a word of letters joined by hyphens; unhyphen
// writes it without them.
var (
	hyphenatedRe = regexp.MustCompile(`\pL+(?:[-‑]\pL+)+`)
	unhyphen     = strings.NewReplacer("-", "", "‑", "")
)

// periodForms holds the words a quarter or a half of a year written short
// stands for: "Q3" is the "third quarter".
var periodForms = map[string][]string{
	"q1": {"first", "quarter"}, "q2": {"second", "quarter"}, "q3": {"third", "quarter"}, "q4": {"fourth", "quarter"},
	"h1": {"first", "half"}, "h2": {"second", "half"},
}

func hasAll(set map[string]bool, stems []string) bool {
	if len(stems) == 0 {
		return false
	}
	for _, s := range stems {
		if !set[s] {
			return false
		}
	}
	return true
}

// termNames writes the texts of terms as "A", "A and B" or "A, B and C".
func termNames(terms []Term) string {
	names := make([]string, 0, len(terms))
	for _, t := range terms {
		names = append(names, t.Text)
	}
	return joinNames(names)
}

// maxUnknownShare is the share of a question's weight that names and
// numbers the library never mentions may carry before it is declined.
const maxUnknownShare = 0.25

// An article whose passages hold nearly all of a question (wholeFocus)
// covers it even when its words are spread over the article's sentences:
// then the best sentence need only hold wholeMinSentence of it, not
// MinSentence.
const (
	wholeFocus       = 0.85
	wholeMinSentence = 0.30
)

// howToRe matches a question asking how to do something; such a question
// is answered only by a sentence holding howToMinSentence of it.
var howToRe = regexp.MustCompile(`(?i)\bhow (do|does|can|should|would) (you|i|we|one|people)\b`)

const howToMinSentence = 0.8

// judgement is the coverage gate's verdict on a question.
type judgement struct {
	decline bool
	message string // the decline, naming what is missing
	// partial, for an answered question, says which of its names the
	// passages do not cover.
	partial  string
	spanning bool
	// closer is set when the question was declined only because no
	// retrieved sentence holds enough of it, though one article's
	// passages hold it: that article's other passages may.
	closer bool
	ev     evidence
}

// judge decides from the retrieved passages whether the library covers the
// question.
//
// A question declined on all its terms is judged again without the terms
// of a remark beside it ("… heard it's close to a record"): the library
// covers the question when it covers what is asked.
func (s *Service) judge(question string, ret Retrieval, hits []news.Hit) judgement {
	terms := ret.Terms
	if terms == nil {
		terms = SalientTerms(question, nil)
	}
	j := s.judgeTerms(question, terms, ret, hits)
	if !j.decline || !slices.ContainsFunc(terms, func(t Term) bool { return t.Aside }) {
		return j
	}
	asked := slices.DeleteFunc(slices.Clone(terms), func(t Term) bool {
		return t.Aside && !(t.Referred && t.Passages > 0 && (t.Kind == TermName || !s.o.CommonWord(t.Text)))
	})
	if len(asked) == 0 {
		return j
	}
	if k := s.judgeTerms(question, asked, ret, hits); !k.decline {
		s.o.Logger.Debug("covered without the remark beside the question", "question", question)
		return k
	}
	return j
}

// judgeTerms judges the coverage of the question's terms.
func (s *Service) judgeTerms(question string, terms []Term, ret Retrieval, hits []news.Hit) judgement {
	j := judgement{spanning: ret.Spanning || spanning(question, 0)}
	j.ev = gather(terms, ret.Library, hits, s.o.CommonWord)
	ev := j.ev
	if len(terms) == 0 || ev.total == 0 {
		return j
	}
	unknown := ev.unknownWeight
	s.o.Logger.Debug("coverage", "question", question, "coverage", ev.coverage, "focus", ev.focus, "sentence", ev.sentence,
		"unknown", unknown/ev.total, "spanning", j.spanning, "terms", len(terms))
	missing := ev.missing()
	switch {
	case s.o.MinCoverage > 0 && unknown/ev.total >= maxUnknownShare:
	case s.o.MinCoverage > 0 && ev.coverage < s.o.MinCoverage:
	case s.o.MinFocus > 0 && !j.spanning && len(terms) <= focusMaxTerms && ev.focus < s.o.MinFocus:
	case s.o.MinSentence > 0 && !j.spanning && len(terms) <= focusMaxTerms && ev.sentence < s.o.MinSentence &&
		!(ev.focus >= wholeFocus && ev.sentence >= wholeMinSentence):
		j.closer = ev.focusArticle != ""
	case s.o.MinSentence > 0 && howToRe.MatchString(question) && ev.sentence < howToMinSentence:
		// "How do you say thank you in Japanese?" asks how to do
		// something: a report answers it only with a sentence that holds
		// nearly all of it ("To claim the bonus, sign up…"), not one
		// that shares a word or two.
	default:
		j.partial = partialText(missing)
		return j
	}
	j.decline = true
	j.message = declineText(ev, missing)
	return j
}

// declineText names what the library lacks for a question.
func declineText(ev evidence, missing []Term) string {
	var never, absent []Term
	for _, t := range missing {
		if t.Passages == 0 {
			never = append(never, t)
		} else {
			absent = append(absent, t)
		}
	}
	if len(never) > 0 {
		return "I have no articles about " + termNames(never[:min(3, len(never))]) + "."
	}
	if len(absent) > 0 {
		return "I couldn't find anything about " + termNames(absent[:min(3, len(absent))]) + " in the articles I have."
	}
	// The heaviest words no passage holds, or, when each is somewhere but
	// no article holds them together, the heaviest terms.
	idx := make([]int, len(ev.terms))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmpFloatDesc(ev.weight[a], ev.weight[b]) })
	var lack, heavy []int
	for _, i := range idx {
		if !ev.found[i] && len(lack) < 2 {
			lack = append(lack, i)
		}
		if len(heavy) < 3 {
			heavy = append(heavy, i)
		}
	}
	// Named in the question's order: "philip, wilkins and labs", not
	// "wilkins, philip and labs".
	inOrder := func(is []int) []Term {
		slices.Sort(is)
		ts := make([]Term, len(is))
		for k, i := range is {
			ts[k] = ev.terms[i]
		}
		return ts
	}
	lacking, heaviest := inOrder(lack), inOrder(heavy)
	switch {
	case len(lacking) > 0:
		return "I couldn't find anything about " + termNames(lacking) + " in the articles I have."
	case len(heaviest) > 1:
		return "None of the articles I have covers " + termNames(heaviest) + " together."
	}
	return DeclineText
}

// partialText says which names of an answered question the passages do
// not cover, or "" when they cover them all.
func partialText(missing []Term) string {
	var never, absent []Term
	for _, t := range missing {
		switch {
		case t.Kind != TermName:
		case t.Passages == 0:
			never = append(never, t)
		default:
			absent = append(absent, t)
		}
	}
	var parts []string
	if len(never) > 0 {
		parts = append(parts, "I have no articles about "+termNames(never[:min(3, len(never))])+".")
	}
	if len(absent) > 0 {
		parts = append(parts, "The articles I found say nothing about "+termNames(absent[:min(3, len(absent))])+".")
	}
	return strings.Join(parts, " ")
}

// oneSlip reports whether a is b, a word of four letters or more, with one
// slip of the keys (see slip). Shorter words slip into too many others.
func oneSlip(a, b string) bool { return len(b) >= 4 && slip(a, b) }

// slip reports whether a is b with one slip of the keys: a letter struck
// for another, one too many or too few, or two next to each other swapped.
func slip(a, b string) bool {
	la, lb := len(a), len(b)
	if a == b || la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	switch {
	case la > lb:
		return a[i+1:] == b[i:]
	case la < lb:
		return a[i:] == b[i+1:]
	case a[i+1:] == b[i+1:]:
		return true
	default:
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
}

// misspelt reports whether w, a word the library never uses, is one slip
// of the keys away from a stop word: "agaisnt", "becuase". Only stop
// words: a rare word one letter away from an everyday one is as likely a
// name written in lower case ("lyft").
func misspelt(w string) bool {
	w = strings.ToLower(w)
	if utf8.RuneCountInString(w) < 4 || strings.ContainsFunc(w, func(r rune) bool { return r > unicode.MaxASCII || !unicode.IsLetter(r) }) {
		return false
	}
	return slices.ContainsFunc(letterStopwords, func(v string) bool { return slip(w, v) })
}

// slipOf reports whether w, a word of five letters or more in a to z, is
// one slip of the keys (see slip) away from a word is accepts: "actualy"
// from "actually".
func slipOf(w string, is func(string) bool) bool {
	w = strings.ToLower(w)
	if len(w) < 5 || strings.ContainsFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) {
		return false
	}
	try := func(v string) bool { return len(v) >= 4 && v != w && is(v) }
	b := []byte(w)
	for i := range b {
		if try(w[:i] + w[i+1:]) {
			return true
		}
		if i+1 < len(b) && b[i] != b[i+1] && try(w[:i]+string(b[i+1])+string(b[i])+w[i+2:]) {
			return true
		}
	}
	for i := 0; i <= len(b); i++ {
		for c := byte('a'); c <= 'z'; c++ {
			if i < len(b) && c != b[i] && try(w[:i]+string(c)+w[i+1:]) || try(w[:i]+string(c)+w[i:]) {
				return true
			}
		}
	}
	return false
}

// letterStopwords are the stop words written in the letters a to z alone,
// those a slip of the keys on a word of such letters can reach.
var letterStopwords = func() []string {
	var out []string
	for w := range answerStopwords {
		if !strings.ContainsFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}()
