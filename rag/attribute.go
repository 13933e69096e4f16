package rag

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Asked attributes: "how old is John Hynes?", "how tall is Jai Opetaia?",
// "what's Cubic Telecom's annual revenue?", "how much does the Barbie
// cost?" ask for a figure of a particular form about a subject. Articles
// that mention the subject but never give that figure cannot answer, however
// many of the question's words they share; quoting them answers another
// question.

// attribute is a figure a question asks of its subject, and how a sentence
// states it.
type attribute struct {
	name  string // what the articles lack: "the age"
	holds func(s string) bool
	// personal is set for a person's age, height, pay or fortune, which
	// a sentence states beside the person's name.
	personal bool
	// verb says what the articles do not do with it: "gives" (the
	// default) or "says".
	verb string
	// subject is set for a fact about the thing the question names
	// ("When was the Eiffel Tower built?"): the sentence that gives it
	// names that thing, not another built in 1787.
	subject bool
	// speaker, when set, holds the stems of the words naming who spoke
	// ("What did Novo Nordisk say about the study?"): a sentence that
	// reports what was said names them, or follows one that does.
	speaker []string
	// anchored is set for a figure whose own words say what it is (a
	// count beside the counted word, "a Buffalo native"): a sentence of
	// an article that covers the question gives it even without the
	// question's other words.
	anchored bool
	// measure is set for a measure written with its unit (an age, a
	// height, a speed): a further passage of the article that gives one
	// beside the subject gives the one asked for.
	measure bool
	// apposed, when set, matches a figure written beside the name of the
	// one it belongs to ("Julian Nagelsmann, the 36-year-old", "Rocky,
	// 11"): in a sentence that names several people, the name nearest the
	// figure is its owner's.
	apposed *regexp.Regexp
	// described, when set, reports a figure written as a description
	// that stands for someone named before it ("The 56-year-old is…",
	// "says the 42-year-old father of three"): told of the person the
	// article's title or the sentence before names.
	described func(string) bool
	// lead is set when a sentence that holds the figure answers before
	// any that does not: the one naming the role ("new president and
	// CTO Mo Elshenawy"), not the one sharing most words.
	lead bool
}

var (
	ageAskRe    = regexp.MustCompile(`(?i)\bhow old\b|\bwhat age\b|\b(his|her|their|'s|’s) age\b|\bage of\b`)
	heightAskRe = regexp.MustCompile(`(?i)\bhow tall\b|\b(what|his|her|their|'s|’s) height\b`)
	// howMuchMoneyRe matches "how much does the doll cost?", "how much is
	// Ten Hag paid?", "how much prize money did she get for winning?",
	// "what's Hayes going to earn?".
	howMuchMoneyRe = regexp.MustCompile(`(?i)^\W*(what's|whats|what is|what are|what will|what would)\b.*\b(earn|earns|earning|be paid|get paid|getting paid|take home|worth)\b|\bhow much (\w+ ){0,2}(does|did|do|is|was|are|were|will|would|has|have|had)\b.*\b(cost|costs|costing|pay|pays|paid|paying|earn|earns|earned|earning|make|makes|made|making|charge|charges|charged|spend|spends|spent|worth|raise|raises|raised|sell for|sold for|fetch|fetched|gross|grossed|take home|bring in|brought in|asking|seeking|demanding|claiming)\b|\bhow much (\w+ )?money\b|\b(salary|pay|money|wage|cash)[- ]wise\b`)
	// howMuchAuxRe matches "how much are tickets for U2's shows?", "how
	// much did the NFL fine Greenlaw?": how much a thing is, a sum unless
	// the question asks how much something changed or weighs
	// (notMoneyRe).
	howMuchAuxRe = regexp.MustCompile(`(?i)\bhow much (is|are|was|were|does|did|do|will|would|has|have|had)\b`)
	notMoneyRe   = regexp.MustCompile(`(?i)\b(weigh|weighs|weighed|weight|rain|rained|snow|snowed|rise|rises|rose|risen|fall|falls|fell|fallen|drop|drops|dropped|grow|grows|grew|grown|increase[sd]?|decrease[sd]?|decline[sd]?|climb(s|ed)?|jump(s|ed)?|gain(s|ed)?|lose|loses|lost|shrink|shrank|slump(ed)?|plunge[sd]?|surge[sd]?|soar(s|ed)?|sink|sank|improve[sd]?|slide|slid|tumble[sd]?|rall(y|ied)|change[sd]?|move[sd]?|up|down|stocks?|shares|matter|matters|mattered|left|remain|remains|by|percent|per cent|share|time|longer|older|more|less|data|storage|memory|energy|power|water|sleep)\b|%`)
	// reportedSumRe matches a question about a company's result that
	// opens with what it reported: "what did Nike report for revenue?".
	reportedSumRe = regexp.MustCompile(`(?i)^\W*what (?:did|does|will|has|have|had) .*\b(?:report|reported|post|posted|announce|announced|record|recorded|log|logged|book|booked|bring in|brought in)\b.*\b(profits?|revenues?|sales|earnings|income|turnover)\b`)
	// sumThingRe matches the thing whose price or amount a question asks
	// ("how much are tickets", "how much was the fine"); sumThings maps
	// each way of asking it to the words a sentence that gives it uses.
	sumThingWords, sumThings = askedAndTold([]struct{ asked, told string }{
		{"ticket|tickets", "tickets?|seats?|admission|entry"},
		{"fine|fined", "fines?|fined|penalty|penalised|penalized|docked"},
		{"contract", "contract|deal|extension|signed|agreement"},
		{"severance", "severance|payout|package|pay-off|payoff|exit pay"},
		{"bonus", "bonus|bonuses"},
		{"settlement", "settlement|settle|settled|pay out"},
		{"subscription", "subscription|subscribers?|per month|a month|monthly|/month|a year|per year|annually|plan|tier"},
		{"rent", "rent|rents|rental"},
		{"prize money", "prize money|prize|purse|winnings|cheque|check"},
		{"transfer fee", "transfer fee|fee|signed|signing|deal|bought|sold|move"},
	})
	sumThingRe = regexp.MustCompile(`(?i)\b(` + sumThingWords + `)\b`)
	// successorAskRe matches a question about who took someone's place:
	// "who replaced Denise George?", "who's taking over as All Blacks
	// coach?", "who did they end up picking as speaker?".
	successorAskRe = regexp.MustCompile(`(?i)\b(who|whom)\b.*\b(replac(e|es|ed|ing)|succeed(s|ed|ing)?|successor|take over|takes over|took over|taking over|end(s|ed)? up (becoming|picking|choosing|electing|hiring|naming|appointing|with)|in (his|her|their) place)\b`)
	// successionRe matches a sentence that tells of a succession.
	successionRe = regexp.MustCompile(`(?i)\b(replac(e|es|ed|ing|ement)|succeed(s|ed|ing)?|successor|succession|take over|takes over|took over|taking over|taken over|named|names|appoint(s|ed|ing|ment)?|elect(s|ed)?|picked|picks|chosen|chose|tapped|hire[sd]?|hiring|interim|promoted|installed|step(s|ped|ping)? (in|up)|in (his|her|their) place|takes? the reins|at the helm|new (head )?(coach|ceo|chief|boss|manager|speaker|leader|president|chair\w*|director|captain))\b`)
	// sayAskRe matches a question about what someone said: "what did
	// Pfizer say about its vaccine?", its first group the speaker.
	sayAskRe = regexp.MustCompile(`(?i)^\W*(?:so |and |but |ok |okay )?what (?:did|does|do|has|have|had) (\S.{0,40}?) (?:say|said|tell|told|respond|responded|reply|replied|comment|commented|tweet|tweeted|write|wrote)\b`)
	// howBigMoneyRe matches "how big was his severance package?": the
	// size of a sum of money.
	howBigMoneyRe = regexp.MustCompile(`(?i)\bhow (big|large)\b.*\b(severance|payout|bonus|salary|contract|settlement|damages|package|loan|compensation)\b`)
	howLongRe     = regexp.MustCompile(`(?i)\bhow long\b`)
	howManyRe     = regexp.MustCompile(`(?i)\bhow many\b`)
	// personalPayRe matches what a person is paid or worth.
	personalPayRe = regexp.MustCompile(`(?i)\b(paying|paid|pays|pay him|pay her|earn|earns|earning|salary|wage|wages|worth|net worth|fortune)\b`)
	// payWords are the stems of a person's pay or fortune.
	payWords = stems("salary salaries wage wages worth fortune")
	// winAskRe matches a question about who won: "who won the Tour de
	// France?", "did Australia beat Italy?".
	winAskRe = regexp.MustCompile(`(?i)\b(who|which \w+)\s+(won|wins|beat|took the title|clinched)\b|^\W*(did|does|do|has|have|will)\b.*\b(win|winning|won|beat|beating|defeat|defeating|clinch|clinching|smash|thrash|hammer|crush|rout|upset|lose|losing|lost)\b`)
	// winRe matches a sentence that tells who won.
	// A champion or a title holder ("heavyweight champion Jon Jones") is
	// no news of who won this time.
	winRe = regexp.MustCompile(`(?i)\b(won|wins?|winners?|winning|beat|beats|beaten|beating|defeat(s|ed|ing)?|victor(y|ies|ious)|triumph\w*|clinch\w*|lifted|crowned|prevail\w*|edged|downed|routed|thrashed|knocked out|eliminated|lost|loses|lose)\b|\b\d{1,3}\s?[-–]\s?\d{1,3}\b`)

	// unwonRe matches the words before a win that is no win: "can't
	// win the Carabao Cup", "hopes to beat", "a chance to win".
	unwonRe = regexp.MustCompile(`(?i)\b(can['’]?t|cannot|not|never|won['’]t|couldn['’]t|wouldn['’]t|could|would|might|may|must|should|to|short of|chance of|hopes of|without)\s+$`)

	// contestRe matches the name of a competition or a prize: "Carabao
	// Cup", "Ballon d'Or", "Nobel Prize".
	contestRe = regexp.MustCompile(`(?i)\b(cup|trophy|prize|award|awards|championship|championships|open|bowl|series|shield|classic|masters|grand prix|tournament|league|medal|d'or|d’or)$`)
	// recordAfterRe matches what follows a win-loss record: "27-0, 23
	// KOs", "10-2 record".
	recordAfterRe = regexp.MustCompile(`(?i)^(\s*[-–]\s?\d{1,3})?(,\s*\d+\s*(kos?|knockouts|ko's)\b|\s+(record|overall|on the season|this season|in conference|in the \w+ conference|ats|against the spread)\b)`)
	// hopedWinRe matches the words before a win only hoped for: "is
	// hoping a breakthrough victory", "eyeing a first win".
	hopedWinRe = regexp.MustCompile(`(?i)\b(hop(e|es|ed|ing)|eye(s|ing)?|seek(s|ing)?|chas(e|es|ing)|aim(s|ing)?|want(s|ing)?|need(s|ing)?|look(s|ing)? for|push(es|ing)? for|bid(s|ding)? for|in search of|desperate for)\s+((a|an|the|his|her|their|its|another|first|maiden)\s+)?(\S+\s+)?$`)
	// sentenceAskRe matches a question about a sentence handed down:
	// "what sentence did he get?", "how many years did SBF get?", "how
	// long is she going to prison for?".
	sentenceAskRe = regexp.MustCompile(`(?i)\bwhat (prison |jail )?sentence\b|\bhow (long|many (years|months))\b.*\b(sentence|sentenced|prison|jail|behind bars|locked up)\b|\bhow many (years|months)( \S+){1,4} (get|gets|got|getting)\b`)
	// sentencedRe matches a sentence that hands one down: "was sentenced
	// to 25 years", "was given a life sentence", "jailed for six years",
	// "served five months in jail".
	sentencedRe   = regexp.MustCompile(`(?i)\bsentenced\b(\s+\S+){0,4}\s+to\b|\b(given|handed)( down)?( \S+){0,3} (sentence|years?|months?|life|prison|jail)\b|\b(jailed|imprisoned|locked up) for\b|\b(prison|jail) (term|sentence)s? of\b|\bserv(e|es|ed|ing)\s+(a|an|his|her|their)?\s*(\d|\w+-year|life|\w+ (days|weeks|months|years)\b)|\bsp(end|ends|ent|ending)\s+\S+( \S+)? (days|weeks|months|years) (in|behind) (jail|prison|bars|custody)\b`)
	whenFirstRe   = regexp.MustCompile(`(?i)^\W*(when|what (date|day|month))\b`)
	netWorthAskRe = regexp.MustCompile(`(?i)\bnet worth\b|\bpersonally worth\b|\bhow rich\b|\b(his|her|their|'s|’s) (fortune|wealth)\b`)
	// fortuneRe matches a sentence that gives someone's fortune.
	fortuneRe = regexp.MustCompile(`(?i)\b(net worth|fortune|wealth|wealthiest|richest|rich list)\b`)
	// originAskRe matches a question about where someone comes from or
	// lies; originRe a sentence that says it. "From" closes the question
	// ("where is he from originally?"): "where do the proceeds from the
	// song go?" asks where money goes.
	originAskRe = regexp.MustCompile(`(?i)^\W*(where|what country|which country|what city|which city|what town|which town|what state|which state)\b.*\b(from(\s+originally)?\s*([?.!]|$)|(born|raised|grow up|grew up|buried|laid to rest)\b)|\bhome ?town\b|\bbirthplace\b`)
	originRe    = regexp.MustCompile(`\b([Bb]orn|[Nn]ative|[Hh]ome ?town|[Gg]rew up|[Rr]aised|[Hh]ails from|[Bb]uried|[Ll]aid to rest|[Ii]nterred|[Cc]emetery|[Bb]irthplace)\b`)
	buriedRe    = regexp.MustCompile(`(?i)\b(buried|laid to rest)\b`)
	// spouseAskRe matches a question about whom someone is married to:
	// "who is she married to?", "is he married?", "what's his wife
	// called?", not "what did his wife say?".
	spouseAskRe = regexp.MustCompile(`(?i)\b(who|whom)\b.*\b(marry|married|husband|wife|spouse)\b|^\W*(is|are|was|were)\b.*\bmarried\b|\b(husband|wife|spouse)(['’]s)?\s+(name|called)\b|\bname of (his|her|their|the) (husband|wife|spouse)\b|\b(husband|wife|spouse)\W*$`)
	spouseRe    = regexp.MustCompile(`(?i)\b(married|marry|marries|marriage|husband|wife|spouse|wed|weds|wedded|wedding|divorce[ds]?|divorcing|widow|widowed|widower|fianc[eé]e?)\b`)

	// relativeAskRe matches a question asking the name of someone's
	// relative: "wife's name", "the name of his son", "X's son was
	// hurt, what was his name?". A relation far before the asked name
	// is not whose name it is: "the article about bringing your
	// boyfriend home quoted a therapist in California - what's her
	// name?".
	relativeAskRe = regexp.MustCompile(`(?i)\b(` + relationWords + `)(?:['’]s)?\s+(?:name|called)\b|\bname of (?:\S+\s+){0,4}?(` + relationWords + `)\b|\b(` + relationWords + `)\b.{0,60}?\bwhat(?:'s|’s|s| is| was)? (?:his|her|their) name\b`)
	ageRe         = regexp.MustCompile(`(?i)\b\d{1,3}[- ]years?[- ]old\b|\baged? \d{1,3}\b|\bage (of )?\d{1,3}\b|, \d{2},|\(\d{2}\)|\b(in|at) (his|her|their) \d0s\b`)
	heightRe      = regexp.MustCompile(`(?i)\b\d+(\.\d+)?[\s-]?(ft|feet|foot|cm|centimet(er|re)s?|met(er|re)s?|m|in|inches|inch)\b|\b\d\s?['’]\s?\d{1,2}\b`)
	// distanceRe matches a length in space: "from 59 yards out", "a
	// 2.5km tunnel".
	distanceRe = regexp.MustCompile(`(?i)\b\d[\d,.]*[\s-]?(yards?|yds?|met(er|re)s?|m|km|kilomet(er|re)s?|miles?|mi|feet|foot|ft|inches|inch|cm)\b`)
	durationRe = regexp.MustCompile(`(?i)\b(\d[\d,.]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|several|a few|a couple of|many|hundreds of|thousands of|dozens of)[- ](more |(hundred|thousand|million|billion) )?(seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centuries|century|innings|rounds?|laps?|sessions?)\b|\b(since|until|till) (19|20)\d\d\b|\bovernight\b|\ball (day|night|week|year)\b`)
)

