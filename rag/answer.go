package rag

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
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
	// ModelDownNote goes with an extractive answer given because the chat
	// model failed.
	ModelDownNote = "The language model did not answer, so this answer quotes the articles directly."
	// UncheckedNote goes with an extractive answer given because no
	// sentence of the model's reply was supported by the sources it cited.
	UncheckedNote = "The language model's answer did not match its sources, so this answer quotes the articles directly."
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
	// MaxSources is how many passages are given to the model (the
	// extractive answerer reads twice as many, and as many again from the
	// best articles), besides up to three the retriever adds for names the
	// top ones miss; 0 means DefaultMaxSources.
	MaxSources int
	// MaxQuestionRunes bounds the question; 0 means
	// DefaultMaxQuestionRunes. Longer questions get ErrQuestionTooLong.
	MaxQuestionRunes int
	// MinCoverage is the weighted share of the question's salient terms
	// that the retrieved passages must hold together, and MinFocus the
	// share the best article must hold, for the question to be answered
	// (with or without a model); 0 means DefaultMinCoverage and
	// DefaultMinFocus, negative never declines on that count.
	// MinSentence is the share the best sentence must hold, for a
	// question that does not span articles; 0 means DefaultMinSentence.
	MinCoverage float64
	MinFocus    float64
	MinSentence float64
	// MinMeaning is the similarity of meaning (the Embedder's cosine) that
	// the best candidate sentence of an extractive answer must reach when
	// its words hold less than most of the question's; 0 means
	// DefaultMinMeaning, negative never declines on that count. The
	// default is calibrated for the built-in encoder: set it to a negative
	// value with another embedding model.
	MinMeaning float64
	// CommonWord tells an everyday word ("decide", "keep") from a rare one
	// ("sourdough", "Artemis"). A plain word of the question that the
	// library never uses weighs little when it is everyday (it says how
	// the question is phrased) and fully when it is rare (it names what
	// the library lacks). nil treats every such word as everyday.
	CommonWord func(string) bool
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
	if o.MinCoverage == 0 {
		o.MinCoverage = DefaultMinCoverage
	}
	if o.MinFocus == 0 {
		o.MinFocus = DefaultMinFocus
	}
	if o.MinSentence == 0 {
		o.MinSentence = DefaultMinSentence
	}
	if o.MinMeaning == 0 {
		o.MinMeaning = DefaultMinMeaning
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CommonWord == nil {
		o.CommonWord = func(string) bool { return true }
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
	// AskedAt is when the question was asked, for relative dates ("last
	// week"); zero means now (Options.Now).
	AskedAt time.Time
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
	now := req.AskedAt
	if now.IsZero() {
		now = s.o.Now()
	}
	log := s.o.Logger.With("ns", ns)
	standalone := spellOut(q)
	if len(req.History) > 0 {
		standalone = s.standalone(ctx, log, standalone, req.History, now)
	}
	// Without a model, more passages are read: the best article's further
	// passages often hold the asked-for fact.
	limit, deep := s.o.MaxSources, 0
	if s.o.Completer == nil {
		limit, deep = 2*s.o.MaxSources, s.o.MaxSources
	}
	// searched is what a search found and how the gate judged it; a
	// refusal, when set, ends the answer (with refusErr).
	type searched struct {
		ret      Retrieval
		hits     []news.Hit
		j        judgement
		refusal  string
		refusErr error
	}
	// further retrieves more passages of the given articles.
	further := func(ctx context.Context, ids []string) ([]news.Hit, error) {
		f := req.Filter
		f.ArticleIDs, f.Prefer = ids, nil
		ret, err := s.r.Retrieve(ctx, ns, Query{Text: standalone, Filter: f, Now: now, Limit: furtherPassages})
		return ret.Hits, err
	}
	// search retrieves the passages for the question (of any day, or
	// only of the period it names) and judges whether they cover it.
	search := func(anyDay bool) (searched, error) {
		ret, err := s.r.Retrieve(ctx, ns, Query{Text: standalone, Filter: req.Filter, Now: now, Limit: limit, Deep: deep, AnyDay: anyDay})
		if err != nil {
			return searched{}, fmt.Errorf("retrieve: %w", err)
		}
		refuse := func(text string, err error) (searched, error) {
			return searched{ret: ret, refusal: text, refusErr: err}, nil
		}
		if ret.Notice != "" {
			return refuse(ret.Notice, nil)
		}
		// The retriever may add a few passages after the top ones for
		// names the top ones miss.
		hits := ret.Hits
		if keep := limit + min(max(ret.Extra, 0), deep+maxRescued); len(hits) > keep {
			hits = hits[:keep]
		}
		if len(hits) == 0 {
			return refuse(NoArticlesText, ErrNoSources)
		}
		// An attribution to a name that is no outlet ("according to
		// NASA") is answered from the passages that mention the name.
		if len(ret.Claims) > 0 {
			hits = slices.DeleteFunc(slices.Clone(hits), func(h news.Hit) bool {
				set := passageTerms(h)
				return !slices.ContainsFunc(ret.Claims, func(c Term) bool { return c.in(set) })
			})
			if len(hits) == 0 {
				return refuse("I couldn't find anything from "+termNames(ret.Claims)+" about this in the articles I have.", nil)
			}
		}
		// The library must cover the question before anything is
		// written, and before a model spends tokens on it.
		j := s.judge(standalone, ret, hits)
		if j.decline && j.closer {
			// One article covers the question, but none of the
			// sentences retrieved holds enough of it: its other
			// passages may.
			if wider, k, ok := s.lookCloser(ctx, log, standalone, further, j.ev.focusArticle, ret, hits); ok {
				hits, j = wider, k
			}
		}
		if j.decline {
			return refuse(j.message, nil)
		}
		return searched{ret: ret, hits: hits, j: j}, nil
	}
	found, err := search(false)
	if err != nil {
		return news.Answer{}, err
	}
	var note string
	if found.refusal != "" && found.refusErr == nil && found.ret.Period != "" {
		// Nothing of the period the question names ("yesterday") covers
		// it: articles of other days may, which the answer says.
		wider, err := search(true)
		if err != nil {
			return news.Answer{}, err
		}
		if wider.refusal == "" {
			log.Debug("answered from outside the period the question names", "period", found.ret.Period)
			found, note = wider, "Nothing I have from "+found.ret.Period+" covers this; this answer comes from articles of other days."
		}
	}
	if found.refusal != "" {
		return s.refuse(found.refusal, onDelta), found.refusErr
	}
	hits, j := found.hits, found.j
	// A question that asks two things is covered as one, but may be
	// answered from two articles.
	in := extractInput{question: standalone, ev: j.ev, spanning: j.spanning || twoAsksRe.MatchString(standalone), minFocus: s.o.MinFocus, hits: hits, groups: groupSources(hits)}
	var a news.Answer
	if s.o.Completer == nil {
		in.further = further
		a, err = s.extractive(ctx, log, in, j.partial, "", onDelta)
	} else {
		a, err = s.generate(ctx, log, in, j.partial, now, onDelta)
	}
	if err == nil && note != "" && !a.Refused {
		a.Note = strings.TrimSpace(note + " " + a.Note)
	}
	return a, err
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
	hits []news.Hit // in the article's reading order
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

// lookCloser reads further passages of the article that covers the
// question (id) and judges the question again with them; ok is set when
// they cover it.
func (s *Service) lookCloser(ctx context.Context, log *slog.Logger, question string, further func(context.Context, []string) ([]news.Hit, error), id string, ret Retrieval, hits []news.Hit) ([]news.Hit, judgement, bool) {
	more, err := further(ctx, []string{id})
	if err != nil {
		log.Warn("reading further passages", "err", err)
		return nil, judgement{}, false
	}
	wider := withHits(hits, more)
	if len(wider) == len(hits) {
		return nil, judgement{}, false
	}
	k := s.judge(question, ret, wider)
	if k.decline {
		return nil, judgement{}, false
	}
	log.Debug("covered by a further passage", "question", question, "article", id)
	return wider, k, true
}

// withHits returns hits followed by the passages of more it does not hold.
func withHits(hits, more []news.Hit) []news.Hit {
	have := make(map[string]bool, len(hits))
	for _, h := range hits {
		have[h.Chunk.ID] = true
	}
	out := slices.Clone(hits)
	for _, h := range more {
		if !have[h.Chunk.ID] {
			out = append(out, h)
			have[h.Chunk.ID] = true
		}
	}
	return out
}

// furtherPassages is how many passages of the best articles are read
// when the passages found do not give the figure a question asks for.
const furtherPassages = 24

// readFurther reads further passages of the two best articles when the
// passages found mention the subject of a question but none gives the
// figure it asks for (ex.lacks): the figure is often a few paragraphs
// away from the words the search matched ("80,065 fans poured in"). Only
// for a figure whose own words say what it is (a count beside the counted
// word, a birthplace, a height in feet): further paragraphs hold many sums
// of money, and a bare sum there is no evidence that it is the one asked
// for.
func (s *Service) readFurther(ctx context.Context, log *slog.Logger, ex extracted, in extractInput) (extracted, extractInput) {
	ids := make([]string, 0, 2)
	for _, g := range in.groups[:min(2, len(in.groups))] {
		ids = append(ids, g.src.ArticleID)
	}
	got, wider, ok := s.extractFurther(ctx, log, in, ids)
	if !ok || got.lacks != "" {
		return ex, in
	}
	log.Debug("the figure asked for is in a further passage", "question", in.question, "passages", len(wider.hits)-len(in.hits))
	return got, wider
}

// extractFurther answers again from the hits and further passages of the
// articles ids; ok is false when there are none or nothing answers.
func (s *Service) extractFurther(ctx context.Context, log *slog.Logger, in extractInput, ids []string) (extracted, extractInput, bool) {
	more, err := in.further(ctx, ids)
	if err != nil {
		log.Warn("reading further passages", "err", err)
		return extracted{}, in, false
	}
	hits := withHits(in.hits, more)
	if len(hits) == len(in.hits) {
		return extracted{}, in, false
	}
	wider := in
	wider.hits, wider.groups, wider.further = hits, groupSources(hits), nil
	wider.ev.read = nil
	got, ok, err := extract(ctx, s.o.Embedder, wider)
	if err != nil || !ok {
		return extracted{}, in, false
	}
	return got, wider, true
}

// extractive answers with sentences quoted from the passages; partial,
// when set, says what the passages do not cover, and note is the answer's
// Note.
func (s *Service) extractive(ctx context.Context, log *slog.Logger, in extractInput, partial, note string, onDelta func(string)) (news.Answer, error) {
	// decline refuses with text, keeping the note on how it was answered.
	decline := func(text string) (news.Answer, error) {
		a := s.refuse(text, onDelta)
		a.Note = note
		return a, nil
	}
	ex, ok, err := extract(ctx, s.o.Embedder, in)
	if err != nil && ctx.Err() == nil {
		// Scoring by meaning is a refinement: fall back to words alone.
		log.Warn("extractive answer by meaning", "err", err)
		ex, ok, err = extract(ctx, nil, in)
	}
	if err != nil {
		return news.Answer{}, fmt.Errorf("extractive answer: %w", err)
	}
	if !ok {
		return decline(DeclineText)
	}
	if ex.lacks != "" && ex.further && in.further != nil {
		ex, in = s.readFurther(ctx, log, ex, in)
	}
	if ex.lacks == "" && !ex.told && in.further != nil && slices.Contains([]factKind{kindNumber, kindDate, kindName}, askedKind(in.question)) {
		// The sentences quoted do not give the kind of fact asked for
		// (a number, a date, a name): the answering article's further
		// passages may.
		if got, wider, ok := s.extractFurther(ctx, log, in, []string{ex.article}); ok && got.lacks == "" && got.told {
			log.Debug("the fact asked for is in a further passage", "question", in.question, "passages", len(wider.hits)-len(in.hits))
			ex, in = got, wider
		}
	}
	if ex.lacks != "" {
		log.Debug("declined: no passage gives the figure asked for", "question", in.question)
		return decline(ex.lacks)
	}
	// A question asking how many or when, answered by sentences that hold
	// no number and no date at all ("how many people does the stadium
	// hold?" against "The game will take place at the stadium"): the
	// articles tell of the subject, not of the figure.
	if k := figureAsked(in.question); !ex.told && k != kindAny &&
		!slices.ContainsFunc(ex.sentences, func(s string) bool { return hasKind(s, k, nil) }) {
		log.Debug("declined: no quoted sentence holds a figure", "question", in.question)
		if k == kindDate {
			return decline(mentionedBut(in.ev.terms, "says when."))
		}
		return decline(mentionedBut(in.ev.terms, "gives that figure."))
	}
	if ex.sumless {
		log.Debug("declined: no quoted sentence gives the sum asked for", "question", in.question)
		return decline(mentionedBut(in.ev.terms, "gives "+sumName+"."))
	}
	log.Debug("extractive evidence", "question", in.question, "meaning", ex.meaning, "sentence", in.ev.sentence)
	// No sentence is near the question in meaning, and none holds most of
	// its words: the library covers its words, not the question ("What is
	// the capital of Australia?" against articles on Australian tennis).
	if s.o.MinMeaning > 0 && ex.meaning >= 0 && ex.meaning < s.o.MinMeaning && in.ev.sentence < meaningMinSentence {
		log.Debug("declined by meaning", "meaning", ex.meaning, "sentence", in.ev.sentence)
		return decline(declineText(in.ev, in.ev.missing()))
	}
	// A question asking something of someone by its own word ("what was
	// Merrill Kelly's ERA?"), answered from an article whose passages
	// never write that word: it tells of them, not of what is asked.
	if h := unseenHead(in, ex.article); h != "" {
		log.Debug("declined: the answering article never names what is asked", "head", h)
		return decline(yearText(in.ev, h))
	}
	// A year or a month the question names is the edition, the season or
	// the occasion it asks about: an article that never mentions it, nor
	// was published in it, answers about another ("How many runs did
	// Kohli make at the 2019 World Cup?" against a report of the 2023
	// one, "did the Chiefs win the Super Bowl in February?" against a
	// December roundup). So is a number naming one of a series ("super
	// bowl 50").
	if y := missingYear(in, ex.article); y != "" {
		log.Debug("declined: the answering article never names the year, month or number", "when", y)
		return decline(yearText(in.ev, y))
	}
	// A question about how something turned out, answered only by
	// sentences that look ahead to it, or whose best sentence does, and
	// none of them tells the asked fact: the articles predate the outcome.
	if askedOutcome(in.question) && !ex.told && (allAhead(ex.ahead) || settledRe.MatchString(in.question) && ex.bestAhead) {
		log.Debug("declined: the passages only look ahead", "question", in.question)
		return decline(AheadText)
	}
	// A yes-or-no question about what became of something ("was
	// Menendez convicted in the end?", "did Goeller get his second liver
	// transplant?") answered by sentences that never say one of its
	// words besides the names: they tell of the subject, not of what is
	// asked of it.
	if w := unsaid(in, ex.sentences); w != "" {
		log.Debug("declined: the passages never say what the question asks", "word", w)
		return decline(whetherText(in.ev.terms, w))
	}
	// A question about what comes next for one thing ("who is Canelo
	// fighting next?"), answered by sentences none of which looks ahead:
	// they tell what happened, not what is to come.
	if askedNext(in.question) && !in.spanning && len(in.ev.terms) <= focusMaxTerms && !slices.Contains(ex.ahead, true) {
		log.Debug("declined: no passage looks ahead", "question", in.question)
		return decline(NextText)
	}
	a := finish(ex.text, in.groups, ex.used)
	if partial != "" {
		a.Text += " " + partial
	}
	a.Note = note
	log.Debug("extractive answer", "answer", a.Text)
	if onDelta != nil {
		onDelta(a.Text)
	}
	return a, nil
}

func (s *Service) generate(ctx context.Context, log *slog.Logger, in extractInput, partial string, now time.Time, onDelta func(string)) (news.Answer, error) {
	groups := in.groups
	data := prompts.AnswerData{Today: now, Question: in.question}
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
	// Streamed text goes through three filters: the decline marker is held
	// back, each sentence is checked against the sources it cites, and
	// citations are renumbered as they arrive.
	check := newReplyCheck(in.question, groups)
	var (
		checked strings.Builder
		cites   *citeStream
		emitted bool
	)
	if onDelta != nil {
		cites = &citeStream{out: func(t string) { emitted = true; onDelta(t) }, n: len(groups)}
	}
	sentences := &sentenceStream{check: check.sentence, out: func(t string) {
		checked.WriteString(t)
		if cites != nil {
			cites.write(t)
		}
	}}
	hold := &declineHold{out: sentences.write}
	var deltaFn func(string)
	if onDelta != nil {
		deltaFn = hold.write
	}
	reply, err := s.o.Completer.Complete(ctx, []news.Message{{Role: "system", Content: system}, {Role: "user", Content: user}}, deltaFn)
	if err != nil {
		if ctx.Err() != nil {
			return news.Answer{}, fmt.Errorf("complete answer: %w", err)
		}
		// The model is down or failing: answer from the articles, and say so.
		log.Warn("complete answer, answering extractively", "err", err)
		return s.extractive(ctx, log, in, partial, ModelDownNote, s.afterStream(onDelta, emitted))
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
	if onDelta == nil {
		hold.write(reply)
	}
	hold.flush()
	sentences.flush()
	out, cited := Renumber(strings.TrimSpace(checked.String()), len(groups))
	if len(cited) == 0 || strings.TrimSpace(stripCitations(out)) == "" {
		// No sentence of the reply is backed by a source: never post it
		// bare.
		log.Warn("model reply unsupported by its sources, answering extractively", "reply_chars", len(reply))
		return s.extractive(ctx, log, in, partial, UncheckedNote, s.afterStream(onDelta, emitted))
	}
	a := finish(checked.String(), groups, nil)
	if partial != "" {
		a.Text += " " + partial
	}
	if cites != nil {
		cites.finish(a.Text)
	}
	return a, nil
}

// afterStream returns the function that receives a replacement answer
// after part of a model's reply may have been streamed: the consumer is
// told to start again by a blank line, then gets the new text. Callers
// should show the returned Answer in the end, as always.
func (s *Service) afterStream(onDelta func(string), emitted bool) func(string) {
	if onDelta == nil || !emitted {
		return onDelta
	}
	return func(t string) { onDelta("\n\n" + t) }
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

// missingYear returns a year, a month named without its day, or a
// holiday, that a question about one thing names and that the retrieved
// passages of article, its title and its date never mention, or "". A
// question asking when has none.
func missingYear(in extractInput, article string) string {
	// A question about several things draws on several articles.
	if dateAskRe.MatchString(in.question) || in.spanning || len(in.ev.terms) > focusMaxTerms {
		return ""
	}
	years := yearRe.FindAllString(in.question, -1)
	for _, m := range askedMonthRe.FindAllStringSubmatchIndex(in.question, -1) {
		rest := strings.TrimSpace(in.question[m[1]:])
		if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsDigit(r) {
			month := strings.ToLower(in.question[m[2]:m[3]])
			years = append(years, strings.ToUpper(month[:1])+month[1:])
		}
	}
	// A holiday is the occasion asked about too: Durant's points "on
	// Christmas Day" are not his career points.
	// One in a remark before the question ("Just got a Switch for
	// Christmas, which Zelda game…") is not.
	asked := in.question[askedFrom(in.question):]
	for _, m := range holidayRe.FindAllString(asked, -1) {
		years = append(years, holidayName(m))
	}
	editions := editionsAsked(asked)
	if len(years) == 0 && len(editions) == 0 {
		return ""
	}
	var lower string
	if a, passages, ok := articlePassages(in.hits, article); ok {
		lower = strings.ToLower(a.Title + " " + dateWords(a) + " " + passages)
		lower += relativeDates(lower, a.PublishedAt)
	}
	for _, y := range years {
		ly := strings.ToLower(y)
		if !strings.Contains(lower, ly) && !(len(ly) > 4 && strings.Contains(lower, ly[:3]+".")) {
			return y
		}
	}
	words := termSet(lower)
	for _, e := range editions {
		if !slices.ContainsFunc(numberForms(e.number), func(f string) bool { return words[f] }) {
			return e.text
		}
	}
	return ""
}

// articlePassages returns the article of the hits with the id article and
// its retrieved passages, joined by spaces in the order retrieved, and
// whether any hit is of it.
func articlePassages(hits []news.Hit, article string) (news.Article, string, bool) {
	var a news.Article
	var passages []string
	for _, h := range hits {
		if h.Article.ID == article {
			a = h.Article
			passages = append(passages, h.Chunk.Text)
		}
	}
	return a, strings.Join(passages, " "), len(passages) > 0
}

// edition is a number that names which one of a thing a question asks
// about: "Super Bowl 50", "week 15", "UFC 300".
type edition struct {
	text   string // "super bowl 50"
	number string // "50"
}

// editionAfterRe matches a number of one to three digits after a word.
var editionAfterRe = regexp.MustCompile(`(?i)\b([\pL][\pL'’.-]*)\s+(\d{1,3})\b`)

// editionsAsked returns the numbers q writes after a word as the name of
// one of a series ("who won super bowl 50?", "his salary for week 15 vs
// the Commanders"), not as a count of the word after it ("the last 5
// games") or of the phrase before it ("top 10", "over 40").
func editionsAsked(q string) []edition {
	var out []edition
	for _, m := range editionAfterRe.FindAllStringSubmatchIndex(q, -1) {
		word := strings.ToLower(q[m[2]:m[3]])
		if answerStopwords[word] || numberWords.MatchString(word) || !strings.ContainsFunc(word, unicode.IsLetter) {
			continue
		}
		if rest := strings.Fields(q[m[1]:]); len(rest) > 0 {
			next := rest[0]
			if counted(strings.ToLower(strings.Trim(next, `,.;:!?'"`))) {
				continue // "5 games", "40 people", "5 million"
			}
			if r, _ := utf8.DecodeRuneInString(next); unicode.IsDigit(r) || strings.ContainsRune("%$£€-–/:.,", r) && len(next) > 1 {
				continue // "4-1", "3:30", "3.5", "1,000"
			}
		}
		// The name before the number: "Super Bowl 50", "super bowl 50",
		// "week 15".
		from := m[2]
		before := strings.Fields(q[:m[2]])
		first, _ := utf8.DecodeRuneInString(q[m[2]:m[3]])
		capital := unicode.IsUpper(first)
		more := 1 // "super bowl 50"; a capitalised name may run longer
		if capital {
			more = 3
		}
		for k := len(before) - 1; k >= 0 && k >= len(before)-more; k-- {
			w := strings.Trim(before[k], `"'“”‘’()`)
			r, _ := utf8.DecodeRuneInString(w)
			if w != before[k] || w == "" || answerStopwords[strings.ToLower(w)] || strings.ContainsAny(w, ",.;:!?") ||
				capital != unicode.IsUpper(r) || questionWords[strings.ToLower(w)] {
				break
			}
			from = strings.LastIndex(q[:from], w)
		}
		out = append(out, edition{text: q[from:m[5]], number: q[m[4]:m[5]]})
	}
	return out
}

// numberForms returns the ways of writing a number of one to three digits
// (stems, as termSet reads them): "6", "vi" ("Grand Theft Auto VI"),
// "six" ("Game Six").
func numberForms(n string) []string {
	forms := []string{n}
	v, err := strconv.Atoi(n)
	if err != nil || v < 1 || v >= 40 {
		return forms
	}
	var roman strings.Builder
	for _, r := range []struct {
		v int
		s string
	}{{10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}} {
		for ; v >= r.v; v -= r.v {
			roman.WriteString(r.s)
		}
	}
	forms = append(forms, stem(roman.String()))
	if w := smallNumberWords[n]; w != "" {
		forms = append(forms, stem(w))
	}
	return forms
}

var smallNumberWords = map[string]string{"1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven",
	"8": "eight", "9": "nine", "10": "ten", "11": "eleven", "12": "twelve"}

// counted reports whether the word after a number is what it counts: a
// plural ("5 games"), a word counted as one ("40 people"), a scale ("5
// million") or a unit.
func counted(w string) bool {
	if w == "" || !strings.ContainsFunc(w, unicode.IsLetter) {
		return false
	}
	if answerStopwords[w] {
		return false
	}
	return strings.HasSuffix(w, "s") || countedAsOne[w] || numberWords.MatchString(w) || scaleRe.MatchString(w)
}

// countedAsOne are the words counted without a plural ending.
var countedAsOne = map[string]bool{"people": true, "men": true, "women": true, "children": true, "staff": true, "police": true,
	"feet": true, "foot": true, "km": true, "mph": true, "kg": true, "lb": true, "cm": true, "mm": true, "percent": true,
	"per": true, "cent": true, "million": true, "billion": true, "year": true, "month": true, "day": true, "week": true,
	"hour": true, "minute": true, "second": true, "point": true, "goal": true, "game": true, "time": true, "th": true, "st": true, "nd": true, "rd": true}

// relativeDates returns the years and months that the words of text
// (lower case) dating from its publication name ("last year" in an
// article of 2023 names 2022), each after a space. "this year" needs
// none: dateWords gives the year and month of publication.
func relativeDates(text string, published time.Time) string {
	if published.IsZero() {
		return ""
	}
	var out strings.Builder
	for _, r := range []struct {
		words         string
		years, months int
	}{
		{"last year", -1, 0}, {"next year", 1, 0},
		{"last month", 0, -1}, {"next month", 0, 1},
	} {
		if !strings.Contains(text, r.words) {
			continue
		}
		// The first of the month, so that a month later than the 28th
		// stays the month meant.
		d := time.Date(published.Year(), published.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(r.years, r.months, 0)
		out.WriteString(" " + strings.ToLower(d.Format("2006 January")))
	}
	return out.String()
}

// holidayRe matches a holiday a question names as its occasion.
var holidayRe = regexp.MustCompile(`(?i)\b(christmas|thanksgiving|halloween|easter|black friday|cyber monday|boxing day|new year's eve|new year’s eve|valentine's day|valentine’s day|memorial day|labor day)\b`)

// askedFrom returns where q starts asking: at its first question word
// (see whWords), or at its start when it has none.
func askedFrom(q string) int {
	start := -1
	for i, r := range q + " " {
		switch {
		case unicode.IsLetter(r):
			if start < 0 {
				start = i
			}
		case start >= 0:
			if whWords[strings.ToLower(q[start:i])] {
				return start
			}
			start = -1
		}
	}
	return 0
}

// holidayName writes a holiday as its name is written: "Black Friday".
func holidayName(s string) string {
	ws := strings.Fields(strings.ToLower(s))
	for i, w := range ws {
		ws[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(ws, " ")
}

// askedMonthRe matches a month a question names, not after a day ("30
// November" is a date the retriever reads); May and March, which are also
// words, only capitalised.
var askedMonthRe = regexp.MustCompile(`(?:^|[^\d\s]\s+|^\s*)\b((?i:january|february|april|june|july|august|september|october|november|december)|May|March)\b`)

// yearText declines a question whose year the answering article never
// names, with the question's heaviest name.
func yearText(ev evidence, year string) string {
	best := -1
	for i, t := range ev.terms {
		if t.Text != year && t.Kind == TermName && (best < 0 || ev.weight[i] > ev.weight[best]) {
			best = i
		}
	}
	if best < 0 {
		return "I couldn't find anything about " + year + " in the articles I have."
	}
	return "The articles I have about " + ev.terms[best].Text + " say nothing about " + year + "."
}

var (
	// possessedAskRe matches a question asking what something of someone
	// is: "what's royce lewis's batting average", "what was Man United's
	// xG".
	possessedAskRe = regexp.MustCompile(`(?i)^\W*what(?:'s|’s|s| is| was| are| were)?\s+(?:is\s+|was\s+|are\s+|were\s+)?(?:the\s+)?[\pL\pN.&-]+(?:\s+[\pL\pN.&-]+){0,3}?['’]s?\s+([\pL][\pL\pN-]*)`)
	// calledAskRe matches a question asking what something is called,
	// which the article names without the word; it asks a name, not a
	// sum ("what's the bill they put forward called?").
	calledAskRe = regexp.MustCompile(`(?i)\b(called|named|titled)\W*$`)
	// kindHeads are the words a question asks a kind of thing by ("what's
	// Canelo's record", "what's her new album"): an article gives one
	// without writing the word.
	kindHeads = stems("year date day time month score scoreline record result percentage percent share rate name title nickname city country town place team club company brand song album film movie book show ep game job role position number amount total figure sum")
)

// unseenHead returns the term that names what a question asks of someone
// ("ERA" in "what was Merrill Kelly's ERA?") when the answering article's
// passages never write it, or "".
func unseenHead(in extractInput, article string) string {
	m := possessedAskRe.FindStringSubmatch(in.question)
	if in.spanning || m == nil || calledAskRe.MatchString(in.question) {
		return ""
	}
	head := askedHead(in.question)
	if head == "" && acronymWord(m[1]) {
		head = stem(strings.ToLower(m[1])) // "Merrill Kelly's ERA"
	}
	if head == "" || kindHeads[head] {
		return ""
	}
	a, passages, _ := articlePassages(in.hits, article)
	said := termSet(a.Title + " " + passages)
	if said[head] {
		return ""
	}
	for _, t := range in.ev.terms {
		if slices.Contains(t.Words, head) && !t.in(said) {
			return t.Text
		}
	}
	return ""
}
