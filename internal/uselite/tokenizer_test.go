package uselite

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTokenize(t *testing.T) {
	e := mustLoad(t)
	tests := []struct {
		name string
		text string
		want []int32
	}{
		{"empty", "", []int32{}},
		{"plain", "The football match ended in a draw", []int32{34, 2013, 1320, 2384, 15, 11, 2784}},
		// Accents, a dash, an emoticon and CJK: the ids the reference
		// runtime produces (0 is unknown; runs of unknowns merge).
		{"unicode", "Ünïcödé naïve café — 2024: can't stop!! :-) 東京",
			[]int32{30, 0, 85, 0, 131, 6781, 29, 1133, 1216, 0, 105, 976, 209, 1133, 405, 514, 3316, 57, 42, 13, 17, 630, 917, 6600, 30, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := append([]int32{}, e.tok.encode(tt.text, &tokScratch{})...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("encode(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
			if n := e.CountTokens(tt.text); n != len(tt.want) {
				t.Errorf("CountTokens(%q) = %d, want %d", tt.text, n, len(tt.want))
			}
		})
	}
}

// TestLongTextPoolsWindows checks that a text over MaxTokens is the
// renormalised mean of its equal windows, not a truncation.
func TestLongTextPoolsWindows(t *testing.T) {
	e := mustLoad(t)
	text := strings.Repeat("Shares of the carmaker fell sharply after it cut its delivery forecast for the year. ", 15)
	ids := append([]int32{}, e.tok.encode(text, &tokScratch{})...)
	n := len(ids)
	if n <= 2*MaxTokens || n > 3*MaxTokens {
		t.Fatalf("test text has %d tokens, want 3 windows", n)
	}
	s := newScratch()
	want := make([]float32, dim)
	for w := range 3 {
		win := ids[w*n/3 : (w+1)*n/3]
		s.out = s.out[:cap(s.out)]
		e.m.forward(win, []span{{0, len(win)}}, s)
		addTo(want, s.out[:dim])
	}
	normalize(want)
	got := e.EmbedText(text)
	if d := maxAbsDiff(got, want); d > 1e-6 {
		t.Errorf("EmbedText differs from the mean of its windows by %g", d)
	}
	s.out = s.out[:cap(s.out)]
	e.m.forward(ids[:MaxTokens], []span{{0, MaxTokens}}, s)
	if d := maxAbsDiff(got, s.out[:dim]); d < 1e-3 {
		t.Errorf("EmbedText equals the truncated text (diff %g)", d)
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", " ", "a", "Ünïcödé naïve café — 2024: can't stop!! :-) 東京", "\xff\xfe", "🙂🙂 x"} {
		f.Add(s)
	}
	e := mustLoad(f)
	f.Fuzz(func(t *testing.T, s string) {
		ids := e.tok.encode(s, &tokScratch{})
		for i, id := range ids {
			if id < 0 || int(id) >= len(e.tok.scores) || (id > 0 && id < reservedPieces) {
				t.Fatalf("encode(%q)[%d] = %d out of range", s, i, id)
			}
			if i > 0 && id == 0 && ids[i-1] == 0 {
				t.Fatalf("encode(%q) has consecutive unknowns at %d", s, i)
			}
		}
	})
}
