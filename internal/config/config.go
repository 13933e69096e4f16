// Package config reads Gazette's settings from the environment. It is the
// only code that reads environment variables; everything else receives a
// [Config].
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Embedder names accepted by GAZETTE_EMBEDDER.
const (
	EmbedderBuiltin = "builtin"
	EmbedderOpenAI  = "openai"
)

// DefaultChatModel is used when OPENAI_API_KEY is set without GAZETTE_CHAT_MODEL.
const DefaultChatModel = "gpt-4o-mini"

// Config holds every setting. The zero value is not valid; use [Load].
type Config struct {
	DataDir string // GAZETTE_DATA_DIR
	// DatabaseURL selects PostgreSQL (GAZETTE_DATABASE_URL, a secret: it
	// may hold a password); empty means the SQLite file in DataDir.
	DatabaseURL string
	DBMaxConns  int           // GAZETTE_DB_MAX_CONNS: PostgreSQL pool size per process
	FeedLease   time.Duration // GAZETTE_FEED_LEASE: how long a process holds the feeds it polls
	LogLevel    string        // LOG_LEVEL: debug, info, warn, error
	LogFormat   string        // LOG_FORMAT: text or json

	// Chat model (OpenAI-compatible). Empty ChatModel means offline,
	// extractive answers.
	OpenAIAPIKey  string // OPENAI_API_KEY (secret)
	OpenAIBaseURL string // OPENAI_BASE_URL
	ChatModel     string // GAZETTE_CHAT_MODEL
	LLMTimeout    time.Duration

	// Embeddings.
	Embedder       string // GAZETTE_EMBEDDER: builtin or openai
	EmbedModel     string // GAZETTE_EMBED_MODEL
	EmbedBaseURL   string // GAZETTE_EMBED_BASE_URL (defaults to OPENAI_BASE_URL)
	EmbedAPIKey    string // GAZETTE_EMBED_API_KEY (secret; defaults to OPENAI_API_KEY)
	EmbedDim       int    // GAZETTE_EMBED_DIM (0: learn from the endpoint)
	EmbedBatchSize int    // GAZETTE_EMBED_BATCH

	// Discord.
	DiscordToken      string // DISCORD_TOKEN (secret)
	DiscordAPIURL     string // DISCORD_API_URL (a REST proxy or a fake)
	DiscordDevGuildID string // DISCORD_DEV_GUILD_ID
	ShardID           int    // DISCORD_SHARD_ID
	ShardCount        int    // DISCORD_SHARD_COUNT
	ManagerRoleID     string // GAZETTE_MANAGER_ROLE_ID
	MaxConcurrent     int    // GAZETTE_MAX_CONCURRENT_ANSWERS
	UserRatePerMinute int    // GAZETTE_USER_QUESTIONS_PER_MINUTE
	AnswerTimeout     time.Duration

	HTTPAddr string // GAZETTE_HTTP_ADDR: admin listener; empty disables it

	// Fetching.
	AllowPrivateNetworks bool          // GAZETTE_ALLOW_PRIVATE_NETWORKS
	FetchMaxBytes        int64         // GAZETTE_FETCH_MAX_BYTES
	FetchTimeout         time.Duration // GAZETTE_FETCH_TIMEOUT
	FeedInterval         time.Duration // GAZETTE_FEED_INTERVAL
	// FeedHosts is how many hosts' feeds are polled at once (each host's
	// feeds in turn).
	FeedHosts int // GAZETTE_FEED_HOSTS
	// Contact is put in the User-Agent of every fetch so site operators can
	// reach whoever runs the bot (an e-mail address or a URL).
	Contact string // GAZETTE_CONTACT

	// Digest.
	DigestLateWindow time.Duration // GAZETTE_DIGEST_LATE_WINDOW
	DigestSweep      time.Duration // GAZETTE_DIGEST_SWEEP: how often due digests are looked for
	DigestLease      time.Duration // GAZETTE_DIGEST_LEASE: how long a claim on a day's digest lasts unless renewed
	DigestMaxStories int           // GAZETTE_DIGEST_MAX_STORIES
	DigestEmptyNote  bool          // GAZETTE_DIGEST_EMPTY_NOTE
}

