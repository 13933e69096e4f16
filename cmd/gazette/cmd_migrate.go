package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gazettebot/gazette/internal/config"
	"github.com/gazettebot/gazette/internal/store"
	"github.com/gazettebot/gazette/internal/store/postgres"
	"github.com/gazettebot/gazette/news"
)

func init() {
	register(command{
		name: "migrate", group: groupMaint,
		summary: "copy the library to PostgreSQL (--to postgres://…) or back to a SQLite file (--to PATH)",
		help: `Copies everything in the configured store (GAZETTE_DATABASE_URL, or the SQLite
file in GAZETTE_DATA_DIR) into an empty store: articles with their passages and
vectors, feeds and their seen items, digest subscriptions and runs, recorded
answers and votes, in one transaction. From SQLite the target is a PostgreSQL
URL; from PostgreSQL it is the path of a new SQLite file. The copy is then
checked as 'gazette check' does. Stop the bot while migrating; afterwards point
GAZETTE_DATABASE_URL at the copy (or unset it for SQLite).`,
		settings: []string{"GAZETTE_DATABASE_URL"},
		run:      runMigrate,
	})
}

func runMigrate(ctx context.Context, e *env) error {
	fs := newFlags(e, "migrate", "")
	to := fs.String("to", "", "the target: a postgres:// URL, or the path of a new SQLite file")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *to == "" {
		fs.Usage()
		return errors.New("migrate needs --to: a postgres:// URL, or a SQLite file path")
	}
	toPG := config.IsPostgresURL(*to)
	fromPG := e.cfg.DatabaseURL != ""
	switch {
	case fromPG && toPG:
		return errors.New("migrate copies between SQLite and PostgreSQL; to copy one PostgreSQL database to another use pg_dump")
	case !fromPG && !toPG:
		return fmt.Errorf("the configured store is SQLite (%s) and --to is not a postgres:// URL; migrate copies between SQLite and PostgreSQL", e.cfg.DBPath())
	}

	if toPG {
		if _, err := os.Stat(e.cfg.DBPath()); err != nil {
			return fmt.Errorf("no SQLite store to copy at %s (set GAZETTE_DATA_DIR to its directory)", e.cfg.DBPath())
		}
		src, err := store.Open(ctx, e.cfg.DBPath(), store.Options{Logger: e.log})
		if err != nil {
			return fmt.Errorf("open the SQLite store: %w", err)
		}
		defer src.Close()
		dst, err := postgres.Open(ctx, *to, postgres.Options{Logger: e.log, EmbedderID: src.EmbedderID(), Dim: src.Dim()})
		if err != nil {
			return fmt.Errorf("open the target: %w", err)
		}
		counts, err := postgres.FromSQLite(ctx, src.DB(), dst)
		dst.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Copied %s from %s to %s.\n", counts, e.cfg.DBPath(), config.RedactURL(*to))
		re, err := postgres.Open(ctx, *to, postgres.Options{Logger: e.log})
		if err != nil {
			return fmt.Errorf("reopen the copy: %w", err)
		}
		defer re.Close()
		return reportCheck(ctx, e, re)
	}

	path := *to
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		path = filepath.Join(path, "gazette.db")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists; migrate writes a new SQLite file", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	src, err := postgres.Open(ctx, e.cfg.DatabaseURL, postgres.Options{Logger: e.log})
	if err != nil {
		return fmt.Errorf("open the PostgreSQL store: %w", err)
	}
	defer src.Close()
	dst, err := store.Open(ctx, path, store.Options{Logger: e.log, EmbedderID: src.EmbedderID(), Dim: src.Dim()})
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	counts, err := postgres.ToSQLite(ctx, src, dst.DB())
	dst.Close()
	if err != nil {
		os.Remove(path)
		return err
	}
	fmt.Fprintf(e.stdout, "Copied %s from %s to %s.\n", counts, config.RedactURL(e.cfg.DatabaseURL), path)
	re, err := store.Open(ctx, path, store.Options{Logger: e.log})
	if err != nil {
		return fmt.Errorf("reopen the copy: %w", err)
	}
	defer re.Close()
	return reportCheck(ctx, e, re)
}

// checker is what reportCheck needs of a store.
type checker interface {
	Check(ctx context.Context) (news.CheckReport, error)
}

// reportCheck checks a store and prints the outcome as 'gazette check'
// does, returning an error when a problem was found.
func reportCheck(ctx context.Context, e *env, s checker) error {
	r, err := s.Check(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d articles, %d chunks\n", r.Articles, r.Chunks)
	if r.OK() {
		fmt.Fprintln(e.stdout, "ok: the store is consistent")
		return nil
	}
	for _, p := range r.Problems {
		fmt.Fprintln(e.stdout, "problem:", p)
	}
	return fmt.Errorf("check found %d problems", len(r.Problems))
}
