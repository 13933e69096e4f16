package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

func init() {
	register(command{
		name: "eval", group: groupMeasure,
		summary: "measure retrieval, answers or article extraction on a benchmark",
		subs: []*command{
			{
				name: "retrieval", summary: "ingest a benchmark corpus and measure how often retrieval finds the evidence articles",
				help: `Reports hits@4, hits@10, recall@10, MRR@10 and all-evidence@10 over the questions,
overall and by question type, and how often questions with no evidence are
declined. The store is a temporary SQLite file unless --data names a directory;
with GAZETTE_DATABASE_URL set the corpus goes into that PostgreSQL database, in
the namespace eval-retrieval (kept, so later runs skip what is stored).`,
				settings: []string{"GAZETTE_DATABASE_URL", "GAZETTE_EMBEDDER", "GAZETTE_EMBED_MODEL", "GAZETTE_EMBED_BASE_URL", "GAZETTE_EMBED_API_KEY"},
				run:      runEvalRetrieval,
			},
			{
				name: "answers", summary: "ingest a small library and measure answers to natural questions",
				help: `Questions are JSON Lines {id, question, kind, gold, key}: kind "answerable"
(gold lists the articles that hold the answer, key the asked-for fact) or
"offtopic". Reports the share of off-topic questions declined, of
answerable ones wrongly declined, citing a gold article and holding the key
fact, and the median answer time. --half tune|check keeps one half of the
questions (a fixed hash of their id); --floor also measures the best single
BM25 sentence as the answer. The store is temporary unless --data names one.`,
				settings: []string{"GAZETTE_EMBEDDER", "GAZETTE_EMBED_MODEL", "GAZETTE_EMBED_BASE_URL", "GAZETTE_EMBED_API_KEY", "GAZETTE_CHAT_MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY"},
				run:      runEvalAnswers,
			},
			{
				name: "extraction", summary: "measure article text extraction against hand-made reference bodies",
				help:    `Reports token precision, recall and F1 of the extracted body against the reference, and the median time per page.`,
				noStore: true,
				run:     runEvalExtraction,
			},
		},
	})
}

// benchQuery is one line of a MultiHop-RAG style question file.
type benchQuery struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
	Type     string `json:"question_type"`
	Evidence []struct {
		ArticleID string `json:"article_id"`
	} `json:"evidence"`
}

// retrievalMetrics are article-level metrics over the top passages.
type retrievalMetrics struct {
	Queries   int     `json:"queries"`
	HitsAt4   float64 `json:"hits_at_4"`
	HitsAt10  float64 `json:"hits_at_10"`
	RecallAt  float64 `json:"recall_at_10"`
	MRRAt10   float64 `json:"mrr_at_10"`
	AllAt10   float64 `json:"all_at_10"`
	sumHits4  float64
	sumHitsK  float64
	sumRecall float64
	sumMRR    float64
	sumAll    float64
}

func (m *retrievalMetrics) add(gold []string, ranked []string, k int) {
	goldSet := map[string]bool{}
	for _, g := range gold {
		goldSet[g] = true
	}
	found := map[string]bool{}
	first := 0
	for i, id := range ranked {
		if i >= k {
			break
		}
		if goldSet[id] {
			found[id] = true
			if first == 0 {
				first = i + 1
			}
		}
	}
	hit4 := false
	for i, id := range ranked {
		if i >= 4 {
			break
		}
		if goldSet[id] {
			hit4 = true
		}
	}
	m.Queries++
	if hit4 {
		m.sumHits4++
	}
	if first > 0 {
		m.sumHitsK++
		m.sumMRR += 1 / float64(first)
	}
	m.sumRecall += float64(len(found)) / float64(len(goldSet))
	if len(found) == len(goldSet) {
		m.sumAll++
	}
}

func (m *retrievalMetrics) finish() {
	if m.Queries == 0 {
		return
	}
	n := float64(m.Queries)
	m.HitsAt4, m.HitsAt10, m.RecallAt, m.MRRAt10, m.AllAt10 = m.sumHits4/n, m.sumHitsK/n, m.sumRecall/n, m.sumMRR/n, m.sumAll/n
}

type retrievalReport struct {
	Queries            int                          `json:"queries"`
	Chunks             int                          `json:"chunks"`
	IngestSeconds      float64                      `json:"ingest_seconds"`
	QueryMsP50         float64                      `json:"query_ms_p50"`
	QueryMsP95         float64                      `json:"query_ms_p95"`
	Overall            *retrievalMetrics            `json:"overall"`
	ByType             map[string]*retrievalMetrics `json:"by_type"`
	NullQuestions      int                          `json:"null_questions"`
	NullDeclined       float64                      `json:"null_declined"`
	AnswerableDeclined float64                      `json:"answerable_declined"`
	Embedder           string                       `json:"embedder"`
	Mode               string                       `json:"mode"`
}

