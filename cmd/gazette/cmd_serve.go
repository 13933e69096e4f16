package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/gazettebot/gazette/bot"
	"github.com/gazettebot/gazette/digest"
	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/ingest/feed"
	"github.com/gazettebot/gazette/ingest/web"
	"github.com/gazettebot/gazette/internal/config"
	"github.com/gazettebot/gazette/internal/safehttp"
	"github.com/gazettebot/gazette/news"
)

func init() {
	register(command{
		name: "serve", group: groupBot,
		summary: "run the Discord bot (needs DISCORD_TOKEN)",
		help: `Connects to Discord with DISCORD_TOKEN (the bot token from the Discord developer
portal), registers the slash commands, polls the followed feeds and posts the
scheduled digests. With GAZETTE_HTTP_ADDR set it serves /healthz, /readyz and
/metrics there. Stops cleanly on Ctrl-C or SIGTERM.`,
		settings: []string{"DISCORD_TOKEN", "DISCORD_API_URL", "DISCORD_DEV_GUILD_ID", "DISCORD_SHARD_ID", "DISCORD_SHARD_COUNT",
			"GAZETTE_DATABASE_URL", "GAZETTE_DB_MAX_CONNS", "GAZETTE_FEED_LEASE", "GAZETTE_MANAGER_ROLE_ID", "GAZETTE_HTTP_ADDR", "OPENAI_API_KEY", "OPENAI_BASE_URL", "GAZETTE_CHAT_MODEL", "GAZETTE_LLM_TIMEOUT", "GAZETTE_EMBEDDER", "GAZETTE_EMBED_MODEL", "GAZETTE_EMBED_BASE_URL", "GAZETTE_EMBED_API_KEY", "GAZETTE_ALLOW_PRIVATE_NETWORKS", "GAZETTE_FETCH_MAX_BYTES", "GAZETTE_FETCH_TIMEOUT",
			"GAZETTE_FEED_INTERVAL", "GAZETTE_FEED_HOSTS", "GAZETTE_MAX_CONCURRENT_ANSWERS", "GAZETTE_USER_QUESTIONS_PER_MINUTE",
			"GAZETTE_ANSWER_TIMEOUT", "GAZETTE_DIGEST_LATE_WINDOW", "GAZETTE_DIGEST_SWEEP", "GAZETTE_DIGEST_LEASE", "GAZETTE_DIGEST_MAX_STORIES", "GAZETTE_DIGEST_EMPTY_NOTE"},
		run: runServe,
	})
}

func runServe(ctx context.Context, e *env) error {
	fs := newFlags(e, "serve", "")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if err := e.cfg.ValidateServe(); err != nil {
		return err
	}
	e.log.Info("server config", e.cfg.LogAttrs()...)
	a, err := openApp(ctx, e.cfg, e.log, appOptions{exclusive: true, holder: "gazette serve", serving: true, follow: followInterval})
	if err != nil {
		return err
	}
	defer a.Close()
	return discordProblem(serve(ctx, a, nil))
}

// discordProblem names the setting to fix when Discord refuses the bot.
func discordProblem(err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized {
		return errors.New("the bot token was rejected by Discord (HTTP 401 Unauthorized): check DISCORD_TOKEN; it is the token of the bot's Bot page in the Discord developer portal (Reset Token shows a new one)")
	}
	return err
}

