package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gazettebot/gazette/internal/store"
	"github.com/gazettebot/gazette/news"
)

// Crash-test knobs, read from the environment so the long run needs no code
// change: GAZETTE_CRASH_KILLS=60 go test -run TestCrashSafety ./cmd/gazette
const (
	crashKillsEnv    = "GAZETTE_CRASH_KILLS"
	crashSeedEnv     = "GAZETTE_CRASH_SEED"
	crashDefaultKill = 8
	crashArticles    = 160
	crashNS          = "555555555555555555"
)

// TestCrashSafety builds the binary, runs `gazette ingest` on a generated
// JSON Lines corpus with the built-in encoder and kills it with SIGKILL at
// random moments: half of the kills at a random time since start, half just
// after the store's write-ahead log starts changing (so inside or between
// article transactions). After every run, killed or not, `gazette check`
// must pass and the store, opened in-process, must hold every article
// either wholly (body of one corpus edition, every passage of it in order,
// one keyword row per passage that finds it, a unit vector per passage that
// the in-memory index returns first for itself) or not at all. Ingestion is
// then resumed; when a run completes, the corpus moves to its next edition
// (every body changes), so later kills also interrupt updates.
//
// The number of kills defaults to 8 (GAZETTE_CRASH_KILLS overrides it); the
// seed is logged and GAZETTE_CRASH_SEED replays it.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and ingests repeatedly")
	}
	kills := crashDefaultKill
	if v := os.Getenv(crashKillsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", crashKillsEnv, v)
		}
		kills = n
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(crashSeedEnv); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: want a number", crashSeedEnv, v)
		}
		seed = n
	}
	t.Logf("seed %d (replay with %s=%d)", seed, crashSeedEnv, seed)
	rng := rand.New(rand.NewPCG(seed, 0x6761_7a65_7474_65))

	bin := buildCrashBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	dbPath := filepath.Join(data, "gazette.db")
	corpus := filepath.Join(dir, "corpus.jsonl")
	edition := 0
	writeCrashCorpus(t, corpus, edition, crashArticles)
	env := crashEnv(data)

	began := time.Now()
	// Timed kills fall uniformly within horizon of the start: the time of
	// the last run that ingested a whole edition, or until one is seen, a
	// guess raised whenever a timed kill came before any article was
	// written.
	horizon := 3 * time.Second
	measured := false
	var (
		killed, completed, runs int
		writeKills, timedKills  int
		maxPresent, lastCurrent int
	)
	maxRuns := 4*kills + 20
	for killed < kills {
		if runs++; runs > maxRuns {
			t.Fatalf("%d runs gave only %d kills", runs-1, killed)
		}
		cmd := exec.Command(bin, "ingest", "-q", "--ns", crashNS, corpus)
		cmd.Dir, cmd.Env = dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		onWrite := rng.IntN(2) == 0
		delay := time.Duration(rng.Int64N(int64(horizon)))
		// A batch of articles takes some hundreds of milliseconds to write.
		settle := time.Duration(rng.Int64N(int64(500 * time.Millisecond)))

		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		var err error
		if onWrite {
			err = killOnWrite(cmd, exited, dbPath+"-wal", settle, 2*horizon)
		} else {
			err = killAfter(cmd, exited, delay)
		}
		took := time.Since(start)

		how := "completed"
		switch ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus); {
		case ws.Signaled() && ws.Signal() == syscall.SIGKILL:
			killed++
			how = map[bool]string{true: "killed on write", false: "killed at a random time"}[onWrite]
			if onWrite {
				writeKills++
			} else {
				timedKills++
			}
		case err != nil:
			t.Fatalf("run %d: ingest failed unkilled: %v\n%s", runs, err, out.String())
		default:
			completed++
			if lastCurrent == 0 {
				horizon, measured = took, true
			} else if !measured {
				horizon = max(horizon, took)
			}
			if !strings.Contains(out.String(), "0 refused") {
				t.Fatalf("run %d: ingest summary:\n%s", runs, out.String())
			}
			edition++
			writeCrashCorpus(t, corpus, edition, crashArticles)
		}

		if out, err := runCrashCheck(bin, dir, env); err != nil {
			t.Errorf("run %d (%s after %v): gazette check: %v\n%s", runs, how, took.Round(time.Millisecond), err, out)
		}
		present, current, problems := verifyCrashStore(t, dbPath, edition)
		for _, p := range problems {
			t.Errorf("run %d (%s after %v): %s", runs, how, took.Round(time.Millisecond), p)
		}
		maxPresent = max(maxPresent, present)
		t.Logf("run %d: %s after %v; %d articles stored, %d of edition %d", runs, how, took.Round(time.Millisecond), present, current, edition)
		if !measured && how == "killed at a random time" && current == lastCurrent {
			horizon = min(horizon*3/2, time.Minute)
		}
		lastCurrent = current
		if t.Failed() {
			t.Fatalf("stopping after run %d; seed %d", runs, seed)
		}
	}
	t.Logf("%d kills (%d timed, %d on write), %d completed runs, %d editions, up to %d articles present, 0 partial articles, %v",
		killed, timedKills, writeKills, completed, edition, maxPresent, time.Since(began).Round(time.Second))
}

