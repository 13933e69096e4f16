package rag

import (
	"strings"
	"testing"
)

func TestAnswerUsesAtMostMaxSources(t *testing.T) {
	hits := FixtureHits(t, "a-sport", "a-verge", "a-tc")
	o := testOptions()
	o.MaxSources = 1 // the extractive answerer reads two passages
	o.MinCoverage, o.MinFocus, o.MinSentence = -1, -1, -1
	s := NewService(fixed(hits, nil), o)
	got, err := s.Answer(t.Context(), "g1", Request{Question: "What did Spotify say about the European Commission fine on Apple?"}, nil)
	if err != nil {
		t.Fatalf("Answer() error = %v", err)
	}
	for _, src := range got.Sources {
		if src.ArticleID == "a-tc" {
			t.Errorf("cited %s, beyond the first %d passages", src.ArticleID, 2*o.MaxSources)
		}
	}
}

func BenchmarkExtractiveAnswer(b *testing.B) {
	hits := FixtureHits(b)
	s := NewService(fixed(hits, nil), testOptions())
	req := Request{Question: "How much did the European Commission fine Apple, and what did Spotify say?"}
	for b.Loop() {
		if _, err := s.Answer(b.Context(), "g1", req, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenumber(b *testing.B) {
	text := strings.Repeat("Apple was fined [3], Spotify agreed [1][2] and rates held [4-5]. ", 20)
	for b.Loop() {
		Renumber(text, 4)
	}
}
