package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/storage"
)

// soloLogger credits solo practice where the server allows it.
type soloLogger interface {
	settingsReader
	GuildSettings(ctx context.Context, guildID string) (guild.Settings, error)
	CreditActivity(ctx context.Context, guildID string, credits []storage.ActivityCredit, at time.Time) ([]storage.Credited, error)
}

var _ soloLogger = (*storage.DB)(nil)

// doneCommand is /done [exercise]: solo practice counts for today where the server allows
// solo logs. A day counts once: a /done on a day that already counts (by an earlier /done
// or a group session) records nothing and says so, privately, with the streak as it stands.
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
			me, err := store.MemberSettings(ctx, req.GuildID, req.Member.ID)
			if err != nil {
				return nil, err
			}
			return doneReply(req.Member.Name, what, out[0], me.LeaderboardOptOut), nil
		},
		Complete: func(_ context.Context, req *Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return discordChoices(cat.Complete(req.String(req.Focused), catalog.MaxChoices)), nil
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

// doneReply announces the practice in public; the streak goes with it unless the member
// keeps it private, who then sees it in a follow-up only they can read.
func doneReply(name, what string, c storage.Credited, private bool) *Reply {
	st := c.Status
	if !c.NewDay {
		// Storage records nothing for a solo log on a day that counts (Credited.Recorded).
		return Message(true, fmt.Sprintf("Today already counts, so nothing more was logged: a day counts once. Your streak is %s.",
			render.Plural(st.Current, "day")))
	}
	streakLine := fmt.Sprintf("🔥 Streak: %s (best %s).", render.Plural(st.Current, "day"), render.Plural(st.Best, "day"))
	logged := fmt.Sprintf("✅ %s logged solo practice%s.", render.MemberName(name), what)
	if private {
		r := Message(false, logged)
		r.FollowUp = Message(true, streakLine+" Only you see this: you keep your streak private.")
		return r
	}
	return Message(false, logged+" "+streakLine)
}
