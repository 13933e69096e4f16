package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestLoadFile(t *testing.T) {
	for _, tc := range []struct {
		name     string
		path     string
		want     Document // ID and Body are checked separately
		bodyHas  []string
		bodyNot  []string
		idStable bool
	}{
		{
			name:    "text",
			path:    "docs/sub/plain.txt",
			want:    Document{Title: "Bakery wins national bread prize"},
			bodyHas: []string{"A small bakery on Mill Road", "not raise their prices."},
			bodyNot: []string{"Bakery wins national bread prize"},
		},
		{
			name: "markdown with front matter",
			path: "docs/note.md",
			want: Document{
				Title: "Council approves cycle lanes", Author: "Jo Park", Outlet: "Alden Gazette",
				URL: "https://gazette.example/cycle-lanes", PublishedAt: time.Date(2024, 3, 5, 10, 30, 0, 0, time.UTC),
			},
			bodyHas: []string{"The council voted 7 to 2 on Monday to build protected cycle lanes on three streets.", "Work starts in *June*"},
			bodyNot: []string{"](", "**", "---", "map.png", "Council approves"},
		},
		{
			name: "html",
			path: "docs/page.html",
			want: Document{
				Title: "Storm closes harbour for two days", Author: "Ravi Menon", Outlet: "Coastal Times",
				URL: "https://coastal.example/news/storm-harbour", PublishedAt: time.Date(2024, 1, 14, 0, 0, 0, 0, time.UTC),
				Language: "en",
			},
			bodyHas: []string{"The harbour master closed the port of Westby", "keep away from the promenade"},
			bodyNot: []string{"Subscribe to our newsletter", "<p>"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LoadFile(filepath.Join("testdata", tc.path))
			if err != nil {
				t.Fatalf("LoadFile() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(Document{}, "ID", "Body"),
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
			again, _ := LoadFile(filepath.Join("testdata", tc.path))
			if got.ID == "" || got.ID != again.ID {
				t.Errorf("ID %q not stable (%q)", got.ID, again.ID)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o600); err != nil {
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
		{"unsupported", "testdata/docs/ignored.pdf", ErrUnsupported, "ignored.pdf"},
		{"too large", big, ErrTooLarge, "10 MB"},
		{"missing", filepath.Join(dir, "nope.txt"), os.ErrNotExist, "nope.txt"},
		{"empty", empty, nil, "no text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadFile(tc.path)
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
	docs, err := LoadDir(filepath.Join("testdata", "docs"))
	if err != nil {
		t.Fatalf("LoadDir() error = %v", err)
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
	docs, err = LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), "b.txt") {
		t.Errorf("LoadDir() error = %v, want one naming b.txt", err)
	}
	if len(docs) != 1 || docs[0].Title != "Title" {
		t.Errorf("LoadDir() docs = %+v", docs)
	}
	if _, err := LoadDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("LoadDir(missing) error = nil")
	}
}

func TestLoadJSONL(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "corpus.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	docs, err := LoadJSONL(f)
	if err != nil {
		t.Fatalf("LoadJSONL() error = %v", err)
	}
	want := []Document{
		{ID: "t-0001", Title: "Chipmaker posts record revenue", URL: "https://technews.example/chipmaker-record",
			Outlet: "Tech News", Author: "Ada Byte", PublishedAt: time.Date(2023, 11, 21, 21, 5, 0, 0, time.UTC)},
		{ID: "t-0002", Title: "Club sacks manager after losing run"},
		{ID: "t-0003", Title: "Airline adds winter routes", URL: "https://travel.example/winter-routes",
			Outlet: "Travel Daily", Author: "Sam Route", PublishedAt: time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)},
	}
	if diff := cmp.Diff(want, docs, cmpopts.IgnoreFields(Document{}, "Body"),
		cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(docs[0].Body, "The chipmaker reported") || !strings.Contains(docs[0].Body, "\n\nThe company") {
		t.Errorf("body 0 = %q", docs[0].Body)
	}
}

func TestLoadJSONLErrors(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "bad.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	docs, err := LoadJSONL(f)
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("LoadJSONL(bad) error = %v, want one naming line 3", err)
	}
	if len(docs) != 2 {
		t.Errorf("LoadJSONL(bad) returned %d documents before the error, want 2", len(docs))
	}
	for _, tc := range []struct{ name, in, has string }{
		{"bad date", `{"id":"x","body":"b","published_at":"yesterday"}`, "line 1: published_at"},
		{"two values", `{"id":"x"} {"id":"y"}`, "line 1"},
		{"wrong type", "\n" + `{"id": 5}`, "line 2"},
		{"too long", `{"body":"` + strings.Repeat("x", MaxFileSize) + `"}`, "line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadJSONL(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.has) {
				t.Errorf("LoadJSONL() error = %v, want one with %q", err, tc.has)
			}
		})
	}
}

func TestLoadFileRefusesBinary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "corrupt.html")
	data := append([]byte("<html><body><p>Half an article"), 0, 0x89, 'P', 'N', 'G', 0)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path); !errors.Is(err, ErrBinary) {
		t.Errorf("LoadFile(corrupt) error = %v, want ErrBinary", err)
	}
}
