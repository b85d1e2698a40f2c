package bot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"golang.org/x/time/rate"
)

// Discord allows 50 requests per second per bot across all routes. discordgo paces
// each route's bucket but not this global limit, so every write the bot starts on
// its own (session steps, not interaction answers, which Discord exempts) passes
// one shared limiter. 40/s with a burst of 5 stays under 50 in any one-second window.
const (
	globalRate  = 40
	globalBurst = 5
)

// serverErrorRetries is how often a 5xx is retried. discordgo itself retries only
// 502 and 429.
const serverErrorRetries = 3

// Messenger sends and edits channel messages on the bot's own initiative, paced and
// retried, always without mentions.
type Messenger struct {
	session *discordgo.Session
	limiter *rate.Limiter
	log     *slog.Logger
	backoff func(attempt int) time.Duration
	dms     *dmState // DM channels opened and members with closed DMs (dm.go)
}

// NewMessenger returns the bot's one Messenger; all callers must share it, since
// the limit is per bot.
func (b *Bot) NewMessenger() *Messenger {
	return &Messenger{
		session: b.session,
		limiter: rate.NewLimiter(globalRate, globalBurst),
		log:     b.log,
		backoff: func(attempt int) time.Duration { return time.Duration(attempt*attempt) * 250 * time.Millisecond },
		dms:     newDMState(),
	}
}

// Send posts a new message in channelID. It pings nobody except the users and roles that
// msg.AllowedMentions lists, which the caller vouches opted in (members who joined the
// session it announces): the parse list is always empty, so no text in it pings anyone.
func (m *Messenger) Send(ctx context.Context, channelID string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	ctx = asInitiative(ctx) // the guard may shed it, and stops it in a channel that refused the bot
	msg.AllowedMentions = onlyOptedIn(msg.AllowedMentions)
	if msg.Embeds == nil {
		msg.Embeds = []*discordgo.MessageEmbed{}
	}
	if msg.Components == nil {
		msg.Components = []discordgo.MessageComponent{}
	}
	return m.do(ctx, func() (*discordgo.Message, error) {
		return m.session.ChannelMessageSendComplex(channelID, msg, discordgo.WithContext(ctx))
	})
}

// Edit replaces the content, embeds and components of a message. opts are passed on to
// discordgo after the context (the session poster turns its 429 retry off).
func (m *Messenger) Edit(ctx context.Context, edit *discordgo.MessageEdit, opts ...discordgo.RequestOption) (*discordgo.Message, error) {
	ctx = asInitiative(ctx)
	edit.AllowedMentions = noMentions()
	if edit.Embeds == nil {
		edit.Embeds = &[]*discordgo.MessageEmbed{}
	}
	if edit.Components == nil {
		edit.Components = &[]discordgo.MessageComponent{}
	}
	if edit.Content == nil {
		empty := ""
		edit.Content = &empty
	}
	return m.do(ctx, func() (*discordgo.Message, error) {
		return m.session.ChannelMessageEditComplex(edit, append([]discordgo.RequestOption{discordgo.WithContext(ctx)}, opts...)...)
	})
}

// turnKey marks a context whose next write through the Messenger has its slot already
// (Turn).
type turnKey struct{}

// Turn waits for the bot's next write slot under the shared limiter and returns a context
// whose next write through this Messenger uses that slot instead of waiting again. A
// caller can so decide what to write after the wait: a session writes the state it has
// then, not the one it had when it joined the queue, which under load is long past.
func (m *Messenger) Turn(ctx context.Context) (context.Context, error) {
	if err := m.limiter.Wait(ctx); err != nil {
		return ctx, err
	}
	slot := &atomic.Bool{}
	slot.Store(true)
	return context.WithValue(ctx, turnKey{}, slot), nil
}

// waitTurn waits for a write slot, unless ctx carries one from Turn not used yet.
func (m *Messenger) waitTurn(ctx context.Context) error {
	if slot, ok := ctx.Value(turnKey{}).(*atomic.Bool); ok && slot.Swap(false) {
		return nil
	}
	return m.limiter.Wait(ctx)
}

func (m *Messenger) do(ctx context.Context, call func() (*discordgo.Message, error)) (*discordgo.Message, error) {
	for attempt := 0; ; attempt++ {
		if err := m.waitTurn(ctx); err != nil {
			return nil, err
		}
		msg, err := call()
		if err == nil || !isServerError(err) || attempt >= serverErrorRetries {
			return msg, err
		}
		m.log.Warn("Discord server error; retrying", slog.Int("attempt", attempt+1), slog.String("error", describeRESTError(err).Error()))
		select {
		case <-time.After(m.backoff(attempt + 1)):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func isServerError(err error) bool {
	var restErr *discordgo.RESTError
	return errors.As(err, &restErr) && restErr.Response != nil && restErr.Response.StatusCode >= http.StatusInternalServerError
}

// restErrorCode returns the HTTP status and Discord's JSON error code of err, or zeros if
// err is not a Discord REST error.
func restErrorCode(err error) (status, code int) {
	var restErr *discordgo.RESTError
	if !errors.As(err, &restErr) || restErr.Response == nil {
		return 0, 0
	}
	if restErr.Message != nil {
		code = restErr.Message.Code
	}
	return restErr.Response.StatusCode, code
}

// onlyOptedIn keeps the explicit users and roles of a, and nothing else.
func onlyOptedIn(a *discordgo.MessageAllowedMentions) *discordgo.MessageAllowedMentions {
	allowed := noMentions()
	if a != nil {
		allowed.Users, allowed.Roles = a.Users, a.Roles
	}
	return allowed
}
