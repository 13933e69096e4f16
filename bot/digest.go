package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/gazettebot/gazette/digest"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

// Discord's embed limits, in characters.
const (
	EmbedTitleLimit       = 256
	EmbedDescriptionLimit = 4096
	EmbedFooterLimit      = 2048
	EmbedTotalLimit       = 6000 // all embeds of one message together
	EmbedsPerMessage      = 10
)

// DigestThreadName names the thread started under each posted digest.
const DigestThreadName = "Ask about this digest"

// Digests manages the daily digest subscriptions of a guild;
// *digest.Scheduler implements it.
type Digests interface {
	Subscribe(ctx context.Context, s digest.Subscription) (digest.Subscription, error)
	Unsubscribe(ctx context.Context, guildID, channelID string) (bool, error)
	Status(ctx context.Context, guildID string) ([]digest.Status, error)
	// Preview builds the digest the channel would receive now.
	Preview(ctx context.Context, guildID, channelID string) (digest.Digest, error)
}

// DigestArticles finds the cited articles of a posted digest by its message
// id, which is also the id of its thread; *digest.Scheduler implements it.
type DigestArticles interface {
	ArticlesOf(ctx context.Context, messageID string) ([]string, error)
}

// DigestMessage is one Discord message of a posted digest.
type DigestMessage struct {
	Content string
	Embeds  []*discordgo.MessageEmbed
}

// DigestMessages lays a digest out as messages within Discord's limits: a
// heading line, then one embed per story (headline linking to the newest
// source, cited summary, numbered sources, outlets in the footer), packed at
// most EmbedsPerMessage and EmbedTotalLimit characters to a message. An
// empty digest is one line saying nothing new was ingested.
func DigestMessages(d digest.Digest) []DigestMessage {
	since := fmt.Sprintf("<t:%d:f>", d.Since.Unix())
	if d.Empty() {
		return []DigestMessage{{Content: "**Daily digest**: nothing new was ingested since " + since + "."}}
	}
	head := fmt.Sprintf("**Daily digest**: %s from %s ingested since %s. Ask about it in the thread below.",
		plural(len(d.Stories), "story", "stories"), plural(d.Articles, "article", "articles"), since)
	msgs := []DigestMessage{{Content: head}}
	total := 0
	for _, s := range d.Stories {
		e := storyEmbed(s)
		n := embedSize(e)
		cur := &msgs[len(msgs)-1]
		if len(cur.Embeds) == EmbedsPerMessage || total+n > EmbedTotalLimit {
			msgs = append(msgs, DigestMessage{})
			cur, total = &msgs[len(msgs)-1], 0
		}
		cur.Embeds = append(cur.Embeds, e)
		total += n
	}
	return msgs
}

// storyBudget bounds one story's embed, so that several share a message.
const storyBudget = 2000

func storyEmbed(s digest.Story) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: truncate(inline(s.Headline), EmbedTitleLimit), Color: 0x2b6cb0}
	if len(s.Sources) > 0 && s.Sources[0].URL != "" {
		e.URL = s.Sources[0].URL
	}
	var b strings.Builder
	// The summary and the disagreement quote articles (or a model reading
	// them): shown literally, but for their citations.
	b.WriteString(escapeProse(s.Summary))
	if s.Disagreement != "" {
		b.WriteString("\n*Where outlets differ:* " + escapeProse(s.Disagreement))
	}
	b.WriteString("\n")
	budget := storyBudget - utf8.RuneCountInString(e.Title)
	for i, src := range s.Sources {
		line := "\n" + sourceLine(src)
		more := ""
		if rest := len(s.Sources) - i - 1; rest > 0 {
			more = fmt.Sprintf("\n…and %d more", rest)
		}
		if utf8.RuneCountInString(b.String())+utf8.RuneCountInString(line)+utf8.RuneCountInString(more) > budget {
			fmt.Fprintf(&b, "\n…and %d more", len(s.Sources)-i)
			break
		}
		b.WriteString(line)
	}
	e.Description = truncate(b.String(), min(budget, EmbedDescriptionLimit))
	footer := strings.Join(s.Outlets, " · ")
	if s.Articles > 1 {
		footer = fmt.Sprintf("%s — %s", footer, plural(s.Articles, "article", "articles"))
	}
	if footer = strings.TrimPrefix(footer, " — "); footer != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: truncate(footer, EmbedFooterLimit)}
	}
	return e
}

