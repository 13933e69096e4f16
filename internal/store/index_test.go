package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	chromem "github.com/philippgille/chromem-go"

	"github.com/gazettebot/gazette/news"
)

func TestVectorsSlots(t *testing.T) {
	v := &vectors{dim: 2, slot: map[string]int32{}}
	for i := range blockVectors + 2 { // spills into a second block
		v.put("c"+strconv.Itoa(i), "a", []float32{1, 0})
	}
	if got, want := len(v.blocks), 2; got != want {
		t.Fatalf("blocks = %d, want %d", got, want)
	}
	v.remove([]string{"c3", "c7", "nope"})
	if got := v.at(3); got[0] != 0 {
		t.Errorf("freed slot holds %v, want zeros", got)
	}
	// Freed slots are reused before the slice grows.
	v.put("x", "a", []float32{0, 1})
	v.put("y", "a", []float32{0.6, 0.8})
	if got, want := len(v.ids), blockVectors+2; got != want {
		t.Errorf("slots = %d, want %d", got, want)
	}
	// Replacing a vector keeps its slot.
	before := v.slot["y"]
	v.put("y", "a", []float32{0.8, 0.6})
	if got := v.slot["y"]; got != before {
		t.Errorf("slot of y moved from %d to %d", before, got)
	}

	ids, scores := v.search([]float32{0, 1}, 3, nil)
	// x is best; then y; then the many equal {1, 0} tie at 0, by id.
	wantIDs := []string{"x", "y", "c0"}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("search ids mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{1, float64(float32(0.6))}, scores[:2]); diff != "" {
		t.Errorf("search scores mismatch (-want +got):\n%s", diff)
	}
	// Among chosen slots only.
	ids, _ = v.search([]float32{0, 1}, 5, []int32{v.slot["c10"], v.slot["y"], v.slot["c2"]})
	if diff := cmp.Diff([]string{"y", "c10", "c2"}, ids); diff != "" {
		t.Errorf("search among slots mismatch (-want +got):\n%s", diff)
	}
}

// TestDot checks the unrolled product against a plain sum for every length
// up to a few blocks of four.
func TestDot(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for n := range 19 {
		a, b := make([]float32, n), make([]float32, n)
		var want float64
		for i := range a {
			a[i], b[i] = r.Float32()-0.5, r.Float32()-0.5
			want += float64(a[i]) * float64(b[i])
		}
		if got := dot(a, b); got-want > 1e-6 || want-got > 1e-6 {
			t.Errorf("dot of %d values = %v, want %v", n, got, want)
		}
	}
}

// TestSearchLarge compares dense search on a collection big enough to be
// split across goroutines with a brute-force ranking, with and without a
// filter, and after removals.
func TestSearchLarge(t *testing.T) {
	const dim = 8
	r := rand.New(rand.NewPCG(2, 2))
	v := &vectors{dim: dim, slot: map[string]int32{}}
	n := 3*minScanPerWorker + 17
	for i := range n {
		vec := make([]float32, dim)
		for j := range vec {
			vec[j] = float32(r.IntN(3)) // many exact ties
		}
		v.put(fmt.Sprintf("c%05d", i), "a", vec)
	}
	var gone []string
	for i := 0; i < n; i += 7 {
		gone = append(gone, fmt.Sprintf("c%05d", i))
	}
	v.remove(gone)
	q := []float32{1, 0.5, 0.25, 0, 1, 0, 2, 1}
	brute := func(keep func(int32) bool, k int) []string {
		type c struct {
			id string
			s  float64
		}
		var all []c
		for i, id := range v.ids {
			if id != "" && keep(int32(i)) {
				all = append(all, c{id, dot(q, v.at(int32(i)))})
			}
		}
		slices.SortFunc(all, func(a, b c) int {
			if a.s != b.s {
				if a.s > b.s {
					return -1
				}
				return 1
			}
			if a.id < b.id {
				return -1
			}
			return 1
		})
		var ids []string
		for _, x := range all[:min(k, len(all))] {
			ids = append(ids, x.id)
		}
		return ids
	}
	for _, k := range []int{1, 10, 100} {
		got, _ := v.search(q, k, nil)
		if diff := cmp.Diff(brute(func(int32) bool { return true }, k), got); diff != "" {
			t.Errorf("search k=%d mismatch (-want +got):\n%s", k, diff)
		}
		var slots []int32
		for i, id := range v.ids {
			if id != "" && i%3 == 0 {
				slots = append(slots, int32(i))
			}
		}
		got, _ = v.search(q, k, slots)
		if diff := cmp.Diff(brute(func(i int32) bool { return i%3 == 0 }, k), got); diff != "" {
			t.Errorf("search among slots k=%d mismatch (-want +got):\n%s", k, diff)
		}
	}
}

