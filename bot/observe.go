package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Observer is told what the bot does, for the operator's metrics (internal/metrics
// implements it). Its methods must be cheap and safe for concurrent use: they run on the
// paths they count.
type Observer interface {
	// Interaction is called once per interaction answered (or refused): its kind (command,
	// component, autocomplete), the command it belongs to ("unknown" when none does), the
	// outcome (see outcomeLabel) and the time from its arrival to the answer.
	Interaction(kind, command, outcome string, latency time.Duration)
	// RESTAnswer is called for every answer Discord's REST API gave, with the route (method
	// and path, every id and token replaced) and the HTTP status.
	RESTAnswer(route string, status int)
	// Gateway is called when a shard identifies ("connect"), resumes ("resume") or loses
	// its connection ("disconnect").
	Gateway(shard int, event string)
}

// nopObserver observes nothing: the bot without metrics.
type nopObserver struct{}

func (nopObserver) Interaction(string, string, string, time.Duration) {}
func (nopObserver) RESTAnswer(string, int)                            {}
func (nopObserver) Gateway(int, string)                               {}

// Interaction outcomes, as the log and the metrics name them.
const (
	outcomeOK            = "ok"
	outcomeUserError     = "user_error"     // shown to the member, not logged
	outcomeForbidden     = "forbidden"      // Discord refused the bot: a permissions hint
	outcomeBusy          = "busy"           // the database stayed locked: "try again"
	outcomeInternalError = "internal_error" // logged with its cause, shown generically
	outcomeRefused       = "refused"        // arrived while the bot shut down
)

// ShardStatus is one gateway connection of this process.
type ShardStatus struct {
	ID        int
	Connected bool // identified (READY) or resumed, and not lost since
	// LastAck is when Discord last acknowledged a heartbeat; zero while discordgo holds
	// the session (it does while connecting), so it cannot be read without waiting.
	LastAck time.Time
	// Latency is the round trip of the last acknowledged heartbeat, timed on the wire;
	// 0 before the first.
	Latency time.Duration
}

// shardState is what the bot tracks of one shard.
type shardState struct {
	session   *discordgo.Session
	connected bool
}

// trackShard registers s as shard id before it connects, so that readiness counts it as
// down until it identifies.
func (b *Bot) trackShard(id int, s *discordgo.Session) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.gateway == nil {
		b.gateway = map[int]*shardState{}
	}
	b.gateway[id] = &shardState{session: s}
}

// onGateway records a connection event of s's shard and reports it to the observer.
func (b *Bot) onGateway(s *discordgo.Session, event string, connected bool) {
	b.mu.Lock()
	if st, ok := b.gateway[s.ShardID]; ok {
		st.connected = connected
	}
	b.mu.Unlock()
	b.observer.Gateway(s.ShardID, event)
}

// Shards is the state of every shard this process runs, in shard order.
func (b *Bot) Shards() []ShardStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]ShardStatus, 0, len(b.gateway))
	for _, id := range b.plan.IDs {
		st, ok := b.gateway[id]
		if !ok {
			out = append(out, ShardStatus{ID: id})
			continue
		}
		status := ShardStatus{ID: id, Connected: st.connected}
		if beats, ok := b.beats[st.session]; ok {
			status.Latency = beats.last()
		}
		// discordgo writes the ack time under the session's lock, which Open holds for the
		// whole handshake: a metrics scrape must not wait for that.
		if st.session.TryRLock() {
			status.LastAck = st.session.LastHeartbeatAck
			st.session.RUnlock()
		}
		out = append(out, status)
	}
	return out
}

// Ready reports, in one sentence, why the bot cannot serve members now: before its shards
// are planned, or while a shard's gateway connection is down. nil means every shard is
// connected.
func (b *Bot) Ready(context.Context) error {
	shards := b.Shards()
	if len(shards) == 0 {
		return fmt.Errorf("the gateway is not connected yet")
	}
	for _, s := range shards {
		if !s.Connected {
			return fmt.Errorf("the gateway connection of shard %d is down; the bot reconnects by itself", s.ID)
		}
	}
	return nil
}

// observeInteraction counts an answered interaction and logs it at debug: command, server,
// channel, latency and outcome, by id (a member's name is personal data and not needed to
// trace a problem).
func (b *Bot) observeInteraction(i *discordgo.Interaction, started time.Time, kind, command, outcome string) {
	latency := time.Since(started)
	b.observer.Interaction(kind, command, outcome, latency)
	b.log.Debug("interaction", slog.String("kind", kind), slog.String("command", command),
		slog.String("guild", i.GuildID), slog.String("channel", i.ChannelID), slog.String("interaction", i.ID),
		slog.Duration("latency", latency), slog.String("outcome", outcome))
}

// InvalidAnswers is the guard's count of 401, 403 and 429 answers in its sliding window,
// and the budget at which it starts holding back the bot's own writes.
func (b *Bot) InvalidAnswers() (count, budget int) {
	return b.guard.InvalidCount(), b.guard.budget
}
