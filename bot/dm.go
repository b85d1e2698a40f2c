package bot

import (
	"container/list"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/guild"
)

// Discord JSON error codes of direct messages.
const (
	codeDMClosed  = 50007 // "Cannot send messages to this user" (403): DMs closed, or no shared server
	codeDMTooFast = 40003 // "You are opening direct messages too fast"
)

// DM channel bookkeeping. A member's DM channel never changes, so its id is worth keeping;
// 10,000 entries (about 1 MB) cover the members DMed in any one busy minute. Closed
// members are remembered up to 100,000; one forgotten costs a single refused request.
const (
	dmChannelCacheSize = 10_000
	dmClosedCacheSize  = 100_000
	// dmTooFastRetries bounds the retries of a 40003; the waits are the Messenger's backoff
	// (0.25 s, 1 s, 2.25 s, 4 s, 6.25 s by default), shared by every DM in flight.
	dmTooFastRetries = 5
	// dmInFlight bounds the DMs between their first request and their last. The limiter
	// serves requests in the order they ask, so without it 10,000 DMs due at once would
	// open all 10,000 channels (250 s) before the first message; with it a member's open
	// and send stay close and deliveries start at once. 16 keeps the limiter busy as long
	// as a DM takes under 16/40 s per request.
	dmInFlight = 16
)

// ErrDMClosed means the member does not accept DMs from the bot (Discord error 50007).
// Callers remember it and tell the member the next time they use a command; the
// Messenger refuses further DMs to them without asking Discord until ReopenDM.
var ErrDMClosed = guild.ErrDMsClosed

// dmState is the Messenger's memory of DM channels and of members with closed DMs.
type dmState struct {
	mu       sync.Mutex
	channels *lru // user ID -> DM channel ID
	closed   *lru // user IDs whose DMs answered 50007; values unused
	// pausedUntil holds every DM back after a 40003, so the DMs in flight wait together
	// instead of each meeting the same refusal.
	pausedUntil time.Time
	// slots holds one token per DM in flight (dmInFlight).
	slots chan struct{}
}

func newDMState() *dmState {
	return &dmState{channels: newLRU(dmChannelCacheSize), closed: newLRU(dmClosedCacheSize), slots: make(chan struct{}, dmInFlight)}
}

// DM sends msg to the member userID in their direct messages, opening the DM channel
// (POST /users/@me/channels) the first time and reusing it after. Both requests go
// through the same shared limiter and retries as every Messenger write. The message pings
// nobody. A member whose DMs are closed gets an error wrapping ErrDMClosed, and from then
// on ErrDMClosed without any request, until ReopenDM. A 40003 (opening DMs too fast) is
// retried after a backoff, at most dmTooFastRetries times. At most dmInFlight DMs are under
// way at once; the others wait their turn (or for ctx).
func (m *Messenger) DM(ctx context.Context, userID string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	ctx = asInitiative(ctx) // opening the DM channel too, not only the message
	if m.DMClosed(userID) {
		return nil, ErrDMClosed
	}
	msg.AllowedMentions = noMentions()
	select {
	case m.dms.slots <- struct{}{}:
		defer func() { <-m.dms.slots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if m.DMClosed(userID) { // refused while this DM waited for its slot
		return nil, ErrDMClosed
	}
	for attempt := 0; ; attempt++ {
		if err := m.dmPause(ctx); err != nil {
			return nil, err
		}
		sent, err := m.dmOnce(ctx, userID, msg)
		_, code := restErrorCode(err)
		switch {
		case code == codeDMClosed:
			m.dms.mu.Lock()
			m.dms.closed.put(userID, "")
			m.dms.mu.Unlock()
			return nil, fmt.Errorf("%w: %w", ErrDMClosed, err)
		case code == codeDMTooFast && attempt < dmTooFastRetries:
			wait := m.backoff(attempt + 1)
			m.log.Warn("opening DMs too fast; backing off", slog.Int("attempt", attempt+1), slog.Duration("wait", wait))
			m.dms.mu.Lock()
			m.dms.pausedUntil = later(m.dms.pausedUntil, time.Now().Add(wait))
			m.dms.mu.Unlock()
		default:
			return sent, err
		}
	}
}

// dmOnce opens (or recalls) the DM channel and sends msg there. A cached channel that
// Discord no longer knows is forgotten and opened again once.
func (m *Messenger) dmOnce(ctx context.Context, userID string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	for fresh := false; ; fresh = true {
		channelID, cached, err := m.dmChannel(ctx, userID)
		if err != nil {
			return nil, err
		}
		sent, err := m.Send(ctx, channelID, msg)
		if _, code := restErrorCode(err); code == codeUnknownChannel && cached && !fresh {
			m.dms.mu.Lock()
			m.dms.channels.remove(userID)
			m.dms.mu.Unlock()
			continue
		}
		return sent, err
	}
}

// dmChannel returns the member's DM channel id, from the cache or by opening it.
func (m *Messenger) dmChannel(ctx context.Context, userID string) (id string, cached bool, err error) {
	m.dms.mu.Lock()
	id, cached = m.dms.channels.get(userID)
	m.dms.mu.Unlock()
	if cached {
		return id, true, nil
	}
	var ch *discordgo.Channel
	_, err = m.do(ctx, func() (*discordgo.Message, error) {
		var openErr error
		ch, openErr = m.session.UserChannelCreate(userID, discordgo.WithContext(ctx))
		return nil, openErr
	})
	if err != nil {
		return "", false, err
	}
	m.dms.mu.Lock()
	m.dms.channels.put(userID, ch.ID)
	m.dms.mu.Unlock()
	return ch.ID, false, nil
}

// dmPause waits out a pause set by a 40003.
func (m *Messenger) dmPause(ctx context.Context) error {
	m.dms.mu.Lock()
	wait := time.Until(m.dms.pausedUntil)
	m.dms.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	return sleepContext(ctx, wait)
}

// DMClosed reports whether the Messenger remembers userID's DMs as closed.
func (m *Messenger) DMClosed(userID string) bool {
	m.dms.mu.Lock()
	defer m.dms.mu.Unlock()
	_, closed := m.dms.closed.get(userID)
	return closed
}

// ReopenDM forgets that userID's DMs were closed, so the next DM is tried again. Callers
// call it when the member runs a command again (they may have opened their DMs since).
func (m *Messenger) ReopenDM(userID string) {
	m.dms.mu.Lock()
	defer m.dms.mu.Unlock()
	m.dms.closed.remove(userID)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// lru is a string map of bounded size that drops its least recently used entry when full.
// It is not safe for concurrent use.
type lru struct {
	size  int
	order *list.List // front: most recently used; values are *lruEntry
	items map[string]*list.Element
}

type lruEntry struct{ key, value string }

func newLRU(size int) *lru {
	return &lru{size: size, order: list.New(), items: make(map[string]*list.Element)}
}

func (c *lru) get(key string) (string, bool) {
	e, ok := c.items[key]
	if !ok {
		return "", false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry).value, true
}

func (c *lru) put(key, value string) {
	if e, ok := c.items[key]; ok {
		e.Value.(*lruEntry).value = value
		c.order.MoveToFront(e)
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry{key: key, value: value})
	if c.order.Len() > c.size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*lruEntry).key)
	}
}

func (c *lru) remove(key string) {
	if e, ok := c.items[key]; ok {
		c.order.Remove(e)
		delete(c.items, key)
	}
}

func (c *lru) len() int { return c.order.Len() }
