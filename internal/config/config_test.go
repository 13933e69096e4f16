package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/joho/godotenv"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaultsOffline(t *testing.T) {
	c, err := Load(env(map[string]string{"GAZETTE_DATA_DIR": "data"}))
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if c.ChatEnabled() {
		t.Errorf("ChatEnabled() = true with no model configured")
	}
	if c.Embedder != EmbedderBuiltin {
		t.Errorf("Embedder = %q, want %q", c.Embedder, EmbedderBuiltin)
	}
	if c.FetchMaxBytes != 10<<20 || c.FetchTimeout != 20*time.Second {
		t.Errorf("fetch limits = %d, %v", c.FetchMaxBytes, c.FetchTimeout)
	}
	if c.FeedHosts != 16 {
		t.Errorf("FeedHosts = %d, want 16", c.FeedHosts)
	}
}

func TestLoadFeedHosts(t *testing.T) {
	c, err := Load(env(map[string]string{"GAZETTE_DATA_DIR": "d", "GAZETTE_FEED_HOSTS": "4"}))
	if err != nil || c.FeedHosts != 4 {
		t.Errorf("Load(GAZETTE_FEED_HOSTS=4) = %d, %v; want 4", c.FeedHosts, err)
	}
	for _, v := range []string{"0", "-3", "many", "2000"} {
		_, err := Load(env(map[string]string{"GAZETTE_DATA_DIR": "d", "GAZETTE_FEED_HOSTS": v}))
		if err == nil || !strings.Contains(err.Error(), "GAZETTE_FEED_HOSTS must be a whole number from 1 to 1024") {
			t.Errorf("Load(GAZETTE_FEED_HOSTS=%s) error = %v, want the allowed range", v, err)
		}
	}
}

func TestLoadDigestLease(t *testing.T) {
	c, err := Load(env(map[string]string{"GAZETTE_DATA_DIR": "d"}))
	if err != nil || c.DigestLease != 2*time.Minute {
		t.Errorf("Load() digest lease = %v, %v; want 2m", c.DigestLease, err)
	}
	c, err = Load(env(map[string]string{"GAZETTE_DATA_DIR": "d", "GAZETTE_DIGEST_LEASE": "30s"}))
	if err != nil || c.DigestLease != 30*time.Second {
		t.Errorf("Load(GAZETTE_DIGEST_LEASE=30s) = %v, %v; want 30s", c.DigestLease, err)
	}
	for _, v := range []string{"1s", "0", "-1m", "soon"} {
		if _, err := Load(env(map[string]string{"GAZETTE_DATA_DIR": "d", "GAZETTE_DIGEST_LEASE": v})); err == nil ||
			!strings.Contains(err.Error(), "GAZETTE_DIGEST_LEASE must be") {
			t.Errorf("Load(GAZETTE_DIGEST_LEASE=%s) error = %v, want it refused", v, err)
		}
	}
}

