package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/render"
)

// SafetyNote is the general rule as /help shows it: no exercise without a professional's
// go-ahead, for anyone, and stop at pain.
const SafetyNote = "Never try an exercise here without a healthcare professional's go-ahead, " +
	"and stop at once if anything hurts."

// help lists every command of cmds (and itself) with its description, so the list
// can never disagree with what is registered.
func help(cmds []Command) Command {
	def := &discordgo.ApplicationCommand{
		Name:        "help",
		Description: "What stretchbot does and every command it has",
	}
	all := append(cmds[:len(cmds):len(cmds)], Command{Definition: def})
	text := helpText(all)
	return Command{
		Definition: def,
		Handle: func(context.Context, *Request) (*Reply, error) {
			return &Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{render.Help(text, SafetyNote)}}, nil
		},
	}
}

func helpText(cmds []Command) string {
	var b strings.Builder
	b.WriteString("Stretch together: look up spinal-decompression exercises step by step, " +
		"run timed group sessions in a channel, and keep a daily streak.\n\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "**/%s** %s\n", c.Definition.Name, c.Definition.Description)
		for _, sub := range c.Definition.Options {
			if sub.Type == discordgo.ApplicationCommandOptionSubCommand {
				fmt.Fprintf(&b, "  **/%s %s** %s\n", c.Definition.Name, sub.Name, sub.Description)
			}
		}
	}
	return b.String()
}
