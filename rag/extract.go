package rag

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gazettebot/gazette/news"
)

// Extractive answering: with no chat model, the answer is one to three
// sentences of the best article that carry the question's salient terms
// and the kind of fact it asks for, each cited; a question that compares
// or spans outlets gets a sentence from each article that adds to it.

// Limits of the extractive answerer.
const (
	extractMaxSentences  = 3 // from the best article
	extractMaxSpanning   = 4 // over several articles, for a spanning question
	extractMaxWords      = 60
	extractWindowWords   = 40
	extractMinWords      = 4
	extractEmbedTop      = 16 // sentences rescored by meaning when an Embedder is given
	extractDenseWeight   = 0.3
	extractSecondFloor   = 0.5  // a second sentence scores at least this share of the best…
	extractRelativeFloor = 0.8  // … a third this share…
	extractMinGain       = 0.15 // … or adds this share of the question's weight
	extractSpanFloor     = 0.5  // a sentence from another article, for a spanning question
	// extractOutcomeFloor: a sentence that tells an outcome scores at
	// least this share of the best one, a preview, to answer instead.
	extractOutcomeFloor = 0.6
	// extractMetaWeight is the share of a term's weight earned when it is
	// in the article's outlet or title rather than the sentence.
	extractMetaWeight = 0.5
	// extractSecondWeight and extractArticleWeight choose the article a
	// question about one thing is answered from: its best sentence's
	// score, plus this share of its second best's, plus this share of
	// the question's weight its passages and title hold. An article that
	// answers in several sentences and covers the question outranks one
	// lucky sentence elsewhere.
	extractSecondWeight  = 0.3
	extractArticleWeight = 1.0
	// extractArticleKind and extractArticlePrior add to an article's
	// value these shares of the question held by its best sentence that
	// gives the asked kind of fact, and of its first passage's retrieval
	// rank (as a prior of at most 1).
	extractArticleKind  = 0.2
	extractArticlePrior = 0.3
	// extractFragmentPenalty scales the score of a piece of a sentence.
	extractFragmentPenalty = 0.85
	// extractPartNameWeight is the share earned by a name of several words
	// of which the sentence holds the first or the last ("Foster" for "Ian
	// Foster", "Brooke" for "Brooke Badger").
	extractPartNameWeight = 0.5
	// extractMaxLeadWords bounds the sentence quoted before an anaphoric
	// one.
	extractMaxLeadWords = 45
	// extractLeadBonus is added, for a broad question ("what happened
	// with FTX?"), to the first sentences of an article, which say what it
	// is about.
	extractLeadBonus = 0.1
	// extractKindBonus is added to a sentence that holds the kind of fact
	// the question asks for (a number, a date, a name, a reason).
	extractKindBonus = 0.15
)

// factWeights rank the answering article's sentences for a question that
// asks for an amount, a name or a date: a sentence's share of the question
// plus these, for giving the kind of fact asked (as much as the whole
// question's words), for giving the asked amount beside the asked word,
// for its similarity of meaning, for its passage's retrieval rank (as a
// prior of at most 1) and for naming a person the question does not.
type factWeights struct{ given, beside, meaning, prior, person float64 }

// The weights of each kind, chosen on the tuning half of the development
// questions.
var (
	amountWeights = factWeights{given: 1.0, beside: 0.2, meaning: 0.15, prior: 0.2}
	nameWeights   = factWeights{given: 1.0, meaning: 1.0, prior: 0.4, person: 0.4}
	dateWeights   = factWeights{given: 1.0, meaning: 1.0, prior: 0.4}
)

// extractCandidate is one sentence of a retrieved passage.
type extractCandidate struct {
	sentence
	hit  int             // index into the hits
	meta map[string]bool // words of the article's outlet and title
	own  float64         // share of the question's weight in the sentence itself
	kind bool            // holds the kind of fact asked for
	// beside is set when it holds the asked amount beside the asked word.
	beside bool
	cos    float64
	score  float64
	// published is its article's publication time (see looksAhead).
	published time.Time
}

// ahead reports whether the sentence looks ahead of its article's day.
func (c *extractCandidate) ahead() bool { return looksAhead(c.text, c.published) }

// extractInput is what the extractive answerer works from.
type extractInput struct {
	question string
	ev       evidence // the question's terms and their weights
	spanning bool     // the question compares or spans articles
	// minFocus is the share of the question's weight an article must hold
	// for a question about one thing to be answered from it (0: any).
	minFocus float64
	hits     []news.Hit
	groups   []answerSource
	// further, when set, retrieves more passages of the given articles.
	further func(ctx context.Context, ids []string) ([]news.Hit, error)
}

// extracted is the extractive answerer's result.
type extracted struct {
	text      string          // the answer, citing sources by their number in groups
	used      map[string]bool // the chunk ids quoted
	sentences []string        // the sentences quoted
	// meaning is the largest similarity of meaning between the question
	// and a candidate sentence, or -1 when sentences were not embedded.
	meaning float64
	// lacks, when set, declines the question: the passages mention its
	// subject but none gives the figure it asks for; further is set when
	// that figure's own words say what it is (see attribute.anchored and
	// attribute.measure), so that further passages may be searched for it.
	lacks   string
	further bool
	// best is the sentence that answers best, article its article's id.
	best, article string
	// ahead tells, for each sentence quoted, whether it looks ahead (see
	// looksAhead); bestAhead the same of best.
	ahead     []bool
	bestAhead bool
	// told is set when a quoted sentence holds the kind of fact asked for
	// and does not look ahead, or gives the asked amount beside the asked
	// word ("the 10-point deduction").
	told bool
	// sumless is set when the question asks a sum of money and no quoted
	// sentence gives one.
	sumless bool
}

