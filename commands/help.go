package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// SafetyNote is shown by /help and wherever an exercise is shown.
const SafetyNote = "Get a healthcare professional's approval before you start, especially with a back condition, " +
	"and stop at once if anything hurts."

// helpColor is the accent of informational embeds.
const helpColor = 0x5865F2

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
			return &Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{
				Title:       "stretchbot",
				Description: text,
				Color:       helpColor,
				Footer:      &discordgo.MessageEmbedFooter{Text: "Safety first: " + SafetyNote},
			}}}, nil
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
