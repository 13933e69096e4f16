package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

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
	if diff := cmp.Diff(want, docs, cmpopts.IgnoreFields(Document{}, "Body", "Source"),
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

	// Bad lines are named, one by one, and every good line around them is
	// kept, even after a line over the size limit.
	in := strings.Join([]string{
		`{"id":"g1","body":"First."}`,
		`{"id":"b2","body":`,
		``,
		`{"id":"g4","body":"Fourth."}`,
		`{"body":"` + strings.Repeat("x", MaxFileSize) + `"}`,
		`{"id":"b6","published_at":"last week","body":"Sixth."}`,
		`{"id":"g7","body":"Seventh."}`,
	}, "\n")
	docs, err = LoadJSONL(strings.NewReader(in))
	var got []string
	for _, d := range docs {
		got = append(got, d.ID+"@"+d.Source)
	}
	if diff := cmp.Diff([]string{"g1@line 1", "g4@line 4", "g7@line 7"}, got); diff != "" {
		t.Errorf("documents kept mismatch (-want +got):\n%s", diff)
	}
	var lines []int
	for _, le := range LoadErrors(err) {
		lines = append(lines, le.Line)
		if le.Reason() == "" || strings.HasPrefix(le.Reason(), "line") {
			t.Errorf("line %d: reason %q, want one that does not repeat where", le.Line, le.Reason())
		}
	}
	if diff := cmp.Diff([]int{2, 5, 6}, lines); diff != "" {
		t.Errorf("bad lines mismatch (-want +got):\n%s\nerror: %v", diff, err)
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
