package rag

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/prompts"
)

// Fixed sentences of refusals.
const (
	// DeclineText is the answer when the retrieved articles do not cover
	// the question.
	DeclineText = "I couldn't find this in the articles I have."
	// NoArticlesText is the answer when nothing at all was retrieved.
	NoArticlesText = "I don't have any articles about this yet. Ingest some articles, then ask again."
)

// Defaults of [Options].
const (
	DefaultMaxSources       = 8
	DefaultMaxQuestionRunes = 1000
	// condenseHistory is how many of the latest thread messages the
	// condense prompt sees, and condenseRunes how much of each.
	condenseHistory = 6
	condenseRunes   = 600
)

// Options configures a [Service]. The zero value answers extractively,
// offline.
type Options struct {
	// Completer is the chat model; nil means extractive answers.
	Completer news.Completer
	// Embedder, when set, lets the extractive answerer score sentences by
	// meaning as well as by words.
	Embedder news.Embedder
	// MaxSources is how many passages are given to the model or
	// considered; 0 means DefaultMaxSources.
	MaxSources int
	// MaxQuestionRunes bounds the question; 0 means
	// DefaultMaxQuestionRunes. Longer questions get ErrQuestionTooLong.
	MaxQuestionRunes int
	// MinSupport is the [Support] below which the extractive answerer
	// declines; 0 means DefaultMinSupport, negative never declines.
	MinSupport float64
	// Logger receives events; prompts and answers are logged at Debug only.
	// nil discards them.
	Logger *slog.Logger
	// Now returns the current time (today's date in prompts and relative
	// dates in questions); nil means time.Now.
	Now func() time.Time
}

// Service answers questions from retrieved articles with numbered
// citations, with a chat model or extractively. It is safe for concurrent
// use.
type Service struct {
	r Retriever
	o Options
}

// NewService returns a Service that retrieves passages with r.
func NewService(r Retriever, o Options) *Service {
	if o.MaxSources <= 0 {
		o.MaxSources = DefaultMaxSources
	}
	if o.MaxQuestionRunes <= 0 {
		o.MaxQuestionRunes = DefaultMaxQuestionRunes
	}
	if o.MinSupport == 0 {
		o.MinSupport = DefaultMinSupport
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{r: r, o: o}
}

// Request is a question to answer.
type Request struct {
	Question string
	// History is the earlier conversation of a thread, oldest first; when
	// set, the question is read as a follow-up (see [Service.Answer]).
	History []news.Message
	// Filter restricts the articles searched (from /ask options).
	Filter news.Filter
}

// Answer retrieves passages for the question in namespace ns and answers
// from them, citing sources as [n].
//
// With a Completer, the reply is streamed: onDelta (which may be nil)
// receives the text as it arrives, with citations already renumbered as in
// the final answer (a piece that could still change is held back briefly);
// the returned Answer holds the final text and its cited Sources, and
// callers should show that in the end.
// Without one, the answer is extractive and onDelta receives it whole.
//
// A follow-up (Request.History set) is first made standalone: by the model
// with the condense prompt, or without a model by prefixing the key words
// of the previous user question (so "what about Google?" after "Did Apple
// fine Epic?" searches "Apple fine Epic what about Google?").
//
// Refusals are Answers with Refused set: the retriever's Notice verbatim,
// [DeclineText] (or the model's own explanation) when the sources do not
// cover the question, and [NoArticlesText] together with the error
// [ErrNoSources] when nothing was retrieved; that Answer can still be
// shown. An empty or too long question returns [ErrEmptyQuestion] or
// [ErrQuestionTooLong].
func (s *Service) Answer(ctx context.Context, ns string, req Request, onDelta func(string)) (news.Answer, error) {
	q, err := s.validate(req.Question)
	if err != nil {
		return news.Answer{}, err
	}
	now := s.o.Now()
	log := s.o.Logger.With("ns", ns)
	standalone := q
	if len(req.History) > 0 {
		standalone = s.standalone(ctx, log, q, req.History, now)
	}
	ret, err := s.r.Retrieve(ctx, ns, Query{Text: standalone, Filter: req.Filter, Now: now, Limit: s.o.MaxSources})
	if err != nil {
		return news.Answer{}, fmt.Errorf("retrieve: %w", err)
	}
	if ret.Notice != "" {
		return s.refuse(ret.Notice, onDelta), nil
	}
	hits := ret.Hits
	if len(hits) > s.o.MaxSources {
		hits = hits[:s.o.MaxSources]
	}
	if len(hits) == 0 {
		return s.refuse(NoArticlesText, onDelta), ErrNoSources
	}
	groups := groupSources(hits)
	if s.o.Completer == nil {
		return s.extractive(ctx, log, standalone, hits, groups, onDelta)
	}
	return s.generate(ctx, log, standalone, groups, now, onDelta)
}

// Support returns the extractive answerer's support score for a question
// and its hits (see [Support]), after the same truncation to MaxSources.
func (s *Service) Support(question string, hits []news.Hit) float64 {
	if len(hits) > s.o.MaxSources {
		hits = hits[:s.o.MaxSources]
	}
	return Support(question, hits)
}

func (s *Service) validate(question string) (string, error) {
	q := strings.TrimSpace(question)
	if !strings.ContainsFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return "", ErrEmptyQuestion
	}
	if utf8.RuneCountInString(q) > s.o.MaxQuestionRunes {
		return "", fmt.Errorf("%w: %d characters, at most %d", ErrQuestionTooLong, utf8.RuneCountInString(q), s.o.MaxQuestionRunes)
	}
	return q, nil
}

