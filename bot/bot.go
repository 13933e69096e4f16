// Package bot is Gazette's Discord adapter: slash commands, mentions answered
// in threads, buttons, streaming edits and the formatting of cited answers
// within Discord's limits. It depends on small interfaces for the engine
// (answers, ingestion, the library, feeds and feedback) and on discordgo.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/internal/safehttp"
	"github.com/gazettebot/gazette/news"
	"github.com/gazettebot/gazette/rag"
)

// Answerer answers a question from a namespace's articles; onDelta receives
// the answer text as it streams (it may never be called).
type Answerer interface {
	Answer(ctx context.Context, ns string, req rag.Request, onDelta func(string)) (news.Answer, error)
}

// The engine's answer service is an Answerer.
var _ Answerer = (*rag.Service)(nil)

// Ingester stores articles from a URL or an uploaded file.
type Ingester interface {
	IngestURL(ctx context.Context, ns, url string, progress ingest.Progress) (ingest.Receipt, error)
	// IngestFile ingests an uploaded file: one receipt for an article file,
	// one a line for JSON Lines (a line that could not be read is a refused
	// receipt whose Reason names it); progress, which may be nil, is called
	// after each article.
	IngestFile(ctx context.Context, ns, name, contentType string, data []byte, progress ingest.Progress) ([]ingest.Receipt, error)
}

// Library lists, searches and forgets a namespace's articles. An article
// that does not exist is [news.ErrNotFound].
type Library interface {
	// Articles returns a page of articles (newest ingested first) whose
	// title, outlet or URL contains search (all when empty), and the total
	// number matching.
	Articles(ctx context.Context, ns, search string, offset, limit int) ([]news.Article, int, error)
	// Forget deletes an article and its passages, returning what it deleted.
	Forget(ctx context.Context, ns, articleID string) (news.Article, error)
	// Counts returns the numbers of articles and passages.
	Counts(ctx context.Context, ns string) (articles, chunks int, err error)
}

// Feed is a subscribed RSS or Atom feed.
type Feed struct {
	URL       string
	Title     string
	ChannelID string // where new items are announced; may be empty
	AddedAt   time.Time
	LastPoll  time.Time
	LastError string // a user-readable reason, when the last poll failed
}

// Feeds manages a namespace's feed subscriptions. A feed the namespace
// does not follow is [news.ErrNotFound].
type Feeds interface {
	AddFeed(ctx context.Context, ns, url, channelID string) (Feed, error)
	RemoveFeed(ctx context.Context, ns, url string) error
	ListFeeds(ctx context.Context, ns string) ([]Feed, error)
}

// Feedback stores answered questions with their sources and members' votes.
type Feedback interface {
	// RecordAnswer stores a question and its answer and returns its id.
	RecordAnswer(ctx context.Context, ns, channelID, userID, question string, a news.Answer) (int64, error)
	// RecordedAnswer returns a stored question and answer.
	RecordedAnswer(ctx context.Context, ns string, id int64) (question string, a news.Answer, err error)
	// Vote records (or changes) a member's vote on an answer: +1 or -1.
	Vote(ctx context.Context, ns string, id int64, userID string, vote int) error
	// QuestionsSince counts the questions asked since t.
	QuestionsSince(ctx context.Context, ns string, t time.Time) (int, error)
}

// Deps are the bot's collaborators. Answerer and Library are required; a nil
// Ingester, Feeds or Feedback disables the commands (or buttons) using it.
type Deps struct {
	Answerer Answerer
	Ingester Ingester
	Library  Library
	Feeds    Feeds
	Feedback Feedback
	// Logger receives events; nil discards them.
	Logger *slog.Logger
	// Metrics receives counters; nil creates unregistered ones.
	Metrics *Metrics
}