// extract picks the sentences of the hits that best answer the question.
// ok is false when no sentence holds a salient term.
func extract(ctx context.Context, emb news.Embedder, in extractInput) (out extracted, ok bool, err error) {
	out.meaning = -1
	terms, weight := in.ev.terms, in.ev.rank
	var total float64
	for _, w := range weight {
		total += w
	}
	if len(terms) == 0 || total == 0 {
		return out, false, nil
	}
	want := askedKind(in.question)
	if want == kindAny && gameAskRe.MatchString(in.question) {
		want = kindNumber // a score
	}
	qStems := map[string]bool{}
	for _, t := range terms {
		for _, s := range t.Words {
			qStems[s] = true
		}
	}
	var cands []*extractCandidate
	for i, h := range in.hits {
		// The outlet and title tell which article a sentence speaks for
		// ("according to The Verge"): their words count for each sentence.
		meta := termSet(h.Article.Outlet + " " + h.Article.Title)
		var sents []sentence
		if len(in.ev.read) == len(in.hits) {
			sents = in.ev.read[i] // read by the coverage gate
		} else {
			sents = readPassage(h.Chunk.Text, h.Article.Title)
		}
		for _, sn := range sents {
			if sn.boilerplate {
				continue
			}
			c := &extractCandidate{sentence: sn, hit: i, meta: meta, published: h.Article.PublishedAt}
			cands = append(cands, c)
		}
	}
	// A broad question names a subject and asks for no kind of fact.
	broad := want == kindAny && len(terms) <= 2
	holds := answerKind(in.question, want, qStems)
	attr := askedAttribute(in.question)
	if attr != nil {
		// An age, a height, a sum or a length of time has a form of its
		// own: a sentence holds the asked kind of fact when it has it.
		generic := holds
		holds = func(s string) (bool, bool) {
			_, beside := generic(s)
			return attr.holds(s), beside
		}
	}
	for _, c := range cands {
		own, withMeta := c.share(terms, weight, c.meta)
		meta := withMeta - own
		c.own = own / total
		c.kind, c.beside = holds(c.text)
		if c.beside {
			own += extractKindBonus * total
		}
		// Earlier hits were ranked more relevant by retrieval.
		prior := 1 / (1 + 0.15*float64(c.hit))
		c.score = (own + meta) / total * (0.8 + 0.2*prior)
		if broad && in.hits[c.hit].Chunk.Position == 0 && c.pos <= 1 {
			c.score += extractLeadBonus
		}
		if c.kind {
			c.score += extractKindBonus
		}
		if c.fragment {
			c.score *= extractFragmentPenalty
		}
	}
	// Only sentences that share a salient term with the question are
	// quoted, and, for a question about one thing, only from an article
	// that covers it: a Davis Cup final is no answer to a question about
	// the rugby final because both are finals.
	focused := in.minFocus > 0 && !in.spanning && len(terms) <= focusMaxTerms
	// A sentence that gives the asked figure is kept from such an article
	// even when it repeats none of the question's words: "up to four
	// external displays" answers how many monitors a laptop runs.
	cands = slices.DeleteFunc(cands, func(c *extractCandidate) bool {
		if focused && in.ev.articleShare[in.hits[c.hit].Article.ID] < in.minFocus {
			return true
		}
		if c.field && !slices.ContainsFunc(terms, func(t Term) bool { return t.in(c.heading) }) {
			// "Developer: Kenny Sun" under another game's heading.
			return true
		}
		return c.own == 0 && !(attr != nil && attr.anchored && c.kind && in.ev.articleShare[in.hits[c.hit].Article.ID] >= in.minFocus)
	})
	if len(cands) == 0 {
		return out, false, nil
	}
	if out.lacks = lacksAttribute(in.question, attr, cands, terms, weight); out.lacks != "" {
		out.further = attr != nil && (attr.anchored || attr.measure)
		return out, true, nil
	}
	slices.SortStableFunc(cands, func(a, b *extractCandidate) int { return cmpFloatDesc(a.score, b.score) })
	if emb != nil {
		if err := rescoreByMeaning(ctx, emb, in.question, cands); err != nil {
			return out, false, err
		}
		out.meaning = 0
		for _, c := range cands[:min(len(cands), extractEmbedTop)] {
			out.meaning = max(out.meaning, c.cos)
		}
	}
	if !in.spanning {
		bestArticleFirst(cands, in.hits, in.ev.articleShare)
		switch {
		case want == kindNumber:
			factsFirst(cands, in.hits, qStems, amountWeights)
		case want == kindName:
			factsFirst(cands, in.hits, qStems, nameWeights)
		case want == kindDate:
			factsFirst(cands, in.hits, qStems, dateWeights)
		}
	}
	if role := askedRole(in.question); role != nil && want == kindName && !nameNear(cands[0].text, role, qStems) {
		// "Who's taking over as All Blacks coach?": in the answering
		// article, a sentence with a name beside the role ("coach Scott
		// Robertson") answers better than the one that shares most words,
		// when it scores nearly as well (the floor of outcomes).
		b := cands[0]
		promote(cands, func(c *extractCandidate) bool {
			return in.hits[c.hit].Article.ID == in.hits[b.hit].Article.ID && nameNear(c.text, role, qStems)
		})
	}
	leadWith(cands, attr)
	if askedOutcome(in.question) && cands[0].ahead() {
		// A question about how something turned out is answered by a
		// sentence that tells it, not by the preview that scored best,
		// when its article covers the question better, or as well and the
		// sentence holds as much of it or gives the asked fact outright
		// (a final score).
		share := func(c *extractCandidate) float64 { return in.ev.articleShare[in.hits[c.hit].Article.ID] }
		b := cands[0]
		promote(cands, func(c *extractCandidate) bool {
			return c.kind && !c.ahead() && (share(c) > share(b) || share(c) == share(b) && (c.own >= b.own || c.beside))
		})
	}
	picked := pickSentences(cands, in.hits, terms, weight, total, want, in.spanning)
	// A sentence of another article may give a sum beside the asked
	// word while none quoted does: the answer would give no sum ("How
	// much are tickets for U2's shows at the Sphere?" answered by what the
	// Sphere cost).
	out.sumless = attr != nil && attr.name == sumName && !slices.ContainsFunc(picked, func(c *extractCandidate) bool { return c.kind })
	out.best = cands[0].text
	out.article = in.hits[cands[0].hit].Article.ID
	out.bestAhead = cands[0].ahead()
	for _, c := range picked {
		ahead := c.ahead()
		if c.kind && (c.beside || !ahead) {
			out.told = true
		}
		out.ahead = append(out.ahead, ahead)
	}
	groupOf := map[string]int{} // article id -> source number
	for _, g := range in.groups {
		groupOf[g.src.ArticleID] = g.src.N
	}
	out.used = map[string]bool{}
	var b strings.Builder
	for i, c := range picked {
		h := in.hits[c.hit]
		out.used[h.Chunk.ID] = true
		if i > 0 {
			b.WriteByte(' ')
		}
		text := c.text
		if c.lead != "" && !slices.ContainsFunc(picked, func(p *extractCandidate) bool { return p.text == c.lead }) &&
			len(strings.Fields(c.lead)) <= extractMaxLeadWords {
			// "He was also…" means nothing without the sentence that
			// names him.
			text = c.lead + " " + text
		}
		if c.reply != "" && !slices.ContainsFunc(picked, func(p *extractCandidate) bool { return p.text == c.reply }) &&
			len(strings.Fields(c.reply)) <= extractMaxLeadWords {
			// A question the article asks is quoted with its answer.
			text += " " + c.reply
		}
		b.WriteString(withCitation(stripCitations(text), groupOf[h.Article.ID]))
		out.sentences = append(out.sentences, c.text)
	}
	out.text = b.String()
	return out, true, nil
}

