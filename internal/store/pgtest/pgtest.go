// Package pgtest gives tests a fresh PostgreSQL database of their own.
//
// Tests that need PostgreSQL call [URL]. It reads the server to use from
// GAZETTE_TEST_DATABASE_URL (a role that may create databases); when that
// is unset or the server cannot be reached the test is skipped with a
// message, unless GAZETTE_TEST_REQUIRE_POSTGRES is set (CI sets it), in
// which case the test fails: CI must never pass with the PostgreSQL tests
// skipped.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables read by [URL].
const (
	EnvURL     = "GAZETTE_TEST_DATABASE_URL"
	EnvRequire = "GAZETTE_TEST_REQUIRE_POSTGRES"
)

// URL creates an empty database for the test, dropped when the test ends,
// and returns its connection URL. It skips (or fails, see the package
// comment) when no server is configured or reachable.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	required := os.Getenv(EnvRequire) != ""
	if base == "" {
		if required {
			t.Fatalf("%s is set but %s is not: the PostgreSQL tests cannot run", EnvRequire, EnvURL)
		}
		t.Skipf("PostgreSQL tests skipped: set %s to a server URL (a role that may create databases) to run them", EnvURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		if required {
			t.Fatalf("connect to the PostgreSQL test server: %v", err)
		}
		t.Skipf("PostgreSQL tests skipped: cannot reach the server in %s: %v", EnvURL, err)
	}
	defer admin.Close(context.Background())
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("name a test database: %v", err)
	}
	name := "gazette_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		// A server process of its own (autovacuum on a new database) can
		// hold the database for a moment, and FORCE may not end it: retry,
		// and leave the database to the server's owner if it stays busy
		// (CI drops every database of its throwaway role).
		for try := 0; ; try++ {
			_, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			if err == nil {
				return
			}
			if try == 10 || ctx.Err() != nil {
				t.Logf("left test database %s behind: %v", name, err)
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}
