package ingest_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/ingest/web"
)

func TestLoadFile(t *testing.T) {
	for _, tc := range []struct {
		name     string
		path     string
		want     ingest.Document // ID and Body are checked separately
		bodyHas  []string
		bodyNot  []string
		idStable bool
	}{
		{
			name:    "text",
			path:    "docs/sub/plain.txt",
			want:    ingest.Document{Title: "Bakery wins national bread prize"},
			bodyHas: []string{"A small bakery on Mill Road", "not raise their prices."},
			bodyNot: []string{"Bakery wins national bread prize"},
		},
		{
			name: "markdown with front matter",
			path: "docs/note.md",
			want: ingest.Document{
				Title: "Council approves cycle lanes", Author: "Jo Park", Outlet: "Alden Gazette",
				URL: "https://gazette.example/cycle-lanes", PublishedAt: time.Date(2024, 3, 5, 10, 30, 0, 0, time.UTC),
			},
			bodyHas: []string{"The council voted 7 to 2 on Monday to build protected cycle lanes on three streets.", "Work starts in *June*"},
			bodyNot: []string{"](", "**", "---", "map.png", "Council approves"},
		},
		{
			name: "html",
			path: "docs/page.html",
			want: ingest.Document{
				Title: "Storm closes harbour for two days", Author: "Ravi Menon", Outlet: "Coastal Times",
				URL: "https://coastal.example/news/storm-harbour", PublishedAt: time.Date(2024, 1, 14, 0, 0, 0, 0, time.UTC),
				Language: "en",
			},
			bodyHas: []string{"The harbour master closed the port of Westby", "keep away from the promenade"},
			bodyNot: []string{"Subscribe to our newsletter", "<p>"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ingest.LoadFile(filepath.Join("testdata", tc.path), web.DocumentFromBytes)
			if err != nil {
				t.Fatalf("LoadFile() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(ingest.Document{}, "ID", "Body"),
				cmpopts.EquateApproxTime(24*time.Hour)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			for _, s := range tc.bodyHas {
				if !strings.Contains(got.Body, s) {
					t.Errorf("body lacks %q:\n%s", s, got.Body)
				}
			}
			for _, s := range tc.bodyNot {
				if strings.Contains(got.Body, s) {
					t.Errorf("body holds %q:\n%s", s, got.Body)
				}
			}
			again, _ := ingest.LoadFile(filepath.Join("testdata", tc.path), web.DocumentFromBytes)
			if got.ID == "" || got.ID != again.ID {
				t.Errorf("ID %q not stable (%q)", got.ID, again.ID)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(big, make([]byte, ingest.MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.md")
	if err := os.WriteFile(empty, []byte("\n  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		path string
		is   error
		has  string
	}{
		{"unsupported", "testdata/docs/ignored.docx", ingest.ErrUnsupported, "ignored.docx"},
		{"too large", big, ingest.ErrTooLarge, "10 MB"},
		{"missing", filepath.Join(dir, "nope.txt"), os.ErrNotExist, "nope.txt"},
		{"empty", empty, nil, "the file is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ingest.LoadFile(tc.path, web.DocumentFromBytes)
			if err == nil {
				t.Fatal("LoadFile() error = nil")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("LoadFile() error = %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.has) {
				t.Errorf("LoadFile() error = %q, want it to mention %q", err, tc.has)
			}
		})
	}
}

func TestLoadDir(t *testing.T) {
	docs, err := ingest.LoadDir(filepath.Join("testdata", "docs"), web.DocumentFromBytes)
	// A file of another type is skipped, and said so with its reason.
	les := ingest.LoadErrors(err)
	if len(les) != 1 || !les[0].Skipped() || les[0].Path != filepath.Join("testdata", "docs", "ignored.docx") ||
		les[0].Reason() != "Gazette does not read .docx files; it reads .txt, .md, .html and .pdf" {
		t.Fatalf("LoadDir() error = %v, want ignored.docx skipped with its reason", err)
	}
	var titles []string
	for _, d := range docs {
		titles = append(titles, d.Title)
	}
	want := []string{"Council approves cycle lanes", "Storm closes harbour for two days", "Bakery wins national bread prize"}
	if diff := cmp.Diff(want, titles); diff != "" {
		t.Errorf("titles mismatch (-want +got):\n%s", diff)
	}

	// A bad file is reported, and the others still load.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("Title\n\nBody."), 0o600)
	os.WriteFile(filepath.Join(dir, "b.txt"), []byte("   "), 0o600)
	docs, err = ingest.LoadDir(dir, web.DocumentFromBytes)
	if err == nil || !strings.Contains(err.Error(), "b.txt") {
		t.Errorf("LoadDir() error = %v, want one naming b.txt", err)
	}
	if len(docs) != 1 || docs[0].Title != "Title" || docs[0].Source != filepath.Join(dir, "a.txt") {
		t.Errorf("LoadDir() docs = %+v", docs)
	}
	if les := ingest.LoadErrors(err); len(les) != 1 || les[0].Path != filepath.Join(dir, "b.txt") || les[0].Reason() == "" ||
		strings.Contains(les[0].Reason(), "b.txt") || les[0].Skipped() {
		t.Errorf("LoadErrors() = %+v, want b.txt refused with the reason alone", les)
	}
	if _, err := ingest.LoadDir(filepath.Join(dir, "missing"), web.DocumentFromBytes); err == nil {
		t.Error("LoadDir(missing) error = nil")
	}
}

func TestLoadFileRefusesBinary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "corrupt.html")
	data := append([]byte("<html><body><p>Half an article"), 0, 0x89, 'P', 'N', 'G', 0)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.LoadFile(path, web.DocumentFromBytes); !errors.Is(err, ingest.ErrBinary) {
		t.Errorf("LoadFile(corrupt) error = %v, want ErrBinary", err)
	}
}
