package bot

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Command is a slash command: its definition and its handlers. Files of this
// package (or the wiring) add commands with [Bot.AddCommand] before Run, so
// a feature brings its commands without editing the others.
type Command struct {
	Def *discordgo.ApplicationCommand
	// Manage marks a command that changes the guild's library: it is hidden
	// by default from members without Manage Server
	// (default_member_permissions) and refused at run time unless the member
	// has Manage Server or the manager role.
	Manage bool
	// Handle runs the command. The interaction is not yet acknowledged.
	Handle func(ctx context.Context, in *Interaction)
	// Autocomplete, when set, returns choices for the focused option.
	Autocomplete func(ctx context.Context, in *Interaction, focused *discordgo.ApplicationCommandInteractionDataOption) []*discordgo.ApplicationCommandOptionChoice
}

// ComponentHandler handles a button click whose custom id starts with the
// handler's prefix and a colon; args are the colon-separated rest.
type ComponentHandler func(ctx context.Context, in *Interaction, args []string)

// AddCommand adds (or replaces) a slash command. Call it before Run.
func (b *Bot) AddCommand(c Command) {
	if c.Manage {
		perm := int64(discordgo.PermissionManageGuild)
		c.Def.DefaultMemberPermissions = &perm
	}
	if c.Def.Contexts == nil {
		c.Def.Contexts = &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	}
	if _, ok := b.commands[c.Def.Name]; !ok {
		b.order = append(b.order, c.Def.Name)
	}
	cc := c
	b.commands[c.Def.Name] = &cc
}

// AddComponent routes button clicks with custom id "prefix:..." to h.
func (b *Bot) AddComponent(prefix string, h ComponentHandler) {
	b.components[prefix] = h
}

// Commands returns the command definitions in registration order.
func (b *Bot) Commands() []*discordgo.ApplicationCommand {
	out := make([]*discordgo.ApplicationCommand, 0, len(b.order))
	for _, n := range b.order {
		out = append(out, b.commands[n].Def)
	}
	return out
}

// Interaction is one received interaction with helpers to answer it. Every
// message it sends allows no mentions.
type Interaction struct {
	*discordgo.Interaction
	s        *discordgo.Session
	b        *Bot
	received time.Time
	acked    bool
}

// noMentions is set on every message the bot sends: no text from an article
// or a model can ping @everyone, a role or a user.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// UserID returns the id of the member or user who interacted.
func (in *Interaction) UserID() string {
	if in.Member != nil && in.Member.User != nil {
		return in.Member.User.ID
	}
	if in.User != nil {
		return in.User.ID
	}
	return ""
}

// Option returns a slash command option by name, or nil.
func (in *Interaction) Option(name string) *discordgo.ApplicationCommandInteractionDataOption {
	return findOption(in.ApplicationCommandData().Options, name)
}

// StringOption returns a string option's trimmed value, or "".
func (in *Interaction) StringOption(name string) string {
	o := in.Option(name)
	if o == nil || o.Type != discordgo.ApplicationCommandOptionString {
		return ""
	}
	return strings.TrimSpace(o.StringValue())
}

// Subcommand returns the first option when it is a subcommand, or nil.
func (in *Interaction) Subcommand() *discordgo.ApplicationCommandInteractionDataOption {
	opts := in.ApplicationCommandData().Options
	if len(opts) > 0 && opts[0].Type == discordgo.ApplicationCommandOptionSubCommand {
		return opts[0]
	}
	return nil
}

func findOption(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) *discordgo.ApplicationCommandInteractionDataOption {
	for _, o := range opts {
		if o.Name == name {
			return o
		}
		if o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
			if f := findOption(o.Options, name); f != nil {
				return f
			}
		}
	}
	return nil
}

// ackOption keeps the acknowledgement from waiting on the rate limiter past
// Discord's 3 s deadline.
func ackOptions(ctx context.Context) []discordgo.RequestOption {
	return []discordgo.RequestOption{discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false)}
}

func (in *Interaction) observeAck() {
	in.acked = true
	in.b.metrics.DeferSeconds.Observe(time.Since(in.received).Seconds())
}

// sent logs and counts a failed Discord call of this interaction and
// reports whether it succeeded. Every method below goes through it, so no
// failure of a reply passes unseen; callers only decide whether to go on.
func (in *Interaction) sent(ctx context.Context, op string, err error) bool {
	if err == nil {
		return true
	}
	in.b.discordFailed(ctx, in.s, op, err, "interaction", in.ID, "guild", in.GuildID)
	return false
}

