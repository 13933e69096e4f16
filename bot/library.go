package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/internal/safehttp"
	"github.com/gazettebot/gazette/news"
)

// pageSize is the number of articles /sources shows per page.
const pageSize = 10

// builtinCommands are the commands every bot has; /ingest and /feed only
// when their dependency is present.
func builtinCommands(b *Bot) []Command {
	cmds := []Command{b.askCommand()}
	if b.deps.Ingester != nil {
		cmds = append(cmds, Command{
			Def: &discordgo.ApplicationCommand{
				Name:        "ingest",
				Description: "Add a news article to this server's library, from a URL or a file",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "url", Description: "The article's web address"},
					{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "An HTML, text, Markdown, PDF or JSON Lines file"},
				},
			},
			Manage: true,
			Handle: b.onIngest,
		})
	}
	if b.deps.Feeds != nil {
		cmds = append(cmds, Command{
			Def: &discordgo.ApplicationCommand{
				Name:        "feed",
				Description: "Follow RSS or Atom feeds: their new articles are ingested automatically",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Follow a feed",
						Options: []*discordgo.ApplicationCommandOption{
							{Type: discordgo.ApplicationCommandOptionString, Name: "url", Description: "The feed's address", Required: true},
						}},
					{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Stop following a feed",
						Options: []*discordgo.ApplicationCommandOption{
							{Type: discordgo.ApplicationCommandOptionString, Name: "url", Description: "The feed's address", Required: true, Autocomplete: true},
						}},
					{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", Description: "List the feeds this server follows"},
				},
			},
			Manage:       true,
			Handle:       b.onFeed,
			Autocomplete: b.completeFeed,
		})
	}
	cmds = append(cmds,
		Command{
			Def: &discordgo.ApplicationCommand{
				Name:        "sources",
				Description: "List the articles in this server's library",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "search", Description: "Only articles whose title, outlet or address contains this"},
				},
			},
			Handle: b.onSources,
		},
		Command{
			Def: &discordgo.ApplicationCommand{
				Name:        "forget",
				Description: "Remove an article from this server's library",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "article", Description: "Start typing its title", Required: true, Autocomplete: true},
				},
			},
			Manage:       true,
			Handle:       b.onForget,
			Autocomplete: b.completeArticle,
		},
		Command{
			Def:    &discordgo.ApplicationCommand{Name: "stats", Description: "What this server's library holds and how I answer"},
			Handle: b.onStats,
		},
		Command{
			Def:    &discordgo.ApplicationCommand{Name: "help", Description: "How to use Gazette"},
			Handle: b.onHelp,
		},
	)
	return cmds
}

// ingestReceipt renders a receipt in words.
func ingestReceipt(r ingest.Receipt) string {
	title := inline(r.Title)
	if title == "" {
		title = "Untitled"
	}
	where := ""
	var meta []string
	if o := inline(r.Outlet); o != "" {
		meta = append(meta, o)
	}
	if !r.PublishedAt.IsZero() {
		meta = append(meta, r.PublishedAt.UTC().Format("2 Jan 2006"))
	}
	if len(meta) > 0 {
		where = " — " + strings.Join(meta, ", ")
	}
	link := ""
	if r.URL != "" {
		link = "\n<" + angleURL(r.URL) + ">"
	}
	switch r.Status {
	case ingest.StatusNew:
		return fmt.Sprintf("Added **%s**%s: %d words in %d passages.%s", title, where, r.Words, r.Chunks, link)
	case ingest.StatusUpdated:
		return fmt.Sprintf("Updated **%s**%s: %d words in %d passages.%s", title, where, r.Words, r.Chunks, link)
	case ingest.StatusUnchanged:
		return fmt.Sprintf("**%s**%s is already in the library, unchanged.%s", title, where, link)
	default:
		reason := r.Reason
		if reason == "" {
			reason = "it does not look like a news article"
		}
		return "I couldn't add that: " + reason + "."
	}
}

