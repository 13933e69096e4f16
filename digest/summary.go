package digest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/prompts"
)

// maxSentence bounds one extractive sentence; longer ones are cut at a word.
const maxSentence = 300

// extractiveSummary writes the summary from the lead sentence of the newest
// cited article of each of the first two outlets, each cited.
func extractiveSummary(st *Story, items []item, g group) {
	byID := map[string]item{}
	for _, m := range g.members {
		byID[items[m].art.ID] = items[m]
	}
	// The story's topic words: those of its articles' titles.
	topic := map[string]bool{}
	for _, m := range g.members {
		for _, w := range words(items[m].art.Title) {
			if !stopword[w] && utf8.RuneCountInString(w) > 2 {
				topic[w] = true
			}
		}
	}
	var parts []string
	var first string
	usedOutlet := map[string]bool{}
	for _, src := range st.Sources {
		if len(parts) == 2 {
			break
		}
		k := strings.ToLower(src.Outlet)
		if usedOutlet[k] {
			continue
		}
		it := byID[src.ArticleID]
		s := leadSentence(it.art.Title, it.lead, topic)
		if s == "" {
			continue
		}
		if first != "" && overlap(first, s) > 0.5 {
			continue
		}
		usedOutlet[k] = true
		if first == "" {
			first = s
		}
		parts = append(parts, cite(s, src.N))
	}
	if len(parts) == 0 && len(st.Sources) > 0 {
		// No usable sentence: the headline itself, cited, says what happened.
		parts = append(parts, cite(strings.TrimSpace(st.Headline), st.Sources[0].N))
	}
	st.Summary = strings.Join(parts, " ")
}

// cite puts a citation before a sentence's final punctuation.
func cite(s string, n int) string {
	s = strings.TrimSpace(s)
	end := ""
	if r, size := utf8.DecodeLastRuneInString(s); r == '.' || r == '!' || r == '?' {
		s, end = s[:len(s)-size], string(r)
	} else {
		end = "."
	}
	return fmt.Sprintf("%s [%d]%s", s, n, end)
}

// overlap is the Jaccard similarity of two sentences' word sets.
func overlap(a, b string) float64 {
	wa, wb := map[string]bool{}, map[string]bool{}
	for _, w := range words(a) {
		wa[w] = true
	}
	for _, w := range words(b) {
		wb[w] = true
	}
	inter := 0
	for w := range wa {
		if wb[w] {
			inter++
		}
	}
	union := len(wa) + len(wb) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// leadCandidates is how many prose sentences from the top of an article
// compete to summarise it.
const leadCandidates = 4

// leadSentence returns the sentence near the top of body that best says
// what the story is about: among the first leadCandidates sentences that
// read like news prose (long enough, not the title again, not a byline, a
// caption or a navigation list), the one sharing the most of the story's
// topic words, earlier ones winning ties. A feature's scene-setting opening
// thus gives way to its news sentence.
func leadSentence(title, body string, topic map[string]bool) string {
	var cands []string
	checked := 0
scan:
	for para := range strings.SplitSeq(body, "\n") {
		for _, s := range Sentences(para) {
			checked++
			if checked > 40 || len(cands) == leadCandidates {
				break scan
			}
			if proseLike(s, title) {
				cands = append(cands, s)
			}
		}
	}
	best, bestScore := "", -1.0
	for i, s := range cands {
		seen := map[string]bool{}
		for _, w := range words(s) {
			if topic[w] {
				seen[w] = true
			}
		}
		// Each topic word counts; each step down the article costs half
		// a word.
		score := float64(len(seen)) - 0.5*float64(i)
		if score > bestScore {
			best, bestScore = s, score
		}
	}
	if best == "" {
		return ""
	}
	return truncateWords(best, maxSentence)
}

var boilerplate = regexp.MustCompile(`(?i)^(by |photo|image|update[d]?:|table of contents|advertisement|sign up|subscribe|listen|watch|share|click|read more|related:|editor'?s note|this (post|article) (has been|was) updated)|getty images|all rights reserved|affiliate|newsletter`)

func proseLike(s, title string) bool {
	n := utf8.RuneCountInString(s)
	if n < 50 || n > 800 {
		return false
	}
	if strings.EqualFold(strings.Trim(s, " ."), strings.Trim(title, " .")) || boilerplate.MatchString(s) {
		return false
	}
	ws := strings.Fields(s)
	if len(ws) < 8 {
		return false
	}
	lower := 0
	for _, w := range ws {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) {
			lower++
		}
	}
	// Menus and lists of names are mostly capitalised words.
	if float64(lower)/float64(len(ws)) < 0.4 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".!?\"”’')", r)
}

func truncateWords(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := []rune(s)[:n]
	if i := strings.LastIndexByte(string(cut), ' '); i > 0 {
		return strings.TrimRight(string(cut)[:i], ",;: ") + "…"
	}
	return string(cut) + "…"
}

// abbreviations end with a period without ending a sentence.
var abbreviations = set("mr mrs ms dr prof st sr jr inc corp co ltd vs etc gov sen rep gen lt col sgt capt cmdr adm jan feb mar apr jun jul aug sep sept oct nov dec no fig approx est dept u.s u.k u.n e.g i.e a.m p.m")

