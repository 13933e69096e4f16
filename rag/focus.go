package rag

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// What a sentence must be to be quoted in an answer: not page furniture,
// not the headline run into the text, and, when the question asks for a
// kind of fact, preferably one that holds it.

// withoutHeadline drops the article's title from the start of a passage,
// where pages often repeat it without a full stop, so that it is never
// glued to the first sentence.
func withoutHeadline(text, title string) string {
	title = strings.TrimSpace(title)
	if title == "" {
		return text
	}
	t := strings.TrimLeft(text, " \t\r\n")
	// Compare word by word, ignoring spacing and case.
	tw, hw := strings.Fields(t), strings.Fields(title)
	if len(tw) <= len(hw) {
		return text
	}
	for i, w := range hw {
		if !strings.EqualFold(strings.Trim(tw[i], ".:;,–—-"), strings.Trim(w, ".:;,–—-")) {
			return text
		}
	}
	// Skip the title's words in t, keeping the rest as it is written.
	rest := t
	for range hw {
		rest = strings.TrimLeft(rest, " \t\r\n")
		i := strings.IndexFunc(rest, unicode.IsSpace)
		if i < 0 {
			return text
		}
		rest = rest[i:]
	}
	rest = strings.TrimLeft(rest, " \t\r\n.:;,–—-")
	if rest == "" {
		return text
	}
	return rest
}

var (
	// boilerplateRe matches page furniture: sign-up boxes, share bars,
	// image credits, read-more links, advertising.
	boilerplateRe = regexp.MustCompile(`(?i)(\bsign up\b|\bsubscribe\b|\bnewsletter\b|privacy (notice|policy)|terms of (service|use)|enter a valid email|valid email address|\bread more\b|\bclick here\b|\badvertisement\b|article continues below|\bimage credit|\bphoto(graph)? ?(credit|by)\b|\bcredit: |getty images|\bshutterstock\b|all rights reserved|\bfollow us\b|\bshare this\b|facebook twitter|\b(facebook|twitter|whatsapp|reddit|email|linkedin|pinterest)(\s+(facebook|twitter|whatsapp|reddit|email|linkedin|pinterest|share)){2,}\b|\b(share|send) (on|via|by) whatsapp\b|\{\{|\}\}|pic\.twitter\.com|twitter\.com/|^\s*(more|related|read|watch|listen|see also|also read)\s*:|^\s*loading\b|\bcookies?\b.*\b(accept|consent)\b|\bfree account\b|\bunlimited access\b|\baffiliate (links?|commissions?|partners?|programs?)\b|\b(earn|earns|receive|receives|get|gets|make|makes) (a |an )?(small )?(share of |affiliate )?(the )?(commission|revenue from (sales|purchases))\b|\bupdated?:?\s+\w+\.? \d{1,2}, \d{4}|if you or someone you know|please (contact|call)|crisis (line|lifeline)|\bhotline\b)`)
	// tweetRe matches an embedded post: "— Name (@handle) October 7, 2023".
	tweetRe = regexp.MustCompile(`(—|-)\s*[^()]{1,60}\(@\w+\)|^@\w+|\s@\w{2,}\b.*\b(19|20)\d\d$`)
	// bylineRe matches a byline or a dateline standing alone.
	bylineRe = regexp.MustCompile(`^(By|Written by|Reporting by|Editing by)\s+[A-Z][\w.'-]+(\s+[A-Z][\w.'-]+){1,3}(,|\s+and\s|\s*$|\s+(for|in|at)\s)`)
)

// boilerplateCues holds, lower-cased, a piece of text that each pattern
// of boilerplateRe needs. The expression is slow on long sentences and
// most sentences hold no cue, so it runs only on those that do. (The
// expression's case folding also reads the long s as "s" and the Kelvin
// sign as "k"; the cues do not, which no page furniture relies on.)
var boilerplateCues = []string{"sign up", "subscribe", "newsletter", "privacy ", "terms of ", "valid email", "read more",
	"click here", "advertisement", "article continues", "image credit", "photo", "credit: ", "getty images",
	"shutterstock", "all rights reserved", "follow us", "share this", "facebook", "twitter", "whatsapp", "reddit",
	"email", "linkedin", "pinterest", "{{", "}}", ":", "loading", "cookie", "free account", "unlimited access",
	"affiliate ", "commission", "revenue from", "update", "if you or someone", "please ", "crisis ", "hotline"}

// hasCue reports whether s holds one of boilerplateCues.
func hasCue(s string) bool {
	low := strings.ToLower(s)
	for _, c := range boilerplateCues {
		if strings.Contains(low, c) {
			return true
		}
	}
	return false
}

