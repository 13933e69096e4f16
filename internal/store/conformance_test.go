package store

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/news/storetest"
)

// TestConformance runs the storage contract's suite against SQLite.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) news.Store {
		s, err := Open(t.Context(), filepath.Join(t.TempDir(), "gazette.db"), Options{
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
