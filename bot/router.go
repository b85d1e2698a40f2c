package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/commands"
)

// router finds the command or component handler for an interaction. It is built
// once from the same list that is registered with Discord.
type router struct {
	commands   map[string]commands.Command
	components []componentRoute
}

type componentRoute struct {
	segments []string
	command  commands.Command
	handle   commands.Handler
}

func newRouter(cmds []commands.Command) (*router, error) {
	r := &router{commands: map[string]commands.Command{}}
	for _, c := range cmds {
		name := c.Definition.Name
		if _, dup := r.commands[name]; dup {
			return nil, fmt.Errorf("two commands are named %q", name)
		}
		r.commands[name] = c
		for _, comp := range c.Components {
			r.components = append(r.components, componentRoute{segments: strings.Split(comp.Pattern, "/"), command: c, handle: guard(comp)})
		}
	}
	return r, nil
}

// notThisChannel refuses a click on something that lives in another channel or server.
const notThisChannel = "That button doesn't belong to this channel."

// guard wraps a component's handler so that it runs only for clicks made where the thing
// it acts on lives: a click forged in another server, another channel or a DM changes
// nothing and learns nothing. It is the one place this is checked, for every button.
func guard(comp commands.Component) commands.Handler {
	return func(ctx context.Context, req *commands.Request) (*commands.Reply, error) {
		place := commands.Place{GuildID: req.GuildID, ChannelID: req.MessageChannelID}
		if comp.Owner != nil {
			var err error
			if place, err = comp.Owner(ctx, req); err != nil {
				return nil, err
			}
		}
		if !place.Holds(req) {
			return nil, commands.Userf(notThisChannel)
		}
		return comp.Handle(ctx, req)
	}
}

// command returns the command for a slash or autocomplete interaction.
func (r *router) command(name string) (commands.Command, bool) {
	c, ok := r.commands[name]
	return c, ok
}

// component returns the first route whose pattern matches customID, with the
// captured {params}.
func (r *router) component(customID string) (componentRoute, map[string]string, bool) {
	parts := strings.Split(customID, "/")
	for _, route := range r.components {
		if params, ok := match(route.segments, parts); ok {
			return route, params, true
		}
	}
	return componentRoute{}, nil, false
}

func match(pattern, parts []string) (map[string]string, bool) {
	if len(pattern) != len(parts) {
		return nil, false
	}
	params := map[string]string{}
	for i, seg := range pattern {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if parts[i] == "" {
				return nil, false
			}
			params[seg[1:len(seg)-1]] = parts[i]
			continue
		}
		if seg != parts[i] {
			return nil, false
		}
	}
	return params, true
}

// flattenOptions walks subcommand groups and subcommands down to the leaf options,
// returning the subcommand path ("group sub"), the leaves by name, and the name of
// the focused option (for autocomplete).
func flattenOptions(opts []*discordgo.ApplicationCommandInteractionDataOption) (path string, leaves map[string]*discordgo.ApplicationCommandInteractionDataOption, focused string) {
	leaves = map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	var names []string
	for len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
		opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		names = append(names, opts[0].Name)
		opts = opts[0].Options
	}
	for _, o := range opts {
		leaves[o.Name] = o
		if o.Focused {
			focused = o.Name
		}
	}
	return strings.Join(names, " "), leaves, focused
}

// installedHere reports whether the app is installed in the interaction's server:
// authorizing_integration_owners names it under the guild-install key. Outside servers,
// or where only a member installed the app, the bot is not there to post or to keep
// anything for the server.
func installedHere(i *discordgo.Interaction) bool {
	return i.GuildID != "" && i.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationGuildInstall] == i.GuildID
}

// misplaced is the one sentence refusing a server-bound command used where the bot does
// not serve a server (a DM, or a server where the app is not installed), or "" when cmd
// may run. It is checked before the handler, so nothing is stored. invite is called only
// for a refusal that names it.
func misplaced(i *discordgo.Interaction, cmd commands.Command, invite func() string) string {
	name := cmd.Definition.Name
	switch {
	case cmd.Anywhere || installedHere(i):
		return ""
	case i.GuildID == "":
		return fmt.Sprintf("/%s works in a server only: use it in a channel of one where stretchbot is.", name)
	}
	return fmt.Sprintf("Add stretchbot to this server to use /%s here: <%s>", name, invite())
}

// mayNotPost reports whether a public answer could be refused: in a server where the app
// is not installed, Discord holds a user-installed app to the member's own rights, and
// makes its answers ephemeral without Use External Apps (or refuses them without Send
// Messages); an ephemeral answer is always allowed.
func mayNotPost(i *discordgo.Interaction) bool {
	if i.GuildID == "" || installedHere(i) {
		return false
	}
	const needed = discordgo.PermissionSendMessages | discordgo.PermissionUseExternalApps
	return i.Member == nil || (i.Member.Permissions&discordgo.PermissionAdministrator == 0 && i.Member.Permissions&needed != needed)
}

// whisper makes every answer of handle ephemeral, follow-ups included.
func whisper(handle commands.Handler) commands.Handler {
	return func(ctx context.Context, req *commands.Request) (*commands.Reply, error) {
		r, err := handle(ctx, req)
		for f := r; f != nil; f = f.FollowUp {
			f.Ephemeral = true
		}
		return r, err
	}
}