// notMoneyAsked reports whether a "how much is…" question asks how much
// something changed or weighs rather than a sum, reading from "how much"
// on: "did Kane end up signing? how much is the deal" asks a sum, and the
// "up" of "sign up" or "end up" is no rise.
func notMoneyAsked(q string) bool {
	i := howMuchAuxRe.FindStringIndex(q)
	if i == nil {
		return false
	}
	from := i[0]
	if byHowMuchRe.MatchString(q[:from]) {
		from = 0 // "By how much does the diet lower your risk?"
	}
	return notMoneyRe.MatchString(phrasalUpRe.ReplaceAllString(q[from:], " "))
}

// byHowMuchRe matches the "by" of "by how much", which asks a change.
var byHowMuchRe = regexp.MustCompile(`(?i)\bby\s*$`)

// phrasalUpRe matches a verb whose "up" is part of it: "sign up", "end
// up", "set up".
var phrasalUpRe = regexp.MustCompile(`(?i)\b(sign|signs|signed|signing|end|ends|ended|set|sets|pick|picks|picked|show|shows|showed|turn|turns|turned|make|makes|made|take|takes|took|line|lined|hook|hooked|open|opened) up\b`)

// bareSumRe matches a price written without its currency: "a single
// ticket will cost 3.30".
var bareSumRe = regexp.MustCompile(`(?i)\b(cost|costs|costing|priced at|paid|pay|pays|charges?|charged|fares? of|fees? of|sold for|bought for|worth)\s+((about|around|roughly|just|only|up to|nearly|almost|over|under|more than|less than)\s+)?\d[\d,.]*`)

// sumVerbs maps the stem of a sum a question asks for to the stems of the
// words a sentence that gives it may use instead: funding is "raised",
// a valuation is what a company is "valued" at.
var sumVerbs = map[string][]string{
	stem("funding"):   {stem("raised"), stem("raise"), stem("raising")},
	stem("valuation"): {stem("valued"), stem("value")},
	// "paid $69bn", "a $1bn deal"; see also forSumRe.
	stem("price"): {stem("paid"), stem("pay"), stem("deal"), stem("sold"), stem("bought"), stem("cost")},
}

// forSumRe matches a price told as what something goes for: "to buy
// Talon for between $600 million and $700 million".
var forSumRe = regexp.MustCompile(`(?i)\bfor\s+((about|around|roughly|nearly|almost|between|up to|more than|less than|over|under|some|just)\s+)?([$£€¥₹]|(US|A|AU|C|NZ)\$)\s?\d`)

// isSum reports a sum of money in s, with its currency or as a price.
func isSum(s string) bool {
	// Both expressions need a digit; most sentences have none, and are
	// spared them.
	return strings.ContainsAny(s, "0123456789") && (moneyRe.MatchString(s) || bareSum(s))
}

// bareSum reports a price written without its currency ("will cost
// 3.30"), which a share is not: "the tenant pays 30% of their income".
func bareSum(s string) bool {
	for _, m := range bareSumRe.FindAllStringIndex(s, -1) {
		if !shareAfterRe.MatchString(s[m[1]:]) {
			return true
		}
	}
	return false
}

// shareAfterRe matches what makes the number before it a share.
var shareAfterRe = regexp.MustCompile(`(?i)^\s?(%|per ?cent\b|pc\b|percentage\b)`)

// askedAttribute returns the figure a question asks of its subject when it
// has a form a sentence must show, or nil. "What's Donahoe paid a year?"
// asks a sum of money, his.
func askedAttribute(q string) *attribute {
	a := attributeOf(q)
	if a == nil && paidPerRe.MatchString(q) {
		a = &attribute{name: sumName, holds: isSum, personal: true}
	}
	return a
}

// sumName names the figure a question asking a sum of money asks for.
const sumName = "that sum"

var (
	// perPeriodRe matches a count asked by the period: "a game", "per
	// season", "annually".
	perPeriodRe = regexp.MustCompile(`(?i)\b(a|per|an|each|every)\s+(month|year|week|hour|day|night|game|match|season)\b|\b(monthly|annually|yearly|weekly|hourly|per annum)\b`)
	// paidPerRe matches "what's … paid a year?".
	paidPerRe = regexp.MustCompile(`(?i)^\W*(what's|whats|what is|what was)\b.*\b(paid|make|makes|earn|earns)\s+(a|per|an|each)\s+(month|year|week|season)\b`)
)