// Options are the bot's knobs. Zero values mean the documented defaults.
type Options struct {
	// GuildID, when set, registers commands to that guild only (instant
	// updates while developing); otherwise they are global.
	GuildID string
	// ManagerRoleID names a role allowed to change the library in addition
	// to members with Manage Server.
	ManagerRoleID string
	// QuestionsPerMinute is each member's question rate (default 6, burst 3).
	QuestionsPerMinute int
	// MaxConcurrent caps answers in progress across the process (default 8);
	// over the cap a question is told the bot is busy.
	MaxConcurrent int
	// EditInterval throttles streaming edits (default 1 s).
	EditInterval time.Duration
	// AnswerTimeout bounds one answer (default 2 min).
	AnswerTimeout time.Duration
	// GracePeriod is how long in-flight work may finish at shutdown before it
	// is interrupted (default 10 s).
	GracePeriod time.Duration
	// Files downloads attachments: every address is checked as for any
	// outside fetch (no loopback, private or metadata addresses unless the
	// client allows them). nil means a [safehttp.Client] with private
	// networks closed.
	Files *safehttp.Client
	// FileHosts are the hosts attachments may come from; an attachment URL
	// on any other host is refused before any request. nil means Discord's
	// CDN: [DiscordFileHosts].
	FileHosts []string
	// MaxFileBytes bounds an uploaded file (default ingest.MaxFileSize,
	// 10 MiB).
	MaxFileBytes int64
	// EmbedderName and ModelName are shown by /stats.
	EmbedderName, ModelName string
	// ErrorReason, when set, turns an ingestion error into a sentence a user
	// may read ("" when it has none); internal errors are never shown.
	ErrorReason func(error) string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Bot is the Discord bot. Create it with [New], add commands with
// [Bot.AddCommand] if needed, then call [Bot.Run].
type Bot struct {
	deps    Deps
	opts    Options
	log     *slog.Logger
	metrics *Metrics

	commands   map[string]*Command
	order      []string
	components map[string]ComponentHandler

	limiter *userLimiter
	slots   chan struct{}
	convs   *conversations

	// connected follows the gateway session; registered is set once the
	// commands are registered. Ready is both.
	connected  atomic.Bool
	registered atomic.Bool
	botUser    atomic.Pointer[discordgo.User]

	// mu guards closing; wg counts in-flight handlers.
	mu      sync.Mutex
	closing bool
	wg      sync.WaitGroup
	// sharedEditBucket restores discordgo's single bucket for all webhook
	// edits; only the benchmark comparing the two sets it.
	sharedEditBucket bool

	// hard is cancelled when the grace period ends; handlers derive their
	// contexts from it. Set once by Run before the session opens.
	hard context.Context
	// digestArticles, set by DigestThreadHandler before Run, lets a mention
	// inside a digest's thread prefer that digest's articles.
	digestArticles DigestArticles
}

// New creates a bot with the built-in commands.
func New(deps Deps, opts Options) *Bot {
	if opts.QuestionsPerMinute <= 0 {
		opts.QuestionsPerMinute = 6
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = 8
	}
	if opts.EditInterval <= 0 {
		opts.EditInterval = time.Second
	}
	if opts.AnswerTimeout <= 0 {
		opts.AnswerTimeout = 2 * time.Minute
	}
	if opts.GracePeriod <= 0 {
		opts.GracePeriod = 10 * time.Second
	}
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = ingest.MaxFileSize
	}
	if opts.Files == nil {
		opts.Files = safehttp.New(safehttp.Options{MaxBytes: opts.MaxFileBytes, Timeout: 30 * time.Second})
	}
	if opts.FileHosts == nil {
		opts.FileHosts = DiscordFileHosts
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := deps.Metrics
	if m == nil {
		m = NewMetrics(nil)
	}
	b := &Bot{
		deps:       deps,
		opts:       opts,
		log:        log,
		metrics:    m,
		commands:   map[string]*Command{},
		components: map[string]ComponentHandler{},
		limiter:    newUserLimiter(opts.QuestionsPerMinute, opts.Now),
		slots:      make(chan struct{}, opts.MaxConcurrent),
		convs:      newConversations(1000, 10),
		hard:       context.Background(),
	}
	for _, c := range builtinCommands(b) {
		b.AddCommand(c)
	}
	b.AddComponent(prefixVote, b.onVote)
	b.AddComponent(prefixSources, b.onSourcesButton)
	b.AddComponent(prefixPage, b.onPage)
	return b
}

// Ready reports whether the gateway session is connected and the commands
// are registered (for /readyz).
func (b *Bot) Ready() bool { return b.connected.Load() && b.registered.Load() }

// Run registers the commands (bulk overwrite, global or to Options.GuildID),
// opens the session and serves interactions and messages until ctx is done.
// It then stops taking new work, lets in-flight answers finish for the grace
// period, interrupts the rest (their messages say so), closes the session
// and returns once every handler has returned.
func (b *Bot) Run(ctx context.Context, s *discordgo.Session) error {
	hard, cancelHard := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHard()
	b.hard = hard
	s.Identify.Intents = Intents
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		if r.User == nil {
			b.log.Error("ready without a user")
			return
		}
		b.botUser.Store(r.User)
		b.connected.Store(true)
		b.log.Info("discord ready", "user", r.User.Username, "guilds", len(r.Guilds), "shard", s.ShardID)
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) { b.connected.Store(false) })
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { b.connected.Store(true) })
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		b.onInteraction(s, ic, time.Now())
	})
	s.AddHandler(b.onMessage)

	if err := s.Open(); err != nil {
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			switch ce.Code {
			case 4014:
				return fmt.Errorf("open gateway: enable the Message Content intent for the bot in the Discord developer portal (Bot → Privileged Gateway Intents): %w", redactErr(err, s))
			case 4004:
				return fmt.Errorf("open gateway: Discord refused the token; check DISCORD_TOKEN: %w", redactErr(err, s))
			}
		}
		return fmt.Errorf("open gateway: %w", redactErr(err, s))
	}
	if err := b.registerCommands(ctx, s); err != nil {
		b.mu.Lock()
		b.closing = true
		b.mu.Unlock()
		if err := s.Close(); err != nil {
			b.discordFailed(ctx, s, "close", err)
		}
		cancelHard()
		b.wg.Wait()
		return err
	}
	b.registered.Store(true)
	<-ctx.Done()
	b.log.Info("shutting down", "grace", b.opts.GracePeriod)
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	b.registered.Store(false)
	closeErr := s.Close()
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(b.opts.GracePeriod):
		b.log.Warn("grace period over, interrupting answers")
		cancelHard()
		<-done
	}
	if closeErr != nil {
		return fmt.Errorf("close gateway: %w", redactErr(closeErr, s))
	}
	return nil
}