// bestArticleFirst moves to the front of cands, sorted by score, the best
// sentence of the article that answers best (see extractSecondWeight):
// the sentences quoted come from that article.
func bestArticleFirst(cands []*extractCandidate, hits []news.Hit, share map[string]float64) {
	type article struct {
		best          int // index of its best sentence in cands
		first, second float64
		kindOwn       float64 // the largest share held by a sentence giving the asked kind of fact
		hit           int     // its first passage's retrieval rank
	}
	byID := map[string]*article{}
	var order []*article
	for i, c := range cands {
		id := hits[c.hit].Article.ID
		a := byID[id]
		switch {
		case a == nil:
			a = &article{best: i, first: c.score + extractArticleWeight*share[id], hit: c.hit}
			byID[id] = a
			order = append(order, a)
		case a.second == 0 && c.text != cands[a.best].text:
			a.second = c.score
		}
		a.hit = min(a.hit, c.hit)
		if c.kind {
			a.kindOwn = max(a.kindOwn, c.own)
		}
	}
	top, topValue := 0, math.Inf(-1)
	for _, a := range order {
		if v := a.first + extractSecondWeight*a.second + extractArticleKind*a.kindOwn + extractArticlePrior/(1+0.15*float64(a.hit)); v > topValue {
			top, topValue = a.best, v
		}
	}
	c := cands[top]
	copy(cands[1:top+1], cands[:top])
	cands[0] = c
}

// personNamed reports whether s names a person the question (its stems in
// q) does not: two capitalised words inside the sentence, neither of them
// the question's ("Michael Mayer made the catch").
func personNamed(s string, q map[string]bool) bool {
	ws := strings.Fields(s)
	capital := func(w string) (string, bool) {
		w = strings.Trim(w, `"'“”‘’(),.;:!?`)
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || dateTextRe.MatchString(w) {
			return "", false
		}
		ts := extractTerms(withoutPossessive(w))
		if len(ts) != 1 {
			return "", false
		}
		return ts[0], true
	}
	for i := 1; i+1 < len(ws); i++ {
		a, ok := capital(ws[i])
		if !ok || strings.ContainsAny(ws[i], ",;:.!?") {
			continue
		}
		b, ok := capital(ws[i+1])
		if ok && !q[a] && !q[b] {
			return true
		}
	}
	return false
}