// attributeOf returns the figure a question asks by the words it asks
// with: the cases of askedAttribute but the last.
func attributeOf(q string) *attribute {
	head := askedHead(q)
	switch {
	case sayAskRe.MatchString(q):
		// "What did Freddie Prinze Jr. say about the hack?": words of his,
		// not a sentence that only mentions him.
		who := strings.Trim(sayAskRe.FindStringSubmatch(q)[1], ` .,'"’`)
		var speaker []string
		for _, w := range extractTerms(who) {
			if !answerStopwords[w] {
				speaker = append(speaker, w)
			}
		}
		if len(speaker) == 0 {
			return nil
		}
		// "What did the banner at the airport say?": a thing that bears
		// words says them in a quotation beside it, with no verb of
		// speech ("the infamous “Welcome to Hell” banner").
		if i := slices.IndexFunc(speaker, func(w string) bool { return textBearers[w] }); i >= 0 {
			bearer := speaker[i]
			return &attribute{name: "what " + who + " said", verb: "reports", holds: func(s string) bool {
				return quotationRe.MatchString(s) && termSet(s)[bearer]
			}}
		}
		return &attribute{name: "what " + who + " said", verb: "reports", holds: func(string) bool { return true }, speaker: speaker}
	case typeAskRe.MatchString(q):
		// "Which record label put out his album?", "what theatre is it
		// on at?": the sentence that answers says what kind of place
		// or body it names, of the thing asked about (Craig Morgan's EP,
		// not another artist's album).
		kind := strings.ToLower(typeAskRe.FindStringSubmatch(q)[1])
		return &attribute{name: "the " + kind, verb: "names", holds: typeWords[kind].MatchString, subject: true}
	case jerseyAskRe.MatchString(q):
		// "What number will Ohtani wear?": a shirt number, not a score.
		return &attribute{name: "the number", verb: "says", holds: jerseyRe.MatchString, subject: true}
	case sentenceAskRe.MatchString(q) && !whenFirstRe.MatchString(q):
		// "What sentence did Nishad Singh get?": a sentence handed down,
		// not the years a charge carries or a defendant faces.
		return &attribute{name: "the sentence handed down", holds: sentencedRe.MatchString}
	case netWorthAskRe.MatchString(q):
		// "What's Rani Zim's net worth?": not the price of a stake he
		// bought.
		return &attribute{name: "a fortune", holds: func(s string) bool { return isSum(s) && fortuneRe.MatchString(s) }, personal: true}
	case ageAskRe.MatchString(q) || head == stem("age"):
		return &attribute{name: "the age", holds: ageRe.MatchString, personal: true, measure: true, apposed: ageRe, described: describedAge}
	case creditAskRe.MatchString(q):
		// "What credit score do you need for the Amex Cash Magnet?":
		// the credit a card asks, not what the card earns.
		return &attribute{name: "the credit needed", verb: "says", holds: creditRe.MatchString}
	case rankAskRe.MatchString(q):
		// "What's Nick Kyrgios ranked at the moment?": a rank, in a
		// sentence that names him.
		return &attribute{name: "the ranking", holds: rankRe.MatchString, personal: true}
	case clockAskRe.MatchString(q):
		// "What time does Apple's event start?": a time of day.
		return &attribute{name: "the time", holds: clockRe.MatchString, measure: true}
	case tempAskRe.MatchString(q):
		return &attribute{name: "the temperature", holds: tempRe.MatchString, measure: true}
	case speedAskRe.MatchString(q) && !growthAskRe.MatchString(q):
		// "How fast is headcount growing?" asks a rate of growth, not a
		// speed.
		return &attribute{name: "the speed", holds: speedRe.MatchString, measure: true}
	case weightAskRe.MatchString(q):
		return &attribute{name: "the weight", holds: weightRe.MatchString, measure: true}
	case distanceAskRe.MatchString(q):
		return &attribute{name: "the distance", holds: measured(distanceRe), measure: true}
	case standForRe.MatchString(q):
		// "What does ASOS stand for?": the words its letters begin.
		m := standForRe.FindStringSubmatch(q)
		short := strings.ToLower(strings.Trim(m[1]+m[2], `"'“”‘’.`))
		return &attribute{name: "what " + strings.ToUpper(short) + " stands for", verb: "says", holds: func(s string) bool {
			return slices.Contains(acronyms(s), short)
		}}
	case languageAskRe.MatchString(q):
		// "What language do they speak in Brazil?": a language named, not
		// a manager's "language barrier".
		return &attribute{name: "the language", verb: "names", holds: func(s string) bool {
			return languageRe.MatchString(s) && languageNameRe.MatchString(s)
		}}
	case currencyAskRe.MatchString(q):
		return &attribute{name: "the currency", verb: "names", holds: currencyRe.MatchString}
	case capitalAskRe.MatchString(q):
		// "What is the capital of Australia?": a name beside the word.
		qs := termSet(q)
		return &attribute{name: "the capital", verb: "names", holds: func(s string) bool { return nameNear(s, capitalRole, qs) }}
	case superlativeAskRe.MatchString(q):
		// "What's the tallest mountain in Africa?": the sentence that
		// answers says so.
		// The thing asked about is named there too: "the longest ski
		// seasons" names no river.
		m := superlativeAskRe.FindStringSubmatch(q)
		most, thing := strings.ToLower(m[1]), extractTerms(m[2])
		return &attribute{name: "which is the " + most, verb: "says", holds: func(s string) bool {
			return superlatives[most].MatchString(s) && (len(thing) != 1 || termSet(s)[thing[0]])
		}}
	case whenEventRe.MatchString(q) && !startDoingRe.MatchString(q):
		// "When was the Eiffel Tower built?", "what year did John Belushi
		// die?": a date beside the event, in a sentence about the thing.
		m := whenEventRe.FindStringSubmatch(q)
		event := eventForms[strings.ToLower(m[3]+m[6])]
		if m[3] != "" && event == eventForms["start"] && startThingRe.MatchString(q) {
			// "What year did Ted Rogers start Rogers Communications?":
			// starting a thing is founding it.
			event = startedThingRe
		}
		// A list of releases dates each title without saying so:
		// "’Salem’s Lot (1975)", "Joker: Folie à Deux: Oct. 4".
		listed := event == eventForms["released"]
		// "What year did the first iPhone come out?" asks a year: "today
		// released" gives none.
		asked := strings.ToLower(m[1] + m[4])
		year := strings.HasSuffix(asked, "year")
		// "What date did Spider-Man 2 come out?" asks a day: "his debut
		// in 2020" gives a year alone.
		day := strings.HasSuffix(asked, "date") || strings.HasSuffix(asked, "day")
		return &attribute{name: "when that was", verb: "says", subject: true, holds: func(s string) bool {
			return event.MatchString(s) && (yearRe.MatchString(s) && !day || !year && dateTextRe.MatchString(s)) || listed && listedDateRe.MatchString(s)
		}}
	case whenOccasionRe.MatchString(q):
		// "When's Bill Kenwright's funeral?", "when did Alyssa Healy make
		// her debut?": a date told with the occasion, not the day he died.
		told := occasionForms[strings.ToLower(whenOccasionRe.FindStringSubmatch(q)[2])]
		return &attribute{name: "when that is", verb: "says", holds: func(s string) bool {
			return told.MatchString(s) && (dateTextRe.MatchString(s) || yearRe.MatchString(s))
		}}
	case stakeAskRe.MatchString(q):
		// "How much of FTX did Gary Wang own?": a share of it, told of
		// the owner, not a sum the company raised.
		return &attribute{name: "the share", holds: stakeRe.MatchString, personal: true}
	case capacityAskRe.MatchString(q):
		// "How many people does Hampden Park hold?": the seats of the
		// place named, not a crowd at one game there or another
		// stadium's seats.
		return &attribute{name: "the capacity", holds: capacityRe.MatchString, subject: true}
	case (head == stem("score") || head == stem("scoreline")) && !ratingScoreRe.MatchString(q):
		// "What was the score when Inter Miami played Vissel Kobe?": a
		// tally ("3-1", "Chiefs 31, Raiders 17", "171 for 8"), not a
		// preview of the match.
		// A match named by its sides ("alabama vs michigan") is told with
		// one of them: "UCLA topped Colorado 28-16 at the Rose Bowl" is
		// another game's score.
		sides := matchSides(q)
		return &attribute{name: "the score", verb: "gives", holds: func(s string) bool {
			if sides != nil {
				if set := termSet(s); !set[sides[0]] && !set[sides[1]] {
					return false
				}
			}
			return hasScore(s) || namedScoreRe.MatchString(s)
		}}
	case head == stem("record") && recordAskRe.MatchString(q):
		// "What's Jens Pulver's pro MMA record?": a tally of wins and
		// losses, not a sentence about his career.
		return &attribute{name: "the record", holds: tallyRe.MatchString, personal: true}
	case head == stem("population"):
		// "What's the population of Japan?": a number beside the word,
		// or a count of its people ("home to 14 million people").
		return &attribute{name: "the population", holds: func(s string) bool { return numberNear(s, head) || countNear(s, populationHeads, nil, true) }, anchored: true}
	case head == stem("apr") || head == stem("apy"):
		// "What's the balance transfer APR on the Delta card?": a rate
		// in percent, not the card's rewards.
		return &attribute{name: "the rate", holds: func(s string) bool {
			return (strings.Contains(s, "%") || percentRe.MatchString(s)) && aprRe.MatchString(s)
		}}
	case head == stem("attendance") || head == stem("turnout"):
		// "What was the attendance for the Bears game?": a number beside
		// the word, or a count of the crowd ("a crowd of 62,500").
		return &attribute{name: "the attendance", holds: func(s string) bool { return numberNear(s, head) || countNear(s, crowdHeads, nil, false) }, anchored: true}
	case heightAskRe.MatchString(q) || head == stem("height"):
		return &attribute{name: "the height", holds: measured(heightRe), personal: true, measure: true}
	case priceTargetRe.MatchString(q):
		// "What's BusinessLine's price target on NTPC?": a sum beside
		// the target.
		return &attribute{name: sumName, holds: func(s string) bool { return isSum(s) && targetRe.MatchString(s) }}
	case head != "" && (moneyWords[head] || payWords[head]) && !ratioAskRe.MatchString(q) && !calledAskRe.MatchString(q):
		// "What's Cubic Telecom's annual revenue?": a sum of money beside
		// the word, not the price SoftBank paid for the company. A salary
		// or a fortune is a person's: the sentence that gives it names
		// them.
		price := head == stem("price")
		return &attribute{name: sumName, holds: func(s string) bool {
			return moneyRe.MatchString(s) && (numberNear(s, head) || slices.ContainsFunc(sumVerbs[head], func(v string) bool { return numberNear(s, v) }) ||
				price && forSumRe.MatchString(s))
		}, personal: payWords[head]}
	case reportedSumRe.MatchString(q):
		// "What did Maersk post as its Q3 profit?": a sum beside the
		// word, as when the question opens with it.
		word := stem(strings.ToLower(reportedSumRe.FindStringSubmatch(q)[1]))
		return &attribute{name: sumName, holds: func(s string) bool { return moneyRe.MatchString(s) && numberNear(s, word) }}
	case howMuchMoneyRe.MatchString(q) || payAsked(q) || howBigMoneyRe.MatchString(q) ||
		howMuchAuxRe.MatchString(q) && !notMoneyAsked(q):
		// "How much is Binance paying Richard Teng?": what a person is
		// paid or worth stands beside their name. "How much are U2
		// tickets?": the price of a ticket is told with the word, not
		// as what the venue cost.
		holds := isSum
		if m := sumThingRe.FindStringSubmatch(q); m != nil {
			thing := sumThings[strings.ToLower(m[1])]
			holds = func(s string) bool { return isSum(s) && thing.MatchString(s) }
		} else if purchaseAskRe.MatchString(q) {
			// "How much did Tencent pay for Riot Games?": the price of a
			// purchase, not Riot's revenue.
			// The thing bought is named beside the price: "Amazon paid
			// $1 billion for Ring" gives no price of Whole Foods.
			bought := purchasedThing(q)
			holds = func(s string) bool {
				return isSum(s) && purchaseRe.MatchString(s) && (len(bought) == 0 || hasAny(termSet(s), bought))
			}
		}
		// "How much are the Ray-Ban Meta glasses in Australian dollars?":
		// a sum in the currency asked.
		if in := currencyAsked(q); in != nil {
			sum := holds
			holds = func(s string) bool { return sum(s) && in.MatchString(s) }
		}
		return &attribute{name: sumName, holds: holds, personal: personalPayRe.MatchString(q)}
	case howManyRe.MatchString(q) && head != "" && !genericAmounts[head] && !tallyHead(head):
		// "How many employees does Meltwater have?": a count beside the
		// word, not the company's market value.
		words := countedWords(q)
		if len(words) == 0 {
			return nil
		}
		heads, asked := map[string]bool{}, map[string]bool{}
		for _, w := range words {
			heads[stem(w)], asked[stem(w)] = true, true
			for _, a := range countAliases[stem(w)] {
				heads[a] = true
			}
		}
		// Articles count a thing of several words by its initials: "10
		// ADCs" for antibody drug conjugates.
		if len(words) > 1 {
			var initials strings.Builder
			for _, w := range words {
				r, _ := utf8.DecodeRuneInString(w)
				initials.WriteRune(r)
			}
			heads[stem(initials.String()+"s")] = true
		}
		rates := perPeriodRe.MatchString(q)
		// The decline names the people counted, not what they did: "the
		// number of fans", not "the number of fans turned".
		named := words
		if last := words[len(words)-1]; len(words) > 1 && len(last) > 4 && strings.HasSuffix(last, "ed") {
			named = words[:len(words)-1]
		}
		return &attribute{name: "the number of " + strings.Join(named, " "), holds: func(s string) bool { return countNear(s, heads, asked, rates) }, anchored: true}
	case howLongRe.MatchString(q):
		// "How long was the field goal he missed?" asks a distance. An
		// age ("the 36-year-old") is no length of time, and the length of
		// a contract is told with the contract ("a two-year deal").
		// A film's running time is told in minutes or hours ("118
		// minutes", "an almost three-hour film"), not as the months it
		// took to write.
		contract := contractAskRe.MatchString(q)
		// "How long does the Kindle Scribe battery last?": a battery's
		// life in time, not the three months of a subscription nor the
		// inches of its screen.
		battery := batteryRe.MatchString(q)
		if runtimeAskRe.MatchString(q) {
			return &attribute{name: "the running time", holds: runtimeRe.MatchString, measure: true}
		}
		distance := measured(distanceRe)
		if lengthAskRe.MatchString(q) {
			// "How long is the track at Lernerville?": a length, not
			// the nine laps of a race there.
			return &attribute{name: "that length", holds: distance, measure: true}
		}
		return &attribute{name: "that length", holds: func(s string) bool {
			s = ageRe.ReplaceAllString(s, "")
			return (durationRe.MatchString(s) || !battery && distance(s)) && (!contract || contractRe.MatchString(s)) && (!battery || batteryRe.MatchString(s))
		}, measure: true}
	case originAskRe.MatchString(q):
		// "Where's Jim Jordan originally from?", "where was Matthew
		// Perry buried?": a birthplace, a hometown or a resting place,
		// in an article about the person ("The winger is a Buffalo
		// native").
		name := "where they come from"
		if buriedRe.MatchString(q) {
			name = "where they are buried"
		}
		return &attribute{name: name, verb: "says", holds: originRe.MatchString, anchored: true}
	case successorAskRe.MatchString(q):
		// "Who replaced Denise George?", "who did they end up picking as
		// speaker?": a sentence that names someone and tells of the
		// succession, not one about the one who left.
		qs := termSet(q)
		return &attribute{name: "who took over", verb: "says", holds: func(s string) bool {
			return successorNear(s, qs)
		}}
	case relativeAskRe.MatchString(q):
		// "What's Peter Kalmus's wife's name?", "what was the name of
		// Craig Morgan's son?": a name beside the relation ("his wife,
		// Fanny", "son Rocky"), not a sentence about the person alone.
		m := relativeAskRe.FindStringSubmatch(q)
		rel := strings.ToLower(m[1] + m[2] + m[3])
		words := map[string]bool{stem(rel): true}
		for _, w := range relatives[stem(rel)] {
			words[w] = true
		}
		qs := termSet(q)
		return &attribute{name: "the " + rel + "'s name", verb: "gives", personal: true, holds: func(s string) bool {
			return nameNear(s, words, qs) || leadingNameNear(s, words, qs)
		}}
	case spouseAskRe.MatchString(q):
		// "Who is Billie Jean King married to?": a sentence about a
		// marriage, in an article about the person.
		return &attribute{name: "who they are married to", verb: "says", holds: spouseRe.MatchString}
	case firstAskRe.MatchString(q):
		// "Who was the first woman to win a Nobel Prize?": a sentence
		// that names someone as the first, not one about this year's
		// winners.
		qs := termSet(q)
		return &attribute{name: "who was the first", verb: "says", holds: func(s string) bool {
			return firstRe.MatchString(s) && namesSomeone(s, qs)
		}}
	case realNameAskRe.MatchString(q):
		// "What's EsfandTV's real name?": a name given as the person's
		// own, not a sentence about the streamer.
		return &attribute{name: "their real name", verb: "gives", holds: realNameRe.MatchString}
	case seatAskRe.MatchString(q):
		// "Where is Deft based?": a seat told as such, not a sentence
		// about the startup's funding.
		return &attribute{name: "where it is based", verb: "says", holds: seatRe.MatchString}
	case collegeAskRe.MatchString(q):
		// "Where did Fred Warner play college football?": a college, not
		// the team he plays for now.
		// "this year's College Football Playoff race" names no college.
		return &attribute{name: "where they went to college", verb: "says", holds: func(s string) bool {
			return collegeRe.MatchString(collegeGameRe.ReplaceAllString(s, "")) || playedCollegeAtRe.MatchString(s)
		}}
	case roleAskRe.MatchString(q) || roleVerbAskRe.MatchString(q):
		// "Who's the CEO of MTN?", "who founded the White Company?": a
		// sentence that names the role, not one that only mentions the
		// company.
		var asked, name string
		if m := roleAskRe.FindStringSubmatch(q); m != nil {
			asked = strings.ToLower(m[1])
			name = "who the " + asked + " is"
			if isUpperWord(m[1]) {
				name = "who the " + m[1] + " is"
			}
			if strings.HasPrefix(asked, "voice") {
				name = "who voices it" // not "who the voice is"
			}
		} else {
			asked = strings.ToLower(roleVerbAskRe.FindStringSubmatch(q)[1])
			name = "who " + asked + " it"
		}
		told, qs := roleTold[asked], termSet(q)
		v, ok := roleVerbs[asked]
		if ok {
			told = roleVerbTold[v]
		}
		// A cast is listed with each part's player in brackets: "Richter
		// Belmont (Edward Bluemel)".
		cast := v == "voiced" || v == "played" || strings.HasPrefix(asked, "voice")
		return &attribute{name: name, verb: "says", lead: true, holds: func(s string) bool {
			// The role, and someone the question does not name: "the
			// editor-in-chief did not return requests for comment"
			// names nobody; a "free agent" is no agent.
			return (told.MatchString(freeAgentRe.ReplaceAllString(s, "")) || cast && castRe.MatchString(s)) && namesSomeone(s, qs)
		}}
	}
	return nil
}

