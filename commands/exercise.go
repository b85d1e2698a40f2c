package commands

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/render"
)

// exerciseCommand is /exercise name:<autocomplete> [private:<bool>].
//
// Lookups are exact (id, name or alias, ignoring case and punctuation); a name that is not
// exact, typos included, answers ephemerally with the closest matches, best first, and
// shows no exercise. That is deliberate: a typo close enough to guess ("chlid pose") puts
// the right exercise first in the list, while guessing would show a wrong exercise in a
// public channel whenever the guess is off. Autocomplete already resolves typos while the
// member types, so a submitted typo is rare.
func exerciseCommand(cat *catalog.Catalog) Command {
	return Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "exercise",
			Description: "How to do one exercise, step by step, with its cautions",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "name", Description: "The exercise; start typing to search",
					Required: true, Autocomplete: true, MaxLength: queryMax},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private",
					Description: "Show the answer to you only (default: everyone in the channel sees it)"},
			},
		},
		Handle: func(_ context.Context, req *Request) (*Reply, error) {
			query := req.String("name")
			ex, suggestions := cat.ResolveExercise(query, suggestionsShown)
			if ex == nil {
				return nil, notFound("exercise", query, exerciseNames(suggestions), "/exercises lists them all.")
			}
			return &Reply{Embeds: []*discordgo.MessageEmbed{render.Exercise(cat, ex)}, Ephemeral: req.Bool("private", false)}, nil
		},
		Complete: func(_ context.Context, req *Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return discordChoices(cat.Complete(req.String(req.Focused), catalog.MaxChoices)), nil
		},
	}
}

func exerciseNames(exercises []*catalog.Exercise) []string {
	names := make([]string, len(exercises))
	for i, ex := range exercises {
		names[i] = ex.Name
	}
	return names
}
