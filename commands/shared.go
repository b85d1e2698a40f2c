package commands

// Helpers that several commands share: where a command may run, the options they build
// their definitions from, and how a name that matches nothing is answered.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/storage"
)

// suggestionsShown is how many "did you mean" names an unknown-name answer offers.
const suggestionsShown = 5

// queryMax is the longest name a member may type into a name option, and so the most of
// their query an answer repeats back.
const queryMax = 100

// memberOption is the optional member whose figures to show.
func memberOption() *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionUser, Name: "member",
		Description: "Whose (default: yours)"}
}

// inServer limits c to servers, where streaks and settings live: Discord offers it in
// servers only, and its handlers refuse anything else.
func inServer(c Command) Command {
	c.Definition.Contexts = &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	c.Handle = refuseOutsideServer(c.Handle)
	for i := range c.Components {
		c.Components[i].Handle = refuseOutsideServer(c.Components[i].Handle)
	}
	return c
}

// refuseOutsideServer wraps h so that a request from outside a server (a DM) is refused.
func refuseOutsideServer(h Handler) Handler {
	return func(ctx context.Context, req *Request) (*Reply, error) {
		if req.GuildID == "" {
			return nil, Userf("Streaks belong to a server; use this command in one.")
		}
		return h(ctx, req)
	}
}

// settingsReader reads a member's settings, to honour their /privacy choice.
type settingsReader interface {
	MemberSettings(ctx context.Context, guildID, userID string) (guild.MemberSettings, error)
}

var _ settingsReader = (*storage.DB)(nil)

// subcommand builds a subcommand option with its own options.
func subcommand(name, description string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name,
		Description: description, Options: opts}
}

// requiredString builds a required string option.
func requiredString(name, description string) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name,
		Description: description, Required: true}
}

// bySubcommand answers with the handler of the request's subcommand. bot/ checks requests
// against the command's definition first, so a subcommand with no handler is a bug here.
func bySubcommand(command string, handlers map[string]Handler) Handler {
	return func(ctx context.Context, req *Request) (*Reply, error) {
		h, ok := handlers[req.Subcommand]
		if !ok {
			return nil, fmt.Errorf("/%s has no subcommand %q", command, req.Subcommand)
		}
		return h(ctx, req)
	}
}

// notFound is the answer to a name that matches no kind exactly: the query (made safe to
// show), then the suggestions, or hint when there are none. suggestions must already be
// safe to show.
func notFound(kind, query string, suggestions []string, hint string) error {
	shown := render.Escape(render.Truncate(strings.TrimSpace(query), queryMax))
	if len(suggestions) == 0 {
		return Userf("No %s called \"%s\". %s", kind, shown, hint)
	}
	if list, ok := inlineNames(suggestions); ok {
		return Userf("No %s called \"%s\". Did you mean: %s?", kind, shown, list)
	}
	return Userf("No %s called \"%s\". Did you mean one of these?\n- %s", kind, shown, strings.Join(suggestions, "\n- "))
}

// inlineNames lists names on one line so that each stays one: with commas, unless a name
// has a comma of its own ("Exercise-ball stretch, face down"); then with " · ", unless a
// name has that too, and then it reports false.
func inlineNames(names []string) (string, bool) {
	for _, sep := range []string{", ", " · "} {
		mark := strings.TrimSpace(sep)
		if !slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, mark) }) {
			return strings.Join(names, sep), true
		}
	}
	return "", false
}

// discordChoices turns catalog choices into slash-command choices.
func discordChoices(choices []catalog.Choice) []*discordgo.ApplicationCommandOptionChoice {
	out := make([]*discordgo.ApplicationCommandOptionChoice, len(choices))
	for i, c := range choices {
		out[i] = &discordgo.ApplicationCommandOptionChoice{Name: c.Name, Value: c.Value}
	}
	return out
}

// requireManager lets members with Manage Server, or the server's host role, change what
// belongs to the server (what names it in the refusal, e.g. "this server's routines").
func requireManager(ctx context.Context, settings hostSettings, req *Request, what string) error {
	if req.Member.Can(discordgo.PermissionManageGuild) {
		return nil
	}
	s, err := settings.GuildSettings(ctx, req.GuildID)
	if err != nil {
		return err
	}
	if req.Member.HasRole(s.HostRoleID) {
		return nil
	}
	if s.HostRoleID != "" {
		return Userf("Only members with Manage Server or the <@&%s> role can create or delete %s.", s.HostRoleID, what)
	}
	return Userf("Only members with Manage Server can create or delete %s.", what)
}