// buildCrashBinary builds the gazette command into a temporary directory.
func buildCrashBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gazette")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// crashEnv is the process environment for the binary: this one's, without
// any Gazette, model or Discord setting, so the built-in encoder is used.
func crashEnv(data string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GAZETTE_") || strings.HasPrefix(k, "OPENAI_") || strings.HasPrefix(k, "DISCORD_") || strings.HasPrefix(k, "LOG_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GAZETTE_DATA_DIR="+data, "LOG_LEVEL=warn")
}

// killAfter kills the process after d unless it exits first, and returns
// its exit error.
func killAfter(cmd *exec.Cmd, exited <-chan error, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case err := <-exited:
		return err
	case <-timer.C:
		_ = cmd.Process.Kill() // SIGKILL
		return <-exited
	}
}

// killOnWrite polls the write-ahead log and kills the process settle after
// it first sees the log change (or after limit), unless it exits first.
func killOnWrite(cmd *exec.Cmd, exited <-chan error, wal string, settle, limit time.Duration) error {
	stamp := func() string {
		fi, err := os.Stat(wal)
		if err != nil || fi.Size() == 0 {
			return "empty" // opening the store creates an empty log
		}
		return fmt.Sprint(fi.Size(), fi.ModTime().UnixNano())
	}
	first := stamp()
	tick := time.NewTicker(500 * time.Microsecond)
	defer tick.Stop()
	deadline := time.After(limit)
	for {
		select {
		case err := <-exited:
			return err
		case <-deadline:
			_ = cmd.Process.Kill()
			return <-exited
		case <-tick.C:
			if stamp() != first {
				return killAfter(cmd, exited, settle)
			}
		}
	}
}

func runCrashCheck(bin, dir string, env []string) (string, error) {
	cmd := exec.Command(bin, "check")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err == nil && !strings.Contains(string(out), "ok: the store is consistent") {
		err = errors.New("no ok line")
	}
	return string(out), err
}

// crashWords make sentences the encoder has real tokens for.
var crashWords = strings.Fields(`council harbour ferry budget river school market railway bridge museum
	station library festival tram mayor workers union hospital weather storm farmers prices housing
	airport tourists police court election minister energy water park teachers students bakery
	fishermen lighthouse orchestra stadium cyclists garden`)

// crashArticle returns article i of a corpus edition: an id, a body of one
// to three paragraphs of about 90 words (so about one passage each), and
// the marker that starts each paragraph, unique to article, edition and
// paragraph.
func crashArticle(i, edition int) (id, title, body string, markers []string) {
	r := rand.New(rand.NewPCG(uint64(i), uint64(edition)))
	paras := 1 + (i*7+edition*3)%3
	var b strings.Builder
	for p := range paras {
		m := fmt.Sprintf("q%dg%dp%d", i, edition, p)
		markers = append(markers, m)
		if p > 0 {
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, "Marker %s opens this paragraph.", m)
		for range 5 {
			var s []string
			for range 16 {
				s = append(s, crashWords[r.IntN(len(crashWords))])
			}
			s[0] = strings.ToUpper(s[0][:1]) + s[0][1:]
			fmt.Fprintf(&b, " %s.", strings.Join(s, " "))
		}
	}
	return fmt.Sprintf("crash-%03d", i), fmt.Sprintf("Story %d, edition %d", i, edition), b.String(), markers
}