func TestLoadKeyImpliesChatModel(t *testing.T) {
	c, err := Load(env(map[string]string{"GAZETTE_DATA_DIR": "d", "OPENAI_API_KEY": "sk-x"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ChatModel != DefaultChatModel || c.EmbedAPIKey != "sk-x" {
		t.Errorf("ChatModel = %q, EmbedAPIKey = %q", c.ChatModel, c.EmbedAPIKey)
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(env(map[string]string{
		"GAZETTE_DATA_DIR":      "d",
		"LOG_LEVEL":             "loud",
		"GAZETTE_EMBEDDER":      "magic",
		"GAZETTE_FETCH_TIMEOUT": "soon",
		"OPENAI_BASE_URL":       "ftp://x",
		"DISCORD_SHARD_ID":      "3",
		"DISCORD_SHARD_COUNT":   "2",
		"GAZETTE_CONTACT":       "ops@example.org)\r\nX-Evil: 1",
	}))
	if err == nil {
		t.Fatal("Load() error = nil, want problems")
	}
	for _, want := range []string{"LOG_LEVEL", "GAZETTE_EMBEDDER", "GAZETTE_FETCH_TIMEOUT", "OPENAI_BASE_URL", "GAZETTE_CHAT_MODEL", "DISCORD_SHARD_ID", "GAZETTE_CONTACT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
}

func TestOpenAIEmbedderNeedsModel(t *testing.T) {
	_, err := Load(env(map[string]string{"GAZETTE_DATA_DIR": "d", "GAZETTE_EMBEDDER": "openai", "OPENAI_API_KEY": "k"}))
	if err == nil || !strings.Contains(err.Error(), "GAZETTE_EMBED_MODEL") {
		t.Fatalf("Load() error = %v, want GAZETTE_EMBED_MODEL required", err)
	}
}

func TestLogAttrsHideSecrets(t *testing.T) {
	c, err := Load(env(map[string]string{"GAZETTE_DATA_DIR": "d", "OPENAI_API_KEY": "sk-secret", "DISCORD_TOKEN": "tok-secret"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range c.LogAttrs() {
		if s, ok := a.(string); ok && strings.Contains(s, "secret") {
			t.Errorf("LogAttrs leaks %q", s)
		}
	}
}

// TestEnvExample checks that .env.example passes validation and documents
// every key Load reads, and nothing else.
func TestEnvExample(t *testing.T) {
	f, err := os.Open("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := godotenv.Parse(f)
	if err != nil {
		t.Fatalf("parse .env.example: %v", err)
	}
	if _, err := Load(env(m)); err != nil {
		t.Errorf("Load(.env.example) error = %v", err)
	}
	for _, k := range Keys {
		if _, ok := m[k]; !ok {
			t.Errorf(".env.example lacks %s", k)
		}
	}
	for k := range m {
		if !slices.Contains(Keys, k) {
			t.Errorf(".env.example has %s, which Load does not read", k)
		}
	}
}

// TestKeysComplete checks that Keys names exactly the variables Load reads.
func TestKeysComplete(t *testing.T) {
	read := map[string]bool{}
	_, _ = Load(func(k string) string { read[k] = true; return "" })
	for k := range read {
		if !slices.Contains(Keys, k) {
			t.Errorf("Load reads %s, missing from Keys", k)
		}
	}
	for _, k := range Keys {
		if !read[k] {
			t.Errorf("Keys lists %s, which Load never reads", k)
		}
	}
}

func TestLoadDataDirThatIsAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "gazette.db")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(env(map[string]string{"GAZETTE_DATA_DIR": file, "LOG_LEVEL": "loud"}))
	if err == nil {
		t.Fatal("Load() error = nil for a data directory that is a file")
	}
	// Reported with the other problems, at once.
	for _, want := range []string{"GAZETTE_DATA_DIR", "is a file", "LOG_LEVEL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestUnknownKeysSuggestNearest(t *testing.T) {
	got := UnknownKeys([]string{"PATH", "GAZETTE_EMBEDDR", "GAZETTE_DATA_DIR", "DISCORD_TOKN", "GAZETTE_EVALS", "GAZETTE_ZZZZZZZZZZZZZZZZZZZZZZ", "GAZETTE_EMBEDDR"}, ".env")
	if len(got) != 3 {
		t.Fatalf("UnknownKeys = %q, want 3 warnings", got)
	}
	for i, want := range []string{"did you mean GAZETTE_EMBEDDER?", "did you mean DISCORD_TOKEN?", "see .env.example"} {
		if !strings.Contains(got[i], want) || !strings.Contains(got[i], ".env") {
			t.Errorf("warning %d = %q, want %q", i, got[i], want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"GAZETTE_EMBEDDR", "GAZETTE_EMBEDDER", 1}} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestDatabaseURL(t *testing.T) {
	c, err := Load(env(map[string]string{"GAZETTE_DATA_DIR": "d",
		"GAZETTE_DATABASE_URL": "postgres://gazette:pw-secret@db.internal:5432/gazette?sslmode=require"}))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Backend(), "postgres db.internal:5432/gazette"; got != want {
		t.Errorf("Backend() = %q, want %q", got, want)
	}
	for _, a := range c.LogAttrs() {
		if s, ok := a.(string); ok && strings.Contains(s, "secret") {
			t.Errorf("LogAttrs leaks %q", s)
		}
	}
	if c, err := Load(env(map[string]string{"GAZETTE_DATA_DIR": "d"})); err != nil || c.Backend() != "sqlite "+filepath.Join("d", "gazette.db") {
		t.Errorf("Backend() with no database URL = %q, %v; want the SQLite file", c.Backend(), err)
	}
	_, err = Load(env(map[string]string{"GAZETTE_DATA_DIR": "d", "GAZETTE_DATABASE_URL": "mysql://u:pw-secret@h/db"}))
	if err == nil || !strings.Contains(err.Error(), "GAZETTE_DATABASE_URL") || strings.Contains(err.Error(), "secret") {
		t.Errorf("Load() with a mysql URL: error = %v, want one naming the variable without its value", err)
	}
}

func TestReadDotEnvNeverEchoesValues(t *testing.T) {
	const secret = "secret-token-XYZ"
	tests := []struct {
		name, src, want string
	}{
		{name: "unterminated quote", src: "# settings\nLOG_LEVEL=info\n\nDISCORD_TOKEN='" + secret + "\nOTHER=1\n",
			want: "line 4 (DISCORD_TOKEN): a quoted value is not closed"},
		{name: "unterminated double quote at the end", src: "OPENAI_API_KEY=\"" + secret,
			want: "line 1 (OPENAI_API_KEY): a quoted value is not closed"},
		{name: "bad name", src: "LOG_LEVEL=info\nDISCORD-TOKEN=" + secret + "\n",
			want: "line 2: a variable name has a character"},
		{name: "after a multi-line value", src: "A=\"one\ntwo\"\nB='" + secret + "\n",
			want: "line 3 (B): a quoted value is not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), ".env")
			if err := os.WriteFile(path, []byte(tt.src), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadDotEnv(path)
			if err == nil {
				t.Fatal("ReadDotEnv() error = nil, want one")
			}
			if strings.Contains(err.Error(), "XYZ") || strings.Contains(err.Error(), "secret") {
				t.Errorf("ReadDotEnv() error = %q echoes the value", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadDotEnv() error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadDotEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	if _, err := ReadDotEnv(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadDotEnv(missing) error = %v, want fs.ErrNotExist", err)
	}
	if err := os.WriteFile(path, []byte("export LOG_LEVEL=debug\nDISCORD_TOKEN='a b'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDotEnv(path)
	if err != nil {
		t.Fatalf("ReadDotEnv() error = %v", err)
	}
	if got["LOG_LEVEL"] != "debug" || got["DISCORD_TOKEN"] != "a b" {
		t.Errorf("ReadDotEnv() = %v", got)
	}
}

func TestLoadErrorsNeverEchoValues(t *testing.T) {
	const secret = "sk-secret-value-123"
	vals := map[string]string{"GAZETTE_DATA_DIR": "d"}
	for _, k := range []string{"LOG_LEVEL", "LOG_FORMAT", "GAZETTE_EMBEDDER", "GAZETTE_EMBED_DIM", "GAZETTE_FETCH_TIMEOUT",
		"GAZETTE_ALLOW_PRIVATE_NETWORKS", "OPENAI_BASE_URL", "DISCORD_API_URL", "GAZETTE_EMBED_BASE_URL", "DISCORD_SHARD_COUNT"} {
		vals[k] = secret
	}
	_, err := Load(env(vals))
	if err == nil {
		t.Fatal("Load() error = nil, want problems")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("Load() error echoes a value:\n%v", err)
	}
}
