package commands

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/storage"
	"github.com/stretchbot/stretchbot/streak"
)

// streakColor is the accent of streak embeds.
const streakColor = 0xF0B232

// memberNameMax is the most of a display name shown.
const memberNameMax = 80

// streakReader reads one member's streak, and their privacy choice.
type streakReader interface {
	StreakOf(ctx context.Context, guildID, userID string, at time.Time) (storage.StreakView, error)
	settingsReader
}

var _ streakReader = (*storage.DB)(nil)

// memberOption is the optional member whose figures to show.
func memberOption() *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionUser, Name: "member",
		Description: "Whose (default: yours)"}
}

// settingsReader reads a member's settings, to honour their /privacy choice.
type settingsReader interface {
	MemberSettings(ctx context.Context, guildID, userID string) (storage.MemberSettings, error)
}

var _ settingsReader = (*storage.DB)(nil)

// look is who a /streak or /stats is about, and how the caller sees them.
type look struct {
	who Member
	// self: the caller looks at themself, and may see everything, their zone included.
	self bool
	// private: the member hides their figures (/privacy), and the caller sees them only
	// because they moderate the server.
	private bool
}

// lookAt is who a /streak or /stats is about, checked against their privacy: a member who
// turned leaderboards off is hidden from other members, not from themself nor from
// moderators with Manage Server.
func lookAt(ctx context.Context, settings settingsReader, req *Request) (look, error) {
	who, err := subject(req)
	if err != nil {
		return look{}, err
	}
	if who.ID == req.Member.ID {
		return look{who: who, self: true}, nil
	}
	s, err := settings.MemberSettings(ctx, req.GuildID, who.ID)
	if err != nil {
		return look{}, err
	}
	if s.LeaderboardOptOut && !req.Member.Can(discordgo.PermissionManageGuild) {
		return look{}, Userf("%s keeps their streak private.", shownName(who.Name))
	}
	return look{who: who, private: s.LeaderboardOptOut}, nil
}

// privateNote marks what a moderator sees of a member who keeps it private.
func privateNote(l look) *discordgo.MessageEmbedFooter {
	if !l.private {
		return nil
	}
	return &discordgo.MessageEmbedFooter{Text: "Kept private (/privacy): other members can't see this; you can because you manage the server."}
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

// shownName makes a display name safe to show: it cannot format or mention anyone.
func shownName(name string) string {
	return render.Escape(render.Truncate(strings.Join(strings.Fields(name), " "), memberNameMax))
}

// streakCommand is /streak [member]: current and best streak, freezes, whether today
// counts yet and when today ends, and the last counted days, so a member can see why.
// Another member's streak is shown only if they allow it (see lookAt), and never with
// their zone.
func streakCommand(store streakReader) Command {
	return inServer(Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "streak",
			Description: "Your streak (or a member's): current, best, freezes and the days that counted",
			Options:     []*discordgo.ApplicationCommandOption{memberOption()},
		},
		Handle: func(ctx context.Context, req *Request) (*Reply, error) {
			l, err := lookAt(ctx, store, req)
			if err != nil {
				return nil, err
			}
			v, err := store.StreakOf(ctx, req.GuildID, l.who.ID, req.Received)
			if err != nil {
				return nil, err
			}
			e := streakEmbed(l, v)
			e.Footer = privateNote(l)
			return &Reply{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}, nil
		},
		Private: true,
	})
}

func streakEmbed(l look, v storage.StreakView) *discordgo.MessageEmbed {
	st := v.Status
	e := &discordgo.MessageEmbed{Title: "🔥 Streak of " + shownName(l.who.Name), Color: streakColor}
	if st.TotalDays == 0 {
		e.Description = "No counted days yet: join a group session, or log solo practice with /done."
		return e
	}
	e.Description = fmt.Sprintf("**Current:** %s\n**Best:** %s\n**Freezes held:** %d\n%s",
		plural(st.Current, "day"), plural(st.Best, "day"), st.FreezesHeld, todayLine(v.Standing, l.self))
	e.Fields = []*discordgo.MessageEmbedField{{Name: recentTitle(len(v.Recent)), Value: recentLines(v.Recent)}}
	if len(st.FrozenDays) > 0 {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Covered by freezes", Value: dayList(st.FrozenDays)})
	}
	return e
}

