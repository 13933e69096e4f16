package main

import (
	"log/slog"
	"testing"

	"github.com/gazettebot/gazette/internal/config"
)

func mustConfig(t *testing.T, env map[string]string) config.Config {
	t.Helper()
	c, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