// boilerplate reports a sentence that is page furniture rather than news:
// sign-up boxes, share bars, credits, embedded posts, bylines, shouted
// headings, tables of prices.
func boilerplate(s string) bool {
	if hasCue(s) && boilerplateRe.MatchString(s) || strings.Contains(s, "@") && tweetRe.MatchString(s) {
		return true
	}
	words := strings.Fields(s)
	if len(words) <= 12 && bylineRe.MatchString(s) {
		return true
	}
	// A heading in capitals ("STARS WE'VE LOST IN 2023"), but not a
	// result a live blog shouts ("WEST INDIES WIN THE SERIES 3-2!").
	letters, upper := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	if letters >= 12 && float64(upper) > 0.7*float64(letters) && !hasScore(s) {
		return true
	}
	// A table of prices or figures: mostly numbers, few words between.
	nums := 0
	for _, w := range words {
		if strings.ContainsFunc(w, unicode.IsDigit) {
			nums++
		}
	}
	if len(words) >= 8 && float64(nums) > 0.45*float64(len(words)) {
		return true
	}
	// A table of names and prices ("QB Baker Mayfield Buccaneers at
	// Falcons $5,300 20.1 QB Russell Wilson… $5,800"): sums, few
	// lower-case words between.
	lower := 0
	for _, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) {
			lower++
		}
	}
	return float64(lower) < 0.3*float64(len(words)) && strings.ContainsAny(s, "0123456789") && len(moneyRe.FindAllStringIndex(s, 4)) >= 3
}

// factKind is the kind of fact a question asks for.
type factKind int

const (
	kindAny factKind = iota
	kindNumber
	kindDate
	kindName // a person, a team, a company, a place
	kindReason
	kindQuote // what someone said
)

var (
	numberAskRe = regexp.MustCompile(`(?i)\b(score|scores|scoreline|how (many|much|big|bigger|large|larger|small|tall|taller|old|far|long|longer|fast|faster|often|heavy|heavier|light|lighter|high|higher|deep|wide|bright|hot|cold|warm|expensive|cheap|cheaper)|what (age|percentage|percent|share|proportion|price|score|amount|sum|record|number|rate|revenue|salary|fee|valuation|size)|what was the (score|result|total|figure|cost|price)|what's the (score|price|cost|total))\b`)
	// farPlaceAskRe matches "how far south did the lights reach?": a
	// place, not a distance.
	farPlaceAskRe = regexp.MustCompile(`(?i)\bhow far (north|south|east|west|inland|afield)\b`)
	// payAskRe matches "what did United pay for Onana?": a price (see
	// [payAsked]).
	payAskRe    = regexp.MustCompile(`(?i)^\W*what (did|does|do|will|would|has|have|had|is|are|was|were) .*\b(pay|paid|paying|spend|spent|spending|charge|charged|charging|cost|raise|raised|raising|earn|earned|fetch|fetched|bid|offer|offered|sell for|sold for|fined?|go for|goes for|went for|selling for|retail for|retails for|retailing for)\b`)
	dateAskRe   = regexp.MustCompile(`(?i)\b(when|what (year|date|day|month|time)|which (year|date|day|month)|how soon)\b`)
	nameAskRe   = regexp.MustCompile(`(?i)\b(who|whom|whose|which|where)\b|\bwhat (team|company|country|city|app|group|network|product|brand)\b|\bwhat(?:'s|’s|s| is| was| are| were) (?:the |their |its |his |her )?names?\b|^\W*what\s+[a-z]+\s+(did|does|do|was|is|were|are|will|has|have)\b|^\W*what\b.*\b(called|named)\W*$`)
	reasonAskRe = regexp.MustCompile(`(?i)\b(why|what (caused|made|led|prompted|drove)|for what reason|how come)\b`)
	quoteAskRe  = regexp.MustCompile(`(?i)^\W*(what|how) (did|does|do|has|have|had|is|was|will)\b.*\b(say|said|says|tell|told|think|thinks|claim|claimed|argue|argued|react|reacted|respond|responded|call|called|comment|commented|write|wrote|warn|warned)\b`)
	quoteRe     = regexp.MustCompile(`["“”]|\b(said|says|told|added|according to|wrote|argued|warned|claimed)\b`)
	// tallyRe matches a score or a record: "28-24", "10-1", "80-78-6".
	tallyRe = regexp.MustCompile(`\b\d{1,3}\s?[-–]\s?\d{1,3}(?:[-–]\d{1,3})?\b`)

	yearRe = regexp.MustCompile(`\b(1[89]|20)\d\d\b`)
	// "may" and "march" are dates only as names, with their capital.
	dateTextRe  = regexp.MustCompile(`(?i:\b(january|february|april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|yesterday|tonight|next (week|month|year)|last (week|month|year)|this (week|month|year))\b)|\b(May|March|MAY|MARCH)\b`)
	numberWords = regexp.MustCompile(`(?i)\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|trillion|dozen|half)\b`)
	reasonRe    = regexp.MustCompile(`(?i)\b(because|due to|as a result|owing to|in order to|so that|after|amid|since|citing|over|for breaching|for)\b`)
)

// paidAdjRe matches "paid" describing a thing rather than asking a price:
// "the top paid iPhone app", "highest-paid", "paid subscribers".
var paidAdjRe = regexp.MustCompile(`(?i)\b(top|highest|best|most|lowest|least|well|better|poorly|under|over|low|high)[- ]paid\b|\bpaid (apps?|games?|subscribers?|subscriptions?|users?|members?|versions?|tiers?|plans?|content|ads|advertising|media|leave)\b`)