var (
	// roleAskRe matches a question asking who holds a role ("who's the
	// CEO of Walgreens?", "who is Juan Soto's agent?"), roleVerbAskRe one
	// asking who acts in it ("who founded Discogs?"); roleTold maps each
	// way of asking to the words a sentence that names the holder uses.
	roleAsked, roleTold = askedAndTold([]struct{ asked, told string }{
		{"ceo|chief executive|boss", roleTells["runs"]},
		{"president", "president|presidents|leader|head of|chief|ceo"},
		{"chair|chairman|chairwoman|chairperson", "chair|chairs|chaired|chairman|chairwoman|chairperson|head of|leads|led by"},
		{"creator", roleTells["created"]},
		{"founder|co-founder|cofounder", roleTells["founded"]},
		{"coach|head coach|manager", roleTells["coaches"]},
		{"editor|editor in chief|editor-in-chief", "editor|editors|editor-in-chief"},
		{"agent", roleTells["represents"]},
		{"trainer", roleTells["trains"]},
		{"developer", roleTells["developed"]},
		{"owner", roleTells["owns"]},
		{"captain", "captain|captains|captained|captaincy|skipper|lead|leads|led"},
		{"producer", roleTells["produced"]},
		{"cfo|chief financial officer", "cfo|chief financial officer|finance chief|finance director"},
		{"cto|chief technology officer", "cto|chief technology officer|technology chief"},
		{"commissioner", "commissioner|commissioners"},
		{"coordinator|offensive coordinator|defensive coordinator", "coordinator|coordinators"},
		{"voice|voice actor|voice actress", roleTells["voiced"]},
	})
	// roleTells maps the verbs of roleVerbAskRe to the words a sentence
	// that names who acts uses.
	roleTells = map[string]string{
		"runs":       "ceo|ceos|chief executive|chief exec|boss|head of|heads|headed|chief|president|founder|co-founder|runs|run by|leads|led by|helm|executive",
		"created":    "creator|creators|created|creates|co-created|co-creator|founder|founded|behind|showrunner|producer|produced|developed|made by|brainchild|writer|written by",
		"founded":    "founder|founders|co-founder|co-founders|cofounder|founded|co-founded|founding|started|starts|launched|created|creator|set up|built|behind|brainchild",
		"coaches":    "coach|coaches|coached|coaching|manager|managers|managed|boss|head of|skipper|coordinator|appointed|hired|named",
		"represents": "agent|agents|agency|represent|represents|represented|representing|representation",
		"trains":     "trainer|trainers|trains|trained|training|coach|coaches|coached|corner",
		"developed":  "developer|developers|developed|develops|developing|studio|studios|made by|maker|makers|creator|behind",
		"owns":       "owner|owners|owns|owned|ownership|bought|acquired|purchased|stake",
		"produced":   "producer|producers|produced|produces|production|co-produced",
		"led":        "led|leads|lead|leading|co-led|co-leads",
		"voiced":     "voice|voices|voiced|voicing|voice actor|voice actress|voice cast",
		"played":     "plays|played|playing|portrays|portrayed|portraying|stars|starred|starring|star|cast|role|actor|actress|voice|voices|voiced",
		"composed":   "composer|composers|composed|composing|score|scored|music by|soundtrack",
		"directed":   "director|directors|directed|directing|directorial|filmmaker|helmed|helmer",
		"designed":   "designer|designers|designed|designing",
		"invented":   "inventor|inventors|invented|invention|inventing",
	}
	roleVerbTold = func() map[string]*regexp.Regexp {
		m := map[string]*regexp.Regexp{}
		for v, told := range roleTells {
			m[v] = regexp.MustCompile(`(?i)\b(` + told + `)\b`)
		}
		return m
	}()
	// roleVerbs maps each verb of roleVerbAskRe to its key in roleTells.
	roleVerbs = map[string]string{"founded": "founded", "co-founded": "founded", "started": "founded", "created": "created",
		"coaches": "coaches", "manages": "coaches", "trains": "trains", "owns": "owns", "runs": "runs", "represents": "represents",
		"developed": "developed", "produced": "produced", "led": "led", "voices": "voiced", "voiced": "voiced",
		"plays": "played", "played": "played", "portrays": "played", "portrayed": "played",
		"composed": "composed", "directed": "directed", "designed": "designed", "invented": "invented"}
	// purchaseAskRe matches a question asking what was paid for
	// something; purchaseRe a sentence that tells a purchase.
	purchaseAskRe = regexp.MustCompile(`(?i)\b` + paidFor + `\b|\bhow much did \S+( \S+)? (buy|acquire) \S+`)
	purchaseRe    = regexp.MustCompile(`(?i)\b(paid|pay|pays|paying|bought|buy|buys|buying|acquir\w*|purchas\w*|deals?|sold|sell|sells|sale|takeover|snapped up|offer\w*|bid|fee|transfer|signing|signed|auction|valu\w*)\b|\bfor\s+((about|around|roughly|nearly|almost|some|just|more than|over|up to|between)\s+)?([$£€¥₹]|(US|A|AU|C|NZ)\$)\s?\d`)
	// creditAskRe matches a question asking the credit score something
	// needs; creditRe a sentence that tells it.
	creditAskRe = regexp.MustCompile(`(?i)\b(credit score|fico score|credit rating)\b`)
	creditRe    = regexp.MustCompile(`(?i)\b(credit scores?|fico|credit ratings?|(good|very good|excellent|fair|poor|bad|limited|no) credit|credit history|credit profile)\b`)
	// rankAskRe matches a question asking where someone is ranked;
	// rankRe a rank.
	rankAskRe = regexp.MustCompile(`(?i)^\W*(what|what's|whats|where)\b.*\b(ranked|ranking|rank)\b(\W+(right now|now|at the moment|currently|these days|in the world|this week|atm))*\W*$`)
	rankRe    = regexp.MustCompile(`(?i)\bno\.\s?\d+|\bnumber \d+\b|#\d+|\branked (\w+ )?\d+(st|nd|rd|th)?\b|\b\d+(st|nd|rd|th)?[- ]ranked\b|\bworld (no|number)\b|\b\d+(st|nd|rd|th) in the world\b|\branking of \d+`)
	// priceTargetRe matches a question asking an analyst's price target;
	// targetRe a sentence that may give one.
	priceTargetRe = regexp.MustCompile(`(?i)\b(price target|target price|price objective)s?\b`)
	targetRe      = regexp.MustCompile(`(?i)\b(target|targets|objective|fair value)\b`)
	// collegeAskRe matches a question about where someone played or
	// studied at college; collegeRe a sentence that says it.
	collegeAskRe  = regexp.MustCompile(`(?i)^\W*(where|what college|which college|what school|which school)\b.*\b(play|played|go|went|attend|attended|study|studied)\b.*\b(college|university|uni)\b|^\W*(where|what|which)\b.*\bplay(ed)? college (ball|football|basketball|hoops)\b`)
	collegeRe     = regexp.MustCompile(`\b([Cc]ollege|[Uu]niversity|[Ss]chool|State|Tech|[Aa]lma mater|[Aa]lum|[Aa]lumnus|[Gg]raduate[ds]?|[Tt]ransferred|[Ww]alk-on|[Rr]ecruit(ed)?|[Dd]rafted out of|[Oo]ut of)\b`)
	freeAgentRe   = regexp.MustCompile(`(?i)\bfree[ -]agen(t|ts|cy)\b`)
	roleAskRe     = regexp.MustCompile(`(?i)^\W*(?:so |and |ok |okay )?(?:who|who's|whos|who is|who was|who are|who will be|whose)\b.*?\b(` + roleAsked + `)\b`)
	roleVerbAskRe = regexp.MustCompile(`(?i)^\W*(?:so |and |ok |okay )?who (founded|co-founded|started|created|coaches|manages|trains|owns|runs|represents|developed|produced|led|voices|voiced|plays|played|portrays|portrayed|composed|directed|designed|invented)\b`)
)

// ratioAskRe matches a ratio asked of two figures ("what debt-to-GDP
// ratio is the Philippines aiming for?"): a share, not a sum of debt.
var ratioAskRe = regexp.MustCompile(`(?i)\b[\p{L}\d]+[- ]to[- ][\p{L}\d]+ ratios?\b`)

// recordAskRe matches a question asking someone's record of wins and
// losses: "what's Pulver's pro MMA record?", not a record set ("Aaron Judge's
// free agent record").
var recordAskRe = regexp.MustCompile(`(?i)\b(win-loss|career|pro|professional|fight|fighting|mma|boxing|overall) record\b`)

// castRe matches a cast listed with each part's player in brackets
// ("Richter Belmont (Edward Bluemel)"), or introduced as one.
var castRe = regexp.MustCompile(`\p{Lu}[\p{L}'’.-]*\s+\(\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*)+\)|\b[Cc]ast:|\b[Ss]tarring\b`)

// sidesRe matches the two sides of a match a question names: "Benavidez
// vs Andrade", "Pereira v. Prochazka".
var sidesRe = regexp.MustCompile(`(?i)([\p{L}'’-]+)\s+(?:vs\.?|v\.?|versus)\s+([\p{L}'’-]+)`)

// matchSides returns the stems of the two sides a question names with
// "vs", or nil.
func matchSides(q string) []string {
	m := sidesRe.FindStringSubmatch(q)
	if m == nil {
		return nil
	}
	a, b := extractTerms(withoutPossessive(m[1])), extractTerms(withoutPossessive(m[2]))
	if len(a) != 1 || len(b) != 1 || a[0] == b[0] {
		return nil
	}
	return []string{a[0], b[0]}
}

var (
	// collegeGameRe matches the college game as a whole, which names no
	// college; playedCollegeAtRe a college career told with the game
	// ("played college football at Michigan").
	collegeGameRe     = regexp.MustCompile(`(?i)\bcollege (football|basketball|baseball|softball|hockey|sports?|athletics|ball|hoops|games?|playoffs?|world series|season|coach(es)?|ranks|level)\b`)
	playedCollegeAtRe = regexp.MustCompile(`(?i)\bplay(s|ed|ing)? college (football|basketball|baseball|softball|hockey|ball|hoops) (at|for)\b`)
)

// phraseIn reports whether s writes the words of t together, in order:
// "United's tally of 12 FA Cup triumphs" does not write "United Cup".
func phraseIn(s string, t Term) bool {
	ws := extractTerms(s)
	for i := 0; i+len(t.Words) <= len(ws); i++ {
		if slices.Equal(ws[i:i+len(t.Words)], t.Words) {
			return true
		}
	}
	return t.Acronym != "" && slices.Contains(ws, t.Acronym)
}

// toldWin reports whether s tells of a win (see winRe) that happened: not
// one it only hopes for or rules out ("can't win the Carabao Cup", "a
// chance to win"), nor the "won" of "won't".
func toldWin(s string) bool {
	for _, m := range winRe.FindAllStringIndex(s, -1) {
		if rest := s[m[1]:]; strings.HasPrefix(rest, "'t") || strings.HasPrefix(rest, "’t") {
			continue
		}
		if unicode.IsDigit(rune(s[m[0]])) {
			// A score, unless it is a record: "Benavidez (27-0, 23
			// KOs)", "a 10-2 record".
			if strings.HasSuffix(s[:m[0]], "(") || recordAfterRe.MatchString(s[m[1]:]) {
				continue
			}
			return true
		}
		if !unwonRe.MatchString(s[max(0, m[0]-24):m[0]]) && !hopedWinRe.MatchString(s[max(0, m[0]-40):m[0]]) {
			return true
		}
	}
	return false
}

