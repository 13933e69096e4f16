package rag

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gazettebot/gazette/news"
)

// Period is a span of publication time named by a question.
type Period struct {
	Label string    // the words of the question, e.g. "last week"
	Since time.Time // inclusive
	Until time.Time // exclusive
	// Exact is true for a named calendar day ("on October 22, 2023"): a
	// strong hint, used to boost rather than filter, since a comparison
	// question names several days.
	Exact bool
}

// Intent is what a question says beyond its topic: the outlets it names
// (those the namespace holds and those it does not) and the periods.
type Intent struct {
	Outlets        []string // stored outlet names the question refers to
	UnknownOutlets []string // outlet-like names with no stored articles
	Periods        []Period
	// Relative is the first relative period ("yesterday", "last week"),
	// which restricts the search; absolute days only boost.
	Relative *Period
	// Spans are the lower-case texts of the question that name stored
	// outlets; they say who reported, not what about.
	Spans []string
}

// ParseIntent reads the outlets and periods a question names. outlets are
// the outlets the namespace holds; now anchors relative dates.
func ParseIntent(question string, outlets []news.OutletInfo, now time.Time) Intent {
	var in Intent
	var spans []string
	in.Outlets, in.UnknownOutlets, spans = matchOutlets(question, outlets)
	in.Spans = spans
	// Outlet names can hold date words ("Business Today", "USA Today"):
	// periods are read with the names blanked out.
	masked := strings.ToLower(question)
	for _, sp := range spans {
		masked = strings.ReplaceAll(masked, sp, strings.Repeat(" ", len(sp)))
	}
	in.Periods = parsePeriods(masked, now)
	for i := range in.Periods {
		if !in.Periods[i].Exact {
			in.Relative = &in.Periods[i]
			break
		}
	}
	return in
}

// --- outlets ----------------------------------------------------------------

// outletAliases returns the lower-case names by which a stored outlet is
// usually called: "The Independent - Life and Style" is also "The
// Independent" and "Independent"; "BBC News - Entertainment & Arts" is also
// "BBC News" and "BBC"; "CBSSports.com" is also "CBS Sports".
func outletAliases(name string) []string {
	var out []string
	add := func(s string) {
		s = normName(s)
		if len([]rune(s)) >= 2 && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	add(name)
	base := name
	for _, sep := range []string{" - ", " | ", ": ", " — "} {
		if i := strings.Index(base, sep); i > 0 {
			base = base[:i]
		}
	}
	add(base)
	b := strings.TrimSpace(base)
	b = strings.TrimSuffix(b, ".com")
	add(b)
	if split := splitCamel(b); split != b {
		add(split)
	}
	if nt, ok := strings.CutPrefix(b, "The "); ok {
		add(nt)
	}
	// "Business Line" is also written "BusinessLine".
	if ws := strings.Fields(strings.TrimPrefix(b, "The ")); len(ws) > 1 {
		add(strings.Join(ws, ""))
	}
	// "BBC News" -> "BBC", "FOX News" -> "FOX": an acronym stands alone.
	if head, ok := strings.CutSuffix(strings.TrimPrefix(b, "The "), " News"); ok && isUpperWord(head) {
		add(head)
	}
	return out
}

// capitalisedWord reports whether q writes the lower-case word w with a
// capital first letter somewhere ("Age" in "What did the Age report?").
func capitalisedWord(q, w string) bool {
	for _, f := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if first, _ := utf8.DecodeRuneInString(f); unicode.IsUpper(first) && strings.EqualFold(f, w) {
			return true
		}
	}
	return false
}

