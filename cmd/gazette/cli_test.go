package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/gazettebot/gazette/internal/discordtest"
)

// gazetteWith runs the command line with names as the variables set in the
// environment (for the unknown-variable warning).
func gazetteWith(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	err = runWith(t.Context(), args, &out, &errb, func(k string) string { return env[k] }, names)
	return out.String(), errb.String(), err
}

func mustGazette(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	out, errOut, err := gazette(t, env, args...)
	if err != nil {
		t.Fatalf("gazette %s: %v\n%s%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// exported reads export's JSON Lines into a map by article ID.
func exported(t *testing.T, jsonl string) map[string]jsonArticle {
	t.Helper()
	out := map[string]jsonArticle{}
	sc := bufio.NewScanner(strings.NewReader(jsonl))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a jsonArticle
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("export line is not JSON: %v\n%s", err, sc.Text())
		}
		out[a.ID] = a
	}
	return out
}

func TestExportIngestRoundTrip(t *testing.T) {
	src := testEnv(t)
	mustGazette(t, src, "ingest", "-q", "testdata/articles", "sample/articles.jsonl")
	mustGazette(t, src, "ingest", "-q", "--ns", "123", "testdata/articles")
	first := mustGazette(t, src, "export", "--jsonl")
	arts := exported(t, first)
	if len(arts) != 8 {
		t.Fatalf("export wrote %d articles, want 8 (the local namespace only)", len(arts))
	}
	file := filepath.Join(t.TempDir(), "library.jsonl")
	if err := os.WriteFile(file, []byte(first), 0o600); err != nil {
		t.Fatal(err)
	}

	dst := testEnv(t)
	out := mustGazette(t, dst, "ingest", "--jsonl", file)
	if !strings.Contains(out, "8 new, 0 updated, 0 unchanged, 0 refused") {
		t.Errorf("ingest of the export:\n%s", out)
	}
	again := exported(t, mustGazette(t, dst, "export"))
	if len(again) != len(arts) {
		t.Fatalf("round trip has %d articles, want %d", len(again), len(arts))
	}
	for id, a := range arts {
		b, ok := again[id]
		if !ok {
			t.Errorf("article %s lost in the round trip", id)
			continue
		}
		if a.ContentHash == "" || b.ContentHash != a.ContentHash {
			t.Errorf("%s: content hash %q, want %q", id, b.ContentHash, a.ContentHash)
		}
		a.IngestedAt, b.IngestedAt = "", ""
		if a != b {
			t.Errorf("%s changed in the round trip:\n got %+v\nwant %+v", id, b, a)
		}
	}
	// Both stores answer the same question from the same article.
	var ans1, ans2 jsonAnswer
	q := "When will harbour ferry fares rise?"
	if err := json.Unmarshal([]byte(mustGazette(t, src, "ask", "--json", q)), &ans1); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(mustGazette(t, dst, "ask", "--json", q)), &ans2); err != nil {
		t.Fatal(err)
	}
	if len(ans1.Sources) == 0 || len(ans2.Sources) == 0 || ans1.Sources[0].ArticleID != ans2.Sources[0].ArticleID {
		t.Errorf("answers differ after the round trip: %+v vs %+v", ans1.Sources, ans2.Sources)
	}
	// Another namespace exports its own articles.
	if n := len(exported(t, mustGazette(t, src, "export", "--ns", "123"))); n != 3 {
		t.Errorf("export --ns 123 wrote %d articles, want 3", n)
	}
}

