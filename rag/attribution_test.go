package rag

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/news"
)

// countingIndex is a fakeIndex that can also count the passages
// mentioning a phrase, as the store does.
type countingIndex struct{ fakeIndex }

func (c *countingIndex) TermCounts(_ context.Context, _ string, phrases []string) ([]int, int, error) {
	counts := make([]int, len(phrases))
	for i, p := range phrases {
		p = strings.ToLower(strings.Join(strings.Fields(p), " "))
		for _, h := range c.hits {
			if p != "" && strings.Contains(strings.ToLower(h.Article.Title+" "+h.Chunk.Text), p) {
				counts[i]++
			}
		}
	}
	return counts, len(c.hits), nil
}

var _ TermCounter = (*countingIndex)(nil)

// attributionLibrary holds passages that mention a central bank, NASA and a
// market strategist, none of them a stored outlet.
func attributionLibrary() *countingIndex {
	return &countingIndex{fakeIndex{hits: []news.Hit{
		hit("rates", "Harbor City Ledger", 0, "The Central Bank left its main interest rate unchanged at 4.25% on Tuesday, its third pause in a row. Governor Elena Vasquez said inflation had cooled faster than expected.", oct(3)),
		hit("rba", "The Age", 0, "The Reserve Bank of Australia kept the cash rate at 4.35 per cent on Tuesday. Governor Michele Bullock warned that inflation was still too high.", oct(4)),
		hit("sun", "Live Science", 0, "NASA said the solar maximum would arrive in 2024, a year earlier than forecast. Scientists tracked a surge of sunspots through the summer.", oct(5)),
		hit("asx", "The Sydney Morning Herald", 0, "Moomoo market strategist Jessica Amir said the local sharemarket outperformed global equities because of the National Accounts figures.", oct(6)),
		hit("chiefs", "Sporting News", 0, "The Kansas City Chiefs beat the Las Vegas Raiders 31-17 on Sunday as Travis Kelce caught two touchdown passes.", oct(7)),
		hit("chips", "TechWire", 0, "Lumen unveiled a low-power AI chip for laptops, promising a full day of battery life.", oct(8)),
		hit("press", "Al Jazeera", 0, "The Committee to Protect Journalists said at least 30 journalists had been killed in Gaza since the war began.", oct(9)),
	}}}
}

func TestAnswerAttributions(t *testing.T) {
	tests := []struct {
		name     string
		question string
		article  string // the cited article; "" for a refusal
		want     string // in the answer text
	}{
		{name: "central bank", question: "What interest rate did the report from the Central Bank say it kept?", article: "rates", want: "4.25%"},
		{name: "another central bank", question: "According to the Reserve Bank, what is the cash rate?", article: "rba", want: "4.35 per cent"},
		{name: "NASA", question: "According to NASA, when will the solar maximum arrive?", article: "sun", want: "2024"},
		{name: "person", question: "According to Jessica Amir, why did the sharemarket outperform?", article: "asx", want: "National Accounts"},
		{name: "acronym the library spells out", question: "How many journalists have been killed in Gaza according to the CPJ?", article: "press", want: "at least 30"},
		{name: "acronym the library never uses", question: "How many journalists have been killed in Gaza according to the IFJ?", want: "I have no articles from the IFJ."},
		{name: "unknown outlet", question: "What did Bloomberg report about the cash rate?", want: "I have no articles from Bloomberg."},
		{name: "unknown outlet first", question: "According to Reuters, what is the cash rate?", want: "I have no articles from Reuters."},
		{name: "off-topic", question: "What did NASA announce about the Artemis II crew?", want: "I have no articles about Artemis II."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRetriever(attributionLibrary(), constEmbedder{}, RetrieverOptions{})
			s := NewService(r, testOptions())
			got, err := s.Answer(t.Context(), "g", Request{Question: tt.question}, nil)
			if err != nil {
				t.Fatalf("Answer() error = %v", err)
			}
			if !strings.Contains(got.Text, tt.want) {
				t.Errorf("Answer().Text = %q, want it to hold %q", got.Text, tt.want)
			}
			if tt.article == "" {
				if !got.Refused || len(got.Sources) > 0 {
					t.Errorf("Answer() = %+v, want a refusal", got)
				}
				return
			}
			if got.Refused || len(got.Sources) == 0 || got.Sources[0].ArticleID != tt.article {
				t.Errorf("Answer() = %+v, want an answer citing %s", got, tt.article)
			}
		})
	}
}

// TestRetrieveAttributionIsSearched checks that a name in outlet position
// that the library mentions is searched, not refused, and that the
// retriever reports it as a claim.
func TestRetrieveAttributionIsSearched(t *testing.T) {
	r := NewRetriever(attributionLibrary(), constEmbedder{}, RetrieverOptions{})
	got, err := r.Retrieve(t.Context(), "g", Query{Text: "What interest rate did the report from the Central Bank say it kept?"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Notice != "" || len(got.Hits) == 0 || got.Hits[0].Article.ID != "rates" {
		t.Errorf("Retrieve() = notice %q, hits %v; want the rates article first", got.Notice, articleIDs(got.Hits))
	}
	if len(got.Claims) != 1 || got.Claims[0].Text != "Central Bank" {
		t.Errorf("Claims = %+v, want the Central Bank", got.Claims)
	}
}

// TestAttributionInAnEmptyLibrary: with no articles at all, a question
// naming a source says the library is empty, not that the source is
// missing.
func TestAttributionInAnEmptyLibrary(t *testing.T) {
	r := NewRetriever(&countingIndex{}, constEmbedder{}, RetrieverOptions{})
	got, err := NewService(r, testOptions()).Answer(t.Context(), "g", Request{Question: "What interest rate did the report from the Central Bank say it kept?"}, nil)
	if !errors.Is(err, ErrNoSources) || got.Text != NoArticlesText {
		t.Errorf("Answer() = %+v, %v; want %q and ErrNoSources", got, err, NoArticlesText)
	}
}

func TestAcronymsSkipSmallWordsInsideNames(t *testing.T) {
	for text, want := range map[string]string{
		"The Committee to Protect Journalists said": "cpj",
		"at University of California San Diego":     "ucsd",
		"the International Monetary Fund and the":   "imf",
		"a Department of Justice filing":            "doj",
		"the Department of Justice filed":           "dj",
		"shares of Bank of Queensland fell":         "boq",
		"the Bank of the West said":                 "botw",
		"Sam Bankman-Fried lived in a penthouse":    "sbf",
	} {
		if got := acronyms(text); !slices.Contains(got, want) {
			t.Errorf("acronyms(%q) = %v, want it to hold %q", text, got, want)
		}
	}
	if got := acronyms("the price of oil"); len(got) != 0 {
		t.Errorf("acronyms(%q) = %v, want none", "the price of oil", got)
	}
}

func TestLowerCaseAcronymOfConsonants(t *testing.T) {
	for _, tt := range []struct {
		term Term
		want bool
	}{
		{Term{Text: "sbf", Passages: 6}, true},   // no English word: the initials of a name
		{Term{Text: "SBF", Passages: 6}, true},   // written as an acronym
		{Term{Text: "gta", Passages: 0}, true},   // never used as a word
		{Term{Text: "gas", Passages: 40}, false}, // a word the library uses
		{Term{Text: "rhythm", Passages: 2}, false},
	} {
		if got := tt.term.acronymLike(); got != tt.want {
			t.Errorf("%q.acronymLike() = %v, want %v", tt.term.Text, got, tt.want)
		}
	}
}
