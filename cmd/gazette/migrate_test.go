package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/internal/store/pgtest"
)

// TestMigrateToPostgresAndBack copies a SQLite library into PostgreSQL with
// `gazette migrate`, uses it there (check, ask), and copies it back into a
// new SQLite file that passes check and answers the same.
func TestMigrateToPostgresAndBack(t *testing.T) {
	dbURL := pgtest.URL(t)
	sqlite := testEnv(t)
	if out, errOut, err := gazette(t, sqlite, "ingest", "sample/articles.jsonl"); err != nil {
		t.Fatalf("ingest: %v\n%s%s", err, out, errOut)
	}
	out, errOut, err := gazette(t, sqlite, "migrate", "--to", dbURL)
	if err != nil {
		t.Fatalf("migrate to postgres: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(out, "5 articles") || !strings.Contains(out, "ok: the store is consistent") {
		t.Errorf("migrate to postgres printed:\n%s", out)
	}
	if strings.Contains(out+errOut, "gazette_test") && strings.Contains(out+errOut, "@") {
		t.Errorf("migrate printed the database URL with its credentials:\n%s%s", out, errOut)
	}
	pg := map[string]string{"GAZETTE_DATABASE_URL": dbURL, "LOG_LEVEL": "warn"}
	if out, errOut, err := gazette(t, pg, "check"); err != nil || !strings.Contains(out, "ok") {
		t.Fatalf("check on postgres: %v\n%s%s", err, out, errOut)
	}
	q := "What interest rate did the central bank keep?"
	if out, errOut, err := gazette(t, pg, "ask", q); err != nil || !strings.Contains(out, "4.25%") {
		t.Errorf("ask on postgres: %v\n%s%s", err, out, errOut)
	}
	// Into a library that is no longer empty: refused.
	if _, _, err := gazette(t, sqlite, "migrate", "--to", dbURL); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("second migrate to postgres error = %v, want the target is not empty", err)
	}

	back := t.TempDir()
	out, errOut, err = gazette(t, pg, "migrate", "--to", filepath.Join(back, "gazette.db"))
	if err != nil || !strings.Contains(out, "ok: the store is consistent") {
		t.Fatalf("migrate to sqlite: %v\n%s%s", err, out, errOut)
	}
	again := map[string]string{"GAZETTE_DATA_DIR": back, "LOG_LEVEL": "warn"}
	if out, errOut, err := gazette(t, again, "check"); err != nil || !strings.Contains(out, "5 articles") {
		t.Errorf("check on the copy back: %v\n%s%s", err, out, errOut)
	}
	if out, errOut, err := gazette(t, again, "ask", q); err != nil || !strings.Contains(out, "4.25%") {
		t.Errorf("ask on the copy back: %v\n%s%s", err, out, errOut)
	}
	if _, _, err := gazette(t, pg, "migrate", "--to", filepath.Join(back, "gazette.db")); err == nil {
		t.Error("migrate onto an existing SQLite file succeeded, want a refusal")
	}
}