func isUpperWord(s string) bool {
	if len(s) < 2 {
		return false
	}
	for _, r := range s {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// splitCamel splits "CBSSports" into "CBS Sports".
func splitCamel(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) && i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]) {
			b.WriteRune(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// normName lower-cases, folds quotes and collapses spaces.
func normName(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("’", "'", "‘", "'", "&amp;", "&").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// mentionRe finds names in the places a question names an outlet: "an
// article from X", "according to X", "reported by X", "X reported",
// "a X article".
var (
	capSpan = `((?:[Tt]he\s+)?[A-Z][\w.&'’-]*(?:\s+(?:of|&|\||[A-Z0-9][\w.&'’-]*))*)`
	afterRe = regexp.MustCompile(`(?:\b(?:article|articles|report|reports|piece|story|stories|review|coverage|post|feature|editorial|op-ed|column|analysis|update|updates|interview)\s+(?:from|by|in|at)|\banother\s+(?:one\s+)?(?:from|by|in)|\b[Aa]ccording\s+to|\b(?:reported|published|written|covered|featured|noted|highlighted|stated|mentioned)\s+(?:by|in)|\b[Aa]s\s+per|\b(?:from|by|in)\s+(?:a|an|the)\s+(?:recent\s+)?(?:article|report|piece|story)\s+(?:from|by|in|on))\s+['"“]?` + capSpan)
	// "an article on The Verge", "details provided by The Washington Post":
	// after these weaker cues only a name that starts with a capital "The"
	// is taken for an outlet ("a report on Google's...", "the rationale
	// provided by Apple" are topics).
	onRe      = regexp.MustCompile(`\b(?:(?:article|articles|report|reports|piece|story|stories|another)\s+on|(?:discussed|described|detailed|provided|introduced|outlined|covered|explained)\s+(?:by|in))\s+(The\s+[A-Z][\w.&'’-]*(?:\s+(?:of|&|[A-Z][\w.&'’-]*))*)`)
	beforeRe  = regexp.MustCompile(capSpan + `['"”]?(?:'s|’s)?\s+(?:article|articles|report|reports|piece|story|stories|review|coverage|post|feature|editorial|op-ed|column|analysis|reported|reports)\b`)
	stopNames = map[string]bool{
		"the": true, "a": true, "an": true, "both": true, "this": true, "that": true, "these": true, "another": true,
		"which": true, "what": true, "who": true, "one": true, "first": true, "second": true, "latter": true, "former": true,
		"same": true, "separate": true, "recent": true, "subsequent": true, "later": true, "earlier": true, "news": true,
		"considering": true, "based": true, "between": true, "after": true, "before": true, "did": true, "does": true, "was": true,
		"is": true, "has": true, "according": true, "while": true, "and": true,
	}
)

// matchOutlets returns the stored outlets a question names and the names in
// outlet position that match no stored outlet.
func matchOutlets(q string, outlets []news.OutletInfo) (known, unknown, spans []string) {
	type alias struct {
		text   string
		outlet string
	}
	var aliases []alias
	for _, o := range outlets {
		if o.Name == "" {
			continue
		}
		for _, a := range outletAliases(o.Name) {
			// "The Age" may be called "Age", but "what age are the kids"
			// names no outlet: one word without its "The" counts only
			// as the question capitalises it.
			if !strings.Contains(a, " ") && strings.HasPrefix(normName(o.Name), "the ") && !capitalisedWord(q, a) {
				continue
			}
			aliases = append(aliases, alias{a, o.Name})
		}
	}
	// Longest aliases first, so "the independent - sports" wins over
	// "the independent".
	sort.SliceStable(aliases, func(i, j int) bool { return len(aliases[i].text) > len(aliases[j].text) })
	lq := normName(q)
	covered := make([]bool, len(lq))
	byText := map[string][]string{}
	for _, a := range aliases {
		byText[a.text] = append(byText[a.text], a.outlet)
	}
	seenAlias := map[string]bool{}
	for _, a := range aliases {
		if seenAlias[a.text] {
			continue
		}
		seenAlias[a.text] = true
		for from := 0; ; {
			i := strings.Index(lq[from:], a.text)
			if i < 0 {
				break
			}
			i += from
			j := i + len(a.text)
			from = j
			if !wordBoundary(lq, i, j) || slices.Contains(covered[i:j], true) {
				continue
			}
			for k := i; k < j; k++ {
				covered[k] = true
			}
			if !slices.Contains(spans, a.text) {
				spans = append(spans, a.text)
			}
			for _, o := range byText[a.text] {
				if !slices.Contains(known, o) {
					known = append(known, o)
				}
			}
		}
	}
	// Names in outlet position that are not stored outlets.
	for _, re := range []*regexp.Regexp{afterRe, onRe, beforeRe} {
		for _, m := range re.FindAllStringSubmatchIndex(q, -1) {
			name := strings.TrimSpace(q[m[2]:m[3]])
			name = strings.Trim(name, `'"“”‘’`)
			name = trimName(name)
			if name == "" || possessive(name) {
				continue
			}
			ln := normName(name)
			// Skip when any part of it is a stored outlet's alias.
			start := strings.Index(lq, ln)
			if start >= 0 && slices.Contains(covered[start:start+len(ln)], true) {
				continue
			}
			if knownAliasIn(ln, seenAlias) || !looksLikeOutlet(name) {
				continue
			}
			if re == afterRe && personLike(name) && strings.Contains(strings.ToLower(q[max(0, m[0]-2):m[2]]), "according to") {
				continue
			}
			if !slices.Contains(unknown, name) {
				unknown = append(unknown, name)
			}
		}
	}
	return known, unknown, spans
}

func knownAliasIn(ln string, aliases map[string]bool) bool {
	for a := range aliases {
		if i := strings.Index(ln, a); i >= 0 && wordBoundary(ln, i, i+len(a)) {
			return true
		}
	}
	return false
}

// trimName drops leading words that cannot start an outlet name and
// trailing connectors.
func trimName(name string) string {
	ws := strings.Fields(name)
	for len(ws) > 0 && stopNames[strings.ToLower(ws[0])] && !(strings.EqualFold(ws[0], "the") && len(ws) > 1 && isCap(ws[1])) {
		ws = ws[1:]
	}
	for len(ws) > 0 {
		l := strings.ToLower(ws[len(ws)-1])
		if l == "of" || l == "and" || l == "&" || l == "for" || l == "on" || l == "|" || l == "the" {
			ws = ws[:len(ws)-1]
			continue
		}
		break
	}
	return strings.Join(ws, " ")
}

func isCap(w string) bool {
	r := []rune(w)
	return len(r) > 0 && (unicode.IsUpper(r[0]) || unicode.IsDigit(r[0]))
}

// looksLikeOutlet rejects names that are plainly not publications: single
// common words, dates, numbers.
func looksLikeOutlet(name string) bool {
	ws := strings.Fields(name)
	if len(ws) == 0 || len(ws) > 7 {
		return false
	}
	last := strings.ToLower(strings.Trim(ws[len(ws)-1], ".,"))
	if _, ok := monthNames[last]; ok {
		return false
	}
	if _, err := strconv.Atoi(last); err == nil {
		return false
	}
	first := strings.ToLower(ws[0])
	if stopNames[first] && len(ws) == 1 {
		return false
	}
	if _, ok := monthNames[first]; ok {
		return false
	}
	return true
}

func wordBoundary(s string, i, j int) bool {
	isWord := func(b byte) bool {
		return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 0x80
	}
	if i > 0 && isWord(s[i-1]) && isWord(s[i]) {
		return false
	}
	if j < len(s) && isWord(s[j]) && isWord(s[j-1]) {
		return false
	}
	return true
}

// --- periods ----------------------------------------------------------------

var monthNames = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
	"sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

var (
	monthRe   = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?`
	mdyRe     = regexp.MustCompile(`(?i)\b` + monthRe + `\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b`)
	dmyRe     = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthRe + `(?:,?\s+(\d{4}))?\b`)
	isoRe     = regexp.MustCompile(`(?i)\b(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\b`)
	monthYrRe = regexp.MustCompile(`(?i)\bin\s+` + monthRe + `(?:\s+(\d{4}))?\b`)
	lastNRe   = regexp.MustCompile(`(?i)\b(?:past|last)\s+(\d{1,3})\s+(day|days|week|weeks|month|months|hours)\b`)
)

func parsePeriods(q string, now time.Time) []Period {
	var ps []Period
	if now.IsZero() {
		now = time.Now()
	}
	loc := now.Location()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	today := day(now.Year(), now.Month(), now.Day())
	exact := func(label string, t time.Time) {
		for _, p := range ps {
			if p.Exact && p.Since.Equal(t) {
				return
			}
		}
		ps = append(ps, Period{Label: label, Since: t, Until: t.AddDate(0, 0, 1), Exact: true})
	}
	// A date without a year is the latest such date not after today.
	year := func(s string, m time.Month, d int) int {
		if s != "" {
			y, _ := strconv.Atoi(s)
			return y
		}
		y := now.Year()
		if day(y, m, d).After(today) {
			y--
		}
		return y
	}
	namedDays(q, func(text, y string, mo time.Month, d int) bool {
		exact(text, day(year(y, mo, d), mo, d))
		return false
	})
	for _, m := range isoRe.FindAllStringSubmatch(q, -1) {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			exact(m[0], day(y, time.Month(mo), d))
		}
	}
	lq := strings.ToLower(q)
	rel := func(label string, since, until time.Time) {
		ps = append(ps, Period{Label: label, Since: since, Until: until})
	}
	for _, phrase := range relativePhrases {
		// "this week" is no part of "this weekend".
		at := wordIndex(lq, phrase)
		if p, ok := RelativePeriod(phrase, now); at >= 0 && ok {
			// "before this week's summit" asks about a time before the
			// period: its articles are boosted, not the only ones read.
			p.Exact = governedByBefore(lq[:at])
			ps = append(ps, p)
			break
		}
	}
	if !slices.ContainsFunc(ps, func(p Period) bool { return !p.Exact }) {
		if p, ok := nightOrWeekday(lq, today); ok {
			ps = append(ps, p)
		}
	}
	if m := lastNRe.FindStringSubmatch(q); m != nil {
		n, _ := strconv.Atoi(m[1])
		var since time.Time
		switch strings.TrimSuffix(strings.ToLower(m[2]), "s") {
		case "day":
			since = today.AddDate(0, 0, -n)
		case "week":
			since = today.AddDate(0, 0, -7*n)
		case "month":
			since = today.AddDate(0, -n, 0)
		case "hour":
			since = now.Add(-time.Duration(n) * time.Hour)
		}
		if n > 0 {
			rel(m[0], since, now.Add(time.Second))
		}
	}
	for _, m := range monthYrRe.FindAllStringSubmatch(q, -1) {
		mo := monthNames[strings.ToLower(m[1])]
		y := year(m[2], mo, 1)
		// "in October 2023" is a month, not a day: a boost-only span.
		ps = append(ps, Period{Label: m[0], Since: day(y, mo, 1), Until: day(y, mo, 1).AddDate(0, 1, 0), Exact: true})
	}
	return ps
}

// weekdayRe matches a day of the week a question names as when
// something happened: "on Sunday", "last Friday", "Saturday's game",
// "Thursday night".
var weekdayRe = regexp.MustCompile(`(?i)\b(?:on|last|this|since|from)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'s|’s|\s+night|\s+morning|\s+afternoon|\s+evening)\b`)

// nightOrWeekday returns the period of "last night" (since yesterday) or
// of a day of the week the question names (since the latest such day up
// to today): reports of it come out that day or after. A programme or a
// paper named for the day ("Sunday Night Football", "the Sunday Times")
// names no day.
func nightOrWeekday(lq string, today time.Time) (Period, bool) {
	tomorrow := today.AddDate(0, 0, 1)
	if at := wordIndex(lq, "last night"); at >= 0 && !governedByBefore(lq[:at]) {
		return Period{Label: "last night", Since: today.AddDate(0, 0, -1), Until: tomorrow}, true
	}
	for _, m := range weekdayRe.FindAllStringSubmatchIndex(lq, -1) {
		after := lq[m[1]:]
		if strings.HasPrefix(after, " night football") || strings.HasPrefix(after, " times") || strings.HasPrefix(after, " night live") ||
			governedByBefore(lq[:m[0]]) {
			continue
		}
		var name string
		if m[2] >= 0 {
			name = lq[m[2]:m[3]]
		} else {
			name = lq[m[4]:m[5]]
		}
		var wd time.Weekday
		for d := time.Sunday; d <= time.Saturday; d++ {
			if strings.EqualFold(d.String(), name) {
				wd = d
			}
		}
		day := today.AddDate(0, 0, -((int(today.Weekday()) - int(wd) + 7) % 7))
		return Period{Label: wd.String(), Since: day, Until: tomorrow}, true
	}
	return Period{}, false
}

// namedDays calls each, in turn, for every calendar day s names
// ("December 9", "9 December 2023"): the words naming it, its year as
// written ("" when none), its month and day. It stops when each returns
// true, and reports whether it did.
func namedDays(s string, each func(text, year string, mo time.Month, d int) bool) bool {
	for _, m := range mdyRe.FindAllStringSubmatch(s, -1) {
		if d, _ := strconv.Atoi(m[2]); d >= 1 && d <= 31 && each(m[0], m[3], monthNames[strings.ToLower(m[1])], d) {
			return true
		}
	}
	for _, m := range dmyRe.FindAllStringSubmatch(s, -1) {
		if d, _ := strconv.Atoi(m[1]); d >= 1 && d <= 31 && each(m[0], m[3], monthNames[strings.ToLower(m[2])], d) {
			return true
		}
	}
	return false
}

// governedRe matches, at the end of the words before a period, a "before"
// that governs it: "before this week's summit", "before the ASX opened
// today".
var governedRe = regexp.MustCompile(`\b(before|ahead of|prior to|leading up to)\b[^,.;:?!]*$`)

// governedByBefore reports whether a period whose preceding text is head
// is governed by "before" a few words back.
func governedByBefore(head string) bool {
	m := governedRe.FindStringIndex(head)
	return m != nil && len(strings.Fields(head[m[0]:])) <= 6
}

// relativePhrases are the relative periods a question may name, in the
// order they are looked for (the first found counts).
var relativePhrases = []string{"yesterday", "today", "this morning", "this weekend", "last weekend", "over the weekend",
	"this week", "last week", "past week", "this month", "last month", "past month"}

// RelativePeriod returns the span of publication time a relative phrase
// names, as of now: "today" (or "this morning"), "yesterday", "this
// weekend", "last weekend" or "over the weekend" (since the latest
// Saturday; on Tuesday to Friday "this weekend" is this week), "this week"
// (since Monday), "last week" or "past week" (the last seven days and
// today), "this month" (since the first), "last month" or "past month"
// (a month back to today). The bot's date options read the same words the
// same way. ok is false for any other phrase.
func RelativePeriod(phrase string, now time.Time) (p Period, ok bool) {
	loc := now.Location()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	tomorrow := today.AddDate(0, 0, 1)
	phrase = strings.ToLower(strings.TrimSpace(phrase))
	switch phrase {
	case "yesterday":
		return Period{Label: "yesterday", Since: today.AddDate(0, 0, -1), Until: today}, true
	case "today", "this morning":
		return Period{Label: "today", Since: today, Until: tomorrow}, true
	case "this weekend", "last weekend", "over the weekend":
		// Since the latest Saturday: reports of the weekend come out in
		// the days after it. On Tuesday to Friday, "this weekend" is the
		// one to come, which the week's articles lead up to.
		sat := today.AddDate(0, 0, -((int(today.Weekday()) + 1) % 7))
		if phrase == "this weekend" && today.Weekday() >= time.Tuesday && today.Weekday() <= time.Friday {
			return RelativePeriod("this week", now)
		}
		return Period{Label: "the weekend", Since: sat, Until: tomorrow}, true
	case "this week":
		monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
		return Period{Label: "this week", Since: monday, Until: tomorrow}, true
	case "last week", "past week":
		return Period{Label: "last week", Since: today.AddDate(0, 0, -7), Until: tomorrow}, true
	case "this month":
		return Period{Label: "this month", Since: time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc), Until: tomorrow}, true
	case "last month", "past month":
		return Period{Label: "last month", Since: today.AddDate(0, -1, 0), Until: tomorrow}, true
	}
	return Period{}, false
}

// wordIndex returns where s first holds w as whole words, or -1.
func wordIndex(s, w string) int {
	for from := 0; ; {
		i := strings.Index(s[from:], w)
		if i < 0 {
			return -1
		}
		i += from
		if wordBoundary(s, i, i+len(w)) {
			return i
		}
		from = i + len(w)
	}
}

// possessive reports a name like "Google's" or "Britney Spears'": the
// subject of a report, not its outlet.
func possessive(name string) bool {
	return strings.HasSuffix(name, "'s") || strings.HasSuffix(name, "’s") || strings.HasSuffix(name, "'") || strings.HasSuffix(name, "’")
}

// outletWords are words that make a capitalised name read as a publication.
var outletWords = map[string]bool{
	"times": true, "news": true, "post": true, "journal": true, "herald": true, "today": true, "daily": true,
	"magazine": true, "reporter": true, "tribune": true, "guardian": true, "telegraph": true, "weekly": true,
	"wire": true, "insider": true, "street": true, "press": true, "gazette": true, "review": true, "sport": true,
	"sports": true, "mail": true, "standard": true, "observer": true, "economist": true, "chronicle": true,
}

// personLike reports a name of two or three capitalised words with no
// article and no publication word, such as "Eddy Cue": after "according
// to" that is a person, not an outlet.
func personLike(name string) bool {
	ws := strings.Fields(name)
	if len(ws) < 2 || len(ws) > 3 || strings.EqualFold(ws[0], "the") {
		return false
	}
	for _, w := range ws {
		if outletWords[strings.ToLower(w)] || !isCap(w) || isUpperWord(w) {
			return false
		}
	}
	return true
}