// lacksAttribute returns the decline for a question asking who won, or a
// figure of a particular form (attr, from [askedAttribute]; nil for none),
// that no candidate sentence gives, or "". The candidates come from
// articles that cover the question; a person's age or height must stand
// in a sentence that names the person ("The 59-year-old Evason" gives no
// age of John Hynes).
func lacksAttribute(question string, attr *attribute, cands []*extractCandidate, terms []Term, weight []float64) string {
	if winAskRe.MatchString(question) {
		// Who won: a sentence must tell of a win (or a score) and hold
		// much of what the question is about besides the win, compared
		// with the sentence that holds most of it: "Elfman went on to win
		// awards" does not say which film won Best Picture.
		var most float64
		about := make([]float64, len(cands))
		for i, c := range cands {
			about[i] = aboutShare(c, terms, weight)
			most = max(most, about[i])
		}
		// "Who won the Benavidez vs Andrade fight?": the sentence that
		// tells the win names both sides (or the sentence before it does).
		sides := matchSides(question)
		// "Who won the Carabao Cup final?": the sentence that tells the
		// win writes the competition's name (or the heading above it
		// does), not the Community Shield's.
		var contests []Term
		for _, t := range terms {
			if t.Kind == TermName && !t.Aside && contestRe.MatchString(t.Text) {
				contests = append(contests, t)
			}
		}
		ahead := false
		for i, c := range cands {
			if about[i] < winMinAbout || about[i] < winMinShare*most {
				continue
			}
			if sides != nil && !(c.terms[sides[0]] && c.terms[sides[1]]) {
				continue
			}
			if slices.ContainsFunc(contests, func(t Term) bool { return !phraseIn(c.text, t) && !t.in(c.heading) }) {
				continue
			}
			if toldWin(c.text) {
				return ""
			}
			ahead = ahead || c.ahead()
		}
		if ahead {
			return AheadText
		}
		return "None of the articles I have says who won."
	}
	if attr == nil {
		return ""
	}
	if slices.ContainsFunc(cands, attr.toldBy(terms, cands)) {
		return ""
	}
	return mentionedBut(terms, cmp.Or(attr.verb, "gives")+" "+attr.name+".")
}

// toldBy returns whether a candidate sentence gives the figure attr asks
// for, of the person or the thing the question names (terms) when attr
// says so; cands are the candidates read, which name the person when the
// question writes no name as one.
func (attr *attribute) toldBy(terms []Term, cands []*extractCandidate) func(*extractCandidate) bool {
	var people []Term
	if attr.personal || attr.subject {
		for _, t := range terms {
			if t.Kind == TermName && (attr.subject || personLike(t.Text)) {
				people = append(people, t)
			}
		}
		if len(people) == 0 {
			people = namedInPassages(terms, cands)
		}
	}
	return func(c *extractCandidate) bool {
		if !attr.holds(c.text) {
			return false
		}
		// A sentence names the person by the whole name, the surname or
		// the first name standing alone ("Britney, 41," but not "Daniel
		// Craig" for Craig Morgan); one that opens by referring back
		// ("His 7-foot-4 frame") names the person of the sentence before
		// it.
		named := func(t Term) bool {
			return t.in(c.terms) || surnameIn(t, c.terms) || firstNameAlone(t, c.text) ||
				c.lead != "" && (t.in(c.prev) || surnameIn(t, c.prev) || firstNameAlone(t, c.lead))
		}
		if attr.subject {
			// A word of the name written as a name ("the GPT store"
			// for "OpenAI's GPT store"): a lower-case "wind towers" is
			// not the Eiffel Tower.
			own, lead := capitalStems(c.text), capitalStems(c.lead)
			named = func(t Term) bool {
				return t.in(c.terms) || slices.ContainsFunc(t.Words, func(w string) bool { return own[w] }) ||
					c.lead != "" && (t.in(c.prev) || slices.ContainsFunc(t.Words, func(w string) bool { return lead[w] })) ||
					kindRefRe.MatchString(c.text) && t.in(c.prev)
			}
		}
		if attr.speaker != nil {
			return spoke(c, attr.speaker)
		}
		described := attr.described != nil && attr.described(c.text)
		return len(people) == 0 || slices.ContainsFunc(people, func(t Term) bool {
			if named(t) && (attr.apposed == nil || nearestName(c.text, attr.apposed, t)) {
				return true
			}
			return described && (t.in(c.prev) || surnameIn(t, c.prev) || t.in(c.meta) || surnameIn(t, c.meta)) && !namesAnother(c.text, t)
		})
	}
}

// nearestName reports whether, for some figure fig matches in s, the
// name nearest it is the person's ("Rocky, 11, and daughter Charlotte
// Grace, 14, with husband Freddie Prinze Jr" gives no age of Freddie
// Prinze Jr), or s names nobody and refers back to them ("The
// 76-year-old also…").
func nearestName(s string, fig *regexp.Regexp, person Term) bool {
	ws := strings.Fields(s)
	var names []int // indexes of the words that may be names
	starts := make([]int, len(ws))
	at := 0
	for i, w := range ws {
		at += strings.Index(s[at:], w)
		starts[i] = at
		at += len(w)
		r, _ := utf8.DecodeRuneInString(w)
		lw := strings.ToLower(strings.Trim(w, `"'“”‘’()[],.;:!?`))
		if unicode.IsUpper(r) && !answerStopwords[lw] || personPronouns[lw] {
			names = append(names, i)
		}
	}
	if len(names) == 0 {
		return true
	}
	// A pronoun stands for the person, whom the sentence or the one
	// before it names: "He is now 80 years old".
	own := func(i int) bool {
		w := strings.ToLower(strings.Trim(ws[i], `"'“”‘’()[],.;:!?`))
		return personPronouns[w] || slices.Contains(person.Words, stem(withoutPossessive(w)))
	}
	for _, m := range fig.FindAllStringIndex(s, -1) {
		// The figure's first word.
		f := 0
		for f+1 < len(ws) && starts[f+1] <= m[0] {
			f++
		}
		best, dist := -1, len(ws)+1
		for _, i := range names {
			d := max(f-i, i-f)
			if d < dist || d == dist && own(i) {
				best, dist = i, d
			}
		}
		if own(best) {
			return true
		}
	}
	return false
}

// kindRefRe matches a thing named again by its kind: "Eighteen nations
// will contest the tournament in Perth" after a sentence naming the United
// Cup.
var kindRefRe = regexp.MustCompile(`\b[Tt]he (tournament|competition|event|contest|championship|series|festival|show|film|movie|album|game|match|fight|bout|race|season|league|summit|conference|ceremony|election|trial|launch|sale|program|programme|scheme|project|deal)\b`)

// runtimeAskRe matches a question asking how long a film or a show
// runs; runtimeRe a length in minutes or hours.
var (
	runtimeAskRe = regexp.MustCompile(`(?i)\b(runtime|run time|running time)\b|\bhow long is (the |that )?(movie|film|doc|documentary|episode|special)\b`)
	runtimeRe    = regexp.MustCompile(`(?i)\b(\d+|one|two|three|four|an?|half an?)[- ]?(minutes?|mins?|hours?|hrs?)\b|\b\d+h\s?\d+m(in)?\b`)
)

// sumSpanRe matches a sum of money with its scale: "£42.5m", "$US41
// million".
var sumSpanRe = regexp.MustCompile(`(?i)(?:[$£€¥₹₪₩₽₺₦]|\b(?:US|A|AU|C|CA|NZ|HK|S|SG)\$|\$(?:US|A|AU|C|CA|NZ|HK|S|SG))\s?\d[\d,.]*\s?(?:bn|m|k|cr|million|billion|trillion)?\b`)

// measured returns whether a sentence gives the measure re matches once
// its sums of money are set aside: "from 59 yards out", but not the
// "£42.5m" Chelsea paid, which is no 42.5 metres.
func measured(re *regexp.Regexp) func(string) bool {
	return func(s string) bool { return re.MatchString(sumSpanRe.ReplaceAllString(s, "")) }
}

// describedAgeRe matches an age written as the description of someone:
// "the 56-year-old".
var describedAgeRe = regexp.MustCompile(`\b[Tt]he \d{1,3}-year-old\b`)

// describedAge reports whether s gives an age as a description standing
// for someone named before ("The 56-year-old is a thoroughly contemporary
// novelist"), not beside a name ("The 59-year-old Evason") nor of someone
// it names ("the 23-year-old's father, Sergio").
func describedAge(s string) bool {
	for _, m := range describedAgeRe.FindAllStringIndex(s, -1) {
		rest := s[m[1]:]
		if strings.HasPrefix(rest, "'") || strings.HasPrefix(rest, "’") {
			continue
		}
		next := strings.TrimLeft(rest, " ")
		if r, _ := utf8.DecodeRuneInString(next); next != "" && unicode.IsUpper(r) && rest != next {
			continue
		}
		return true
	}
	return false
}

// surnameIn reports whether set holds the last word of the name t
// ("Schmidt’s expertise" for Joe Schmidt).
func surnameIn(t Term, set map[string]bool) bool {
	return t.Kind == TermName && len(t.Words) > 1 && set[t.Words[len(t.Words)-1]]
}

// firstNameAlone reports whether s calls the person t by the first name
// alone ("Britney, then 16, …"), not as part of another's name ("James
// Bond star Daniel Craig" names no Craig Morgan).
func firstNameAlone(t Term, s string) bool {
	if t.Kind != TermName || len(t.Words) < 2 {
		return false
	}
	ws := strings.Fields(s)
	capital := func(i int) bool {
		if i < 0 || i >= len(ws) {
			return false
		}
		r, _ := utf8.DecodeRuneInString(strings.TrimLeft(ws[i], `"'“‘(`))
		return unicode.IsUpper(r)
	}
	// ends reports whether word i ends a clause ("Britney," ends the
	// name it stands in).
	ends := func(i int) bool { return strings.ContainsAny(ws[i][len(ws[i])-1:], ",.;:!?") }
	for i, w := range ws {
		w = strings.Trim(w, `"'“”‘’()[],.;:!?`)
		if !capital(i) || stem(strings.ToLower(withoutPossessive(w))) != t.Words[0] {
			continue
		}
		// A capitalised word joined before it ("Daniel Craig") or after
		// it ("Craig Smith") makes it part of another name.
		joinedBefore := i > 0 && capital(i-1) && !ends(i-1)
		joinedAfter := !ends(i) && capital(i+1)
		if !joinedBefore && !joinedAfter {
			return true
		}
	}
	return false
}

// namesAnother reports whether s names a person other than t ("Chicago
// head coach Luke Richardson did not hold the 18-year-old back").
func namesAnother(s string, t Term) bool {
	for _, run := range capitalRunRe.FindAllString(s, -1) {
		if personLike(run) && !slices.Contains(extractTerms(run), t.Words[len(t.Words)-1]) {
			return true
		}
	}
	return false
}

// leadingNameNear reports whether s opens with a name set apart by a
// comma, with a word of role within three words after it: "Fanny, his
// wife of 18 years".
func leadingNameNear(s string, role, q map[string]bool) bool {
	ws := strings.Fields(s)
	if len(ws) < 2 || !strings.HasSuffix(ws[0], ",") || !unaskedName(strings.Trim(ws[0], `"'“”‘’()[],.;:!?`), q) {
		return false
	}
	for _, w := range ws[1:min(len(ws), 4)] {
		if role[stem(strings.ToLower(withoutPossessive(strings.Trim(w, `"'“”‘’()[],.;:!?`))))] {
			return true
		}
	}
	return false
}

// relationWords are the words for a relative a question may ask the name
// of; relatives maps each (stemmed) to the words a sentence naming that
// relative may use.
const relationWords = `wife|husband|spouse|partner|girlfriend|boyfriend|fianc[eé]e?|son|sons|daughter|daughters|child|children|kid|kids|baby|twins|brother|sister|mother|father|mom|mum|dad|niece|nephew|grandson|granddaughter`

var relatives = equivalents([]string{
	"wife husband spouse partner married marry marries girlfriend boyfriend fiance fiancee fiancé fiancée",
	"son sons daughter daughters child children kid kids baby babies twins",
	"brother brothers sister sisters sibling siblings",
	"mother father mom mum dad parent parents",
	"niece nephew grandson granddaughter grandchild grandchildren",
})

// personPronouns stand for a person a sentence speaks of.
var personPronouns = map[string]bool{"he": true, "she": true, "his": true, "her": true, "him": true}

// successorNear reports a capitalised word the question does not name
// (q, its stems) within four words after or five before a word of
// succession in s (an aside after the name skipped): "named
// Richard Teng as its new CEO", "interim speaker Patrick McHenry", not
// "when she was named attorney general in 2019, … before Epstein".
func successorNear(s string, q map[string]bool) bool {
	if succeeds(s, q) {
		return true
	}
	// "Richard Teng, Binance's former head of regional markets, will be
	// the exchange's new CEO": the aside after the name is skipped.
	short := appositionRe.ReplaceAllString(s, "$1")
	return short != s && succeeds(short, q)
}

