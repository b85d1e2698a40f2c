package commands

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/storage"
)

// dmSender sends a direct message the bot writes on its own initiative (a reminder, a
// schedule's notice), paced with the bot's other writes and pinging nobody. An error
// wrapping guild.ErrDMsClosed means the member does not accept DMs from the bot: the
// caller stops trying (no retry) until the member runs a command again.
// *bot.Messenger and *DMMemory implement it.
type dmSender interface {
	DM(ctx context.Context, userID string, msg *discordgo.MessageSend) (*discordgo.Message, error)
}

// memoryDMs is a dmSender that also remembers refusals for the life of the process and
// can forget one; *bot.Messenger is the one implementation.
type memoryDMs interface {
	dmSender
	ReopenDM(userID string)
}

// closedDMs keeps the members whose DMs refused the bot; *storage.DB implements it.
type closedDMs interface {
	MarkDMsClosed(ctx context.Context, userID string, at time.Time) error
	DMsClosed(ctx context.Context, userID string) (bool, error)
	ReopenDMs(ctx context.Context, userID string) (bool, error)
}

var (
	_ dmSender  = (*DMMemory)(nil)
	_ closedDMs = (*storage.DB)(nil)
)

// DMMemory sends the bot's own DMs and remembers, in the database, the members whose DMs
// refused them (Discord error 50007): nothing is tried again for them, not even after a
// restart, until they run a command, when Owed tells them once, privately.
type DMMemory struct {
	sender memoryDMs
	store  closedDMs
	now    func() time.Time
	log    *slog.Logger
}

// NewDMMemory wraps sender (the bot's Messenger) with the closed-DM memory in store.
func NewDMMemory(sender memoryDMs, store closedDMs, now func() time.Time, log *slog.Logger) *DMMemory {
	return &DMMemory{sender: sender, store: store, now: now, log: log}
}

// DM sends msg to the member unless their DMs are remembered as closed; then, or when
// Discord refuses it with 50007 (remembered from then on), the error wraps
// guild.ErrDMsClosed.
func (m *DMMemory) DM(ctx context.Context, userID string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	closed, err := m.store.DMsClosed(ctx, userID)
	if err != nil {
		return nil, err
	}
	if closed {
		return nil, guild.ErrDMsClosed
	}
	sent, err := m.sender.DM(ctx, userID, msg)
	if errors.Is(err, guild.ErrDMsClosed) {
		if markErr := m.store.MarkDMsClosed(ctx, userID, m.now()); markErr != nil {
			return nil, errors.Join(err, markErr)
		}
		m.log.Info("a member's DMs refuse the bot; not DMing them until their next command", slog.String("user", userID))
	}
	return sent, err
}

// dmsClosedNotice is shown, once, after the next command of a member whose DMs refused
// the bot.
const dmsClosedNotice = "I couldn't send you a direct message: your DMs are closed to me, so your reminders and " +
	"schedule notices were not delivered. To get them, allow direct messages from this server's members " +
	"(the server's Privacy Settings); I'll try again from now on."

// Owed returns the notice the member is owed because their DMs refused the bot, and
// forgets the refusal so the next DM is tried again; "" when nothing is owed.
func (m *DMMemory) Owed(ctx context.Context, userID string) (string, error) {
	reopened, err := m.store.ReopenDMs(ctx, userID)
	if err != nil || !reopened {
		return "", err
	}
	m.sender.ReopenDM(userID)
	return dmsClosedNotice, nil
}

// owedNotices gives what a member is owed after their next command; *DMMemory is one.
type owedNotices interface {
	Owed(ctx context.Context, userID string) (string, error)
}

// withOwedNotices makes every slash command's successful reply carry, as a last private
// follow-up, whatever notice the caller is owed. A command that fails leaves the notice
// owed for the next one, and a failure to read it costs the notice, never the answer.
func withOwedNotices(cmds []Command, owed owedNotices, log *slog.Logger) {
	for i := range cmds {
		handle := cmds[i].Handle
		cmds[i].Handle = func(ctx context.Context, req *Request) (*Reply, error) {
			reply, err := handle(ctx, req)
			if err != nil || req.Member.ID == "" {
				return reply, err
			}
			notice, err := owed.Owed(ctx, req.Member.ID)
			if err != nil {
				log.Warn("reading the notices a member is owed failed", slog.String("user", req.Member.ID), slog.Any("err", err))
			}
			if notice != "" {
				last := reply
				for last.FollowUp != nil {
					last = last.FollowUp
				}
				last.FollowUp = Message(true, notice)
			}
			return reply, nil
		}
	}
}
