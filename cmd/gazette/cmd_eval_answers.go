package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

// answerQuestion is one line of a natural question file (see
// eval/natural/README.md).
type answerQuestion struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Kind     string   `json:"kind"` // "answerable" or "offtopic"
	Gold     []string `json:"gold"` // articles that hold the answer
	Key      string   `json:"key"`  // the asked-for fact as the article writes it
	// AskedAt, for a question with a relative date ("last week"), is when
	// it is asked; empty means now.
	AskedAt string `json:"asked_at,omitempty"`
}

// answersReport is the `eval answers --json` output. Shares are over the
// off-topic questions (offtopic_declined) or the answerable ones (the
// others); a declined answerable question counts as neither citing the gold
// article nor holding the key fact.
type answersReport struct {
	Questions          int     `json:"questions"`
	OfftopicDeclined   float64 `json:"offtopic_declined"`
	AnswerableDeclined float64 `json:"answerable_declined"`
	CitesGold          float64 `json:"cites_gold"`
	KeyInAnswer        float64 `json:"key_in_answer"`
	MsP50              float64 `json:"ms_p50"`
	// Floor, with --floor: the single best BM25 sentence of the library as
	// the answer.
	Floor *floorReport `json:"floor,omitempty"`
}

// floorReport measures the plain sentence-level BM25 floor: the best
// sentence as the answer, and how well its score alone separates
// answerable from off-topic questions.
type floorReport struct {
	CitesGold   float64 `json:"cites_gold"`
	KeyInAnswer float64 `json:"key_in_answer"`
	// AUC is the chance that an answerable question's top score beats an
	// off-topic one's.
	AUC float64 `json:"auc"`
	// At the threshold that best balances the two (chosen on this very
	// set, so an optimistic figure):
	OfftopicDeclined   float64 `json:"offtopic_declined"`
	AnswerableDeclined float64 `json:"answerable_declined"`
}

func runEvalAnswers(ctx context.Context, e *env) error {
	fs := newFlags(e, "eval answers", "")
	corpus := fs.String("corpus", "", "articles as JSON Lines (bench corpus format)")
	questions := fs.String("questions", "", "questions as JSON Lines: {id, question, kind, gold, key}")
	asJSON := fs.Bool("json", false, "print one JSON object")
	data := fs.String("data", "", "reuse (or create) the store in this directory instead of a temporary one")
	half := fs.String("half", "", "only the tune or check half of the questions (a fixed hash of their id)")
	floor := fs.Bool("floor", false, "also measure the best single BM25 sentence as the answer")
	verbose := fs.Bool("v", false, "print each question, its answer and what went wrong on stderr")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *corpus == "" || *questions == "" {
		fs.Usage()
		return errors.New("eval answers needs --corpus and --questions")
	}
	if *half != "" && *half != "tune" && *half != "check" {
		return fmt.Errorf("--half %q: want tune or check", *half)
	}
	qs, err := readAnswerQuestions(*questions)
	if err != nil {
		return err
	}
	qs = slices.DeleteFunc(qs, func(q answerQuestion) bool { return *half != "" && splitHalf(q.ID) != *half })
	dir := *data
	if dir == "" {
		dir, err = os.MkdirTemp("", "gazette-eval-")
		if err != nil {
			return fmt.Errorf("create temporary store: %w", err)
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	a, err := openApp(ctx, e.cfg, e.log, appOptions{dbPath: filepath.Join(dir, "gazette.db")})
	if err != nil {
		return err
	}
	defer a.Close()
	docs, err := loadCorpus(*corpus)
	if err != nil {
		return err
	}
	if _, err := ingestDocs(ctx, e, a, news.LocalNamespace, docs); err != nil {
		return err
	}

	rep := answersReport{}
	var lat []float64
	var offtopic, offDeclined, answerable, ansDeclined, gold, key int
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return err
		}
		rep.Questions++
		req := rag.Request{Question: q.Question}
		if q.AskedAt != "" {
			at, err := time.Parse(time.DateOnly, q.AskedAt)
			if err != nil {
				return fmt.Errorf("question %s: asked_at %q: want a date like 2023-11-14", q.ID, q.AskedAt)
			}
			req.AskedAt = at
		}
		t0 := time.Now()
		ans, err := a.answers.Answer(ctx, news.LocalNamespace, req, nil)
		if err != nil && !errors.Is(err, rag.ErrNoSources) {
			return fmt.Errorf("answer %s: %w", q.ID, err)
		}
		lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
		declined := err != nil || ans.Refused
		var problems []string
		if q.Kind == "offtopic" {
			offtopic++
			if declined {
				offDeclined++
			} else {
				problems = append(problems, "answered")
			}
		} else {
			answerable++
			citesGold := slices.ContainsFunc(ans.Sources, func(s news.Source) bool { return slices.Contains(q.Gold, s.ArticleID) })
			hasKey := !declined && containsFact(ans.Text, q.Key)
			switch {
			case declined:
				ansDeclined++
				problems = append(problems, "declined")
			default:
				if citesGold {
					gold++
				} else {
					problems = append(problems, "gold not cited")
				}
				if hasKey {
					key++
				} else {
					problems = append(problems, "no key "+q.Key)
				}
			}
		}
		if *verbose {
			status := "ok"
			if len(problems) > 0 {
				status = strings.Join(problems, ", ")
			}
			fmt.Fprintf(e.stderr, "\n%s [%s] %s\n  %s\n", q.ID, status, q.Question, strings.ReplaceAll(strings.TrimSpace(ans.Text), "\n", " "))
			for _, s := range ans.Sources {
				fmt.Fprintf(e.stderr, "  [%d] %s %s\n", s.N, s.ArticleID, s.Title)
			}
		}
	}
	share := func(n, of int) float64 {
		if of == 0 {
			return 0
		}
		return float64(n) / float64(of)
	}
	rep.OfftopicDeclined = share(offDeclined, offtopic)
	rep.AnswerableDeclined = share(ansDeclined, answerable)
	rep.CitesGold = share(gold, answerable)
	rep.KeyInAnswer = share(key, answerable)
	rep.MsP50 = percentile(lat, 50)
	if *floor {
		rep.Floor = measureFloor(docs, qs)
	}
	if *asJSON {
		return writeJSON(e.stdout, rep)
	}
	printAnswersReport(e.stdout, rep, offtopic, answerable)
	return nil
}

