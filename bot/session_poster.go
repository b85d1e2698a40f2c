package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	Edit(ctx context.Context, edit *discordgo.MessageEdit, opts ...discordgo.RequestOption) (*discordgo.Message, error)
}

// turnTaker is a messageSender that can wait for a write slot ahead of the write
// (Messenger.Turn); senders that cannot simply wait when they write.
type turnTaker interface {
	Turn(ctx context.Context) (context.Context, error)
}

var _ turnTaker = (*Messenger)(nil)

var _ messageSender = (*Messenger)(nil)

// SessionPoster is the session engine's Poster: it renders a View as the whole session
// message (render.SessionMessage, the same rendering click replies use) and writes it
// through the Messenger, turning Discord's refusals into the errors the engine reacts to.
type SessionPoster struct {
	sender messageSender
}

var (
	_ session.Poster = (*SessionPoster)(nil)
	_ session.Turner = (*SessionPoster)(nil)
)

// NewSessionPoster returns a Poster writing through sender, normally Bot.NewMessenger().
func NewSessionPoster(sender messageSender) *SessionPoster {
	return &SessionPoster{sender: sender}
}

// Turn waits for the bot's next write slot (Messenger.Turn), so the engine renders what it
// writes after the wait (session.Turner). A sender without turns waits when it writes.
func (p *SessionPoster) Turn(ctx context.Context) (context.Context, error) {
	if t, ok := p.sender.(turnTaker); ok {
		return t.Turn(ctx)
	}
	return ctx, nil
}

// Post sends a new session message to channelID and returns its id. A View with Ping
// mentions those members, who opted in by joining. An error wrapping session.ErrGone means
// the channel is deleted or the bot may not post there; session.ErrNoEmbeds (which wraps
// ErrGone) that Discord kept the message but dropped its embed.
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
		return "", classifySessionWrite(err, 0)
	}
	if err := embedKept(msg, channelID); err != nil {
		return "", err
	}
	return msg.ID, nil
}

// Edit replaces the whole message with a rendering of v. Errors wrap session.ErrGone
// (message or channel deleted, access lost), session.ErrNoEmbeds (the edit was stored
// without its embed) or session.ErrTooOld (Discord refused to edit a message older than an
// hour: a 429 with code 30046).
//
// discordgo's own 429 retry is off for the edit (bot.New turns it off for the whole session
// too, for the guard; the poster does not depend on that): it would sleep and resend a 30046
// refusal for as long as the channel's limit lasts, when the engine's answer is a new
// message. The guard passes 30046 straight back and waits out other 429s itself; one still
// left comes back as an error, and the engine retries the write with its backoff.
func (p *SessionPoster) Edit(ctx context.Context, channelID, messageID string, v session.View) error {
	embed, components := render.SessionMessage(v)
	empty := ""
	var refusal rateLimitCode
	msg, err := p.sender.Edit(ctx, &discordgo.MessageEdit{Channel: channelID, ID: messageID, Content: &empty,
		Embeds: &[]*discordgo.MessageEmbed{embed}, Components: &components},
		discordgo.WithRetryOnRatelimit(false), refusal.recorder())
	if err != nil {
		return classifySessionWrite(err, refusal.code)
	}
	return embedKept(msg, channelID)
}

// embedKept returns an error wrapping session.ErrNoEmbeds when Discord's answer to a write
// of a session message (which always carries one embed) has none: Discord drops the embeds
// of a bot without Embed Links in the channel instead of refusing the write.
func embedKept(msg *discordgo.Message, channelID string) error {
	if len(msg.Embeds) > 0 {
		return nil
	}
	return fmt.Errorf("session message %s in channel %s was stored without its embed; give the bot Embed Links there: %w",
		msg.ID, channelID, session.ErrNoEmbeds)
}

// classifySessionWrite wraps err (keeping it in the chain, so a 403 still reads as a
// permission problem) with the session error that says what the engine should do about it.
// code429 is the JSON error code of the 429 behind a *discordgo.RateLimitError, which the
// error itself does not carry (rateLimitCode).
func classifySessionWrite(err error, code429 int) error {
	status, code := restErrorCode(err)
	var limited *discordgo.RateLimitError
	if errors.As(err, &limited) {
		code = code429
	}
	switch {
	case status == http.StatusForbidden, code == codeMissingAccess, code == codeMissingPerms,
		code == codeUnknownChannel, code == codeUnknownMessage:
		return fmt.Errorf("%w: %w", session.ErrGone, err)
	case code == codeEditTooOld:
		return fmt.Errorf("%w: %w", session.ErrTooOld, err)
	}
	return err
}

// rateLimitCode keeps the JSON error code of a 429 answer. discordgo's RateLimitError keeps
// only the answer's message and retry_after, but the code is what tells a refusal to edit
// an hour-old message (30046) from a pace to wait out.
type rateLimitCode struct{ code int }

// recorder is a RequestOption that reads the code of each 429 answer into c. It wraps the
// request's client (whatever transport that has, the bot's guard included) without
// changing what discordgo receives.
func (c *rateLimitCode) recorder() discordgo.RequestOption {
	return func(cfg *discordgo.RequestConfig) {
		client := *cfg.Client
		next := client.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		client.Transport = codeReader{next: next, into: c}
		cfg.Client = &client
	}
}

// maxErrorBody bounds how much of a 429's body codeReader reads; Discord's are tiny.
const maxErrorBody = 64 << 10

type codeReader struct {
	next http.RoundTripper
	into *rateLimitCode
}

// RoundTrip implements http.RoundTripper.
func (r codeReader) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusTooManyRequests {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading Discord's 429 answer: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var fields struct {
		Code int `json:"code"`
	}
	if json.Unmarshal(body, &fields) == nil {
		r.into.code = fields.Code
	}
	return resp, nil
}
