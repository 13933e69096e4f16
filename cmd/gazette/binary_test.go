package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/gazettebot/gazette/internal/discordtest"
)

// TestMain removes the binary the end-to-end tests share.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
	binOut  []byte
)

// testBinary builds the gazette binary once for the tests that run it as a
// user would, and returns its path.
func testBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "gazette-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "gazette")
		build := exec.Command("go", "build", "-o", binPath, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		binOut, binErr = build.CombinedOutput()
	})
	if binErr != nil {
		t.Fatalf("go build: %v\n%s", binErr, binOut)
	}
	return binPath
}

// runBinary runs the built binary with env (and nothing else from the
// test's environment but PATH and HOME) and returns its output.
func runBinary(t *testing.T, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return runBinaryIn(t, t.TempDir(), env, args...) // no .env from the repository
}

// runBinaryIn is runBinary in the working directory dir.
func runBinaryIn(t *testing.T, dir string, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(testBinary(t), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// startServe starts `gazette serve` with env and returns a function that
// stops it; its logs are shown when the test fails.
func startServe(t *testing.T, bin string, env []string) func() {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Dir = t.TempDir()
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			if t.Failed() {
				t.Logf("gazette serve logs:\n%s", logs.String())
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// attachmentSlash is an /ingest with one attached file at fileURL.
func attachmentSlash(fileURL string, size int) *discordgo.Interaction {
	in := discordtest.Slash("111111111111111111", "222222222222222222", discordtest.Member("333333333333333333", discordgo.PermissionManageGuild), "ingest",
		discordtest.Option("file", discordgo.ApplicationCommandOptionAttachment, "att1"))
	cd := in.Data.(discordgo.ApplicationCommandInteractionData)
	cd.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{
		"att1": {ID: "att1", Filename: "notes.txt", ContentType: "text/plain", URL: fileURL, Size: size},
	}}
	in.Data = cd
	return in
}
