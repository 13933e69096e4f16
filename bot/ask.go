package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

// sink is where an answer goes: the deferred response of an interaction or
// a placeholder message in a thread, plus further messages.
type sink interface {
	// edit replaces the first message; components nil keeps them. It
	// reports success; a failure is logged and counted by the sink.
	edit(ctx context.Context, content string, components []discordgo.MessageComponent) bool
	// send adds a message after the first, like edit.
	send(ctx context.Context, content string, components []discordgo.MessageComponent) bool
}

type interactionSink struct{ in *Interaction }

func (s interactionSink) edit(ctx context.Context, content string, c []discordgo.MessageComponent) bool {
	return s.in.Edit(ctx, content, c)
}

func (s interactionSink) send(ctx context.Context, content string, c []discordgo.MessageComponent) bool {
	return s.in.Followup(ctx, content, false, c)
}

type channelSink struct {
	b         *Bot
	s         *discordgo.Session
	channelID string
	messageID string // the placeholder
}

func (s *channelSink) edit(ctx context.Context, content string, c []discordgo.MessageComponent) bool {
	e := &discordgo.MessageEdit{ID: s.messageID, Channel: s.channelID, Content: &content, AllowedMentions: noMentions()}
	if c != nil {
		e.Components = &c
	}
	_, err := s.s.ChannelMessageEditComplex(e, discordgo.WithContext(ctx))
	return s.sent(ctx, "edit_message", err)
}