// articleFirst orders the sentences of the article first, by score; the
// others follow as they were.
func articleFirst(cands []*extractCandidate, hits []news.Hit, article string) {
	slices.SortStableFunc(cands, func(a, b *extractCandidate) int {
		switch ia, ib := hits[a.hit].Article.ID == article, hits[b.hit].Article.ID == article; {
		case ia && ib:
			return cmpFloatDesc(a.score, b.score)
		case ia:
			return -1
		case ib:
			return 1
		}
		return 0
	})
}

// factsFirst orders the sentences of the answering article (cands[0]'s)
// for a question that asks for a kind of fact (an amount, a name, a date):
// by the share of the question they hold, whether they give that kind of
// fact, their similarity of meaning, their passage's retrieval rank and,
// when w says so, whether they name a person the question (its stems in
// q) does not. A sentence that shares most words with "What was Uber's
// revenue?" ("where Uber's revenue came from") is no answer beside one
// that gives it ("revenue of $9.3 billion"). The other articles' sentences
// follow, as they were.
func factsFirst(cands []*extractCandidate, hits []news.Hit, q map[string]bool, w factWeights) {
	article := hits[cands[0].hit].Article.ID
	for _, c := range cands {
		if hits[c.hit].Article.ID != article {
			continue
		}
		c.score = c.own + w.meaning*c.cos + w.prior/(1+0.15*float64(c.hit))
		if c.kind {
			c.score += w.given
		}
		if c.beside {
			c.score += w.beside
		}
		if w.person > 0 && personNamed(c.text, q) {
			c.score += w.person
		}
	}
	articleFirst(cands, hits, article)
}

// rescoreByMeaning adds the cosine similarity between the question and the
// best keyword candidates to their score, and re-sorts them.
func rescoreByMeaning(ctx context.Context, emb news.Embedder, question string, cands []*extractCandidate) error {
	top := cands[:min(len(cands), extractEmbedTop)]
	texts := []string{question}
	for _, c := range top {
		texts = append(texts, c.text)
	}
	vecs, err := emb.Embed(ctx, texts)
	if err != nil {
		return fmt.Errorf("embed sentences: %w", err)
	}
	if len(vecs) != len(texts) {
		return fmt.Errorf("embed sentences: got %d vectors for %d texts", len(vecs), len(texts))
	}
	for i, c := range top {
		c.cos = max(0, cosine(vecs[0], vecs[i+1]))
		c.score = (1-extractDenseWeight)*c.score + extractDenseWeight*c.cos
	}
	slices.SortStableFunc(top, func(a, b *extractCandidate) int { return cmpFloatDesc(a.score, b.score) })
	return nil
}

// leadWith moves the best candidate that holds the figure asked to the
// front, when attr wants it to lead (see attribute.lead) and the best
// one does not hold it.
func leadWith(cands []*extractCandidate, attr *attribute) {
	if attr == nil || !attr.lead || len(cands) == 0 || attr.holds(cands[0].text) {
		return
	}
	if i := slices.IndexFunc(cands, func(c *extractCandidate) bool { return attr.holds(c.text) }); i > 0 {
		c := cands[i]
		copy(cands[1:i+1], cands[:i])
		cands[0] = c
	}
}

// promote moves to the front of cands, sorted by score, the first
// candidate after the best that answers better and scores at least
// extractOutcomeFloor of the best.
func promote(cands []*extractCandidate, better func(*extractCandidate) bool) {
	b := cands[0]
	for i, c := range cands[1:] {
		if c.score < extractOutcomeFloor*b.score {
			return
		}
		if better(c) {
			copy(cands[1:i+2], cands[:i+1])
			cands[0] = c
			return
		}
	}
}

// pickSentences takes the best sentence, then, from the same article, the
// sentences that add salient terms not yet covered or score nearly as well,
// up to three, in reading order. For a spanning question it then takes the
// best sentence of each further article that adds to the answer.
func pickSentences(cands []*extractCandidate, hits []news.Hit, terms []Term, weight []float64, total float64, want factKind, spanning bool) []*extractCandidate {
	best := cands[0]
	article := func(c *extractCandidate) string { return hits[c.hit].Article.ID }
	picked := []*extractCandidate{best}
	covered := make([]bool, len(terms))
	cover := func(c *extractCandidate) {
		for i, t := range terms {
			if t.in(c.terms) {
				covered[i] = true
			}
		}
	}
	cover(best)
	dup := func(c *extractCandidate) bool {
		for _, p := range picked {
			if c.text == p.text || jaccard(c.terms, p.terms) > 0.7 {
				return true
			}
		}
		return false
	}
	// The question asks for a kind of fact the best sentence lacks: the
	// best sentence of the article that holds one comes next.
	if want != kindAny && !best.kind {
		for _, c := range cands[1:] {
			if c.kind && article(c) == article(best) && !dup(c) {
				picked = append(picked, c)
				cover(c)
				break
			}
		}
	}
	gain := func(c *extractCandidate) float64 {
		var g float64
		for i, t := range terms {
			if !covered[i] && t.in(c.terms) {
				g += weight[i]
			}
		}
		return g / total
	}
	for len(picked) < extractMaxSentences {
		var next *extractCandidate
		var nextVal float64
		for _, c := range cands[1:] {
			if article(c) != article(best) || dup(c) {
				continue
			}
			g := gain(c)
			floor := extractRelativeFloor
			if len(picked) == 1 {
				floor = extractSecondFloor
			}
			if c.score < floor*best.score && g < extractMinGain && !(c.kind && !best.kind) {
				continue
			}
			if v := c.score + g; next == nil || v > nextVal {
				next, nextVal = c, v
			}
		}
		if next == nil {
			break
		}
		picked = append(picked, next)
		cover(next)
	}
	// In reading order: by passage, then by sentence.
	slices.SortStableFunc(picked, func(a, b *extractCandidate) int {
		if d := hits[a.hit].Chunk.Position - hits[b.hit].Chunk.Position; d != 0 {
			return d
		}
		return a.pos - b.pos
	})
	if !spanning {
		return picked
	}
	usedArticle := map[string]bool{article(best): true}
	for len(picked) < extractMaxSpanning {
		var next *extractCandidate
		var nextVal float64
		for _, c := range cands[1:] {
			if usedArticle[article(c)] || dup(c) {
				continue
			}
			g := gain(c)
			if c.score < extractSpanFloor*best.score && g < extractMinGain {
				continue
			}
			if v := c.score + g; next == nil || v > nextVal {
				next, nextVal = c, v
			}
		}
		if next == nil {
			break
		}
		picked = append(picked, next)
		usedArticle[article(next)] = true
		cover(next)
	}
	return picked
}

