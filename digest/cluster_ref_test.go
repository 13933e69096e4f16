package digest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/news"
)

// clusterAllPairs is the form of cluster that scores every pair and scans
// all of them for each merge (cubic time, quadratic memory): the reference
// the tests and benchmarks compare cluster with.
func clusterAllPairs(items []item, o ClusterOptions) [][]int {
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.LexicalThreshold == 0 {
		o.LexicalThreshold = DefaultLexicalThreshold
	}
	if o.EntityWeight == 0 {
		o.EntityWeight = DefaultEntityWeight
	}
	if o.MaxEventSpan == 0 {
		o.MaxEventSpan = DefaultMaxEventSpan
	}
	weighTerms(items)
	n := len(items)
	// sum[i][j] is the sum of pair margins (score minus its threshold)
	// between clusters i and j; size[i] is 0 once i is merged away.
	// Margins let dense and lexical pairs mix in one average.
	sum := make([][]float64, n)
	for i := range sum {
		sum[i] = make([]float64, n)
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			m := pairMargin(items[i], items[j], o)
			sum[i][j], sum[j][i] = m, m
		}
	}
	size := make([]int, n)
	members := make([][]int, n)
	for i := range n {
		size[i] = 1
		members[i] = []int{i}
	}
	for {
		bi, bj, best := -1, -1, 0.0
		for i := range n {
			if size[i] == 0 {
				continue
			}
			for j := i + 1; j < n; j++ {
				if size[j] == 0 {
					continue
				}
				avg := sum[i][j] / float64(size[i]*size[j])
				if avg >= 0 && (bi < 0 || avg > best) {
					bi, bj, best = i, j, avg
				}
			}
		}
		if bi < 0 {
			break
		}
		members[bi] = append(members[bi], members[bj]...)
		for k := range n {
			if k != bi && k != bj && size[k] > 0 {
				sum[bi][k] += sum[bj][k]
				sum[k][bi] = sum[bi][k]
			}
		}
		size[bi] += size[bj]
		size[bj] = 0
		members[bj] = nil
	}
	var out [][]int
	for i := range n {
		if size[i] > 0 {
			out = append(out, members[i])
		}
	}
	return out
}

// clusterInput builds n articles in one day: events of one to six articles
// from several outlets, sharing names and words, with 512-dimension vectors
// near their event's direction (nil when vectors is false). Events that share
// a topic have close vectors too, so the threshold decides.
func clusterInput(n int, vectors bool, seed uint64) []item {
	r := rand.New(rand.NewPCG(seed, 1))
	outlets := []string{"Harbor Times", "Coastal Wire", "Metro Daily", "Valley Post", "Capital News"}
	topics := []string{"council", "court", "port", "school", "election", "storm", "market", "league"}
	dirs := map[int][]float32{}
	dir := func(k int) []float32 {
		if d, ok := dirs[k]; ok {
			return d
		}
		d := make([]float32, 512)
		for i := range d {
			d[i] = float32(r.NormFloat64())
		}
		dirs[k] = d
		return d
	}
	var items []item
	for ev := 0; len(items) < n; ev++ {
		size := 1 + r.IntN(6)
		topic := r.IntN(len(topics))
		for range min(size, n-len(items)) {
			i := len(items)
			id := fmt.Sprintf("n%d", i)
			title := fmt.Sprintf("%s: Mayor Ana%d of Town%d faces %s vote on Project%d", strings.ToUpper(topics[topic][:1])+topics[topic][1:], ev%97, ev, topics[topic], ev)
			body := fmt.Sprintf("Officials in Town%d said the %s would decide on Project%d after a review by Board%d. ", ev, topics[topic], ev, ev%53) +
				fmt.Sprintf("Residents of District%d asked about costs of the %s works, reported %s. ", ev%17, topics[topic], outlets[i%len(outlets)]) +
				strings.Repeat(fmt.Sprintf("The %s plan number %d drew comments from %d people. ", topics[topic], r.IntN(1000), r.IntN(500)), 3)
			a := news.Article{Namespace: "g1", ID: id, Title: title, Outlet: outlets[r.IntN(len(outlets))],
				IngestedAt: since.Add(time.Duration(r.IntN(24*60)) * time.Minute), Body: body}
			c := news.Chunk{ID: id + "#0", ArticleID: id, Text: body}
			if vectors {
				v := make([]float32, 512)
				t, e := dir(-1-topic), dir(ev)
				for k := range v {
					v[k] = 0.8*t[k] + e[k] + 0.35*float32(r.NormFloat64())
				}
				c.Embedding = v
			}
			items = append(items, newItem(a, []news.Chunk{c}))
		}
	}
	return items
}

// sameStories reports whether two clusterings hold the same stories.
func sameStories(a, b [][]int) bool {
	norm := func(cs [][]int) []string {
		var out []string
		for _, c := range cs {
			c = slices.Clone(c)
			slices.Sort(c)
			out = append(out, fmt.Sprint(c))
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(norm(a), norm(b))
}

func TestClusterMatchesAllPairs(t *testing.T) {
	for _, vectors := range []bool{true, false} {
		for seed := range uint64(3) {
			items := clusterInput(200, vectors, seed)
			got := cluster(slices.Clone(items), ClusterOptions{})
			want := clusterAllPairs(slices.Clone(items), ClusterOptions{})
			if !sameStories(got, want) {
				t.Errorf("vectors=%v seed %d: cluster() gives %d stories, the all-pairs form %d, not the same",
					vectors, seed, len(got), len(want))
			}
			multi := 0
			for _, c := range got {
				if len(c) > 1 {
					multi++
				}
			}
			if multi < 10 {
				t.Errorf("vectors=%v seed %d: only %d stories of several articles; the input does not test merging", vectors, seed, multi)
			}
		}
	}
}

// BenchmarkCluster times grouping a window of 1,000, 2,000 and 5,000
// articles into stories, and the all-pairs form it replaced at 1,000 and
// 2,000 (at 5,000 it takes minutes and 200 MB). Besides the wall time per
// run it reports the process's CPU time per run, which a machine shared
// with other work inflates less.
func BenchmarkCluster(b *testing.B) {
	for _, n := range []int{1000, 2000, 5000} {
		items := clusterInput(n, true, 1)
		run := func(b *testing.B, f func([]item, ClusterOptions) [][]int) {
			b.ReportAllocs()
			c0 := cpuTime()
			for b.Loop() {
				f(slices.Clone(items), ClusterOptions{})
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		}
		b.Run(fmt.Sprintf("articles=%d", n), func(b *testing.B) { run(b, cluster) })
		if n <= 2000 {
			b.Run(fmt.Sprintf("articles=%d/all-pairs", n), func(b *testing.B) { run(b, clusterAllPairs) })
		}
	}
}
