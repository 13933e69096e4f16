package uselite

import (
	"fmt"
	"math"
)

// Model dimensions.
const (
	embDim    = 256  // token embedding and layer-0 width
	modelDim  = 512  // width after layer 0
	ffnDim    = 1536 // FFN hidden width
	numHeads  = 4
	vocabRows = 8002
	maxRows   = 2 * MaxTokens // token rows of one batched forward pass
	lnEps     = 1e-6
)

// layer is one transformer layer with its matrices packed for gemm.
type layer struct {
	in, heads, dh    int // input width, heads, head width (in = heads·dh)
	ln1g, ln1b       []float32
	qkvW, qkvB       []float32 // in → 3·in
	outW, outB       []float32 // in → modelDim
	resW, resB       []float32 // layer 0 only: in → modelDim on the residual
	ln2g, ln2b       []float32
	ff1W, ff1B       []float32 // modelDim → ffnDim
	ff2W, ff2B       []float32 // ffnDim → modelDim
	scale            float32   // 1/sqrt(dh)
	hasResProjection bool
}

// model holds the weights of the encoder.
type model struct {
	emb    []float32 // vocabRows × embDim
	timing []float32 // MaxTokens × embDim: sin then cos of position·scale
	l0, l1 layer
	tanhW  []float32 // packed modelDim → modelDim
	tanhB  []float32
}

