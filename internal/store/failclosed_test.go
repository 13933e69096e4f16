package store

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenFailsClosed(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		want    []string // in the error
	}{
		{name: "empty file", want: []string{"empty (0-byte) file"}, prepare: func(t *testing.T, path string) {
			writeFile(t, path, "")
		}},
		{name: "text file", want: []string{"not an SQLite database", `"hello, w"`}, prepare: func(t *testing.T, path string) {
			writeFile(t, path, "hello, world\n")
		}},
		{name: "binary file", want: []string{"not an SQLite database", "bytes 1f 8b"}, prepare: func(t *testing.T, path string) {
			writeFile(t, path, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")
		}},
		{name: "directory", want: []string{"directory"}, prepare: func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "another program's database", want: []string{"another program", "tables invoices, users"}, prepare: func(t *testing.T, path string) {
			execSQL(t, path, `CREATE TABLE users (id INTEGER); CREATE TABLE invoices (id INTEGER)`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "gazette.db")
			tt.prepare(t, path)
			before := snapshotFile(t, path)
			_, err := Open(t.Context(), path, Options{EmbedderID: testEmbedder.id, Dim: testEmbedder.dim})
			if !errors.Is(err, ErrNotAStore) {
				t.Fatalf("Open() error = %v, want ErrNotAStore", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Open() error = %q, want it to contain %q", err, w)
				}
			}
			if after := snapshotFile(t, path); after != before {
				t.Error("Open() changed the file it refused")
			}
		})
	}
}

func TestOpenRefusesNewerStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette.db")
	openTest(t, path).Close()
	execSQL(t, path, `INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_future.sql', 0)`)
	_, err := Open(t.Context(), path, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer Gazette") {
		t.Fatalf("Open() error = %v, want one about a newer Gazette", err)
	}
}

func TestOpenExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette.db")
	first, err := Open(t.Context(), path, Options{Exclusive: true, Holder: "gazette serve"})
	if err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	// A command-line open takes no lock.
	cli, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatalf("Open() without Exclusive error = %v", err)
	}
	cli.Close()

	_, err = Open(t.Context(), path, Options{Exclusive: true, Holder: "gazette serve"})
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("second exclusive Open() error = %v, want a LockedError", err)
	}
	if want := fmt.Sprintf("pid %d, gazette serve, since ", os.Getpid()); !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q, want it to name the holder (%q)", err, want)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(t.Context(), path, Options{Exclusive: true})
	if err != nil {
		t.Fatalf("exclusive Open() after Close error = %v", err)
	}
	again.Close()
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func execSQL(t *testing.T, path, query string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatal(err)
	}
}

// snapshotFile describes a path's content, to detect changes.
func snapshotFile(t *testing.T, path string) string {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.IsDir() {
		return "dir"
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