func (s *Service) refuse(text string, onDelta func(string)) news.Answer {
	if onDelta != nil {
		onDelta(text)
	}
	return news.Answer{Text: text, Refused: true}
}

// answerSource is one numbered source: an article and its retrieved
// passages, numbered in retrieval order.
type answerSource struct {
	src  news.Source
	hits []news. // in the article's reading order
		Hit
}

// groupSources numbers the articles of hits 1..n in order of their best
// passage; an article's passages are kept together in reading order.
func groupSources(hits []news.Hit) []answerSource {
	var groups []answerSource
	at := map[string]int{}
	for _, h := range hits {
		i, ok := at[h.Article.ID]
		if !ok {
			i = len(groups)
			at[h.Article.ID] = i
			a := h.Article
			groups = append(groups, answerSource{src: news.Source{
				N: i + 1, ArticleID: a.ID, Title: a.Title, Outlet: a.Outlet, PublishedAt: a.PublishedAt, URL: a.URL,
			}})
		}
		groups[i].hits = append(groups[i].hits, h)
	}
	for i := range groups {
		slices.SortStableFunc(groups[i].hits, func(a, b news.Hit) int { return a.Chunk.Position - b.Chunk.Position })
	}
	return groups
}

// passage joins the texts of a source's passages (only those in used, when
// used is not nil).
func (g answerSource) passage(used map[string]bool) string {
	var parts []string
	for _, h := range g.hits {
		if used == nil || used[h.Chunk.ID] {
			parts = append(parts, strings.TrimSpace(h.Chunk.Text))
		}
	}
	return strings.Join(parts, "\n…\n")
}

// finish renumbers the citations of text to the sources actually cited.
func finish(text string, groups []answerSource, used map[string]bool) news.Answer {
	out, cited := Renumber(strings.TrimSpace(text), len(groups))
	a := news.Answer{Text: out}
	for i, old := range cited {
		src := groups[old-1].src
		src.N = i + 1
		src.Passage = groups[old-1].passage(used)
		a.Sources = append(a.Sources, src)
	}
	return a
}

func (s *Service) extractive(ctx context.Context, log *slog.Logger, question string, hits []news.Hit, groups []answerSource, onDelta func(string)) (news.Answer, error) {
	support := Support(question, hits)
	if s.o.MinSupport > 0 && support < s.o.MinSupport {
		log.Debug("extractive decline", "support", support, "min", s.o.MinSupport)
		return s.refuse(DeclineText, onDelta), nil
	}
	text, used, ok, err := extract(ctx, s.o.Embedder, question, hits, groups)
	if err != nil && ctx.Err() == nil {
		// Scoring by meaning is a refinement: fall back to words alone.
		log.Warn("extractive answer by meaning", "err", err)
		text, used, ok, err = extract(ctx, nil, question, hits, groups)
	}
	if err != nil {
		return news.Answer{}, fmt.Errorf("extractive answer: %w", err)
	}
	if !ok {
		return s.refuse(DeclineText, onDelta), nil
	}
	a := finish(text, groups, used)
	log.Debug("extractive answer", "support", support, "answer", a.Text)
	if onDelta != nil {
		onDelta(a.Text)
	}
	return a, nil
}

func (s *Service) generate(ctx context.Context, log *slog.Logger, question string, groups []answerSource, now time.Time, onDelta func(string)) (news.Answer, error) {
	data := prompts.AnswerData{Today: now, Question: question}
	for _, g := range groups {
		data.Sources = append(data.Sources, prompts.Source{
			N: g.src.N, Title: g.src.Title, Outlet: g.src.Outlet, Published: g.src.PublishedAt, Text: g.passage(nil),
		})
	}
	system, err := prompts.AnswerSystem(data)
	if err != nil {
		return news.Answer{}, fmt.Errorf("answer prompt: %w", err)
	}
	user, err := prompts.AnswerUser(data)
	if err != nil {
		return news.Answer{}, fmt.Errorf("answer prompt: %w", err)
	}
	log.Debug("answer prompt", "system", system, "user", user)
	// Streamed text goes through two filters: the decline marker is held
	// back, and citations are renumbered as they arrive.
	var (
		hold    *declineHold
		cites   *citeStream
		deltaFn func(string)
	)
	if onDelta != nil {
		cites = &citeStream{out: onDelta, n: len(groups)}
		hold = &declineHold{out: cites.write}
		deltaFn = hold.write
	}
	reply, err := s.o.Completer.Complete(ctx, []news.Message{{Role: "system", Content: system}, {Role: "user", Content: user}}, deltaFn)
	if err != nil {
		return news.Answer{}, fmt.Errorf("complete answer: %w", err)
	}
	log.Debug("model reply", "reply", reply)
	if declined, why := prompts.IsDecline(reply); declined {
		text := DeclineText
		if why = strings.TrimSpace(stripCitations(why)); why != "" {
			text = why
		}
		// The marker was held back; the consumer sees the plain sentence.
		return s.refuse(text, onDelta), nil
	}
	if strings.TrimSpace(reply) == "" {
		return s.refuse(DeclineText, onDelta), nil
	}
	a := finish(reply, groups, nil)
	if hold != nil {
		hold.flush()
		cites.finish(a.Text)
	}
	return a, nil
}

