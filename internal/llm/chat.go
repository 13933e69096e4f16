package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/gazettebot/gazette/news"
)

// temperature is low for grounded answers. go-openai drops a temperature
// of exactly 0 from the request (the server default, often 1, applies),
// so a small positive value is used instead.
const temperature = 0.1

// Chat is a chat model behind an OpenAI-compatible API. It implements
// [news.Completer]. It is safe for concurrent use.
type Chat struct {
	client  *openai.Client
	apiKey  string // redacted from upstream errors
	model   string
	timeout time.Duration
	log     *slog.Logger
}

var _ news.Completer = (*Chat)(nil)

// NewChat returns a chat client for c.Model at c.BaseURL.
func NewChat(c Config) *Chat {
	c = c.withDefaults()
	return &Chat{
		client:  newClient(c),
		apiKey:  c.APIKey,
		model:   c.Model,
		timeout: c.Timeout,
		log:     c.Logger,
	}
}

// Model returns the configured model name.
func (c *Chat) Model() string { return c.model }

// Complete sends msgs and returns the reply. When onDelta is not nil the
// reply is streamed and onDelta is called with each piece of text as it
// arrives; otherwise one non-streaming request is made.
func (c *Chat) Complete(ctx context.Context, msgs []news.Message, onDelta func(string)) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req := openai.ChatCompletionRequest{
		Model:       c.model,
		Messages:    make([]openai.ChatCompletionMessage, len(msgs)),
		Temperature: temperature,
	}
	for i, m := range msgs {
		req.Messages[i] = openai.ChatCompletionMessage{Role: m.Role, Content: m.Content}
	}
	start := time.Now()
	var (
		reply string
		err   error
	)
	if onDelta == nil {
		reply, err = c.complete(ctx, req)
	} else {
		reply, err = c.stream(ctx, req, onDelta)
	}
	if err != nil {
		return reply, redactError(err, c.apiKey)
	}
	c.log.Debug("llm chat", "model", c.model, "stream", onDelta != nil, "ms", time.Since(start).Milliseconds(), "reply_chars", len(reply))
	return reply, nil
}

func (c *Chat) complete(ctx context.Context, req openai.ChatCompletionRequest) (string, error) {
	resp, err := c.client.CreateChatCompletion(ctx, req)
	if err != nil {
		return "", fmt.Errorf("chat completion (model %q): %w", c.model, err)
	}
	if len(resp.Choices) == 0 {
		return "", fmt.Errorf("chat completion (model %q): response has no choices", c.model)
	}
	return resp.Choices[0].Message.Content, nil
}

func (c *Chat) stream(ctx context.Context, req openai.ChatCompletionRequest, onDelta func(string)) (string, error) {
	req.Stream = true
	stream, err := c.client.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return "", fmt.Errorf("chat stream (model %q): %w", c.model, err)
	}
	defer stream.Close()
	var sb strings.Builder
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return sb.String(), nil
		}
		if err != nil {
			return sb.String(), fmt.Errorf("chat stream (model %q): receive: %w", c.model, err)
		}
		for _, ch := range resp.Choices {
			if ch.Index != 0 || ch.Delta.Content == "" {
				continue
			}
			sb.WriteString(ch.Delta.Content)
			onDelta(ch.Delta.Content)
		}
	}
}
