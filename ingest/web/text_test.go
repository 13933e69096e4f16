package web

import (
	"strings"
	"testing"
)

func TestHTMLText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "  ", ""},
		{"plain", "Just  text\n\n\n\nmore", "Just  text\n\nmore"},
		{"paragraphs", "<p>One <b>bold</b> word.</p><p>Two&amp;three</p>", "One bold word.\n\nTwo&three"},
		{"script dropped", "<p>Keep</p><script>drop()</script>", "Keep"},
		{"inline edges", "<p><em>Digi</em>Times and <a href='#'>link</a>text</p>", "Digi Times and link text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTMLText(tt.in); got != tt.want {
				t.Errorf("HTMLText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAlternateFeedLink(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"rss", `<link rel="alternate" type="application/rss+xml" href="/feed">`, "https://ex.test/feed"},
		{"atom absolute", `<link rel="alternate stylesheet"><link rel="alternate" type="application/atom+xml" href="https://ex.test/atom.xml">`, "https://ex.test/atom.xml"},
		{"none", `<link rel="stylesheet" href="/s.css">`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AlternateFeedLink([]byte("<html><head>"+tt.page+"</head></html>"), "https://ex.test/news/"); got != tt.want {
				t.Errorf("AlternateFeedLink() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestHTMLTextLargeFragment checks that a feed item's fragment too large
// for a tree is read by the tokenizer alone, text and paragraphs kept.
func TestHTMLTextLargeFragment(t *testing.T) {
	frag := "<p>Ferry fares <b>rise</b> in April.</p><script>var x = '<p>no</p>';</script>" +
		strings.Repeat("<b>x</b><i>y</i>", maxLibraryNodes) + "<p>Last line.</p>"
	got := HTMLText(frag)
	if !strings.HasPrefix(got, "Ferry fares rise in April.\n\nxyxy") || !strings.HasSuffix(got, "xy\n\nLast line.") || strings.Contains(got, "no") {
		t.Errorf("HTMLText(large) = %.60q … %.40q", got, got[max(0, len(got)-40):])
	}
	if got, want := HTMLText("<p>Ferry fares <b>rise</b> in April.</p>"), tokenText("<p>Ferry fares <b>rise</b> in April.</p>"); got != want {
		t.Errorf("tree %q and tokenizer %q disagree on a small fragment", got, want)
	}
}