// Sentences splits a paragraph into sentences at '.', '!' or '?' followed
// by a space and an upper-case letter, a digit or a quote, except after
// common abbreviations and initials.
func Sentences(text string) []string {
	text = strings.TrimSpace(text)
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		// Closing quotes and brackets belong to the sentence.
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if r != '"' && r != '\'' && r != '”' && r != '’' && r != ')' {
				break
			}
			j += size
		}
		if j >= len(text) || text[j] != ' ' {
			continue
		}
		k := j
		for k < len(text) && text[k] == ' ' {
			k++
		}
		if k >= len(text) {
			break
		}
		next, _ := utf8.DecodeRuneInString(text[k:])
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) && next != '"' && next != '“' && next != '\'' {
			continue
		}
		if c == '.' {
			prev := text[start:i]
			if sp := strings.LastIndexAny(prev, " (\"“"); sp >= 0 {
				prev = prev[sp+1:]
			}
			p := strings.ToLower(prev)
			if abbreviations[p] || (utf8.RuneCountInString(prev) == 1 && unicode.IsUpper([]rune(prev)[0])) {
				continue
			}
		}
		out = append(out, strings.TrimSpace(text[start:j]))
		start = k
		i = k - 1
	}
	if rest := strings.TrimSpace(text[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

// maxModelSource bounds the text of one article shown to the model.
const maxModelSource = 1500

var citationRE = regexp.MustCompile(`\[(\d+)\]`)

// errModelReply means the model's reply could not be used.
var errModelReply = errors.New("digest: unusable model reply")

// summariseWithModel asks the model for the story's headline, summary and
// any disagreement between outlets, and keeps them only when they are well
// formed and cite nothing but the story's own sources.
func summariseWithModel(ctx context.Context, c news.Completer, st *Story, items []item, g group) error {
	byID := map[string]item{}
	for _, m := range g.members {
		byID[items[m].art.ID] = items[m]
	}
	data := prompts.DigestStoryData{}
	for _, src := range st.Sources {
		it := byID[src.ArticleID]
		data.Sources = append(data.Sources, prompts.DigestStorySource{
			N:       src.N,
			Title:   src.Title,
			Outlet:  src.Outlet,
			Date:    dateOf(src),
			Excerpt: truncateWords(strings.Join(strings.Fields(it.lead), " "), maxModelSource),
		})
	}
	prompt, err := prompts.DigestStory(data)
	if err != nil {
		return err
	}
	msgs := []news.Message{
		{Role: "system", Content: "You are a careful news editor. You write short, neutral, cited summaries."},
		{Role: "user", Content: prompt},
	}
	reply, err := c.Complete(ctx, msgs, nil)
	if err != nil {
		return fmt.Errorf("complete: %w", err)
	}
	headline, summary, disagreement := parseStoryReply(reply)
	valid := map[int]bool{}
	for _, src := range st.Sources {
		valid[src.N] = true
	}
	if headline == "" || summary == "" || !citesOnly(summary, valid, true) || !citesOnly(disagreement, valid, false) {
		return fmt.Errorf("%w: %q", errModelReply, truncate(reply, 200))
	}
	st.Headline = truncateWords(headline, 250)
	st.Summary = truncateWords(summary, 700)
	st.Disagreement = truncateWords(disagreement, 400)
	return nil
}

func dateOf(s news.Source) string {
	if s.PublishedAt.IsZero() {
		return "unknown date"
	}
	return s.PublishedAt.UTC().Format("2006-01-02")
}

// citesOnly reports whether every [n] in s is valid and, when required,
// that there is at least one.
func citesOnly(s string, valid map[int]bool, required bool) bool {
	ms := citationRE.FindAllStringSubmatch(s, -1)
	if required && len(ms) == 0 {
		return false
	}
	for _, m := range ms {
		n, err := strconv.Atoi(m[1])
		if err != nil || !valid[n] {
			return false
		}
	}
	return true
}

// parseStoryReply reads the "HEADLINE:", "SUMMARY:" and "DISAGREEMENT:"
// lines of a model reply; a disagreement of "none" is empty.
func parseStoryReply(reply string) (headline, summary, disagreement string) {
	var cur *string
	for line := range strings.SplitSeq(reply, "\n") {
		t := strings.TrimSpace(strings.Trim(strings.TrimSpace(line), "*"))
		upper := strings.ToUpper(t)
		switch {
		case strings.HasPrefix(upper, "HEADLINE:"):
			cur = &headline
			t = t[len("HEADLINE:"):]
		case strings.HasPrefix(upper, "SUMMARY:"):
			cur = &summary
			t = t[len("SUMMARY:"):]
		case strings.HasPrefix(upper, "DISAGREEMENT:"):
			cur = &disagreement
			t = t[len("DISAGREEMENT:"):]
		}
		if cur == nil {
			continue
		}
		t = strings.TrimSpace(strings.Trim(strings.TrimSpace(t), "*"))
		if t == "" {
			continue
		}
		if *cur != "" {
			*cur += " "
		}
		*cur += t
	}
	headline = strings.Trim(headline, "\"“” ")
	if d := strings.ToLower(strings.Trim(disagreement, ". ")); d == "none" || d == "no" || d == "n/a" {
		disagreement = ""
	}
	return headline, summary, disagreement
}
