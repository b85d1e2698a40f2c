// Package commands holds stretchbot's slash commands. Each command is one value that
// carries its Discord definition and its handlers together; All feeds both the bulk
// registration and the router, so the two can never drift apart.
//
// Handlers never talk to Discord: they get a Request and return a Reply (or an
// error), and the adapter in bot/ sends it, defers it when it is slow, and sets
// allowed mentions.
package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Command is one slash command.
type Command struct {
	// Definition is registered with Discord as is.
	Definition *discordgo.ApplicationCommand
	// Handle answers an invocation; req.Subcommand names the subcommand, if any.
	Handle Handler
	// Complete answers autocomplete for the focused option; nil if none autocompletes.
	// It cannot be deferred, so it must be fast.
	Complete func(ctx context.Context, req *Request) ([]*discordgo.ApplicationCommandOptionChoice, error)
	// Components are the buttons this command's messages carry.
	Components []Component
	// Private commands defer ephemerally when they are slow, because their answer is
	// meant for the caller only.
	Private bool
	// Anywhere marks a lookup that needs nothing of a server: Discord offers it in servers,
	// in DMs with the bot and in other private channels. Every other command is
	// server-bound, the zero value, so that a new command never leaks out of servers by
	// default. setContexts turns this into the definition's integration_types and contexts.
	Anywhere bool
}

// Handler answers a slash command or a component click.
type Handler func(ctx context.Context, req *Request) (*Reply, error)

// Component routes clicks whose custom ID matches Pattern, a path such as
// "session/{id}/join": literal segments must match, {name} segments are captured
// into Request.Params. IDs carry all the state needed, so buttons on old messages
// still work after a restart.
type Component struct {
	Pattern string
	Handle  Handler
	// Owner says where the thing a click acts on lives, e.g. a session's server and
	// channel. The router refuses a click from anywhere else before Handle runs, so no
	// handler checks it itself. Nil means the clicked message's own channel: all the
	// button's state is in its custom ID. An error is answered as Handle's would be.
	Owner func(ctx context.Context, req *Request) (Place, error)
}

// Place is a server channel (GuildID is empty for a direct message).
type Place struct {
	GuildID, ChannelID string
}

// Holds reports whether req came from this place. A place without a channel holds
// nothing, so a click whose message is unknown is refused.
func (p Place) Holds(req *Request) bool {
	return p.ChannelID != "" && p.GuildID == req.GuildID && p.ChannelID == req.ChannelID
}

// Member is the person who acted.
type Member struct {
	ID          string
	Name        string // display name, for messages; never used to mention
	IsBot       bool
	Permissions int64 // the member's permissions in the channel, as Discord computed them
	Roles       []string
}

// Can reports whether the member holds permission (Administrator implies all).
func (m Member) Can(permission int64) bool {
	return m.Permissions&discordgo.PermissionAdministrator != 0 || m.Permissions&permission == permission
}

// HasRole reports whether the member has the role (an empty role ID never matches).
func (m Member) HasRole(roleID string) bool {
	for _, r := range m.Roles {
		if roleID != "" && r == roleID {
			return true
		}
	}
	return false
}

// Request is everything a handler may know about an interaction.
type Request struct {
	GuildID   string
	ChannelID string
	Member    Member
	// Received is when the interaction reached the bot, from the injected clock.
	Received time.Time

	// Subcommand is the subcommand path, e.g. "create" or "group create".
	Subcommand string
	// Options are the leaf options by name.
	Options map[string]*discordgo.ApplicationCommandInteractionDataOption
	// Focused names the option being typed, for autocomplete.
	Focused string
	// Resolved holds the users, members and roles named by options.
	Resolved *discordgo.ApplicationCommandInteractionDataResolved
	// BotPermissions are the bot's own permissions in the channel (app_permissions).
	BotPermissions int64
	// InThread reports whether ChannelID is a thread, where posting takes Send Messages in
	// Threads instead of Send Messages.
	InThread bool

	// Params are the {name} segments of a clicked component's custom ID; MessageID is the
	// clicked message and MessageChannelID the channel Discord says it is in.
	Params           map[string]string
	MessageID        string
	MessageChannelID string
}

// The accessors below read values with checked type assertions rather than discordgo's
// StringValue/IntValue/BoolValue, which panic on a value of another kind (autocomplete
// sends a focused integer option as text).

// String returns the string option name, or "" if it was not given.
func (r *Request) String(name string) string {
	if o, ok := r.Options[name]; ok && o.Type == discordgo.ApplicationCommandOptionString {
		s, _ := o.Value.(string)
		return s
	}
	return ""
}

// Int returns the integer option name and whether it was given as a whole number.
func (r *Request) Int(name string) (int64, bool) {
	if o, ok := r.Options[name]; ok && o.Type == discordgo.ApplicationCommandOptionInteger {
		if f, ok := o.Value.(float64); ok && f == float64(int64(f)) {
			return int64(f), true
		}
	}
	return 0, false
}

// Bool returns the boolean option name, or def if it was not given.
func (r *Request) Bool(name string, def bool) bool {
	if o, ok := r.Options[name]; ok && o.Type == discordgo.ApplicationCommandOptionBoolean {
		if b, ok := o.Value.(bool); ok {
			return b
		}
	}
	return def
}

// User returns the user option name as a Member (ID and display name), if given.
func (r *Request) User(name string) (Member, bool) {
	o, ok := r.Options[name]
	if !ok || o.Type != discordgo.ApplicationCommandOptionUser {
		return Member{}, false
	}
	id, _ := o.Value.(string)
	m := Member{ID: id, Name: id}
	if r.Resolved != nil {
		if u := r.Resolved.Users[id]; u != nil {
			m.Name, m.IsBot = displayName(u), u.Bot
		}
		if gm := r.Resolved.Members[id]; gm != nil && gm.Nick != "" {
			m.Name = gm.Nick
		}
	}
	return m, true
}

func displayName(u *discordgo.User) string {
	if u.GlobalName != "" {
		return u.GlobalName
	}
	return u.Username
}

// Reply is what a handler wants shown. The adapter always sends the whole message
// and always forbids mentions.
type Reply struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Files      []*discordgo.File
	// Ephemeral replies are seen by the caller only.
	Ephemeral bool
	// Update replaces the clicked message (callback type 7) instead of answering
	// with a new one. Only meaningful for component clicks.
	Update bool
	// FollowUp is sent after this reply as a separate message, e.g. the caller's own
	// rank (ephemeral) beside a public leaderboard.
	FollowUp *Reply
	// Claim, when set on an Update, is called just before the update is sent; see
	// session.View.Claim. If ok is false a newer state is shown or on its way, and the
	// click is only acknowledged; otherwise done reports whether the update was sent.
	Claim func() (done func(sent bool), ok bool)
}

// UserError is a mistake the member can fix. It is shown to them ephemerally, as
// is, and not logged.
type UserError struct{ Message string }

func (e *UserError) Error() string { return e.Message }

// Userf builds a UserError.
func Userf(format string, args ...any) error {
	return &UserError{Message: fmt.Sprintf(format, args...)}
}

// AsUserError reports whether err is (or wraps) a UserError.
func AsUserError(err error) (*UserError, bool) {
	var u *UserError
	ok := errors.As(err, &u)
	return u, ok
}

// Message builds a plain ephemeral text reply.
func Message(ephemeral bool, lines ...string) *Reply {
	return &Reply{Content: strings.Join(lines, "\n"), Ephemeral: ephemeral}
}
