// Package bot is the discordgo adapter: the gateway session, command registration,
// the interaction router and the responder. It is the only package besides
// commands/ (definitions) and the fake that knows discordgo, and the only one that
// sends anything to Discord.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/commands"
)

// Permissions are what the invite URL asks for, no more than the bot uses: View Channel,
// Send Messages and Send Messages in Threads (sessions and notices, in a channel or a
// thread), Embed Links (session messages are embeds, dropped silently without it), Attach
// Files (the heatmap) and Create Events (schedules' Discord events, 1<<44). Not Read
// Message History: the bot reads no message and edits only its own, by ID. Not Mention
// Everyone: a schedule's role ping works when the role is mentionable, and /schedule
// create says so when it is not; the right to ping @everyone is more than a
// stretching bot should hold.
const Permissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads | discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles |
	discordgo.PermissionCreateEvents

// DefaultDeferAfter is how long a handler may run before the bot defers: Discord
// fails an interaction not answered within 3 s, and the defer itself needs a round trip.
const DefaultDeferAfter = 1500 * time.Millisecond

// Options configure a Bot.
type Options struct {
	Token   string
	APIURL  string // scheme and host every REST call goes to
	GuildID string // register commands to this server only; empty registers globally
	Logger  *slog.Logger
	Now     func() time.Time
	// DeferAfter overrides DefaultDeferAfter (tests use a short one).
	DeferAfter time.Duration
	// Transport is the HTTP transport under the API rewrite; nil uses the default.
	Transport http.RoundTripper
	// Guard tunes the guard every REST request passes (guard.go); zero values take the
	// defaults, and a nil Guard.Log the bot's Logger.
	Guard GuardConfig
	// ShardCount is discord.shard_count: the total number of shards, 0 to ask Discord.
	ShardCount int
	// ShardIDs is discord.shard_ids: the shards this process runs (config.ShardIDs reads
	// it); empty runs them all.
	ShardIDs string
	// IdentifyInterval is how long shards of the same rate-limit bucket wait between their
	// identifies; DefaultIdentifyInterval when zero (tests use a short one).
	IdentifyInterval time.Duration
	// Observer is told of interactions, REST answers and gateway events (metrics); nil
	// observes nothing.
	Observer Observer
}

// Bot is a connected (or connectable) Discord bot serving a fixed list of commands.
type Bot struct {
	opts     Options
	session  *discordgo.Session
	router   *router
	commands []commands.Command
	log      *slog.Logger

	// shards are the gateway connections this process runs, one per shard; the first is
	// session, which also makes every REST request.
	shards []*discordgo.Session
	plan   ShardPlan

	mu       sync.Mutex
	closing  bool
	inflight sync.WaitGroup
	appID    string
	guard    *Guard
	fatal    chan error // Fatal; buffered, holds the first problem
	observer Observer
	gateway  map[int]*shardState                // by shard id; under mu
	beats    map[*discordgo.Session]*heartbeats // each gateway session's heartbeat times; under mu
	// respond sends an interaction callback; a seam so the routing benchmark can run
	// without a network.
	respond func(*discordgo.Interaction, *discordgo.InteractionResponse, ...discordgo.RequestOption) error
}

// New builds a bot. It connects only when Open is called, so that a Messenger can
// be handed to the commands first.
func New(opts Options) (*Bot, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.DeferAfter == 0 {
		opts.DeferAfter = DefaultDeferAfter
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport
	}
	transport, err := newAPITransport(opts.APIURL, opts.Transport)
	if err != nil {
		return nil, err
	}
	if opts.IdentifyInterval == 0 {
		opts.IdentifyInterval = DefaultIdentifyInterval
	}
	s, err := discordgo.New("Bot " + opts.Token)
	if err != nil {
		return nil, errors.New("cannot create the Discord session")
	}
	if opts.Observer == nil {
		opts.Observer = nopObserver{}
	}
	b := &Bot{opts: opts, session: s, log: opts.Logger, respond: s.InteractionRespond, fatal: make(chan error, 1),
		observer: opts.Observer, beats: map[*discordgo.Session]*heartbeats{}}
	guardCfg := opts.Guard
	if guardCfg.Log == nil {
		guardCfg.Log = opts.Logger
	}
	if guardCfg.OnFatal == nil {
		guardCfg.OnFatal = b.fail
	}
	if guardCfg.OnAnswer == nil {
		guardCfg.OnAnswer = b.observer.RESTAnswer
	}
	b.guard = NewGuard(transport, guardCfg)
	s.Client = b.restClient()
	bridgeDiscordgoLogs()
	b.configure(s)
	return b, nil
}

