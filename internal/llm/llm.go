// Package llm adapts OpenAI-compatible HTTP APIs (OpenAI, Azure OpenAI,
// Ollama, vLLM, LM Studio, OpenRouter) to Gazette's interfaces through
// go-openai: [Chat] is a [news.Completer] and [Embedder] a [news.Embedder].
//
// go-openai never retries, so every client built here sends its requests
// through a retrying [http.RoundTripper] that backs off on 429 and 5xx
// responses, honouring Retry-After.
//
// Azure OpenAI: a BaseURL containing ".openai.azure.com" (for example
// https://my-resource.openai.azure.com) selects go-openai's Azure mode: the
// key is sent in the api-key header, Model names the deployment, and
// [Config.APIVersion] sets the api-version query parameter. Azure's newer
// OpenAI-compatible "v1" endpoint also works as a plain base URL:
// https://my-resource.openai.azure.com/openai/v1 is used in OpenAI mode when
// it ends in "/openai/v1", with the key sent as a bearer token.
package llm

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Defaults applied by the constructors to zero-valued settings.
const (
	DefaultTimeout    = 60 * time.Second
	DefaultMaxRetries = 4
	DefaultBatchSize  = 256
	// MaxBatchSize is the most inputs OpenAI accepts in one embeddings request.
	MaxBatchSize = 2048
	// DefaultAzureAPIVersion is the api-version used for Azure when none is set.
	DefaultAzureAPIVersion = "2024-10-21"
)

// Config configures a connection to an OpenAI-compatible API.
type Config struct {
	// BaseURL is the API root, e.g. https://api.openai.com/v1 or
	// http://localhost:11434/v1 (Ollama). Empty means OpenAI's.
	BaseURL string
	// APIKey is sent as a bearer token; empty sends no Authorization header
	// (local servers). It is never logged.
	APIKey string
	// Model names the model (the deployment on Azure).
	Model string
	// HTTPClient is used for requests; nil means a new client. Either way
	// its transport is wrapped with retries (unless MaxRetries < 0).
	HTTPClient *http.Client
	// Timeout bounds each call (one completion, one embeddings batch),
	// retries included; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxRetries is how many times a request failing with 429 or 5xx (or a
	// network error) is retried; 0 means DefaultMaxRetries, negative none.
	MaxRetries int
	// APIVersion is the Azure api-version; empty means DefaultAzureAPIVersion.
	// Ignored for other servers.
	APIVersion string
	// Logger receives retry and request events; nil discards them.
	Logger *slog.Logger

	// sleep waits between retries; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	return c
}

// isAzure reports whether the base URL points at Azure OpenAI's
// deployment-style API (and not its OpenAI-compatible /openai/v1 one).
func isAzure(baseURL string) bool {
	u := strings.ToLower(strings.TrimRight(baseURL, "/"))
	return strings.Contains(u, ".openai.azure.com") && !strings.HasSuffix(u, "/openai/v1")
}

// newClient builds the go-openai client for c (defaults already applied).
func newClient(c Config) *openai.Client {
	var cfg openai.ClientConfig
	if isAzure(c.BaseURL) {
		cfg = openai.DefaultAzureConfig(c.APIKey, strings.TrimRight(c.BaseURL, "/"))
		cfg.APIVersion = c.APIVersion
		if cfg.APIVersion == "" {
			cfg.APIVersion = DefaultAzureAPIVersion
		}
		// The deployment is named exactly as configured.
		cfg.AzureModelMapperFunc = func(model string) string { return model }
	} else {
		cfg = openai.DefaultConfig(c.APIKey)
		if c.BaseURL != "" {
			cfg.BaseURL = strings.TrimRight(c.BaseURL, "/")
		}
	}
	hc := &http.Client{}
	if c.HTTPClient != nil {
		copied := *c.HTTPClient
		hc = &copied
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = &retryTransport{
		next:       next,
		maxRetries: c.MaxRetries,
		log:        c.Logger,
		sleep:      c.sleep,
	}
	cfg.HTTPClient = hc
	return openai.NewClientWithConfig(cfg)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
