package render

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/streak"
)

// StatsHeatmapFile is the name of the /stats image, which the Stats embed refers to: the
// reply must attach the heatmap under this name.
const StatsHeatmapFile = "heatmap.png"

// Look is who a /streak or /stats is about, and how the caller sees them.
type Look struct {
	// Name is the member's display name as typed; it is escaped where shown.
	Name string
	// Self: the caller looks at themself, and may see everything, their zone included.
	Self bool
	// Private: the member hides their figures (/privacy), and the caller sees them only
	// because they moderate the server.
	Private bool
	// Zone names the member's zone as members read it ("Europe/Berlin", "UTC+02:00"); it
	// is shown only to the member themself.
	Zone string
}

// privateNote marks what a moderator sees of a member who keeps it private; "" otherwise.
func (l Look) privateNote() string {
	if !l.Private {
		return ""
	}
	return "Kept private (/privacy): other members can't see this; you can because you manage the server."
}

// Streak renders /streak: current and best streak, freezes, whether today counts yet (and,
// to the member themself, when today ends), the last counted days and the days freezes
// covered.
func Streak(l Look, v streak.View) *discordgo.MessageEmbed {
	st := v.Status
	e := &discordgo.MessageEmbed{Title: "🔥 Streak of " + MemberName(l.Name), Color: colorStreak, Footer: footer(l.privateNote())}
	if st.TotalDays == 0 {
		e.Description = "No counted days yet: join a group session, or log solo practice with /done."
		return fitEmbed(e)
	}
	e.Description = fmt.Sprintf("**Current:** %s\n**Best:** %s\n**Freezes held:** %d\n%s",
		Plural(st.Current, "day"), Plural(st.Best, "day"), st.FreezesHeld, todayLine(v.Standing, l))
	e.Fields = []*discordgo.MessageEmbedField{field(recentTitle(len(v.Recent)), recentLines(v.Recent))}
	if len(st.FrozenDays) > 0 {
		e.Fields = append(e.Fields, field("Covered by freezes", dayList(st.FrozenDays)))
	}
	return fitEmbed(e)
}

// todayLine says whether today counts and, to the member themself, which day it is in
// their zone and when it ends. Others see whether it counts only: the zone's name, the
// local date and the instant the day ends would each tell where the member lives (a
// <t:…:R> timestamp is shown in the viewer's zone, but the instant is the member's
// midnight, so it gives away their UTC offset).
func todayLine(s streak.Standing, l Look) string {
	done := "not yet"
	if s.Status.TodayDone {
		done = "done ✅"
	}
	if !l.Self {
		return "**Their today:** " + done
	}
	return fmt.Sprintf("**Today** (%s, %s): %s; it ends <t:%d:R>", s.Today, l.Zone, done, s.TodayEnds.Unix())
}

// recentTitle heads the list of recent counted days: "The last counted day", "Last 3 counted
// days".
func recentTitle(n int) string {
	if n == 1 {
		return "The last counted day"
	}
	return fmt.Sprintf("Last %d counted days", n)
}

// recentLines lists counted days, newest first, with what happened on each.
func recentLines(recent []streak.DayActivity) string {
	lines := make([]string, len(recent))
	for i, d := range recent {
		var parts []string
		if d.Sessions > 0 {
			parts = append(parts, Plural(d.Sessions, "session"))
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

// dayList writes days on one line: "2024-06-12, 2024-06-13".
func dayList(ds []streak.Day) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, ", ")
}

// Stats renders /stats: the member's totals, and the heatmap of the last weeks attached
// as StatsHeatmapFile.
func Stats(l Look, v streak.StatsView) *discordgo.MessageEmbed {
	st := v.Status
	inline := func(name, value string) *discordgo.MessageEmbedField {
		return &discordgo.MessageEmbedField{Name: name, Value: value, Inline: true}
	}
	note := fmt.Sprintf("The last %d weeks; the brightest green is your busiest day.", streak.StatsWeeks)
	if private := l.privateNote(); private != "" {
		note += "\n" + private
	}
	return fitEmbed(&discordgo.MessageEmbed{
		Title: "📊 Stats of " + MemberName(l.Name),
		Color: colorStreak,
		Fields: []*discordgo.MessageEmbedField{
			inline("Current streak", Plural(st.Current, "day")),
			inline("Best streak", Plural(st.Best, "day")),
			inline("Days counted", fmt.Sprint(st.TotalDays)),
			inline("Group sessions", fmt.Sprint(v.Sessions)),
			inline("Time stretched", minutesText(v.Minutes)),
			inline("Solo days", fmt.Sprint(v.SoloDays)),
		},
		Image:  &discordgo.MessageEmbedImage{URL: "attachment://" + StatsHeatmapFile},
		Footer: footer(note),
	})
}

// Leaderboard renders /leaderboard ranked by title ("Current streak"), with the server's
// streak in the footer: serverStreak days with at least threshold members in a group
// session. Names are shown, never mentioned.
func Leaderboard(title string, b streak.Board, serverStreak, threshold int) *discordgo.MessageEmbed {
	lines := make([]string, len(b.Top))
	for i, r := range b.Top {
		lines[i] = fmt.Sprintf("**%d.** %s · %s", r.Rank, MemberName(r.Name), Plural(r.Value, "day"))
	}
	description := strings.Join(lines, "\n")
	if len(lines) == 0 {
		description = "Nobody yet: join a group session, or log solo practice with /done."
	}
	return fitEmbed(&discordgo.MessageEmbed{
		Title:       "🏆 Leaderboard: " + strings.ToLower(title),
		Description: description,
		Color:       colorStreak,
		Footer: footer(fmt.Sprintf("Server streak: %s with at least %s in a group session.",
			Plural(serverStreak, "day"), Plural(threshold, "member"))),
	})
}

// LeaderboardCaller is the caller's own place on the leaderboard ranked by title, for
// their eyes only.
func LeaderboardCaller(title string, b streak.Board) string {
	by := strings.ToLower(title)
	switch {
	case b.CallerOptedOut:
		return "You are hidden from leaderboards: you opted out (/privacy leaderboard:on shows you again)."
	case b.Caller == nil:
		return "You are not ranked by " + by + " yet: join a group session, or log solo practice with /done."
	}
	return fmt.Sprintf("You are #%d by %s · %s.", b.Caller.Rank, by, Plural(b.Caller.Value, "day"))
}
