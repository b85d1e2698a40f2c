package commands

import (
	"bytes"
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/storage"
	"github.com/stretchbot/stretchbot/streak"
)

// streakReader reads one member's streak, and their privacy choice.
type streakReader interface {
	StreakOf(ctx context.Context, guildID, userID string, at time.Time) (streak.View, error)
	settingsReader
}

var _ streakReader = (*storage.DB)(nil)

// lookAt is who a /streak or /stats is about, checked against their privacy: a member who
// turned leaderboards off is hidden from other members, not from themself nor from
// moderators with Manage Server. It returns the member's id and how the caller sees them.
func lookAt(ctx context.Context, settings settingsReader, req *Request) (string, render.Look, error) {
	who, err := subject(req)
	if err != nil {
		return "", render.Look{}, err
	}
	if who.ID == req.Member.ID {
		return who.ID, render.Look{Name: who.Name, Self: true}, nil
	}
	s, err := settings.MemberSettings(ctx, req.GuildID, who.ID)
	if err != nil {
		return "", render.Look{}, err
	}
	if s.LeaderboardOptOut && !req.Member.Can(discordgo.PermissionManageGuild) {
		return "", render.Look{}, Userf("%s keeps their streak private.", render.MemberName(who.Name))
	}
	return who.ID, render.Look{Name: who.Name, Private: s.LeaderboardOptOut}, nil
}

// subject is the member a /streak or /stats is about: the one named, else the caller.
func subject(req *Request) (Member, error) {
	m, ok := req.User("member")
	if !ok {
		return req.Member, nil
	}
	if m.IsBot {
		return m, Userf("Bots don't stretch, so they have no streak.")
	}
	return m, nil
}

// streakCommand is /streak [member]: current and best streak, freezes, whether today
// counts yet and when today ends, and the last counted days, so a member can see why.
// Another member's streak is shown only if they allow it (see lookAt), and never with
// their zone.
func streakCommand(store streakReader) Command {
	return aboutMember("streak", "Your streak (or a member's): current, best, freezes and the days that counted", store,
		func(ctx context.Context, req *Request, id string, l render.Look) (*Reply, error) {
			v, err := store.StreakOf(ctx, req.GuildID, id, req.Received)
			if err != nil {
				return nil, err
			}
			if l.Self {
				l.Zone = zoneShown(v.Zone.String())
			}
			return &Reply{Embeds: []*discordgo.MessageEmbed{render.Streak(l, v)}, Ephemeral: true}, nil
		})
}

// aboutMember is a command about the caller or the member its member option names, such
// as /streak: in servers only, answered privately, and refused when the member keeps their
// figures private (see lookAt). show answers with the member's id and how the caller sees
// them.
func aboutMember(name, description string, settings settingsReader,
	show func(ctx context.Context, req *Request, id string, l render.Look) (*Reply, error)) Command {
	return inServer(Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        name,
			Description: description,
			Options:     []*discordgo.ApplicationCommandOption{memberOption()},
		},
		Handle: func(ctx context.Context, req *Request) (*Reply, error) {
			id, l, err := lookAt(ctx, settings, req)
			if err != nil {
				return nil, err
			}
			return show(ctx, req, id, l)
		},
		Private: true,
	})
}

// statsReader reads one member's totals and recent log, and their privacy choice.
type statsReader interface {
	Stats(ctx context.Context, guildID, userID string, at time.Time) (streak.StatsView, error)
	settingsReader
}

var _ statsReader = (*storage.DB)(nil)

// statsCommand is /stats [member]: totals and a calendar heatmap of the last weeks.
// Another member's stats are shown only if they allow it (see lookAt).
func statsCommand(store statsReader) Command {
	return aboutMember("stats", "Your totals (or a member's) and a calendar of the last six months", store,
		func(ctx context.Context, req *Request, id string, l render.Look) (*Reply, error) {
			v, err := store.Stats(ctx, req.GuildID, id, req.Received)
			if err != nil {
				return nil, err
			}
			png, err := render.Heatmap(dayAmounts(v.Days), v.Today, streak.StatsWeeks)
			if err != nil {
				return nil, err
			}
			return &Reply{
				Embeds:    []*discordgo.MessageEmbed{render.Stats(l, v)},
				Files:     []*discordgo.File{{Name: render.StatsHeatmapFile, ContentType: "image/png", Reader: bytes.NewReader(png)}},
				Ephemeral: true,
			}, nil
		})
}

// dayAmounts is what the heatmap shades: how many times a day was credited.
func dayAmounts(ds []streak.DayActivity) map[streak.Day]int {
	out := make(map[streak.Day]int, len(ds))
	for _, d := range ds {
		out[d.Day] = d.Sessions + d.Solo
	}
	return out
}

// leaderboardReader reads a server's leaderboard and server streak.
type leaderboardReader interface {
	Leaderboard(ctx context.Context, guildID string, by streak.Ranking, callerID string, limit int, at time.Time) (streak.Board, error)
	ServerStreak(ctx context.Context, guildID string, at time.Time) (int, error)
	GuildSettings(ctx context.Context, guildID string) (guild.Settings, error)
}

var _ leaderboardReader = (*storage.DB)(nil)

// leaderboardSize is how many members a leaderboard shows.
const leaderboardSize = 10

// rankingChoice is one value of /leaderboard's by option.
type rankingChoice struct {
	by    streak.Ranking
	title string
}

// rankingChoices are the rankings, in the order the option offers them.
func rankingChoices() []rankingChoice {
	return []rankingChoice{{streak.RankCurrent, "Current streak"}, {streak.RankBest, "Best streak"}, {streak.RankTotal, "Total days"}}
}

// leaderboardCommand is /leaderboard [by]: the top members, for the channel, and the
// caller's own rank in a follow-up only they see. Members who opted out (/privacy) are
// left out, and whether the caller did is said to them only; names are shown, never
// mentioned.
func leaderboardCommand(store leaderboardReader) Command {
	by := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "by",
		Description: "What to rank by (default: current streak)"}
	titles := map[streak.Ranking]string{}
	for _, r := range rankingChoices() {
		by.Choices = append(by.Choices, &discordgo.ApplicationCommandOptionChoice{Name: r.title, Value: string(r.by)})
		titles[r.by] = r.title
	}
	return inServer(Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "leaderboard",
			Description: "Who keeps the longest streaks in this server",
			Options:     []*discordgo.ApplicationCommandOption{by},
		},
		Handle: func(ctx context.Context, req *Request) (*Reply, error) {
			ranking := streak.Ranking(req.String("by"))
			if ranking == "" {
				ranking = streak.RankCurrent
			}
			if _, ok := titles[ranking]; !ok {
				return nil, Userf("Rank by current, best or total.")
			}
			board, err := store.Leaderboard(ctx, req.GuildID, ranking, req.Member.ID, leaderboardSize, req.Received)
			if err != nil {
				return nil, err
			}
			g, err := store.GuildSettings(ctx, req.GuildID)
			if err != nil {
				return nil, err
			}
			days, err := store.ServerStreak(ctx, req.GuildID, req.Received)
			if err != nil {
				return nil, err
			}
			return &Reply{Embeds: []*discordgo.MessageEmbed{render.Leaderboard(titles[ranking], board, days, g.ServerStreakThreshold)},
				FollowUp: Message(true, render.LeaderboardCaller(titles[ranking], board))}, nil
		},
	})
}