// payAsked reports whether a question asks a price, a payment or a sum
// raised ("what did United pay for Onana?"), not "what was the top paid
// iPhone app?".
func payAsked(q string) bool {
	return payAskRe.MatchString(q) && payAskRe.MatchString(paidAdjRe.ReplaceAllString(q, " "))
}

// askedKind reads which kind of fact a question asks for.
func askedKind(q string) factKind {
	switch {
	case farPlaceAskRe.MatchString(q):
		return kindName // a place
	case numberAskRe.MatchString(q) || payAsked(q) || amountWords[askedHead(q)]:
		return kindNumber
	case dateAskRe.MatchString(q):
		return kindDate
	case quoteAskRe.MatchString(q) && !reasonAskRe.MatchString(q):
		return kindQuote
	case reasonAskRe.MatchString(q):
		return kindReason
	case nameAskRe.MatchString(q):
		return kindName
	}
	return kindAny
}

// figureAsked returns kindNumber for a question whose first question word
// asks how many, how much, how old…, kindDate for one asking when or what
// year, and kindAny for any other: "who was running Cruise when
// California pulled its permits?" asks who.
func figureAsked(q string) factKind {
	ws := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range ws {
		next := ""
		if i+1 < len(ws) {
			next = ws[i+1]
		}
		switch {
		case w == "how":
			if howFigures[next] {
				return kindNumber
			}
			return kindAny
		case w == "when":
			return kindDate
		case (w == "what" || w == "whats" || w == "which") && next == "year":
			return kindDate
		case whWords[w]:
			return kindAny
		}
	}
	return kindAny
}

// howFigures are the words after "how" that ask for a figure.
var howFigures = map[string]bool{"many": true, "much": true, "old": true, "tall": true, "far": true, "heavy": true}

// hasKind reports whether sentence s holds a fact of kind k that the
// question (its stems in q) does not already state.
func hasKind(s string, k factKind, q map[string]bool) bool {
	switch k {
	case kindNumber:
		for _, w := range strings.Fields(s) {
			if strings.ContainsFunc(w, unicode.IsDigit) {
				for _, t := range extractTerms(w) {
					if !q[t] {
						return true
					}
				}
			}
		}
		return numberWords.MatchString(s)
	case kindDate:
		for _, m := range yearRe.FindAllString(s, -1) {
			if !q[m] {
				return true
			}
		}
		return dateTextRe.MatchString(s)
	case kindName:
		// A capitalised word inside the sentence that the question does
		// not name.
		ws := strings.Fields(s)
		for i, w := range ws {
			if i == 0 {
				continue
			}
			first, _ := utf8.DecodeRuneInString(strings.TrimLeft(w, `"'“‘(`))
			if !unicode.IsUpper(first) || dateTextRe.MatchString(w) {
				continue
			}
			for _, t := range extractTerms(w) {
				if !q[t] {
					return true
				}
			}
		}
	case kindReason:
		return reasonRe.MatchString(s)
	case kindQuote:
		return quoteRe.MatchString(s)
	}
	return false
}

// askedHead returns the stem of the thing a question asks the amount of
// ("revenue" in "What was Uber's revenue in the third quarter?", "points"
// in "How many points did Everton lose?"), or "" when it names none. A
// sentence that gives a number next to that word answers the question
// better than one that gives some other number.
func askedHead(q string) string {
	// A question mark ends what is asked: "whats jens pulver's pro mma
	// record? the guy hosting the watch-alongs" asks a record.
	q = strings.ReplaceAll(q, "?", " ? ")
	ws := strings.FieldsFunc(q, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' && r != '?'
	})
	for i := 0; i+1 < len(ws); i++ {
		w := strings.ToLower(ws[i])
		switch {
		case w == "how" && (strings.EqualFold(ws[i+1], "many") || strings.EqualFold(ws[i+1], "much")):
			// The last of the words before the verb: "how many career
			// sacks does…" asks for sacks.
			head := ""
			for _, x := range ws[i+2:] {
				lx := strings.ToLower(x)
				if lx == "?" || headStop[lx] || headPrep[lx] || answerStopwords[lx] || head != "" && timeLead[lx] {
					break
				}
				head = lx
			}
			if head == "" {
				return ""
			}
			return stem(head)
		case w == "what" || w == "what's" || w == "what’s" || w == "whats":
			// "What did the council decide?" asks for no amount.
			if x := strings.ToLower(ws[i+1]); headStop[x] && !beVerbs[x] {
				return ""
			}
			head := ""
			for _, x := range ws[i+1:] {
				lx := strings.ToLower(x)
				switch {
				case lx == "the" || lx == "a" || lx == "an" || (head == "" && headStop[lx] && !headPrep[lx]):
					continue
				case strings.HasSuffix(lx, "'s") || strings.HasSuffix(lx, "’s"):
					head = "" // a possessor: "Uber's revenue"
					continue
				case lx == "of" && (head == "kind" || head == "type" || head == "sort"):
					head = "" // "what kind of salary" asks for a salary
					continue
				case lx == "?" || headStop[lx] || headPrep[lx] || head != "" && timeLead[lx]:
				default:
					if r, _ := utf8.DecodeRuneInString(x); unicode.IsUpper(r) {
						if head != "" {
							return stem(head)
						}
						continue // a name before the asked word
					}
					head = lx
					continue
				}
				break
			}
			if head != "" && !answerStopwords[head] {
				return stem(head)
			}
			return ""
		}
	}
	return ""
}

