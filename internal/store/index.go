package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	chromem "github.com/philippgille/chromem-go"
)

// errNoEmbedding is what the in-memory index's embedding function returns:
// the store always passes vectors itself, so reaching it is a bug, and it
// must never fall back to chromem-go's default (a network call).
var errNoEmbedding = errors.New("store: the vector index never embeds text; pass vectors")

func noEmbedding(context.Context, string) ([]float32, error) { return nil, errNoEmbedding }

// collection returns the namespace's collection in the in-memory index, or
// nil when it has none and create is false. The caller holds s.mu.
func (s *Store) collection(ns string, create bool) (*chromem.Collection, error) {
	if c := s.index.GetCollection(ns, noEmbedding); c != nil {
		return c, nil
	}
	if !create {
		return nil, nil
	}
	c, err := s.index.GetOrCreateCollection(ns, map[string]string{
		"embedder": s.embedderID,
		"dim":      strconv.Itoa(s.dim),
	}, noEmbedding)
	if err != nil {
		return nil, fmt.Errorf("create collection %q: %w", ns, err)
	}
	return c, nil
}

// vectorsOf returns the namespace's collection and the vectors that back
// it, creating both when create is true (otherwise nil, nil when the
// namespace has none). The caller holds s.mu, for reading at least.
func (s *Store) vectorsOf(ns string, create bool) (*chromem.Collection, *vectors, error) {
	coll, err := s.collection(ns, create)
	if err != nil || coll == nil {
		return nil, nil, err
	}
	return coll, s.vecs.get(ns, coll, s.dim), nil
}

// rebuildIndex replaces the in-memory index by one built from the vectors
// stored in SQLite and returns the number of chunks indexed.
func (s *Store) rebuildIndex(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.index = chromem.NewDB()
	s.vecs.reset()
	rows, err := s.db.QueryContext(ctx, `SELECT namespace, id, article_id, embedding FROM chunks ORDER BY namespace`)
	if err != nil {
		return 0, fmt.Errorf("rebuild index: %w", err)
	}
	defer rows.Close()
	var (
		n    int
		ns   string
		coll *chromem.Collection
		vecs *vectors
		blob sql.RawBytes
		id   string
		art  string
		cur  string
		arts = map[string]string{} // one string per article id
	)
	for rows.Next() {
		if err := rows.Scan(&ns, &id, &art, &blob); err != nil {
			return n, fmt.Errorf("rebuild index: scan: %w", err)
		}
		if coll == nil || ns != cur {
			if coll, vecs, err = s.vectorsOf(ns, true); err != nil {
				return n, fmt.Errorf("rebuild index: %w", err)
			}
			cur = ns
		}
		if len(blob) != 4*s.dim {
			return n, fmt.Errorf("rebuild index: chunk %s/%s: embedding of %d bytes, want %d", ns, id, len(blob), 4*s.dim)
		}
		if a, ok := arts[art]; ok {
			art = a
		} else {
			arts[art] = art
		}
		vecs.mu.Lock()
		vec := vecs.put(id, art, nil)
		decodeInto(vec, blob)
		vecs.mu.Unlock()
		if err := coll.AddDocument(ctx, chromem.Document{ID: id, Embedding: vec}); err != nil {
			return n, fmt.Errorf("rebuild index: add %s/%s: %w", ns, id, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("rebuild index: %w", err)
	}
	return n, nil
}

// indexChunks removes the given chunk ids of ns from the in-memory index.
func (s *Store) indexChunks(ctx context.Context, ns string, remove []string, add []chromem.Document) error {
	return s.indexArticleChunks(ctx, ns, "", remove, add)
}

// indexArticleChunks replaces the given chunk ids of ns in the in-memory
// index by the chunks of article articleID in add.
func (s *Store) indexArticleChunks(ctx context.Context, ns, articleID string, remove []string, add []chromem.Document) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	coll, vecs, err := s.vectorsOf(ns, len(add) > 0)
	if err != nil {
		return err
	}
	if coll == nil {
		return nil
	}
	vecs.mu.Lock()
	defer vecs.mu.Unlock()
	// First, so that even a failure below tells readers of Generation
	// that the (already committed) articles changed.
	vecs.gen.Store(s.vecs.nextGen())
	if len(remove) > 0 {
		// By ids only: a non-nil empty where map would delete everything.
		if err := coll.Delete(ctx, nil, nil, remove...); err != nil {
			return fmt.Errorf("unindex %d chunks: %w", len(remove), err)
		}
		// Only now that no document of the collection refers to their
		// slots may they be reused.
		vecs.remove(remove)
	}
	for _, d := range add {
		d.Embedding = vecs.put(d.ID, articleID, d.Embedding)
		if err := coll.AddDocument(ctx, d); err != nil {
			return fmt.Errorf("index chunk %s: %w", d.ID, err)
		}
	}
	return nil
}

// encodeVector encodes v as float32 little-endian.
func encodeVector(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// decodeInto decodes the float32 little-endian blob b into v, which holds
// len(b)/4 values.
func decodeInto(v []float32, b []byte) {
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

// decodeVector decodes a float32 little-endian blob of dim values.
func decodeVector(b []byte, dim int) ([]float32, error) {
	if len(b)%4 != 0 || (dim > 0 && len(b) != 4*dim) {
		return nil, fmt.Errorf("embedding of %d bytes, want %d", len(b), 4*dim)
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}

// normalize returns v scaled to unit length, or an error for a vector of
// the wrong dimension, with a non-finite value, or of zero length.
func normalize(v []float32, dim int) ([]float32, error) {
	if len(v) != dim {
		return nil, fmt.Errorf("embedding has %d dimensions, want %d", len(v), dim)
	}
	var sum float64
	for _, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("embedding has a non-finite value")
		}
		sum += f * f
	}
	if sum == 0 {
		return nil, errors.New("embedding is the zero vector")
	}
	norm := math.Sqrt(sum)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / norm)
	}
	return out, nil
}