func (b *Bot) registerCommands(ctx context.Context, s *discordgo.Session) error {
	var appID string
	if s.State != nil && s.State.Application != nil {
		appID = s.State.Application.ID
	}
	if appID == "" && s.State != nil && s.State.User != nil {
		appID = s.State.User.ID
	}
	defs := make([]*discordgo.ApplicationCommand, 0, len(b.order))
	for _, name := range b.order {
		defs = append(defs, b.commands[name].Def)
	}
	if _, err := s.ApplicationCommandBulkOverwrite(appID, b.opts.GuildID, defs, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("register commands: %w", redactErr(err, s))
	}
	b.log.Info("commands registered", "count", len(defs), "guild", b.opts.GuildID)
	return nil
}

// track counts a handler as in flight; it returns false once shutdown began.
func (b *Bot) track() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return false
	}
	b.wg.Add(1)
	return true
}

// acquire takes an answer slot without waiting.
func (b *Bot) acquire() (release func(), ok bool) {
	select {
	case b.slots <- struct{}{}:
		return func() { <-b.slots }, true
	default:
		return nil, false
	}
}

func (b *Bot) isBotUser(id string) bool {
	u := b.botUser.Load()
	return u != nil && u.ID == id
}

// canManage reports whether a member may change the guild's library.
func (b *Bot) canManage(m *discordgo.Member) bool {
	if m == nil {
		return false
	}
	if m.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0 {
		return true
	}
	if b.opts.ManagerRoleID == "" {
		return false
	}
	for _, r := range m.Roles {
		if r == b.opts.ManagerRoleID {
			return true
		}
	}
	return false
}

// DiscordFileHosts are the hosts of Discord's CDN, where attachments live.
var DiscordFileHosts = []string{"cdn.discordapp.com", "media.discordapp.net"}