// sourceLine is "[n] [Title](url) — Outlet, 2 Jan 2006".
func sourceLine(s news.Source) string {
	title := inline(strings.NewReplacer("[", "(", "]", ")").Replace(truncate(oneLine(s.Title), 150)))
	if title == "" {
		title = "untitled"
	}
	if s.URL != "" {
		title = "[" + title + "](" + strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(s.URL) + ")"
	}
	line := fmt.Sprintf("[%d] %s — %s", s.N, title, inline(s.Outlet))
	if !s.PublishedAt.IsZero() {
		line += ", " + s.PublishedAt.UTC().Format("2 Jan 2006")
	}
	return line
}

func embedSize(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// DigestPoster posts digests to channels; it implements digest.Poster.
type DigestPoster struct {
	b *Bot
	s *discordgo.Session
}

// DigestPoster returns the poster the digest scheduler uses with session s.
func (b *Bot) DigestPoster(s *discordgo.Session) *DigestPoster { return &DigestPoster{b: b, s: s} }

// PostDigest sends the digest's messages to the channel, starts the "Ask
// about this digest" thread on the first one and returns its id. Once the
// first message is sent it returns its id even if a later step fails (and
// logs that), because the digest is then delivered and must not be posted
// again. A digest with a Delivery key is sent with nonces derived from it
// (and Discord's enforce_nonce), so that posting the same delivery again
// within a few minutes (another process took over a run whose process
// died before recording its post) returns the messages already posted
// instead of posting them twice.
func (p *DigestPoster) PostDigest(ctx context.Context, channelID string, d digest.Digest) (string, error) {
	log := p.b.log.With("channel", channelID)
	var first string
	for i, m := range DigestMessages(d) {
		msg, err := p.send(ctx, channelID, &discordgo.MessageSend{
			Content: m.Content, Embeds: m.Embeds, AllowedMentions: noMentions(),
		}, DigestNonce(d.Delivery, fmt.Sprintf("part %d", i)))
		if err != nil {
			if i == 0 {
				return "", fmt.Errorf("post digest: %w", err)
			}
			log.Warn("post digest part", "err", err, "part", i)
			p.b.metrics.Errors.WithLabelValues("send").Inc()
			break
		}
		if i == 0 {
			first = msg.ID
		}
	}
	if d.Empty() {
		return first, nil
	}
	th, err := p.s.MessageThreadStartComplex(channelID, first, &discordgo.ThreadStart{
		Name: DigestThreadName, AutoArchiveDuration: 1440,
	}, discordgo.WithContext(ctx))
	if err != nil {
		// Also when an earlier attempt at this delivery started it.
		log.Warn("start digest thread", "err", err)
		return first, nil
	}
	_, err = p.send(ctx, th.ID, &discordgo.MessageSend{
		Content:         "Ask me anything about these stories here: I answer from the digest's articles, with sources.",
		AllowedMentions: noMentions(),
	}, DigestNonce(d.Delivery, "greeting"))
	if err != nil {
		log.Warn("greet digest thread", "err", err)
	}
	return first, nil
}

// nonceMessage is a message create request with a nonce, which discordgo's
// MessageSend cannot carry.
type nonceMessage struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

// send posts m to the channel, with nonce (and enforce_nonce) when nonce
// is not empty.
func (p *DigestPoster) send(ctx context.Context, channelID string, m *discordgo.MessageSend, nonce string) (*discordgo.Message, error) {
	if nonce == "" {
		return p.s.ChannelMessageSendComplex(channelID, m, discordgo.WithContext(ctx))
	}
	for _, e := range m.Embeds {
		if e.Type == "" {
			e.Type = discordgo.EmbedTypeRich
		}
	}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	body, err := p.s.RequestWithBucketID("POST", endpoint, nonceMessage{MessageSend: m, Nonce: nonce, EnforceNonce: true},
		endpoint, discordgo.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	var msg discordgo.Message
	if err := json.Unmarshal(body, &msg); err != nil {
		return nil, fmt.Errorf("read sent message: %w", err)
	}
	return &msg, nil
}

// DigestNonce derives the nonce of one message of a digest delivery: 24
// hexadecimal characters (Discord allows 25) of a hash of the delivery key
// and the message's part. An empty delivery (a preview) has no nonce.
func DigestNonce(delivery, part string) string {
	if delivery == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(delivery + "\x00" + part))
	return hex.EncodeToString(sum[:12])
}

// DigestThreadHandler answers messages posted in a digest's thread (whose
// id is the digest message's id) from the digest's articles. Mentions of the
// bot are left to the ordinary mention handler, which then prefers the
// digest's articles too. Add it to the session
// before Run: s.AddHandler(b.DigestThreadHandler(scheduler)).
func (b *Bot) DigestThreadHandler(d DigestArticles) func(*discordgo.Session, *discordgo.MessageCreate) {
	b.digestArticles = d
	return func(s *discordgo.Session, m *discordgo.MessageCreate) {
		if m.Author == nil || m.Author.Bot || m.GuildID == "" || b.isBotUser(m.Author.ID) {
			return
		}
		bot := b.botUser.Load()
		if bot == nil {
			return
		}
		for _, u := range m.Mentions {
			if u.ID == bot.ID {
				return
			}
		}
		if _, known := b.convs.history(m.ChannelID); known {
			return
		}
		text := strings.TrimSpace(m.Content)
		if text == "" {
			return
		}
		if !b.track() {
			return
		}
		defer b.wg.Done()
		ctx := b.hard
		log := b.log.With("guild", m.GuildID, "channel", m.ChannelID, "message", m.ID)
		ids, err := d.ArticlesOf(ctx, m.ChannelID)
		if err != nil || len(ids) == 0 {
			if err != nil && !errors.Is(err, digest.ErrNoRun) {
				log.Warn("digest articles", "err", err)
			}
			return
		}
		reply := func(content string) {
			_, err := s.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{
				Content: content, AllowedMentions: noMentions(), Reference: m.Reference(),
			}, discordgo.WithContext(ctx))
			if err != nil {
				b.discordFailed(ctx, s, "reply", err, "channel", m.ChannelID, "message", m.ID)
			}
		}
		if !b.limiter.allow(m.Author.ID) {
			b.metrics.Questions.WithLabelValues("digest", "rate_limited").Inc()
			reply(msgRateLimited)
			return
		}
		release, ok := b.acquire()
		if !ok {
			b.metrics.Questions.WithLabelValues("digest", "busy").Inc()
			reply(msgBusy)
			return
		}
		defer release()
		placeholder, err := s.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{
			Content: "Looking through the digest's articles…", AllowedMentions: noMentions(),
		}, discordgo.WithContext(ctx))
		if err != nil {
			b.discordFailed(ctx, s, "send_placeholder", err, "channel", m.ChannelID, "message", m.ID)
			return
		}
		b.answer(ctx, &channelSink{b: b, s: s, channelID: m.ChannelID, messageID: placeholder.ID}, question{
			source: "digest", guildID: m.GuildID, channelID: m.ChannelID, userID: m.Author.ID,
			req: rag.Request{Question: text, Filter: news.Filter{Prefer: ids}},
		})
	}
}

