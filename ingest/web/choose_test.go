package web

import (
	"fmt"
	"strings"
	"testing"
)

// words makes a text of n distinct words starting with prefix.
func words(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s%d ", prefix, i)
	}
	return strings.TrimSpace(b.String())
}

func TestChooseBody(t *testing.T) {
	article := words("story", 400)
	teaser := words("story", 20)
	comments := words("comment", 900)
	calls := 0
	never := func() string { calls++; return "" }
	for _, tc := range []struct {
		name string
		c    candidates
		want string
	}{
		{"clean-up kept", candidates{baseline: article + " " + words("menu", 30), cleaned: article, library: never, readable: never}, article},
		{"clean-up that discards most of the baseline is undone",
			candidates{baseline: article, cleaned: words("story", 100), library: never, readable: never}, article},
		{"a longer fallback elsewhere on the page (a comment thread) is not taken",
			candidates{baseline: article, cleaned: article, fallback: comments, library: never, readable: never}, article},
		{"a fallback that extends the result is taken",
			candidates{baseline: words("story", 150), cleaned: words("story", 150), fallback: article, library: never, readable: never}, article},
		{"a teaser gives way to the library on the untouched page",
			candidates{baseline: teaser, cleaned: teaser, library: func() string { return article }, readable: never}, article},
		{"then to the JSON-LD articleBody",
			candidates{baseline: teaser, cleaned: teaser, jsonLD: article, library: func() string { return teaser }, readable: never}, article},
		{"then to go-readability",
			candidates{baseline: teaser, cleaned: teaser, library: func() string { return "" }, readable: func() string { return article }}, article},
		{"a short article stays when nothing is much longer",
			candidates{baseline: teaser, cleaned: teaser, jsonLD: words("story", 30), library: func() string { return teaser }, readable: func() string { return words("x", 25) }}, teaser},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := chooseBody(tc.c, defaultRules); got != tc.want {
				t.Errorf("chooseBody() = %d words starting %.30q, want %d words starting %.30q", wordCount(got), got, wordCount(tc.want), tc.want)
			}
		})
	}
	if calls != 0 {
		t.Errorf("the short-result checks ran %d times on results long enough", calls)
	}
}

// TestExtractTeaserFromJSONLD extracts a page whose visible body is a
// one-line teaser while its JSON-LD states the article: the article wins.
func TestExtractTeaserFromJSONLD(t *testing.T) {
	body := words("para", 300)
	page := `<html><head><title>Port strike ends</title>
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Port strike ends","articleBody":"` + body + `"}</script>
</head><body><article><h1>Port strike ends</h1><p>Dockers return to work after a nine-day strike over pay.</p></article></body></html>`
	doc, err := ExtractHTML([]byte(page), "text/html; charset=utf-8", "https://news.example/port")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Body != body {
		t.Errorf("body = %.80q…, want the JSON-LD articleBody", doc.Body)
	}
}