// declineHold forwards streamed text, holding back the start of the reply
// until it is clear that it is not the decline marker, which a user
// should never see.
type declineHold struct {
	out     func(string)
	buf     strings.Builder
	decided bool
	decline bool
}

func (h *declineHold) write(s string) {
	if h.decided {
		if !h.decline {
			h.out(s)
		}
		return
	}
	h.buf.WriteString(s)
	start := strings.TrimLeft(h.buf.String(), " \t\r\n*_`\"'>")
	marker := strings.TrimSuffix(prompts.DeclineMarker, ":")
	n := min(len(start), len(marker))
	if !strings.EqualFold(start[:n], marker[:n]) {
		h.decided = true
		h.out(h.buf.String())
		return
	}
	if n == len(marker) {
		h.decided, h.decline = true, true
	}
}

// flush sends what is still held (a reply shorter than the marker).
func (h *declineHold) flush() {
	if !h.decided && h.buf.Len() > 0 {
		h.decided = true
		h.out(h.buf.String())
	}
}

// standalone turns a follow-up into a question that stands alone: with the
// model when there is one, else by prefixing the previous user question's
// key words.
func (s *Service) standalone(ctx context.Context, log *slog.Logger, q string, history []news.Message, now time.Time) string {
	if s.o.Completer != nil {
		out, err := s.condense(ctx, q, history, now)
		if err == nil {
			log.Debug("condensed question", "question", q, "standalone", out)
			return out
		}
		if ctx.Err() != nil {
			return q
		}
		log.Warn("condense question", "err", err)
	}
	return followUpQuestion(q, history)
}

var errBadCondense = errors.New("unusable condensed question")

func (s *Service) condense(ctx context.Context, q string, history []news.Message, now time.Time) (string, error) {
	d := prompts.CondenseData{Today: now, Question: q}
	start := max(0, len(history)-condenseHistory)
	for _, m := range history[start:] {
		if m.Role != "user" && m.Role != "assistant" {
			continue
		}
		content := m.Content
		if utf8.RuneCountInString(content) > condenseRunes {
			content = string([]rune(content)[:condenseRunes]) + "…"
		}
		d.History = append(d.History, prompts.Turn{Role: m.Role, Content: content})
	}
	prompt, err := prompts.Condense(d)
	if err != nil {
		return "", err
	}
	reply, err := s.o.Completer.Complete(ctx, []news.Message{
		{Role: "system", Content: "You rewrite follow-up questions so they stand alone. You never answer them."},
		{Role: "user", Content: prompt},
	}, nil)
	if err != nil {
		return "", fmt.Errorf("complete: %w", err)
	}
	out := strings.TrimSpace(reply)
	if i := strings.IndexByte(out, '\n'); i >= 0 {
		out = out[:i]
	}
	for _, p := range []string{"Standalone question:", "Question:", "Follow-up:"} {
		if len(out) >= len(p) && strings.EqualFold(out[:len(p)], p) {
			out = out[len(p):]
		}
	}
	out = strings.Trim(strings.TrimSpace(out), `"'“”`)
	if out == "" || utf8.RuneCountInString(out) > s.o.MaxQuestionRunes {
		return "", fmt.Errorf("%w: %q", errBadCondense, reply)
	}
	return out, nil
}

// followUpQuestion prefixes q with the key words of the latest user
// message in history that q does not already contain, at most 12 of them,
// in their original order and case.
func followUpQuestion(q string, history []news.Message) string {
	var prev string
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Role == "user" && strings.TrimSpace(history[i].Content) != "" {
			prev = history[i].Content
			break
		}
	}
	if prev == "" {
		return q
	}
	have := map[string]bool{}
	for _, t := range extractTerms(q) {
		have[t] = true
	}
	var keep []string
	for _, w := range strings.Fields(prev) {
		w = strings.Trim(w, ".,;:!?\"'()[]“”")
		ts := extractTerms(w)
		if len(ts) == 0 || have[ts[0]] {
			continue
		}
		have[ts[0]] = true
		keep = append(keep, w)
		if len(keep) == 12 {
			break
		}
	}
	if len(keep) == 0 {
		return q
	}
	return strings.Join(keep, " ") + " " + q
}
