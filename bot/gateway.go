package bot

import (
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Reconnect backoff: discordgo's own loop waits 1 s doubling to 10 minutes, with no jitter
// (every bot on a host that lost its network comes back at the same instant) and forever,
// even when Discord's close code says that retrying cannot help. The bot runs its own.
const (
	reconnectFirst  = time.Second
	reconnectMax    = 2 * time.Minute
	reconnectJitter = 0.25 // each wait is moved by up to ±25 %
)

// fatalCloses are the gateway close codes that no retry can fix (gateway.mdx, "Gateway
// Close Event Codes": reconnect false), each with what the operator should do.
var fatalCloses = map[int]string{
	4004: "Discord refused the bot token at the gateway (close 4004): set STRETCHBOT_DISCORD_TOKEN to the token from the Developer Portal (your application, Bot, Reset Token)",
	4010: "Discord refused the shard this process asked for (close 4010): discord.shard_ids must lie below discord.shard_count",
	4011: "Discord requires sharding for this bot (close 4011, 2,500 servers or more): set discord.shard_count to 0 so the bot asks Discord, or to at least the recommended count",
	4012: "Discord refused the gateway version (close 4012): this build of stretchbot is too old; update it",
	4013: "Discord refused the gateway intents as invalid (close 4013): this build of stretchbot asks for intents Discord no longer knows; update it",
	4014: "Discord refused a privileged gateway intent (close 4014): stretchbot needs none, so this build is wrong; update it",
}

// gatewayProblem turns a gateway close that no retry can fix into one sentence naming
// the fix; ok is false for every other error.
func gatewayProblem(err error) (problem error, ok bool) {
	var closed *websocket.CloseError
	if !errors.As(err, &closed) {
		return nil, false
	}
	if sentence, fatal := fatalCloses[closed.Code]; fatal {
		return errors.New(sentence), true
	}
	return nil, false
}

// watchGateway makes the bot, not discordgo, reconnect s after a lost connection: with
// jittered backoff, and not at all after a close that says retrying cannot help, which is
// reported on Fatal instead. The close code is read from the wire (wsclose.go), because
// discordgo does not pass it on.
func (b *Bot) watchGateway(s *discordgo.Session) {
	codes, beats, route := &closeCodes{}, &heartbeats{}, &resumeRoute{}
	s.Dialer = closeWatchingDialer(codes, beats, route)
	b.mu.Lock()
	b.beats[s] = beats
	b.mu.Unlock()
	s.Client = &http.Client{Transport: gatewayTransport{route: route, next: s.Client.Transport}, Timeout: s.Client.Timeout}
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) { route.learn(e) })
	s.ShouldReconnectOnError = false
	s.AddHandler(func(s *discordgo.Session, _ *discordgo.Disconnect) {
		if b.stopAtFatalClose(s, codes) {
			return
		}
		go b.reconnect(s, codes)
	})
}

// stopAtFatalClose reports, on Fatal, a close from Discord that no retry can fix, and
// whether there was one.
func (b *Bot) stopAtFatalClose(s *discordgo.Session, codes *closeCodes) bool {
	code := codes.take()
	if code == 0 {
		return false
	}
	problem, fatal := gatewayProblem(&websocket.CloseError{Code: code})
	if fatal && !b.isClosing() {
		b.log.Error(problem.Error(), slog.Int("shard", s.ShardID))
		b.fail(problem)
	}
	return fatal
}

// reconnect opens s again until it is connected, the bot closes, or a fatal close comes.
// discordgo resumes the session when it can (Open sends Resume while it holds a session
// id), so members' interactions sent meanwhile are replayed. Two disconnect events for one
// loss (the reader and the heartbeat both notice) start two loops; the second finds the
// connection open and stops.
func (b *Bot) reconnect(s *discordgo.Session, codes *closeCodes) {
	wait := reconnectFirst
	for attempt := 1; ; attempt++ {
		if b.isClosing() {
			return
		}
		time.Sleep(jittered(wait))
		if b.isClosing() {
			return
		}
		err := s.Open()
		if errors.Is(err, errToResumeURL) {
			err = s.Open() // discordgo fetched its gateway again: the resume URL, dialled now
		}
		switch {
		case err == nil:
			b.log.Info("gateway reconnected", slog.Int("shard", s.ShardID), slog.Int("attempts", attempt))
			return
		case errors.Is(err, discordgo.ErrWSAlreadyOpen), b.stopAtFatalClose(s, codes):
			return
		}
		b.log.Warn("reconnecting to the gateway failed; trying again", slog.Int("shard", s.ShardID),
			slog.Int("attempt", attempt), slog.Any("err", err))
		wait = min(2*wait, reconnectMax)
	}
}

// jittered moves d by up to ±reconnectJitter, so bots that lost the network together do
// not come back together.
func jittered(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (1 + reconnectJitter*(2*rand.Float64()-1)))
}

// isClosing reports whether Close has begun.
func (b *Bot) isClosing() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closing
}
