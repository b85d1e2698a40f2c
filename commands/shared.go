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

// inServer makes c's handlers refuse anything but a server, where streaks and settings
// live (setContexts already keeps Discord from offering a server-bound command elsewhere; this
// is the handlers' own guard).
func inServer(c Command) Command {
	c.Handle = refuseOutsideServer(c.Handle)
	for i := range c.Components {
		c.Components[i].Handle = refuseOutsideServer(c.Components[i].Handle)
	}
	return c
}

// anywhere marks c as a lookup that works outside servers too (Command.Anywhere).
func anywhere(c Command) Command {
	c.Anywhere = true
	return c
}

// setContexts sets every definition's integration_types and contexts, the one place they are
// set: all commands are installed with the server (guild install only, so registration
// never depends on the app allowing user installs in the Developer Portal); server-bound
// commands are offered in servers only, lookups (Anywhere) also in DMs with the bot and
// in other private channels.
func setContexts(cmds []Command) {
	for _, c := range cmds {
		installs := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
		contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
		if c.Anywhere {
			contexts = append(contexts, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel)
		}
		c.Definition.IntegrationTypes, c.Definition.Contexts = &installs, &contexts
	}
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

// postPermission is one permission the bot needs to post its own messages in a channel.
type postPermission struct {
	bit  int64
	name string
}

// postPermissions are what posting a session (an embed with buttons) takes: View Channel,
// Send Messages (Send Messages in Threads in a thread) and Embed Links, since an embed
// sent without Embed Links is dropped silently. Mention Everyone is not among them: a
// role ping works with a mentionable role, and cannotPing says when it will not.
func postPermissions(inThread bool) []postPermission {
	send := postPermission{discordgo.PermissionSendMessages, "Send Messages"}
	if inThread {
		send = postPermission{discordgo.PermissionSendMessagesInThreads, "Send Messages in Threads"}
	}
	return []postPermission{{discordgo.PermissionViewChannel, "View Channel"}, send,
		{discordgo.PermissionEmbedLinks, "Embed Links"}}
}

// cannotPost refuses, in one sentence naming what is missing, to post in the request's
// channel when the bot's own permissions there (app_permissions) fall short, so that a
// command stores and sends nothing it could not show. Administrator implies them all.
func cannotPost(req *Request) error {
	have := req.BotPermissions
	if have&discordgo.PermissionAdministrator != 0 {
		return nil
	}
	var missing []string
	for _, p := range postPermissions(req.InThread) {
		if have&p.bit == 0 {
			missing = append(missing, p.name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return Userf("I can't post in <#%s>: I'm missing %s there; ask an admin to grant my role that in this channel.",
		req.ChannelID, andList(missing))
}

// andList joins names as a sentence does: "a", "a and b", "a, b and c".
func andList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