// configure sets up a gateway session of the bot: s is the REST session itself, or a
// further shard that shares its HTTP client and guard.
func (b *Bot) configure(s *discordgo.Session) {
	// The guard waits out 429s itself, a bounded number of times; discordgo would resend
	// without limit, and at once when the answer has no retry_after.
	s.ShouldRetryOnRateLimit = false
	// Interactions reach a bot without any intent, and the bot reads no gateway event but
	// them (channels and threads it asks for over REST), so it asks for none.
	s.Identify.Intents = discordgo.IntentsNone
	s.LogLevel = discordgo.LogWarning
	s.StateEnabled = false
	s.AddHandler(b.onInteraction)
	s.AddHandler(func(s *discordgo.Session, _ *discordgo.Ready) { b.onGateway(s, "connect", true) })
	s.AddHandler(func(s *discordgo.Session, _ *discordgo.Resumed) {
		b.log.Info("gateway resumed", slog.Int("shard", s.ShardID))
		b.onGateway(s, "resume", true)
	})
	s.AddHandler(b.onDisconnect)
	b.watchGateway(s)
}

// onDisconnect logs a dropped gateway; discordgo reconnects and resumes by itself.
func (b *Bot) onDisconnect(s *discordgo.Session, _ *discordgo.Disconnect) {
	b.onGateway(s, "disconnect", false)
	b.mu.Lock()
	closing := b.closing
	b.mu.Unlock()
	if !closing {
		b.log.Warn("gateway connection lost; reconnecting")
	}
}

// Open starts routing interactions to cmds, connects to the gateway, registers
// every command with one bulk overwrite and logs the invite URL.
func (b *Bot) Open(ctx context.Context, cmds []commands.Command) error {
	r, err := newRouter(cmds)
	if err != nil {
		return err
	}
	b.router, b.commands = r, cmds
	if err := b.openShards(ctx); err != nil {
		b.closeShards()
		return err
	}
	b.session.State.RLock()
	ready := b.session.State.Ready
	b.session.State.RUnlock()
	if ready.User == nil {
		b.closeShards()
		return errors.New("connected to Discord but got no READY: check discord.api_url")
	}
	b.appID = ready.User.ID
	if ready.Application != nil && ready.Application.ID != "" {
		b.appID = ready.Application.ID
	}
	if err := b.register(ctx); err != nil {
		b.closeShards()
		return err
	}
	b.log.Info("connected", slog.String("bot", ready.User.Username), slog.String("invite_url", InviteURL(b.appID)))
	return nil
}

func (b *Bot) register(ctx context.Context) error {
	defs := make([]*discordgo.ApplicationCommand, len(b.commands))
	for i, c := range b.commands {
		defs[i] = c.Definition
	}
	_, err := b.session.ApplicationCommandBulkOverwrite(b.appID, b.opts.GuildID, defs, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("registering slash commands failed: %w", describeRESTError(err))
	}
	scope := "globally (may take up to an hour to appear)"
	if b.opts.GuildID != "" {
		scope = "to server " + b.opts.GuildID
	}
	b.log.Info("registered slash commands "+scope, slog.Int("count", len(defs)))
	return nil
}

// InviteURL is the OAuth2 link that adds the bot to a server with the scopes and
// permissions it needs.
func InviteURL(appID string) string {
	q := url.Values{}
	q.Set("client_id", appID)
	q.Set("scope", "bot applications.commands")
	q.Set("permissions", fmt.Sprint(Permissions))
	return "https://discord.com/oauth2/authorize?" + q.Encode()
}

// Close stops taking interactions, waits (up to ctx) for handlers in flight, so
// their writes finish, and closes the gateway.
func (b *Bot) Close(ctx context.Context) error {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		b.log.Warn("shutdown: gave up waiting for handlers in flight")
	}
	return b.closeShards()
}

// begin registers an interaction as in flight; it returns false once closing.
func (b *Bot) begin() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return false
	}
	b.inflight.Add(1)
	return true
}

func explainConnectError(err error) error {
	var restErr *discordgo.RESTError
	if errors.As(err, &restErr) && restErr.Response != nil && restErr.Response.StatusCode == http.StatusUnauthorized {
		return errors.New("Discord refused the bot token (401 Unauthorized): reset it in the Developer Portal and set STRETCHBOT_DISCORD_TOKEN again")
	}
	if problem, fatal := gatewayProblem(err); fatal {
		return problem
	}
	return fmt.Errorf("cannot connect to Discord: %w", describeRESTError(err))
}

// describeRESTError shortens a discordgo REST error to status and Discord's message,
// dropping the request body it otherwise prints.
func describeRESTError(err error) error {
	var restErr *discordgo.RESTError
	if errors.As(err, &restErr) && restErr.Response != nil {
		if restErr.Message != nil && restErr.Message.Message != "" {
			return fmt.Errorf("%s: %s (code %d)", restErr.Response.Status, restErr.Message.Message, restErr.Message.Code)
		}
		return errors.New(restErr.Response.Status)
	}
	return err
}

// restTimeout bounds a REST request, the guard's waits included: a request Discord holds
// back longer fails.
const restTimeout = 20 * time.Second

// restClient is an HTTP client through the bot's guard, for one gateway session.
func (b *Bot) restClient() *http.Client {
	return &http.Client{Transport: b.guard, Timeout: restTimeout}
}