func (s *channelSink) send(ctx context.Context, content string, c []discordgo.MessageComponent) bool {
	_, err := s.s.ChannelMessageSendComplex(s.channelID, &discordgo.MessageSend{
		Content: content, Components: c, AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	return s.sent(ctx, "send", err)
}

func (s *channelSink) sent(ctx context.Context, op string, err error) bool {
	if err == nil {
		return true
	}
	s.b.discordFailed(ctx, s.s, op, err, "channel", s.channelID)
	return false
}

// question is one question on its way to an answer.
type question struct {
	source    string // "slash", "mention" or "thread"
	guildID   string
	channelID string
	userID    string
	req       rag.Request
}

// askCommand is /ask question [outlet] [since].
func (b *Bot) askCommand() Command {
	return Command{
		Def: &discordgo.ApplicationCommand{
			Name:        "ask",
			Description: "Ask a question about this server's news articles",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question", Required: true, MaxLength: 1000},
				{Type: discordgo.ApplicationCommandOptionString, Name: "outlet", Description: "Only articles from this outlet, e.g. Reuters"},
				{Type: discordgo.ApplicationCommandOptionString, Name: "since", Description: "Only articles published since: today, week, month, or a date (2006-01-02)",
					Choices: nil},
			},
		},
		Handle: b.onAsk,
	}
}

func (b *Bot) onAsk(ctx context.Context, in *Interaction) {
	q := question{
		source: "slash", guildID: in.GuildID, channelID: in.ChannelID, userID: in.UserID(),
		req: rag.Request{Question: in.StringOption("question")},
	}
	if o := in.StringOption("outlet"); o != "" {
		q.req.Filter.Outlets = []string{o}
	}
	if s := in.StringOption("since"); s != "" {
		t, ok := parseSince(s, b.opts.Now())
		if !ok {
			in.Respond(ctx, "I don't understand that `since`. Use `today`, `week`, `month`, a number of days like `3d`, or a date like `2024-05-01`.", true)
			return
		}
		q.req.Filter.Since = t
	}
	if !b.limiter.allow(q.userID) {
		b.metrics.Questions.WithLabelValues(q.source, "rate_limited").Inc()
		in.Respond(ctx, msgRateLimited, true)
		return
	}
	release, ok := b.acquire()
	if !ok {
		b.metrics.Questions.WithLabelValues(q.source, "busy").Inc()
		in.Respond(ctx, msgBusy, true)
		return
	}
	defer release()
	if !in.Defer(ctx, false) {
		return
	}
	b.answer(ctx, interactionSink{in}, q)
}

// parseSince reads the since option relative to now. Named periods
// ("today", "week" for this week, "month" for this month, "last week"…)
// mean what they mean in a question ([rag.RelativePeriod]).
func parseSince(s string, now time.Time) (time.Time, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch s {
	case "week":
		s = "this week"
	case "month":
		s = "this month"
	case "year":
		return day.AddDate(-1, 0, 0), true
	}
	if p, ok := rag.RelativePeriod(s, now); ok {
		return p.Since, true
	}
	var n int
	if _, err := fmt.Sscanf(s, "%dd", &n); err == nil && n > 0 && n < 100000 && strings.HasSuffix(s, "d") {
		return day.AddDate(0, 0, -n), true
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// answer streams an answer into sk and finishes it with citations, sources
// and buttons. The caller holds an answer slot.
func (b *Bot) answer(ctx context.Context, sk sink, q question) {
	start := time.Now()
	log := b.log.With("guild", q.guildID, "channel", q.channelID, "user", q.userID, "source", q.source)
	actx, cancel := context.WithTimeout(ctx, b.opts.AnswerTimeout)
	defer cancel()
	// Edits use a context that survives the answer's own cancellation, so
	// an interrupted answer can still say so.
	ectx, ecancel := context.WithTimeout(context.WithoutCancel(ctx), b.opts.AnswerTimeout+15*time.Second)
	defer ecancel()

	st := newStreamer(b.opts.EditInterval, func(text string) {
		sk.edit(actx, truncate(text, MessageLimit-2)+" …", nil)
	})
	ans, err := b.deps.Answerer.Answer(actx, q.guildID, q.req, st.delta)
	st.stop()

	if err != nil {
		outcome, text := b.userText(err, ctx, actx)
		if outcome == "error" {
			log.Error("answer", "err", err)
			b.metrics.Errors.WithLabelValues("answer").Inc()
		}
		b.metrics.Questions.WithLabelValues(q.source, outcome).Inc()
		sk.edit(ectx, text, []discordgo.MessageComponent{})
		return
	}
	outcome := "answered"
	if ans.Refused {
		outcome = "refused"
	}
	b.metrics.Questions.WithLabelValues(q.source, outcome).Inc()
	b.metrics.AnswerSeconds.Observe(time.Since(start).Seconds())
	log.Debug("answered", "question", q.req.Question, "answer", ans.Text)

	if q.source != "slash" {
		// Before the reply is visible, so a quick follow-up sees this turn.
		b.convs.add(q.channelID, q.req.Question, ans.Text)
	}
	var buttons []discordgo.MessageComponent
	if b.deps.Feedback != nil {
		id, err := b.deps.Feedback.RecordAnswer(ectx, q.guildID, q.channelID, q.userID, q.req.Question, ans)
		if err != nil {
			log.Error("record answer", "err", err)
			b.metrics.Errors.WithLabelValues("record_answer").Inc()
		} else {
			buttons = answerButtons(id, len(ans.Sources) > 0)
		}
	}
	body := FormatAnswer(ans)
	if ans.Note != "" {
		// A plain line of fixed text: why the answer is quoted, say.
		body = "-# " + ans.Note + "\n" + body
	}
	parts := Split(body, MessageLimit)
	if len(parts) == 0 {
		parts = []string{msgNoSources}
	}
	for i, p := range parts {
		var c []discordgo.MessageComponent
		if i == len(parts)-1 {
			c = buttons
		}
		if c == nil {
			c = []discordgo.MessageComponent{}
		}
		sent := false
		if i == 0 {
			sent = sk.edit(ectx, p, c)
		} else {
			sent = sk.send(ectx, p, c)
		}
		if !sent {
			return
		}
	}
}

// userText maps an answer error to an outcome label and a sentence a user
// may read.
func (b *Bot) userText(err error, parent, actx context.Context) (string, string) {
	switch {
	case errors.Is(err, rag.ErrNoSources):
		return "no_sources", msgNoSources
	case errors.Is(err, rag.ErrEmptyQuestion):
		return "invalid", msgEmptyQuestion
	case errors.Is(err, rag.ErrQuestionTooLong):
		return "invalid", msgTooLong
	case parent.Err() != nil:
		return "interrupted", msgInterrupted
	case errors.Is(actx.Err(), context.DeadlineExceeded):
		return "timeout", msgTimeout
	default:
		return "error", msgInternal
	}
}

// streamer collects streamed text and flushes it through edit at most once
// per interval, from one goroutine, so edits never overlap.
type streamer struct {
	mu    sync.Mutex
	text  strings.Builder
	dirty bool
	done  chan struct{}
	wg    sync.WaitGroup
}

func newStreamer(every time.Duration, edit func(string)) *streamer {
	st := &streamer{done: make(chan struct{})}
	st.wg.Add(1)
	go func() {
		defer st.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-st.done:
				return
			case <-t.C:
				st.mu.Lock()
				text, dirty := st.text.String(), st.dirty
				st.dirty = false
				st.mu.Unlock()
				if dirty && strings.TrimSpace(text) != "" {
					edit(text)
				}
			}
		}
	}()
	return st
}

func (st *streamer) delta(s string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.text.WriteString(s)
	st.dirty = true
}

// stop ends the streaming and waits for an edit in progress.
func (st *streamer) stop() {
	close(st.done)
	st.wg.Wait()
}

// onMessage answers a mention of the bot in a new thread started from the
// message, and follow-ups in threads the bot started.
func (b *Bot) onMessage(s *discordgo.Session, m *discordgo.MessageCreate) {
	if m.Author == nil || m.Author.Bot || m.GuildID == "" || b.isBotUser(m.Author.ID) {
		return
	}
	bot := b.botUser.Load()
	if bot == nil {
		return
	}
	history, inThread := b.convs.history(m.ChannelID)
	mentioned := false
	for _, u := range m.Mentions {
		if u.ID == bot.ID {
			mentioned = true
		}
	}
	if !inThread && !mentioned {
		return
	}
	if !b.track() {
		return
	}
	defer b.wg.Done()
	ctx := b.hard
	text := stripMention(m.Content, bot.ID)
	if !inThread {
		// A thread the bot started before a restart: recover its history.
		history, inThread = b.resumeThread(ctx, s, m.Message, bot.ID)
	}
	source := "mention"
	if inThread {
		source = "thread"
	}
	reply := func(content string) {
		_, err := s.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{
			Content: content, AllowedMentions: noMentions(), Reference: m.Reference(),
		}, discordgo.WithContext(ctx))
		if err != nil {
			b.discordFailed(ctx, s, "reply", err, "channel", m.ChannelID, "message", m.ID)
		}
	}
	if text == "" {
		if mentioned {
			reply("Ask me a question about this server's news, e.g. `@" + bot.Username + " what happened with the chip export rules?`, or use `/ask`.")
		}
		return
	}
	if !b.limiter.allow(m.Author.ID) {
		b.metrics.Questions.WithLabelValues(source, "rate_limited").Inc()
		reply(msgRateLimited)
		return
	}
	release, ok := b.acquire()
	if !ok {
		b.metrics.Questions.WithLabelValues(source, "busy").Inc()
		reply(msgBusy)
		return
	}
	defer release()

	channelID := m.ChannelID
	if !inThread {
		th, err := s.MessageThreadStartComplex(m.ChannelID, m.ID, &discordgo.ThreadStart{
			Name:                truncate(oneLine(text), 90),
			AutoArchiveDuration: 1440,
		}, discordgo.WithContext(ctx))
		if err != nil {
			// Already in a thread, or no permission: answer in place.
			b.discordFailed(ctx, s, "start_thread", err, "channel", m.ChannelID, "message", m.ID)
		} else {
			channelID = th.ID
			b.convs.start(th.ID, m.GuildID)
		}
	}
	placeholder, err := s.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{
		Content: msgPlaceholder, AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		b.discordFailed(ctx, s, "send_placeholder", err, "channel", channelID, "message", m.ID)
		return
	}
	req := rag.Request{Question: text, History: history}
	if d := b.digestArticles; d != nil {
		// A mention in a digest's thread prefers the digest's articles.
		if ids, err := d.ArticlesOf(ctx, m.ChannelID); err == nil && len(ids) > 0 {
			req.Filter.Prefer = ids
		}
	}
	b.answer(ctx, &channelSink{b: b, s: s, channelID: channelID, messageID: placeholder.ID}, question{
		source: source, guildID: m.GuildID, channelID: channelID, userID: m.Author.ID,
		req: req,
	})
}

