package main

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"

	"github.com/gazettebot/gazette/internal/config"
)

// redacted replaces a secret in a log line or an error printed at exit.
const redacted = "[redacted]"

// secretsOf lists the configured secrets worth redacting (long enough not
// to mangle ordinary words).
func secretsOf(cfg config.Config) []string {
	var out []string
	all := []string{cfg.OpenAIAPIKey, cfg.EmbedAPIKey, cfg.DiscordToken}
	if u, err := url.Parse(cfg.DatabaseURL); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			all = append(all, pw)
		}
	}
	for _, s := range all {
		if len(s) >= 4 {
			out = append(out, s)
		}
	}
	return out
}

// redactText removes every secret from s.
func redactText(s string, secrets []string) string {
	for _, sec := range secrets {
		s = strings.ReplaceAll(s, sec, redacted)
	}
	return s
}

// redactExitError returns err, or an error with its text redacted when it
// holds a secret. The packages redact what they receive from upstream
// servers; this is the last guard before the text reaches a terminal.
func redactExitError(err error, secrets []string) error {
	if err == nil || errors.Is(err, errSilent) {
		return err
	}
	msg := err.Error()
	if red := redactText(msg, secrets); red != msg {
		return errors.New(red)
	}
	return err
}

// redactHandler removes the configured secrets from every log record: its
// message and every attribute, errors and groups included. Packages never
// log secrets on purpose; this guards against an upstream that echoes one
// in an error the packages log.
type redactHandler struct {
	next    slog.Handler
	secrets []string
}

func newRedactHandler(next slog.Handler, secrets []string) slog.Handler {
	if len(secrets) == 0 {
		return next
	}
	return &redactHandler{next: next, secrets: secrets}
}

func (h *redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, redactText(r.Message, h.secrets), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.attr(a)
	}
	return &redactHandler{next: h.next.WithAttrs(red), secrets: h.secrets}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{next: h.next.WithGroup(name), secrets: h.secrets}
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, redactText(v.String(), h.secrets))
	case slog.KindGroup:
		g := v.Group()
		red := make([]any, len(g))
		for i, ga := range g {
			red[i] = h.attr(ga)
		}
		return slog.Group(a.Key, red...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			if msg := x.Error(); redactText(msg, h.secrets) != msg {
				return slog.String(a.Key, redactText(msg, h.secrets))
			}
		case []byte:
			return slog.String(a.Key, redactText(string(x), h.secrets))
		default:
			// Anything else is formatted by the handler; format it here
			// first when it would show a secret.
			s := v.String()
			if red := redactText(s, h.secrets); red != s {
				return slog.String(a.Key, red)
			}
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