// amountWords are things a question asks the amount of: "What was Uber's
// revenue?" wants a number (stems).
var amountWords = stems(`revenue revenues sales profit profits income earnings loss losses price prices cost
	costs fee fees fine salary wage wages budget debt value valuation worth total number age score scoreline record
	result rate rates percentage percent share stake margin population attendance crowd height weight distance
	size capacity turnout tally deficit surplus bill payout deal amount sum figure odds funding`)

// genericAmounts ask for a number without naming what it counts ("What
// is the total?"): any number answers them. shareWords ask for a
// percentage.
var (
	genericAmounts = stems("number amount total figure sum")
	shareWords     = stems("share percentage percent proportion fraction")
	// moneyWords ask for a sum of money, which moneyRe matches: "$9.3
	// billion", "£47.2m", "20 million euros".
	moneyWords = stems("revenue revenues sales profit profits income earnings price cost fee fine salary wage budget debt valuation value valued worth payout bill funding")
	moneyRe    = regexp.MustCompile(`(?i)[$£€¥₹₪₩₽₺₦]\s?\d|\$(US|A|AU|C|CA|NZ|HK|S|SG)\s?\d|\b\d[\d.]*\s?(¢|cents?\b)|\b(US|A|AU|C|CA|NZ|HK|S|SG)\$\s?\d|\b(USD|EUR|GBP|AUD|CAD|NZD|CHF|JPY|CNY|RMB|HKD|SGD|INR|NIS|ILS|SEK|NOK|DKK|ZAR|BRL|MXN|KRW|AED|SAR|Rs\.?|Rp|RM|R)\s?\d[\d,.]*\s?(bn|m|k|cr|crore|lakh|million|billion|trillion)?\b|\b\d[\d,.]*\s?(bn|m|k|cr|million|billion|trillion|crore|lakh)?\s?(dollars?|pounds?|euros?|yen|yuan|renminbi|rupees?|francs?|shekels?|rubles?|roubles?|lira|pesos?|rand|reais|ringgit|rupiah|dirhams?|riyals?|naira|kronor|kroner|krona|krone|usd|gbp|eur|crore|lakh)\b`)
	percentRe  = regexp.MustCompile(`(?i)\b(per ?cent|percent)\b`)
)

func stems(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[stem(w)] = true
	}
	return m
}

// headStop ends the asked words of a question: auxiliaries; headPrep:
// prepositions.
var (
	headStop = map[string]bool{"did": true, "does": true, "do": true, "is": true, "was": true, "were": true, "are": true,
		"will": true, "has": true, "have": true, "had": true, "can": true, "could": true, "would": true, "should": true}
	beVerbs = map[string]bool{"is": true, "was": true, "were": true, "are": true}
	// timeLead words open a time after the asked word: "revenue last
	// quarter".
	timeLead = map[string]bool{"last": true, "next": true, "past": true, "previous": true, "right": true}
	headPrep = map[string]bool{"in": true, "of": true, "for": true, "at": true, "on": true, "from": true, "against": true,
		"by": true, "with": true, "to": true, "when": true, "after": true, "before": true, "since": true, "that": true,
		"as": true, "per": true, "during": true, "over": true, "under": true, "about": true, "like": true,
		// Words of time after the asked word: "net worth these days".
		"these": true, "this": true, "now": true, "today": true, "currently": true, "nowadays": true, "anymore": true}
)

// numberNear reports whether a number in s stands within a few words of
// the asked word head (stemmed): "revenue of $9.3 billion", "under the age
// of 13". A tally ("42-10") counts when tally is set.
func numberNear(s, head string) bool {
	ws := strings.Fields(s)
	var heads, nums []int
	for i, w := range ws {
		if strings.ContainsFunc(w, unicode.IsDigit) || numberWords.MatchString(w) {
			nums = append(nums, i)
			if gluedUnit(w) == head {
				return true // "360km" for "how many km"
			}
		}
		for _, t := range extractTerms(w) {
			if t == head {
				heads = append(heads, i)
			}
		}
	}
	for _, h := range heads {
		for _, n := range nums {
			// "10-year" is a number and the asked word in one.
			if d := n - h; d >= -3 && d <= 4 && (d != 0 || strings.ContainsAny(ws[n], "-–")) || d > 4 && subjectOf(ws, h, n) {
				return true
			}
			// "net debt including leases now at £648.5m": a few words
			// more, when the word before the number links it to the
			// asked word and no clause closes between them.
			if d := n - h; d > 4 && d <= linkedMaxWords && numberLinks[strings.ToLower(ws[n-1])] && !clauseBetween(ws[h:n+1]) {
				return true
			}
		}
	}
	return false
}

