package rag

import (
	"strings"
	"testing"

	"github.com/gazettebot/gazette/news"
)

func TestReadPassageFields(t *testing.T) {
	text := "Quiz Lady\nWhere to watch: Available to stream on Hulu\nGenre: Comedy\nDirector: Jessica Yu\n" +
		"Image: Hulu\nSandra Oh and Awkwafina play sisters chasing a game show jackpot."
	got := map[string]sentence{}
	for _, s := range readPassage(text, "The best new movies to stream") {
		got[s.text] = s
	}
	for _, f := range []string{"Where to watch: Available to stream on Hulu", "Genre: Comedy", "Director: Jessica Yu"} {
		s, ok := got[f]
		if !ok {
			t.Errorf("readPassage() has no sentence %q; a field is a fact, not a heading", f)
			continue
		}
		if !s.field || s.lead != "Quiz Lady —" || !s.heading["quiz"] {
			t.Errorf("sentence %q: field %v, lead %q, heading %v; want a field of Quiz Lady", f, s.field, s.lead, s.heading)
		}
	}
	if _, ok := got["Image: Hulu"]; ok {
		t.Errorf("readPassage() quotes the image credit %q", "Image: Hulu")
	}
	// A field does not replace its item's heading.
	if s := got["Sandra Oh and Awkwafina play sisters chasing a game show jackpot."]; !s.heading["quiz"] || s.field {
		t.Errorf("sentence after the fields: heading %v, field %v; want Quiz Lady's heading, no field", s.heading, s.field)
	}
}