// Defer acknowledges the interaction at once (type 5, "thinking…");
// ephemeral makes the eventual reply visible to the member only. It
// reports whether Discord took it; a failure is logged and counted.
func (in *Interaction) Defer(ctx context.Context, ephemeral bool) bool {
	data := &discordgo.InteractionResponseData{AllowedMentions: noMentions()}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	err := in.s.InteractionRespond(in.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: data,
	}, ackOptions(ctx)...)
	in.observeAck()
	return in.sent(ctx, "defer", err)
}

// DeferUpdate acknowledges a button click that will edit its own message.
func (in *Interaction) DeferUpdate(ctx context.Context) bool {
	err := in.s.InteractionRespond(in.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredMessageUpdate,
	}, ackOptions(ctx)...)
	in.observeAck()
	return in.sent(ctx, "defer_update", err)
}

// Respond answers the interaction with a message right away.
func (in *Interaction) Respond(ctx context.Context, content string, ephemeral bool, components ...discordgo.MessageComponent) bool {
	data := &discordgo.InteractionResponseData{
		Content:         content,
		AllowedMentions: noMentions(),
		Components:      components,
	}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	err := in.s.InteractionRespond(in.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: data,
	}, ackOptions(ctx)...)
	in.observeAck()
	return in.sent(ctx, "respond", err)
}

// Update replaces the message a button belongs to (type 7).
func (in *Interaction) Update(ctx context.Context, content string, components ...discordgo.MessageComponent) bool {
	err := in.s.InteractionRespond(in.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{
			Content:         content,
			AllowedMentions: noMentions(),
			Components:      components,
		},
	}, ackOptions(ctx)...)
	in.observeAck()
	return in.sent(ctx, "update", err)
}

// Edit replaces the original (deferred) response. Components nil keeps the
// message's buttons; an empty slice removes them.
func (in *Interaction) Edit(ctx context.Context, content string, components []discordgo.MessageComponent) bool {
	return in.sent(ctx, "edit", in.edit(ctx, content, components))
}

// Finish replaces the original response with the outcome of a long
// operation (the member is looking at "Fetching…"). When the edit fails it
// sends the outcome as a follow-up message instead, so a transient
// failure does not leave the member with the progress text.
func (in *Interaction) Finish(ctx context.Context, content string, components []discordgo.MessageComponent) bool {
	if in.Edit(ctx, content, components) {
		return true
	}
	if ctx.Err() != nil {
		return false
	}
	return in.Followup(ctx, content, false, components)
}

func (in *Interaction) edit(ctx context.Context, content string, components []discordgo.MessageComponent) error {
	e := &discordgo.WebhookEdit{Content: &content, AllowedMentions: noMentions()}
	if components != nil {
		e.Components = &components
	}
	if in.b.sharedEditBucket {
		_, err := in.s.InteractionResponseEdit(in.Interaction, e, discordgo.WithContext(ctx))
		return err
	}
	// discordgo puts every webhook edit of the process in one rate-limit
	// bucket, whose lock is held for the whole request, so concurrent
	// answers would edit one at a time. Discord limits interaction
	// webhooks per token: use a bucket per interaction token.
	uri := discordgo.EndpointWebhookMessage(in.AppID, in.Token, "@original")
	_, err := in.s.RequestWithBucketID(http.MethodPatch, uri, e, discordgo.EndpointWebhookToken(in.AppID, in.Token), discordgo.WithContext(ctx))
	return err
}

// Followup sends another message after the original response.
func (in *Interaction) Followup(ctx context.Context, content string, ephemeral bool, components []discordgo.MessageComponent) bool {
	p := &discordgo.WebhookParams{Content: content, AllowedMentions: noMentions(), Components: components}
	if ephemeral {
		p.Flags = discordgo.MessageFlagsEphemeral
	}
	_, err := in.s.FollowupMessageCreate(in.Interaction, true, p, discordgo.WithContext(ctx))
	return in.sent(ctx, "followup", err)
}

// Reply answers with a message whether or not the interaction was deferred:
// an edit of the deferred response, or an immediate response.
func (in *Interaction) Reply(ctx context.Context, content string, ephemeral bool) bool {
	if in.acked {
		return in.Edit(ctx, content, nil)
	}
	return in.Respond(ctx, content, ephemeral)
}