// withCitation appends the citation [n] to a sentence, before its final
// full stop when it has one: "Apple won [1]."
func withCitation(s string, n int) string {
	cite := fmt.Sprintf("[%d]", n)
	s = strings.TrimRight(strings.TrimSpace(s), ":;,")
	// A sentence that ends inside quotes: 'his show, "Mork and Mindy." [1]'.
	if q, size := utf8.DecodeLastRuneInString(s); isClosing(q) {
		if p, _ := utf8.DecodeLastRuneInString(s[:len(s)-size]); p == '.' || p == '!' || p == '?' {
			return s + " " + cite
		}
	}
	if last, size := utf8.DecodeLastRuneInString(s); last == '.' || last == '!' || last == '?' {
		return s[:len(s)-size] + " " + cite + string(last)
	}
	if last, size := utf8.DecodeLastRuneInString(s); last == '。' || last == '！' || last == '？' {
		return s[:len(s)-size] + cite + string(last)
	}
	return s + " " + cite + "."
}

// acronyms returns the lower-case initials of each stretch of two or more
// capitalised words in text: "the European Union's rules" gives "eu".
func acronyms(text string) []string {
	var out []string
	// initials skips the small words inside a name, spelt keeps them:
	// the Department of Justice is the DJ and the DOJ.
	var initials, spelt, joiners []rune
	add := func(run []rune) {
		for i := 0; i+1 < len(run) && i < 6; i++ {
			for j := i + 2; j <= len(run) && j-i <= 6; j++ {
				out = append(out, string(run[i:j]))
			}
		}
	}
	flush := func() {
		// Every stretch of two words or more: "Artificial Intelligence
		// Act" is the AIA and holds the AI.
		add([]rune(strings.ToLower(string(initials))))
		if len(spelt) > len(initials) {
			add([]rune(strings.ToLower(string(spelt))))
		}
		initials, spelt, joiners = initials[:0], spelt[:0], joiners[:0]
	}
	for _, w := range strings.Fields(text) {
		first, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(first) {
			// "Committee to Protect Journalists" is the CPJ: a small word
			// inside a name leaves no initial.
			if !acronymJoiners[w] || len(initials) == 0 {
				flush()
				continue
			}
			if first != '&' {
				joiners = append(joiners, first)
			}
			continue
		}
		spelt = append(spelt, joiners...)
		joiners = joiners[:0]
		initials = append(initials, first)
		spelt = append(spelt, first)
		// Each capitalised part of a hyphenated name leaves an initial:
		// Sam Bankman-Fried is the SBF.
		for rest := w; ; {
			i := strings.IndexByte(rest, '-')
			if i < 0 {
				break
			}
			rest = rest[i+1:]
			if r, _ := utf8.DecodeRuneInString(rest); unicode.IsUpper(r) {
				initials = append(initials, r)
				spelt = append(spelt, r)
			}
		}
		if last, _ := utf8.DecodeLastRuneInString(w); !unicode.IsLetter(last) {
			flush()
		}
	}
	flush()
	return out
}

// acronymJoiners are the small words a name's acronym skips.
var acronymJoiners = map[string]bool{"of": true, "to": true, "for": true, "and": true, "the": true, "&": true, "on": true, "de": true}

// dateWords spells an article's publication date the ways a question may
// name it.
func dateWords(a news.Article) string {
	if a.PublishedAt.IsZero() {
		return ""
	}
	return a.PublishedAt.Format("January 2 2006 Jan Monday")
}

// extractSentences splits a passage into sentences. Line breaks end
// sentences; so do . ! ? (and their CJK forms) followed by a capital, a
// digit or a quote, except after common abbreviations and initials. Very
// long runs without boundaries (tables, lists) are cut into windows, and
// fragments of fewer than four words are dropped.
func extractSentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		for _, s := range splitLine(line) {
			out = append(out, windows(s)...)
		}
	}
	return out
}