// writeCrashCorpus writes the first n articles of an edition as JSON Lines.
func writeCrashCorpus(t *testing.T, path string, edition, n int) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range n {
		id, title, body, _ := crashArticle(i, edition)
		if err := enc.Encode(map[string]string{
			"id": id, "title": title, "body": body, "source": "Crash Courier",
			"url":          fmt.Sprintf("https://courier.example.com/story/%d", i),
			"published_at": time.Date(2026, 11, 1+i%27, 8, 0, 0, 0, time.UTC).Format(time.RFC3339),
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

var markerRE = regexp.MustCompile(`q\d+g\d+p\d+`)

// verifyCrashStore opens the store in-process (rebuilding its in-memory
// index from SQLite) and checks every stored article against the corpus
// editions up to edition. It returns the number of articles present, the
// number of them at the given edition and one sentence per problem found.
func verifyCrashStore(t *testing.T, dbPath string, edition int) (present, current int, problems []string) {
	t.Helper()
	ctx := t.Context()
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		return 0, 0, nil // killed before the store was created
	}
	st, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		return 0, 0, []string{fmt.Sprintf("open store: %v", err)}
	}
	defer st.Close()
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	rep, err := st.Check(ctx)
	if err != nil {
		return 0, 0, []string{fmt.Sprintf("check: %v", err)}
	}
	for _, p := range rep.Problems {
		bad("store check: %s", p)
	}

	bodies := map[string][]string{} // id → body by edition
	for g := 0; g <= edition; g++ {
		for i := range crashArticles {
			id, _, body, _ := crashArticle(i, g)
			bodies[id] = append(bodies[id], body)
		}
	}
	rows, err := st.DB().QueryContext(ctx, `SELECT id, body FROM articles WHERE namespace = ? ORDER BY id`, crashNS)
	if err != nil {
		return 0, 0, []string{fmt.Sprintf("list articles: %v", err)}
	}
	type stored struct{ id, body string }
	var arts []stored
	for rows.Next() {
		var a stored
		if err := rows.Scan(&a.id, &a.body); err != nil {
			rows.Close()
			return 0, 0, []string{fmt.Sprintf("list articles: %v", err)}
		}
		arts = append(arts, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, []string{fmt.Sprintf("list articles: %v", err)}
	}

	fts := map[string]int{}
	frows, err := st.DB().QueryContext(ctx, `SELECT article, count(*) FROM chunks_fts GROUP BY article`)
	if err != nil {
		return 0, 0, []string{fmt.Sprintf("count keyword rows: %v", err)}
	}
	for frows.Next() {
		var id string
		var n int
		if err := frows.Scan(&id, &n); err != nil {
			frows.Close()
			return 0, 0, []string{fmt.Sprintf("count keyword rows: %v", err)}
		}
		fts[id] = n
	}
	frows.Close()

	dim := st.Dim()
	for _, a := range arts {
		g := -1
		for e, b := range bodies[a.id] {
			if b == a.body {
				g = e
			}
		}
		if g < 0 {
			bad("article %s: its body is no edition's (%d bytes)", a.id, len(a.body))
			continue
		}
		if g == edition {
			current++
		}
		i, _ := strconv.Atoi(strings.TrimPrefix(a.id, "crash-"))
		_, _, _, want := crashArticle(i, g)
		chunks, err := st.Chunks(ctx, crashNS, a.id)
		if err != nil {
			bad("article %s: chunks: %v", a.id, err)
			continue
		}
		var got []string
		for k, c := range chunks {
			if c.Position != k {
				bad("article %s: passage %d at position %d", a.id, k, c.Position)
			}
			got = append(got, markerRE.FindAllString(c.Text, -1)...)
			if len(c.Embedding) != dim {
				bad("article %s: passage %d has %d dimensions, want %d", a.id, k, len(c.Embedding), dim)
				continue
			}
			if n := vecNorm(c.Embedding); math.Abs(n-1) > 1e-3 {
				bad("article %s: passage %d has norm %.4f", a.id, k, n)
			}
			hits, err := st.Dense(ctx, crashNS, c.Embedding, 1, news.Filter{})
			if err != nil || len(hits) == 0 || hits[0].Chunk.ID != c.ID {
				bad("article %s: the vector index does not return passage %s for its own vector (%v, %d hits)", a.id, c.ID, err, len(hits))
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			bad("article %s (edition %d): partial: passages hold markers %v, want %v", a.id, g, got, want)
		}
		if fts[a.id] != len(chunks) {
			bad("article %s: %d keyword rows for %d passages", a.id, fts[a.id], len(chunks))
		}
		for k, m := range want {
			hits, err := st.Keyword(ctx, crashNS, []string{m}, 1, news.Filter{})
			if err != nil || len(hits) == 0 || hits[0].Chunk.ArticleID != a.id || !strings.Contains(hits[0].Chunk.Text, m) {
				bad("article %s: keyword search for marker %d (%s) does not find it (%v, %d hits)", a.id, k, m, err, len(hits))
			}
		}
		delete(fts, a.id)
	}
	for id, n := range fts {
		bad("%d keyword rows for article %s, which is not stored", n, id)
	}
	return len(arts), current, problems
}

func vecNorm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// TestVerifyCrashStoreFindsDamage checks that the crash test's verifier
// sees each kind of damage a torn write could leave.
func TestVerifyCrashStoreFindsDamage(t *testing.T) {
	tests := []struct {
		name   string
		damage string // SQL run on the ingested store
		want   string // in one of the problems
		// present and current are the articles the verifier counts.
		present, current int
	}{
		{name: "sound", present: 3, current: 3},
		{name: "last passage lost",
			damage: `DELETE FROM chunks WHERE id = (SELECT max(id) FROM chunks WHERE article_id = 'crash-002')`,
			want:   "crash-002 (edition 0): partial", present: 3, current: 3},
		{name: "body of no edition", damage: `UPDATE articles SET body = substr(body, 1, 200) WHERE id = 'crash-001'`,
			want: "crash-001: its body is no edition's", present: 3, current: 2},
		{name: "keyword row lost", damage: `DELETE FROM chunks_fts WHERE rowid = (SELECT min(seq) FROM chunks WHERE article_id = 'crash-000')`,
			want: "crash-000: 0 keyword rows for 1 passages", present: 3, current: 3},
		{name: "vector truncated", damage: `UPDATE chunks SET embedding = substr(embedding, 1, 16) WHERE article_id = 'crash-001'`,
			want: "open store"},
	}
	data := t.TempDir()
	corpus := filepath.Join(t.TempDir(), "corpus.jsonl")
	writeCrashCorpus(t, corpus, 0, 3)
	env := map[string]string{"GAZETTE_DATA_DIR": data, "LOG_LEVEL": "warn"}
	if out, errOut, err := gazette(t, env, "ingest", "-q", "--ns", crashNS, corpus); err != nil {
		t.Fatalf("ingest: %v\n%s%s", err, out, errOut)
	}
	pristine, err := os.ReadFile(filepath.Join(data, "gazette.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "gazette.db")
			if err := os.WriteFile(db, pristine, 0o600); err != nil {
				t.Fatal(err)
			}
			if tt.damage != "" {
				st, err := store.Open(t.Context(), db, store.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := st.DB().ExecContext(t.Context(), tt.damage); err != nil {
					t.Fatalf("damage: %v", err)
				}
				st.Close()
			}
			present, current, problems := verifyCrashStore(t, db, 0)
			if present != tt.present || current != tt.current {
				t.Errorf("verifyCrashStore() present, current = %d, %d, want %d, %d", present, current, tt.present, tt.current)
			}
			joined := strings.Join(problems, "\n")
			if tt.want == "" && len(problems) > 0 {
				t.Errorf("verifyCrashStore() problems on a sound store:\n%s", joined)
			}
			if tt.want != "" && !strings.Contains(joined, tt.want) {
				t.Errorf("verifyCrashStore() problems lack %q:\n%s", tt.want, joined)
			}
		})
	}
}
