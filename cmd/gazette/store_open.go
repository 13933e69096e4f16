package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gazettebot/gazette/internal/config"
	"github.com/gazettebot/gazette/internal/store"
	"github.com/gazettebot/gazette/internal/store/postgres"
	"github.com/gazettebot/gazette/news"
)

// openPostgres opens the PostgreSQL store GAZETTE_DATABASE_URL names, with
// the embedder so names. A serving process loads its shard's guilds at
// once; other commands load a guild's vectors when they first search it.
func openPostgres(ctx context.Context, cfg config.Config, log *slog.Logger, o appOptions, so store.Options) (news.Store, error) {
	st, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{
		Logger: log, EmbedderID: so.EmbedderID, Dim: so.Dim,
		MaxConns:  cfg.DBMaxConns,
		FeedLease: cfg.FeedLease,
		Shards:    postgres.Shards{IDs: []int{cfg.ShardID}, Count: cfg.ShardCount},
		Preload:   o.serving,
	})
	if errors.Is(err, news.ErrEmbedderMismatch) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return st, nil
}

// storeWhere names the configured store for messages.
func storeWhere(cfg config.Config) string {
	if cfg.DatabaseURL != "" {
		return "the database " + config.RedactURL(cfg.DatabaseURL)
	}
	return cfg.DataDir
}