func printAnswersReport(w io.Writer, r answersReport, offtopic, answerable int) {
	fmt.Fprintf(w, "%d questions (%d answerable, %d off-topic), answer p50 %.1f ms\n", r.Questions, answerable, offtopic, r.MsP50)
	fmt.Fprintf(w, "off-topic declined    %.3f\nanswerable declined   %.3f\ngold article cited    %.3f\nkey fact in answer    %.3f\n",
		r.OfftopicDeclined, r.AnswerableDeclined, r.CitesGold, r.KeyInAnswer)
	if f := r.Floor; f != nil {
		fmt.Fprintf(w, "\nbest BM25 sentence: gold article %.3f, key fact %.3f; its score separates the two kinds with AUC %.3f\n", f.CitesGold, f.KeyInAnswer, f.AUC)
		fmt.Fprintf(w, "  at the best threshold on this set: off-topic declined %.3f, answerable declined %.3f\n", f.OfftopicDeclined, f.AnswerableDeclined)
	}
}

func readAnswerQuestions(path string) ([]answerQuestion, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	defer f.Close()
	var qs []answerQuestion
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	for line := 1; sc.Scan(); line++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var q answerQuestion
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("read questions: %s line %d: %w", path, line, err)
		}
		switch {
		case q.ID == "" || strings.TrimSpace(q.Question) == "":
			return nil, fmt.Errorf("read questions: %s line %d: id and question are required", path, line)
		case q.Kind == "answerable" && (len(q.Gold) == 0 || q.Key == ""):
			return nil, fmt.Errorf("read questions: %s line %d: an answerable question needs gold and key", path, line)
		case q.Kind != "answerable" && q.Kind != "offtopic":
			return nil, fmt.Errorf("read questions: %s line %d: kind %q: want answerable or offtopic", path, line, q.Kind)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	return qs, nil
}

// splitHalf puts a question in the "tune" or the "check" half by a fixed
// hash of its id, the same on every run and machine.
func splitHalf(id string) string {
	sum := sha256.Sum256([]byte("gazette-half-v1:" + id))
	if binary.BigEndian.Uint64(sum[:8])%2 == 0 {
		return "tune"
	}
	return "check"
}