// succeeds reports a name the question does not give (its stems in q)
// near a word of succession in s.
func succeeds(s string, q map[string]bool) bool {
	ws := strings.Fields(s)
	var names []int
	for i, w := range ws {
		if i > 0 && unaskedName(strings.Trim(w, `"'“”‘’()[],.;:!?`), q) {
			names = append(names, i)
		}
	}
	if len(names) == 0 {
		return false
	}
	for _, m := range successionRe.FindAllStringIndex(s, -1) {
		at := len(strings.Fields(s[:m[0]]))
		for _, n := range names {
			// The name comes up to five words before ("Teng will be the
			// exchange's new CEO"), or four after ("named Richard Teng").
			if d := n - at; d >= -5 && d <= 4 {
				return true
			}
		}
	}
	return false
}

// appositionRe matches a name of two words followed by an aside between
// commas (at most twelve words), the name its first group.
var appositionRe = regexp.MustCompile(`(\p{Lu}[\p{L}'’.-]*\s+\p{Lu}[\p{L}'’.-]*),(?:\s+[^\s,.;:!?]+){1,12},`)

// mentionedBut declines by naming up to two names of the question the
// articles mention and what none of them does ("gives the age."): "The
// articles I have mention John Hynes, but none of them gives the age."
func mentionedBut(terms []Term, lacking string) string {
	var names []Term
	for _, t := range terms {
		if t.Kind == TermName && len(names) < 2 {
			names = append(names, t)
		}
	}
	if len(names) == 0 {
		return "None of the articles I have " + lacking
	}
	return "The articles I have mention " + termNames(names) + ", but none of them " + lacking
}

// spoke reports whether a sentence reports words of the speaker (the stems
// of their name): a verb of saying a few words from the name ("Novo
// Nordisk said in a statement"), or "he said" after a sentence that names
// them. A sentence that names the speaker and quotes someone else does
// not.
func spoke(c *extractCandidate, speaker []string) bool {
	ws := strings.Fields(c.text)
	var at, says []int
	for i, w := range ws {
		w = strings.ToLower(strings.Trim(w, `"'“”‘’()[],.;:!?-–—`))
		if slices.Contains(speaker, stem(withoutPossessive(w))) {
			at = append(at, i)
		}
		if speechVerbRe.MatchString(w) {
			says = append(says, i)
		}
	}
	for _, a := range at {
		for _, b := range says {
			if b-a <= speechSpan && a-b <= speechSpan {
				return true
			}
		}
	}
	return c.prev != nil && pronounSaysRe.MatchString(c.text) && slices.ContainsFunc(speaker, func(w string) bool { return c.prev[w] })
}

// speechSpan is the most words between a speaker's name and the verb of
// saying that reports their words.
const speechSpan = 8

var (
	speechVerbRe  = regexp.MustCompile(`^(said|says|say|saying|told|tells|tweeted|wrote|writes|posted|stated|states|added|adds|explained|argued|warned|insisted|noted|responded|replied|commented|according|statement|spokesperson|spokesman|spokeswoman)$`)
	pronounSaysRe = regexp.MustCompile(`(?i)\b(he|she|they|it)\s+(said|says|added|adds|told|tells|wrote|writes|explained|argued|warned|insisted|noted|responded|replied)\b|\b(said|says|added|adds)\s+(he|she|they|it)\b|^(He|She|They|It)\b`)
)

var (
	// typeAskRe matches a question asking which one of a kind of place
	// or body ("which university", "what record label"); typeWords maps
	// each kind to the words a sentence naming one uses.
	typeKinds, typeWords = askedAndTold([]struct{ asked, told string }{
		{"label", "label|labels|records|recordings"},
		{"university", "university|universities|college|institute|school"},
		{"college", "college|colleges|university"},
		{"school", "school|schools|academy|college|university"},
		{"stadium", "stadium|stadio|estadio|field|park|ground|arena"},
		{"arena", "arena|arenas|center|centre|stadium"},
		{"theatre", "theatre|theater|theatres|theaters|playhouse|opera house|hall"},
		{"theater", "theater|theatre|theaters|theatres|playhouse|opera house|hall"},
		{"venue", "venue|venues|stadium|arena|theatre|theater|hall|center|centre|club|park|ground"},
		{"hospital", "hospital|hospitals|medical center|medical centre|clinic|infirmary"},
		{"airport", "airport|airports"},
		{"prison", "prison|prisons|jail|penitentiary|correctional"},
	})
	typeAskRe = regexp.MustCompile(`(?i)\b(?:which|what)\s+(?:record\s+)?(` + typeKinds + `)\b`)
	// jerseyAskRe matches a question about a player's shirt number.
	jerseyAskRe = regexp.MustCompile(`(?i)\b(what|which)\s+(jersey\s+|shirt\s+|uniform\s+)?(number|no\.?)\b.*\b(wear|wears|wearing|wore|don|take|takes|taking)\b|\b(jersey|shirt|uniform)\s+number\b|\b(what|which)\s+(number|no\.?)\s+car\b|\bcar\s+number\b`)
	jerseyRe    = regexp.MustCompile(`(?i)\bno\.\s?\d{1,2}\b|#\d{1,2}\b|\bnumbers?\s+\d{1,2}\b|\b\d{1,2}\s+(jersey|shirt|car)\b`)
)

// askedAndTold reads a table of the ways a thing is asked for and the
// words a sentence that tells it uses (alternatives separated by "|"): it
// returns every way of asking as one alternation, and a map from each to
// the pattern of its told words.
func askedAndTold(rows []struct{ asked, told string }) (string, map[string]*regexp.Regexp) {
	told := map[string]*regexp.Regexp{}
	var asked []string
	for _, r := range rows {
		re := regexp.MustCompile(`(?i)\b(` + r.told + `)\b`)
		for _, a := range strings.Split(r.asked, "|") {
			told[a] = re
			asked = append(asked, a)
		}
	}
	return strings.Join(asked, "|"), told
}

// winMinShare is the share, of the most any candidate holds of a who-won
// question's weight besides the words of winning, that a sentence telling
// the winner must hold.
const winMinShare = 0.5

// winMinAbout is the least share of that weight such a sentence holds.
const winMinAbout = 0.2

// aboutShare returns the share of the weight of the terms other than the
// words of winning that a sentence holds, with its context and its
// article's title.
func aboutShare(c *extractCandidate, terms []Term, weight []float64) float64 {
	var total, got float64
	for i, t := range terms {
		if len(t.Words) == 1 && winRe.MatchString(t.Text) {
			continue
		}
		total += weight[i]
		_, withMeta := c.share(terms[i:i+1], weight[i:i+1], c.meta)
		got += withMeta
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// countedWords returns the words a "how many" question counts, as the
// question writes them, up to its verb: "new two wheelers" in "how many new
// two wheelers go on India's roads?", "people died" in "how many people
// died of dementia?". A question that counts times ("how many times has
// Ireland lost?") or asks no count returns nil.
func countedWords(q string) []string {
	ws := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\'' && r != '’'
	})
	for i := 0; i+1 < len(ws); i++ {
		if ws[i] != "how" || ws[i+1] != "many" {
			continue
		}
		var out []string
		for _, w := range ws[i+2:] {
			if headStop[w] || headPrep[w] {
				break
			}
			if countFillers[w] {
				// "how many fans actually turned up"
				continue
			}
			if bare := withoutPossessive(w); bare != w && len(out) == 0 {
				// "how many people's urine tested positive?" counts
				// people ("how many Trader Joe's stores", stores).
				return []string{bare}
			}
			out = append(out, w)
			// A verb in the past ends the counted words when the
			// question has no auxiliary: "how many people watched
			// Bears-Vikings" counts people who watched, not Vikings.
			if len(out) > 1 && len(w) > 4 && strings.HasSuffix(w, "ed") {
				break
			}
		}
		if slices.Contains(out, "times") {
			return nil
		}
		return out
	}
	return nil
}

// countFillers are words that may stand among the counted words without
// being counted.
var countFillers = map[string]bool{"actually": true, "really": true, "even": true, "exactly": true, "roughly": true,
	"approximately": true, "about": true, "total": true, "overall": true, "officially": true, "reportedly": true}

// namedScoreRe matches a score written beside the sides' names ("Chiefs
// 31, Raiders 17") or as a cricket total ("171 for 8", "171/8").
var namedScoreRe = regexp.MustCompile(`\b\p{Lu}[\p{L}.]*\s+\d{1,3},\s+\p{Lu}[\p{L}.]*(?:\s+\p{Lu}[\p{L}.]*)?\s+\d{1,3}\b|\b\d{1,3}(?: for |/)\d{1,2}\b`)

// ratingScoreRe matches a score that is a rating, not a match's: "credit
// score", "Metacritic score".
var ratingScoreRe = regexp.MustCompile(`(?i)\b(credit|test|sat|act|approval|metacritic|review|critic|critics|audience|user|health|safety|risk|esg|rotten tomatoes)\s+scores?\b`)

// contractAskRe matches a question about a contract; contractRe the words
// a sentence that gives its length uses.
var (
	contractAskRe = regexp.MustCompile(`(?i)\b(contract|deal|extension)\b`)
	contractRe    = regexp.MustCompile(`(?i)\b(contract|contracts|deal|deals|extension|signed|signs|signing|until|through)\b`)
)

var (
	// lengthAskRe matches a question asking how long a thing is, which
	// is a length and no duration: "how long is the track at
	// Lernerville?".
	lengthAskRe = regexp.MustCompile(`(?i)\bhow long (?:is|was|are|were) (?:the|that|this|its|their|his|her)\s+(?:\S+\s+)?(track|circuit|course|bridge|tunnel|river|road|runway|pier|trail|route|wall|coastline|border|pipeline|pitch|pool|ship|yacht|boat|train|truck|limo|limousine|jump|putt|kick|field goal|throw|drive|home run|homer)\b`)
	// batteryRe matches the words of a battery's life, asked or told.
	batteryRe = regexp.MustCompile(`(?i)\b(battery|batteries|charge|charges|charging)\b`)
	// firstAskRe matches a question asking who was the first, last or
	// only one to do something ("who was the UK's first female prime
	// minister?"); firstRe a sentence that says so.
	firstAskRe = regexp.MustCompile(`(?i)^\W*who(?:'s|’s| is| was| were| became)\s+(?:the\s+(?:[\pL.]+['’]s\s+)?|[\pL.]+['’]s\s+)(first|last|only|youngest|oldest)\b`)
	firstRe    = regexp.MustCompile(`(?i)\b(first|last|only|youngest|oldest|pioneer\w*)\b`)
	// realNameAskRe matches a question asking someone's real name;
	// realNameRe a sentence that gives one as theirs.
	realNameAskRe = regexp.MustCompile(`(?i)\b(real|birth|legal|full|actual) name\b`)
	realNameRe    = regexp.MustCompile(`(?i)\b(real|birth|legal|full|given) name\b|\bborn\b|\bn[ée]e\b|\bwhose name is\b|\ba\.?k\.?a\.?\b|\balso known as\b|\bbetter known as\b|\bknown (professionally|online) as\b`)
	// seatAskRe matches a question asking where a company is based;
	// seatRe a sentence that tells its seat.
	seatAskRe = regexp.MustCompile(`(?i)^\W*(?:where|what city|which city)\b.*\b(headquartered|based|hq|headquarters)\b`)
	seatRe    = regexp.MustCompile(`(?i)\b(headquarter\w*|hq|head office|based (in|out of)|home base)\b|\w-based\b`)
)

// clockAskRe matches a question asking the time of day something happens;
// clockRe a time of day.
var (
	clockAskRe = regexp.MustCompile(`(?i)\b(what|which) time\b`)
	clockRe    = regexp.MustCompile(`(?i)\b\d{1,2}(:\d{2})?\s?([ap]\.?m\b\.?)|\b\d{1,2}[:.]\d{2}\s?(ET|PT|CT|MT|GMT|BST|UTC|CET|AEDT|AEST|IST)?\b|\b(noon|midnight)\b|\b\d{1,2}\s?(ET|PT|CT|GMT|BST|UTC|CET|AEDT|AEST)\b`)
)

