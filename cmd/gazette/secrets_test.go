package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/internal/discordtest"
)

// Recognisable secrets: no output, log line or error may contain them.
const (
	secretOpenAIKey    = "sk-OPENAI-SECRET-5f3a9c"
	secretDiscordToken = "DISCORD-SECRET-TOKEN-7b1e2d"
)

func checkNoSecret(t *testing.T, what string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		for _, sec := range []string{secretOpenAIKey, secretDiscordToken, "SECRET"} {
			if strings.Contains(s, sec) {
				t.Errorf("%s contains a secret (%q):\n%s", what, sec, s)
			}
		}
	}
}

// TestAskNeverPrintsTheAPIKey runs `gazette ask` against a model endpoint
// that echoes the Authorization header in its error bodies, at debug
// level, as text and as JSON, for a failing server that is retried and
// one that refuses the key.
func TestAskNeverPrintsTheAPIKey(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusUnauthorized} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			var calls int
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls++
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Retry-After-Ms", "1")
				w.WriteHeader(status)
				auth := r.Header.Get("Authorization")
				fmt.Fprintf(w, `{"error":{"message":"rejected %s","type":"auth","param":%q,"code":%q}}`, auth, auth, auth)
			}))
			t.Cleanup(srv.Close)
			data := t.TempDir()
			corpus, err := filepath.Abs("sample/articles.jsonl")
			if err != nil {
				t.Fatal(err)
			}
			if out, errOut, err := runBinary(t, []string{"GAZETTE_DATA_DIR=" + data}, "ingest", corpus); err != nil {
				t.Fatalf("ingest: %v\n%s%s", err, out, errOut)
			}
			env := []string{"GAZETTE_DATA_DIR=" + data, "OPENAI_API_KEY=" + secretOpenAIKey, "OPENAI_BASE_URL=" + srv.URL + "/v1",
				"GAZETTE_CHAT_MODEL=m", "LOG_LEVEL=debug", "DISCORD_TOKEN=" + secretDiscordToken}
			for _, format := range []string{"text", "json"} {
				out, errOut, _ := runBinary(t, append(env, "LOG_FORMAT="+format), "ask", "What interest rate did the central bank keep?")
				checkNoSecret(t, "ask output ("+format+")", out, errOut)
				out, errOut, _ = runBinary(t, append(env, "LOG_FORMAT="+format), "ask", "--json", "What interest rate did the central bank keep?")
				checkNoSecret(t, "ask --json output ("+format+")", out, errOut)
				if !strings.Contains(errOut, "[redacted]") {
					t.Errorf("ask (%s) logged no redacted error; the test did not see the echo:\n%s", format, errOut)
				}
			}
			if calls == 0 {
				t.Error("the model endpoint was never called")
			}
		})
	}
}

// TestServeNeverPrintsTheToken runs `gazette serve` against a fake Discord
// that refuses the token with a 401 whose body echoes the Authorization
// header.
func TestServeNeverPrintsTheToken(t *testing.T) {
	srv := discordtest.New(t)
	srv.Handle("GET /api/v9/gateway", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"message": "401: Unauthorized (%s)", "code": 0}`, r.Header.Get("Authorization"))
	})
	for _, format := range []string{"text", "json"} {
		out, errOut, err := runBinary(t, []string{"GAZETTE_DATA_DIR=" + t.TempDir(), "DISCORD_TOKEN=" + secretDiscordToken,
			"DISCORD_API_URL=" + srv.URL, "LOG_LEVEL=debug", "LOG_FORMAT=" + format, "OPENAI_API_KEY=" + secretOpenAIKey}, "serve")
		if err == nil {
			t.Fatalf("serve succeeded with a refused token:\n%s%s", out, errOut)
		}
		checkNoSecret(t, "serve output ("+format+")", out, errOut)
		if !strings.Contains(errOut, "401") {
			t.Errorf("serve (%s) did not report the refusal:\n%s", format, errOut)
		}
	}
}

// TestMalformedDotEnvNeverEchoesValues: a .env whose quoted token is not
// closed is reported by line and name, without the value.
func TestMalformedDotEnvNeverEchoesValues(t *testing.T) {
	dir := t.TempDir()
	env := "# Gazette\nLOG_LEVEL=info\nDISCORD_TOKEN='" + secretDiscordToken + "\nOPENAI_API_KEY=" + secretOpenAIKey + "\n"
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runBinaryIn(t, dir, []string{"GAZETTE_DATA_DIR=" + t.TempDir()}, "check")
	if err == nil {
		t.Fatalf("check succeeded with a malformed .env:\n%s", out)
	}
	checkNoSecret(t, "check output", out, errOut)
	if want := "line 3 (DISCORD_TOKEN): a quoted value is not closed"; !strings.Contains(errOut, want) {
		t.Errorf("stderr = %q, want it to contain %q", errOut, want)
	}
}

// TestAttachmentOnLoopbackRefusedByServe: with private networks closed
// (the default), `gazette serve` refuses an attachment served on
// 127.0.0.1, even from the REST proxy's own host, and never fetches it.
func TestAttachmentOnLoopbackRefusedByServe(t *testing.T) {
	bin := testBinary(t)
	srv := discordtest.New(t)
	stop := startServe(t, bin, []string{"GAZETTE_DATA_DIR=" + t.TempDir(), "DISCORD_TOKEN=test-token", "DISCORD_API_URL=" + srv.URL, "LOG_LEVEL=warn"})
	defer stop()
	srv.WaitConnected()
	srv.Wait(0, func(c discordtest.Call) bool { return c.Method == "PUT" && strings.Contains(c.Path, "/commands") })

	data := []byte("A file on loopback.")
	fileURL := srv.AddAttachment("notes.txt", "text/plain", data)
	n := srv.Len()
	in := srv.PushInteraction(attachmentSlash(fileURL, len(data)))
	e := srv.Wait(n, func(c discordtest.Call) bool {
		return c.Method == "PATCH" && c.Params["token"] == in.Token && strings.Contains(c.Content(), "I couldn't add that")
	})
	if !strings.Contains(e.Content(), "not allowed") {
		t.Errorf("reply = %q, want the address refusal", e.Content())
	}
	for _, c := range srv.Calls()[n:] {
		if strings.Contains(c.Path, "/attachments/") {
			t.Errorf("serve fetched the attachment: %s %s", c.Method, c.Path)
		}
	}
}
