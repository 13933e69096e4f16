package bot_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gazettebot/gazette/bot"
)

// Example shows the wiring of `gazette serve`: the engine's
// implementations go into Deps (adapters where their method sets differ),
// the session honours DISCORD_API_URL and sharding, and Run serves until
// SIGINT or SIGTERM.
func Example() {
	var (
		answerer bot.Answerer // *rag.Service
		library  bot.Library  // an adapter over *store.Store
		feedback bot.Feedback // *store.Store
		log      = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	reg := prometheus.NewRegistry()
	b := bot.New(bot.Deps{
		Answerer: answerer, Library: library, Feedback: feedback,
		Logger: log, Metrics: bot.NewMetrics(reg),
	}, bot.Options{
		GuildID:       os.Getenv("DISCORD_DEV_GUILD_ID"),
		ManagerRoleID: os.Getenv("GAZETTE_MANAGER_ROLE_ID"),
	})
	sess, err := bot.NewSession(os.Getenv("DISCORD_TOKEN"), os.Getenv("DISCORD_API_URL"), bot.SessionOptions{ShardID: 0, ShardCount: 1})
	if err != nil {
		log.Error("session", "err", err)
		return
	}
	admin := &http.Server{Addr: "127.0.0.1:8080", Handler: bot.AdminHandler(reg, b.Ready)}
	go func() {
		if err := admin.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener", "err", err)
		}
	}()
	defer admin.Close()
	if err := b.Run(ctx, sess); err != nil {
		log.Error("serve", "err", err)
	}
}
