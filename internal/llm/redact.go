package llm

import (
	"context"
	"errors"
	"strings"
)

// Redacted replaces a secret in upstream error text.
const Redacted = "[redacted]"

// minSecret is the shortest secret redacted: shorter ones would mangle
// ordinary words and are no secret anyway.
const minSecret = 4

// redactError removes secrets from err's text. An upstream server may echo
// what it was sent, the Authorization header included, in an error body
// that go-openai embeds in its error; that text must not reach a log or a
// wrapped error. When err's text holds no secret, err is returned as it is;
// otherwise the result carries the redacted text and keeps only the
// context errors (cancelled, deadline) for errors.Is, so no caller can
// unwrap the original text.
func redactError(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	red := redactString(msg, secrets...)
	if red == msg {
		return err
	}
	var cause error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		cause = context.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		cause = context.Canceled
	}
	return &redactedError{msg: red, cause: cause}
}

type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }

// redactString replaces every occurrence of each secret in s.
func redactString(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= minSecret && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	return s
}