func (b *Bot) onIngest(ctx context.Context, in *Interaction) {
	rawURL := in.StringOption("url")
	var att *discordgo.MessageAttachment
	if o := in.Option("file"); o != nil && o.Type == discordgo.ApplicationCommandOptionAttachment {
		if res := in.ApplicationCommandData().Resolved; res != nil {
			id, _ := o.Value.(string)
			att = res.Attachments[id]
		}
	}
	if (rawURL == "") == (att == nil) {
		in.Respond(ctx, "Give me either a `url` or a `file` to ingest.", true)
		return
	}
	if rawURL != "" {
		if u, err := url.Parse(rawURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			in.Respond(ctx, "That doesn't look like a web address. It should start with `https://`.", true)
			return
		}
	}
	release, ok := b.acquire()
	if !ok {
		in.Respond(ctx, msgBusy, true)
		return
	}
	defer release()
	if !in.Defer(ctx, false) {
		return
	}
	ictx, cancel := context.WithTimeout(ctx, b.opts.AnswerTimeout)
	defer cancel()
	var (
		rs   []ingest.Receipt
		err  error
		kind string
	)
	if rawURL != "" {
		kind = "url"
		in.Edit(ictx, "Fetching <"+angleURL(rawURL)+"> …", nil)
		var r ingest.Receipt
		r, err = b.deps.Ingester.IngestURL(ictx, in.GuildID, rawURL, b.ingestProgress(ictx, in, "<"+angleURL(rawURL)+">"))
		rs = []ingest.Receipt{r}
	} else {
		kind = "file"
		in.Edit(ictx, "Reading **"+inline(att.Filename)+"** …", nil)
		var data []byte
		data, err = b.download(ictx, att)
		if err == nil {
			in.Edit(ictx, "Ingesting **"+inline(att.Filename)+"** …", nil)
			rs, err = b.deps.Ingester.IngestFile(ictx, in.GuildID, att.Filename, att.ContentType, data, b.ingestProgress(ictx, in, "**"+inline(att.Filename)+"**"))
		}
	}
	ectx := context.WithoutCancel(ctx)
	if err != nil {
		reason := ""
		if b.opts.ErrorReason != nil {
			reason = b.opts.ErrorReason(err)
		}
		var fe *fileError
		if errors.As(err, &fe) {
			reason = fe.reason
		}
		b.metrics.Ingests.WithLabelValues(kind, "error").Inc()
		if ctx.Err() != nil {
			in.Finish(ectx, "I was interrupted by a restart before I could finish. Please try again; nothing was half-saved.", nil)
			return
		}
		if reason == "" {
			b.log.Error("ingest", "err", err, "guild", in.GuildID, "kind", kind)
			b.metrics.Errors.WithLabelValues("ingest").Inc()
			in.Finish(ectx, msgInternal, nil)
			return
		}
		b.log.Info("ingest refused", "err", err, "guild", in.GuildID, "kind", kind)
		in.Finish(ectx, "I couldn't add that: "+strings.TrimSuffix(reason, ".")+".", nil)
		return
	}
	for _, r := range rs {
		b.metrics.Ingests.WithLabelValues(kind, string(r.Status)).Inc()
	}
	if len(rs) == 1 {
		in.Finish(ectx, ingestReceipt(rs[0]), nil)
		return
	}
	name := ""
	if att != nil {
		name = att.Filename
	}
	in.Finish(ectx, ingestSummary(name, rs), nil)
}

// ingestSummary renders the receipts of a file of many articles (JSON
// Lines): the counts, then every refused line with its reason and the
// articles added, as many as fit in one message.
func ingestSummary(name string, rs []ingest.Receipt) string {
	count := map[ingest.Status]int{}
	passages := 0
	for _, r := range rs {
		count[r.Status]++
		passages += r.Chunks
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**: %d added, %d updated, %d already in the library, %d refused; %d passages.",
		inline(name), count[ingest.StatusNew], count[ingest.StatusUpdated], count[ingest.StatusUnchanged], count[ingest.StatusRefused], passages)
	const room = 1900
	var lines []string
	for _, r := range rs {
		if r.Status == ingest.StatusRefused {
			reason := inline(r.Reason)
			if reason == "" {
				reason = "it does not look like a news article"
			}
			if t := inline(r.Title); t != "" && !strings.HasPrefix(reason, "line ") {
				reason = "**" + t + "**: " + reason
			}
			lines = append(lines, "refused: "+reason)
		}
	}
	for _, r := range rs {
		if r.Status == ingest.StatusNew || r.Status == ingest.StatusUpdated {
			title := inline(r.Title)
			if title == "" {
				title = "Untitled"
			}
			lines = append(lines, string(r.Status)+": **"+title+"**")
		}
	}
	for i, l := range lines {
		more := fmt.Sprintf("\n… and %d more.", len(lines)-i)
		if b.Len()+1+len(l)+len(more) > room {
			b.WriteString(more)
			break
		}
		b.WriteString("\n" + l)
	}
	return b.String()
}