// containsFact reports whether text states key, ignoring case, spacing and
// the forms of quotes and dashes.
func containsFact(text, key string) bool {
	norm := func(s string) string {
		s = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "–", "-", "—", "-").Replace(strings.ToLower(s))
		return strings.Join(strings.Fields(s), " ")
	}
	return strings.Contains(norm(text), norm(key))
}

// --- the BM25 sentence floor -------------------------------------------------

func measureFloor(docs []ingest.Document, qs []answerQuestion) *floorReport {
	type sentence struct {
		article string
		text    string
		tf      map[string]int
		n       int
	}
	var sents []sentence
	df := map[string]int{}
	var totalLen int
	for _, d := range docs {
		for _, s := range rag.SplitSentences(d.Body) {
			toks := floorTokens(s)
			if len(toks) == 0 {
				continue
			}
			tf := map[string]int{}
			for _, t := range toks {
				tf[t]++
			}
			for t := range tf {
				df[t]++
			}
			totalLen += len(toks)
			sents = append(sents, sentence{article: d.ID, text: s, tf: tf, n: len(toks)})
		}
	}
	if len(sents) == 0 {
		return &floorReport{}
	}
	const k1, b = 1.2, 0.75
	avg := float64(totalLen) / float64(len(sents))
	N := float64(len(sents))
	var rep floorReport
	var pos, neg []float64
	answerable, gold, key := 0, 0, 0
	for _, q := range qs {
		best, bestScore := -1, 0.0
		for i, s := range sents {
			var score float64
			for _, t := range uniqueStrings(floorTokens(q.Question)) {
				f := float64(s.tf[t])
				if f == 0 {
					continue
				}
				idf := math.Log(1 + (N-float64(df[t])+0.5)/(float64(df[t])+0.5))
				score += idf * f * (k1 + 1) / (f + k1*(1-b+b*float64(s.n)/avg))
			}
			if score > bestScore {
				best, bestScore = i, score
			}
		}
		if q.Kind == "offtopic" {
			neg = append(neg, bestScore)
			continue
		}
		pos = append(pos, bestScore)
		answerable++
		if best >= 0 {
			if slices.Contains(q.Gold, sents[best].article) {
				gold++
			}
			if containsFact(sents[best].text, q.Key) {
				key++
			}
		}
	}
	if answerable > 0 {
		rep.CitesGold = float64(gold) / float64(answerable)
		rep.KeyInAnswer = float64(key) / float64(answerable)
	}
	if len(pos) > 0 && len(neg) > 0 {
		var wins float64
		for _, p := range pos {
			for _, n := range neg {
				switch {
				case p > n:
					wins++
				case p == n:
					wins += 0.5
				}
			}
		}
		rep.AUC = wins / float64(len(pos)*len(neg))
		// The threshold that maximises the mean of the two right rates.
		cuts := append(slices.Clone(pos), neg...)
		sort.Float64s(cuts)
		bestBal := -1.0
		for _, c := range cuts {
			offDecl := countBelow(neg, c)
			ansDecl := countBelow(pos, c)
			bal := (float64(offDecl)/float64(len(neg)) + 1 - float64(ansDecl)/float64(len(pos))) / 2
			if bal > bestBal {
				bestBal = bal
				rep.OfftopicDeclined = float64(offDecl) / float64(len(neg))
				rep.AnswerableDeclined = float64(ansDecl) / float64(len(pos))
			}
		}
	}
	return &rep
}

func countBelow(xs []float64, c float64) int {
	n := 0
	for _, x := range xs {
		if x < c {
			n++
		}
	}
	return n
}

// floorTokens are the lower-cased words of s without English stopwords: a
// plain tokenizer, as a baseline would use.
func floorTokens(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		if !floorStop[w] {
			out = append(out, w)
		}
	}
	return out
}

func uniqueStrings(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

var floorStop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about after all also an and any are as at be been but by can could did do does
		for from had has have he her his how i if in into is it its me my no not of on or our out she so than that
		the their them then there these they this to up was we were what when where which who whom why will with
		would you your s`) {
		m[w] = true
	}
	return m
}()