// Keys lists every environment variable Load reads.
var Keys = []string{
	"GAZETTE_DATA_DIR", "GAZETTE_DATABASE_URL", "GAZETTE_DB_MAX_CONNS", "GAZETTE_FEED_LEASE", "LOG_LEVEL", "LOG_FORMAT",
	"OPENAI_API_KEY", "OPENAI_BASE_URL", "GAZETTE_CHAT_MODEL", "GAZETTE_LLM_TIMEOUT",
	"GAZETTE_EMBEDDER", "GAZETTE_EMBED_MODEL", "GAZETTE_EMBED_BASE_URL", "GAZETTE_EMBED_API_KEY",
	"GAZETTE_EMBED_DIM", "GAZETTE_EMBED_BATCH",
	"DISCORD_TOKEN", "DISCORD_API_URL", "DISCORD_DEV_GUILD_ID", "DISCORD_SHARD_ID", "DISCORD_SHARD_COUNT",
	"GAZETTE_MANAGER_ROLE_ID", "GAZETTE_MAX_CONCURRENT_ANSWERS", "GAZETTE_USER_QUESTIONS_PER_MINUTE",
	"GAZETTE_ANSWER_TIMEOUT", "GAZETTE_HTTP_ADDR",
	"GAZETTE_ALLOW_PRIVATE_NETWORKS", "GAZETTE_FETCH_MAX_BYTES", "GAZETTE_FETCH_TIMEOUT", "GAZETTE_FEED_INTERVAL", "GAZETTE_FEED_HOSTS",
	"GAZETTE_CONTACT", "GAZETTE_DIGEST_LATE_WINDOW", "GAZETTE_DIGEST_SWEEP", "GAZETTE_DIGEST_LEASE", "GAZETTE_DIGEST_MAX_STORIES", "GAZETTE_DIGEST_EMPTY_NOTE",
}