func TestSourcesAndForget(t *testing.T) {
	env := testEnv(t)
	mustGazette(t, env, "ingest", "-q", "sample/articles.jsonl")
	out := mustGazette(t, env, "sources")
	for _, want := range []string{"ID", "demo-rates", "Harbor City Ledger", "5 articles."} {
		if !strings.Contains(out, want) {
			t.Errorf("sources lacks %q:\n%s", want, out)
		}
	}
	var list struct {
		Total    int           `json:"total"`
		Articles []jsonArticle `json:"articles"`
	}
	if err := json.Unmarshal([]byte(mustGazette(t, env, "sources", "--search", "ledger", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 2 || len(list.Articles) != 2 || list.Articles[0].ContentHash == "" || list.Articles[0].Body != "" {
		t.Fatalf("sources --search ledger --json = %+v, want the 2 Ledger articles without bodies", list)
	}
	if out := mustGazette(t, env, "sources", "--limit", "2"); !strings.Contains(out, "2 of 5 articles; --limit 0 lists all") {
		t.Errorf("sources --limit 2:\n%s", out)
	}

	// By URL (as printed), then by ID.
	url := list.Articles[0].URL
	out = mustGazette(t, env, "forget", url)
	if !strings.Contains(out, "Forgot "+list.Articles[0].ID) {
		t.Errorf("forget %s:\n%s", url, out)
	}
	out = mustGazette(t, env, "forget", "demo-football")
	if !strings.Contains(out, "Forgot demo-football: Late penalty") {
		t.Errorf("forget demo-football:\n%s", out)
	}
	if out := mustGazette(t, env, "sources"); !strings.Contains(out, "3 articles.") || strings.Contains(out, "demo-football") {
		t.Errorf("sources after forgetting two:\n%s", out)
	}
	_, errOut, err := gazette(t, env, "forget", "demo-football")
	if err == nil || !strings.Contains(errOut, "no article demo-football in namespace local; 'gazette sources --search TEXT' lists them") {
		t.Errorf("forget of a forgotten article = %v\n%s", err, errOut)
	}
	if out := mustGazette(t, env, "sources", "--search", "nothing-like-this"); !strings.Contains(out, `No article's title, outlet or URL contains "nothing-like-this"`) {
		t.Errorf("sources with no match:\n%s", out)
	}
}

// dirSnapshot reads every file of dir.
func dirSnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func TestReadingCommandsOpenTheStoreReadOnly(t *testing.T) {
	reads := [][]string{
		{"ask", "When will ferry fares rise?"}, {"sources"}, {"export", "--jsonl"}, {"digest"},
	}
	// Without a store, they say what to do and create nothing.
	env := testEnv(t)
	data := env["GAZETTE_DATA_DIR"]
	for _, args := range reads {
		_, _, err := gazette(t, env, args...)
		if err == nil || !strings.Contains(err.Error(), "no library in "+data+" yet (GAZETTE_DATA_DIR): ingest articles first with 'gazette ingest PATH|URL'") {
			t.Errorf("%s without a store: error = %v", args[0], err)
		}
	}
	if out := mustGazette(t, env, "check"); !strings.Contains(out, "there is no store in "+data+" yet") {
		t.Errorf("check without a store:\n%s", out)
	}
	if files := dirSnapshot(t, data); len(files) != 0 {
		t.Errorf("reading commands created %v", files)
	}

	// Over a store, they leave every byte of it as it was.
	mustGazette(t, env, "ingest", "-q", "sample/articles.jsonl")
	before := dirSnapshot(t, data)
	for _, args := range append(reads, []string{"check"}) {
		if out, errOut, err := gazette(t, env, args...); err != nil {
			t.Errorf("%s: %v\n%s%s", args[0], err, out, errOut)
		}
	}
	var rep struct {
		OK       bool     `json:"ok"`
		Articles int      `json:"articles"`
		Problems []string `json:"problems"`
	}
	if err := json.Unmarshal([]byte(mustGazette(t, env, "check", "--json")), &rep); err != nil || !rep.OK || rep.Articles != 5 || rep.Problems == nil {
		t.Errorf("check --json = %+v, %v", rep, err)
	}
	after := dirSnapshot(t, data)
	for name, b := range before {
		if after[name] != b {
			t.Errorf("%s changed under reading commands", name)
		}
	}
	// A reader of a WAL database may leave SQLite's empty log and its
	// shared-memory index, never content.
	for name, b := range after {
		if _, ok := before[name]; !ok && !(name == "gazette.db-shm" || name == "gazette.db-wal" && b == "") {
			t.Errorf("reading commands left %s (%d bytes)", name, len(b))
		}
	}
}

func TestAskSinceThatExcludesEverything(t *testing.T) {
	env := testEnv(t)
	mustGazette(t, env, "ingest", "-q", "sample/articles.jsonl")
	// The sample articles were published in November 2026.
	out := mustGazette(t, env, "ask", "--since", "72h", "--json", "Why did the central bank hold rates?")
	var ans jsonAnswer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	if !ans.Refused || !strings.Contains(ans.Answer, "No articles published since") || !strings.Contains(ans.Answer, "it has 5 articles in all") ||
		!strings.Contains(ans.Answer, "earlier --since") {
		t.Errorf("ask --since 72h = %+v", ans)
	}
	out = mustGazette(t, env, "ask", "--outlet", "Harbor City Ledger", "--since", "72h", "Why did the central bank hold rates?")
	if !strings.Contains(out, "No articles from Harbor City Ledger and published since") || !strings.Contains(out, "gazette sources") {
		t.Errorf("ask --outlet Harbor City Ledger --since 72h:\n%s", out)
	}
	for _, since := range []string{"30d", "2w", "2026-11-01"} {
		if _, _, err := gazette(t, env, "digest", "--since", since); err != nil {
			t.Errorf("digest --since %s: %v", since, err)
		}
	}
	if out := mustGazette(t, env, "digest", "--ns", "999"); !strings.Contains(out, "The library is empty") {
		t.Errorf("digest of an empty namespace:\n%s", out)
	}
}

func TestQuestionLimitStated(t *testing.T) {
	env := testEnv(t)
	mustGazette(t, env, "ingest", "-q", "sample/articles.jsonl")
	_, _, err := gazette(t, env, "ask", strings.Repeat("why ", 300))
	if err == nil || !strings.Contains(err.Error(), "longer than 1000 characters") {
		t.Errorf("ask with a long question: error = %v", err)
	}
	if out := mustGazette(t, env, "ask", "-h"); !strings.Contains(out, "at most 1000 characters") {
		t.Errorf("ask -h does not state the limit:\n%s", out)
	}
}

func TestUnknownVariablesWarned(t *testing.T) {
	env := testEnv(t)
	env["GAZETTE_EMBEDDR"] = "openai"
	env["DISCORD_TOKN"] = "x"
	env["GAZETTE_EVALS"] = "1" // the project's own test switch
	env["HOME"] = "/nowhere"   // not ours
	_, errOut, err := gazetteWith(t, env, "sources")
	if err == nil {
		t.Fatal("sources over no store succeeded")
	}
	for _, want := range []string{
		"warning: GAZETTE_EMBEDDR in the environment is not a Gazette setting and is ignored; did you mean GAZETTE_EMBEDDER?",
		"warning: DISCORD_TOKN in the environment is not a Gazette setting and is ignored; did you mean DISCORD_TOKEN?",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "GAZETTE_EVALS") || strings.Contains(errOut, "HOME") || strings.Count(errOut, "warning") != 2 {
		t.Errorf("warned about the wrong variables:\n%s", errOut)
	}

	// The same for a .env file in the working directory.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("GAZETTE_DATA_DIR="+t.TempDir()+"\nGAZETTE_FETCH_TIMOUT=5s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	_, errOut, _ = gazetteWith(t, map[string]string{"LOG_LEVEL": "warn"}, "sources")
	if want := "warning: GAZETTE_FETCH_TIMOUT in .env is not a Gazette setting and is ignored; did you mean GAZETTE_FETCH_TIMEOUT?"; !strings.Contains(errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut)
	}
}

func TestDataDirProblemsNameTheSetting(t *testing.T) {
	// A data directory that is a file is reported with the other problems.
	env := testEnv(t)
	file := filepath.Join(env["GAZETTE_DATA_DIR"], "not-a-dir")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env["GAZETTE_DATA_DIR"] = file
	env["LOG_LEVEL"] = "loud"
	_, _, err := gazette(t, env, "ingest", "sample/articles.jsonl")
	if err == nil || !strings.Contains(err.Error(), "GAZETTE_DATA_DIR") || !strings.Contains(err.Error(), "is a file") || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("data directory that is a file: error = %v", err)
	}

	// A data directory below a file cannot be created.
	env = testEnv(t)
	env["GAZETTE_DATA_DIR"] = filepath.Join(file, "data")
	_, _, err = gazette(t, env, "ingest", "sample/articles.jsonl")
	if err == nil || !strings.Contains(err.Error(), "cannot create the data directory") || !strings.Contains(err.Error(), "set GAZETTE_DATA_DIR") {
		t.Errorf("uncreatable data directory: error = %v", err)
	}

	// A store SQLite cannot open: the message names the setting and no
	// SQLite code.
	env = testEnv(t)
	if err := os.Mkdir(filepath.Join(env["GAZETTE_DATA_DIR"], "gazette.db"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"ingest", "sample/articles.jsonl"}, {"sources"}} {
		_, errOut, err := gazette(t, env, args...)
		if err == nil {
			t.Fatalf("%s over an unopenable store succeeded", args[0])
		}
		msg := err.Error() + errOut
		if !strings.Contains(msg, "GAZETTE_DATA_DIR") || strings.Contains(msg, "(14)") || strings.Contains(msg, "SQLITE") || strings.Contains(msg, "ping") {
			t.Errorf("%s over an unopenable store: %v\n%s", args[0], err, errOut)
		}
	}
}

func TestPrivateAddressRefusalNamesTheSetting(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body><article><p>internal</p></article></body></html>"))
	}))
	defer srv.Close()
	out, _, err := gazette(t, testEnv(t), "ingest", srv.URL+"/page")
	if err == nil || !strings.Contains(out, "not allowed") || !strings.Contains(out, "GAZETTE_ALLOW_PRIVATE_NETWORKS=true") {
		t.Errorf("ingest of a loopback URL = %v:\n%s", err, out)
	}
	_, _, err = gazette(t, testEnv(t), "feed", "add", srv.URL+"/feed.xml")
	if err == nil || !strings.Contains(err.Error(), "GAZETTE_ALLOW_PRIVATE_NETWORKS=true") {
		t.Errorf("feed add of a loopback URL = %v", err)
	}
}

