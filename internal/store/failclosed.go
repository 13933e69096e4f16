package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrNotAStore means the database file exists but is not a Gazette store:
// an empty file, another kind of file, or another program's SQLite
// database. Open refuses it rather than start a new, empty store over it
// (which would hide that the articles are gone) or write into someone
// else's data.
var ErrNotAStore = errors.New("not a Gazette store")

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// checkFile refuses a database file that exists but cannot be a store. A
// missing file is fine: Open creates a new store.
func checkFile(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check database file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("check database file: %w", err)
	}
	if st.IsDir() {
		return fmt.Errorf("found a directory where the database file should be: %w", ErrNotAStore)
	}
	if st.Size() == 0 {
		// A write-ahead log beside an empty file may still hold the
		// database: let SQLite recover it.
		if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
			return nil
		}
		return fmt.Errorf("found an empty (0-byte) file where the database should be, not a store; "+
			"if the articles are lost, restore a backup or move the file away to start a new store: %w", ErrNotAStore)
	}
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("check database file: %w", err)
	}
	if !bytes.Equal(head[:n], []byte(sqliteHeader)) {
		return fmt.Errorf("found a %d-byte file that is not an SQLite database (%s); move it away or point GAZETTE_DATA_DIR elsewhere: %w",
			st.Size(), describeBytes(head[:n]), ErrNotAStore)
	}
	// Read the schema through a read-only connection, which changes
	// nothing in a file that turns out not to be ours.
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("check database file: %w", err)
	}
	defer db.Close()
	err = checkSchema(ctx, db)
	if err != nil && !errors.Is(err, ErrNotAStore) && !errors.Is(err, ErrNewerStore) {
		// The read-only look failed (a log to recover, say): the real
		// open reports what is wrong, if anything.
		return nil
	}
	return err
}

// ErrNewerStore means the store records migrations this version of Gazette
// does not know: a newer version wrote it.
var ErrNewerStore = errors.New("the store was written by a newer Gazette; upgrade Gazette")

// describeBytes says what a file's first bytes look like, without echoing
// more than a short printable prefix.
func describeBytes(b []byte) string {
	printable := true
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c >= 0x7f {
			printable = false
			break
		}
	}
	if printable {
		return fmt.Sprintf("it starts with text %q", strings.TrimSpace(string(b[:min(len(b), 8)])))
	}
	return fmt.Sprintf("it starts with bytes % x", b[:min(len(b), 8)])
}

// checkSchema refuses an SQLite database that holds tables but no record of
// Gazette's migrations (another program's database), or records
// migrations this version does not know (a newer Gazette's store).
func checkSchema(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("read schema: %w", err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	if len(tables) == 0 {
		return nil // a new database
	}
	if !slices.Contains(tables, "schema_migrations") {
		shown := tables[:min(len(tables), 5)]
		more := ""
		if len(tables) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(tables)-len(shown))
		}
		return fmt.Errorf("found an SQLite database of another program (tables %s%s), not a store: %w",
			strings.Join(shown, ", "), more, ErrNotAStore)
	}
	known, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	for i := range known {
		known[i] = strings.TrimPrefix(known[i], "migrations/")
	}
	applied, err := db.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	defer applied.Close()
	for applied.Next() {
		var name string
		if err := applied.Scan(&name); err != nil {
			return fmt.Errorf("read migrations: %w", err)
		}
		if !slices.Contains(known, name) {
			return fmt.Errorf("migration %q is unknown to this version: %w", name, ErrNewerStore)
		}
	}
	return applied.Err()
}

// createFile makes a new, fully migrated store at path, which does not
// exist, without path ever holding a partial one: the database is built
// beside it and linked into place. A process stopped midway leaves at most
// a stray "<path>.new-PID" file, never an empty or half-made store (which
// Open would then refuse). When another process creates the store first,
// its store is kept.
func createFile(ctx context.Context, path string, log *slog.Logger) error {
	tmp := fmt.Sprintf("%s.new-%d", path, os.Getpid())
	removeDB := func() {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(tmp + suffix)
		}
	}
	removeDB()
	defer removeDB()
	db, err := sql.Open("sqlite", "file:"+tmp+"?_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("create store: %w", err)
	}
	if err := migrate(ctx, db, log); err != nil {
		db.Close()
		return fmt.Errorf("create store: %w", err)
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("create store: %w", err)
	}
	if f, err := os.Open(tmp); err == nil {
		err = f.Sync()
		f.Close()
		if err != nil {
			return fmt.Errorf("create store: sync: %w", err)
		}
	}
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create store: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