func splitLine(line string) []string {
	var out []string
	rs := []rune(line)
	start := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '。' || r == '！' || r == '？' {
			j := i + 1
			for j < len(rs) && isClosing(rs[j]) {
				j++
			}
			out = append(out, strings.TrimSpace(string(rs[start:j])))
			start, i = j, j-1
			continue
		}
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		j := i + 1
		for j < len(rs) && isClosing(rs[j]) {
			j++
		}
		if j < len(rs) && rs[j] != ' ' {
			continue // "3.5", "U.S.A", "Yahoo!Inc"
		}
		k := j
		for k < len(rs) && rs[k] == ' ' {
			k++
		}
		if k < len(rs) && !startsSentence(rs[k]) {
			continue
		}
		if r == '.' && isAbbreviation(rs[start:i]) {
			continue
		}
		out = append(out, strings.TrimSpace(string(rs[start:j])))
		start = k
		i = k - 1
	}
	if rest := strings.TrimSpace(string(rs[min(start, len(rs)):])); rest != "" {
		out = append(out, rest)
	}
	return out
}

func isClosing(r rune) bool {
	return r == '"' || r == '\'' || r == ')' || r == ']' || r == '”' || r == '’' || r == '»'
}

func startsSentence(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '“' || r == '\'' || r == '‘' || r == '(' || r == '[' ||
		(unicode.IsLetter(r) && !unicode.IsLower(r)) // scripts without case
}

// abbreviations end with a full stop without ending a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sr": true, "jr": true, "st": true,
	"vs": true, "etc": true, "inc": true, "ltd": true, "co": true, "corp": true, "gov": true, "sen": true,
	"rep": true, "gen": true, "col": true, "lt": true, "capt": true, "no": true, "vol": true, "fig": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true, "e.g": true, "i.e": true, "u.s": true, "u.k": true,
	"u.n": true, "a.m": true, "p.m": true, "approx": true, "est": true,
	// Titles, always before a name: "Adv. Ilit Ostrovitch-Levi",
	// "Det. Sgt. Ray Cole".
	"adv": true, "hon": true, "rev": true, "sgt": true, "cpl": true, "pvt": true, "det": true, "insp": true,
	"cmdr": true, "adm": true, "maj": true, "brig": true, "supt": true, "atty": true, "messrs": true,
	// Parts of names: "Warner Bros. Discovery", "Mt. Everest".
	"bros": true, "mt": true,
}

// isAbbreviation reports whether the word before a full stop is an
// abbreviation or an initial ("J. R. R. Tolkien").
func isAbbreviation(before []rune) bool {
	i := len(before)
	for i > 0 && before[i-1] != ' ' {
		i--
	}
	w := strings.ToLower(strings.TrimLeft(string(before[i:]), "(\"'“"))
	if utf8.RuneCountInString(w) == 1 && unicode.IsLetter([]rune(w)[0]) {
		return true
	}
	return abbreviations[w]
}

// windows cuts a sentence longer than extractMaxWords into windows of
// extractWindowWords, and drops fragments too short to say anything.
func windows(s string) []string {
	words := strings.Fields(s)
	if len(words) < extractMinWords && !hasUncasedScript(s) {
		return nil
	}
	if len(words) <= extractMaxWords {
		return []string{s}
	}
	var out []string
	for i := 0; i < len(words); i += extractWindowWords {
		w := words[i:min(i+extractWindowWords, len(words))]
		if len(w) >= extractMinWords {
			out = append(out, strings.Join(w, " "))
		}
	}
	return out
}

func hasUncasedScript(s string) bool {
	for _, r := range s {
		if isIdeograph(r) {
			return true
		}
	}
	return false
}

func isIdeograph(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Thai, r)
}

// extractTerms lower-cases text and returns its content words, without
// stop words, possessives and plural s; CJK characters count one each.
func extractTerms(text string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) == 0 {
			return
		}
		w := string(cur)
		cur = cur[:0]
		w = strings.TrimSuffix(w, "'s")
		w = strings.TrimSuffix(w, "’s")
		w = strings.Trim(w, "'’")
		if w == "" || answerStopwords[w] {
			return
		}
		out = append(out, stem(w))
	}
	if hasDottedLetters(text) {
		text = dottedAcronym.ReplaceAllStringFunc(text, func(m string) string { return strings.ReplaceAll(m, ".", "") })
	}
	text = spellScale(text)
	for _, r := range strings.ToLower(text) {
		switch {
		case isIdeograph(r):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’':
			cur = append(cur, r)
		case (r == '-' || r == '‑') && boundPrefix[string(cur)]:
			// A semi-final is no final: "semi-final" is read as
			// "semifinal", as it is also written.
		default:
			flush()
		}
	}
	flush()
	return out
}

// Amounts written with a short scale: "$7.7B", "£82m", "3.5bn". A bare
// "100m" may be a race or a distance, so m and k count as a scale only
// after a currency sign.
var (
	moneyScaleRe = regexp.MustCompile(`([$€£¥]\s?\d[\d,.]*)\s?(?i:(bn|b|tn|mn|m|k))\b`)
	bareScaleRe  = regexp.MustCompile(`\b(\d[\d,.]*)(?i:(bn|tn))\b`)
	scaleWords   = map[string]string{"b": "billion", "bn": "billion", "tn": "trillion", "m": "million", "mn": "million", "k": "thousand"}
)

