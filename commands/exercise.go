package commands

import (
	"context"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/render"
)

// suggestionsShown is how many "did you mean" names an unknown-name answer offers.
const suggestionsShown = 5

// queryMax is the longest name a member may type into a name option, and so the most of
// their query an answer repeats back.
const queryMax = 100

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
			return discordChoices(cat.Complete(req.String(req.Focused), render.ChoicesMax)), nil
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
