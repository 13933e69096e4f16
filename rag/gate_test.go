package rag

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gazettebot/gazette/news"
)

// libraryRetriever returns hits with the question's salient terms counted
// as in a library of 200 passages: counts maps a term's text to its
// passages, and a term not listed is in 5.
func libraryRetriever(hits []news.Hit, counts map[string]int) RetrieverFunc {
	return func(_ context.Context, _ string, q Query) (Retrieval, error) {
		terms := SalientTerms(q.Text, nil)
		for i := range terms {
			n, ok := counts[terms[i].Text]
			if !ok {
				n = 5
			}
			terms[i].Passages = n
		}
		return Retrieval{Hits: hits, Library: 200, Terms: terms}, nil
	}
}

func TestRareWordTheLibraryNeverUsesDeclines(t *testing.T) {
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-nfl", "Yardbarker", 0, "The quarterback will make his first start as the starter on Sunday, the coach said.", day),
	}
	// "sourdough" is in no passage; "make" is everyday.
	counts := map[string]int{"sourdough": 0, "make": 40, "starter": 3}
	q := "How do I make a sourdough starter?"

	o := testOptions()
	o.CommonWord = func(w string) bool { return w == "make" || w == "starter" || w == "do" }
	got, err := NewService(libraryRetriever(hits, counts), o).Answer(t.Context(), "g1", Request{Question: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Refused || !strings.Contains(got.Text, "sourdough") {
		t.Errorf("Answer() = %+v, want a decline naming sourdough", got)
	}

	// An everyday word the library never uses says how the question is
	// phrased: it does not decline on its own.
	o.CommonWord = func(string) bool { return true }
	q = "Will the sourdough starter make his first start on Sunday?"
	got, err = NewService(libraryRetriever(hits, counts), o).Answer(t.Context(), "g1", Request{Question: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused {
		t.Errorf("Answer() = %+v, want an answer when the unknown word is everyday", got)
	}
}

// A question asking how to do something is answered only by a sentence
// that holds nearly all of it.
func TestHowToNeedsASentenceThatHoldsIt(t *testing.T) {
	day := time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-japan", "FT", 0, "Japanese investors said the market was attractive again. The fund thanked its clients.", day),
		hit("a-bet", "Sporting News", 0, "To claim the bet365 bonus code, enter it when you open an account and place a first bet of $5.", day),
	}
	for q, answered := range map[string]bool{
		"how do you say thank you in japanese?": false,
		"how do i claim the bet365 bonus code?": true,
	} {
		got, err := NewService(libraryRetriever(hits, nil), testOptions()).Answer(t.Context(), "g1", Request{Question: q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Refused == answered {
			t.Errorf("Answer(%q) = %q, want answered %v", q, got.Text, answered)

		}
	}
}

func TestOneSlip(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"comdei", "comedi", true}, // swapped
		{"publshed", "published", true},
		{"agaisnt", "against", true},
		{"seasonn", "season", true},
		{"sourdough", "sourdoughs", true},
		{"sourdough", "starter", false},
		{"season", "season", false},
		{"abc", "abd", false}, // too short to tell
		{"comedy", "comment", false},
	} {
		if got := oneSlip(tt.a, tt.b); got != tt.want {
			t.Errorf("oneSlip(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestMistypedWordIsNoGap: a word the library never uses that is an
// article's word mistyped does not decline the question.
func TestMistypedWordIsNoGap(t *testing.T) {
	day := time.Date(2023, 10, 20, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{hit("a-tv", "Independent", 0,
		"Insomniacs are at the heart of the new Apple TV+ comedy series Still Up. The show follows two best friends who can't sleep.", day)}
	q := "what's that new comdey about insomniacs?"
	o := testOptions()
	o.CommonWord = func(w string) bool { return w != "comdey" }
	got, err := NewService(libraryRetriever(hits, map[string]int{"comdey": 0}), o).Answer(t.Context(), "g1", Request{Question: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "Still Up") {
		t.Errorf("Answer() = %+v, want the comedy series Still Up", got)
	}
}

func TestNumberBesideTheAskedWord(t *testing.T) {
	day := time.Date(2023, 11, 7, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-uber", "TechCrunch", 0, "Uber reported third-quarter earnings on Tuesday that show a profitable company. "+
			"Turning to profitability, Uber reported net income of $221 million in the third quarter, or 10 cents per share. "+
			"The company reported revenue of $9.3 billion, an 11% increase year over year.", day),
	}
	s := NewService(fixed(hits, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "What was Uber's revenue in the third quarter?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Text, "$9.3 billion") {
		t.Errorf("Answer().Text = %q, want the revenue ($9.3 billion)", got.Text)
	}
}

func TestPartOfANameCounts(t *testing.T) {
	day := time.Date(2023, 10, 16, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-rugby", "The Age", 0, "Ian Foster made two changes to his starting side for the semi-final. "+
			"“It happens on most sporting parks when tensions are high,” Foster said of the gestures. "+
			"The All Blacks trained in Paris on Tuesday.", day),
	}
	s := NewService(fixed(hits, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "What did Ian Foster say about the gestures?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Text, "It happens on most sporting parks") {
		t.Errorf("Answer().Text = %q, want the quote", got.Text)
	}
}

// orthogonalEmbedder gives the question and every sentence unrelated
// vectors.
type orthogonalEmbedder struct{}

func (orthogonalEmbedder) ID() string { return "orthogonal" }
func (orthogonalEmbedder) Dim() int   { return 64 }
func (orthogonalEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i := range texts {
		v := make([]float32, 64)
		v[i%64] = 1
		out[i] = v
	}
	return out, nil
}

func TestNothingNearInMeaningDeclines(t *testing.T) {
	day := time.Date(2023, 11, 20, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-asx", "The Age", 0, "The capital raising lifted the shares of the miner on Tuesday. "+
			"Gold prices eased overnight as the dollar firmed. "+
			"Australia could also turn to an alternative singles option in the Davis Cup final.", day),
	}
	counts := map[string]int{"capital": 8, "Australia": 30}
	q := "Where is Australia's capital?"
	o := testOptions()
	o.Embedder = orthogonalEmbedder{}
	got, err := NewService(libraryRetriever(hits, counts), o).Answer(t.Context(), "g1", Request{Question: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Refused || !strings.Contains(got.Text, "capital") {
		t.Errorf("Answer() = %+v, want a decline naming what is not covered together", got)
	}
	o.MinMeaning = -1
	got, err = NewService(libraryRetriever(hits, counts), o).Answer(t.Context(), "g1", Request{Question: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused {
		t.Errorf("Answer() with MinMeaning -1 = %+v, want the words-only answer", got)
	}
}

func TestAcronymTheLibraryWritesOutIsNoGap(t *testing.T) {
	day := time.Date(2023, 9, 27, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-trump", "CNBC", 0, "New York's attorney general is seeking $250 million in penalties from Trump in the fraud case.", day),
	}
	// The index counts no passage under "NY"; the passages write it out.
	counts := map[string]int{"NY": 0, "Trump": 12}
	s := NewService(libraryRetriever(hits, counts), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "how much is the NY attorney general seeking from Trump?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "$250 million") {
		t.Errorf("Answer() = %+v, want the New York attorney general's figure", got)
	}
}

// TestLowerCaseAcronymTheLibraryWritesOut: "gta" typed in lower case is
// the Grand Theft Auto the passages write out; a short word the library
// never uses that abbreviates nothing in them is still a gap.
func TestLowerCaseAcronymTheLibraryWritesOut(t *testing.T) {
	day := time.Date(2023, 12, 6, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-gta", "TechCrunch", 0, "In just 22 hours, the first trailer for Grand Theft Auto VI racked up 85 million views.", day),
	}
	counts := map[string]int{"gta": 0, "xbq": 0, "views": 30, "trailer": 20}
	s := NewService(libraryRetriever(hits, counts), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "how many views did the gta 6 trailer get?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "85 million views") {
		t.Errorf("Answer() = %+v, want the Grand Theft Auto VI trailer's views", got)
	}
	got, err = s.Answer(t.Context(), "g1", Request{Question: "how many views did the xbq trailer get?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Refused || !strings.Contains(got.Text, "xbq") {
		t.Errorf("Answer() = %+v, want a decline naming xbq", got)
	}
}

func TestHeadingNamesTheSectionBelowIt(t *testing.T) {
	day := time.Date(2023, 12, 18, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-layoffs", "TechCrunch", 0, "The tech industry has seen more than 240,000 jobs lost in 2023 so far.\n\nEtsy\n\nIs laying off 11% of its workforce.\n\nCruise\n\n"+
			"In an announcement, the embattled self-driving car company is cutting 900 employees, or 24% of its workforce.\n\n"+
			"Spotify\n\nIs cutting 17% of its staff.", day),
	}
	s := NewService(fixed(hits, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "how many jobs is cruise cutting"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "900 employees") {
		t.Errorf("Answer() = %+v, want the sentence under the Cruise heading", got)
	}
}

func TestOutcomeTheArticlesOnlyLookAheadTo(t *testing.T) {
	day := time.Date(2023, 11, 24, 0, 0, 0, 0, time.UTC)
	preview := []news.Hit{
		hit("a-preview", "The Age", 0, "Italy will face Australia in the Davis Cup final in Malaga on Sunday. "+
			"Australia could also turn to Jordan Thompson for the final against Italy.", day),
	}
	s := NewService(fixed(preview, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "did australia beat italy in the davis cup final?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Refused || got.Text != AheadText {
		t.Errorf("Answer() = %+v, want %q", got, AheadText)
	}
	result := []news.Hit{
		hit("a-result", "The Age", 0, "Italy beat Australia 2-0 in the Davis Cup final in Malaga on Sunday. "+
			"Jannik Sinner won the deciding singles for Italy.", day.AddDate(0, 0, 3)),
	}
	s = NewService(fixed(result, nil), testOptions())
	got, err = s.Answer(t.Context(), "g1", Request{Question: "did australia beat italy in the davis cup final?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused {
		t.Errorf("Answer() = %+v, want the result", got)
	}
}

// TestOutcomeOnALaterDayIsAhead: a report that dates the asked event
// after its own day looks ahead to it, though it says "faces", not "will
// face".
func TestOutcomeOnALaterDayIsAhead(t *testing.T) {
	day := time.Date(2023, 12, 5, 0, 0, 0, 0, time.UTC)
	preview := []news.Hit{
		hit("a-paro", "Sporting News", 0, "Liam Paro says he has no time for social media drama. "+
			"Now back fit again, Paro faces Ohio's Montana Love in San Francisco on December 9 on the undercard.", day),
	}
	s := NewService(fixed(preview, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "did liam paro beat montana love?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Refused || got.Text != AheadText {
		t.Errorf("Answer() = %+v, want %q", got, AheadText)
	}
}

func TestLooksAhead(t *testing.T) {
	pub := time.Date(2023, 12, 5, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"Paro faces Montana Love on December 9.", true},
		{"Paro beat Montana Love on December 4.", false},
		{"The fight is on December 6, the day after.", false}, // a day of slack for time zones
		{"The final is on 11 January.", true},                 // next year
		{"Italy beat Australia on 26 November.", false},
		{"The deal closed on Dec. 1, 2023.", false},
		{"The trial opens on Jan. 8, 2024.", true},
		{"The Wallabies will face Fiji.", true},
		{"Tonight's matchup is the best of the week.", true},
		{"Spotrac.com projects that Young should make about $17.8 million annually.", true},
		{"The club expects a sell-out crowd.", true},
		{"Young made $9 million last season.", false},
	} {
		if got := looksAhead(tc.s, pub); got != tc.want {
			t.Errorf("looksAhead(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
	if looksAhead("Paro faces Montana Love on December 9.", time.Time{}) {
		t.Error("looksAhead with no publication date read the date as ahead")
	}
}

func TestShareIsAPercentage(t *testing.T) {
	day := time.Date(2023, 10, 2, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-poll", "CNBC", 0, "The council surveyed 1,200 residents who backed or opposed the tram plan in September. "+
			"Traffic on the main road fell by a fifth over the same months. "+
			"In all, 64% said yes to the plan, the survey found.", day),
	}
	s := NewService(fixed(hits, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "what share of residents backed the tram plan?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Text, "64%") {
		t.Errorf("Answer().Text = %q, want the percentage", got.Text)
	}
}

func TestPartOfName(t *testing.T) {
	terms := SalientTerms("What did Ian Foster say about Brooke Badger?", nil)
	set := termSet("Foster said Brooke was there.")
	var got []string
	for _, tm := range terms {
		if partOfName(tm, set) {
			got = append(got, tm.Text)
		}
	}
	if strings.Join(got, ",") != "Ian Foster,Brooke Badger" {
		t.Errorf("names met in part = %v, want Ian Foster and Brooke Badger", got)
	}
	if partOfName(Term{Text: "Foster", Kind: TermName, Words: []string{"foster"}}, set) {
		t.Error("a one-word name counted as met in part")
	}
}

func TestPriceIsASumOfMoney(t *testing.T) {
	day := time.Date(2023, 10, 20, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-keeper", "The Guardian", 0, "Erik ten Hag smiles when asked whether André Onana can play higher up the pitch for Manchester United. "+
			"Onana’s last game for Inter was the 1-0 defeat by Manchester City, as United’s rivals won the treble. "+
			"The manager is still building his team. "+
			"Bought for £47.2m, Onana arrived with a reputation as a shot-stopper.", day),
	}
	s := NewService(fixed(hits, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "what did united pay for onana"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Text, "£47.2m") {
		t.Errorf("Answer().Text = %q, want the fee", got.Text)
	}
}

// TestWordsReportsWriteAnotherWay: a question's everyday verb meets the
// word the report uses for it ("buying" Blue Apron is "acquiring" it).
func TestWordsReportsWriteAnotherWay(t *testing.T) {
	day := time.Date(2023, 9, 29, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{hit("a-apron", "TechCrunch", 0,
		"Wonder Group agreed to acquire Blue Apron for $103 million in cash, the meal-kit company said on Friday.", day)}
	o := testOptions()
	o.CommonWord = func(w string) bool { return false }
	got, err := NewService(libraryRetriever(hits, map[string]int{"Blue Apron": 10, "buying": 1}), o).
		Answer(t.Context(), "g1", Request{Question: "Who's buying Blue Apron?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "Wonder Group") {
		t.Errorf("Answer() = %+v, want the buyer", got)
	}

	// "the halfway point" of a season is its midpoint.
	hits = []news.Hit{hit("a-mvp", "Yardbarker", 0,
		"Here are the MVPs for all 16 AFC teams at the season's midpoint. Indianapolis Colts: running back Zack Moss.", day)}
	got, err = NewService(libraryRetriever(hits, map[string]int{"halfway": 1}), o).
		Answer(t.Context(), "g1", Request{Question: "Who's the Colts' MVP at the halfway point?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "Zack Moss") {
		t.Errorf("Answer() = %+v, want the midpoint MVP", got)
	}
}

func TestRemarkBesideTheQuestion(t *testing.T) {
	day := time.Date(2023, 11, 10, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-giants", "Sporting News", 0, "New York ranks 31st in points this season and has surrendered a staggering 76 sacks.", day),
		hit("a-chiefs", "Sporting News", 0, "Kansas City's Chris Jones leads the league in sacks this season.", day),
	}
	counts := map[string]int{"sacks": 12, "giants": 20, "season": 80, "record": 60, "close": 40, "heard": 30, "touchdowns": 15}
	for _, tt := range []struct {
		q       string
		refused bool
	}{
		// The remark's "record" is in no passage: what is asked is covered.
		{q: "how many sacks have the giants given up this season? heard it's close to a record", refused: false},
		// A remark does not make an uncovered question covered.
		{q: "how many touchdowns have the giants given up this season? heard it's a record", refused: true},
	} {
		got, err := NewService(libraryRetriever(hits, counts), testOptions()).Answer(t.Context(), "g1", Request{Question: tt.q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Refused != tt.refused {
			t.Errorf("Answer(%q) = %+v, want refused %v", tt.q, got, tt.refused)
		}
	}
}

// TestRemarkNamesWhomTheQuestionAsksAbout: "what's his fund called?"
// after a remark that names him asks about him; the remark's other names,
// which the library never mentions, are still beside the question.
func TestRemarkNamesWhomTheQuestionAsksAbout(t *testing.T) {
	day := time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-palestine", "TechCrunch", 0, "One of the main Palestinian VC funds, Ibtikar, had recently raised its second fund of $30 million.", day),
		hit("a-ohanian", "TechCrunch", 0, "Reddit co-founder Alexis Ohanian spoke about his venture firm, Seven Seven Six, and its new fund.", day),
	}
	counts := map[string]int{"ohanian": 2, "kara": 0, "swisher": 0, "UVA": 0, "talking": 40, "vc": 20, "fund": 30, "called": 50}
	o := testOptions()
	o.CommonWord = func(w string) bool {
		return !strings.EqualFold(w, "ohanian") && !strings.EqualFold(w, "swisher") && !strings.EqualFold(w, "uva")
	}
	got, err := NewService(libraryRetriever(hits, counts), o).Answer(t.Context(), "g1",
		Request{Question: "ohanian was talking with kara swisher at UVA. what's his vc fund called again?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "Seven Seven Six") {
		t.Errorf("Answer() = %+v, want Ohanian's firm", got)
	}
}

func TestAskingPart(t *testing.T) {
	for _, tt := range []struct{ q, want string }{
		{"how many sacks have the giants given up this season? heard it's close to a record", "how many sacks have the giants given up this season?"},
		{"the supreme court will take the texas case. whats the texas law called?", "whats the texas law called?"},
		{"Which university is Louis Brus at? The quantum dots Nobel guy", "Which university is Louis Brus at?"},
		{"Who did the U.S. Senate confirm?", ""},
		{"did england win?", ""},
		{"2023. who won the world cup?", "who won the world cup?"},
		{"Who directed Pulse, the Japanese internet ghost movie on Polygon's Halloween countdown?", "Who directed Pulse?"},
		{"What did Ratcliffe, the Ineos owner, pay for the stake?", "What did Ratcliffe pay for the stake?"},
		{"what did they say, the players?", ""},
	} {
		if got, _ := askingPart(tt.q); got != tt.want {
			t.Errorf("askingPart(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestNextInAnOrderIsNoNextInTime(t *testing.T) {
	for q, want := range map[string]bool{
		"who is Canelo fighting next?":                                      true,
		"what's their next game?":                                           true,
		"The Swans top the AFLW crowd numbers, so which club is next best?": false,
		"which stadium had the next-biggest crowd?":                         false,
		"what's the hotel next to the stadium called? and their next game?": true,
	} {
		if got := askedNext(q); got != want {
			t.Errorf("askedNext(%q) = %v, want %v", q, got, want)
		}
	}
}

// FuzzReadQuestion reads any question the ways the answerer does: none
// panics.
func FuzzReadQuestion(f *testing.F) {
	f.Add("how many sacks have the giants given up this season? heard it's close to a record")
	f.Add("2023. who won the world cup?")
	f.Add("What does ASOS actually stand for? When was the Eiffel Tower built in May")
	f.Add("how much is U2 asking... for tickets?! who's running it next")
	f.Fuzz(func(t *testing.T, q string) {
		SalientTerms(q, nil)
		askingPart(q)
		askedAttribute(q)
		askedKind(q)
		askedRole(q)
		askedNext(q)
		countedWords(q)
	})
}

// FuzzAnswerOneArticle answers any question from a library of one article
// with any text: every check of the passages' sentences against what is
// asked (counts, sums, speakers, yes-or-no words) runs on both.
func FuzzAnswerOneArticle(f *testing.F) {
	f.Add("What did Novo Nordisk say about the study?", `"It happens," he said. Novo Nordisk said in a statement that the study's design limits it.`)
	f.Add("How many Steam Deck OLEDs has Valve sold?", "The Steam Deck 2 (2025) and the $69 billion deal. 80 million people, No. 98")
	f.Add("was he convicted in the end? what's it called", "He was convicted. Tickets cost $140 - the fine was £5,000.")
	f.Add("when does the season start", "The season will start on March 22, 2024.\n\nHeading\n“")
	day := time.Date(2023, 11, 30, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, q, body string) {
		if !utf8.ValidString(q) || !utf8.ValidString(body) {
			return
		}
		hits := []news.Hit{hit("a1", "The Verge", 0, body, day)}
		got, err := NewService(libraryRetriever(hits, nil), testOptions()).Answer(t.Context(), "g1", Request{Question: q}, nil)
		if err == nil && got.Text == "" {
			t.Errorf("Answer(%q) over %q: empty answer", q, body)
		}
	})
}

// TestAmountWithAShortScale: "$7.7B" in a question is the "$7.7 billion"
// of an article, counted in the library by its figure and held by the
// passages that write it out, and "£82m" the "£82 million"; a bare
// "100m" is a distance, not a sum.
func TestAmountWithAShortScale(t *testing.T) {
	for _, tc := range [][2]string{
		{"$7.7B", "$7.7 billion"},
		{"£82m", "£82 million"},
		{"€1.4bn", "€1.4 billion"},
		{"$ 145k", "$ 145 thousand"},
		{"3bn", "3 billion"},
	} {
		if got, want := extractTerms(tc[0]), extractTerms(tc[1]); !slices.Equal(got, want) {
			t.Errorf("extractTerms(%q) = %v, want %v as for %q", tc[0], got, want, tc[1])
		}
	}
	if got := extractTerms("the 100m final"); !slices.Equal(got, []string{"100m", "final"}) {
		t.Errorf(`extractTerms("the 100m final") = %v, want 100m kept`, got)
	}

	day := time.Date(2023, 11, 30, 0, 0, 0, 0, time.UTC)
	lib := &countingIndex{fakeIndex{hits: []news.Hit{
		hit("a-nascar", "Essentially Sports", 0, "NASCAR finalized a $7.7 billion media rights deal with Fox Sports, NBC, Amazon and Warner Bros. "+
			"The deal secures an average annual revenue of $1.1 billion over seven years.", day),
		hit("a-nba", "Sporting News", 0, "The Lakers beat the Suns 122-119 to reach the in-season tournament final.", day),
	}}}
	s := NewService(NewRetriever(lib, constEmbedder{}, RetrieverOptions{}), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "NASCAR's new media deal is $7.7B total, what does that work out to per year?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || len(got.Sources) == 0 || got.Sources[0].ArticleID != "a-nascar" {
		t.Errorf("Answer() = %+v, want an answer from a-nascar", got)
	}
}

// TestLookCloserBeforeDeclining: when one article's passages cover the
// question but no retrieved sentence holds enough of it, the article's
// further passages are read before declining.
func TestLookCloserBeforeDeclining(t *testing.T) {
	day := time.Date(2023, 10, 5, 0, 0, 0, 0, time.UTC)
	first := hit("a-asx", "The Age", 0, "Perpetual is a fund manager based in Sydney. Its strategic review was long awaited. "+
		"Shares in the sector tend to climb in November.", day)
	further := hit("a-asx", "The Age", 1, "Loading Perpetual shares climbed 6.3 per cent after it announced a strategic review.", day)
	other := hit("a-nba", "ESPN", 0, "The Lakers beat the Suns 122-119 on Tuesday night.", day)
	var filtered int
	r := RetrieverFunc(func(_ context.Context, _ string, q Query) (Retrieval, error) {
		if len(q.Filter.ArticleIDs) > 0 {
			filtered++
			return Retrieval{Hits: []news.Hit{first, further}}, nil
		}
		return Retrieval{Hits: []news.Hit{first, other}}, nil
	})
	got, err := NewService(r, testOptions()).Answer(t.Context(), "g1", Request{Question: "How much did Perpetual shares climb after the strategic review?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "6.3 per cent") || strings.Contains(got.Text, "Loading") {
		t.Errorf("Answer() = %+v, want the climb from the further passage, without the page's \"Loading\"", got)
	}
	if filtered == 0 {
		t.Error("the article's further passages were never read")
	}
}

// TestArticleThatHoldsTheWholeQuestion: when one article's passages hold
// the whole question, its words spread over the article's sentences, the
// question is answered; an article that holds less of it, spread the same
// way, does not answer it.
func TestArticleThatHoldsTheWholeQuestion(t *testing.T) {
	day := time.Date(2023, 10, 29, 0, 0, 0, 0, time.UTC)
	q := "How many tackles did Du Toit make in the rainy Paris final against New Zealand?"
	for _, tt := range []struct {
		text   string
		answer bool
	}{
		{"Du Toit made 28 tackles. South Africa beat New Zealand 12-11 in the final. The match was played in rainy Paris.", true},
		{"Du Toit made 28 tackles. South Africa beat New Zealand 12-11 in the final. The match was played on a rainy night.", false},
	} {
		hits := []news.Hit{hit("a-rwc", "RugbyPass", 0, tt.text, day)}
		got, err := NewService(libraryRetriever(hits, nil), testOptions()).Answer(t.Context(), "g1", Request{Question: q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tt.answer && (got.Refused || !strings.Contains(got.Text, "28 tackles")) {
			t.Errorf("Answer() = %+v, want the tackles from the article that holds the whole question", got)
		}
		if !tt.answer && !got.Refused {
			t.Errorf("Answer() = %+v, want a decline: no article holds Paris", got)
		}
	}
}

// TestMeasureInAFurtherPassage: a height, like a count, says what it is,
// so the answering article's further passages are read for it before the
// question is declined.
func TestMeasureInAFurtherPassage(t *testing.T) {
	day := time.Date(2023, 11, 20, 0, 0, 0, 0, time.UTC)
	first := hit("a-parade", "Polygon", 0, "Spider-Man is the only Marvel character to rate a balloon in the Macy's Thanksgiving Parade. "+
		"The parade starts at 8:30 a.m. on Thursday.", day)
	further := hit("a-parade", "Polygon", 3, "Real life has tied Spider-Man to the holiday, too. "+
		"Other Marvel characters have appeared on floats in the Macy's Thanksgiving Parade, but only Spider-Man has been inflated to 80 feet "+
		"and pulled through the Upper West Side.", day)
	r := RetrieverFunc(func(_ context.Context, _ string, q Query) (Retrieval, error) {
		if len(q.Filter.ArticleIDs) > 0 {
			return Retrieval{Hits: []news.Hit{first, further}}, nil
		}
		return Retrieval{Hits: []news.Hit{first}}, nil
	})
	got, err := NewService(r, testOptions()).Answer(t.Context(), "g1", Request{Question: "How tall is the Spider-Man balloon in the Macy's Thanksgiving parade?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "80 feet") {
		t.Errorf("Answer() = %+v, want the 80 feet from the further passage", got)
	}
}

// TestNameTheIndexSpellsAnotherWay: the index counts no passage under
// "Tromso", which the passages write "Tromsø"; the question is answered.
func TestNameTheIndexSpellsAnotherWay(t *testing.T) {
	day := time.Date(2023, 10, 2, 0, 0, 0, 0, time.UTC)
	hits := []news.Hit{
		hit("a-lights", "Travel", 0, "In Tromsø, Norway, the northern lights can be seen from September to April.", day),
	}
	counts := map[string]int{"Tromso": 0}
	s := NewService(libraryRetriever(hits, counts), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "what months can you see the northern lights in Tromso?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused || !strings.Contains(got.Text, "September to April") {
		t.Errorf("Answer() = %+v, want the months Tromsø sees the lights", got)
	}
}

func TestDeclineNamesTermsInTheQuestionsOrder(t *testing.T) {
	terms := []Term{{Text: "philip", Passages: 3}, {Text: "wilkins", Passages: 1}, {Text: "labs", Passages: 2}}
	ev := evidence{terms: terms, weight: []float64{1, 2, 1.5}, found: []bool{true, true, true}}
	want := "None of the articles I have covers philip, wilkins and labs together."
	if got := declineText(ev, nil); got != want {
		t.Errorf("declineText() = %q, want %q", got, want)
	}
}

func TestAsksWhichThereIs(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want bool
	}{
		{"is there an app that gets a ps5 dualsense working on pc?", true},
		{"is there a good app that does it?", true},
		{"is there a way to watch it outside the US?", true},
		{"are there any players who left?", true},
		{"is there a vaccine for that mystery dog illness?", false},
		{"is there a sequel?", false},
	} {
		if got := asksWhich(tc.q); got != tc.want {
			t.Errorf("asksWhich(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestHedgeWordsWeighLittle(t *testing.T) {
	hits := []news.Hit{hit("nfl-money", "CNBC", 0, "The NFL brings in about $18 billion a year.", oct(30)),
		hit("nba", "ESPN", 0, "The NBA season opened with roughly a dozen new coaches.", oct(29))}
	for _, hedge := range []string{"roughly", "supposedly", "literally"} {
		terms := []Term{{Text: hedge, Kind: TermWord, Words: []string{stem(hedge)}, Passages: 3},
			{Text: "coaches", Kind: TermWord, Words: []string{stem("coaches")}, Passages: 3}}
		gate, _ := weigh(terms, 1000, hits, func(string) bool { return true })
		if gate[0] >= gate[1] {
			t.Errorf("weigh(%q) = %v, want the hedge to weigh less than a word of what is asked", hedge, gate)
		}
	}
}

func TestEverydayFormsMeetTheReportedOnes(t *testing.T) {
	for q, passage := range map[string]string{
		"moms":   "His mother, Barbara Fried, co-founded a political action committee.",
		"reffed": "Rebecca Welch became the first woman to referee a Premier League game.",
		"kids":   "The children were evacuated before the storm.",
		"pics":   "The photos show the rover on the crater rim.",
	} {
		term := Term{Text: q, Kind: TermWord, Words: []string{stem(q)}}
		if !term.in(termSet(passage)) {
			t.Errorf("Term %q is not in %q, want it met by the word reports use", q, passage)
		}
	}
}

func TestMixedCaseAcronym(t *testing.T) {
	passage := "Blizzard launched World of Warcraft Classic back in 2019."
	set := termSet(passage)
	addAcronyms(set, passage)
	for _, q := range []string{"WoW Classic", "WoW"} {
		terms := SalientTerms("what did TechCrunch say about "+q+"?", nil)
		i := slices.IndexFunc(terms, func(t Term) bool { return t.Text == q })
		if i < 0 {
			t.Fatalf("SalientTerms() = %+v, want the term %q", terms, q)
		}
		if !terms[i].in(set) {
			t.Errorf("%q is not in %q, want it read as the acronym of World of Warcraft", q, passage)
		}
	}
	for w, want := range map[string]bool{"WoW": true, "DoJ": true, "EU": true, "Warcraft": false, "McDonald": false, "iPhone": false} {
		if got := acronymWord(w); got != want {
			t.Errorf("acronymWord(%q) = %v, want %v", w, got, want)
		}
	}
}
