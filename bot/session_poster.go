package bot

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

// messageSender writes channel messages on the bot's own initiative; *Messenger is the one
// implementation (paced, retried, mentions forbidden but for the opted-in).
type messageSender interface {
	Send(ctx context.Context, channelID string, msg *discordgo.MessageSend) (*discordgo.Message, error)
	Edit(ctx context.Context, edit *discordgo.MessageEdit) (*discordgo.Message, error)
}

var _ messageSender = (*Messenger)(nil)

// SessionPoster is the session engine's Poster: it renders a View as the whole session
// message (render.SessionMessage, the same rendering click replies use) and writes it
// through the Messenger, turning Discord's refusals into the errors the engine reacts to.
type SessionPoster struct {
	sender messageSender
}

var _ session.Poster = (*SessionPoster)(nil)

// NewSessionPoster returns a Poster writing through sender, normally Bot.NewMessenger().
func NewSessionPoster(sender messageSender) *SessionPoster {
	return &SessionPoster{sender: sender}
}

// Post sends a new session message to channelID and returns its id. A View with Ping
// mentions those members, who opted in by joining. An error wrapping session.ErrGone means
// the channel is deleted or the bot may not post there.
func (p *SessionPoster) Post(ctx context.Context, channelID string, v session.View) (string, error) {
	embed, components := render.SessionMessage(v)
	send := &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed}, Components: components}
	switch {
	case len(v.Ping) > 0:
		var pinged []string
		send.Content, pinged = render.StartPing(v.Ping)
		send.AllowedMentions = &discordgo.MessageAllowedMentions{Users: pinged}
	case v.PingRole != "":
		send.Content = render.LobbyPing(v.PingRole, v.Session.StartAt)
		send.AllowedMentions = &discordgo.MessageAllowedMentions{Roles: []string{v.PingRole}}
	}
	msg, err := p.sender.Send(ctx, channelID, send)
	if err != nil {
		return "", classifySessionWrite(err)
	}
	return msg.ID, nil
}

// Edit replaces the whole message with a rendering of v. Errors wrap session.ErrGone
// (message or channel deleted, access lost) or session.ErrTooOld (Discord refuses edits of
// messages older than an hour).
func (p *SessionPoster) Edit(ctx context.Context, channelID, messageID string, v session.View) error {
	embed, components := render.SessionMessage(v)
	empty := ""
	_, err := p.sender.Edit(ctx, &discordgo.MessageEdit{Channel: channelID, ID: messageID, Content: &empty,
		Embeds: &[]*discordgo.MessageEmbed{embed}, Components: &components})
	if err != nil {
		return classifySessionWrite(err)
	}
	return nil
}

// classifySessionWrite wraps err (keeping it in the chain, so a 403 still reads as a
// permission problem) with the session error that says what the engine should do about it.
func classifySessionWrite(err error) error {
	status, code := restErrorCode(err)
	switch {
	case status == http.StatusForbidden, code == codeMissingAccess, code == codeMissingPerms,
		code == codeUnknownChannel, code == codeUnknownMessage:
		return fmt.Errorf("%w: %w", session.ErrGone, err)
	case code == codeEditTooOld:
		return fmt.Errorf("%w: %w", session.ErrTooOld, err)
	}
	return err
}