// resumeThread recognises a thread the bot started that it no longer
// remembers (after a restart) and rebuilds its recent history from the
// thread's messages and the question it was started from.
func (b *Bot) resumeThread(ctx context.Context, s *discordgo.Session, m *discordgo.Message, botID string) ([]news.Message, bool) {
	ch, err := s.Channel(m.ChannelID, discordgo.WithContext(ctx))
	if err != nil {
		b.discordFailed(ctx, s, "get_channel", err, "channel", m.ChannelID)
		return nil, false
	}
	if !ch.IsThread() || ch.OwnerID != botID {
		return nil, false
	}
	var hist []news.Message
	// A thread started from a message has that message's id.
	if start, err := s.ChannelMessage(ch.ParentID, ch.ID, discordgo.WithContext(ctx)); err == nil {
		if q := stripMention(start.Content, botID); q != "" {
			hist = append(hist, news.Message{Role: "user", Content: q})
		}
	} else if rerr, ok := errors.AsType[*discordgo.RESTError](err); !ok || rerr.Response == nil || rerr.Response.StatusCode != http.StatusNotFound {
		// A thread without a starting message (404) is normal.
		b.discordFailed(ctx, s, "get_message", err, "channel", ch.ParentID)
	}
	msgs, err := s.ChannelMessages(m.ChannelID, 2*b.convs.maxTurns+10, m.ID, "", "", discordgo.WithContext(ctx))
	if err != nil {
		b.discordFailed(ctx, s, "get_messages", err, "channel", m.ChannelID)
	}
	for i := len(msgs) - 1; i >= 0; i-- { // oldest first
		mm := msgs[i]
		switch {
		case mm.Author == nil:
		case mm.Author.ID == botID:
			text, _, _ := strings.Cut(mm.Content, "\n\n**Sources**")
			if text = strings.TrimSpace(text); text != "" && text != msgPlaceholder {
				hist = append(hist, news.Message{Role: "assistant", Content: text})
			}
		case !mm.Author.Bot:
			if q := stripMention(mm.Content, botID); q != "" {
				hist = append(hist, news.Message{Role: "user", Content: q})
			}
		}
	}
	if n := len(hist) - 2*b.convs.maxTurns; n > 0 {
		hist = hist[n:]
	}
	b.convs.start(m.ChannelID, m.GuildID)
	b.convs.set(m.ChannelID, hist)
	return hist, true
}

// msgPlaceholder is the message a thread answer starts as.
const msgPlaceholder = "Looking through the articles…"

// stripMention removes mentions of the bot from a message.
func stripMention(content, botID string) string {
	content = strings.ReplaceAll(content, "<@"+botID+">", "")
	content = strings.ReplaceAll(content, "<@!"+botID+">", "")
	return strings.TrimSpace(content)
}