// Load reads the configuration through getenv (os.Getenv in production, a
// map in tests), applies defaults and validates it, reporting every problem
// at once. The problems name the variable, never its value: a value in the
// wrong variable may be a secret.
func Load(getenv func(string) string) (Config, error) {
	p := parser{getenv: getenv}
	c := Config{
		DataDir:     p.str("GAZETTE_DATA_DIR", defaultDataDir()),
		DatabaseURL: p.str("GAZETTE_DATABASE_URL", ""),
		DBMaxConns:  p.integer("GAZETTE_DB_MAX_CONNS", 8, 1, 1000),
		FeedLease:   p.duration("GAZETTE_FEED_LEASE", 10*time.Minute),
		LogLevel:    strings.ToLower(p.str("LOG_LEVEL", "info")),
		LogFormat:   strings.ToLower(p.str("LOG_FORMAT", "text")),

		OpenAIAPIKey:  p.str("OPENAI_API_KEY", ""),
		OpenAIBaseURL: p.str("OPENAI_BASE_URL", ""),
		ChatModel:     p.str("GAZETTE_CHAT_MODEL", ""),
		LLMTimeout:    p.duration("GAZETTE_LLM_TIMEOUT", 60*time.Second),

		Embedder:       strings.ToLower(p.str("GAZETTE_EMBEDDER", EmbedderBuiltin)),
		EmbedModel:     p.str("GAZETTE_EMBED_MODEL", ""),
		EmbedBaseURL:   p.str("GAZETTE_EMBED_BASE_URL", ""),
		EmbedAPIKey:    p.str("GAZETTE_EMBED_API_KEY", ""),
		EmbedDim:       p.integer("GAZETTE_EMBED_DIM", 0, 0, 1<<16),
		EmbedBatchSize: p.integer("GAZETTE_EMBED_BATCH", 256, 1, 2048),

		DiscordToken:      p.str("DISCORD_TOKEN", ""),
		DiscordAPIURL:     p.str("DISCORD_API_URL", ""),
		DiscordDevGuildID: p.str("DISCORD_DEV_GUILD_ID", ""),
		ShardID:           p.integer("DISCORD_SHARD_ID", 0, 0, 1<<20),
		ShardCount:        p.integer("DISCORD_SHARD_COUNT", 1, 1, 1<<20),
		ManagerRoleID:     p.str("GAZETTE_MANAGER_ROLE_ID", ""),
		MaxConcurrent:     p.integer("GAZETTE_MAX_CONCURRENT_ANSWERS", 8, 1, 1024),
		UserRatePerMinute: p.integer("GAZETTE_USER_QUESTIONS_PER_MINUTE", 6, 1, 1000),
		AnswerTimeout:     p.duration("GAZETTE_ANSWER_TIMEOUT", 2*time.Minute),

		HTTPAddr: p.str("GAZETTE_HTTP_ADDR", ""),

		AllowPrivateNetworks: p.boolean("GAZETTE_ALLOW_PRIVATE_NETWORKS", false),
		FetchMaxBytes:        int64(p.integer("GAZETTE_FETCH_MAX_BYTES", 10<<20, 1024, 1<<30)),
		FetchTimeout:         p.duration("GAZETTE_FETCH_TIMEOUT", 20*time.Second),
		FeedInterval:         p.duration("GAZETTE_FEED_INTERVAL", 30*time.Minute),
		FeedHosts:            p.integer("GAZETTE_FEED_HOSTS", 16, 1, 1024),
		Contact:              p.str("GAZETTE_CONTACT", ""),

		DigestLateWindow: p.duration("GAZETTE_DIGEST_LATE_WINDOW", 6*time.Hour),
		DigestSweep:      p.duration("GAZETTE_DIGEST_SWEEP", 5*time.Minute),
		DigestLease:      p.duration("GAZETTE_DIGEST_LEASE", 2*time.Minute),
		DigestMaxStories: p.integer("GAZETTE_DIGEST_MAX_STORIES", 8, 1, 25),
		DigestEmptyNote:  p.boolean("GAZETTE_DIGEST_EMPTY_NOTE", true),
	}
	if c.ChatModel == "" && c.OpenAIAPIKey != "" {
		c.ChatModel = DefaultChatModel
	}
	if c.EmbedBaseURL == "" {
		c.EmbedBaseURL = c.OpenAIBaseURL
	}
	if c.EmbedAPIKey == "" {
		c.EmbedAPIKey = c.OpenAIAPIKey
	}

	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		p.fail("LOG_LEVEL must be debug, info, warn or error")
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		p.fail("LOG_FORMAT must be text or json")
	}
	if c.OpenAIBaseURL != "" && c.ChatModel == "" {
		p.fail("GAZETTE_CHAT_MODEL is required when OPENAI_BASE_URL is set")
	}
	p.url("OPENAI_BASE_URL", c.OpenAIBaseURL)
	p.url("GAZETTE_EMBED_BASE_URL", c.EmbedBaseURL)
	p.url("DISCORD_API_URL", c.DiscordAPIURL)
	switch c.Embedder {
	case EmbedderBuiltin:
	case EmbedderOpenAI:
		if c.EmbedModel == "" {
			p.fail("GAZETTE_EMBED_MODEL is required when GAZETTE_EMBEDDER=openai")
		}
		if c.EmbedBaseURL == "" && c.EmbedAPIKey == "" {
			p.fail("GAZETTE_EMBEDDER=openai needs OPENAI_API_KEY or GAZETTE_EMBED_BASE_URL")
		}
	default:
		p.fail("GAZETTE_EMBEDDER must be builtin or openai")
	}
	if c.DigestLease < 5*time.Second {
		// Renewed every third of it, and the post gets two thirds.
		p.fail("GAZETTE_DIGEST_LEASE must be at least 5s")
	}
	if c.ShardID >= c.ShardCount {
		p.fail("DISCORD_SHARD_ID (%d) must be below DISCORD_SHARD_COUNT (%d)", c.ShardID, c.ShardCount)
	}
	if c.DatabaseURL != "" && !IsPostgresURL(c.DatabaseURL) {
		// Never quote the value: it may hold a password.
		p.fail("GAZETTE_DATABASE_URL must be a postgres:// or postgresql:// URL with a host")
	}
	if c.DataDir == "" && c.DatabaseURL == "" {
		p.fail("GAZETTE_DATA_DIR is empty and no home directory was found; set it to a directory for the store")
	} else if st, err := os.Stat(c.DataDir); err == nil && !st.IsDir() {
		p.fail("GAZETTE_DATA_DIR %q is a file, not a directory; point it at a directory (it is created if missing)", c.DataDir)
	}
	if strings.ContainsAny(c.Contact, "()\r\n\t") {
		p.fail("GAZETTE_CONTACT must be an e-mail address or a URL, without brackets or control characters")
	}
	return c, errors.Join(p.errs...)
}