// fileError is a download problem a user may read about.
type fileError struct{ reason string }

func (e *fileError) Error() string { return "download attachment: " + e.reason }

// download fetches an attachment, refusing files over MaxFileBytes.
func (b *Bot) download(ctx context.Context, att *discordgo.MessageAttachment) ([]byte, error) {
	tooBig := &fileError{reason: fmt.Sprintf("the file is larger than %d MB", b.opts.MaxFileBytes>>20)}
	if int64(att.Size) > b.opts.MaxFileBytes {
		return nil, tooBig
	}
	if u, err := url.Parse(att.URL); err != nil || !slices.Contains(b.opts.FileHosts, strings.ToLower(u.Hostname())) {
		return nil, &fileError{reason: "the file is not on Discord's file server"}
	}
	resp, err := b.opts.Files.Get(ctx, att.URL, nil)
	if re, ok := errors.AsType[*safehttp.RefusedError](err); ok {
		return nil, &fileError{reason: "I couldn't download it: " + strings.TrimSuffix(re.Reason, ".")}
	}
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &fileError{reason: "Discord would not give me the file (HTTP " + strconv.Itoa(resp.StatusCode) + ")"}
	}
	if int64(len(resp.Body)) > b.opts.MaxFileBytes {
		return nil, tooBig
	}
	return resp.Body, nil
}

func (b *Bot) onFeed(ctx context.Context, in *Interaction) {
	sub := in.Subcommand()
	if sub == nil {
		in.Respond(ctx, msgUnknownCommand, true)
		return
	}
	if !in.Defer(ctx, sub.Name == "list") {
		return
	}
	feedURL := in.StringOption("url")
	switch sub.Name {
	case "add":
		if u, err := url.Parse(feedURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			in.Edit(ctx, "That doesn't look like a feed address. It should start with `https://`.", nil)
			return
		}
		f, err := b.deps.Feeds.AddFeed(ctx, in.GuildID, feedURL, in.ChannelID)
		if err != nil {
			b.feedError(ctx, in, err)
			return
		}
		title := inline(f.Title)
		if title == "" {
			title = "the feed"
		}
		in.Edit(ctx, fmt.Sprintf("Following **%s** <%s>. New articles will be ingested as they appear.", title, angleURL(f.URL)), nil)
	case "remove":
		if err := b.deps.Feeds.RemoveFeed(ctx, in.GuildID, feedURL); err != nil {
			if errors.Is(err, news.ErrNotFound) {
				in.Edit(ctx, "This server doesn't follow that feed. `/feed list` shows the ones it does.", nil)
				return
			}
			b.feedError(ctx, in, err)
			return
		}
		in.Edit(ctx, "Stopped following <"+angleURL(feedURL)+">. Articles already ingested stay in the library.", nil)
	case "list":
		feeds, err := b.deps.Feeds.ListFeeds(ctx, in.GuildID)
		if err != nil {
			b.feedError(ctx, in, err)
			return
		}
		if len(feeds) == 0 {
			in.Edit(ctx, "This server follows no feeds yet. Add one with `/feed add`.", nil)
			return
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "This server follows %d feeds:\n", len(feeds))
		for _, f := range feeds {
			title := inline(f.Title)
			if title == "" {
				title = "Untitled feed"
			}
			fmt.Fprintf(&sb, "• **%s** <%s>", title, angleURL(f.URL))
			if f.LastError != "" {
				fmt.Fprintf(&sb, " (last poll failed: %s)", inline(f.LastError))
			}
			sb.WriteString("\n")
		}
		in.Edit(ctx, Split(sb.String(), MessageLimit)[0], nil)
	default:
		in.Edit(ctx, msgUnknownCommand, nil)
	}
}

func (b *Bot) feedError(ctx context.Context, in *Interaction, err error) {
	if b.opts.ErrorReason != nil {
		if reason := b.opts.ErrorReason(err); reason != "" {
			in.Edit(ctx, "I couldn't do that: "+strings.TrimSuffix(reason, ".")+".", nil)
			return
		}
	}
	b.log.Error("feed", "err", err, "guild", in.GuildID)
	b.metrics.Errors.WithLabelValues("feed").Inc()
	in.Edit(ctx, msgInternal, nil)
}

