package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/gazettebot/gazette/news"
)

// Custom id prefixes of the bot's buttons.
const (
	prefixVote    = "vote"    // vote:<answer id>:up|down
	prefixSources = "sources" // sources:<answer id>
	prefixPage    = "page"    // page:<offset>:<search>
)

// answerButtons are 👍, 👎 and, when the answer cites any, Sources.
func answerButtons(id int64, sources bool) []discordgo.MessageComponent {
	sid := strconv.FormatInt(id, 10)
	row := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: prefixVote + ":" + sid + ":up"},
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: prefixVote + ":" + sid + ":down"},
	}}
	if sources {
		row.Components = append(row.Components, discordgo.Button{Label: "Sources", Style: discordgo.SecondaryButton, CustomID: prefixSources + ":" + sid})
	}
	return []discordgo.MessageComponent{row}
}

func (b *Bot) onVote(ctx context.Context, in *Interaction, args []string) {
	if len(args) != 2 || b.deps.Feedback == nil {
		in.Respond(ctx, msgUnknownCommand, true)
		return
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	vote := map[string]int{"up": 1, "down": -1}[args[1]]
	if err != nil || vote == 0 {
		in.Respond(ctx, msgUnknownCommand, true)
		return
	}
	if err := b.deps.Feedback.Vote(ctx, in.GuildID, id, in.UserID(), vote); err != nil {
		b.log.Error("vote", "err", err, "answer", id)
		b.metrics.Errors.WithLabelValues("vote").Inc()
		in.Respond(ctx, msgInternal, true)
		return
	}
	text := "Thanks, glad it helped."
	if vote < 0 {
		text = "Thanks for telling me. This answer is marked for review."
	}
	in.Respond(ctx, text, true)
}

func (b *Bot) onSourcesButton(ctx context.Context, in *Interaction, args []string) {
	if len(args) != 1 || b.deps.Feedback == nil {
		in.Respond(ctx, msgUnknownCommand, true)
		return
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		in.Respond(ctx, msgUnknownCommand, true)
		return
	}
	if !in.Defer(ctx, true) {
		return
	}
	_, ans, err := b.deps.Feedback.RecordedAnswer(ctx, in.GuildID, id)
	if err != nil {
		if errors.Is(err, news.ErrNotFound) {
			in.Edit(ctx, "I no longer have the sources of that answer.", nil)
			return
		}
		b.log.Error("recorded answer", "err", err, "answer", id)
		b.metrics.Errors.WithLabelValues("sources").Inc()
		in.Edit(ctx, msgInternal, nil)
		return
	}
	var sb strings.Builder
	for _, s := range ans.Sources {
		sb.WriteString("**")
		sb.WriteString(SourceLine(s))
		sb.WriteString("**\n")
		if p := strings.TrimSpace(s.Passage); p != "" {
			for _, line := range strings.Split(truncate(p, 600), "\n") {
				sb.WriteString("> ")
				sb.WriteString(line)
				sb.WriteString("\n")
			}
		}
		sb.WriteString("\n")
	}
	text := sb.String()
	if text == "" {
		text = "That answer cites no sources."
	}
	parts := Split(text, MessageLimit)
	for i, p := range parts {
		sent := false
		if i == 0 {
			sent = in.Edit(ctx, p, nil)
		} else {
			sent = in.Followup(ctx, p, true, nil)
		}
		if !sent {
			return
		}
	}
}
