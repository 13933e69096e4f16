package rag

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCitations(t *testing.T) {
	tests := []struct {
		name string
		text string
		want [][]int
	}{
		{name: "single", text: "Apple won [1].", want: [][]int{{1}}},
		{name: "list", text: "Both said so [1, 3].", want: [][]int{{1, 3}}},
		{name: "adjacent", text: "Both said so [1][3].", want: [][]int{{1}, {3}}},
		{name: "range", text: "All agree [2-4].", want: [][]int{{2, 3, 4}}},
		{name: "en dash range", text: "All agree [2–4].", want: [][]int{{2, 3, 4}}},
		{name: "reversed range", text: "x [3-2]", want: [][]int{{2, 3}}},
		{name: "full-width", text: "苹果胜诉［２］。", want: [][]int{{2}}},
		{name: "lenticular", text: "苹果胜诉【1，2】。", want: [][]int{{1, 2}}},
		{name: "source word", text: "x [Source 2] y [sources: 1; 3]", want: [][]int{{2}, {1, 3}}},
		{name: "spaces", text: "x [ 1 2 ]", want: [][]int{{1, 2}}},
		{name: "not citations", text: "[citation needed] [a] [] [1,] [1-] [,1] [1 x]", want: nil},
		{name: "unclosed", text: "x [1 and [2]", want: [][]int{{2}}},
		{name: "huge range", text: "x [1-1000]", want: nil},
		{name: "long number", text: "x [12345678]", want: nil},
		{name: "nested", text: "[[1]]", want: [][]int{{1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [][]int
			for _, g := range parseCitations(tt.text) {
				got = append(got, g.nums)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseCitations(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestRenumber(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		n         int
		want      string
		wantCited []int
	}{
		{name: "no citations", text: "Nothing cited.", n: 3, want: "Nothing cited."},
		{name: "in order", text: "A [1]. B [2].", n: 2, want: "A [1]. B [2].", wantCited: []int{1, 2}},
		{name: "first citation order", text: "A [3]. B [1]. C [3].", n: 3, want: "A [1]. B [2]. C [1].", wantCited: []int{3, 1}},
		{name: "out of range dropped", text: "A [7]. B [2]. C [0].", n: 3, want: "A. B [1]. C.", wantCited: []int{2}},
		{name: "partly out of range", text: "A [2, 9].", n: 3, want: "A [1].", wantCited: []int{2}},
		{name: "list canonical", text: "A [4, 2].", n: 4, want: "A [1][2].", wantCited: []int{4, 2}},
		{name: "adjacent merged in order", text: "A [3][1]. B [1].", n: 3, want: "A [1][2]. B [2].", wantCited: []int{3, 1}},
		{name: "adjacent with a dropped one", text: "A [9][2].", n: 3, want: "A [1].", wantCited: []int{2}},
		{name: "range expanded", text: "A [2-4].", n: 3, want: "A [1][2].", wantCited: []int{2, 3}},
		{name: "duplicates in group", text: "A [2, 2-3].", n: 3, want: "A [1][2].", wantCited: []int{2, 3}},
		{name: "full-width", text: "甲［2］乙【1】", n: 2, want: "甲[1]乙[2]", wantCited: []int{2, 1}},
		{name: "joined into new citation", text: "x [[9]1]", n: 1, want: "x"},
		{name: "year is not a source", text: "In [2023] it rose [1].", n: 2, want: "In it rose [1].", wantCited: []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cited := Renumber(tt.text, tt.n)
			if got != tt.want {
				t.Errorf("Renumber() text = %q, want %q", got, tt.want)
			}
			if diff := cmp.Diff(tt.wantCited, cited); diff != "" {
				t.Errorf("Renumber() cited mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzRenumber(f *testing.F) {
	for _, s := range []string{
		"A [1]. B [2, 3]. C [4-6][7].", "［１］【2】", "[[9]1]", "[source 3]", "[1-", "[]][[", "x [0] [99999]",
	} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, text string, n int) {
		n = n % 20
		out, cited := Renumber(text, n)
		seen := map[int]bool{}
		for _, c := range cited {
			if c < 1 || c > n {
				t.Fatalf("cited source %d outside 1..%d", c, n)
			}
			if seen[c] {
				t.Fatalf("source %d cited twice in %v", c, cited)
			}
			seen[c] = true
		}
		for _, g := range parseCitations(out) {
			for _, m := range g.nums {
				if m < 1 || m > len(cited) {
					t.Fatalf("output %q cites [%d], outside 1..%d", out, m, len(cited))
				}
			}
		}
		// Streaming the text in pieces never panics and ends with the
		// final text whenever what it sent is a prefix of it.
		var streamed strings.Builder
		cs := &citeStream{out: func(s string) { streamed.WriteString(s) }, n: n}
		final, _ := Renumber(strings.TrimSpace(text), n)
		for i := 0; i < len(text); i += max(3, len(text)/500) {
			cs.write(text[i:min(i+max(3, len(text)/500), len(text))])
		}
		cs.finish(final)
		if strings.HasPrefix(final, streamed.String()) && streamed.String() != final && final != "" {
			t.Fatalf("streamed %q, want %q", streamed.String(), final)
		}
		again, cited2 := Renumber(out, len(cited))
		if again != out {
			t.Fatalf("not idempotent: %q -> %q", out, again)
		}
		for i, c := range cited2 {
			if c != i+1 {
				t.Fatalf("second pass renumbered %v", cited2)
			}
		}
	})
}

func TestCiteStream(t *testing.T) {
	replies := []string{
		"Apple was fined [2], Spotify agreed [1][2] and [3-4] no [9] more.",
		"  Leading space [2]. Lists [2, 1] and full-width ［1］ and a range [1-2].",
		"Ends with a citation [3]",
		"Unclosed [2 bracket and [citation needed] stay [1].",
		"No citations at all.",
	}
	for _, reply := range replies {
		want, _ := Renumber(strings.TrimSpace(reply), 3)
		for size := 1; size <= len(reply); size++ {
			var got strings.Builder
			c := &citeStream{out: func(s string) { got.WriteString(s) }, n: 3}
			for i := 0; i < len(reply); i += size {
				c.write(reply[i:min(i+size, len(reply))])
				if !strings.HasPrefix(want, got.String()) {
					t.Fatalf("reply %q in pieces of %d: streamed %q, not a prefix of %q", reply, size, got.String(), want)
				}
			}
			c.finish(want)
			if got.String() != want {
				t.Errorf("reply %q in pieces of %d: streamed %q, want %q", reply, size, got.String(), want)
			}
		}
	}
}
