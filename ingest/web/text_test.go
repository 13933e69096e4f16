package web

import "testing"

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
