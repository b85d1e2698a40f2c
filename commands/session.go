package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/session"
)

// /session start's delay option, in minutes.
const (
	sessionDelayDefault = 1
	sessionDelayMax     = 60
)

// routineSuggestions is how many "did you mean" routines an unknown name gets.
const routineSuggestions = 3

// customRoutines lists a server's own routines as the catalog understands them.
type customRoutines func(ctx context.Context, guildID string) ([]catalog.Routine, error)

// hostSettings reads the server setting that grants host controls (GuildSettings.HostRoleID).
type hostSettings interface {
	GuildSettings(ctx context.Context, guildID string) (guild.Settings, error)
}

// sessionCommand is /session and the buttons of session messages. It turns interactions
// into engine calls and engine results into replies; the engine owns every rule.
type sessionCommand struct {
	engine   *session.Engine
	catalog  *catalog.Catalog
	settings hostSettings
	custom   customRoutines
}

// sessionCommandFor builds /session from the shared dependencies. The server's own
// routines come from the same reader /routine uses, so both list the same routines.
func sessionCommandFor(d Deps) Command {
	return newSessionCommand(sessionsFor(d))
}

// sessionsFor is the /session handler value, which /schedule shares to resolve routines
// and start sessions as /session start does.
func sessionsFor(d Deps) *sessionCommand {
	return &sessionCommand{engine: d.Sessions, catalog: d.Catalog, settings: d.Store,
		custom: (&routines{cat: d.Catalog, store: d.Store}).custom}
}

// newSessionCommand builds /session: start, stop and status, and the session buttons.
func newSessionCommand(c *sessionCommand) Command {
	zero := 0.0
	components := make([]Component, 0, len(render.SessionButtons()))
	for _, b := range render.SessionButtons() {
		components = append(components, Component{Pattern: b.Pattern(), Handle: c.click(b), Owner: c.owner})
	}
	return Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "session",
			Description: "Stretch through a routine together in this channel, with timers",
			Contexts:    &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "start",
					Description: "Start a group session here; members join with a button",
					Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionString, Name: "routine", Required: true, Autocomplete: true,
							Description: "The routine to walk through"},
						{Type: discordgo.ApplicationCommandOptionInteger, Name: "delay", MinValue: &zero, MaxValue: sessionDelayMax,
							Description: "Minutes until it starts, so people can join (default 1)"},
					}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "stop", Description: "Stop this channel's session (host)"},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "status", Description: "Show this channel's session"},
			},
		},
		Handle:     c.handle,
		Complete:   c.complete,
		Components: components,
		Private:    true,
	}
}

func (c *sessionCommand) handle(ctx context.Context, req *Request) (*Reply, error) {
	if req.GuildID == "" {
		return nil, Userf("Group sessions run in a server channel, not in direct messages.")
	}
	return bySubcommand("session", map[string]Handler{"start": c.start, "stop": c.stop, "status": c.status})(ctx, req)
}