// DigestCommand returns /digest subscribe|unsubscribe|status|now. Add it
// before Run: b.AddCommand(b.DigestCommand(scheduler)). Subscribing and
// unsubscribing need Manage Server (or the manager role); status and the
// ephemeral preview are open to every member.
func (b *Bot) DigestCommand(d Digests) Command {
	channelOpt := func(desc string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: desc,
			ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews},
		}
	}
	sub := channelOpt("Where to post the digest (default: this channel)")
	return Command{
		Def: &discordgo.ApplicationCommand{
			Name:        "digest",
			Description: "A daily digest of this server's news, with sources",
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: "subscribe",
					Description: "Post a daily digest in a channel at a local time",
					Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionString, Name: "time", Description: "Local time of day, HH:MM (24-hour), e.g. 07:30", Required: true, MinLength: intPtr(4), MaxLength: 5},
						{Type: discordgo.ApplicationCommandOptionString, Name: "timezone", Description: "Time zone, e.g. Europe/Paris", Required: true, Autocomplete: true, MaxLength: 64},
						sub,
						{Type: discordgo.ApplicationCommandOptionString, Name: "outlets", Description: "Only these outlets, comma-separated", MaxLength: 500},
						{Type: discordgo.ApplicationCommandOptionString, Name: "topics", Description: "Only articles mentioning these words, comma-separated", MaxLength: 500},
					},
				},
				{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: "unsubscribe",
					Description: "Stop a channel's daily digest",
					Options:     []*discordgo.ApplicationCommandOption{channelOpt("Which channel (default: this channel)")},
				},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "status", Description: "Show this server's digest subscriptions"},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "now", Description: "Preview the digest this channel would get now (only you see it)"},
			},
		},
		Handle: func(ctx context.Context, in *Interaction) {
			b.onDigest(ctx, in, d)
		},
		Autocomplete: func(_ context.Context, _ *Interaction, focused *discordgo.ApplicationCommandInteractionDataOption) []*discordgo.ApplicationCommandOptionChoice {
			if focused.Name != "timezone" {
				return nil
			}
			var out []*discordgo.ApplicationCommandOptionChoice
			for _, z := range digest.MatchTimezones(focused.StringValue(), 25) {
				out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: z, Value: z})
			}
			return out
		},
	}
}

