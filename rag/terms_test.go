package rag

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestKeywordTerms(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"what did they say about it", nil},
		{"What did TechCrunch say about Nvidia's chips?", []string{"techcrunch", "nvidia", "chips"}},
		{"Eagles eagles EAGLES", []string{"eagles"}},
		{`a "quoted" NEAR(x y) OR AND NOT *`, []string{"quoted", "near"}},
		{"Café 東京 2023", []string{"café", "東京", "2023"}},
		{"Is Musk's X losing advertisers in the U.S. since J. Doe left? I think a lot",
			[]string{"musk", "x", "losing", "advertisers", "since", "doe", "left", "think", "lot"}},
	} {
		if diff := cmp.Diff(tc.want, KeywordTerms(tc.in), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("KeywordTerms(%q) mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestStemFoldsLettersWithTheirMark(t *testing.T) {
	for _, tc := range [][2]string{{"Tromsø", "Tromso"}, {"Łódź", "Lodz"}, {"café", "cafe"}, {"Kılıçdaroğlu", "Kilicdaroglu"}, {"Ærø", "AEro"}} {
		if a, b := Stem(tc[0]), Stem(tc[1]); a != b {
			t.Errorf("Stem(%q) = %q, Stem(%q) = %q; want one stem", tc[0], a, tc[1], b)
		}
	}
}

func TestHyphenatedWordIsAlsoOneWord(t *testing.T) {
	set := termSet("A bug hid Stories that re-shared Reels, the co-founder said by e-mail in 2023-24.")
	for _, w := range []string{"reshared", "re", "shared", "cofounder", "founder", "email", "mail"} {
		if !hasAll(set, extractTerms(w)) {
			t.Errorf("termSet() = %v, want it to hold %q", set, w)
		}
	}
}

// TestDottedLettersCue: every text dottedAcronym matches passes the cheap
// check that guards it.
func TestDottedLettersCue(t *testing.T) {
	for _, s := range []string{"the U.S.", "U.S. forces", "e.g. this", "in the U.K.'s capital", "a.m.", "J.R.R. Tolkien", "No. 3 seed", "3.5.1 release", "plain text"} {
		if dottedAcronym.MatchString(s) && !hasDottedLetters(s) {
			t.Errorf("dottedAcronym matches %q but hasDottedLetters does not", s)
		}
	}
	if hasDottedLetters("plain text. Another one.") {
		t.Error("hasDottedLetters(plain sentences) = true")
	}
}

func TestActMeetsItsVerb(t *testing.T) {
	for _, tc := range [][2]string{{"dinner", "dined"}, {"speech", "speaking"}, {"sales", "sold"}, {"loss", "losing"}, {"payments", "paid"}, {"arrival", "arrived"}} {
		if a, b := stem(tc[0]), stem(tc[1]); a != b {
			t.Errorf("stem(%q) = %q, stem(%q) = %q; want one stem", tc[0], a, tc[1], b)
		}
	}
}

func TestBritishSpellingMeetsAmerican(t *testing.T) {
	for _, tc := range [][2]string{{"favourite", "favorite"}, {"organised", "organized"}, {"organisation", "organization"}, {"defence", "defense"},
		{"travelled", "traveled"}, {"centre", "center"}, {"colours", "colors"}, {"analysed", "analyzed"}} {
		if a, b := stem(tc[0]), stem(tc[1]); a != b {
			t.Errorf("stem(%q) = %q, stem(%q) = %q; want one stem", tc[0], a, tc[1], b)
		}
	}
}