// linkedMaxWords bounds the words from the asked word to a number that a
// link word ([numberLinks]) joins to it.
const linkedMaxWords = 7

// numberLinks are the words that give a number as the value of what comes
// before them: "now at £648.5m", "rose to $5bn", "stood at 12".
var numberLinks = map[string]bool{"at": true, "to": true, "was": true, "is": true, "of": true, "totalled": true, "totaled": true, "reached": true, "hit": true}

// subjectMaxWords bounds the phrase that opens with the asked word and
// ends with the verb before the number (see [subjectOf]).
const subjectMaxWords = 16

// subjectOf reports whether the word at h heads the phrase whose verb
// "to be" gives the number at n: "the average cost of a ticket for the
// North American leg of the tour was $3,801".
func subjectOf(ws []string, h, n int) bool {
	if n-h > subjectMaxWords || h+1 >= n || !beVerbs[strings.ToLower(ws[n-1])] {
		return false
	}
	if next := strings.ToLower(ws[h+1]); next != "of" && next != "for" && next != "in" && next != "at" && next != "on" {
		return false
	}
	for _, w := range ws[h : n-1] {
		if strings.ContainsAny(w[len(w)-1:], ".;:!?") || beVerbs[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

// gluedUnitRe matches a number written together with its unit: "360km",
// "6ft", "64GB", "48hrs".
var gluedUnitRe = regexp.MustCompile(`^[$£€]?\d[\d,.]*(\p{L}{2,})\W*$`)

// gluedUnit returns the stem of the unit written together with a number
// in w ("km" in "360km"), or "". Ordinals and scales ("5th", "2bn") are no
// unit.
func gluedUnit(w string) string {
	m := gluedUnitRe.FindStringSubmatch(w)
	if m == nil || notUnits[strings.ToLower(m[1])] {
		return ""
	}
	return stem(strings.ToLower(m[1]))
}

// notUnits are the letters written after a number that are no unit of it.
var notUnits = map[string]bool{"st": true, "nd": true, "rd": true, "th": true, "bn": true, "tn": true, "am": true, "pm": true}

// gameAskRe matches a question about how a game went: "did the Jags hold
// on?", "did Michigan beat Ohio State?".
var gameAskRe = regexp.MustCompile(`(?i)^\W*(did|does|do|has|have|was|were)\b.*\b(win|wins|winning|beat|beating|defeat|defeating|lose|losing|hold on|hang on|draw|tie|edge|upset|come back|survive|stun)\b`)

// hasScore reports a tally in s that is not a team's record: "(12-0)",
// "improved to 5-2", "a record of 3-4".
func hasScore(s string) bool {
	for _, m := range tallyRe.FindAllStringIndex(s, -1) {
		before := strings.Fields(strings.ToLower(s[:m[0]]))
		switch {
		case m[0] > 0 && s[m[0]-1] == '(':
		case len(before) > 0 && (before[len(before)-1] == "to" || before[len(before)-1] == "record" || before[len(before)-1] == "of" && len(before) > 1 && before[len(before)-2] == "record"):
		default:
			return true
		}
	}
	return false
}

// tallyHead reports a question asking for a score or a record, which is
// written as a tally.
func tallyHead(head string) bool {
	return head == stem("score") || head == stem("record") || head == stem("scoreline") || head == stem("result")
}

// spanningRe matches questions that compare or span several articles.
var spanningRe = regexp.MustCompile(`(?i)\b(compare|compared|comparison|both|while|whereas|versus|vs\.?|differ|different|difference|same|consistent|inconsistent|agree|disagree|contrast|between .+ and|each|respectively|and also|as well as)\b`)

// twoAsksRe matches a question that asks two things: "why did the bank
// hold rates, and when do economists expect a cut?".
var twoAsksRe = regexp.MustCompile(`(?i)\band (?:when|why|what|who|whom|how|where|which)\b`)

// spanning reports whether a question compares or spans articles: it
// names several outlets, or says so.
func spanning(question string, outlets int) bool {
	return outlets >= 2 || spanningRe.MatchString(question)
}

// AheadText declines a question about an outcome that the articles only
// look ahead to.
const AheadText = "The articles I have only look ahead to this; none of them says how it turned out."

var (
	// outcomeAskRe matches a question about how something turned out:
	// "did Australia beat Italy?", "who won the final?", "how many years
	// did he get?".
	outcomeAskRe = regexp.MustCompile(`(?i)^\W*(did|was|were)\b|\b(did|was|were)\s+\w+(\s+\w+)?\s+(get|win|beat|lose|end|finish|pass|approve|rule|decide|happen|go)\b|\b(who|which \w+)\s+(won|lost|beat|finished|ended up)\b|\b(final|end) (score|result)\b|\bin the end\b`)
	// settledRe matches the words of a question about what was settled in
	// the end ("did the EU end up blocking the deal?", "who won?"), as
	// opposed to one about what an article said ("Was the reporting…
	// consistent?").
	settledRe = regexp.MustCompile(`(?i)\b(end(ed)? up|in the end|eventually|finally|ultimately|won|wins?|beat|lose|lost|get|got|pass(ed)?|approved?|ruled?|decided?|block(ed)?|sign(ed)?|happen(ed)?|turn(ed)? out|sentenced?|convicted|acquitted|elected|verdict|outcome|result)\b`)
	// aheadRe matches a sentence that looks ahead: a plan, a forecast, a
	// preview.
	aheadRe = regexp.MustCompile(`(?i)\b(will|would|could|may|might|shall|'ll|set to|expected to|due to|likely to|hopes? to|plans? to|aims? to|ahead of|upcoming|preview|projects?|projected|predicts?|predicted|forecasts?|should|poised to|on track to|going to|expects?|anticipated|potential|next (week|month|year|season)|tomorrow|later this|tonight['’]s|this weekend['’]s|scheduled to|slated to|estimates?|consensus|guided|guidance)\b`)
)

// whetherText declines a yes-or-no question whose answer the articles do
// not give, naming what they mention and the word none of the answering
// sentences says: "The articles I have mention Bob Menendez, but none of
// them says whether that happened (nothing on “convicted”)."
func whetherText(terms []Term, word string) string {
	return mentionedBut(terms, "says whether that happened (nothing on “"+word+"”).")
}

// lyRe matches an adverb that only stresses a question ("did they
// really", "has it actually").
var lyRe = regexp.MustCompile(`^\w+ly$`)

// aboutReportingRe matches a question about how the articles tell
// something ("did TechCrunch describe it differently?"), whose words are
// about the telling, not the told.
var aboutReportingRe = regexp.MustCompile(`(?i)\b(consisten\w*|inconsisten\w*|portray\w*|describ\w*|depict\w*|differently|report\w*|coverage|chang\w*)\b`)

// whetherMarkers are the words of a yes-or-no question that ask whether
// it happened at all ("in the end", "ever", "yet"), not what happened.
var whetherMarkers = stems("end ended ever yet still now already")

// toldWhRe matches a yes-or-no question that asks what was told: "did
// TechCrunch say who is replacing CZ?", "do we know when the trial
// starts?" ask who and when.
var toldWhRe = regexp.MustCompile(`(?i)\b(say|said|says|know|known|knows|tell|told|reveal|revealed|mention|mentioned|announce|announced|confirm|confirmed|disclose|disclosed|explain|explained|name|named)\s+(who|whom|whose|what|when|where|which|why|how)\b`)

// whetherRe matches a yes-or-no question.
var whetherRe = regexp.MustCompile(`(?i)^\W*(did|does|do|has|have|had|is|are|was|were)\b`)

// unsaid returns a word of a yes-or-no question about one thing that none
// of the quoted sentences holds, or "". Names are the subject, which the
// sentences share; weak words and adverbs that only stress ("really") are
// not asked. A question about who won has its own test.
func unsaid(in extractInput, sentences []string) string {
	if !whetherRe.MatchString(in.question) || winAskRe.MatchString(in.question) || in.spanning || aboutReportingRe.MatchString(in.question) ||
		toldWhRe.MatchString(in.question) {
		return ""
	}
	if asksWhAfter(in.question) {
		// "does Mozilla run its own server? what's it called", "is the
		// Tile Slim any good, like how far does it reach": the question
		// asks what, and says what it is about first.
		return ""
	}
	if choiceRe.MatchString(in.question) || asksWhich(in.question) {
		// "is it rated R or PG-13?" asks which, not whether; "is there
		// anywhere in Idaho good for the northern lights?" asks where.
		return ""
	}
	var said []map[string]bool
	for _, s := range sentences {
		set := termSet(s)
		addAcronyms(set, s)
		said = append(said, set)
	}
	// "did Michigan trail at any point?": the words of a set phrase ask
	// nothing.
	asked := termSet(setPhraseRe.ReplaceAllString(in.question, " "))
	for _, t := range in.ev.terms {
		if !t.in(asked) {
			continue
		}
		// A word only in a remark beside the question ("my 12yo is
		// begging to see it") is not asked.
		if t.Kind != TermWord || t.Aside || len(t.Words) == 1 && (weakWords[t.Words[0]] || whetherMarkers[t.Words[0]]) || lyRe.MatchString(t.Text) {
			continue
		}
		if !slices.ContainsFunc(said, func(set map[string]bool) bool { return t.in(set) }) {
			return t.Text
		}
	}
	return ""
}

// setPhraseRe matches phrases whose words say nothing of what a yes-or-no
// question asks: "at any point", "at some stage", "in any way", "any
// kind of".
var setPhraseRe = regexp.MustCompile(`(?i)\b(at|for) (any|some|one) (point|time|stage|moment)\b|\b(any|some) (kind|kinds|sort|sorts|type|types) of\b|\bin any (way|case|shape or form)\b|\bat (all|this point|that point|the moment|any rate)\b|\bby any chance\b|\bso far\b|\bas of (now|yet)\b|\bright now\b`)

// asksWhAfter reports whether a yes-or-no question goes on, after a
// question mark, a comma or a dash, to ask with a question word.
func asksWhAfter(q string) bool {
	i := strings.IndexAny(q, "?,;–—")
	if i < 0 {
		return false
	}
	return slices.ContainsFunc(strings.FieldsFunc(strings.ToLower(q[i:]), func(r rune) bool { return !unicode.IsLetter(r) }), func(w string) bool { return whWords[w] })
}

// whereaboutsRe matches a yes-or-no question that asks where, who or what:
// "is there anywhere…", "are there any players who…", "is there an app
// that gets a DualSense working on PC?" (see [asksWhich]).
var whereaboutsRe = regexp.MustCompile(`(?i)^\W*(is|are|was|were) there ((any|anywhere|anyone|anybody|anything|someone|somebody|somewhere|something)\b|(an?|some)\s+[\pL-]+\s+([\pL-]+\s+)?(that|which|who|whom|where|to)\s+[\pL-]+)`)

// asksWhich reports whether q asks which thing there is, not whether
// there is one: "is there an app that…", but not "is there a vaccine for
// that illness?".
func asksWhich(q string) bool {
	m := whereaboutsRe.FindStringSubmatch(q)
	return m != nil && (m[5] == "" || !headPrep[strings.ToLower(strings.TrimSpace(m[5]))])
}

// choiceRe matches a question that offers answers to choose from: "is it
// rated R or PG-13?", "is it on Android or is it Apple only?".
var choiceRe = regexp.MustCompile(`(?i)^[^?]*\w\s+or\s+(is it\s+|was it\s+|are they\s+|not\b)?\w[^?]*(\?|$)`)

// NextText declines a question about what comes next that the articles
// do not look ahead to.
const NextText = "None of the articles I have says what comes next."

// nextAskRe matches a question about what comes next: "who is he
// fighting next?", "what's their next game?", "who will coach them next
// season?".
var nextAskRe = regexp.MustCompile(`(?i)\b(next|upcoming)\b`)

// askedNext reports a question about what comes next, not about how it
// turned out ("did he score in the next game?").
func askedNext(q string) bool {
	return nextAskRe.MatchString(nextPlaceRe.ReplaceAllString(q, "")) && !askedOutcome(q)
}

// nextPlaceRe matches "next" as a place in an order, not in time: "which
// club is next best?", "the next biggest crowd", "next to the stadium".
var nextPlaceRe = regexp.MustCompile(`(?i)\bnext[- ](best|biggest|largest|highest|lowest|most|least|closest|nearest|to|door)\b`)

// askedOutcome reports a question about how something turned out. "did
// TechCrunch say who is replacing CZ?" asks who, not whether.
func askedOutcome(q string) bool {
	// "What did Broadcom report for revenue?" asks a result, which a
	// preview's estimates do not give.
	return (outcomeAskRe.MatchString(q) || reportedSumRe.MatchString(q)) && !toldWhRe.MatchString(q)
}

// allAhead reports whether every sentence quoted looks ahead (ahead holds
// one flag a sentence).
func allAhead(ahead []bool) bool {
	return len(ahead) > 0 && !slices.Contains(ahead, false)
}

// looksAhead reports whether a sentence of an article published at
// published looks ahead: it speaks of what will be ("is set to", "next
// week"), or names a day after the article's ("Paro faces Love on
// December 9" in a report of December 5).
func looksAhead(s string, published time.Time) bool {
	return aheadRe.MatchString(s) || !published.IsZero() && namesLaterDay(s, published)
}

// namesLaterDay reports whether s names a calendar day more than a day
// after published. A day without a year is taken in the year that puts
// it nearest to published.
func namesLaterDay(s string, published time.Time) bool {
	pub := time.Date(published.Year(), published.Month(), published.Day(), 0, 0, 0, 0, time.UTC)
	return namedDays(s, func(_, year string, mo time.Month, d int) bool {
		if year != "" {
			y, _ := strconv.Atoi(year)
			return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).After(pub.AddDate(0, 0, 1))
		}
		t := time.Date(pub.Year(), mo, d, 0, 0, 0, 0, time.UTC)
		switch {
		case t.Sub(pub) > 183*24*time.Hour:
			t = t.AddDate(-1, 0, 0)
		case pub.Sub(t) > 183*24*time.Hour:
			t = t.AddDate(1, 0, 0)
		}
		return t.After(pub.AddDate(0, 0, 1))
	})
}

// answerKind returns the test of whether a sentence holds the kind of fact
// the question asks for (want, read by askedKind; q holds the question's
// stems), and whether it gives the asked-for amount beside the word that
// names it.
func answerKind(question string, want factKind, q map[string]bool) func(s string) (kind, beside bool) {
	head := ""
	if want == kindNumber {
		head = askedHead(question)
	}
	switch {
	case head != "" && tallyHead(head):
		// A score or a record is written as a tally; a team's record in
		// brackets ("Michigan (12-0)") is no score.
		if head == stem("record") {
			return func(s string) (bool, bool) { return tallyRe.MatchString(s), false }
		}
		return func(s string) (bool, bool) { return hasScore(s), false }
	case gameAskRe.MatchString(question):
		// "Did the Jags hold on against the Saints?": the score tells.
		return func(s string) (bool, bool) { ok := hasScore(s); return ok, ok }
	case payAsked(question):
		// "What did United pay for Onana?": a sum of money.
		return func(s string) (bool, bool) { return moneyRe.MatchString(s), false }
	case head != "" && shareWords[head]:
		// "What share of teens…": a percentage.
		return func(s string) (bool, bool) { return strings.Contains(s, "%") || percentRe.MatchString(s), false }
	case head != "" && !weakWords[head] && !genericAmounts[head]:
		// The number must stand by the asked word: "revenue of $9.3
		// billion" for "What was Uber's revenue?", not "net income of
		// $221 million".
		return func(s string) (bool, bool) {
			ok := numberNear(s, head) && hasKind(s, want, q) && (!moneyWords[head] || moneyRe.MatchString(s))
			return ok, ok
		}
	}
	return func(s string) (bool, bool) { return hasKind(s, want, q), false }
}

// roleWords are the roles "who" questions ask the holder of (stems).
var roleWords = stems(`coach manager boss chief ceo president chairman chair head captain quarterback qb director founder
	owner judge minister leader spokesman spokeswoman spokesperson striker goalkeeper keeper referee author singer
	commissioner ambassador governor mayor senator prosecutor journal university uni successor replacement scorer
	record holder running runs run leads heads developer publisher studio creator designer producer writer host presenter
	composer architect investor backup starter`)

// roleAliases are other ways articles write a role (stems).
var roleAliases = map[string][]string{stem("qb"): {stem("quarterback")}, stem("quarterback"): {stem("qb")},
	stem("uni"): {stem("university")}, stem("boss"): {stem("ceo"), stem("chief")}, stem("ceo"): {stem("chief")},
	// "Who's running Cubic Telecom?" asks for its chief.
	stem("running"): executives, stem("runs"): executives, stem("leads"): executives, stem("heads"): executives}

// executives are the roles of whoever runs an organisation (stems).
var executives = []string{stem("ceo"), stem("chief"), stem("boss"), stem("head"), stem("president"), stem("chairman"), stem("leader"), stem("director")}

// askedRole returns the stems of the role a "who" or "which" question asks
// the holder of ("coach" in "who's the new All Blacks coach?", "journal"
// in "which journal published the study?"), or nil.
func askedRole(q string) map[string]bool {
	ws := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' })
	asks := false
	for i, w := range ws {
		lw := strings.ToLower(w)
		switch {
		case lw == "who" || lw == "who's" || lw == "who’s" || lw == "whos" || lw == "which" || lw == "whose":
			asks = true
		case asks && roleWords[stem(lw)]:
			if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) && i > 0 && !isUpperWord(w) {
				continue // part of a name: "Head and Shoulders"
			}
			role := map[string]bool{stem(lw): true}
			for _, a := range roleAliases[stem(lw)] {
				role[a] = true
			}
			return role
		}
	}
	return nil
}

// unaskedName reports whether t, a word inside a sentence stripped of its
// punctuation, is a capitalised word the question (q, its stems) does not
// name and no date word.
func unaskedName(t string, q map[string]bool) bool {
	if r, _ := utf8.DecodeRuneInString(t); !unicode.IsUpper(r) || dateTextRe.MatchString(t) {
		return false
	}
	terms := extractTerms(t)
	return len(terms) > 0 && !q[terms[0]]
}

// namesSomeone reports a capitalised word in s, past its first, that the
// question (q, its stems) does not name.
func namesSomeone(s string, q map[string]bool) bool {
	for i, w := range strings.Fields(s) {
		if i > 0 && unaskedName(strings.Trim(w, `"'“”‘’()[],.;:!?`), q) {
			return true
		}
	}
	return false
}

// nameNear reports a capitalised word the question does not name (q, its
// stems) within three words of the role in s: "coach Scott Robertson",
// "Cell Metabolism, the journal".
func nameNear(s string, role map[string]bool, q map[string]bool) bool {
	ws := strings.Fields(s)
	var at, names []int
	for i, w := range ws {
		t := strings.Trim(w, `"'“”‘’()[],.;:!?`)
		if role[stem(strings.ToLower(withoutPossessive(t)))] {
			at = append(at, i)
			continue
		}
		if i > 0 && unaskedName(t, q) {
			names = append(names, i)
		}
	}
	for _, a := range at {
		for _, n := range names {
			if d := n - a; d >= -3 && d <= 3 && d != 0 {
				return true
			}
		}
	}
	return false
}