// evalNamespace holds the corpus of 'eval retrieval' in a PostgreSQL
// database, apart from the command line's own articles.
const evalNamespace = "eval-retrieval"

func runEvalRetrieval(ctx context.Context, e *env) error {
	fs := newFlags(e, "eval retrieval", "")
	corpus := fs.String("corpus", "", "articles as JSON Lines (bench corpus format)")
	queries := fs.String("queries", "", "questions as JSON Lines (bench query format)")
	k := fs.Int("k", 10, "passages considered per question")
	asJSON := fs.Bool("json", false, "print one JSON object")
	data := fs.String("data", "", "reuse (or create) the store in this directory instead of a temporary one")
	mode := fs.String("mode", "", "ablation: dense or keyword alone (default hybrid)")
	plain := fs.Bool("plain", false, "ablation: ignore the outlets and dates the question names")
	noAnswers := fs.Bool("no-answers", false, "skip the answerer (decline rates)")
	var ro rag.RetrieverOptions
	fs.IntVar(&ro.Candidates, "tune-candidates", 0, "tuning: candidates per retriever (0: default)")
	fs.Float64Var(&ro.RRFK, "tune-rrfk", 0, "tuning: RRF constant (0: default)")
	fs.Float64Var(&ro.DenseWeight, "tune-dense", 0, "tuning: dense weight (0: default)")
	fs.Float64Var(&ro.KeywordWeight, "tune-keyword", 0, "tuning: keyword weight (0: default)")
	fs.Float64Var(&ro.OutletWeight, "tune-outlet", 0, "tuning: per-outlet sub-query weight (0: default)")
	fs.Float64Var(&ro.GlobalWeight, "tune-global", 0, "tuning: all-outlet search weight when outlets are named (0: default, <0: off)")
	fs.Float64Var(&ro.DateBoost, "tune-date", 0, "tuning: boost for passages published on a named day (0: default)")
	nsFlag := fs.String("ns", "", "namespace of the corpus (default: local in SQLite, "+evalNamespace+" in PostgreSQL)")
	misses := fs.Bool("misses", false, "list the gold articles missing from each question's top k on stderr")
	half := fs.String("half", "", "only the tune or check half of the questions (a fixed hash of their id)")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *half != "" && *half != "tune" && *half != "check" {
		return fmt.Errorf("--half %q: want tune or check", *half)
	}
	if *corpus == "" || *queries == "" {
		fs.Usage()
		return errors.New("eval retrieval needs --corpus and --queries")
	}
	qs, err := readQueries(*queries)
	if err != nil {
		return err
	}
	qs = slices.DeleteFunc(qs, func(q benchQuery) bool { return *half != "" && splitHalf(q.ID) != *half })
	// With GAZETTE_DATABASE_URL the corpus goes into that database, in a
	// namespace of its own that later runs reuse; otherwise into a SQLite
	// file, temporary unless --data names a directory.
	ns := news.LocalNamespace
	var o appOptions
	if e.cfg.DatabaseURL != "" {
		if *data != "" {
			return errors.New("--data names a SQLite directory; with GAZETTE_DATABASE_URL set the corpus goes into that database (namespace " + evalNamespace + ")")
		}
		ns = evalNamespace
	} else {
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
		o.dbPath = filepath.Join(dir, "gazette.db")
	}
	if *nsFlag != "" {
		ns = *nsFlag
	}
	a, err := openApp(ctx, e.cfg, e.log, o)
	if err != nil {
		return err
	}
	defer a.Close()
	ro.Mode, ro.Plain, ro.Logger = *mode, *plain, e.log
	retriever := rag.NewRetriever(a.store, a.embedder, ro)

	docs, err := loadCorpus(*corpus)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := ingestDocs(ctx, e, a, ns, docs); err != nil {
		return err
	}
	rep := retrievalReport{
		IngestSeconds: time.Since(start).Seconds(),
		Overall:       &retrievalMetrics{},
		ByType:        map[string]*retrievalMetrics{},
		Embedder:      a.embedder.ID(),
		Mode:          cmp.Or(*mode, "hybrid"),
	}
	st, err := a.store.Stats(ctx, ns)
	if err != nil {
		return err
	}
	rep.Chunks = st.Chunks

	var lat []float64
	nullDeclined, answerable, answerableDeclined := 0, 0, 0
	now := time.Now()
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return err
		}
		rep.Queries++
		if q.Type != "null_query" && len(q.Evidence) > 0 {
			t0 := time.Now()
			r, err := retriever.Retrieve(ctx, ns, rag.Query{Text: q.Question, Now: now, Limit: *k})
			if err != nil {
				return fmt.Errorf("question %s: %w", q.ID, err)
			}
			lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
			var ranked, gold []string
			for _, h := range r.Hits {
				ranked = append(ranked, h.Article.ID)
			}
			for _, ev := range q.Evidence {
				gold = append(gold, ev.ArticleID)
			}
			rep.Overall.add(gold, ranked, *k)
			if *misses {
				printMisses(ctx, e, a, ns, q, gold, ranked)
			}
			bt := rep.ByType[q.Type]
			if bt == nil {
				bt = &retrievalMetrics{}
				rep.ByType[q.Type] = bt
			}
			bt.add(gold, ranked, *k)
		}
		if *noAnswers {
			continue
		}
		ans, err := a.answers.Answer(ctx, ns, rag.Request{Question: q.Question}, nil)
		if err != nil && !errors.Is(err, rag.ErrNoSources) {
			return fmt.Errorf("answer %s: %w", q.ID, err)
		}
		declined := err != nil || ans.Refused
		if q.Type == "null_query" {
			rep.NullQuestions++
			if declined {
				nullDeclined++
			}
		} else {
			answerable++
			if declined {
				answerableDeclined++
			}
		}
	}
	rep.Overall.finish()
	for _, m := range rep.ByType {
		m.finish()
	}
	if rep.NullQuestions > 0 {
		rep.NullDeclined = float64(nullDeclined) / float64(rep.NullQuestions)
	}
	if answerable > 0 {
		rep.AnswerableDeclined = float64(answerableDeclined) / float64(answerable)
	}
	rep.QueryMsP50, rep.QueryMsP95 = percentile(lat, 50), percentile(lat, 95)
	if *asJSON {
		return writeJSON(e.stdout, rep)
	}
	printRetrievalReport(e.stdout, rep, *noAnswers)
	return nil
}