func (b *Bot) completeFeed(ctx context.Context, in *Interaction, focused *discordgo.ApplicationCommandInteractionDataOption) []*discordgo.ApplicationCommandOptionChoice {
	feeds, err := b.deps.Feeds.ListFeeds(ctx, in.GuildID)
	if err != nil {
		b.log.Warn("complete feed", "err", err)
		return nil
	}
	typed := strings.ToLower(focused.StringValue())
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, f := range feeds {
		if len(out) == 25 || len(f.URL) > 100 {
			continue
		}
		if strings.Contains(strings.ToLower(f.URL+" "+f.Title), typed) {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: truncate(oneLine(f.Title+" "+f.URL), 100), Value: f.URL})
		}
	}
	return out
}

func (b *Bot) completeArticle(ctx context.Context, in *Interaction, focused *discordgo.ApplicationCommandInteractionDataOption) []*discordgo.ApplicationCommandOptionChoice {
	arts, _, err := b.deps.Library.Articles(ctx, in.GuildID, strings.TrimSpace(focused.StringValue()), 0, 25)
	if err != nil {
		b.log.Warn("complete article", "err", err)
		return nil
	}
	out := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(arts))
	for _, a := range arts {
		if len(a.ID) > 100 {
			continue
		}
		name := oneLine(a.Title)
		if a.Outlet != "" {
			name += " — " + oneLine(a.Outlet)
		}
		if name == "" {
			name = a.ID
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: truncate(name, 100), Value: a.ID})
	}
	return out
}

func (b *Bot) onForget(ctx context.Context, in *Interaction) {
	id := in.StringOption("article")
	if !in.Defer(ctx, false) {
		return
	}
	a, err := b.deps.Library.Forget(ctx, in.GuildID, id)
	if err != nil {
		if errors.Is(err, news.ErrNotFound) {
			in.Edit(ctx, "I have no such article in this server's library. Pick one from the list as you type.", nil)
			return
		}
		b.log.Error("forget", "err", err, "guild", in.GuildID, "article", id)
		b.metrics.Errors.WithLabelValues("forget").Inc()
		in.Edit(ctx, msgInternal, nil)
		return
	}
	title := inline(a.Title)
	if title == "" {
		title = inline(a.ID)
	}
	in.Edit(ctx, "Forgot **"+title+"** and its passages.", nil)
}

// sourcesPage renders one page of the library and its paging buttons.
func (b *Bot) sourcesPage(ctx context.Context, ns, search string, offset int) (string, []discordgo.MessageComponent, error) {
	arts, total, err := b.deps.Library.Articles(ctx, ns, search, offset, pageSize)
	if err != nil {
		return "", nil, err
	}
	if total == 0 {
		if search != "" {
			return "No articles match “" + inline(truncate(oneLine(search), 100)) + "”.", []discordgo.MessageComponent{}, nil
		}
		return "This server's library is empty. Add articles with `/ingest` or follow a feed with `/feed add`.", []discordgo.MessageComponent{}, nil
	}
	pages := (total + pageSize - 1) / pageSize
	var sb strings.Builder
	fmt.Fprintf(&sb, "**%d articles** — page %d of %d\n", total, offset/pageSize+1, pages)
	for i, a := range arts {
		line := SourceLine(news.Source{N: offset + i + 1, Title: a.Title, Outlet: a.Outlet, PublishedAt: a.PublishedAt, URL: a.URL})
		sb.WriteString(truncate(line, 190))
		sb.WriteString("\n")
	}
	// custom_id holds at most 100 characters.
	key := truncateBytes(search, 80)
	prev := discordgo.Button{Label: "◀ Previous", Style: discordgo.SecondaryButton,
		CustomID: fmt.Sprintf("%s:%d:%s", prefixPage, max(offset-pageSize, 0), key), Disabled: offset == 0}
	next := discordgo.Button{Label: "Next ▶", Style: discordgo.SecondaryButton,
		CustomID: fmt.Sprintf("%s:%d:%s", prefixPage, offset+pageSize, key), Disabled: offset+pageSize >= total}
	// Two buttons may not share a custom id; a disabled one gets a suffix.
	if prev.Disabled {
		prev.CustomID = fmt.Sprintf("%s:%d:%s", prefixPage, -1, key)
	}
	if next.Disabled {
		next.CustomID = fmt.Sprintf("%s:%d:%s", prefixPage, -2, key)
	}
	return sb.String(), []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{prev, next}}}, nil
}

