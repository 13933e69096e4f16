package bot

import (
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/gazettebot/gazette/news"
)

func TestFormatAnswer(t *testing.T) {
	tests := []struct {
		name string
		in   news.Answer
		want string
	}{
		{
			name: "sources with and without metadata",
			in: news.Answer{Text: "Rates held [1]; markets rose [2].\n", Sources: []news.Source{
				{N: 1, Title: "Fed holds\nrates", Outlet: "Reuters", PublishedAt: time.Date(2024, 5, 1, 22, 0, 0, 0, time.UTC), URL: "https://example.com/a"},
				{N: 2, Title: ""},
			}},
			want: "Rates held [1]; markets rose [2].\n\n**Sources**\n[1] Fed holds rates — Reuters, 1 May 2024, <https://example.com/a>\n[2] Untitled",
		},
		{
			name: "no sources",
			in:   news.Answer{Text: "I can't tell from these articles.", Refused: true},
			want: "I can't tell from these articles.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, FormatAnswer(tt.in)); diff != "" {
				t.Errorf("FormatAnswer() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"short", "hello", 10, []string{"hello"}},
		{"empty", "  \n ", 10, nil},
		{"lines packed", "aaa\nbbb\nccc", 7, []string{"aaa\nbbb", "ccc"}},
		{"long line at a space", "aaaa bbbb cccc", 9, []string{"aaaa bbbb", "cccc"}},
		{"citation kept whole", "aaaaa [12] b", 8, []string{"aaaaa", "[12] b"}},
		{"citation list kept whole", "xx [1, 2] yy", 7, []string{"xx", "[1, 2]", "yy"}},
		{"link kept whole", "see [the story](https://x.io/a) now", 28, []string{"see", "[the story](https://x.io/a)", "now"}},
		{"link glued to a word", "000[0 00000](0000)00", 12, []string{"000", "[0 00000](00", "00)00"}},
		{"angle url kept", "read <https://example.com/a> ok", 25, []string{"read", "<https://example.com/a>", "ok"}},
		{"hard cut of a long word", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"runes not bytes", "ééééé ééééé", 5, []string{"ééééé", "ééééé"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Split(tt.text, tt.limit)); diff != "" {
				t.Errorf("Split(%q, %d) mismatch (-want +got):\n%s", tt.text, tt.limit, diff)
			}
		})
	}
}

func TestSplitLinkWithSpaces(t *testing.T) {
	// A markdown link whose text has spaces is never cut inside.
	got := Split("go [a b c](http://e.f) x", 19)
	want := []string{"go", "[a b c](http://e.f)", "x"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Split() mismatch (-want +got):\n%s", diff)
	}
}

var (
	citationRE = regexp.MustCompile(`\[\d+(?:, ?\d+)*\]`)
	linkRE     = regexp.MustCompile(`\[[^\[\]\n]*\]\([^)\s]*\)`)
)

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func FuzzSplit(f *testing.F) {
	f.Add("The Fed held rates [1]. Markets rose [2, 3].\n\n**Sources**\n[1] A — B, <https://example.com/a>", 30)
	f.Add(strings.Repeat("word [12] ", 50), 17)
	f.Add("see [the story](https://x.io/a) now and [that one](https://y.io/b)", 25)
	f.Add("ééé ü 日本語のテキスト [3]", 6)
	f.Add("000[0 00000](00000000000000)00000000000000000000000000000", 27)
	f.Add("[](000000000[00000000])", 21)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if !utf8.ValidString(text) || limit < 12 || limit > 4000 {
			t.Skip()
		}
		parts := Split(text, limit)
		for _, p := range parts {
			if n := utf8.RuneCountInString(p); n > limit || strings.TrimSpace(p) == "" {
				t.Fatalf("part of %d runes (limit %d): %q", n, limit, p)
			}
		}
		// Only whitespace is dropped.
		if got, want := stripSpace(strings.Join(parts, "")), stripSpace(text); got != want {
			t.Fatalf("content changed:\n got %q\nwant %q", got, want)
		}
		// Citations and links that fit are never cut.
		for _, re := range []*regexp.Regexp{citationRE, linkRE} {
			want := 0
			for _, m := range re.FindAllString(text, -1) {
				if utf8.RuneCountInString(m) <= limit {
					want++
				}
			}
			got := 0
			for _, p := range parts {
				got += len(re.FindAllString(p, -1))
			}
			if got < want {
				t.Fatalf("%s: %d whole in parts, %d in text; parts %q", re, got, want, parts)
			}
		}
	})
}

func TestParseSince(t *testing.T) {
	now := time.Date(2024, 5, 10, 15, 4, 5, 0, time.UTC)
	day := time.Date(2024, 5, 10, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"today", day, true},
		{"Week", day.AddDate(0, 0, -4), true}, // since Monday, as in a question
		{"this month", day.AddDate(0, 0, -9), true},
		{"last week", day.AddDate(0, 0, -7), true},
		{"7d", day.AddDate(0, 0, -7), true},
		{"3d", day.AddDate(0, 0, -3), true},
		{"2024-01-02", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), true},
		{"soon", time.Time{}, false},
		{"3dx", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseSince(tt.in, now)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseSince(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("héllo world", 6); got != "héllo…" {
		t.Errorf("truncate() = %q", got)
	}
	if got := truncate("short", 10); got != "short" {
		t.Errorf("truncate() = %q", got)
	}
}
