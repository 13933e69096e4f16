// Package prompts holds Gazette's prompt templates for chat models, embedded
// in the binary, with one typed render function per prompt. Retrieved text
// is placed inside <sources> tags and numbered [1]..[n], so the model cites
// by number and never writes URLs. Every untrusted field (titles, outlets,
// article text, questions, conversation) is neutralised by the render
// functions themselves, so no caller can forget to, and no such field can
// open or close a section of the prompt.
package prompts

import (
	"embed"
	"errors"
	"fmt"
	"strings"
	"text/template"
	"time"
)

//go:embed answer_system.tmpl answer_user.tmpl condense.tmpl
var files embed.FS

var templates = template.Must(template.New("").Option("missingkey=error").ParseFS(files, "*.tmpl"))

// DeclineMarker starts a model's reply when the sources do not answer the
// question; the answer prompt asks for it, and callers detect it with
// [IsDecline].
const DeclineMarker = "NO_ANSWER:"

// DefaultMaxWords bounds the length of an answer when AnswerData.MaxWords is 0.
const DefaultMaxWords = 180

// AnswerData is what the answer prompts show the model.
type AnswerData struct {
	Today    time.Time
	Question string
	Sources  []Source
	// MaxWords bounds the answer's length; 0 means DefaultMaxWords.
	MaxWords int
}

// Source is one numbered source of an answer prompt.
type Source struct {
	N         int
	Title     string
	Outlet    string
	Published time.Time // zero when unknown
	Text      string    // the retrieved passage
}

// answerView is AnswerData as the templates see it.
type answerView struct {
	AnswerData
	DeclineMarker string
}

// AnswerSystem renders the system prompt for answering from numbered
// sources: today's date and the rules (cite [n], decline with
// [DeclineMarker], no URLs, no mentions).
func AnswerSystem(d AnswerData) (string, error) {
	if d.MaxWords <= 0 {
		d.MaxWords = DefaultMaxWords
	}
	return render("answer_system.tmpl", answerView{AnswerData: d, DeclineMarker: DeclineMarker})
}

// AnswerUser renders the user message for answering: the sources inside
// <sources>, each with its number, outlet, date and title, then the
// question.
func AnswerUser(d AnswerData) (string, error) {
	if strings.TrimSpace(d.Question) == "" {
		return "", errors.New("answer prompt: empty question")
	}
	if len(d.Sources) == 0 {
		return "", errors.New("answer prompt: no sources")
	}
	d.Sources = append([]Source(nil), d.Sources...)
	for i := range d.Sources {
		s := &d.Sources[i]
		s.Title = line(s.Title)
		s.Outlet = attr(s.Outlet)
		if s.Outlet == "" {
			s.Outlet = "unknown"
		}
		s.Text = neutralize(s.Text)
	}
	d.Question = line(d.Question)
	return render("answer_user.tmpl", d)
}

// Turn is one message of a conversation shown to the condense prompt.
type Turn struct {
	Role    string // "user" or "assistant"
	Content string
}

// CondenseData is what the condense prompt shows the model.
type CondenseData struct {
	Today    time.Time
	History  []Turn // oldest first
	Question string // the follow-up
}

// Condense renders the prompt that turns a follow-up question and the
// thread's history into one standalone question.
func Condense(d CondenseData) (string, error) {
	if strings.TrimSpace(d.Question) == "" {
		return "", errors.New("condense prompt: empty question")
	}
	d.History = append([]Turn(nil), d.History...)
	for i := range d.History {
		d.History[i].Content = line(d.History[i].Content)
		if d.History[i].Role != "assistant" {
			d.History[i].Role = "user"
		}
	}
	d.Question = line(d.Question)
	return render("condense.tmpl", d)
}

func render(name string, data any) (string, error) {
	var b strings.Builder
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return b.String(), nil
}

// IsDecline reports whether a model reply declines to answer, that is,
// starts with [DeclineMarker] (ignoring case, leading space and
// formatting such as ** or quotes). It also returns the explanation that
// follows the marker, which may be empty.
func IsDecline(reply string) (bool, string) {
	s := strings.TrimLeft(reply, " \t\r\n*_`\"'>")
	marker := strings.TrimSuffix(DeclineMarker, ":")
	if len(s) < len(marker) || !strings.EqualFold(s[:len(marker)], marker) {
		return false, ""
	}
	rest := strings.TrimLeft(s[len(marker):], ":*_`\"' \t\r\n-")
	return true, strings.TrimSpace(rest)
}
