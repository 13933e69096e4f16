package rag

import (
	"slices"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/news"
)

func TestRespellings(t *testing.T) {
	tests := []struct {
		word             string
		demonyms, splits []string
	}{
		{word: "powerplay", splits: []string{"pow erplay", "powe rplay", "power play", "powerp lay"}},
		{word: "Liberian", demonyms: []string{"liberia", "liber"}, splits: []string{"lib erian", "libe rian", "liber ian"}},
		{word: "brazilians", demonyms: []string{"brazilia", "brazil"}, splits: []string{"bra zilians", "braz ilians", "brazi lians", "brazil ians", "brazili ans"}},
		{word: "short"},
		{word: "covid19"},
	}
	for _, tt := range []struct{ short, long string }{{"500k", "500,000"}, {"2m", "2 million"}, {"10K", "10,000"}, {"500", ""}, {"5g", ""}} {
		if got := longNumber(tt.short); got != tt.long {
			t.Errorf("longNumber(%q) = %q, want %q", tt.short, got, tt.long)
		}
	}
	for _, tt := range tests {
		demonyms, splits := respellings(tt.word)
		if !slices.Equal(demonyms, tt.demonyms) || !slices.Equal(splits, tt.splits) {
			t.Errorf("respellings(%q) = %q, %q, want %q, %q", tt.word, demonyms, splits, tt.demonyms, tt.splits)
		}
	}
}

// A word the library never writes as the question does is searched and
// judged as the library writes it.
func TestWordTheLibraryWritesAnotherWay(t *testing.T) {
	lib := &countingIndex{fakeIndex{hits: []news.Hit{
		hit("nhl", "Sporting News", 0, "Entering the final week of November, the Sabres are averaging 2.81 goals per game. The power play is clicking at 16.4%, 23rd in the NHL.", oct(3)),
		hit("pk", "Sporting News", 1, "The Sabres penalty kill has allowed a goal in each of the last five games, and the power play went scoreless again.", oct(4)),
		hit("holiday", "The Independent", 0, "Canada has its own Thanksgiving Day, on the second Monday in October, and Liberia celebrates Thanksgiving on the first Thursday of November.", oct(5)),
		hit("bank", "The Age", 0, "The Reserve Bank kept the cash rate at 4.35 per cent on Tuesday.", oct(6)),
		hit("chips", "TechWire", 0, "Lumen unveiled a low-power AI chip for laptops, promising a full day of battery life.", oct(8)),
		hit("starnews", "TechCrunch", 0, "At one point StarNews attracted 500,000 subscribers by offering them the chance to attend a Fally Ipupa concert.", oct(9)),
	}}}
	tests := []struct{ question, want string }{
		{"sabres powerplay has been brutal this year, what percent is it clicking at?", "16.4%"},
		{"my liberian coworker says they have thanksgiving too, when is it there?", "first Thursday of November"},
		// A number written with a short scale.
		{"starnews picked up like 500k subscribers from one concert promo, whose concert was it?", "Fally Ipupa"},
	}
	for _, tt := range tests {
		o := testOptions()
		// The words as the question writes them are rare words, which
		// decline a question the library does not hold.
		o.CommonWord = func(w string) bool {
			return !slices.Contains([]string{"powerplay", "liberian", "coworker"}, strings.ToLower(w))
		}
		got, err := NewService(NewRetriever(lib, constEmbedder{}, RetrieverOptions{}), o).Answer(t.Context(), "g", Request{Question: tt.question}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Refused || !strings.Contains(got.Text, tt.want) {
			t.Errorf("Answer(%q) = %q, want %q", tt.question, got.Text, tt.want)
		}
	}
}

func TestSlipOf(t *testing.T) {
	words := map[string]bool{"actually": true, "really": true, "against": true}
	is := func(w string) bool { return words[w] }
	for w, want := range map[string]bool{
		"actualy": true, "acutally": true, "realy": true, "againts": true,
		"actually": false, "sourdough": false, "real": false, "Actualy": true, "actualy2": false,
	} {
		if got := slipOf(w, is); got != want {
			t.Errorf("slipOf(%q) = %v, want %v", w, got, want)
		}
	}
}

// An everyday word mistyped weighs as an everyday word, not as a rare
// word the library lacks.
func TestMistypedEverydayWordWeighsLittle(t *testing.T) {
	terms := []Term{
		{Text: "actualy", Kind: TermWord, Passages: 0, Words: []string{"actuali"}},
		{Text: "sourdough", Kind: TermWord, Passages: 0, Words: []string{"sourdough"}},
	}
	common := func(w string) bool { return w == "actually" || w == "sour" }
	gate, _ := weigh(terms, 1000, nil, common)
	if gate[0] >= gate[1]/2 {
		t.Errorf("weigh() = %v, want actualy to weigh far less than sourdough", gate)
	}
}

func TestQuarterWrittenShort(t *testing.T) {
	q3 := Term{Text: "Q3", Kind: TermNumber, Words: []string{"q3"}}
	if !q3.in(termSet("Uber reported third-quarter revenue of $9.3 billion.")) {
		t.Error("Q3 not found in a passage writing the third quarter")
	}
	if q3.in(termSet("Uber reported fourth-quarter revenue of $9.9 billion.")) {
		t.Error("Q3 found in a passage writing the fourth quarter")
	}
	third := SalientTerms("What was Uber's third quarter revenue?", nil)
	set := termSet("Uber's Q3 revenue was $9.3 billion.")
	for _, term := range third {
		if !term.in(set) {
			t.Errorf("%q not found in a passage writing Q3", term.Text)
		}
	}
}