func (c *sessionCommand) complete(ctx context.Context, req *Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	custom, err := c.custom(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	return discordChoices(c.catalog.CompleteRoutines(req.String("routine"), catalog.MaxChoices, custom)), nil
}

// start posts the lobby. The session message is a channel message the engine posts, so
// the interaction itself is answered privately with a link to it.
func (c *sessionCommand) start(ctx context.Context, req *Request) (*Reply, error) {
	if err := cannotPost(req); err != nil {
		return nil, err
	}
	routine, err := c.resolveRoutine(ctx, req.GuildID, req.String("routine"))
	if err != nil {
		return nil, err
	}
	delay := int64(sessionDelayDefault)
	if d, ok := req.Int("delay"); ok {
		delay = d
	}
	if delay < 0 || delay > sessionDelayMax {
		return nil, Userf("The delay is in minutes, from 0 to %d.", sessionDelayMax)
	}
	v, err := c.engine.Start(ctx, session.StartRequest{GuildID: req.GuildID, ChannelID: req.ChannelID,
		Host: actor(req, false), RoutineName: routine.Name, Routine: routineItems(c.catalog, routine),
		Delay: time.Duration(delay) * time.Minute})
	if err != nil {
		return nil, sessionError(err, "start")
	}
	return Message(true, fmt.Sprintf("Session posted: %s", messageLink(v.Session))), nil
}

// stop stops the channel's session, or cancels it while it is still in its lobby.
func (c *sessionCommand) stop(ctx context.Context, req *Request) (*Reply, error) {
	v, err := c.engine.Status(ctx, req.ChannelID)
	if err != nil {
		return nil, sessionError(err, "stop")
	}
	a, err := c.controlActor(ctx, req)
	if err != nil {
		return nil, err
	}
	op, verb := (*session.Engine).Stop, "stop"
	if v.Session.Status == session.Lobby {
		op, verb = (*session.Engine).Cancel, "cancel"
	}
	if v, err = op(c.engine, ctx, v.Session.ID, a); err != nil {
		return nil, sessionError(err, verb)
	}
	return Message(true, fmt.Sprintf("Session %s: %s", v.Session.Status, messageLink(v.Session))), nil
}

// status shows the channel's session privately, without buttons: they belong on the
// session message, which the reply links.
func (c *sessionCommand) status(ctx context.Context, req *Request) (*Reply, error) {
	v, err := c.engine.Status(ctx, req.ChannelID)
	if err != nil {
		return nil, sessionError(err, "show")
	}
	embed, _ := render.SessionMessage(v)
	return &Reply{Ephemeral: true, Content: messageLink(v.Session), Embeds: []*discordgo.MessageEmbed{embed}}, nil
}

// owner is where the session a button names lives, active or ended.
func (c *sessionCommand) owner(ctx context.Context, req *Request) (Place, error) {
	id, ok := parseID(req.Params["id"])
	if !ok {
		return Place{}, Userf(staleSession)
	}
	v, err := c.engine.Lookup(ctx, id)
	if errors.Is(err, session.ErrNotFound) {
		return Place{}, Userf(staleSession)
	}
	if err != nil {
		return Place{}, err
	}
	return Place{GuildID: v.Session.GuildID, ChannelID: v.Session.ChannelID}, nil
}

// staleSession answers a button whose session is unknown.
const staleSession = "That button belongs to a session that has ended."

// click handles one session button. A click on the live message is answered with a type-7
// update of it, which is the one write for that change; a click elsewhere gets a private
// confirmation while the engine updates the live message. A click on a session that has
// ended shows its final state in the clicked message.
func (c *sessionCommand) click(b render.SessionButton) Handler {
	return func(ctx context.Context, req *Request) (*Reply, error) {
		id, ok := parseID(req.Params["id"])
		if !ok {
			return nil, Userf(staleSession)
		}
		a := actor(req, false)
		var err error
		if b.Host {
			if a, err = c.controlActor(ctx, req); err != nil {
				return nil, err
			}
		}
		v, err := b.Do(c.engine, ctx, id, a)
		switch {
		case errors.Is(err, session.ErrNotFound):
			return c.ended(ctx, id)
		case err != nil:
			return nil, sessionError(err, b.Verb)
		case v.Claim != nil: // the engine made this reply the write of the live message
			return reply(v), nil
		}
		return Message(true, fmt.Sprintf("Done. The session message: %s", messageLink(v.Session))), nil
	}
}

// ended answers a click on a session that is over with its final state.
func (c *sessionCommand) ended(ctx context.Context, id int64) (*Reply, error) {
	v, err := c.engine.Lookup(ctx, id)
	if errors.Is(err, session.ErrNotFound) {
		return nil, Userf(staleSession)
	}
	if err != nil {
		return nil, err
	}
	return reply(v), nil
}

// resolveRoutine finds the routine a member named among this server's and the built-in
// ones, or explains what they might have meant.
func (c *sessionCommand) resolveRoutine(ctx context.Context, guildID, query string) (*catalog.Routine, error) {
	custom, err := c.custom(ctx, guildID)
	if err != nil {
		return nil, err
	}
	r, suggestions := c.catalog.ResolveRoutine(query, routineSuggestions, custom)
	if r == nil {
		names := make([]string, len(suggestions))
		for i, s := range suggestions {
			names[i] = render.RoutineName(s.Name)
		}
		return nil, notFound("routine", query, names, "See /routine list for the routines you can run.")
	}
	if len(r.Steps) == 0 {
		return nil, Userf("The routine %s can't be run: %s", render.RoutineName(r.Name), r.Description)
	}
	return r, nil
}

// controlActor is the member behind req, with CanControl set when they hold Manage
// Messages or the server's host role.
func (c *sessionCommand) controlActor(ctx context.Context, req *Request) (session.Actor, error) {
	if req.Member.Can(discordgo.PermissionManageMessages) {
		return actor(req, true), nil
	}
	settings, err := c.settings.GuildSettings(ctx, req.GuildID)
	if err != nil {
		return session.Actor{}, err
	}
	return actor(req, req.Member.HasRole(settings.HostRoleID)), nil
}

func actor(req *Request, canControl bool) session.Actor {
	return session.Actor{UserID: req.Member.ID, Name: req.Member.Name, IsBot: req.Member.IsBot,
		CanControl: canControl, MessageID: req.MessageID, At: req.Received}
}

// sessionError turns the engine's refusals into sentences for the member; anything else
// is an internal error.
func sessionError(err error, verb string) error {
	var busy *session.BusyError
	var phase *session.PhaseError
	switch {
	case errors.As(err, &busy):
		return Userf("A session is already running in this channel: %s", messageLink(*busy.Session))
	case errors.As(err, &phase):
		return Userf("You can't %s this session now: it is %s.", verb, phase.Status)
	case errors.Is(err, session.ErrNotHost):
		return Userf("Only the host, or members with Manage Messages or the server's host role, can %s this session.", verb)
	case errors.Is(err, session.ErrNotFound):
		return Userf("There is no session running in this channel. Start one with /session start.")
	case errors.Is(err, session.ErrBot):
		return Userf("Bots can't take part in sessions.")
	case errors.Is(err, session.ErrClosed):
		return Userf("I'm restarting; please try again in a few seconds.")
	case errors.Is(err, session.ErrInvalidPlan):
		return Userf("That routine can't be run as a session: it has no timed steps.")
	case errors.Is(err, session.ErrNoEmbeds):
		return Userf("I can't show sessions here: I'm missing Embed Links in this channel. Give my role Embed Links " +
			"(channel settings, Permissions), then start again.")
	}
	return err
}

// routineItems converts a catalog routine into the engine's items, with each exercise's
// name, its whole how-to and its cautions followed by the general rule: a session shows
// them at every step, since members follow it with their bodies.
func routineItems(cat *catalog.Catalog, r *catalog.Routine) []session.RoutineItem {
	items := make([]session.RoutineItem, len(r.Steps))
	for i, st := range r.Steps {
		item := session.RoutineItem{ExerciseID: st.Exercise, Name: st.Exercise, Hold: st.Hold, Reps: st.Reps,
			Rest: st.Rest, Side: string(st.Side), Cautions: []string{cat.GeneralRule()}}
		if ex, ok := cat.Exercise(st.Exercise); ok {
			item.Name = ex.Name
			item.Instructions = strings.Join(ex.Steps, "\n")
			item.Cautions = append(slices.Clone(ex.Cautions), cat.GeneralRule())
			item.ServerTimed = !ex.Limits().FromArticles
		}
		items[i] = item
	}
	return items
}

// reply is the full session message as a type-7 update of the clicked message.
func reply(v session.View) *Reply {
	embed, components := render.SessionMessage(v)
	return &Reply{Update: true, Embeds: []*discordgo.MessageEmbed{embed}, Components: components, Claim: v.Claim}
}

// messageLink links the session's live message, or its channel before the first post.
func messageLink(s session.Session) string {
	link := fmt.Sprintf("https://discord.com/channels/%s/%s", s.GuildID, s.ChannelID)
	if s.LiveMessageID != "" {
		link += "/" + s.LiveMessageID
	}
	return link
}
