package postgres

import (
	"log/slog"
	"testing"

	"github.com/gazettebot/gazette/internal/store/pgtest"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/news/storetest"
)

// TestConformance runs the storage contract's suite against PostgreSQL,
// each part in a database of its own.
func TestConformance(t *testing.T) {
	pgtest.URL(t) // skips (or fails in CI) before any part when there is no server
	storetest.Run(t, func(t *testing.T) news.Store {
		s, err := Open(t.Context(), pgtest.URL(t), Options{
			Logger:     slog.New(slog.DiscardHandler),
			EmbedderID: storetest.EmbedderID,
			Dim:        storetest.Dim,
		})
		if err != nil {
			t.Fatalf("Open() error = %v", err)
		}
		return s
	})
}

var _ news.Store = (*Store)(nil)