func TestServeWithRejectedTokenNamesIt(t *testing.T) {
	srv := discordtest.New(t)
	srv.Handle("GET /api/v"+discordgo.APIVersion+"/gateway", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"message": "401: Unauthorized", "code": 0}`))
	})
	env := testEnv(t)
	env["DISCORD_TOKEN"] = "not-a-token"
	env["DISCORD_API_URL"] = srv.URL
	_, _, err := gazette(t, env, "serve")
	if err == nil || !strings.Contains(err.Error(), "check DISCORD_TOKEN") || strings.Contains(err.Error(), `"code"`) {
		t.Errorf("serve with a token refused over HTTP: error = %v", err)
	}

	// The gateway refuses a token with close code 4004.
	srv = discordtest.New(t)
	srv.RejectIdentify(4004, "Authentication failed.")
	env["DISCORD_API_URL"] = srv.URL
	_, _, err = gazette(t, env, "serve")
	if err == nil || !strings.Contains(err.Error(), "check DISCORD_TOKEN") {
		t.Errorf("serve with a token refused by the gateway: error = %v", err)
	}
}

// TestVersionOfBuiltBinary builds the command with version control
// stamping and checks that 'version' and '--version' print the commit.
func TestVersionOfBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skip("not a git checkout: no revision to stamp")
	}
	root := strings.TrimSpace(string(top))
	// Go stamps a build only where .git is a directory; a worktree's is a
	// file, so build from a shared clone of its commit there.
	if st, err := os.Stat(filepath.Join(root, ".git")); err != nil || !st.IsDir() {
		clone := filepath.Join(t.TempDir(), "src")
		if out, err := exec.Command("git", "clone", "-q", "--shared", root, clone).CombinedOutput(); err != nil {
			t.Fatalf("git clone: %v\n%s", err, out)
		}
		head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
		if err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("git", "-C", clone, "checkout", "-q", strings.TrimSpace(string(head))).CombinedOutput(); err != nil {
			t.Fatalf("git checkout: %v\n%s", err, out)
		}
		root = clone
	}
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	rev := strings.TrimSpace(string(head))
	bin := filepath.Join(t.TempDir(), "gazette")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/gazette")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatalf("%s: %v", args[0], err)
		}
		if !strings.HasPrefix(string(out), "gazette ") || !strings.Contains(string(out), "revision "+rev) {
			t.Errorf("%s printed %q, want revision %s", args[0], out, rev)
		}
	}
	out, err := exec.Command(bin, "version", "--json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var v buildVersion
	if err := json.Unmarshal(out, &v); err != nil || v.Revision != rev || v.Go == "" {
		t.Errorf("version --json = %s (%v)", out, err)
	}
}

func TestVersionWithoutStamp(t *testing.T) {
	out := mustGazette(t, testEnv(t), "version")
	if !strings.HasPrefix(out, "gazette ") || !strings.Contains(out, "go1.") {
		t.Errorf("version = %q", out)
	}
}

func TestIngestJSONAndDigestAlias(t *testing.T) {
	env := testEnv(t)
	var rep struct {
		Receipts []jsonReceipt `json:"receipts"`
		New      int           `json:"new"`
		Refused  int           `json:"refused"`
	}
	if err := json.Unmarshal([]byte(mustGazette(t, env, "ingest", "--json", "sample/articles.jsonl")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.New != 5 || rep.Refused != 0 || len(rep.Receipts) != 5 || rep.Receipts[0].Status != "new" || rep.Receipts[0].ArticleID == "" {
		t.Errorf("ingest --json = %+v", rep)
	}
	// --guild still works for digest, as --ns.
	var d1, d2 struct {
		Stories []json.RawMessage `json:"stories"`
	}
	if err := json.Unmarshal([]byte(mustGazette(t, env, "digest", "--guild", "local", "--json")), &d1); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(mustGazette(t, env, "digest", "--ns", "local", "--json")), &d2); err != nil {
		t.Fatal(err)
	}
	if len(d1.Stories) == 0 || len(d1.Stories) != len(d2.Stories) {
		t.Errorf("digest --guild: %d stories, --ns: %d", len(d1.Stories), len(d2.Stories))
	}
	if out := mustGazette(t, env, "digest", "-h"); strings.Contains(out, "--guild") {
		t.Errorf("digest -h still shows the deprecated --guild:\n%s", out)
	}
}

func TestReaderFinishesAnInterruptedUpgrade(t *testing.T) {
	// A store killed while it was being created: its migrations table and
	// no migration yet (each migration commits with its record).
	env := testEnv(t)
	db, err := sql.Open("sqlite", filepath.Join(env["GAZETTE_DATA_DIR"], "gazette.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out := mustGazette(t, env, "check"); !strings.Contains(out, "0 articles") || !strings.Contains(out, "ok: the store is consistent") {
		t.Errorf("check over a store with pending migrations:\n%s", out)
	}
	if out := mustGazette(t, env, "sources"); !strings.Contains(out, "No articles in namespace local") {
		t.Errorf("sources after the upgrade:\n%s", out)
	}
}
