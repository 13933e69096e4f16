package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/internal/openaitest"
	"github.com/gazettebot/gazette/news"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func storedTitles(t *testing.T, env map[string]string) []string {
	t.Helper()
	a, err := openApp(t.Context(), mustConfig(t, env), discardLogger(), appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	arts, _, err := a.store.ListArticles(t.Context(), "local", news.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range arts {
		titles = append(titles, a.Title)
	}
	return titles
}

// TestIngestFolderKeepsGoodFiles ingests a folder holding good files
// beside an empty file and a binary file: the good ones are stored, each
// bad one is reported with its path and reason, the summary counts them,
// and the exit status is non-zero.
func TestIngestFolderKeepsGoodFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a-harbour.txt"), "Harbour reopens\n\nThe harbour reopened on Monday after the storm.")
	writeFile(t, filepath.Join(dir, "b-empty.txt"), "  \n ")
	writeFile(t, filepath.Join(dir, "c-broken.html"), "<html><body>half\x00\x89PNG")
	writeFile(t, filepath.Join(dir, "sub", "d-library.md"), "# Library extends hours\n\nThe city library will open until nine on weekdays.")
	writeFile(t, filepath.Join(dir, "e-photo.jpg"), "\xff\xd8\xff\xe0")
	env := testEnv(t)
	out, errOut, err := gazette(t, env, "ingest", dir)
	if err == nil {
		t.Errorf("ingest of a folder with bad files succeeded, want a non-zero exit:\n%s", out)
	}
	for _, want := range []string{
		"refused    " + filepath.Join(dir, "b-empty.txt") + ": the file is empty",
		"refused    " + filepath.Join(dir, "c-broken.html") + ": the file is not text",
		"skipped    " + filepath.Join(dir, "e-photo.jpg") + ": Gazette does not read .jpg files",
		"2 new, 0 updated, 0 unchanged, 2 refused, 1 skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s%s", want, out, errOut)
		}
	}
	if got := storedTitles(t, env); len(got) != 2 {
		t.Errorf("stored %q, want the two good files", got)
	}
}

// TestIngestFolderSkipsOtherTypes: files of types Gazette does not read in
// a folder are passed over, each named with its reason in the text and
// JSON reports and counted; skipping alone is not a failure.
func TestIngestFolderSkipsOtherTypes(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a-harbour.txt"), "Harbour reopens\n\nThe harbour reopened on Monday after the storm.")
	writeFile(t, filepath.Join(dir, "b-minutes.docx"), "PK\x03\x04")
	writeFile(t, filepath.Join(dir, "sub", "LICENSE"), "MIT")
	env := testEnv(t)
	out, errOut, err := gazette(t, env, "ingest", dir)
	if err != nil {
		t.Errorf("ingest of a folder with skipped files = %v, want success:\n%s%s", err, out, errOut)
	}
	for _, want := range []string{
		"skipped    " + filepath.Join(dir, "b-minutes.docx") + ": Gazette does not read .docx files; it reads .txt, .md, .html and .pdf",
		"skipped    " + filepath.Join(dir, "sub", "LICENSE") + ": a file without an extension",
		"1 new, 0 updated, 0 unchanged, 0 refused, 2 skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s%s", want, out, errOut)
		}
	}
	out, errOut, err = gazette(t, env, "ingest", "--json", dir)
	if err != nil {
		t.Fatalf("ingest --json = %v:\n%s%s", err, out, errOut)
	}
	var got struct {
		Receipts           []struct{ Status, Source, Reason string }
		Unchanged, Skipped int
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("ingest --json output: %v\n%s", err, out)
	}
	var skipped []string
	for _, r := range got.Receipts {
		if r.Status == "skipped" && r.Reason != "" {
			skipped = append(skipped, r.Source)
		}
	}
	want := []string{filepath.Join(dir, "b-minutes.docx"), filepath.Join(dir, "sub", "LICENSE")}
	if !slices.Equal(skipped, want) || got.Skipped != 2 || got.Unchanged != 1 {
		t.Errorf("ingest --json skipped %q (count %d, unchanged %d), want %q with reasons:\n%s", skipped, got.Skipped, got.Unchanged, want, out)
	}
	// A file of another type named on its own is refused, as before.
	if out, _, err := gazette(t, env, "ingest", want[0]); err == nil || !strings.Contains(out, "refused    "+want[0]) {
		t.Errorf("ingest of a .docx file = %v, want it refused:\n%s", err, out)
	}
}

