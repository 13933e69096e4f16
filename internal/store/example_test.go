package store_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/gazettebot/gazette/internal/store"
	"github.com/gazettebot/gazette/news"
)

// Example stores an article with its embedded chunks, then finds it by
// keyword and by vector.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "gazette-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// The embedder id and dimension tag every vector the store holds.
	s, err := store.Open(ctx, filepath.Join(dir, "gazette.db"), store.Options{EmbedderID: "toy-2", Dim: 2})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	a := news.Article{Namespace: news.LocalNamespace, ID: "a1", Title: "Harbour closed by storm",
		Outlet: "Coastal Times", Body: "The harbour closed on Sunday. Ferries were cancelled."}
	chunks := []news.Chunk{
		{ID: "a1#0", Position: 0, Text: "The harbour closed on Sunday.", Embedding: []float32{1, 0}},
		{ID: "a1#1", Position: 1, Text: "Ferries were cancelled.", Embedding: []float32{0, 1}},
	}
	res, err := s.PutArticle(ctx, a, chunks)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("put new:", res == news.PutNew)

	hits, err := s.Keyword(ctx, news.LocalNamespace, []string{"ferries", "running"}, 5, news.Filter{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("keyword:", hits[0].Chunk.ID, hits[0].Article.Outlet)

	hits, err = s.Dense(ctx, news.LocalNamespace, []float32{0.9, 0.1}, 1, news.Filter{Outlets: []string{"coastal times"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("dense: %s %.2f\n", hits[0].Chunk.ID, hits[0].Score)
	// Output:
	// put new: true
	// keyword: a1#1 Coastal Times
	// dense: a1#0 0.99
}