// Generation returns a number that changes whenever the articles of ns
// change: an article written or deleted, the namespace deleted, the store
// reopened or re-embedded. It is 0 while ns has no indexed chunks. Callers
// cache what they derive from the articles (such as the outlet list) under
// it. Two equal numbers for ns mean no change in between.
func (s *Store) Generation(ns string) uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, vecs, err := s.vectorsOf(ns, false)
	if err != nil || vecs == nil {
		return 0
	}
	return vecs.gen.Load()
}

// checkVectors reports where the vectors dense search scans for ns differ
// from the namespace's collection. The caller holds s.mu for reading.
func (s *Store) checkVectors(ctx context.Context, ns string, coll *chromem.Collection, add func(string, ...any)) {
	vecs := s.vecs.get(ns, coll, s.dim)
	vecs.mu.RLock()
	defer vecs.mu.RUnlock()
	if n, want := len(vecs.slot), coll.Count(); n != want {
		add("dense search holds %d vectors of namespace %q, the vector index %d", n, ns, want)
	}
	bad := 0
	for id, i := range vecs.slot {
		doc, err := coll.GetByID(ctx, id)
		if err == nil && nearlyEqual(doc.Embedding, vecs.at(i)) {
			continue
		}
		if bad < maxProblems {
			add("dense search vector of chunk %s/%s differs from the vector index", ns, id)
		}
		bad++
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, article_id FROM chunks WHERE namespace = ?`, ns)
	if err != nil {
		add("list chunks of namespace %q: %v", ns, err)
		return
	}
	defer rows.Close()
	bad = 0
	for rows.Next() {
		var id, art string
		if err := rows.Scan(&id, &art); err != nil {
			add("list chunks of namespace %q: %v", ns, err)
			return
		}
		if i, ok := vecs.slot[id]; ok && vecs.arts[i] != art {
			if bad < maxProblems {
				add("dense search files chunk %s/%s under article %s, SQLite under %s", ns, id, vecs.arts[i], art)
			}
			bad++
		}
	}
	if err := rows.Err(); err != nil {
		add("list chunks of namespace %q: %v", ns, err)
	}
}

// nearlyEqual reports whether a and b have the same length and values
// within 1e-6 (the index renormalises a vector it finds off unit length by
// more than that).
func nearlyEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := a[i] - b[i]; d > 1e-6 || d < -1e-6 {
			return false
		}
	}
	return true
}

// vectorIndex holds, per namespace, the vectors of the collection that
// serves it. Its zero value is empty and ready.
type vectorIndex struct {
	mu   sync.Mutex
	byNS map[string]*vectors
	gen  atomic.Uint64 // the last generation handed out, store-wide
}

// nextGen returns a generation never handed out before.
func (x *vectorIndex) nextGen() uint64 { return x.gen.Add(1) }

// get returns the vectors backing coll, the namespace's current collection,
// making them when the namespace has none or its collection was replaced
// (a namespace deleted and written again).
func (x *vectorIndex) get(ns string, coll *chromem.Collection, dim int) *vectors {
	x.mu.Lock()
	defer x.mu.Unlock()
	if v := x.byNS[ns]; v != nil && v.coll == coll {
		return v
	}
	if x.byNS == nil {
		x.byNS = make(map[string]*vectors)
	}
	v := &vectors{coll: coll, dim: dim, slot: make(map[string]int32)}
	v.gen.Store(x.nextGen())
	x.byNS[ns] = v
	return v
}

// drop forgets the namespace's vectors (its collection was deleted).
func (x *vectorIndex) drop(ns string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	delete(x.byNS, ns)
}

// reset forgets every namespace.
func (x *vectorIndex) reset() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.byNS = nil
}

// blockVectors is the number of vectors in a block of [vectors].
const blockVectors = 1024

// vectors keeps one collection's vectors in fixed blocks of contiguous
// memory, which the collection's documents share (each document's Embedding
// is a slot of a block), so the vectors are held once. Dense search scans
// the blocks directly: chromem-go's query walks its document map through a
// channel and sums each product with one accumulator, several times
// slower. A slot freed by a removal is reused; blocks never move.
type vectors struct {
	coll *chromem.Collection
	dim  int
	gen  atomic.Uint64 // see Store.Generation

	mu     sync.RWMutex
	blocks [][]float32
	ids    []string // by slot; "" for a free slot
	arts   []string // the article of each slot's chunk
	slot   map[string]int32
	free   []int32
}

// at returns slot i's vector.
func (v *vectors) at(i int32) []float32 {
	b, o := int(i)/blockVectors, int(i)%blockVectors*v.dim
	return v.blocks[b][o : o+v.dim : o+v.dim]
}

// put stores vec (which may be nil, to be filled by the caller) under the
// chunk id of article art and returns its slot. The caller holds v.mu.
func (v *vectors) put(id, art string, vec []float32) []float32 {
	i, ok := v.slot[id]
	if !ok {
		if n := len(v.free); n > 0 {
			i, v.free = v.free[n-1], v.free[:n-1]
			v.ids[i] = id
		} else {
			i = int32(len(v.ids))
			if int(i)%blockVectors == 0 {
				v.blocks = append(v.blocks, make([]float32, blockVectors*v.dim))
			}
			v.ids = append(v.ids, id)
			v.arts = append(v.arts, "")
		}
		v.slot[id] = i
	}
	v.arts[i] = art
	out := v.at(i)
	copy(out, vec)
	return out
}

// remove frees the slots of ids. The caller holds v.mu.
func (v *vectors) remove(ids []string) {
	for _, id := range ids {
		i, ok := v.slot[id]
		if !ok {
			continue
		}
		delete(v.slot, id)
		v.ids[i], v.arts[i] = "", ""
		clear(v.at(i))
		v.free = append(v.free, i)
	}
}

// scored is a candidate of a dense search.
type scored struct {
	slot  int32
	score float64
}

// topK keeps the k best candidates seen, worst first (a min-heap): higher
// score is better, and on equal scores the smaller id.
type topK struct {
	k    int
	ids  []string
	heap []scored
}

// worse reports whether a ranks below b.
func (t *topK) worse(a, b scored) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return t.ids[a.slot] > t.ids[b.slot]
}

func (t *topK) push(c scored) {
	if len(t.heap) < t.k {
		t.heap = append(t.heap, c)
		for i := len(t.heap) - 1; i > 0; {
			p := (i - 1) / 2
			if !t.worse(t.heap[i], t.heap[p]) {
				break
			}
			t.heap[i], t.heap[p] = t.heap[p], t.heap[i]
			i = p
		}
		return
	}
	if !t.worse(t.heap[0], c) {
		return
	}
	t.heap[0] = c
	for i, n := 0, len(t.heap); ; {
		l, m := 2*i+1, i
		if l < n && t.worse(t.heap[l], t.heap[m]) {
			m = l
		}
		if r := l + 1; r < n && t.worse(t.heap[r], t.heap[m]) {
			m = r
		}
		if m == i {
			break
		}
		t.heap[i], t.heap[m] = t.heap[m], t.heap[i]
		i = m
	}
}

// minScanPerWorker is the number of vectors below which a dense scan is not
// split across goroutines.
const minScanPerWorker = 4096

// slotsOf returns the slots of the chunks of the given articles. The caller
// holds v.mu for reading.
func (v *vectors) slotsOf(articles map[string]bool) []int32 {
	slots := []int32{}
	for i, a := range v.arts {
		if articles[a] && v.ids[i] != "" {
			slots = append(slots, int32(i))
		}
	}
	return slots
}

// search returns the ids and cosines of the k vectors nearest to the unit
// vector q, best first (ties by id), among the slots given, or all when
// slots is nil. The caller holds v.mu for reading.
func (v *vectors) search(q []float32, k int, slots []int32) ([]string, []float64) {
	n := len(v.ids)
	if slots != nil {
		n = len(slots)
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), n/minScanPerWorker))
	tops := make([]topK, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		t := &tops[w]
		t.k, t.ids = k, v.ids
		scan := func() {
			if slots != nil {
				for _, i := range slots[lo:hi] {
					t.push(scored{i, dot(q, v.at(i))})
				}
				return
			}
			for i := lo; i < hi; i++ {
				if v.ids[i] != "" {
					t.push(scored{int32(i), dot(q, v.at(int32(i)))})
				}
			}
		}
		if w == workers-1 {
			scan()
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); scan() }()
	}
	wg.Wait()
	all := tops[0]
	for _, t := range tops[1:] {
		for _, c := range t.heap {
			all.push(c)
		}
	}
	slices.SortFunc(all.heap, func(a, b scored) int {
		switch {
		case all.worse(b, a):
			return -1
		case all.worse(a, b):
			return 1
		}
		return 0
	})
	ids := make([]string, len(all.heap))
	scores := make([]float64, len(all.heap))
	for i, c := range all.heap {
		ids[i], scores[i] = v.ids[c.slot], c.score
	}
	return ids, scores
}

// dot is the cosine of two unit vectors of the same length. Four
// accumulators let the products of a vector proceed in parallel, which
// makes it about three times as fast as a single running sum.
func dot(a, b []float32) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		x, y := a[i:i+4:i+4], b[i:i+4:i+4]
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return float64((s0 + s1) + (s2 + s3))
}
