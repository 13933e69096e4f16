package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/gazettebot/gazette/news"
)

// Store is what the pipeline writes through; internal/store's *Store
// satisfies it.
type Store interface {
	// PutArticle writes the article and replaces its chunks atomically.
	PutArticle(ctx context.Context, a news.Article, chunks []news.Chunk) (news.PutResult, error)
	// ArticleByURL and ArticleByHash find an existing article for dedup.
	// When there is none they return an error wrapping [news.ErrNotFound].
	ArticleByURL(ctx context.Context, ns, url string) (news.Article, error)
	ArticleByHash(ctx context.Context, ns, hash string) (news.Article, error)
}

// The storage contract includes what the pipeline writes through.
var _ Store = news.Store(nil)

// isNotFound reports whether err says the article does not exist.
func isNotFound(err error) bool { return errors.Is(err, news.ErrNotFound) }

// PipelineOptions configures a [Pipeline]. The zero value is usable.
type PipelineOptions struct {
	Chunk ChunkOptions
	// Logger receives one debug event per document; nil discards.
	Logger *slog.Logger
	// Now stamps IngestedAt; nil means time.Now.
	Now func() time.Time
	// BatchSize is the number of passages per call to the embedder; 0
	// means 64.
	BatchSize int
	// Workers is the number of concurrent calls to the embedder in
	// IngestBatch; 0 means GOMAXPROCS.
	Workers int
}

// Pipeline chunks, embeds and stores documents, skipping those already
// stored.
type Pipeline struct {
	store Store
	emb   news.Embedder
	o     PipelineOptions
	log   *slog.Logger
}

// NewPipeline returns a pipeline writing to s with embeddings from e.
func NewPipeline(s Store, e news.Embedder, o PipelineOptions) *Pipeline {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 64
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return &Pipeline{store: s, emb: e, o: o, log: o.Logger}
}

// ArticleID returns the id of a document without one: the first 16 hex
// characters of the SHA-256 of its (canonical) URL, or, without a URL, the
// first 16 of its content hash.
func ArticleID(url, contentHash string) string {
	if url != "" {
		sum := sha256.Sum256([]byte(url))
		return hex.EncodeToString(sum[:8])
	}
	return contentHash[:min(16, len(contentHash))]
}

// job is one document on its way through the pipeline.
type job struct {
	a       news.Article
	chunks  []news.Chunk
	receipt Receipt
	done    bool // the receipt is final: refused or unchanged
}

// prepare turns d into an article, or a final receipt when it is refused.
func (p *Pipeline) prepare(ns string, d Document) *job {
	body := strings.TrimSpace(strings.ToValidUTF8(d.Body, "\uFFFD"))
	j := &job{receipt: Receipt{
		Title: d.Title, Outlet: d.Outlet, URL: d.URL, PublishedAt: d.PublishedAt, ArticleID: d.ID,
		Source: d.Source,
	}}
	if body == "" {
		j.receipt.Status, j.receipt.Reason, j.done = StatusRefused, "the document has no text", true
		return j
	}
	hash := news.ContentHash(body)
	id := d.ID
	if id == "" {
		id = ArticleID(d.URL, hash)
	}
	title := strings.TrimSpace(d.Title)
	if title == "" {
		title = untitled(body)
	}
	j.a = news.Article{
		Namespace: ns, ID: id, URL: d.URL, Title: title, Outlet: strings.TrimSpace(d.Outlet),
		Author: strings.TrimSpace(d.Author), PublishedAt: d.PublishedAt, IngestedAt: p.o.Now(),
		Language: d.Language, ContentHash: hash, Body: body,
	}
	j.receipt.ArticleID, j.receipt.Title = id, title
	j.receipt.Words = CountWords(body)
	return j
}

// untitled makes a title from the start of a body: its first line, cut at
// about 80 characters.
func untitled(body string) string {
	line, _, _ := strings.Cut(body, "\n")
	line = strings.Join(strings.Fields(line), " ")
	if utf8.RuneCountInString(line) <= 80 {
		return line
	}
	r := []rune(line)[:80]
	if i := strings.LastIndex(string(r), " "); i > 40 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}

// dedup settles j as unchanged when its URL holds the same content or its
// content is stored under another article; a stored URL with other content
// makes j an update of that article.
func (p *Pipeline) dedup(ctx context.Context, j *job) error {
	if j.done {
		return nil
	}
	a := &j.a
	if a.URL != "" {
		ex, err := p.store.ArticleByURL(ctx, a.Namespace, a.URL)
		switch {
		case err == nil && ex.ContentHash == a.ContentHash:
			p.unchanged(j, ex)
			return nil
		case err == nil:
			a.ID = ex.ID // the same page, changed: update it
			j.receipt.ArticleID = ex.ID
		case !isNotFound(err):
			return fmt.Errorf("look up url: %w", err)
		}
	}
	ex, err := p.store.ArticleByHash(ctx, a.Namespace, a.ContentHash)
	switch {
	case err == nil:
		p.unchanged(j, ex)
	case !isNotFound(err):
		return fmt.Errorf("look up content: %w", err)
	}
	return nil
}

func (p *Pipeline) unchanged(j *job, ex news.Article) {
	j.done = true
	j.receipt = Receipt{
		Status: StatusUnchanged, ArticleID: ex.ID, Title: ex.Title, Outlet: ex.Outlet, URL: ex.URL,
		PublishedAt: ex.PublishedAt, Words: j.receipt.Words, Source: j.receipt.Source,
	}
}

