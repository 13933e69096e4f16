package bot

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// SessionOptions configures [NewSession]. The zero value is one shard of one
// process talking to Discord itself.
type SessionOptions struct {
	// ShardID and ShardCount split guilds across processes; ShardCount 0 or 1
	// means no sharding.
	ShardID, ShardCount int
	// HTTPClient carries REST calls; nil means [DefaultHTTPClient].
	// Its transport is wrapped when an API URL is given.
	HTTPClient *http.Client
}

// Intents are the gateway intents the bot needs: guilds, guild messages
// (mentions and thread follow-ups) and the privileged message content.
const Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsMessageContent

// InvitePermissions are the channel permissions the bot needs: view
// channels, send messages, read message history (thread follow-ups), create
// public threads and send messages in threads.
const InvitePermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionReadMessageHistory | discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionSendMessagesInThreads

// InviteURL returns the URL a server admin opens to add the bot, with the
// bot and applications.commands scopes and [InvitePermissions].
func InviteURL(appID string) string {
	return fmt.Sprintf("https://discord.com/oauth2/authorize?client_id=%s&scope=bot+applications.commands&permissions=%d",
		url.QueryEscape(appID), InvitePermissions)
}

// NewSession builds a discordgo session for the bot token. When apiURL is not
// empty (DISCORD_API_URL: a REST proxy such as nirn-proxy, or a fake), every
// REST call, and so the gateway discovery, goes to it instead of
// https://discord.com: discordgo's endpoints are fixed at init, so a
// transport rewrites their scheme, host and path prefix.
func NewSession(token, apiURL string, opts SessionOptions) (*discordgo.Session, error) {
	if token == "" {
		return nil, errors.New("new session: empty token")
	}
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("new session: %w", err)
	}
	client := opts.HTTPClient
	if client == nil {
		client = DefaultHTTPClient()
	}
	if apiURL != "" {
		base, err := url.Parse(apiURL)
		if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
			return nil, fmt.Errorf("new session: api url %q is not an http(s) URL", apiURL)
		}
		c := *client
		next := c.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		c.Transport = &rewriteTransport{base: base, next: next}
		client = &c
	}
	s.Client = client
	s.Identify.Intents = Intents
	if opts.ShardCount > 1 {
		if opts.ShardID < 0 || opts.ShardID >= opts.ShardCount {
			return nil, fmt.Errorf("new session: shard %d of %d: %w", opts.ShardID, opts.ShardCount, discordgo.ErrWSShardBounds)
		}
		s.ShardID, s.ShardCount = opts.ShardID, opts.ShardCount
		s.Identify.Shard = &[2]int{opts.ShardID, opts.ShardCount}
	}
	return s, nil
}

// DefaultHTTPClient is the REST client NewSession uses by default: a 30 s
// timeout, and a connection pool sized for many concurrent interactions to
// the one Discord host (the standard transport keeps only 2 idle
// connections per host, so bursts of interactions open new connections).
func DefaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 100
	t.MaxIdleConns = 200
	return &http.Client{Timeout: 30 * time.Second, Transport: t}
}

// discordBase is the prefix of every discordgo REST endpoint.
var discordBase, _ = url.Parse(discordgo.EndpointDiscord)

// rewriteTransport sends requests for https://discord.com/... to base,
// keeping the path below the base's own path (so a proxy mounted at
// http://proxy:8080/ or http://proxy/discord/ both work). Requests to other
// hosts (attachments on the CDN) pass through unchanged.
type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != discordBase.Host {
		return t.next.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	r.URL.Scheme = t.base.Scheme
	r.URL.Host = t.base.Host
	r.Host = t.base.Host
	if p := strings.TrimSuffix(t.base.Path, "/"); p != "" {
		r.URL.Path = p + r.URL.Path
		if r.URL.RawPath != "" {
			r.URL.RawPath = p + r.URL.RawPath
		}
	}
	return t.next.RoundTrip(r)
}