// TestIngestPartialSuccess: a good file beside an empty file, a missing
// file and a refused URL is kept; each bad input is named; the exit status
// is non-zero whichever kind of input was refused.
func TestIngestPartialSuccess(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body><article><p>internal only</p></article></body></html>")
	}))
	defer srv.Close()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	empty := filepath.Join(dir, "empty.txt")
	writeFile(t, good, "Ferry fares rise\n\nHarbour ferry fares rise by ten percent in March.")
	writeFile(t, empty, "")
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"refused url", []string{good, srv.URL + "/page"}, []string{"refused    " + srv.URL + "/page: the address is not allowed", "1 new, 0 updated, 0 unchanged, 1 refused"}},
		{"empty file", []string{good, empty}, []string{"refused    " + empty + ": the file is empty", "1 new, 0 updated, 0 unchanged, 1 refused"}},
		{"missing file", []string{filepath.Join(dir, "missing.txt"), good}, []string{"missing.txt: no such file or directory", "1 unchanged, 1 refused"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := testEnv(t)
			if tc.name != "refused url" {
				env["GAZETTE_DATA_DIR"] = filepath.Join(dir, "data")
			}
			out, errOut, err := gazette(t, env, append([]string{"ingest"}, tc.args...)...)
			if err == nil {
				t.Errorf("ingest %v succeeded, want a non-zero exit:\n%s", tc.args, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s%s", w, out, errOut)
				}
			}
			if got := storedTitles(t, env); len(got) != 1 || got[0] != "Ferry fares rise" {
				t.Errorf("stored %q, want the good file", got)
			}
		})
	}
	// Everything good: exit zero.
	env := testEnv(t)
	if out, _, err := gazette(t, env, "ingest", good); err != nil || !strings.Contains(out, "1 new, 0 updated, 0 unchanged, 0 refused") {
		t.Errorf("ingest of a good file = %v:\n%s", err, out)
	}
}

// TestIngestJSONLBadLine keeps every good line of a JSON Lines file and
// names the bad one by file and line.
func TestIngestJSONLBadLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "corpus.jsonl")
	writeFile(t, path, strings.Join([]string{
		`{"id":"a1","title":"Council approves cycle lanes","body":"The council approved new cycle lanes on the high street."}`,
		`{"id":"a2","title":"Broken","body":"no closing brace"`,
		`{"id":"a3","title":"Bakery wins bread prize","body":"A local bakery won the national bread prize on Friday."}`,
		`{"id":"a4","title":"Empty","body":""}`,
	}, "\n"))
	env := testEnv(t)
	out, errOut, err := gazette(t, env, "ingest", path)
	if err == nil {
		t.Errorf("ingest with a bad line succeeded, want a non-zero exit:\n%s", out)
	}
	for _, want := range []string{
		"refused    " + path + ":2: not a JSON object",
		"refused    " + path + ":4: the document has no text",
		"2 new, 0 updated, 0 unchanged, 2 refused",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s%s", want, out, errOut)
		}
	}
	if got := storedTitles(t, env); len(got) != 2 {
		t.Errorf("stored %q, want lines 1 and 3", got)
	}

	// --json names the bad lines too, and fails the same way.
	out, _, err = gazette(t, testEnv(t), "ingest", "--json", path)
	var rep struct {
		Receipts []jsonReceipt `json:"receipts"`
		Refused  int           `json:"refused"`
	}
	if jerr := json.Unmarshal([]byte(out), &rep); jerr != nil || err == nil || rep.Refused != 2 {
		t.Fatalf("ingest --json = %v, %v:\n%s", err, jerr, out)
	}
	var sources []string
	for _, r := range rep.Receipts {
		if r.Status == "refused" {
			sources = append(sources, r.Source)
		}
	}
	if want := []string{path + ":2", path + ":4"}; !slices.Equal(sources, want) {
		t.Errorf("refused sources = %q, want %q", sources, want)
	}
}

// TestIngestLongTextWhole ingests a 3 MB text whose last sentence holds a
// unique fact, through an OpenAI-compatible fake embedder (the built-in
// encoder would take minutes on 6,000 passages): nothing is cut, and ask
// finds the last sentence.
func TestIngestLongTextWhole(t *testing.T) {
	srv := openaitest.New(t)
	env := testEnv(t)
	env["GAZETTE_EMBEDDER"] = "openai"
	env["GAZETTE_EMBED_MODEL"] = "test-embed"
	env["GAZETTE_EMBED_BASE_URL"] = srv.URL()

	var b strings.Builder
	b.WriteString("Annual report of the harbour authority\n\n")
	fillers := []string{
		"The committee reviewed the accounts of the previous year and found them in order.",
		"Several members asked about the maintenance schedule for the northern breakwater.",
		"Traffic through the main channel rose slightly compared with the year before.",
		"The chair thanked the staff for their work during a difficult winter season.",
	}
	for i := 0; b.Len() < 3<<20; i++ {
		b.WriteString(fillers[i%len(fillers)])
		if i%6 == 5 {
			b.WriteString("\n\n")
		} else {
			b.WriteString(" ")
		}
	}
	b.WriteString("\n\nFinally, the lighthouse keeper confirmed that the new quokka sanctuary opens on Zanzibar pier.")
	path := filepath.Join(t.TempDir(), "report.txt")
	writeFile(t, path, b.String())

	out, errOut, err := gazette(t, env, "ingest", path)
	if err != nil || !strings.Contains(out, "1 new, 0 updated, 0 unchanged, 0 refused") || strings.Contains(out, "cut") {
		t.Fatalf("ingest of 3 MB = %v:\n%s%s", err, out, errOut)
	}
	out, errOut, err = gazette(t, env, "ask", "--json", "Where does the quokka sanctuary open?")
	if err != nil {
		t.Fatalf("ask: %v\n%s", err, errOut)
	}
	var ans jsonAnswer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("ask --json output is not JSON: %v\n%s", err, out)
	}
	if ans.Refused || !strings.Contains(ans.Answer, "Zanzibar") {
		t.Errorf("ask = %+v, want the last sentence's fact", ans)
	}
}