func newModel(t map[string]rawTensor) (*model, error) {
	get := func(name string, shape ...int) ([]float32, error) {
		r, ok := t[name]
		if !ok {
			return nil, fmt.Errorf("tensor %s missing", name)
		}
		if fmt.Sprint(r.shape) != fmt.Sprint(shape) {
			return nil, fmt.Errorf("tensor %s has shape %v, want %v", name, r.shape, shape)
		}
		return r.data, nil
	}
	var err error
	must := func(name string, shape ...int) []float32 {
		d, e := get(name, shape...)
		if e != nil && err == nil {
			err = e
		}
		return d
	}
	pack := func(name string, k, n int) []float32 {
		d := must(name, k, n)
		if d == nil {
			return nil
		}
		return packB(d, k, n, n)
	}
	m := &model{
		emb:   must("emb", vocabRows, embDim),
		tanhW: pack("tanh.w", modelDim, modelDim),
		tanhB: must("tanh.b", modelDim),
	}
	inv := must("timing", embDim/2)
	if inv != nil {
		m.timing = make([]float32, MaxTokens*embDim)
		for pos := range MaxTokens {
			for i, s := range inv {
				arg := float32(pos) * s
				m.timing[pos*embDim+i] = float32(math.Sin(float64(arg)))
				m.timing[pos*embDim+embDim/2+i] = float32(math.Cos(float64(arg)))
			}
		}
	}
	for i, l := range []*layer{&m.l0, &m.l1} {
		p := fmt.Sprintf("l%d.", i)
		l.in = embDim
		if i == 1 {
			l.in = modelDim
		}
		l.heads = numHeads
		l.dh = l.in / numHeads
		l.scale = float32(1 / math.Sqrt(float64(l.dh)))
		l.ln1g, l.ln1b = must(p+"ln1.g", l.in), must(p+"ln1.b", l.in)
		l.qkvW, l.qkvB = pack(p+"qkv.w", l.in, 3*l.in), must(p+"qkv.b", 3*l.in)
		l.outW, l.outB = pack(p+"out.w", l.in, modelDim), must(p+"out.b", modelDim)
		if i == 0 {
			l.hasResProjection = true
			l.resW, l.resB = pack("l0.res.w", embDim, modelDim), must("l0.res.b", modelDim)
		}
		l.ln2g, l.ln2b = must(p+"ln2.g", modelDim), must(p+"ln2.b", modelDim)
		l.ff1W, l.ff1B = pack(p+"ff1.w", modelDim, ffnDim), must(p+"ff1.b", ffnDim)
		l.ff2W, l.ff2B = pack(p+"ff2.w", ffnDim, modelDim), must(p+"ff2.b", modelDim)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// span is one window of tokens in a batch: ids[start : start+n].
type span struct{ start, n int }

// scratch holds every buffer of one forward pass, reused across calls.
type scratch struct {
	x0, x, h, att     []float32 // rowsPad × width
	qkv, ff           []float32 // rowsPad × 3·modelDim / ffnDim
	scores, kt, vp, o []float32 // attention, one sequence and head at a time
	pooled, out       []float32 // windows (padded) × modelDim
}

const rowsPad = maxRows + 2*mr // room for the 6-row blocks that run past a sequence

func newScratch() *scratch {
	sq := roundUp(MaxTokens, mr)
	return &scratch{
		x0:     make([]float32, rowsPad*embDim),
		x:      make([]float32, rowsPad*modelDim),
		h:      make([]float32, rowsPad*modelDim),
		att:    make([]float32, rowsPad*modelDim),
		qkv:    make([]float32, rowsPad*3*modelDim),
		ff:     make([]float32, rowsPad*ffnDim),
		scores: make([]float32, sq*MaxTokens),
		kt:     make([]float32, MaxTokens*MaxTokens),
		vp:     make([]float32, MaxTokens*MaxTokens),
		o:      make([]float32, sq*MaxTokens),
		pooled: make([]float32, roundUp(maxRows, mr)*modelDim),
		out:    make([]float32, roundUp(maxRows, mr)*modelDim),
	}
}

// forward embeds each window of ids (at most MaxTokens ids each, at most
// maxRows in all) into a unit vector, row w of s.out.
func (m *model) forward(ids []int32, wins []span, s *scratch) {
	rows := len(ids)
	// Layer-0 input: the graph adds the embedding twice (e + (e + timing)).
	for _, w := range wins {
		for i := range w.n {
			e := m.emb[int(ids[w.start+i])*embDim:][:embDim]
			t := m.timing[i*embDim:][:embDim]
			x := s.x0[(w.start+i)*embDim:][:embDim]
			for j := range x {
				x[j] = e[j] + (e[j] + t[j])
			}
		}
	}
	m.layer(&m.l0, s.x0, rows, wins, s)
	m.layer(&m.l1, s.x, rows, wins, s)

	// Mean over each window, dense tanh, L2 normalisation.
	nw := roundUp(len(wins), mr)
	clear(s.pooled[:nw*modelDim])
	for wi, w := range wins {
		p := s.pooled[wi*modelDim:][:modelDim]
		for i := range w.n {
			addTo(p, s.x[(w.start+i)*modelDim:][:modelDim])
		}
		inv := 1 / float32(max(w.n, 1))
		for j := range p {
			p[j] *= inv
		}
	}
	gemm(len(wins), modelDim, modelDim, s.pooled, modelDim, m.tanhW, s.out, modelDim, m.tanhB, opSet)
	for wi := range wins {
		o := s.out[wi*modelDim:][:modelDim]
		var ss float64
		for j, v := range o {
			t := float32(math.Tanh(float64(v)))
			o[j] = t
			ss += float64(t) * float64(t)
		}
		inv := float32(1 / math.Sqrt(max(ss, 1e-12)))
		for j := range o {
			o[j] *= inv
		}
	}
}

// layer runs one transformer layer on in (rows × l.in) and leaves its
// output in s.x (rows × modelDim).
func (m *model) layer(l *layer, in []float32, rows int, wins []span, s *scratch) {
	d := l.in
	layerNorm(s.h, in, rows, d, l.ln1g, l.ln1b)
	gemm(rows, 3*d, d, s.h, d, l.qkvW, s.qkv, 3*d, l.qkvB, opSet)
	for _, w := range wins {
		if w.n > 0 {
			l.attention(w, s)
		}
	}
	if l.hasResProjection {
		gemm(rows, modelDim, d, s.att, d, l.outW, s.x, modelDim, l.outB, opSet)
		gemm(rows, modelDim, d, in, d, l.resW, s.x, modelDim, l.resB, opAdd)
	} else {
		gemm(rows, modelDim, d, s.att, d, l.outW, s.x, modelDim, l.outB, opAdd)
	}
	// FFN with its own pre-norm and residual.
	layerNorm(s.h, s.x, rows, modelDim, l.ln2g, l.ln2b)
	gemm(rows, ffnDim, modelDim, s.h, modelDim, l.ff1W, s.ff, ffnDim, l.ff1B, opReLU)
	gemm(rows, modelDim, ffnDim, s.ff, ffnDim, l.ff2W, s.x, modelDim, l.ff2B, opAdd)
}

// attention computes the multi-head self-attention of one window from
// s.qkv into s.att.
func (l *layer) attention(w span, s *scratch) {
	d, dh, n := l.in, l.dh, w.n
	ld := 3 * d
	np := roundUp(n, nr)
	for h := range l.heads {
		// K^T (dh × np) and V (np × dh) in panels, zero past n.
		kt := s.kt[:dh*np]
		for p := 0; p < np; p += nr {
			panel := kt[p*dh:][:dh*nr]
			for c := range nr {
				j := p + c
				if j >= n {
					for dd := range dh {
						panel[dd*nr+c] = 0
					}
					continue
				}
				k := s.qkv[(w.start+j)*ld+d+h*dh:][:dh]
				for dd, v := range k {
					panel[dd*nr+c] = v
				}
			}
		}
		vp := s.vp[:np*dh]
		for p := 0; p < dh; p += nr {
			panel := vp[p*np:][:np*nr]
			for j := range np {
				dst := panel[j*nr:][:nr]
				if j >= n {
					clear(dst)
					continue
				}
				copy(dst, s.qkv[(w.start+j)*ld+2*d+h*dh+p:][:nr])
			}
		}
		gemm(n, np, dh, s.qkv[w.start*ld+h*dh:], ld, kt, s.scores, np, nil, opSet)
		for i := range n {
			softmaxRow(s.scores[i*np:][:np], n, l.scale)
		}
		gemm(n, dh, np, s.scores, np, vp, s.o, dh, nil, opSet)
		for i := range n {
			copy(s.att[(w.start+i)*d+h*dh:][:dh], s.o[i*dh:][:dh])
		}
	}
}

// softmaxRow replaces row[:n]·scale by its softmax and zeroes row[n:].
func softmaxRow(row []float32, n int, scale float32) {
	mx := float32(math.Inf(-1))
	for j := range n {
		row[j] *= scale
		mx = max(mx, row[j])
	}
	var sum float32
	for j := range n {
		e := expf(row[j] - mx)
		row[j] = e
		sum += e
	}
	inv := 1 / sum
	for j := range n {
		row[j] *= inv
	}
	clear(row[n:])
}

// layerNorm writes the layer normalisation of each row of x into dst.
func layerNorm(dst, x []float32, rows, d int, g, b []float32) {
	for r := range rows {
		in := x[r*d:][:d]
		out := dst[r*d:][:d]
		var sum float64
		for _, v := range in {
			sum += float64(v)
		}
		mean := float32(sum / float64(d))
		var sq float64
		for _, v := range in {
			c := v - mean
			sq += float64(c * c)
		}
		rs := float32(1 / math.Sqrt(float64(float32(sq/float64(d))+lnEps)))
		for j, v := range in {
			out[j] = g[j]*rs*(v-mean) + b[j]
		}
	}
}

func addTo(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// expf is exp for x ≤ 0 in float32 arithmetic: x = n·ln2 + r with
// |r| ≤ ln2/2, a degree-6 Taylor polynomial for e^r (relative error below
// 2e-7) and 2^n from the exponent bits.
func expf(x float32) float32 {
	if x < -87 {
		return 0
	}
	n := float32(int32(x*1.442695041 - 0.5))
	r := x - n*0.693145751953125 - n*1.428606765330187e-06
	p := 1 + r*(1+r*(0.5+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720))))))
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}
