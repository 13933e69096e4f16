package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazettebot/gazette/internal/discordtest"
)

// TestEmptyDatabaseFailsClosed: a 0-byte database file is refused by every
// command with a message that says what was found, and is left as it was.
func TestEmptyDatabaseFailsClosed(t *testing.T) {
	data := t.TempDir()
	db := filepath.Join(data, "gazette.db")
	if err := os.WriteFile(db, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check"}, {"ask", "what happened?"}, {"ingest", "sample/articles.jsonl"}} {
		if args[0] == "ingest" {
			abs, err := filepath.Abs(args[1])
			if err != nil {
				t.Fatal(err)
			}
			args[1] = abs
		}
		out, errOut, err := runBinary(t, []string{"GAZETTE_DATA_DIR=" + data}, args...)
		if err == nil {
			t.Errorf("gazette %s succeeded on a 0-byte database:\n%s", args[0], out)
			continue
		}
		if !strings.Contains(errOut, "empty (0-byte) file") || strings.Contains(out, "consistent") {
			t.Errorf("gazette %s: stderr = %q, want it to say the file is empty", args[0], errOut)
		}
	}
	if st, err := os.Stat(db); err != nil || st.Size() != 0 {
		t.Errorf("the refused file changed: %v, %v", st, err)
	}
}

// TestSecondServeRefused: a second `gazette serve` on a data directory
// another one serves exits at once, naming the first one's process; the
// command line still ingests beside the first.
func TestSecondServeRefused(t *testing.T) {
	bin := testBinary(t)
	data := t.TempDir()
	srv := discordtest.New(t)
	env := []string{"GAZETTE_DATA_DIR=" + data, "DISCORD_TOKEN=test-token", "DISCORD_API_URL=" + srv.URL, "LOG_LEVEL=warn"}

	first := exec.Command(bin, "serve")
	first.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	first.Dir = t.TempDir()
	var logs bytes.Buffer
	first.Stdout, first.Stderr = &logs, &logs
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = first.Process.Kill()
		_ = first.Wait()
		if t.Failed() {
			t.Logf("first serve:\n%s", logs.String())
		}
	})
	srv.WaitConnected()

	start := time.Now()
	_, errOut, err := runBinary(t, env, "serve")
	if err == nil {
		t.Fatal("second gazette serve succeeded")
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("second serve took %v to give up", d)
	}
	want := fmt.Sprintf("pid %d, gazette serve", first.Process.Pid)
	if !strings.Contains(errOut, want) || !strings.Contains(errOut, "in use by another process") {
		t.Errorf("second serve said %q, want it to name the first (%q)", errOut, want)
	}

	corpus, err := filepath.Abs("sample/articles.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if out, errOut, err := runBinary(t, env[:1], "ingest", corpus); err != nil {
		t.Errorf("ingest beside serve: %v\n%s%s", err, out, errOut)
	}
}

// TestServePicksUpCommandLineIngest: articles `gazette ingest` writes
// while `gazette serve` runs reach serve's in-memory index without a
// restart.
func TestServePicksUpCommandLineIngest(t *testing.T) {
	bin := testBinary(t)
	data := t.TempDir()
	srv := discordtest.New(t)
	var logs syncBuffer
	cmd := exec.Command(bin, "serve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "GAZETTE_DATA_DIR=" + data,
		"DISCORD_TOKEN=test-token", "DISCORD_API_URL=" + srv.URL, "LOG_LEVEL=debug"}
	cmd.Dir = t.TempDir()
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("serve logs:\n%s", logs.String())
		}
	})
	srv.WaitConnected()

	corpus, err := filepath.Abs("sample/articles.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if out, errOut, err := runBinary(t, []string{"GAZETTE_DATA_DIR=" + data}, "ingest", corpus); err != nil {
		t.Fatalf("ingest beside serve: %v\n%s%s", err, out, errOut)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(logs.String(), "followed store changes") {
		if time.Now().After(deadline) {
			t.Fatal("serve never applied the command line's ingest")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCheckDuringIngest: `gazette check` run again and again while another
// process ingests reports no problem: it reads one snapshot.
func TestCheckDuringIngest(t *testing.T) {
	bin := testBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	corpus := filepath.Join(dir, "corpus.jsonl")
	env := []string{"GAZETTE_DATA_DIR=" + data, "LOG_LEVEL=warn"}
	// The store exists before the checks start.
	writeCrashCorpus(t, corpus, 0, 2)
	if out, errOut, err := runBinary(t, env, "ingest", corpus); err != nil {
		t.Fatalf("ingest: %v\n%s%s", err, out, errOut)
	}
	writeCrashCorpus(t, corpus, 1, 40)
	ingest := exec.Command(bin, "ingest", corpus)
	ingest.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	ingest.Dir = t.TempDir()
	var ingestOut syncBuffer
	ingest.Stdout, ingest.Stderr = &ingestOut, &ingestOut
	if err := ingest.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- ingest.Wait() }()
	checks := 0
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("ingest: %v\n%s", err, ingestOut.String())
			}
			running = false
		default:
		}
		out, errOut, err := runBinary(t, env, "check")
		checks++
		if err != nil || !strings.Contains(out, "consistent") {
			t.Fatalf("check %d during ingest: %v\n%s%s", checks, err, out, errOut)
		}
	}
	t.Logf("%d checks during the ingest", checks)
}
