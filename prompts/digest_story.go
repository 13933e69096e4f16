package prompts

import (
	"embed"
	"errors"
	"fmt"
	"strings"
	"text/template"
)

//go:embed digest_story.tmpl
var digestFiles embed.FS

var digestTemplates = template.Must(template.New("").Option("missingkey=error").ParseFS(digestFiles, "digest_*.tmpl"))

// DigestStoryData is what the digest story prompt shows the model: the
// articles of one story, numbered as in the digest.
type DigestStoryData struct {
	Sources []DigestStorySource
}

// DigestStorySource is one numbered article of a digest story.
type DigestStorySource struct {
	N       int
	Title   string
	Outlet  string
	Date    string // YYYY-MM-DD or "unknown date"
	Excerpt string // the lead of the article, plain text
}

// DigestStory renders the prompt that asks a model for a story's headline,
// cited summary and any disagreement between outlets, as "HEADLINE:",
// "SUMMARY:" and "DISAGREEMENT:" lines.
func DigestStory(d DigestStoryData) (string, error) {
	if len(d.Sources) == 0 {
		return "", errors.New("digest story prompt: no sources")
	}
	d.Sources = append([]DigestStorySource(nil), d.Sources...)
	for i := range d.Sources {
		s := &d.Sources[i]
		s.Title = line(s.Title)
		s.Outlet = attr(s.Outlet)
		if s.Outlet == "" {
			s.Outlet = "unknown"
		}
		s.Date = attr(s.Date)
		if s.Date == "" {
			s.Date = "unknown date"
		}
		s.Excerpt = neutralize(s.Excerpt)
	}
	var b strings.Builder
	if err := digestTemplates.ExecuteTemplate(&b, "digest_story.tmpl", d); err != nil {
		return "", fmt.Errorf("render digest story prompt: %w", err)
	}
	return b.String(), nil
}