func TestFieldOfTheAskedItem(t *testing.T) {
	list := hit("noir-list", "Polygon", 0, "Quiz Lady\nWhere to watch: Available to stream on Hulu\nDirector: Jessica Yu\n"+
		"Sandra Oh and Awkwafina play sisters chasing a game show jackpot.\n"+
		"M (1931)\nDirector: Fritz Lang\nA city hunts a child murderer in Berlin.", oct(30))
	s := NewService(fixed([]news.Hit{list}, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "who directed quiz lady? the awkwafina one"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if !strings.Contains(got.Text, "Quiz Lady — Director: Jessica Yu") || strings.Contains(got.Text, "Fritz Lang") {
		t.Errorf("Answer().Text = %q, want Quiz Lady's director quoted with the film's name", got.Text)
	}

	games := hit("games", "Polygon", 0, "Dave the Diver\nDave the Diver is less about diving than about running a sushi restaurant at night.\n"+
		"Mr. Sun’s Hatbox\nDeveloper: Kenny Sun\nA slapstick roguelike about hats.", oct(30))
	s = NewService(fixed([]news.Hit{games}, nil), testOptions())
	got, err = s.Answer(t.Context(), "g1", Request{Question: "Who's the developer of Dave the Diver?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if strings.Contains(got.Text, "Kenny Sun") {
		t.Errorf("Answer().Text = %q quotes the developer of another game", got.Text)
	}
}

func TestQuestionQuotedWithItsReply(t *testing.T) {
	interview := hit("palmer", "The Guardian", 0, "Cole Palmer swapped south Manchester for London this summer. "+
		"“The most annoying thing about moving down south? The traffic, that’s the biggest thing for me,” Palmer said. "+
		"He has started every league game since his move.", oct(30))
	s := NewService(fixed([]news.Hit{interview}, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "what did cole palmer say was the most annoying thing about moving down south?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if !strings.Contains(got.Text, "down south? The traffic") {
		t.Errorf("Answer().Text = %q, want the question quoted with its reply", got.Text)
	}
}

func TestWithoutCredit(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Credit: AP Wednesday’s report from ADP suggested private employers added 89,000 jobs.", "Wednesday’s report from ADP suggested private employers added 89,000 jobs."},
		{"Credit: Getty Prior had blasted the decision.", "Prior had blasted the decision."},
		{"Credit: Janie Barrett It’s hard to enjoy something when we find it hard.", "It’s hard to enjoy something when we find it hard."},
		{"Credit: Alex Ellinghausen “It would be concerning from any company,” she said.", "“It would be concerning from any company,” she said."},
		{"Credit: Reuters Pool Still, some scientists had become fixated on the downsides of AI.", "Still, some scientists had become fixated on the downsides of AI."},
		{"Credit: AP Between 2011 and 2016, Trump valued his apartment at 30,000 square feet.", "Between 2011 and 2016, Trump valued his apartment at 30,000 square feet."},
		// Where the credit ends cannot be told: the sentence stays as it is.
		{"Credit: Eddie Jim Smith Jones Brown Green Black White said no.", "Credit: Eddie Jim Smith Jones Brown Green Black White said no."},
		{"Credit card debt rose again.", "Credit card debt rose again."},
	} {
		if got := withoutCredit(tt.in); got != tt.want {
			t.Errorf("withoutCredit(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTitlesAndNamesDoNotEndSentences(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{`"This is real-time deterrence," reveals IMPA director general Adv. Ilit Ostrovitch-Levi. "And then there was a domino effect."`, 2},
		{"This bundle includes a digital download of Super Smash Bros. Ultimate as well as a membership.", 1},
		{"Det. Sgt. Ray Cole led the inquiry. He retired in May.", 2},
	} {
		if got := splitLine(tt.in); len(got) != tt.want {
			t.Errorf("splitLine(%q) = %q, want %d sentences", tt.in, got, tt.want)
		}
	}
}

func TestFirstSentenceUnderAHeadingSpeaksOfIt(t *testing.T) {
	list := hit("switch-games", "Polygon", 0, "Hades\nHades is for the Greek mythology nerds, but it is also for everyone.\n"+
		"Stardew Valley\nSolo developer and composer Eric Barone created both a game and a phenomenon with this one.\n"+
		"Its farming loop is as soothing as ever.", oct(30))
	coop := hit("co-op", "Polygon", 0, "I also love building something together in real time, like a farm in Stardew Valley.", oct(29))
	s := NewService(fixed([]news.Hit{coop, list}, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "who made stardew valley?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if !strings.Contains(got.Text, "Eric Barone") {
		t.Errorf("Answer().Text = %q, want the game's maker, named under its heading", got.Text)
	}
}

func TestReplyIsNoPageFurniture(t *testing.T) {
	ss := readPassage("Who will coach the Wallabies next year? Sign up for our free rugby newsletter today.", "")
	if len(ss) == 0 || ss[0].reply != "" {
		t.Errorf("readPassage() = %+v, want no reply from a sign-up box", ss)
	}
	ss = readPassage("Who will coach the Wallabies next year? Joe Schmidt takes over in January.", "")
	if len(ss) == 0 || ss[0].reply != "Joe Schmidt takes over in January." {
		t.Errorf("readPassage() = %+v, want the question's reply", ss)
	}
}

func TestDefiniteBack(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"The legendary undefeated boxer boasts a net worth of $450 million.", true},
		{"The program was set to begin on May 1, 2020.", true},
		{"“The 24-year-old has been superb,” said the coach.", true},
		{"The contest drew 40 entries.", true},
		{"The latter won the title in 2019.", true},
		{"The first game is on Friday.", false},
		{"The highest score came in the final.", false},
		{"The number of fans fell to 20,000.", false},
		{"The cost of a ticket was $3,801.", false},
		{"The Jets won.", false},
		{"Then it rained.", false},
	} {
		if got := definiteBack(tt.in); got != tt.want {
			t.Errorf("definiteBack(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestAnaphoric(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"The two have a daughter named Corrina.", true},
		{"The couple share three daughters.", true},
		{"The pair have been married since 1997.", true},
		{"The two sides meet again in March.", false},
		{"The three biggest banks raised rates.", false},
	} {
		if got := anaphoric(tt.in); got != tt.want {
			t.Errorf("anaphoric(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestReferentCarriesThroughPronouns(t *testing.T) {
	ss := readPassage("Wang was the co-founder of FTX. He owned only 17 percent of FTX. He got a $200,000 a year salary.", "")
	if len(ss) != 3 || !ss[2].prev["wang"] || ss[2].lead != "He owned only 17 percent of FTX." {
		t.Fatalf("readPassage() = %+v, want the third sentence about Wang, quoted after the second", ss)
	}
	ss = readPassage("Sign up for our free newsletter to get the latest news. The line will cost $1.2 billion.", "")
	if len(ss) != 2 || ss[1].lead != "" {
		t.Errorf("readPassage() = %+v, want no sign-up box quoted as what the line is", ss)
	}
}

func TestDefiniteDescriptionNamesThePerson(t *testing.T) {
	rich := hit("mayweather", "Essentially Sports", 0, "It’s no secret that Floyd Mayweather is the richest boxer in the world. "+
		"The legendary undefeated boxer boasts a staggering net worth of $450 million.", oct(30))
	s := NewService(fixed([]news.Hit{rich}, nil), testOptions())
	got, err := s.Answer(t.Context(), "g1", Request{Question: "how much is Floyd Mayweather worth?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	if !strings.Contains(got.Text, "$450 million") {
		t.Errorf("Answer().Text = %q, want the fortune of the boxer the sentence before names", got.Text)
	}
}