// spellScale writes out the short scales of amounts ("$7.7B" → "$7.7
// billion"), so that a question and an article that write one amount two
// ways share its words.
func spellScale(text string) string {
	if !hasScale(text) {
		return text
	}
	spell := func(re *regexp.Regexp) func(string) string {
		return func(m string) string {
			sub := re.FindStringSubmatch(m)
			return sub[1] + " " + scaleWords[strings.ToLower(sub[2])]
		}
	}
	text = moneyScaleRe.ReplaceAllStringFunc(text, spell(moneyScaleRe))
	return bareScaleRe.ReplaceAllStringFunc(text, spell(bareScaleRe))
}

// withoutScale returns an amount written with a short scale without it
// ("$7.7B" → "$7.7"), and any other text as it is.
func withoutScale(text string) string {
	for _, re := range []*regexp.Regexp{moneyScaleRe, bareScaleRe} {
		if sub := re.FindStringSubmatch(text); sub != nil && len(sub[0]) == len(text) {
			return sub[1]
		}
	}
	return text
}

// hasScale reports whether a digit is followed by a short scale's first
// letter (t only as in "tn", not "5th"), which most text is not: the
// regexes run only then.
func hasScale(text string) bool {
	for i := 1; i < len(text); i++ {
		if text[i-1] >= '0' && text[i-1] <= '9' {
			switch text[i] {
			case 'b', 'B', 'm', 'M', 'k', 'K':
				return true
			case 't', 'T':
				if i+1 < len(text) && (text[i+1] == 'n' || text[i+1] == 'N') {
					return true
				}
			}
		}
	}
	return false
}

// boundPrefix holds the prefixes that make one word with the word they are
// joined to by a hyphen.
var boundPrefix = map[string]bool{"semi": true, "quarter": true}

// dottedAcronym matches acronyms written with full stops, "U.S." or
// "e.g.", which are read as one word.
var dottedAcronym = regexp.MustCompile(`\b(?:[A-Za-z]\.){2,}`)

// hasDottedLetters reports whether text holds two letters each followed by
// a full stop ("U.S."), as every match of dottedAcronym does: most texts do
// not, and are spared the expression.
func hasDottedLetters(text string) bool {
	letter := func(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }
	for i := 1; i+2 < len(text); i++ {
		if text[i] == '.' && text[i+2] == '.' && letter(text[i-1]) && letter(text[i+1]) {
			return true
		}
	}
	return false
}

// withoutPossessive returns w without a possessive ending ("Milan's",
// "Milan’s").
func withoutPossessive(w string) string {
	return strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
}

// stem reduces a word to the stem the keyword index gives it ([Stem]),
// after mapping the past form of a common irregular verb to its base, and
// then to the stem of another form of the word ([wordForms]).
func stem(w string) string {
	if base, ok := irregular[w]; ok {
		w = base
	}
	st := Stem(w)
	if v, ok := wordForms[st]; ok {
		return v
	}
	return st
}

// Pairs of words written two ways, "from:to": the stem of the first is read
// as the stem of the second.
const (
	// agentPairs: the noun for whoever does something and its verb, so
	// that "who directed the film?" meets "under director Emma Tammi" and
	// "who founded it?" meets "its founder".
	agentPairs = `director:direct producer:produce founder:found cofounder:found owner:own
		winner:win creator:create developer:develop publisher:publish writer:write author:write leader:lead
		manager:manage investor:invest buyer:buy seller:sell designer:design inventor:invent organiser:organise
		organizer:organize composer:compose narrator:narrate performer:perform singer:sing scorer:score
		acquirer:acquire employer:employ killer:kill builder:build distributor:distribute operator:operate`
	// actPairs: the noun for an act and its verb, so that "where did
	// they have the dinner?" meets "Musk dined with Altman" and "his
	// speech" meets "speaking to a crowd".
	actPairs = `dinner:dine speech:speak sale:sell flight:fly growth:grow loss:lose
		choice:choose decision:decide arrival:arrive departure:depart payment:pay marriage:marry injury:injure
		appointment:appoint election:elect resignation:resign retirement:retire acquisition:acquire
		investment:invest announcement:announce agreement:agree settlement:settle attendance:attend
		performance:perform competition:compete suspension:suspend conviction:convict testimony:testify
		donation:donate prediction:predict explanation:explain description:describe collision:collide
		explosion:explode invasion:invade expansion:expand extension:extend production:produce
		reduction:reduce introduction:introduce protection:protect destruction:destroy failure:fail
		closure:close exposure:expose refusal:refuse approval:approve proposal:propose removal:remove
		survival:survive denial:deny deployment:deploy employment:employ treatment:treat judgment:judge
		judgement:judge engagement:engage entry:enter recovery:recover delivery:deliver discovery:discover`
	// americanPairs: a word spelt the British way and its American
	// spelling, so that "organised" meets "organized" and "defence" meets
	// "defense": outlets and members write both.
	americanPairs = `colour:color favour:favor favourite:favorite honour:honor labour:labor
		neighbour:neighbor behaviour:behavior humour:humor rumour:rumor harbour:harbor flavour:flavor
		armour:armor endeavour:endeavor vigour:vigor centre:center theatre:theater metre:meter litre:liter
		fibre:fiber calibre:caliber spectre:specter defence:defense offence:offense licence:license
		pretence:pretense catalogue:catalog dialogue:dialog analogue:analog programme:program
		organise:organize organisation:organization realise:realize recognise:recognize apologise:apologize
		criticise:criticize prioritise:prioritize finalise:finalize authorise:authorize emphasise:emphasize
		summarise:summarize minimise:minimize maximise:maximize legalise:legalize privatise:privatize
		capitalise:capitalize utilise:utilize modernise:modernize mobilise:mobilize normalise:normalize
		stabilise:stabilize subsidise:subsidize sympathise:sympathize characterise:characterize
		specialise:specialize hospitalise:hospitalize penalise:penalize jeopardise:jeopardize
		analyse:analyze paralyse:paralyze travelled:traveled travelling:traveling traveller:traveler
		cancelled:canceled cancelling:canceling modelling:modeling labelled:labeled fuelled:fueled
		levelled:leveled signalled:signaled counselling:counseling jewellery:jewelry aluminium:aluminum
		grey:gray mum:mom sceptical:skeptical manoeuvre:maneuver paediatric:pediatric ageing:aging
		enrol:enroll fulfil:fulfill skilful:skillful pyjamas:pajamas mould:mold sulphur:sulfur
		practise:practice plough:plow moustache:mustache`
)

