package uselite

import (
	"slices"
	"testing"
)

func TestCommonWord(t *testing.T) {
	for _, w := range []string{"decide", "Decided", "keep", "jumps", "making", "capital", "population", "running"} {
		if !CommonWord(w) {
			t.Errorf("CommonWord(%q) = false, want true", w)
		}
	}
	for _, w := range []string{"sourdough", "Artemis", "rainforest", "cybertruck", "vendetta", "", "s"} {
		if CommonWord(w) {
			t.Errorf("CommonWord(%q) = true, want false", w)
		}
	}
}

func TestParseVocabularyMatchesWeights(t *testing.T) {
	_, want, _, err := parseWeights(weightsFile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseVocabulary(weightsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("parseVocabulary: %d pieces, differ from parseWeights' %d", len(got), len(want))
	}
	if _, err := parseVocabulary(weightsFile[:1000]); err == nil {
		t.Error("parseVocabulary of a truncated file: no error")
	}
}
