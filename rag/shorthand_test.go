package rag

import (
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/news"
)

func TestSpellOut(t *testing.T) {
	for in, want := range map[string]string{
		"how many ppl died of dementia last yr?":      "how many people died of dementia last year?",
		"how many TDs did Love throw":                 "how many touchdowns did Love throw",
		"what did TD Bank report":                     "what did TD Bank report",
		"how many pts did he score rn":                "how many points did he score right now",
		"who's travis kelce's gf":                     "who's travis kelce's girlfriend",
		"is the bronze medal in the tdsb's pool safe": "is the bronze medal in the tdsb's pool safe",
		"which Niners player got ejected":             "which 49ers player got ejected",
		"who missed the 59 yarder against bama":       "who missed the 59 yard against Alabama",
		"whos coaching paraguay now":                  "who's coaching paraguay now",
		"Whats the name of it, didnt they say":        "What's the name of it, didn't they say",
		"when did fulham last beat man utd":           "when did fulham last beat Manchester United",
		"did Man City win":                            "did Manchester City win",
		"are utd out of europe":                       "are United out of europe",
		"did the D-backs win game 2":                  "did the Diamondbacks win game 2",
		"which isp went down bc it ran out of fuel":   "which isp went down because it ran out of fuel",
		"why did the BC Lions lose":                   "why did the BC Lions lose",
		"where were chelsea in the prem table":        "where were chelsea in the Premier League table",
		"how many streams has greedy racked up sofar": "how many streams has greedy racked up so far",
		"did they score atleast twice":                "did they score at least twice",
	} {
		if got := spellOut(in); got != want {
			t.Errorf("spellOut(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestShorthandIsAnswered: a question in chat shorthand meets the words
// the article writes.
func TestShorthandIsAnswered(t *testing.T) {
	day := time.Date(2023, 10, 5, 0, 0, 0, 0, time.UTC)
	got := answer(t, []news.Hit{hit("a-dementia", "The Guardian", 0,
		"Last year dementia took the lives of 66,000 people in England and Wales, and it is now the leading cause of death in Britain.", day)},
		"how many ppl died of dementia in england and wales last year?")
	if got.Refused || !strings.Contains(got.Text, "66,000") {
		t.Errorf("Answer() = %+v, want the 66,000 people", got)
	}
}

// TestClubShortNames: a club the question names in full or for short
// meets the passages that write it either way.
func TestClubShortNames(t *testing.T) {
	for _, tc := range []struct{ question, passage string }{
		{"man united", "Man United were beaten at home."},
		{"man utd", "Man United were beaten at home."},
		{"Manchester United", "Man Utd were beaten at home."},
		{"man city", "Manchester City were beaten at home."},
		{"Manchester City", "Man City were beaten at home."},
	} {
		terms := SalientTerms(spellOut("were "+tc.question+" beaten?"), nil)
		set := termSet(tc.passage)
		for _, term := range terms {
			if term.Kind == TermName && !term.in(set) {
				t.Errorf("%q: term %q not found in %q", tc.question, term.Text, tc.passage)
			}
		}
	}
	day := time.Date(2023, 11, 12, 0, 0, 0, 0, time.UTC)
	got := answer(t, []news.Hit{hit("a-fulham", "The Independent", 0,
		"Man United were beaten 2-1 by Fulham at Old Trafford on Saturday.", day)}, "what was the score when fulham beat man utd")
	if got.Refused || !strings.Contains(got.Text, "2-1") {
		t.Errorf("Answer() = %+v, want the 2-1", got)
	}
}

// TestMicsAreMicrophones: a question's short word meets the long one a
// passage writes, and the long one the short.
func TestMicsAreMicrophones(t *testing.T) {
	for _, tc := range []struct{ question, passage string }{
		{"how good are the mics on the pixel 8", "The Pixel 8 has three microphones."},
		{"how good are the microphones on the pixel 8", "There are now five mics instead of one."},
	} {
		found := false
		for _, term := range SalientTerms(spellOut(tc.question), nil) {
			if strings.HasPrefix(term.Text, "mic") && term.in(termSet(tc.passage)) {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: no term of the question found in %q", tc.question, tc.passage)
		}
	}
}