// ChatEnabled reports whether a chat model is configured.
func (c Config) ChatEnabled() bool { return c.ChatModel != "" }

// ValidateServe reports what `gazette serve` needs beyond [Load]'s checks.
func (c Config) ValidateServe() error {
	if c.DiscordToken == "" {
		return errors.New("DISCORD_TOKEN is required to serve (create a bot in the Discord developer portal; see README)")
	}
	return nil
}

// IsPostgresURL reports whether s is a postgres:// or postgresql:// URL
// with a host, as GAZETTE_DATABASE_URL must be.
func IsPostgresURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") && u.Host != ""
}

// Backend names the configured store for people: "postgres host:port/db"
// (no user or password) or "sqlite PATH".
func (c Config) Backend() string {
	if c.DatabaseURL == "" {
		return "sqlite " + c.DBPath()
	}
	return "postgres " + RedactURL(c.DatabaseURL)
}

// RedactURL returns a database URL's host, port and database, without user,
// password or parameters, for messages and logs.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Host + u.Path
}

// DBPath is the SQLite file inside the data directory.
func (c Config) DBPath() string { return filepath.Join(c.DataDir, "gazette.db") }

// LogAttrs lists the settings that are safe to log: secrets appear only as
// "set" or "unset".
func (c Config) LogAttrs() []any {
	secret := func(s string) string {
		if s == "" {
			return "unset"
		}
		return "set"
	}
	return []any{
		"data_dir", c.DataDir, "store", c.Backend(), "log_level", c.LogLevel,
		"chat_model", c.ChatModel, "openai_base_url", c.OpenAIBaseURL, "openai_api_key", secret(c.OpenAIAPIKey),
		"embedder", c.Embedder, "embed_model", c.EmbedModel, "embed_base_url", c.EmbedBaseURL,
		"embed_api_key", secret(c.EmbedAPIKey), "discord_token", secret(c.DiscordToken),
		"discord_api_url", c.DiscordAPIURL, "dev_guild", c.DiscordDevGuildID,
		"shard", fmt.Sprintf("%d/%d", c.ShardID, c.ShardCount), "http_addr", c.HTTPAddr,
		"allow_private_networks", c.AllowPrivateNetworks, "contact", c.Contact, "max_concurrent_answers", c.MaxConcurrent,
		"feed_hosts", c.FeedHosts,
	}
}

func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "gazette")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".local", "share", "gazette")
}

type parser struct {
	getenv func(string) string
	errs   []error
}

func (p *parser) fail(format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf(format, args...))
}

func (p *parser) str(key, def string) string {
	if v := strings.TrimSpace(p.getenv(key)); v != "" {
		return v
	}
	return def
}

func (p *parser) integer(key string, def, lo, hi int) int {
	v := strings.TrimSpace(p.getenv(key))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		p.fail("%s must be a whole number from %d to %d", key, lo, hi)
		return def
	}
	return n
}

func (p *parser) duration(key string, def time.Duration) time.Duration {
	v := strings.TrimSpace(p.getenv(key))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		p.fail("%s must be a positive duration such as 30s or 15m", key)
		return def
	}
	return d
}

func (p *parser) boolean(key string, def bool) bool {
	v := strings.TrimSpace(p.getenv(key))
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail("%s must be true or false", key)
		return def
	}
	return b
}

func (p *parser) url(key, v string) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.fail("%s must be an http(s) URL with a host", key)
	}
}
