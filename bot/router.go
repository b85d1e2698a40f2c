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
