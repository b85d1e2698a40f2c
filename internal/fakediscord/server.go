// Package fakediscord is a test double of Discord's REST API and gateway that the real
// discordgo client talks to over loopback.
//
// The bot points discordgo at it by rewriting the scheme and host of every REST request to
// URL() (paths are kept, any /api/v{N}/ prefix is accepted); discordgo then learns the
// gateway address from GET /api/v{N}/gateway, which names this same server. The fake keeps
// the messages the bot posts, records every REST call, dispatches INTERACTION_CREATE events
// shaped as Discord documents them, and can inject rate limits, server errors, missing
// permissions, deleted channels and dropped gateway connections.
//
// The package does not import "testing": the `stretchbot sandbox` command runs it too.
package fakediscord

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DefaultHeartbeatInterval is the heartbeat interval Discord announces in its Hello.
const DefaultHeartbeatInterval = 41250 * time.Millisecond

// discordEpoch is the first millisecond of 2015, the origin of Discord snowflakes.
const discordEpoch = 1420070400000

// Options configure a Server. Zero values get Discord-like defaults.
type Options struct {
	// ApplicationID is the bot's application ID; a fresh snowflake when empty.
	ApplicationID string
	// BotID is the bot user's ID; ApplicationID when empty, as for every app made since 2020.
	BotID string
	// BotName is the bot user's username; "stretchbot" when empty.
	BotName string
	// HeartbeatInterval is announced in the gateway Hello; DefaultHeartbeatInterval when zero.
	// discordgo sends its first heartbeat at once and then one per interval.
	HeartbeatInterval time.Duration
	// Logf receives one line per gateway event and REST call; nil discards them.
	Logf func(format string, args ...any)
	// Shards is the shard count GET /gateway/bot recommends; 1 when zero.
	Shards int
	// RequiredShards, when set, refuses an Identify with fewer shards (close 4011), as
	// Discord refuses an unsharded bot in 2,500 servers or more.
	RequiredShards int
	// MaxConcurrency is session_start_limit.max_concurrency in GET /gateway/bot: how many
	// shards may identify per 5 s bucket; 1 when zero.
	MaxConcurrency int
}

// Server is a running fake Discord. All methods are safe for concurrent use.
type Server struct {
	opts Options
	bot  discordgo.User
	base string // http://127.0.0.1:PORT
	ln   net.Listener
	http *http.Server
	gw   *gateway
	// routes is the REST routing table, built once by Start and never changed.
	routes []route
	ids    idSource
	now    atomic.Pointer[func() time.Time]
	wg     sync.WaitGroup // gateway connections still being served

	// handleMu serialises REST handling and event delivery, so subscribers see events in
	// the order the state changed. Readers of state take only mu.
	handleMu sync.Mutex
	mu       sync.Mutex
	state    state
}

// Start listens on 127.0.0.1 on a free port and serves until Close.
func Start(opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fakediscord: listen on loopback: %w", err)
	}
	s := &Server{ln: ln, base: "http://" + ln.Addr().String()}
	s.SetNow(nil)
	s.opts = s.withDefaults(opts)
	s.bot = discordgo.User{ID: s.opts.BotID, Username: s.opts.BotName, Discriminator: "0", Bot: true, Verified: true}
	s.state = newState()
	s.gw = newGateway(s)
	s.routes = routeTable()
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }() // Serve returns ErrServerClosed on Close; nothing to report.
	return s, nil
}

func (s *Server) withDefaults(o Options) Options {
	if o.ApplicationID == "" {
		o.ApplicationID = s.newID()
	}
	if o.BotID == "" {
		o.BotID = o.ApplicationID
	}
	if o.BotName == "" {
		o.BotName = "stretchbot"
	}
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	o.Shards, o.MaxConcurrency = max(o.Shards, 1), max(o.MaxConcurrency, 1)
	return o
}

// URL returns the http base (scheme and host, no path) that REST requests must be sent to.
func (s *Server) URL() string { return s.base }

// GatewayURL returns the websocket address GET /gateway announces.
func (s *Server) GatewayURL() string { return "ws://" + s.ln.Addr().String() }

// ResumeGatewayURL is the resume_gateway_url READY names. Discord gives a host of its own
// there (gateway-us-east1-b.discord.gg, say), not the one the client connected to, and
// asks clients to resume on it; the fake names the same listener by another host,
// localhost, so a client that resumes where it connected can be told apart.
func (s *Server) ResumeGatewayURL() string {
	_, port, _ := net.SplitHostPort(s.ln.Addr().String())
	return "ws://" + net.JoinHostPort(resumeHost, port)
}

// resumeHost is the host of ResumeGatewayURL.
const resumeHost = "localhost"

// ApplicationID returns the application ID used in READY, webhooks and interactions.
func (s *Server) ApplicationID() string { return s.opts.ApplicationID }

// BotUser returns the bot user every message the fake stores is authored by.
func (s *Server) BotUser() discordgo.User { return s.bot }

// Close drops every gateway connection, stops serving and waits for the connection
// goroutines to end. Calling it twice is harmless.
func (s *Server) Close() {
	s.gw.closeAll()
	_ = s.http.Close() // the listener is ours; an error here only repeats an earlier Close.
	s.wg.Wait()
}

// SetNow replaces the clock the fake reads for message timestamps, snowflakes, interaction
// deadlines (3 s to answer, 15 min token life) and the one-hour edit limit. nil restores
// time.Now. Request-rate measurement always uses the real clock, because it judges the
// client's real pacing.
func (s *Server) SetNow(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.now.Store(&now)
}

func (s *Server) clock() time.Time { return (*s.now.Load())() }

func (s *Server) logf(format string, args ...any) { s.opts.Logf(format, args...) }

// newID returns a snowflake for the fake's current time, unique within this server.
func (s *Server) newID() string { return s.ids.next(s.clock()) }

// idSource hands out strictly increasing snowflakes, so IDs sort like creation order even
// when a test freezes the clock.
type idSource struct {
	mu   sync.Mutex
	last uint64
}

func (g *idSource) next(t time.Time) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	id := uint64(max(t.UnixMilli()-discordEpoch, 0)) << 22
	if id <= g.last {
		id = g.last + 1
	}
	g.last = id
	return fmt.Sprint(id)
}

// randomHex returns n random bytes in hex, for session IDs and interaction tokens.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms.
	return hex.EncodeToString(b)
}

// ErrNoSession is returned by Interact before any client has identified on the gateway:
// Discord has no session to deliver (or later replay) the event to.
var ErrNoSession = errors.New("fakediscord: no gateway session (the client has not identified)")