func intPtr(n int) *int { return &n }

func (b *Bot) onDigest(ctx context.Context, in *Interaction, d Digests) {
	sc := in.Subcommand()
	if sc == nil {
		in.Respond(ctx, msgUnknownCommand, true)
		return
	}
	log := b.log.With("interaction", in.ID, "guild", in.GuildID, "subcommand", sc.Name)
	if (sc.Name == "subscribe" || sc.Name == "unsubscribe") && !b.canManage(in.Member) {
		in.Respond(ctx, strings.Replace(b.refusal(), "change this server's library", "manage digests", 1), true)
		return
	}
	if !in.Defer(ctx, true) {
		return
	}
	channelID := in.ChannelID
	if o := in.Option("channel"); o != nil {
		if v, ok := o.Value.(string); ok && v != "" {
			channelID = v
		}
	}
	reply := func(text string) { in.Edit(ctx, text, nil) }
	switch sc.Name {
	case "subscribe":
		hour, minute, err := digest.ParseClock(in.StringOption("time"))
		if err != nil {
			reply("Please give the time as HH:MM on a 24-hour clock, e.g. `07:30`.")
			return
		}
		s, err := d.Subscribe(ctx, digest.Subscription{
			GuildID: in.GuildID, ChannelID: channelID, Hour: hour, Minute: minute,
			Timezone: in.StringOption("timezone"), Outlets: splitList(in.StringOption("outlets")),
			Topics: splitList(in.StringOption("topics")), CreatedBy: in.UserID(),
		})
		switch {
		case errors.Is(err, digest.ErrBadTimezone):
			reply("I don't know that time zone. Pick one from the list, e.g. `Europe/Paris` or `America/New_York`.")
			return
		case errors.Is(err, digest.ErrBadTime):
			reply("Please give the time as HH:MM on a 24-hour clock, e.g. `07:30`.")
			return
		case err != nil:
			log.Error("subscribe digest", "err", err)
			reply(msgInternal)
			return
		}
		reply(fmt.Sprintf("<#%s> will get a daily digest at **%s %s**%s. The next one is <t:%d:F>.",
			s.ChannelID, s.Clock(), s.Timezone, filtersText(s), digest.Next(s, b.opts.Now()).Unix()))
	case "unsubscribe":
		ok, err := d.Unsubscribe(ctx, in.GuildID, channelID)
		switch {
		case err != nil:
			log.Error("unsubscribe digest", "err", err)
			reply(msgInternal)
		case !ok:
			reply(fmt.Sprintf("<#%s> has no daily digest.", channelID))
		default:
			reply(fmt.Sprintf("<#%s> will no longer get a daily digest.", channelID))
		}
	case "status":
		sts, err := d.Status(ctx, in.GuildID)
		if err != nil {
			log.Error("digest status", "err", err)
			reply(msgInternal)
			return
		}
		reply(statusText(sts))
	case "now":
		dg, err := d.Preview(ctx, in.GuildID, in.ChannelID)
		if err != nil {
			log.Error("digest preview", "err", err)
			reply(msgInternal)
			return
		}
		for i, m := range DigestMessages(dg) {
			content := m.Content
			if i == 0 {
				content = strings.Replace(content, "**Daily digest**", "**Digest preview**", 1)
				content = strings.Replace(content, " Ask about it in the thread below.", "", 1)
				embeds := m.Embeds
				if embeds == nil {
					embeds = []*discordgo.MessageEmbed{}
				}
				_, err = in.s.InteractionResponseEdit(in.Interaction, &discordgo.WebhookEdit{
					Content: &content, Embeds: &embeds, AllowedMentions: noMentions(),
				}, discordgo.WithContext(ctx))
			} else {
				_, err = in.s.FollowupMessageCreate(in.Interaction, true, &discordgo.WebhookParams{
					Content: content, Embeds: m.Embeds, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
				}, discordgo.WithContext(ctx))
			}
			if err != nil {
				b.discordFailed(ctx, in.s, "send_digest_preview", err, "interaction", in.ID, "part", i)
				return
			}
		}
	default:
		reply(msgUnknownCommand)
	}
}