// serve runs the bot, the feed poller, the digest scheduler and the admin
// listener until ctx is done, then shuts them down in order. discordHTTP
// (nil in production) carries Discord REST calls, for tests.
func serve(ctx context.Context, a *app, discordHTTP *http.Client) error {
	cfg, log := a.cfg, a.log
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := bot.NewMetrics(reg)

	poller := feed.NewPoller(a.store, a.http, a.pipeline, feed.Options{Interval: cfg.FeedInterval, Hosts: cfg.FeedHosts, Logger: log.With("part", "feeds")})
	modelName := "extractive (offline)"
	if cfg.ChatEnabled() {
		modelName = cfg.ChatModel
	}
	b := bot.New(bot.Deps{
		Answerer: a.answers,
		Ingester: botIngester{a},
		Library:  botLibrary{a.store},
		Feeds:    botFeeds{poller},
		Feedback: a.store,
		Logger:   log.With("part", "bot"),
		Metrics:  metrics,
	}, bot.Options{
		GuildID:            cfg.DiscordDevGuildID,
		ManagerRoleID:      cfg.ManagerRoleID,
		QuestionsPerMinute: cfg.UserRatePerMinute,
		MaxConcurrent:      cfg.MaxConcurrent,
		AnswerTimeout:      cfg.AnswerTimeout,
		MaxFileBytes:       cfg.FetchMaxBytes,
		Files:              a.http,
		FileHosts:          fileHosts(cfg.DiscordAPIURL),
		EmbedderName:       a.embedder.ID(),
		ModelName:          modelName,
		ErrorReason:        userReason,
	})
	sess, err := bot.NewSession(cfg.DiscordToken, cfg.DiscordAPIURL, bot.SessionOptions{
		ShardID: cfg.ShardID, ShardCount: cfg.ShardCount, HTTPClient: discordHTTP,
	})
	if err != nil {
		return err
	}

	poster := b.DigestPoster(sess)
	sched, err := digest.NewScheduler(a.store, a.store, poster, digest.Options{
		LateWindow:    cfg.DigestLateWindow,
		SweepInterval: cfg.DigestSweep,
		Lease:         cfg.DigestLease,
		PostEmpty:     cfg.DigestEmptyNote,
		Build:         digest.BuildOptions{MaxStories: cfg.DigestMaxStories, Completer: a.chat, Log: log},
		Log:           log.With("part", "digest"),
	})
	if err != nil {
		return err
	}
	b.AddCommand(b.DigestCommand(sched))
	sess.AddHandler(b.DigestThreadHandler(sched))

	g, gctx := errgroup.WithContext(ctx)
	if cfg.HTTPAddr != "" {
		ln, err := net.Listen("tcp", cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("admin listener: %w", err)
		}
		srv := &http.Server{Handler: bot.AdminHandler(reg, b.Ready), ReadHeaderTimeout: 5 * time.Second}
		log.Info("admin listener", "addr", ln.Addr().String())
		g.Go(func() error {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("admin listener: %w", err)
			}
			return nil
		})
		g.Go(func() error {
			<-gctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return srv.Shutdown(sctx)
		})
	}
	g.Go(func() error {
		err := poller.Run(gctx)
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	})
	g.Go(func() error {
		if err := sched.Start(gctx); err != nil {
			return fmt.Errorf("start digests: %w", err)
		}
		<-gctx.Done()
		return sched.Stop()
	})
	g.Go(func() error {
		// Run returns when ctx is done and in-flight work has finished or
		// been told to retry.
		return b.Run(gctx, sess)
	})
	err = g.Wait()
	log.Info("stopped")
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// followInterval is how often serve applies what another process (the
// command line) wrote to the store; the check is one indexed query.
const followInterval = time.Second

// fileHosts are the hosts attachments may come from: Discord's CDN and, when
// REST calls go through a proxy (DISCORD_API_URL), the proxy's host.
// Addresses are still checked: a host on a private network is refused
// unless GAZETTE_ALLOW_PRIVATE_NETWORKS is set.
func fileHosts(apiURL string) []string {
	hosts := slices.Clone(bot.DiscordFileHosts)
	if u, err := url.Parse(apiURL); err == nil && u.Hostname() != "" {
		hosts = append(hosts, strings.ToLower(u.Hostname()))
	}
	return hosts
}

// userReason turns an ingestion error into a sentence a member may read, or
// "" for an internal error that only the log should see.
func userReason(err error) string {
	var re *safehttp.RefusedError
	if errors.As(err, &re) || errors.Is(err, web.ErrNoText) {
		return web.Reason(err)
	}
	switch {
	case errors.Is(err, feed.ErrTooManyFeeds):
		return "this server follows as many feeds as it may; remove one first"
	case errors.Is(err, feed.ErrExists):
		return "this server already follows that feed"
	}
	return ""
}

// cliReason is userReason for the person at the command line, who may
// change the settings: a refused private address names the setting that
// allows it.
func cliReason(err error, cfg config.Config) string {
	r := userReason(err)
	if !cfg.AllowPrivateNetworks && strings.HasPrefix(r, "the address is not allowed:") && !strings.Contains(r, "unusual spelling") {
		r += " (to fetch from a self-hosted source on a private network, set GAZETTE_ALLOW_PRIVATE_NETWORKS=true)"
	}
	return r
}

// botIngester adapts the fetcher and pipeline to [bot.Ingester].
type botIngester struct{ a *app }

