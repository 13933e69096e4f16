package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/gazettebot/gazette/internal/discordtest"
)

// TestServeBinaryAgainstFakeDiscord builds the real binary and points
// DISCORD_API_URL at a local fake Discord: no code changes, the same
// configuration a REST proxy would take. It asks a question over the
// gateway, checks the deferral, the cited answer and its mentions, the
// admin endpoints, and a clean exit on SIGTERM.
func TestServeBinaryAgainstFakeDiscord(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "gazette")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	const guild = "111111111111111111"
	data := t.TempDir()
	env := map[string]string{"GAZETTE_DATA_DIR": data, "LOG_LEVEL": "warn"}
	if out, errOut, err := gazette(t, env, "ingest", "--ns", guild, "sample/articles.jsonl"); err != nil {
		t.Fatalf("ingest: %v\n%s%s", err, out, errOut)
	}

	srv := discordtest.New(t)
	admin := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"GAZETTE_DATA_DIR="+data,
		"DISCORD_TOKEN=test-token",
		"DISCORD_API_URL="+srv.URL,
		"GAZETTE_HTTP_ADDR="+admin,
		"LOG_LEVEL=info",
		"LOG_FORMAT=json",
	)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("gazette serve logs:\n%s", logs.String())
		}
	})

	srv.WaitConnected()
	srv.Wait(0, func(c discordtest.Call) bool { return c.Method == "PUT" && strings.Contains(c.Path, "/commands") })

	n := srv.Len()
	in := srv.PushInteraction(discordtest.Slash(guild, "222222222222222222", discordtest.Member("333333333333333333", 0), "ask",
		discordtest.Option("question", discordgo.ApplicationCommandOptionString, "What interest rate did the central bank keep?")))
	final := srv.Wait(n, func(c discordtest.Call) bool {
		return c.Method == "PATCH" && c.Params["token"] == in.Token && strings.Contains(c.Content(), "Sources")
	})
	calls := srv.Calls()[n:]
	first := calls[0]
	if first.Method != "POST" || !strings.HasSuffix(first.Path, "/callback") {
		t.Errorf("first call after the interaction is %s %s, want the deferral", first.Method, first.Path)
	}
	if !strings.Contains(final.Content(), "4.25%") || !strings.Contains(final.Content(), "[1]") || !strings.Contains(final.Content(), "Harbor City Ledger") {
		t.Errorf("final answer lacks the cited fact:\n%s", final.Content())
	}
	for _, c := range srv.Calls()[n:] {
		if c.Method == "PATCH" || (c.Method == "POST" && !strings.HasSuffix(c.Path, "/callback")) {
			am := c.AllowedMentions()
			if am == nil {
				t.Errorf("%s %s sent no allowed_mentions", c.Method, c.Path)
			} else if p, ok := am["parse"].([]any); !ok || len(p) != 0 {
				t.Errorf("%s %s allowed_mentions = %v, want parse []", c.Method, c.Path, am)
			}
		}
	}

	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "", "/metrics": "gazette_questions_total"} {
		resp, err := http.Get("http://" + admin + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s = %d %q, want 200 containing %q", path, resp.StatusCode, firstLine(string(body)), want)
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("gazette serve exited with %v after SIGTERM", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("gazette serve did not stop within 30 s of SIGTERM")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