// splitList reads a comma-separated option.
func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func filtersText(s digest.Subscription) string {
	var parts []string
	if len(s.Outlets) > 0 {
		parts = append(parts, "from "+inline(strings.Join(s.Outlets, ", ")))
	}
	if len(s.Topics) > 0 {
		parts = append(parts, "about "+inline(strings.Join(s.Topics, ", ")))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (only articles " + strings.Join(parts, " and ") + ")"
}

func statusText(sts []digest.Status) string {
	if len(sts) == 0 {
		return "No channel here gets a daily digest yet. Someone with Manage Server can start one with `/digest subscribe`."
	}
	var b strings.Builder
	b.WriteString("**Daily digests**\n")
	for _, st := range sts {
		s := st.Subscription
		fmt.Fprintf(&b, "• <#%s> at %s %s%s: next <t:%d:R>", s.ChannelID, s.Clock(), s.Timezone, filtersText(s), st.Next.Unix())
		if st.HasLast {
			if st.Last.Status == digest.RunSent {
				fmt.Fprintf(&b, ", last sent <t:%d:R> (%s)", st.Last.FinishedAt.Unix(), plural(len(st.Last.ArticleIDs), "source", "sources"))
			} else {
				fmt.Fprintf(&b, ", nothing new <t:%d:R>", st.Last.FinishedAt.Unix())
			}
		}
		b.WriteString("\n")
	}
	return truncate(b.String(), MessageLimit)
}