// todayLine says whether today counts and, to the member themself, which day it is in
// their zone and when it ends. Others see whether it counts only: the zone's name, the
// local date and the instant the day ends would each tell where the member lives (a
// <t:…:R> timestamp is shown in the viewer's zone, but the instant is the member's
// midnight, so it gives away their UTC offset).
func todayLine(s storage.Standing, self bool) string {
	done := "not yet"
	if s.Status.TodayDone {
		done = "done ✅"
	}
	if !self {
		return "**Their today:** " + done
	}
	return fmt.Sprintf("**Today** (%s, %s): %s; it ends <t:%d:R>", s.Today, zoneShown(s.Zone.String()), done, s.TodayEnds.Unix())
}

// recentLines lists counted days, newest first, with what happened on each.
func recentLines(recent []storage.DayActivity) string {
	lines := make([]string, len(recent))
	for i, d := range recent {
		var parts []string
		if d.Sessions > 0 {
			parts = append(parts, plural(d.Sessions, "session"))
		}
		if d.Solo > 0 {
			parts = append(parts, "solo")
		}
		if d.Minutes > 0 {
			parts = append(parts, minutesText(d.Minutes))
		}
		lines[i] = fmt.Sprintf("%s · %s", d.Day, strings.Join(parts, ", "))
	}
	return strings.Join(lines, "\n")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func dayList(ds []streak.Day) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, ", ")
}

// statsReader reads one member's totals and recent log, and their privacy choice.
type statsReader interface {
	Stats(ctx context.Context, guildID, userID string, at time.Time) (storage.StatsView, error)
	settingsReader
}

var _ statsReader = (*storage.DB)(nil)

// heatmapFile is the name of the /stats image, which its embed refers to.
const heatmapFile = "heatmap.png"

// statsCommand is /stats [member]: totals and a calendar heatmap of the last weeks.
// Another member's stats are shown only if they allow it (see lookAt).
func statsCommand(store statsReader) Command {
	return inServer(Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "stats",
			Description: "Your totals (or a member's) and a calendar of the last six months",
			Options:     []*discordgo.ApplicationCommandOption{memberOption()},
		},
		Handle: func(ctx context.Context, req *Request) (*Reply, error) {
			l, err := lookAt(ctx, store, req)
			if err != nil {
				return nil, err
			}
			v, err := store.Stats(ctx, req.GuildID, l.who.ID, req.Received)
			if err != nil {
				return nil, err
			}
			png, err := render.Heatmap(dayAmounts(v.Days), v.Today, storage.StatsWeeks)
			if err != nil {
				return nil, err
			}
			e := statsEmbed(l.who.Name, v)
			if note := privateNote(l); note != nil {
				e.Footer.Text += "\n" + note.Text
			}
			return &Reply{
				Embeds:    []*discordgo.MessageEmbed{e},
				Files:     []*discordgo.File{{Name: heatmapFile, ContentType: "image/png", Reader: bytes.NewReader(png)}},
				Ephemeral: true,
			}, nil
		},
		Private: true,
	})
}

// dayAmounts is what the heatmap shades: how many times a day was credited.
func dayAmounts(ds []storage.DayActivity) map[streak.Day]int {
	out := make(map[streak.Day]int, len(ds))
	for _, d := range ds {
		out[d.Day] = d.Sessions + d.Solo
	}
	return out
}

func statsEmbed(name string, v storage.StatsView) *discordgo.MessageEmbed {
	st := v.Status
	inline := func(name, value string) *discordgo.MessageEmbedField {
		return &discordgo.MessageEmbedField{Name: name, Value: value, Inline: true}
	}
	return &discordgo.MessageEmbed{
		Title: "📊 Stats of " + shownName(name),
		Color: streakColor,
		Fields: []*discordgo.MessageEmbedField{
			inline("Current streak", plural(st.Current, "day")),
			inline("Best streak", plural(st.Best, "day")),
			inline("Days counted", fmt.Sprint(st.TotalDays)),
			inline("Group sessions", fmt.Sprint(v.Sessions)),
			inline("Time stretched", minutesText(v.Minutes)),
			inline("Solo days", fmt.Sprint(v.SoloDays)),
		},
		Image:  &discordgo.MessageEmbedImage{URL: "attachment://" + heatmapFile},
		Footer: &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("The last %d weeks; the brightest green is your busiest day.", storage.StatsWeeks)},
	}
}

// leaderboardReader reads a server's leaderboard and server streak.
type leaderboardReader interface {
	Leaderboard(ctx context.Context, guildID string, by storage.Ranking, callerID string, limit int, at time.Time) (storage.Board, error)
	ServerStreak(ctx context.Context, guildID string, at time.Time) (int, error)
	GuildSettings(ctx context.Context, guildID string) (storage.GuildSettings, error)
}