// IngestURL fetches and ingests one page; a single page has no progress
// to report beyond the bot's own "Fetching…" edit.
func (b botIngester) IngestURL(ctx context.Context, ns, rawURL string, _ ingest.Progress) (ingest.Receipt, error) {
	doc, err := b.a.fetcher.Fetch(ctx, rawURL)
	if err != nil {
		return ingest.Receipt{}, err
	}
	return b.a.pipeline.Ingest(ctx, ns, doc)
}

// IngestFile ingests an uploaded file through the conversion the CLI uses
// ([web.DocumentFromBytes]); a JSON Lines file gives one article a line,
// as `gazette ingest` reads it, and each line that could not be read comes
// back as a refused receipt naming the line.
func (b botIngester) IngestFile(ctx context.Context, ns, name, contentType string, data []byte, progress ingest.Progress) ([]ingest.Receipt, error) {
	if !isJSONLines(name, contentType) {
		doc, err := web.DocumentFromBytes(name, contentType, data)
		if err != nil {
			return nil, err
		}
		r, err := b.a.pipeline.Ingest(ctx, ns, doc)
		if err != nil {
			return nil, err
		}
		return []ingest.Receipt{r}, nil
	}
	docs, lerr := ingest.LoadJSONL(bytes.NewReader(data))
	var bad []ingest.Receipt
	for _, e := range joinedErrors(lerr) {
		bad = append(bad, ingest.Receipt{Status: ingest.StatusRefused, Reason: e.Error()})
	}
	if len(docs) == 0 && len(bad) == 0 {
		return nil, &safehttp.RefusedError{Reason: "the JSON Lines file holds no articles"}
	}
	rs, err := b.a.pipeline.IngestBatch(ctx, ns, docs, progress)
	if err != nil {
		return nil, err
	}
	return append(rs, bad...), nil
}

// isJSONLines tells a JSON Lines upload by its extension or content type.
func isJSONLines(name, contentType string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson":
		return true
	}
	mt, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	switch strings.TrimSpace(mt) {
	case "application/jsonl", "application/x-ndjson", "application/json-lines", "application/x-jsonlines":
		return true
	}
	return false
}

// joinedErrors splits an error made with [errors.Join] into its parts.
func joinedErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// botLibrary adapts the store to [bot.Library].
type botLibrary struct{ s news.Store }

func (l botLibrary) Articles(ctx context.Context, ns, search string, offset, limit int) ([]news.Article, int, error) {
	return l.s.ListArticles(ctx, ns, news.ListOptions{Search: search, Offset: offset, Limit: limit})
}

func (l botLibrary) Forget(ctx context.Context, ns, articleID string) (news.Article, error) {
	art, err := l.s.Article(ctx, ns, articleID)
	if err != nil {
		return news.Article{}, err
	}
	if err := l.s.DeleteArticle(ctx, ns, articleID); err != nil {
		return news.Article{}, err
	}
	return art, nil
}

func (l botLibrary) Counts(ctx context.Context, ns string) (int, int, error) {
	st, err := l.s.Stats(ctx, ns)
	return st.Articles, st.Chunks, err
}

// botFeeds adapts the feed poller to [bot.Feeds].
type botFeeds struct{ p *feed.Poller }

func (f botFeeds) AddFeed(ctx context.Context, ns, rawURL, _ string) (bot.Feed, error) {
	fd, err := f.p.Add(ctx, ns, rawURL)
	if err != nil {
		return bot.Feed{}, err
	}
	return toBotFeed(fd), nil
}

func (f botFeeds) RemoveFeed(ctx context.Context, ns, rawURL string) error {
	return f.p.Remove(ctx, ns, rawURL)
}

func (f botFeeds) ListFeeds(ctx context.Context, ns string) ([]bot.Feed, error) {
	fds, err := f.p.List(ctx, ns)
	if err != nil {
		return nil, err
	}
	out := make([]bot.Feed, 0, len(fds))
	for _, fd := range fds {
		out = append(out, toBotFeed(fd))
	}
	return out, nil
}

func toBotFeed(f feed.Feed) bot.Feed {
	return bot.Feed{URL: f.URL, Title: f.Title, AddedAt: f.AddedAt, LastPoll: f.LastPolledAt, LastError: f.LastError}
}

var (
	_ bot.Ingester = botIngester{}
	_ bot.Library  = botLibrary{}
	_ bot.Feeds    = botFeeds{}
	_ bot.Feedback = news.Store(nil)
)