// onInteraction routes one interaction. It runs in its own goroutine.
func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate, received time.Time) {
	in := &Interaction{Interaction: ic.Interaction, s: s, b: b, received: received}
	if !b.track() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(b.hard), 3*time.Second)
		defer cancel()
		if ic.Type != discordgo.InteractionApplicationCommandAutocomplete {
			in.Respond(ctx, msgShuttingDown, true)
		}
		return
	}
	defer b.wg.Done()
	ctx := b.hard
	log := b.log.With("interaction", ic.ID, "guild", ic.GuildID, "user", in.UserID())
	defer func() {
		if r := recover(); r != nil {
			log.Error("interaction panic", "panic", r)
			b.metrics.Errors.WithLabelValues("panic").Inc()
			in.Reply(context.WithoutCancel(ctx), msgInternal, true)
		}
	}()
	if ic.GuildID == "" {
		if ic.Type != discordgo.InteractionApplicationCommandAutocomplete {
			in.Respond(ctx, msgGuildOnly, true)
		}
		return
	}
	switch ic.Type {
	case discordgo.InteractionApplicationCommand:
		name := ic.ApplicationCommandData().Name
		c, ok := b.commands[name]
		if !ok {
			log.Warn("unknown command", "command", name)
			in.Respond(ctx, msgUnknownCommand, true)
			return
		}
		if c.Manage && !b.canManage(ic.Member) {
			in.Respond(ctx, b.refusal(), true)
			return
		}
		c.Handle(ctx, in)
	case discordgo.InteractionApplicationCommandAutocomplete:
		data := ic.ApplicationCommandData()
		c, ok := b.commands[data.Name]
		if !ok || c.Autocomplete == nil {
			return
		}
		var focused *discordgo.ApplicationCommandInteractionDataOption
		var walk func([]*discordgo.ApplicationCommandInteractionDataOption)
		walk = func(opts []*discordgo.ApplicationCommandInteractionDataOption) {
			for _, o := range opts {
				if o.Focused {
					focused = o
				}
				walk(o.Options)
			}
		}
		walk(data.Options)
		var choices []*discordgo.ApplicationCommandOptionChoice
		if focused != nil && (!c.Manage || b.canManage(ic.Member)) {
			choices = c.Autocomplete(ctx, in, focused)
		}
		if choices == nil {
			choices = []*discordgo.ApplicationCommandOptionChoice{}
		}
		// discordgo omits an empty choices list, which Discord rejects, so
		// the response is sent as a plain map.
		endpoint := discordgo.EndpointInteractionResponse(ic.ID, ic.Token)
		_, err := s.RequestWithBucketID("POST", endpoint, map[string]any{
			"type": discordgo.InteractionApplicationCommandAutocompleteResult,
			"data": map[string]any{"choices": choices},
		}, endpoint, ackOptions(ctx)...)
		in.observeAck()
		in.sent(ctx, "autocomplete", err)
	case discordgo.InteractionMessageComponent:
		id := ic.MessageComponentData().CustomID
		parts := strings.Split(id, ":")
		h, ok := b.components[parts[0]]
		if !ok {
			log.Warn("unknown component", "custom_id", id)
			in.Respond(ctx, msgUnknownCommand, true)
			return
		}
		h(ctx, in, parts[1:])
	default:
		log.Debug("ignored interaction", "type", ic.Type)
	}
}

func (b *Bot) refusal() string {
	if b.opts.ManagerRoleID != "" {
		return "Only members with the **Manage Server** permission or the <@&" + b.opts.ManagerRoleID + "> role can change this server's library."
	}
	return "Only members with the **Manage Server** permission can change this server's library."
}

// User-facing texts. Users never see internal errors.
const (
	msgInternal       = "Something went wrong on my side, sorry. Please try again in a moment."
	msgShuttingDown   = "I'm restarting right now. Please try again in a minute."
	msgInterrupted    = "I was interrupted by a restart before I could finish. Please ask again."
	msgGuildOnly      = "I only work in servers, where each server has its own library of articles."
	msgUnknownCommand = "I don't know that command any more. Try `/help`."
	msgBusy           = "I'm busy answering other questions right now. Please try again in a minute."
	msgRateLimited    = "You're asking faster than I can keep up. Please wait a few seconds and try again."
	msgNoSources      = "I couldn't find anything about that in this server's articles. Someone with Manage Server can add articles with `/ingest` (a URL or a file) or follow a feed with `/feed add`."
	msgEmptyQuestion  = "Please ask a question with a few words in it."
	msgTooLong        = "That question is too long for me. Please shorten it."
	msgTimeout        = "That took me too long, sorry. Please try again, perhaps with a narrower question."
)
