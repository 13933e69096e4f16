package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// discordFailed logs and counts a failed Discord call (op names it:
// "edit", "send", "start_thread"…). Discord's error bodies are logged with
// the session's token removed, in case a proxy echoes it. A call cut short
// by shutdown is logged at debug level: it is expected then.
func (b *Bot) discordFailed(ctx context.Context, s *discordgo.Session, op string, err error, attrs ...any) {
	b.metrics.DiscordErrors.WithLabelValues(op).Inc()
	level := b.log.Warn
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		level = b.log.Debug
	}
	level("discord call failed", append([]any{"op", op, "err", redactToken(err, s)}, attrs...)...)
}

// redactToken returns err's text with the session's token removed.
func redactToken(err error, s *discordgo.Session) string {
	msg := err.Error()
	if s == nil {
		return msg
	}
	tok := strings.TrimPrefix(s.Token, "Bot ")
	if len(tok) >= 4 {
		msg = strings.ReplaceAll(msg, tok, "[redacted]")
	}
	return msg
}

// redactedError is an error whose text had the token removed; it keeps the
// context errors for errors.Is.
type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }

// redactErr is err with the session's token removed from its text, for
// errors returned up to the command line.
func redactErr(err error, s *discordgo.Session) error {
	if err == nil {
		return nil
	}
	msg := redactToken(err, s)
	if msg == err.Error() {
		return err
	}
	var cause error
	if errors.Is(err, context.Canceled) {
		cause = context.Canceled
	} else if errors.Is(err, context.DeadlineExceeded) {
		cause = context.DeadlineExceeded
	}
	return &redactedError{msg: msg, cause: cause}
}