// chunk splits j's article into passages; an article with none is refused.
func (p *Pipeline) chunk(j *job) {
	if j.done {
		return
	}
	o := p.o.Chunk
	if o.Tokens != nil {
		// the title is embedded with every passage: it takes its share
		o = o.withDefaults()
		o.MaxTokens = max(o.MaxTokens/4, o.MaxTokens-o.Tokens(news.EmbeddingText(j.a, ""))-1)
	}
	j.chunks, j.receipt.Cut = ChunkArticleCut(j.a, o)
	j.receipt.Chunks = len(j.chunks)
	if len(j.chunks) == 0 {
		j.receipt.Status, j.receipt.Reason, j.done = StatusRefused, "the document has no text", true
	}
}

// put stores j's article and embedded chunks.
func (p *Pipeline) put(ctx context.Context, j *job) error {
	if j.done {
		return nil
	}
	for i := range j.chunks { // dedup may have moved the article to an existing id
		j.chunks[i].ID = fmt.Sprintf("%s#%d", j.a.ID, i)
		j.chunks[i].ArticleID = j.a.ID
	}
	res, err := p.store.PutArticle(ctx, j.a, j.chunks)
	if err != nil {
		return fmt.Errorf("store %s: %w", j.a.ID, err)
	}
	switch res {
	case news.PutNew:
		j.receipt.Status = StatusNew
	case news.PutUpdated:
		j.receipt.Status = StatusUpdated
	default:
		j.receipt.Status = StatusUnchanged
		j.receipt.Chunks, j.receipt.Cut = 0, false
	}
	j.done = true
	return nil
}

// Ingest stores one document: refused when it has no text, unchanged when
// the same content is already stored (under its URL or id, or elsewhere in
// the namespace), otherwise chunked, embedded and written in one
// transaction, as new or as an update of the article at the same URL or id.
func (p *Pipeline) Ingest(ctx context.Context, ns string, d Document) (Receipt, error) {
	rs, err := p.IngestBatch(ctx, ns, []Document{d}, nil)
	if err != nil {
		return Receipt{}, err
	}
	return rs[0], nil
}

// IngestBatch ingests docs as [Pipeline.Ingest] does, embedding the
// passages of many documents together in batches of BatchSize, with Workers
// batches at a time. Progress, which may be nil, is called after each
// document, in order. On error it returns the receipts of the documents
// done so far with the error.
func (p *Pipeline) IngestBatch(ctx context.Context, ns string, docs []Document, progress Progress) ([]Receipt, error) {
	if ns == "" {
		return nil, errors.New("ingest: empty namespace")
	}
	receipts := make([]Receipt, 0, len(docs))
	// Documents go in groups holding about Workers×BatchSize passages, so
	// every worker has a full batch and memory stays bounded.
	want := p.o.Workers * p.o.BatchSize
	for start := 0; start < len(docs); {
		var (
			group    []*job
			passages int
		)
		for start < len(docs) && (passages < want || len(group) == 0) {
			j := p.prepare(ns, docs[start])
			start++
			if err := p.dedup(ctx, j); err != nil {
				return receipts, fmt.Errorf("ingest %s: %w", j.a.ID, err)
			}
			p.chunk(j)
			passages += len(j.chunks)
			group = append(group, j)
		}
		if err := p.embed(ctx, group); err != nil {
			return receipts, fmt.Errorf("ingest: %w", err)
		}
		for _, j := range group {
			// An earlier document of the same group may have stored this
			// content or URL meanwhile.
			if err := p.dedup(ctx, j); err != nil {
				return receipts, fmt.Errorf("ingest %s: %w", j.a.ID, err)
			}
			if err := p.put(ctx, j); err != nil {
				return receipts, fmt.Errorf("ingest: %w", err)
			}
			p.log.Debug("ingest document", "ns", ns, "id", j.receipt.ArticleID, "status", j.receipt.Status,
				"chunks", j.receipt.Chunks, "reason", j.receipt.Reason)
			receipts = append(receipts, j.receipt)
			if progress != nil {
				progress(len(receipts), len(docs), j.receipt)
			}
		}
	}
	return receipts, nil
}

// embed fills the embeddings of the group's pending chunks, BatchSize texts
// per call, Workers calls at a time. The texts embedded (title and
// passage) are made per batch, so that only Workers batches of them are
// held at once, not a copy of every passage.
func (p *Pipeline) embed(ctx context.Context, group []*job) error {
	type target struct {
		a *news.Article
		c *news.Chunk
	}
	var targets []target
	for _, j := range group {
		if j.done {
			continue
		}
		for i := range j.chunks {
			targets = append(targets, target{&j.a, &j.chunks[i]})
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.o.Workers)
	for lo := 0; lo < len(targets); lo += p.o.BatchSize {
		batch := targets[lo:min(lo+p.o.BatchSize, len(targets))]
		g.Go(func() error {
			texts := make([]string, len(batch))
			for i, t := range batch {
				texts[i] = news.EmbeddingText(*t.a, t.c.Text)
			}
			vecs, err := p.emb.Embed(gctx, texts)
			if err != nil {
				return fmt.Errorf("embed %d passages: %w", len(batch), err)
			}
			if len(vecs) != len(batch) {
				return fmt.Errorf("embed %d passages: got %d vectors", len(batch), len(vecs))
			}
			for i, v := range vecs {
				if len(v) != p.emb.Dim() {
					return fmt.Errorf("embed: vector of %d dimensions from %s, want %d", len(v), p.emb.ID(), p.emb.Dim())
				}
				batch[i].c.Embedding = v
			}
			return nil
		})
	}
	return g.Wait()
}
