package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/gazettebot/gazette/news"
)

// EmbedConfig configures an [Embedder].
type EmbedConfig struct {
	Config
	// BatchSize is the number of inputs per request: 0 means
	// DefaultBatchSize; values above MaxBatchSize are clamped.
	BatchSize int
	// Dim is the expected dimension; 0 learns it from the first response
	// (call [Embedder.Probe] at start-up to learn it before use).
	Dim int
}

// maxBatchChars bounds the characters of one embeddings request, about
// 150k tokens of English, half of OpenAI's limit per request.
const maxBatchChars = 600_000

// ErrDimension reports a vector whose length differs from the expected
// dimension.
var ErrDimension = errors.New("llm: embedding dimension mismatch")

// Embedder computes embeddings with an OpenAI-compatible API. It
// implements [news.Embedder]: vectors are normalised to unit length and all
// have the same dimension. It is safe for concurrent use.
type Embedder struct {
	client  *openai.Client
	apiKey  string // redacted from upstream errors
	model   string
	batch   int
	timeout time.Duration
	log     *slog.Logger

	mu  sync.Mutex
	dim int
}

var _ news.Embedder = (*Embedder)(nil)

// NewEmbedder returns an embedder for c.Model at c.BaseURL.
func NewEmbedder(c EmbedConfig) *Embedder {
	cc := c.Config.withDefaults()
	batch := c.BatchSize
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	batch = min(batch, MaxBatchSize)
	return &Embedder{
		client:  newClient(cc),
		apiKey:  cc.APIKey,
		model:   c.Model,
		batch:   batch,
		timeout: cc.Timeout,
		log:     cc.Logger,
		dim:     max(c.Dim, 0),
	}
}

// ID names the model and, once known, its dimension: "openai:MODEL@DIM".
// Stores tag their vectors with it so two embedders are never mixed.
func (e *Embedder) ID() string {
	d := e.Dim()
	if d == 0 {
		return "openai:" + e.model
	}
	return "openai:" + e.model + "@" + strconv.Itoa(d)
}

// Dim returns the vector dimension: the configured one, or the one learned
// from the first response; 0 until known.
func (e *Embedder) Dim() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.dim
}

// Probe embeds one short text to learn the dimension, or to check the
// configured one against the server.
func (e *Embedder) Probe(ctx context.Context) error {
	if _, err := e.Embed(ctx, []string{"probe"}); err != nil {
		return fmt.Errorf("probe embedding model %q: %w", e.model, err)
	}
	return nil
}

// Embed returns one unit-length vector per text, in order, sending the
// texts in batches. Empty texts are rejected, since OpenAI rejects them.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			return nil, fmt.Errorf("embed: text %d is empty", i)
		}
	}
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); {
		// A batch ends at BatchSize inputs or maxBatchChars characters,
		// whichever comes first (OpenAI caps a request's tokens too).
		end, chars := start, 0
		for end < len(texts) && end-start < e.batch && (end == start || chars+len(texts[end]) <= maxBatchChars) {
			chars += len(texts[end])
			end++
		}
		vecs, err := e.embedBatch(ctx, texts[start:end])
		if err != nil {
			return nil, fmt.Errorf("embed texts %d-%d of %d: %w", start, end-1, len(texts), err)
		}
		out = append(out, vecs...)
		start = end
	}
	return out, nil
}

// EmbedOne embeds a single text. Its signature fits chromem-go's
// EmbeddingFunc.
func (e *Embedder) EmbedOne(ctx context.Context, text string) ([]float32, error) {
	vecs, err := e.Embed(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return vecs[0], nil
}

func (e *Embedder) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	start := time.Now()
	resp, err := e.client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
		Input: texts,
		Model: openai.EmbeddingModel(e.model),
	})
	if err != nil {
		return nil, fmt.Errorf("model %q: %w", e.model, redactError(err, e.apiKey))
	}
	if len(resp.Data) != len(texts) {
		return nil, fmt.Errorf("model %q: got %d embeddings for %d inputs", e.model, len(resp.Data), len(texts))
	}
	// Map results back by Index. Some compatible servers number every
	// item 0; when the indices are not a permutation, trust the order.
	order := make([]int, len(resp.Data))
	seen := make([]bool, len(texts))
	permutation := true
	for i, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(texts) || seen[d.Index] {
			permutation = false
			break
		}
		seen[d.Index] = true
		order[i] = d.Index
	}
	if !permutation {
		e.log.Warn("llm embed indices not a permutation; using response order", "model", e.model)
		for i := range order {
			order[i] = i
		}
	}
	vecs := make([][]float32, len(texts))
	for i, d := range resp.Data {
		v, err := normalize(d.Embedding)
		if err != nil {
			return nil, fmt.Errorf("model %q: embedding %d: %w", e.model, order[i], err)
		}
		if err := e.checkDim(len(v)); err != nil {
			return nil, fmt.Errorf("model %q: embedding %d: %w", e.model, order[i], err)
		}
		vecs[order[i]] = v
	}
	e.log.Debug("llm embed", "model", e.model, "inputs", len(texts), "ms", time.Since(start).Milliseconds())
	return vecs, nil
}

// checkDim learns the dimension from the first vector, then holds every
// other to it.
func (e *Embedder) checkDim(n int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.dim == 0 {
		e.dim = n
		return nil
	}
	if n != e.dim {
		return fmt.Errorf("%w: got %d, want %d (a different model or dimensions setting than the store was built with; re-embed to switch)", ErrDimension, n, e.dim)
	}
	return nil
}

// normalize returns a unit-length copy of v, rejecting empty, zero and
// non-finite vectors.
func normalize(v []float32) ([]float32, error) {
	if len(v) == 0 {
		return nil, errors.New("empty vector")
	}
	var sum float64
	for _, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("vector has NaN or infinite values")
		}
		sum += f * f
	}
	if sum == 0 {
		return nil, errors.New("zero vector")
	}
	n := math.Sqrt(sum)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / n)
	}
	return out, nil
}