func readQueries(path string) ([]benchQuery, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	defer f.Close()
	var qs []benchQuery
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var q benchQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("read questions: %s line %d: %w", path, line, err)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	return qs, nil
}

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

func printRetrievalReport(w io.Writer, r retrievalReport, noAnswers bool) {
	fmt.Fprintf(w, "embedder %s, mode %s: %d questions, %d chunks, ingest %.1f s, query p50 %.1f ms, p95 %.1f ms\n\n",
		r.Embedder, r.Mode, r.Queries, r.Chunks, r.IngestSeconds, r.QueryMsP50, r.QueryMsP95)
	fmt.Fprintf(w, "%-18s %5s %7s %8s %9s %7s %7s\n", "", "n", "Hits@4", "Hits@10", "Recall@10", "MRR@10", "All@10")
	row := func(name string, m *retrievalMetrics) {
		fmt.Fprintf(w, "%-18s %5d %7.3f %8.3f %9.3f %7.3f %7.3f\n", name, m.Queries, m.HitsAt4, m.HitsAt10, m.RecallAt, m.MRRAt10, m.AllAt10)
	}
	row("overall", r.Overall)
	types := make([]string, 0, len(r.ByType))
	for t := range r.ByType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		row(t, r.ByType[t])
	}
	if !noAnswers {
		fmt.Fprintf(w, "\nnull questions declined: %.3f of %d; answerable questions declined: %.3f\n", r.NullDeclined, r.NullQuestions, r.AnswerableDeclined)
	}
}

// printMisses lists, for tuning, the gold articles a question's passages
// did not reach.
func printMisses(ctx context.Context, e *env, a *app, ns string, q benchQuery, gold, ranked []string) {
	var missing []string
	for _, g := range gold {
		if !slices.Contains(ranked, g) && !slices.Contains(missing, g) {
			missing = append(missing, g)
		}
	}
	if len(missing) == 0 {
		return
	}
	fmt.Fprintf(e.stderr, "\n%s %s: %s\n", q.ID, q.Type, q.Question)
	for _, id := range missing {
		art, err := a.store.Article(ctx, ns, id)
		if err != nil {
			fmt.Fprintf(e.stderr, "  missing %s (%v)\n", id, err)
			continue
		}
		fmt.Fprintf(e.stderr, "  missing %s %q %s %s\n", id, art.Title, art.Outlet, art.PublishedAt.Format("2006-01-02"))
	}
	var got []string
	for _, id := range ranked {
		art, err := a.store.Article(ctx, ns, id)
		if err == nil {
			got = append(got, fmt.Sprintf("%s[%s %s]", id, art.Outlet, art.PublishedAt.Format("01-02")))
		}
	}
	fmt.Fprintf(e.stderr, "  got %s\n", strings.Join(got, " "))
}
