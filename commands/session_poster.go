package commands

import (
	"context"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/session"
)

// Discord JSON error codes that mean a session can no longer use its channel or message.
const (
	codeUnknownChannel = 10003
	codeUnknownMessage = 10008
	codeMissingAccess  = 50001
	codeMissingPerms   = 50013
	codeEditTooOld     = 30046 // too many edits of a message older than one hour
)

// messageSender writes channel messages on the bot's own initiative. *bot.Messenger is the
// one implementation: it paces every write through the bot's shared limiter, retries 429s
// and 5xx, and forbids mentions.
type messageSender interface {
	Send(ctx context.Context, channelID string, msg *discordgo.MessageSend) (*discordgo.Message, error)
	Edit(ctx context.Context, edit *discordgo.MessageEdit) (*discordgo.Message, error)
}

// SessionPoster is the session engine's Poster: it renders a View as the full session
// message and sends it through a messageSender, turning Discord's refusals into the errors
// the engine reacts to.
type SessionPoster struct {
	sender messageSender
	// restCode reads the HTTP status and Discord error code of a REST error (bot.RESTErrorCode;
	// commands cannot import bot, which imports commands).
	restCode func(err error) (status, code int)
	render   sessionRenderer
}

var _ session.Poster = (*SessionPoster)(nil)

// NewSessionPoster returns a Poster writing through sender; restCode is bot.RESTErrorCode
// and credits reads the streaks a session summary shows.
func NewSessionPoster(sender messageSender, restCode func(err error) (status, code int), credits creditStreaks) *SessionPoster {
	return &SessionPoster{sender: sender, restCode: restCode, render: sessionRenderer{credits: credits}}
}

// Post sends a new session message to channelID and returns its id. An error wrapping
// session.ErrGone means the channel is deleted or the bot may not post there.
func (p *SessionPoster) Post(ctx context.Context, channelID string, v session.View) (string, error) {
	embed, components, err := p.render.message(ctx, v)
	if err != nil {
		return "", err
	}
	send := &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed}, Components: components}
	if len(v.Ping) > 0 {
		// The members who joined opted in to be told that it starts; nobody else is pinged.
		var pinged []string
		send.Content, pinged = render.StartPing(v.Ping)
		send.AllowedMentions = &discordgo.MessageAllowedMentions{Users: pinged}
	}
	msg, err := p.sender.Send(ctx, channelID, send)
	if err != nil {
		return "", p.classify(err)
	}
	return msg.ID, nil
}

// Edit replaces the whole message with a rendering of v. Errors wrap session.ErrGone
// (message or channel deleted, access lost) or session.ErrTooOld (Discord refuses edits of
// messages older than an hour).
func (p *SessionPoster) Edit(ctx context.Context, channelID, messageID string, v session.View) error {
	embed, components, err := p.render.message(ctx, v)
	if err != nil {
		return err
	}
	empty := ""
	_, err = p.sender.Edit(ctx, &discordgo.MessageEdit{Channel: channelID, ID: messageID, Content: &empty,
		Embeds: &[]*discordgo.MessageEmbed{embed}, Components: &components})
	if err != nil {
		return p.classify(err)
	}
	return nil
}

// classify wraps err (keeping it in the chain, so a 403 still reads as a permission
// problem) with the session error that says what the engine should do about it.
func (p *SessionPoster) classify(err error) error {
	status, code := p.restCode(err)
	switch {
	case status == http.StatusForbidden, code == codeMissingAccess, code == codeMissingPerms,
		code == codeUnknownChannel, code == codeUnknownMessage:
		return fmt.Errorf("%w: %w", session.ErrGone, err)
	case code == codeEditTooOld:
		return fmt.Errorf("%w: %w", session.ErrTooOld, err)
	}
	return err
}
