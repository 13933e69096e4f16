package rag

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/news"
)

func TestExtractiveAnswerIsFocused(t *testing.T) {
	hits := FixtureHits(t, "a-tram", "a-tweet", "a-markets")
	s := NewService(fixed(hits, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "How much will the airport tram line cost and when will it open?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	for _, want := range []string{"$1.2 billion", "2028"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("Answer().Text = %q, want the asked-for fact %q", got.Text, want)
		}
	}
	for _, bad := range []string{"Sign up", "newsletter", "Image credit", "airport The city", "Israel", "@", "Westpac", "Expedia"} {
		if strings.Contains(got.Text, bad) {
			t.Errorf("Answer().Text = %q, holds %q", got.Text, bad)
		}
	}
	if len(got.Sources) != 1 || got.Sources[0].ArticleID != "a-tram" {
		t.Errorf("Sources = %+v, want the tram article alone", got.Sources)
	}
	if n := strings.Count(got.Text, "[1]"); n < 1 || n > 3 {
		t.Errorf("Answer().Text = %q, want one to three cited sentences", got.Text)
	}
}

func TestBoilerplate(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"Sign up for our free newsletter to get the latest news.", true},
		{"(Image credit: NASA/Solar Dynamics Observatory)", true},
		{"Facebook Twitter Whatsapp Reddit Email Share", true},
		{"STARS WE'VE LOST IN 2023", true},
		{"Israel responded to the attacks. — Jane Doe (@janedoe) October 7, 2023", true},
		{"By Mara Olsen", true},
		{"AirPods Pro $189.99 $249 Galaxy Buds $99 $149 Pixel Buds $129 $199", true},
		{"QB Baker Mayfield Buccaneers at Falcons $5,300 20.1 QB Russell Wilson Broncos at Chargers $5,800 19.5 QB Gardner Minshew Colts at Bengals $5,400 16.1", true},
		{"Revenue rose to $9.3 billion from $8.3 billion, while profit reached $221 million in the quarter.", false},
		{"The line will cost $1.2 billion and open in 2028, the mayor said.", false},
		{"By Tuesday, the council had approved the plan.", false},
		{"Our stories may include affiliate links; if you buy something through a link, we may earn a commission.", true},
		{"When you buy through these links, TechCrunch may earn an affiliate commission.", true},
		{"Share on WhatsApp", true},
		// News that names a messaging app, a farm team or the European
		// Commission is news.
		{"Beeper launched a chat app that supported around 15 networks, including WhatsApp, Messenger and Telegram.", false},
		{"Evason spent several seasons as head coach of the Predators' AHL affiliate in Milwaukee.", false},
		{"The European Commission said the investigation will look at whether the purchase broke the rules.", false},
	} {
		if got := boilerplate(tt.s); got != tt.want {
			t.Errorf("boilerplate(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestWithoutHeadline(t *testing.T) {
	for _, tt := range []struct{ text, title, want string }{
		{"Council approves tram line The council approved it.", "Council approves tram line", "The council approved it."},
		{"Council approves tram line: The council approved it.", "Council Approves Tram Line", "The council approved it."},
		{"The council approved the tram line.", "Council approves tram line", "The council approved the tram line."},
		{"Council approves tram line", "Council approves tram line", "Council approves tram line"},
	} {
		if got := withoutHeadline(tt.text, tt.title); got != tt.want {
			t.Errorf("withoutHeadline(%q, %q) = %q, want %q", tt.text, tt.title, got, tt.want)
		}
	}
}

func TestAskedKind(t *testing.T) {
	for q, want := range map[string]factKind{
		"How much did Uber make?":                     kindNumber,
		"What age are the kids it is designed for?":   kindNumber,
		"When is Apple's event?":                      kindDate,
		"Who won the match?":                          kindName,
		"Which goalkeeper did he praise?":             kindName,
		"Why did the shares jump?":                    kindReason,
		"What did the council decide?":                kindAny,
		"what did united pay for onana":               kindNumber,
		"how far south were the northern lights seen": kindName,
		"How far did he throw the javelin?":           kindNumber,
		"How bright can the new screen get?":          kindNumber,
		"how much lighter is the new model":           kindNumber,
		"How heavy is the OLED model?":                kindNumber,
		"whats the name of her memoir":                kindName,
		"What's the name of the startup?":             kindName,
		"what's discord's new safety feature called":  kindName,
		"What happened to the name change?":           kindAny,
	} {
		if got := askedKind(q); got != want {
			t.Errorf("askedKind(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestAskedHead(t *testing.T) {
	for q, want := range map[string]string{
		"What was Uber's revenue in the third quarter?":           "revenue",
		"What revenue did Nike report for its first quarter?":     "revenue",
		"How many points did Everton get deducted?":               "point",
		"What age are the kids that Explore with Alexa is for?":   "age",
		"What is Pete Prisco's record against the spread?":        "record",
		"What was the final score in the Cowboys 49ers game?":     "score",
		"How much did Everton overspend?":                         "",
		"How many career sacks does Maxx Crosby have?":            "sacks",
		"How much net income did Uber make in Q3?":                "income",
		"What did the council decide?":                            "",
		"What kind of salary does the new chief AI officer make?": "salary",
		"Who won the match?":                                      "",
		"What's Carolina's record right now, they look awful":     "record",
	} {
		if got := askedHead(q); got != stem(want) && !(want == "" && got == "") {
			t.Errorf("askedHead(%q) = %q, want %q", q, got, stem(want))
		}
	}
	if !numberNear("The company reported revenue of $9.3 billion, up 11%.", stem("revenue")) {
		t.Error("numberNear: revenue of $9.3 billion not found")
	}
	if numberNear("Revenue rose, the company said, and 400 staff were hired later in the year.", stem("revenue")) {
		t.Error("numberNear: a number far from the word counted")
	}
}

// A round-up that packs the question's words into one sentence loses to
// the report that answers it in several.
func TestExtractiveAnswerPrefersTheArticleThatAnswers(t *testing.T) {
	report := hit("trial-report", "The Verge", 0, "Google paid $26.3 billion in 2021 to be the default search engine on browsers and phones. "+
		"About $18 billion of that total went to Apple, a Google executive told the court. "+
		"Apple receives the largest share of the payments because Safari sends Google most of its mobile searches.", oct(30))
	roundup := hit("roundup", "TechCrunch", 0, "Microsoft told the court it would have been willing to spend $15 billion a year to make Bing the default search engine on Apple devices instead of Google. "+
		"This week, the trial moved on to vertical search and the case of Firefox.", oct(31))
	s := NewService(fixed([]news.Hit{report, roundup}, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "How much of Google's default search spending in 2021 went to Apple?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if !strings.Contains(got.Text, "$18 billion") {
		t.Errorf("Answer().Text = %q, want the report's $18 billion", got.Text)
	}
	if len(got.Sources) != 1 || got.Sources[0].ArticleID != "trial-report" {
		t.Errorf("Sources = %+v, want the trial report alone (answer %q)", got.Sources, got.Text)
	}
}

// TestNameBesideTheAskedRole: for "which journal…", the sentence that
// names the journal beside the word answers, though another shares more
// of the question's words.
func TestNameBesideTheAskedRole(t *testing.T) {
	day := time.Date(2023, 10, 2, 0, 0, 0, 0, time.UTC)
	got := answer(t, []news.Hit{hit("a-fast", "CBS News", 0,
		"Time-restricted eating helped mice with Alzheimer's disease, a UC San Diego study on fasting led by Paula Desplats found. "+
			"The fasting mice slept better and had fewer amyloid deposits in the study, said Desplats of the Department of Neurosciences. "+
			"In the fasting study the mice ate within a six-hour window each day, Desplats told Healthline. "+
			"UC San Diego researchers say fasting could help people with Alzheimer's disease too, not only mice, according to Desplats. "+
			"The results on fasting in mice appear in the journal Cell Metabolism.", day)},
		"Which journal published the UC San Diego study on fasting and Alzheimer's in mice?")
	if got.Refused || !strings.Contains(got.Text, "Cell Metabolism") {
		t.Errorf("Answer() = %q, want the journal", got.Text)
	}
}

// An amount question is answered by the sentence that gives the amount,
// not by those that share more of its words without giving one.
func TestAmountQuestionQuotesTheAmount(t *testing.T) {
	at := time.Date(2023, 11, 7, 9, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-uber", "TechCrunch", 0, "Investors had expected Uber to report third-quarter revenue of around $9.5 billion, according to FactSet. "+
			"So let's work to understand where Uber's revenue came from in the third quarter, and how it turned into profit. "+
			"Uber's third-quarter revenue story is mostly about delivery, analysts said of the quarter.", at),
		hit("a-uber", "TechCrunch", 1, "Uber added drivers in Europe and cut costs in its freight unit. "+
			"The company reported revenue of $9.3 billion, an 11% increase year over year.", at),
	}
	s := NewService(fixed(hits, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "What was Uber's revenue in the third quarter?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if !strings.Contains(got.Text, "$9.3 billion") {
		t.Errorf("Answer().Text = %q, want the reported revenue, $9.3 billion", got.Text)
	}
}

// For a question that asks for a name, the answering article's sentence
// that gives one, and names someone the question does not, comes before
// one that shares more of its words without a name; other articles'
// sentences stay behind.
func TestFactsFirst(t *testing.T) {
	at := time.Date(2023, 11, 13, 9, 0, 0, 0, time.UTC)
	hits := []news.Hit{hit("a-snf", "Sporting News", 0, "", at), hit("a-other", "ESPN", 0, "", at)}
	q := termSet("Who caught the Raiders' touchdown against the Jets?")
	cands := []*extractCandidate{
		{sentence: sentence{text: "The Raiders' only touchdown against the Jets decided it."}, hit: 0, own: 0.8, score: 0.80},
		{sentence: sentence{text: "Michael Mayer caught it, and tight end Michael Mayer was mobbed."}, hit: 1, own: 0.5, kind: true, score: 0.79},
		{sentence: sentence{text: "Tight end Michael Mayer caught the Raiders touchdown."}, hit: 0, own: 0.6, kind: true, score: 0.75},
		{sentence: sentence{text: "The Jets and the Raiders met on Sunday."}, hit: 0, own: 0.5, score: 0.70},
	}
	factsFirst(cands, hits, q, nameWeights)
	var got []string
	for _, c := range cands {
		got = append(got, c.text)
	}
	want := []string{"Tight end Michael Mayer caught the Raiders touchdown.", "The Raiders' only touchdown against the Jets decided it.",
		"The Jets and the Raiders met on Sunday.", "Michael Mayer caught it, and tight end Michael Mayer was mobbed."}
	if !slices.Equal(got, want) {
		t.Errorf("factsFirst order = %q, want %q", got, want)
	}
	// A date question: the sentence that gives a date comes first, and
	// naming a person earns nothing.
	q = termSet("When is Ruby Franke getting sentenced?")
	cands = []*extractCandidate{
		{sentence: sentence{text: "Ruby Franke pleaded guilty, Judge John Walton said, and faces sentencing."}, hit: 0, own: 0.9, score: 0.9},
		{sentence: sentence{text: "Franke will be sentenced on Feb. 20."}, hit: 0, own: 0.6, kind: true, score: 0.7},
	}
	factsFirst(cands, hits, q, dateWeights)
	if cands[0].text != "Franke will be sentenced on Feb. 20." {
		t.Errorf("factsFirst put %q first, want the sentence with the date", cands[0].text)
	}
	for s, want := range map[string]bool{
		"Tight end Michael Mayer caught it.":         true,
		"The Raiders beat the Jets.":                 false,
		"Mayer caught it for the Raiders on Sunday.": false,
	} {
		if got := personNamed(s, q); got != want {
			t.Errorf("personNamed(%q) = %v, want %v", s, got, want)
		}
	}
}

// The article an answer comes from is the one whose passages cover the
// question and give the asked kind of fact, not the one with a lucky
// sentence that scores a little better.
func TestBestArticleCoversTheQuestion(t *testing.T) {
	at := time.Date(2023, 11, 13, 9, 0, 0, 0, time.UTC)
	hits := []news.Hit{hit("a-lucky", "ESPN", 0, "", at), hit("a-covers", "Sporting News", 0, "", at)}
	share := map[string]float64{"a-lucky": 0.6, "a-covers": 0.9}
	cands := []*extractCandidate{
		{sentence: sentence{text: "The Wild sacked Dean Evason on Monday."}, hit: 0, own: 0.8, score: 0.8},
		{sentence: sentence{text: "John Hynes will coach the Wild after Evason."}, hit: 1, own: 0.6, kind: true, score: 0.7},
	}
	bestArticleFirst(cands, hits, share)
	if got := hits[cands[0].hit].Article.ID; got != "a-covers" {
		t.Errorf("bestArticleFirst chose %s, want a-covers", got)
	}
}

// "Loading" is where a page's video loads: it is dropped from the sentence
// it is glued to, and a line about the loading stays furniture.
func TestPageFurnitureBeforeASentence(t *testing.T) {
	got := readPassage("Loading Perpetual climbed 6.3 per cent after it announced a strategic review.", "")
	if len(got) != 1 || got[0].text != "Perpetual climbed 6.3 per cent after it announced a strategic review." || got[0].boilerplate {
		t.Errorf("readPassage() = %+v, want the sentence without \"Loading\"", got)
	}
	if got := readPassage("Loading video player for the match highlights.", ""); len(got) != 1 || !got[0].boilerplate {
		t.Errorf("readPassage() = %+v, want furniture", got)
	}
}

func TestAskedRole(t *testing.T) {
	for q, want := range map[string]string{
		"who's the new All Blacks coach?":                       "coach",
		"who's the developer behind warhammer 40k rogue trader": "developer",
		"who's the backup qb now?":                              "backup",
		"who won the match?":                                    "",
	} {
		got := askedRole(q)
		if want == "" && got != nil || want != "" && !got[stem(want)] {
			t.Errorf("askedRole(%q) = %v, want %q", q, got, want)
		}
	}
}

// TestTwoAsksFromTwoArticles: a question that asks two things is answered
// from the article that tells each.
func TestTwoAsksFromTwoArticles(t *testing.T) {
	day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	hold := hit("a-hold", "Harbor City Ledger", 0, "The central bank left its main interest rate unchanged at 4.25% on Tuesday, "+
		"saying inflation had cooled faster than expected. Consumer prices rose 2.6% in the year to October.", day)
	vote := hit("a-vote", "The Northern Courier", 0, "Economists said the split decision was the clearest sign yet that "+
		"the central bank will cut interest rates early next year. Mortgage brokers reported a jump in enquiries.", day)
	got := answer(t, []news.Hit{hold, vote}, "Why did the central bank keep interest rates unchanged, and when do economists expect a cut?")
	if got.Refused || !strings.Contains(got.Text, "inflation had cooled") || !strings.Contains(got.Text, "early next year") || len(got.Sources) != 2 {
		t.Errorf("Answer() = %+v, want the reason from one article and the expected cut from the other", got)
	}
}

// TestBoilerplateCues: a sentence the expression matches holds a cue, so
// checking the cues first changes no verdict.
func TestBoilerplateCues(t *testing.T) {
	var texts []string
	for _, h := range FixtureHits(t) {
		texts = append(texts, splitLine(strings.ReplaceAll(h.Chunk.Text, "\n", " "))...)
	}
	texts = append(texts, "Sign up for our free newsletter.", "Photograph: Getty Images", "Facebook Twitter Whatsapp Reddit Email Share",
		"Read: how the deal was done", "UPDATED: Oct. 5, 2023", "Cookies help us; accept them.", "{{ /verifyErrors }}",
		"Share via WhatsApp", "We may earn a commission.", "If you or someone you know is struggling, please call the crisis line.",
		"Loading the market fell 2%.", "PRIVACY POLICY", "All Rights Reserved", "Follow us on Instagram")
	for _, s := range texts {
		if boilerplateRe.MatchString(s) && !hasCue(s) {
			t.Errorf("boilerplateRe matches %q, which holds no cue", s)
		}
	}
}

func TestNumberNearAsTheSubjectsComplement(t *testing.T) {
	for _, tt := range []struct {
		s, head string
		want    bool
	}{
		{"In July, Pitchfork reported that the average cost of a ticket for the North American leg of Swift’s Eras Tour was $3,801.", "cost", true},
		{"The number of fans who came to the stadium on Sunday was 20,000.", "fan", false},
		{"The number of fans who came to the stadium on Sunday was 20,000.", "number", true},
		{"The cost rose sharply after the storm, and the repair bill was $3,000.", "cost", false},
		{"The cost of the new stadium in the city centre is what worries them; the bill was $3 billion.", "cost", false},
		{"But the company is also tackling a debt issue, with net debt including leases now at £648.5m, up from £533m.", "debt", true},
		{"Debt rose sharply after the storm. The repair bill was $3,000.", "debt", false},
		{"The debt was refinanced after the bank gave it another $3,000 in loans.", "debt", false},
	} {
		if got := numberNear(tt.s, tt.head); got != tt.want {
			t.Errorf("numberNear(%q, %q) = %v, want %v", tt.s, tt.head, got, tt.want)
		}
	}
}

func TestPaidDescribingAThing(t *testing.T) {
	for _, tt := range []struct {
		q    string
		want bool
	}{
		{"What was the top paid iPhone app in the US for 2023?", false},
		{"What were the top paid games on the App Store this year?", false},
		{"What did United pay for Onana?", true},
		{"what was the fee paid for the top player?", true},
	} {
		if got := payAsked(tt.q); got != tt.want {
			t.Errorf("payAsked(%q) = %v, want %v", tt.q, got, tt.want)
		}
		if got := askedAttribute(tt.q) != nil; got != tt.want {
			t.Errorf("askedAttribute(%q) != nil is %v, want %v", tt.q, got, tt.want)
		}
	}
}
