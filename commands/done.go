package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/storage"
)

// soloLogger credits solo practice where the server allows it.
type soloLogger interface {
	GuildSettings(ctx context.Context, guildID string) (storage.GuildSettings, error)
	CreditActivity(ctx context.Context, guildID string, credits []storage.ActivityCredit, at time.Time) ([]storage.Credited, error)
}

var _ soloLogger = (*storage.DB)(nil)

// doneCommand is /done [exercise]: solo practice counts for today where the server allows
// solo logs. A day counts once: a second /done the same day changes nothing but is
// answered, privately, with the streak as it stands.
func doneCommand(cat *catalog.Catalog, store soloLogger) Command {
	return inServer(Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "done",
			Description: "Log solo practice for today, so it counts for your streak",
			Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "exercise",
				Description: "What you did (optional); start typing to search", Autocomplete: true, MaxLength: queryMax}},
		},
		Handle: func(ctx context.Context, req *Request) (*Reply, error) {
			what, err := practiced(cat, req.String("exercise"))
			if err != nil {
				return nil, err
			}
			g, err := store.GuildSettings(ctx, req.GuildID)
			if err != nil {
				return nil, err
			}
			if !g.SoloLogs {
				return nil, Userf("This server counts group sessions only, so solo practice is not logged here. Join the next /session!")
			}
			out, err := store.CreditActivity(ctx, req.GuildID, []storage.ActivityCredit{
				{UserID: req.Member.ID, Name: req.Member.Name, Source: storage.SourceSolo}}, req.Received)
			if err != nil {
				return nil, err
			}
			return doneReply(req.Member.Name, what, out[0]), nil
		},
		Complete: func(_ context.Context, req *Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return discordChoices(cat.Complete(req.String(req.Focused), render.ChoicesMax)), nil
		},
	})
}

// practiced is how the reply names the exercise given, "" for none; a name that is not an
// exercise answers with the closest ones.
func practiced(cat *catalog.Catalog, query string) (string, error) {
	if query == "" {
		return "", nil
	}
	ex, suggestions := cat.ResolveExercise(query, suggestionsShown)
	if ex == nil {
		return "", notFound("exercise", query, exerciseNames(suggestions), "Leave the exercise out to log practice in general.")
	}
	return " (" + ex.Name + ")", nil
}

func doneReply(name, what string, c storage.Credited) *Reply {
	st := c.Status
	if !c.NewDay {
		return Message(true, fmt.Sprintf("Today already counts: a day counts once. Your streak is %s.", plural(st.Current, "day")))
	}
	return Message(false, fmt.Sprintf("✅ %s logged solo practice%s. 🔥 Streak: %s (best %s).",
		shownName(name), what, plural(st.Current, "day"), plural(st.Best, "day")))
}