func truncateBytes(s string, n int) string {
	for len(s) > n {
		r := []rune(s)
		s = string(r[:len(r)-1])
	}
	return s
}

func (b *Bot) onSources(ctx context.Context, in *Interaction) {
	if !in.Defer(ctx, true) {
		return
	}
	text, comps, err := b.sourcesPage(ctx, in.GuildID, in.StringOption("search"), 0)
	if err != nil {
		b.log.Error("list sources", "err", err, "guild", in.GuildID)
		b.metrics.Errors.WithLabelValues("sources").Inc()
		in.Edit(ctx, msgInternal, nil)
		return
	}
	in.Edit(ctx, text, comps)
}

// onPage turns a /sources page: custom id page:<offset>:<search>.
func (b *Bot) onPage(ctx context.Context, in *Interaction, args []string) {
	if len(args) < 1 {
		in.Respond(ctx, msgUnknownCommand, true)
		return
	}
	offset, err := strconv.Atoi(args[0])
	if err != nil || offset < 0 {
		in.DeferUpdate(ctx)
		return
	}
	search := strings.Join(args[1:], ":")
	text, comps, err := b.sourcesPage(ctx, in.GuildID, search, offset)
	if err != nil {
		b.log.Error("list sources", "err", err, "guild", in.GuildID)
		b.metrics.Errors.WithLabelValues("sources").Inc()
		in.Respond(ctx, msgInternal, true)
		return
	}
	in.Update(ctx, text, comps...)
}

func (b *Bot) onStats(ctx context.Context, in *Interaction) {
	if !in.Defer(ctx, false) {
		return
	}
	arts, chunks, err := b.deps.Library.Counts(ctx, in.GuildID)
	if err != nil {
		b.log.Error("stats", "err", err, "guild", in.GuildID)
		b.metrics.Errors.WithLabelValues("stats").Inc()
		in.Edit(ctx, msgInternal, nil)
		return
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Library:** %d articles in %d passages\n", arts, chunks)
	if b.deps.Feeds != nil {
		if feeds, err := b.deps.Feeds.ListFeeds(ctx, in.GuildID); err == nil {
			fmt.Fprintf(&sb, "**Feeds followed:** %d\n", len(feeds))
		} else {
			b.log.Warn("stats feeds", "err", err)
		}
	}
	if b.deps.Feedback != nil {
		if n, err := b.deps.Feedback.QuestionsSince(ctx, in.GuildID, b.opts.Now().AddDate(0, 0, -7)); err == nil {
			fmt.Fprintf(&sb, "**Questions this week:** %d\n", n)
		} else {
			b.log.Warn("stats questions", "err", err)
		}
	}
	emb, model := b.opts.EmbedderName, b.opts.ModelName
	if emb == "" {
		emb = "built-in"
	}
	if model == "" {
		model = "none (extractive answers)"
	}
	fmt.Fprintf(&sb, "**Embedder:** %s\n**Model:** %s", emb, model)
	in.Edit(ctx, sb.String(), nil)
}

const helpText = `**Gazette** answers questions from the news articles this server has added, citing them as [1], [2]…

**Asking**
• ` + "`/ask question [outlet] [since]`" + ` — e.g. ` + "`/ask question: what did the Fed decide? since: week`" + `
• Mention me with a question: I answer in a thread, and you can keep asking follow-ups there.
• Under an answer: 👍 / 👎 tell me how I did; **Sources** quotes the passages I used.

**The library** (Manage Server, or the manager role)
• ` + "`/ingest url:` or `/ingest file:`" + ` — add an article (HTML, text, Markdown or JSON Lines)
• ` + "`/feed add|remove|list`" + ` — follow RSS/Atom feeds
• ` + "`/forget article:`" + ` — remove an article

**Everyone**
• ` + "`/sources [search]`" + ` — browse the articles
• ` + "`/stats`" + ` — what the library holds

Each server sees only its own articles.`

func (b *Bot) onHelp(ctx context.Context, in *Interaction) {
	in.Respond(ctx, helpText, true)
}
