package commands

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/render"
)

// safetyCommand is /safety: every safety note of the catalog, shown to the channel, since
// safety is worth sharing.
func safetyCommand(cat *catalog.Catalog) Command {
	return Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "safety",
			Description: "Safety notes to read before you try any exercise",
		},
		Handle: func(context.Context, *Request) (*Reply, error) {
			return &Reply{Embeds: []*discordgo.MessageEmbed{render.Safety(cat)}}, nil
		},
	}
}

// tipsCommand is /tips [topic]: one tip, or all of them when no topic is given.
func tipsCommand(cat *catalog.Catalog) Command {
	return Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "tips",
			Description: "Everyday tips for your back: sleep, pillow and mattress, moving often",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "topic", Description: "Only this tip (default: all of them)",
					Choices: discordChoices(cat.TipChoices())},
			},
		},
		Handle: func(_ context.Context, req *Request) (*Reply, error) {
			var tip *catalog.Tip
			if topic := req.String("topic"); topic != "" {
				var ok bool
				if tip, ok = cat.Tip(topic); !ok {
					return nil, notFound("tip", topic, nil, "Pick one of the choices, or leave the topic out to see them all.")
				}
			}
			return &Reply{Embeds: []*discordgo.MessageEmbed{render.Tips(cat, tip)}}, nil
		},
	}
}