// wordForms maps stems by agentPairs, then actPairs, then americanPairs:
// a stem an earlier table maps keeps that mapping.
var wordForms = func() map[string]string {
	m := map[string]string{}
	for _, pairs := range []string{agentPairs, actPairs, americanPairs} {
		for _, p := range strings.Fields(pairs) {
			from, to, _ := strings.Cut(p, ":")
			if sf, st := Stem(from), Stem(to); sf != st {
				if _, ok := m[sf]; !ok {
					m[sf] = st
				}
			}
		}
	}
	return m
}()

// irregular maps the past forms of common irregular verbs to their base,
// so that "caught" meets "catch" and "won" meets "win". Forms that are
// also common names or nouns ("fed", "left", "rose") are left out.
var irregular = map[string]string{
	"said": "say", "won": "win", "caught": "catch", "went": "go", "gone": "go", "made": "make", "took": "take",
	"taken": "take", "gave": "give", "given": "give", "got": "get", "gotten": "get", "saw": "see", "seen": "see",
	"sold": "sell", "bought": "buy", "lost": "lose", "paid": "pay", "ran": "run", "told": "tell", "thought": "think",
	"fell": "fall", "fallen": "fall", "grew": "grow", "grown": "grow", "spent": "spend", "struck": "strike",
	"threw": "throw", "thrown": "throw", "wrote": "write", "written": "write", "spoke": "speak", "spoken": "speak",
	"chose": "choose", "chosen": "choose", "held": "hold", "kept": "keep", "met": "meet", "brought": "bring",
	"began": "begin", "begun": "begin", "became": "become", "drove": "drive", "driven": "drive", "shot": "shoot",
	"beaten": "beat", "sent": "send", "built": "build", "fought": "fight", "flew": "fly", "flown": "fly",
	"drew": "draw", "drawn": "draw", "broke": "break", "broken": "break", "found": "find", "heard": "hear",
	"sought": "seek", "taught": "teach", "sang": "sing", "sung": "sing", "meant": "mean", "felt": "feel",
	"stole": "steal", "stolen": "steal", "wore": "wear", "worn": "wear", "hid": "hide", "hidden": "hide",
	"rode": "ride", "ridden": "ride", "risen": "rise", "shook": "shake", "swore": "swear", "sworn": "swear",
	"understood": "understand", "withdrew": "withdraw", "withdrawn": "withdraw", "forgave": "forgive",
	"overtook": "overtake", "undertook": "undertake", "knew": "know", "known": "know", "ate": "eat", "eaten": "eat",
	"dealt": "deal", "led": "lead", "fled": "flee", "sank": "sink", "sunk": "sink", "won't": "will",
}

func uniqueTerms(ts []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func cosine(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

func cmpFloatDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// answerStopwords are words that do not say what a question is about:
// function words, and the words questions use to frame a request about
// news ("according to the article reported by").
var answerStopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
a about above after again against all also am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves
out over own same shan't she she'd she'll she's should shouldn't so some such than that that's the
their theirs them themselves then there there's these they they'd they'll they're they've this those
through to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when
when's where where's which while who who's whom why why's with won't would wouldn't you you'd you'll
you're you've your yours yourself yourselves will just into per via upon
article articles report reports reported reporting according mention mentioned mentions discuss
discussed discusses discussing consider considering suggest suggests suggested published piece pieces
news source sources tell told say said says indicate indicated indicates
describe described describes regarding based recent recently whether either one name named
v vs versus whats whos wheres whens hows whys isnt didnt doesnt wasnt werent arent cant dont wont im ive
youre theyre thats theres
lol lmao lmfao rofl tbh btw pls plz imo imho idk rn ngl omg wtf smh afaik iirc fwiw yeah yep nope okay thx
u ur ya gonna wanna gotta kinda sorta dunno
`) {
		m[w] = true
	}
	return m
}()

// SplitSentences splits text into sentences the way the extractive
// answerer reads passages (for evaluations that compare with it).
func SplitSentences(text string) []string { return extractSentences(text) }