var _ leaderboardReader = (*storage.DB)(nil)

// leaderboardSize is how many members a leaderboard shows.
const leaderboardSize = 10

// rankingChoice is one value of /leaderboard's by option.
type rankingChoice struct {
	by    storage.Ranking
	title string
}

// rankingChoices are the rankings, in the order the option offers them.
func rankingChoices() []rankingChoice {
	return []rankingChoice{{storage.RankCurrent, "Current streak"}, {storage.RankBest, "Best streak"}, {storage.RankTotal, "Total days"}}
}

// leaderboardCommand is /leaderboard [by]: the top members, for the channel, and the
// caller's own rank in a follow-up only they see. Members who opted out (/privacy) are
// left out, and whether the caller did is said to them only; names are shown, never
// mentioned.
func leaderboardCommand(store leaderboardReader) Command {
	by := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "by",
		Description: "What to rank by (default: current streak)"}
	titles := map[storage.Ranking]string{}
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
			ranking := storage.Ranking(req.String("by"))
			if ranking == "" {
				ranking = storage.RankCurrent
			}
			if _, ok := titles[ranking]; !ok {
				return nil, Userf("Rank by current, best or total.")
			}
			board, err := store.Leaderboard(ctx, req.GuildID, ranking, req.Member.ID, leaderboardSize, req.Received)
			if err != nil {
				return nil, err
			}
			footer, err := serverStreakLine(ctx, store, req)
			if err != nil {
				return nil, err
			}
			e := leaderboardEmbed(titles[ranking], board)
			e.Footer = &discordgo.MessageEmbedFooter{Text: footer}
			return &Reply{Embeds: []*discordgo.MessageEmbed{e},
				FollowUp: Message(true, callerLine(titles[ranking], board))}, nil
		},
	})
}

func leaderboardEmbed(title string, b storage.Board) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: "🏆 Leaderboard: " + strings.ToLower(title), Color: streakColor}
	lines := make([]string, len(b.Top))
	for i, r := range b.Top {
		lines[i] = fmt.Sprintf("**%d.** %s · %s", r.Rank, shownName(r.Name), plural(r.Value, "day"))
	}
	e.Description = strings.Join(lines, "\n")
	if len(lines) == 0 {
		e.Description = "Nobody yet: join a group session, or log solo practice with /done."
	}
	return e
}

// callerLine is the caller's own place on the leaderboard ranked by title, for their eyes
// only.
func callerLine(title string, b storage.Board) string {
	by := strings.ToLower(title)
	switch {
	case b.CallerOptedOut:
		return "You are hidden from leaderboards: you opted out (/privacy leaderboard:on shows you again)."
	case b.Caller == nil:
		return "You are not ranked by " + by + " yet: join a group session, or log solo practice with /done."
	}
	return fmt.Sprintf("You are #%d by %s · %s.", b.Caller.Rank, by, plural(b.Caller.Value, "day"))
}

// serverStreakLine says how long the server has kept its streak.
func serverStreakLine(ctx context.Context, store leaderboardReader, req *Request) (string, error) {
	g, err := store.GuildSettings(ctx, req.GuildID)
	if err != nil {
		return "", err
	}
	n, err := store.ServerStreak(ctx, req.GuildID, req.Received)
	return fmt.Sprintf("Server streak: %s with at least %s in a group session.", plural(n, "day"), plural(g.ServerStreakThreshold, "member")), err
}

// inServer limits c to servers, where streaks and settings live: Discord offers it in
// servers only, and its handlers refuse anything else.
func inServer(c Command) Command {
	c.Definition.Contexts = &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	c.Handle = refuseOutsideServer(c.Handle)
	for i := range c.Components {
		c.Components[i].Handle = refuseOutsideServer(c.Components[i].Handle)
	}
	return c
}

func refuseOutsideServer(h Handler) Handler {
	return func(ctx context.Context, req *Request) (*Reply, error) {
		if req.GuildID == "" {
			return nil, Userf("Streaks belong to a server; use this command in one.")
		}
		return h(ctx, req)
	}
}

// recentTitle heads the list of recent counted days: "The last counted day", "Last 3 counted
// days".
func recentTitle(n int) string {
	if n == 1 {
		return "The last counted day"
	}
	return fmt.Sprintf("Last %d counted days", n)
}

// minutesText writes whole minutes for reading: "45 min", "4 h 55 min", "2 h".
func minutesText(minutes int) string {
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}
