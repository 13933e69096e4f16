package uselite

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gazettebot/gazette/news"
)

// TestRetrievalBench compares ways of embedding texts longer than MaxTokens
// by dense-only retrieval on the news bench: set GAZETTE_BENCH_DIR to the
// folder holding corpus.jsonl and queries-dev.jsonl (it skips otherwise).
// Chunks are 85 words with the title prefixed, as ingestion makes them.
// Hits@4 is the share of a question's evidence articles found among the
// articles of its 4 best chunks, averaged over questions with evidence.
func TestRetrievalBench(t *testing.T) {
	dir := os.Getenv("GAZETTE_BENCH_DIR")
	if dir == "" {
		t.Skip("GAZETTE_BENCH_DIR not set")
	}
	type chunk struct {
		article string
		ids     []int32
	}
	e := mustLoad(t)
	var chunks []chunk
	readJSONL(t, filepath.Join(dir, "corpus.jsonl"), func(b []byte) {
		var a struct{ ID, Title, Body string }
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatal(err)
		}
		words := strings.Fields(a.Body)
		for i := 0; i < len(words); i += 85 {
			text := news.EmbeddingText(news.Article{Title: a.Title}, strings.Join(words[i:min(i+85, len(words))], " "))
			ids := append([]int32{}, e.tok.encode(text, &tokScratch{})...)
			chunks = append(chunks, chunk{a.ID, ids})
		}
	})
	type query struct {
		text     string
		evidence map[string]bool
	}
	var queries []query
	readJSONL(t, filepath.Join(dir, "queries-dev.jsonl"), func(b []byte) {
		var q struct {
			Question string
			Evidence []struct {
				ArticleID string `json:"article_id"`
			}
		}
		if err := json.Unmarshal(b, &q); err != nil {
			t.Fatal(err)
		}
		if len(q.Evidence) == 0 {
			return
		}
		ev := map[string]bool{}
		for _, x := range q.Evidence {
			ev[x.ArticleID] = true
		}
		queries = append(queries, query{q.Question, ev})
	})

	// Embed every window the variants need, on every core.
	type job struct {
		chunk int
		equal bool // an equal-size window (else a fixed 128-token one)
		ids   []int32
		n     int // window length
	}
	var jobs []job
	for ci, c := range chunks {
		n := len(c.ids)
		for lo := 0; lo < max(n, 1); lo += MaxTokens {
			w := c.ids[lo:min(lo+MaxTokens, n)]
			jobs = append(jobs, job{ci, false, w, len(w)})
		}
		if k := (n + MaxTokens - 1) / MaxTokens; k > 1 {
			for w := range k {
				win := c.ids[w*n/k : (w+1)*n/k]
				jobs = append(jobs, job{ci, true, win, len(win)})
			}
		}
	}
	vecs := make([][]float32, len(jobs))
	var wg sync.WaitGroup
	workers := 2
	for wk := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newScratch()
			for j := wk; j < len(jobs); j += workers {
				e.m.forward(jobs[j].ids, []span{{0, len(jobs[j].ids)}}, s)
				vecs[j] = append([]float32{}, s.out[:dim]...)
			}
		}()
	}
	wg.Wait()

	variants := []string{"truncate at 128", "mean of 128-token windows", "length-weighted 128-token windows", "mean of equal windows (default)"}
	emb := make([][][]float32, len(variants))
	for v := range emb {
		emb[v] = make([][]float32, len(chunks))
		for ci := range emb[v] {
			emb[v][ci] = make([]float32, dim)
		}
	}
	seen := make([]int, len(chunks)) // fixed windows seen per chunk
	equalSeen := make([]bool, len(chunks))
	for j, jb := range jobs {
		v := vecs[j]
		if jb.equal {
			addTo(emb[3][jb.chunk], v)
			equalSeen[jb.chunk] = true
			continue
		}
		if seen[jb.chunk] == 0 {
			copy(emb[0][jb.chunk], v)
		}
		seen[jb.chunk]++
		addTo(emb[1][jb.chunk], v)
		for i := range v {
			emb[2][jb.chunk][i] += float32(jb.n) * v[i]
		}
	}
	for ci := range chunks {
		if !equalSeen[ci] {
			copy(emb[3][ci], emb[0][ci])
		}
		for v := range emb {
			normalize(emb[v][ci])
		}
	}

	qv := make([][]float32, len(queries))
	for i, q := range queries {
		qv[i] = e.EmbedText(q.text)
	}
	t.Logf("%d chunks, %d questions with evidence", len(chunks), len(queries))
	for v, name := range variants {
		var hits, any float64
		for qi, q := range queries {
			type scored struct {
				i int
				s float64
			}
			sc := make([]scored, len(chunks))
			for ci := range chunks {
				sc[ci] = scored{ci, cosine(qv[qi], emb[v][ci])}
			}
			sort.Slice(sc, func(a, b int) bool { return sc[a].s > sc[b].s })
			found := map[string]bool{}
			for _, x := range sc[:4] {
				if a := chunks[x.i].article; q.evidence[a] {
					found[a] = true
				}
			}
			hits += float64(len(found)) / float64(len(q.evidence))
			if len(found) > 0 {
				any++
			}
		}
		t.Logf("%-36s Hits@4 %.3f  any evidence in top 4 %.3f", name, hits/float64(len(queries)), any/float64(len(queries)))
	}
}

func readJSONL(t *testing.T, path string, fn func([]byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		fn(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}