// checkVectors fails unless the dense-search vectors of each namespace
// hold exactly the collection's documents, with the same vectors.
func checkVectors(t *testing.T, s *Store, nss ...string) {
	t.Helper()
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, ns := range nss {
		coll, vecs, err := s.vectorsOf(ns, false)
		if err != nil {
			t.Fatal(err)
		}
		if coll == nil {
			continue
		}
		vecs.mu.RLock()
		if got, want := len(vecs.slot), coll.Count(); got != want {
			t.Errorf("namespace %s: %d vectors, collection %d", ns, got, want)
		}
		for id, i := range vecs.slot {
			doc, err := coll.GetByID(t.Context(), id)
			if err != nil {
				t.Errorf("namespace %s: vector %s not in the collection", ns, id)
				continue
			}
			if diff := cmp.Diff(doc.Embedding, vecs.at(i)); diff != "" {
				t.Errorf("namespace %s: vector %s mismatch (-collection +vectors):\n%s", ns, id, diff)
			}
		}
		vecs.mu.RUnlock()
	}
}

// TestDenseFollowsWrites puts, replaces and deletes articles and whole
// namespaces, and checks after each step that dense search agrees with a
// brute force over SQLite and that its vectors match the collection.
func TestDenseFollowsWrites(t *testing.T) {
	ctx := t.Context()
	path := t.TempDir() + "/g.db"
	s := openTest(t, path)
	nss := []string{"g1", "g2"}
	put := func(ns, id, text string, want news.PutResult) {
		a, chunks := article(ns, id, "T "+id, "Outlet", day, text+" one", text+" two", text+" three")
		mustPut(t, s, a, chunks, want)
	}
	words := []string{"rates", "storm", "court", "match", "vote", "market"}
	for i := range 30 {
		put(nss[i%2], "a"+strconv.Itoa(i), words[i%len(words)]+" "+words[(i/2)%len(words)], news.PutNew)
	}
	for i := 0; i < 30; i += 4 {
		put(nss[i%2], "a"+strconv.Itoa(i), "replaced "+words[(i+1)%len(words)], news.PutUpdated)
	}
	for i := 1; i < 30; i += 5 {
		if err := s.DeleteArticle(ctx, nss[i%2], "a"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	verify := func(step string) {
		t.Helper()
		checkVectors(t, s, nss...)
		mustCheck(t, s)
		for _, ns := range nss {
			for _, w := range words {
				q := testEmbedder.vec(w + " court")
				hits, err := s.Dense(ctx, ns, q, 12, news.Filter{})
				if err != nil {
					t.Fatal(err)
				}
				var got []float64
				for _, h := range hits {
					got = append(got, h.Score)
				}
				want := bruteForce(t, s, ns, q, 12, func(news.Article) bool { return true })
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: Dense(%s, %q) scores mismatch (-want +got):\n%s", step, ns, w, diff)
				}
				// Restricted to some articles, among them replaced ones.
				some := []string{"a0", "a4", "a6", "a9", "fresh"}
				hits, err = s.Dense(ctx, ns, q, 5, news.Filter{ArticleIDs: some})
				if err != nil {
					t.Fatal(err)
				}
				got = nil
				for _, h := range hits {
					got = append(got, h.Score)
				}
				want = bruteForce(t, s, ns, q, 5, func(a news.Article) bool { return slices.Contains(some, a.ID) })
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: Dense(%s, %q, articles) scores mismatch (-want +got):\n%s", step, ns, w, diff)
				}
			}
		}
	}
	verify("after writes")

	// A namespace deleted and written again serves only its new articles.
	if _, err := s.DeleteNamespace(ctx, "g1"); err != nil {
		t.Fatal(err)
	}
	put("g1", "fresh", "storm court", news.PutNew)
	verify("after namespace delete")
	hits, err := s.Dense(ctx, "g1", testEmbedder.vec("storm"), 50, news.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(hits); got != 3 {
		t.Errorf("Dense(g1) after delete = %d hits, want 3", got)
	}

	s.Close()
	s = openTest(t, path)
	verify("after reopen")
}

func TestGeneration(t *testing.T) {
	ctx := t.Context()
	path := t.TempDir() + "/g.db"
	s := openTest(t, path)
	if got := s.Generation("g"); got != 0 {
		t.Fatalf("Generation of an empty namespace = %d, want 0", got)
	}
	seen := map[uint64]string{0: "empty"}
	step := func(name string, changed bool) {
		t.Helper()
		g := s.Generation("g")
		prev, dup := seen[g]
		switch {
		case changed && dup:
			t.Errorf("after %s: Generation = %d, the same as after %s", name, g, prev)
		case !changed && !dup:
			t.Errorf("after %s: Generation changed to %d", name, g)
		}
		seen[g] = name
	}
	a, achunks := article("g", "a1", "Rates", "Reuters", day, "rates rise", "markets fall")
	mustPut(t, s, a, achunks, news.PutNew)
	step("put", true)
	mustPut(t, s, a, achunks, news.PutUnchanged)
	if _, err := s.Dense(ctx, "g", testEmbedder.vec("rates"), 3, news.Filter{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Outlets(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	step("an unchanged put and reads", false)
	b, bchunks := article("g", "a1", "Rates", "Bloomberg", day, "rates rise again")
	mustPut(t, s, b, bchunks, news.PutUpdated)
	step("update", true)
	other, ochunks := article("h", "x", "Other", "AP", day, "elsewhere")
	mustPut(t, s, other, ochunks, news.PutNew)
	step("a write to another namespace", false)
	if err := s.DeleteArticle(ctx, "g", "a1"); err != nil {
		t.Fatal(err)
	}
	step("delete", true)
	mustPut(t, s, a, achunks, news.PutNew)
	step("put again", true)
	if _, err := s.DeleteNamespace(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	if got := s.Generation("g"); got != 0 {
		t.Errorf("Generation after DeleteNamespace = %d, want 0", got)
	}
	s.vecs.mu.Lock()
	_, kept := s.vecs.byNS["g"]
	s.vecs.mu.Unlock()
	if kept {
		t.Error("DeleteNamespace kept the namespace's vectors in memory")
	}
	mustPut(t, s, a, achunks, news.PutNew)
	step("put after namespace delete", true)
	s.Close()
	s = openTest(t, path)
	step("reopen", true)
}

func TestCheckFindsVectorDrift(t *testing.T) {
	s := openTest(t, "")
	for _, id := range []string{"a1", "a2"} {
		a, chunks := article("g", id, "Title "+id, "Reuters", day, "rates rise", "markets fall")
		mustPut(t, s, a, chunks, news.PutNew)
	}
	mustCheck(t, s)
	s.mu.RLock()
	coll, vecs, _ := s.vectorsOf("g", false)
	s.mu.RUnlock()
	// The collection's document gets a vector of its own, unlike the
	// scanned one; and one scanned vector goes missing.
	other := make([]float32, testEmbedder.dim)
	other[1] = 1
	if err := coll.AddDocument(t.Context(), chromem.Document{ID: "a1#0", Embedding: other}); err != nil {
		t.Fatal(err)
	}
	vecs.mu.Lock()
	vecs.remove([]string{"a2#1"})
	vecs.arts[vecs.slot["a1#1"]] = "a2"
	vecs.mu.Unlock()
	r, err := s.Check(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`dense search holds 3 vectors of namespace "g", the vector index 4`,
		`dense search vector of chunk g/a1#0 differs from the vector index`,
		`dense search files chunk g/a1#1 under article a2, SQLite under a1`,
	}
	if diff := cmp.Diff(want, r.Problems); diff != "" {
		t.Errorf("Check() problems mismatch (-want +got):\n%s", diff)
	}
}