// Measures a question asks of a thing, and the units that give them.
var (
	tempAskRe     = regexp.MustCompile(`(?i)\bhow (hot|cold|warm)\b|\bwhat(?:'s|’s| is| was)? the temperature\b|\bwhat temperature\b|\b(boiling|freezing|melting) point\b`)
	tempRe        = regexp.MustCompile(`(?i)\d\s?(°|º|degrees?\b)|\b\d+(\.\d+)?\s?[CF]\b`)
	speedAskRe    = regexp.MustCompile(`(?i)\bhow fast\b|\b(the|top|what) speed\b|\bspeed of\b`)
	growthAskRe   = regexp.MustCompile(`(?i)\b(grow|grows|growing|grew|growth|rise|rising|rises|increase|increasing|expand|expanding|spread|spreading|climb|climbing|fall|falling|shrink|shrinking|decline|declining)\b`)
	speedRe       = regexp.MustCompile(`(?i)\d\s?(km/h|kph|mph|km/s|m/s|knots\b)|\d[\d,.]*\s?(kilomet(er|re)s?|km|miles?|met(er|re)s?)\s+(per|an|a)\s+(hour|second)\b|\bmach \d`)
	weightAskRe   = regexp.MustCompile(`(?i)\bhow heavy\b|\bhow much (does|did|do|will) .*\bweigh\b|\bwhat (does|did) .*\bweigh\b`)
	weightRe      = regexp.MustCompile(`(?i)\b\d[\d,.]*\s?(kg|kilos?|kilograms?|pounds|lbs?|tonnes?|tons?|grams?|ounces|oz)\b|\b\d[\d,.]*\s?(?-i:g|mg)\b`)
	distanceAskRe = regexp.MustCompile(`(?i)\bhow far (is|are|was|were)\b.*\bfrom\b|\bhow (deep|wide)\b|\bdistance (between|from)\b`)
)

// What a name or a word stands for, and the language or currency of a
// place.
var (
	standForRe    = regexp.MustCompile(`(?i)\bwhat (?:does|do|did) (?:the )?(\S+) (?:actually |really )?stand for\b|\bwhat (?:is|'s|’s) (\S+) short for\b`)
	languageAskRe = regexp.MustCompile(`(?i)\bwhat (language|languages)\b|\blanguages? (is|are) spoken\b|\bofficial language\b`)
	languageRe    = regexp.MustCompile(`(?i)\b(languages?|speak|speaks|spoken|speaking|tongue)\b`)
	// languageNameRe matches the name of a language.
	languageNameRe = regexp.MustCompile(`\b(English|Spanish|Portuguese|French|German|Italian|Dutch|Mandarin|Cantonese|Chinese|Japanese|Korean|Arabic|Hindi|Urdu|Bengali|Russian|Ukrainian|Polish|Turkish|Persian|Farsi|Hebrew|Yiddish|Greek|Latin|Swahili|Tagalog|Filipino|Indonesian|Malay|Thai|Vietnamese|Swedish|Norwegian|Danish|Finnish|Icelandic|Irish|Gaelic|Welsh|Catalan|Basque|Czech|Slovak|Hungarian|Romanian|Bulgarian|Serbian|Croatian|Tamil|Telugu|Punjabi|Marathi|Gujarati|Maori|Yoruba|Igbo|Hausa|Zulu|Xhosa|Afrikaans|Amharic|Quechua|Guarani|Esperanto|Klingon|Elvish)\b|\b[Ss]ign [Ll]anguage\b|\bASL\b|\b\p{Lu}\p{Ll}+(?:ese|ish)\b`)
	currencyAskRe  = regexp.MustCompile(`(?i)\bwhat currency\b|\bcurrency (of|does|do|is|in)\b`)
	currencyRe     = regexp.MustCompile(`(?i)\bcurrency\b|\b(dollar|euro|pound|sterling|yen|yuan|renminbi|rupee|peso|franc|krona|krone|kronor|shekel|rouble|ruble|lira|rand|real|dirham|riyal|naira|tenge|baht|dong|ringgit|rupiah|hryvnia|zloty|forint)s?\b`)
)

var (
	capitalAskRe = regexp.MustCompile(`(?i)\bthe capital( city)? of\b|\bcapital of (\w+\s*){1,3}\W*$|\bcapital( city)? (is|was|called)\b`)
	capitalRole  = map[string]bool{stem("capital"): true}
	// superlativeAskRe matches a question asking which thing is the
	// tallest, biggest or oldest of its kind.
	superlativeAskRe = regexp.MustCompile(`(?i)^\W*(?:what|which|who)(?:\s+\w+)?(?:'s|’s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+)?(tallest|highest|biggest|largest|longest|oldest|deepest|fastest|richest|smallest)\b(?:\s+([\p{L}-]+))?`)
	// whenEventRe matches a question about when something was built,
	// founded, or someone born or died.
	whenEventRe = regexp.MustCompile(`(?i)(?:^\W*|[,;?]\s*|\band\s+)(when|what year|which year|what date)\b(.*)\b(built|founded|born|established|opened|invented|created|discovered|die|died|fall|fell|come down|came down|landing|land|landed|launch|launched|launches|release|released|come out|came out|comes out|coming out|rule|rules|ruling|verdict|hand down|hands down|run out|runs out|expire|expires|start|started|starts|take over|takes over|took over|take charge|took charge|appointed|named|hired)\b|^\W*(when|what year|which year|what date|what day)\b(.*)\b(start|starts|begin|begins|kick off|kicks off|finish|finished|finishes|complete|completed|end|ends|ended|wrap|wraps)(?: up)?(\W*$|\s*[?!.]\s)`)
)

var (
	// startDoingRe matches a question about starting to do something
	// ("when did Uber let riders start recording audio?"), which no
	// sentence dates with the word "start".
	startDoingRe = regexp.MustCompile(`(?i)\bstart(?:ed|s)?\s+\pL+ing\b`)
	// startThingRe matches a question about starting a thing: "start
	// the High Limit series", "start Rogers Communications".
	startThingRe = regexp.MustCompile(`\b(?i:start(?:ed|s)?)\s+(?:(?i:the|a|an|his|her|their|its|up)\b|\p{Lu})`)
	// startedThingRe matches a sentence that dates the start of a thing
	// someone started: its founding.
	startedThingRe = regexp.MustCompile(`(?i)\b(start|starts|started|starting|begin|begins|began|founded|founding|founder|established|launched|created|formed|set up)\b`)
	// stakeAskRe matches a question asking how much of a company or a
	// thing someone owns or holds.
	stakeAskRe = regexp.MustCompile(`(?i)\bhow much of\s+(?:the\s+)?[\pL\pN'’.&-]+\b.*\b(?:own|owns|owned|hold|holds|held|control|controls|controlled|have|has|had)\b`)
	// stakeRe matches a share: "17 percent", "a 51% stake", "a third".
	stakeRe = regexp.MustCompile(`(?i)\d\s?%|\b\d[\d.]*\s?(?:per ?cent|percent)\b|\b(?:half|a third|a quarter|two[- ]thirds|three[- ]quarters|majority|minority)\b`)
	// capacityAskRe matches a question asking how many a place holds.
	capacityAskRe = regexp.MustCompile(`(?i)\bcapacity\b|\bhow many\s+(?:people|fans|spectators|seats)?\s*(?:can|does|do|will|could)\b.*\b(?:hold|seat|fit|accommodate)\b|\bhow many seats\b`)
	// capacityRe matches the seats of a place: "a 90,000-seat stadium",
	// "which seats approximately 40,000", "a capacity of 52,000", and a
	// table's Capacity column a few cells before its figure.
	capacityRe = regexp.MustCompile(`(?i)\b\d[\d,.]*(?:\s*k)?\s*[-–]?\s*(?:seats?|seater|capacity)\b|\b(?:capacity|seats|seating|holds|accommodates)\b\W+(?:[\pL.()']+\W+){0,6}?\d[\d,]*\d`)
	// textBearers are things that bear words (stems): what they say is
	// written on them.
	textBearers = stems("banner sign placard poster billboard shirt t-shirt sticker plaque tattoo headline caption note memo letter message")
	// quotationRe matches words in quotation marks.
	quotationRe = regexp.MustCompile(`“[^“”]{2,}”|"[^"]{2,}"|‘[^‘]{2,}’`)
)

// listedDateRe matches a date set after a title in a list: a year in
// brackets, or a date after a colon that ends the line.
var listedDateRe = regexp.MustCompile(`(?i)\(\s*(1[89]|20)\d\d\s*\)|:\s*(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(,?\s+\d{4})?\s*\.?$`)

// superlatives holds, for each superlative a question asks, the words a
// sentence that answers it uses.
var superlatives = formsOf([][]string{{"tallest", "highest"}, {"biggest", "largest"}, {"longest"}, {"oldest"}, {"deepest"},
	{"fastest", "quickest"}, {"richest", "wealthiest"}, {"smallest", "tiniest"}})

// eventForms holds, for each event a when-question asks, the words a
// sentence that dates it uses.
var eventForms = formsOf([][]string{
	{"built", "build", "builds", "building", "construction", "constructed", "completed"},
	{"founded", "found", "founding", "founder", "established"},
	{"born", "birth"},
	{"established", "founded", "founding"},
	{"opened", "opening", "opens"},
	{"invented", "invention", "inventor"},
	{"created", "creation"},
	{"discovered", "discovery"},
	{"die", "died", "death", "dead", "passed away"},
	{"fall", "fell", "fallen", "falls", "came down", "come down", "torn down", "collapse", "collapsed"},
	{"landing", "land", "landed", "landings", "touched down"},
	{"launch", "launched", "launches", "launching", "release", "released", "releases", "come out", "came out", "comes out", "coming out",
		"debut", "debuted", "debuts", "rolled out", "rolls out", "arrive", "arrives", "arrived", "arriving", "went live",
		"goes live", "available", "on sale"},
	{"start", "starts", "started", "starting", "begin", "begins", "began", "beginning", "kick off", "kicks off", "kicked off", "opens", "opening", "get under way", "gets under way", "underway"},
	{"finish", "finished", "complete", "completed", "completion", "end", "ends", "ended", "wrap", "wraps", "wrapped", "concluded", "built", "closes", "until"},
	{"rule", "rules", "ruled", "ruling", "verdict", "hand down", "hands down", "handed down", "decision", "decide", "decides", "decided"},
	{"run out", "runs out", "expire", "expires", "expiring", "expiry", "until", "end", "ends"},
	{"take over", "takes over", "took over", "taken over", "taking over", "take charge", "took charge", "become", "became",
		"appointed", "appointment", "named", "hired", "joined", "promoted", "elected", "succeeded", "replaced",
		"took the helm", "took the reins", "stepped in", "since"},
})

// formsOf maps each word of groups to a pattern matching any word of its
// group; a word in two groups keeps its first.
func formsOf(groups [][]string) map[string]*regexp.Regexp {
	out := map[string]*regexp.Regexp{}
	for _, g := range groups {
		re := regexp.MustCompile(`(?i)\b(` + strings.Join(g, "|") + `)\b`)
		for _, w := range g {
			if out[w] == nil {
				out[w] = re
			}
		}
	}
	return out
}

// capitalStems returns the stems of the words s writes with a capital,
// but for its first.
func capitalStems(s string) map[string]bool {
	out := map[string]bool{}
	for i, w := range strings.Fields(s) {
		t := strings.TrimLeft(w, `"'“‘(`)
		if r, _ := utf8.DecodeRuneInString(t); i > 0 && unicode.IsUpper(r) {
			for _, x := range extractTerms(t) {
				out[x] = true
			}
		}
	}
	return out
}

// populationHeads are the words a count of a place's people stands
// beside (stems).
var populationHeads = stems("population people residents inhabitants citizens")

// aprRe matches the words of a card's or an account's rate.
var aprRe = regexp.MustCompile(`(?i)\b(aprs?|apys?|annual percentage|interest|rates?)\b`)

// crowdHeads are the words a count of a game's or a show's attendance
// stands beside (stems).
var crowdHeads = stems("attendance turnout crowd fans spectators attendees")

// countAliases are the words an article may count instead of the one a
// question counts (stems): people come as fans or a crowd, picks as
// interceptions.
var countAliases = equivalents([]string{
	"people person fans spectators crowd attendees visitors viewers residents participants individuals signers signatories respondents passengers",
	"picks interceptions",
	"monitors displays screens",
	"subs subscribers subscriptions",
	"players users gamers",
	"deaths died killed dead",
	"jurors jury",
	"jobs roles positions",
	"counts charges",
	"workers employees staff",
	"cars vehicles",
	"microphones mics",
	"megapixels mp",
	// "how many people can share a farm?": "up to three other players".
	"people players",
})

// mistyped reports whether the word w is one of the words heads
// (stemmed) typed with one letter wrong, missing, added or swapped with
// the next: a question's "apperances" counts the article's appearances.
// Short words are spared ("points" are no "joints"), and so is a word
// whose first two letters differ (people "watched" are no "catches").
func mistyped(w string, heads map[string]bool) bool {
	if len(w) < mistypedMinLen {
		return false
	}
	w = stem(w)
	for h := range heads {
		if len(h) >= mistypedMinLen-2 && h[:2] == w[:2] && oneEditApart(w, h) {
			return true
		}
	}
	return false
}

// mistypedMinLen is the shortest word read as mistyped.
const mistypedMinLen = 7

