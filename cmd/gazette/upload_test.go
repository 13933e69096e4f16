package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/news"
)

// TestFileThroughCLIAndUploadIsOneArticle ingests each fixture file with
// `gazette ingest` and as a Discord upload (with the content type Discord
// reports) into another namespace: the two articles are the same, field by
// field and content hash; uploaded again into the CLI's namespace, the file
// is the article already there, unchanged.
func TestFileThroughCLIAndUploadIsOneArticle(t *testing.T) {
	env := testEnv(t)
	files := map[string]string{
		"harbour-ferry.md":  "text/markdown; charset=utf-8",
		"library-hours.txt": "text/plain; charset=utf-8",
		"observatory.html":  "text/html; charset=utf-8",
	}
	for name := range files {
		if out, errOut, err := gazette(t, env, "ingest", "--ns", "cli", filepath.Join("testdata", "articles", name)); err != nil {
			t.Fatalf("ingest %s error = %v\n%s%s", name, err, out, errOut)
		}
	}
	a, err := openApp(t.Context(), mustConfig(t, env), discardLogger(), appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	cliArts, _, err := a.store.ListArticles(t.Context(), "cli", news.ListOptions{})
	if err != nil || len(cliArts) != len(files) {
		t.Fatalf("CLI articles = %d, %v; want %d", len(cliArts), err, len(files))
	}
	byTitle := map[string]news.Article{}
	for _, art := range cliArts {
		full, err := a.store.Article(t.Context(), "cli", art.ID)
		if err != nil {
			t.Fatal(err)
		}
		byTitle[full.Title] = full
	}
	for name, ct := range files {
		data, err := os.ReadFile(filepath.Join("testdata", "articles", name))
		if err != nil {
			t.Fatal(err)
		}
		ups, err := botIngester{a}.IngestFile(t.Context(), "upload", name, ct, data, nil)
		if err != nil || len(ups) != 1 || ups[0].Status != ingest.StatusNew {
			t.Fatalf("upload %s = %+v, %v; want a new article", name, ups, err)
		}
		got, err := a.store.Article(t.Context(), "upload", ups[0].ArticleID)
		if err != nil {
			t.Fatal(err)
		}
		want, ok := byTitle[got.Title]
		if !ok {
			t.Fatalf("upload %s has title %q, which no CLI article has", name, got.Title)
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(news.Article{}, "Namespace", "ID", "IngestedAt")); diff != "" {
			t.Errorf("%s: upload differs from CLI (-cli +upload):\n%s", name, diff)
		}
		again, err := botIngester{a}.IngestFile(t.Context(), "cli", name, ct, data, nil)
		if err != nil || len(again) != 1 || again[0].Status != ingest.StatusUnchanged || again[0].ArticleID != want.ID {
			t.Errorf("upload %s into the CLI's namespace = %+v, %v; want unchanged %s", name, again, err, want.ID)
		}
	}
}

// TestIngestRefusesOtherSchemes checks that an address with a scheme other
// than http and https is refused with the fetcher's reason (the one `feed
// add` gives), not read as a local path.
func TestIngestRefusesOtherSchemes(t *testing.T) {
	env := testEnv(t)
	for _, arg := range []string{"file:///etc/passwd", "FILE:/etc/passwd", "ftp://example.com/story.txt"} {
		out, _, err := gazette(t, env, "ingest", arg)
		if err == nil || !strings.Contains(out, "only http and https addresses are allowed") || strings.Contains(out, "root:") {
			t.Errorf("ingest %s = %v\n%s", arg, err, out)
		}
	}
	for _, tc := range []struct {
		arg string
		url bool
	}{
		{"https://example.com/a", true}, {"file:///etc/passwd", true}, {"gopher://x/y", true},
		{"notes.txt", false}, {`C:\news\a.txt`, false}, {"dir/with:colon.txt", false}, {"./a:b", false},
	} {
		if got := isURL(tc.arg); got != tc.url {
			t.Errorf("isURL(%q) = %v, want %v", tc.arg, got, tc.url)
		}
	}
}

// TestPDFIngestedAndAnswered ingests a text PDF (a press release) with its
// metadata and answers a question from it.
func TestPDFIngestedAndAnswered(t *testing.T) {
	env := testEnv(t)
	out, errOut, err := gazette(t, env, "ingest", filepath.Join("testdata", "pdf", "press-release.pdf"))
	if err != nil || !strings.Contains(out, "1 new") || !strings.Contains(out, "Harbour authority approves night ferry service") || !strings.Contains(out, "5 Mar 2024") {
		t.Fatalf("ingest pdf = %v\n%s%s", err, out, errOut)
	}
	out, errOut, err = gazette(t, env, "ask", "--json", "How often will the night ferries leave the north pier?")
	if err != nil {
		t.Fatalf("ask error = %v\n%s", err, errOut)
	}
	var ans jsonAnswer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("ask --json output is not JSON: %v\n%s", err, out)
	}
	if ans.Refused || len(ans.Sources) == 0 || ans.Sources[0].Title != "Harbour authority approves night ferry service" || !strings.Contains(ans.Answer, "40 minutes") {
		t.Errorf("ask = %+v, want an answer from the press release", ans)
	}
}

// TestJSONLinesUpload uploads a JSON Lines file with a malformed line: the
// good lines are ingested as the CLI ingests them, the bad one comes back
// refused with its line number.
func TestJSONLinesUpload(t *testing.T) {
	env := testEnv(t)
	a, err := openApp(t.Context(), mustConfig(t, env), discardLogger(), appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	data := []byte(`{"id":"a1","title":"Ferry fares rise","source":"Harbour News","body":"Ferry fares will rise by 5 percent in April, the operator said on Monday."}
{"id":"a2","title":"Library opens Sundays" "body":"broken"}
{"id":"a3","title":"Bridge reopens","body":"The old bridge reopened on Monday after three months of repairs."}
`)
	rs, err := botIngester{a}.IngestFile(t.Context(), "g1", "corpus.jsonl", "application/octet-stream", data, nil)
	if err != nil {
		t.Fatalf("IngestFile(jsonl) error = %v", err)
	}
	var titles, refused []string
	for _, r := range rs {
		switch r.Status {
		case ingest.StatusNew:
			titles = append(titles, r.Title)
		case ingest.StatusRefused:
			refused = append(refused, r.Reason)
		}
	}
	if len(titles) < 1 || titles[0] != "Ferry fares rise" || len(refused) != 1 || !strings.HasPrefix(refused[0], "line 2") {
		t.Errorf("receipts = %+v; want the ferry article new and line 2 refused", rs)
	}
	_, err = botIngester{a}.IngestFile(t.Context(), "g1", "empty.jsonl", "", []byte("\n\n"), nil)
	if userReason(err) != "the JSON Lines file holds no articles" {
		t.Errorf("empty JSON Lines = %v", err)
	}
}