// oneEditApart reports whether a and b differ by one edit: a byte
// replaced, added, dropped, or two neighbours swapped.
func oneEditApart(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 || a == b {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	return a[i:] == b[i+1:]
}

// countNear reports whether a count stands within a few words of one of
// the counted words heads (stemmed) in s, or of a word the question asks
// (stemmed, in asked) mistyped: "95 moons", "eight French tries". A sum
// of money, a share, a year or a measure ("1TB") counts nothing, nor,
// unless rates is set, a rate ("2.81 goals per game").
func countNear(s string, heads, asked map[string]bool, rates bool) bool {
	ws := strings.Fields(s)
	var at, nums []int
	for i, w := range ws {
		// The scale of a written number belongs to it: "$69 billion" is
		// a sum, "80 million" one count.
		scaled := i > 0 && scaleRe.MatchString(w) && strings.ContainsFunc(ws[i-1], unicode.IsDigit)
		if isCount(w) && !scaled {
			nums = append(nums, i)
		}
		if u := gluedUnit(w); u != "" && heads[u] {
			return true // "360km of slopes" counts km
		}
		if i+1 < len(ws) && countRangeRe.MatchString(w) && heads[stem(withoutPossessive(strings.ToLower(strings.Trim(ws[i+1], `"'“”‘’()[],.;:!?`))))] {
			return true // "(6-8 hours)": a range of counts, not a tally
		}
		// The whole word ("co-founders") or each part of "two-wheelers",
		// stop words too ("reports").
		whole := strings.ToLower(strings.Trim(w, `"'“”‘’()[],.;:!?`))
		for _, part := range append([]string{whole}, strings.Split(whole, "-")...) {
			part = withoutPossessive(part)
			if part != "" && (heads[stem(part)] || mistyped(part, asked)) {
				at = append(at, i)
				break
			}
		}
	}
	// The count comes before the word ("four matches", "a four-match
	// ban", "31 of our staff's picks"), or after it as what it was ("the
	// vote was 194"); "his best match in four years" counts years. A share
	// of the counted ("98% of families") tells how many too.
	for _, h := range at {
		if of := h - 1; of > 0 && strings.EqualFold(ws[of], "of") && (shareRe.MatchString(ws[of-1]) ||
			of > 1 && strings.EqualFold(ws[of-1], "percent") && isCount(ws[of-2])) {
			return true
		}
		if numberOf(ws, h) && slices.ContainsFunc(nums, func(n int) bool { return n > h && n-h <= numberOfMaxWords && !clauseBetween(ws[h:n]) }) {
			return true // "His number of followers has soared from 24,000"
		}
		for _, n := range nums {
			if oneOf(ws, n) {
				continue // "one of the most talented players" counts none
			}
			compound := strings.ContainsAny(ws[n], "-–")
			switch d := n - h; {
			case compound:
				// "a four-match ban" counts matches; "the only
				// five-pointer of the match" counts no matches.
				if d == 0 || d == -1 && memberCountRe.MatchString(ws[n]) {
					return true
				}
			case d < 0 && !rates && isRate(ws[h+1:]):
				// "averaging 2.81 goals per game" is no count of goals.
			case d >= -4 && d < 0:
				return true
			case d >= -8 && d < 0 && strings.EqualFold(ws[n+1], "of"):
				return true
			case d == 1 && unicode.IsUpper([]rune(ws[h])[0]):
				// A number right after a name names a model or an
				// edition ("the Steam Deck 2"), not how many there are.
			case d > 0 && d <= 3 && !slices.ContainsFunc(ws[h+1:n], func(w string) bool { return !countLinks[strings.ToLower(strings.Trim(w, ",:"))] }):
				return true
			}
		}
	}
	return false
}

// oneOf reports whether the number at n is "one of": one member of a
// group, not how many it holds.
func oneOf(ws []string, n int) bool {
	return n+1 < len(ws) && strings.EqualFold(strings.Trim(ws[n], `"'“”‘’()[],.;:!?`), "one") && strings.EqualFold(ws[n+1], "of")
}

// numberOfMaxWords bounds the words from the counted word to its count
// when a sentence says "the number of" it (see [numberOf]).
const numberOfMaxWords = 8

// numberOf reports whether the counted word at h follows "number of",
// "count of" or "total of": the sentence tells how many of it there are,
// with the count after a verb ("the number of followers has soared from
// 24,000").
func numberOf(ws []string, h int) bool {
	if h < 2 || !strings.EqualFold(ws[h-1], "of") {
		return false
	}
	switch strings.ToLower(ws[h-2]) {
	case "number", "count", "total", "tally", "headcount":
		return true
	}
	return false
}

// clauseBetween reports whether the words ws, from the counted word to its
// count, close a clause first: the count then belongs to another.
func clauseBetween(ws []string) bool {
	return slices.ContainsFunc(ws[:len(ws)-1], func(w string) bool { return strings.ContainsAny(w[len(w)-1:], ".;:!?") })
}

// isRate reports whether the words after a counted word make its count a
// rate: "per game", "a night".
func isRate(after []string) bool {
	if len(after) == 0 {
		return false
	}
	w := strings.ToLower(after[0])
	if w == "per" {
		return true
	}
	return len(after) > 1 && (w == "a" || w == "an" || w == "each") &&
		rateUnits[strings.ToLower(strings.Trim(after[1], `"'“”‘’()[],.;:!?`))]
}

var rateUnits = map[string]bool{"game": true, "match": true, "night": true, "season": true, "week": true, "month": true,
	"year": true, "day": true, "hour": true, "minute": true}

// countLinks are the words between a counted word and its count: "the
// vote was 194", "a crowd of 80,065", "the team's leader in targets with
// 80".
var countLinks = map[string]bool{"": true, "was": true, "were": true, "is": true, "are": true, "of": true, "at": true, "stood": true,
	"totalled": true, "totaled": true, "reached": true, "numbered": true, "to": true, "rose": true, "fell": true, "hit": true, "about": true,
	"around": true, "nearly": true, "almost": true, "roughly": true, "some": true, "over": true, "just": true, "with": true}

// shareRe matches a share written with its sign: "98%", "12.5%".
var shareRe = regexp.MustCompile(`^\d[\d.]*%$`)

// memberCountRe matches a count of the members of the word after it: "a
// nine-person jury", "a 26-man squad", "a five-member panel".
var memberCountRe = regexp.MustCompile(`(?i)[-–](person|people|man|men|woman|women|member|strong)\b`)

// isCount reports whether a word of a sentence is a count: digits (with
// their separators and a scale), or a number word.
func isCount(w string) bool {
	w = strings.Trim(w, `"'“”‘’()[],.;:!?`)
	if numberWords.MatchString(w) || countWordRe.MatchString(w) {
		return true
	}
	if !strings.ContainsFunc(w, unicode.IsDigit) || yearRe.MatchString(w) && len(w) == 4 {
		return false
	}
	return countRe.MatchString(w)
}

var (
	// countRe matches a count written in digits: "80,065", "1.5m",
	// "10-year", "4-1" is a tally and no count.
	countRe = regexp.MustCompile(`^\d[\d,.]*(k|m|bn|million|billion)?(-[a-zA-Z]+)?$`)
	// countRangeRe matches a range of counts written with a dash, told
	// from a tally by the counted word after it: "6-8 hours".
	countRangeRe = regexp.MustCompile(`^\(?\d+[-–]\d+$`)
	scaleRe      = regexp.MustCompile(`(?i)^(hundred|thousand|million|billion|trillion)s?\W*$`)
	countWordRe  = regexp.MustCompile(`(?i)^(dozens|hundreds|thousands|millions|billions|(one|two|three|four|five|six|seven|eight|nine|ten)-[a-z]+)$`)
)

// capitalRunRe matches a run of two or three capitalised words.
var capitalRunRe = regexp.MustCompile(`\b\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+){1,2}\b`)

// namedInPassages returns the people a question written in lower case
// names ("what's mira murati getting paid?"): runs of capitalised words
// in the candidate sentences whose words are all words of the question.
func namedInPassages(terms []Term, cands []*extractCandidate) []Term {
	asked := map[string]bool{}
	for _, t := range terms {
		if t.Kind == TermWord {
			for _, w := range t.Words {
				asked[w] = true
			}
		}
	}
	var out []Term
	seen := map[string]bool{}
	for _, c := range cands {
		for _, run := range capitalRunRe.FindAllString(c.text, -1) {
			// "CEO John Donahoe", "Coach Andy Reid": the title before
			// the name is no part of it.
			if f := strings.Fields(run); len(f) == 3 && !personLike(run) {
				run = f[1] + " " + f[2]
			}
			words := extractTerms(run)
			if len(words) < 2 || seen[strings.Join(words, " ")] || !personLike(run) || !hasAll(asked, words) {
				continue
			}
			seen[strings.Join(words, " ")] = true
			out = append(out, Term{Text: run, Kind: TermName, Passages: -1, Words: words})
		}
	}
	return out
}

// paidFor is the words of a question asking what was paid for something:
// "pay for", "paid Man City to get", "spent to buy".
const paidFor = `(?:pay|paid|spend|spent|shell(?:ed)? out|fork(?:ed)? out)\s+(?:\S+\s+){0,3}?(?:for|to buy|to acquire|to get|to sign)`

// purchasedRe matches what a question asks the price of: "pay for Whole
// Foods back when…", "pay to buy Nice?".
var purchasedRe = regexp.MustCompile(`(?i)\b` + paidFor + `\s+(?:the\s+)?(.+?)(?:\s+(?:back|when|in|after|before|last|this|from|at|with|and|or)\b|[?,.!]|$)`)

// purchasedThing returns the stems of the words naming what a question
// asks the price of, or nil.
func purchasedThing(q string) []string {
	m := purchasedRe.FindStringSubmatch(q)
	if m == nil {
		return nil
	}
	var out []string
	for _, w := range extractTerms(m[1]) {
		if !answerStopwords[w] {
			out = append(out, w)
		}
	}
	return out
}

// hasAny reports whether set holds any of words.
func hasAny(set map[string]bool, words []string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return set[w] })
}

// currencies pairs the ways a question asks a sum in a currency ("in
// Australian dollars", "in India") with the ways a sentence writes one.
var currencies = []struct{ asked, told *regexp.Regexp }{
	{regexp.MustCompile(`(?i)\b(australian dollars?|aud|in australia)\b`), regexp.MustCompile(`(?i)\b(A|AU)\$|\$(A|AU)\b|\bAUD\b|australian dollars?`)},
	{regexp.MustCompile(`(?i)\b(canadian dollars?|cad|in canada)\b`), regexp.MustCompile(`(?i)\b(C|CA)\$|\$(C|CA)\b|\bCAD\b|canadian dollars?`)},
	{regexp.MustCompile(`(?i)\b(rupees?|inr|in india)\b`), regexp.MustCompile(`(?i)₹|\bRs\.?\s?\d|\bINR\b|rupees?|\bcrores?\b|\blakhs?\b`)},
	{regexp.MustCompile(`(?i)\b(pounds|sterling|gbp|in the uk|in britain|in england)\b`), regexp.MustCompile(`(?i)£|\bGBP\b|\bpounds\b|sterling`)},
	{regexp.MustCompile(`(?i)\b(euros?|eur)\b`), regexp.MustCompile(`(?i)€|\bEUR\b|euros?`)},
	{regexp.MustCompile(`(?i)\b(yen|jpy|in japan)\b`), regexp.MustCompile(`(?i)¥|\bJPY\b|\byen\b`)},
}

// currencyAsked returns how a sentence writes the currency a question asks
// a sum in, or nil.
func currencyAsked(q string) *regexp.Regexp {
	for _, c := range currencies {
		if c.asked.MatchString(q) {
			return c.told
		}
	}
	return nil
}

var (
	// whenOccasionRe matches a question asking when an occasion is or
	// was: "when's bill kenwright's funeral happening?".
	whenOccasionRe = regexp.MustCompile(`(?i)^\W*(when|when's|when’s|whens|what day|what date)\b.*\b(funeral|wedding|memorial|trial|hearing|sentencing|inauguration|coronation|premiere|debut|birthday|referendum|auction|ceremony|parade)\b`)
	// occasionForms maps each occasion to the words a sentence dating it
	// uses.
	occasionForms = formsOf([][]string{
		{"funeral", "funerals", "buried", "laid to rest", "memorial service"},
		{"wedding", "weddings", "married", "marry", "wed"},
		{"memorial", "memorials", "memorial service", "tribute"},
		{"trial", "trials", "retrial"},
		{"hearing", "hearings"},
		{"sentencing", "sentenced", "sentence"},
		{"inauguration", "inaugurated", "sworn in"},
		{"coronation", "crowned"},
		{"premiere", "premieres", "premiered", "premiering"},
		{"debut", "debuts", "debuted", "first appearance", "first cap", "first game", "first match", "first test"},
		{"birthday", "birthdays", "born", "turns", "turned"},
		{"referendum", "referendums", "vote"},
		{"auction", "auctions", "auctioned", "sale"},
		{"ceremony", "ceremonies"},
		{"parade", "parades"},
	})
)
