package render

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/stretchbot/stretchbot/session"
)

// The summary of an ended session: how far it got, who is credited with their streak, and
// who joined but is not counted, and why.

func endedEmbed(v session.View) *discordgo.MessageEmbed {
	s := v.Session
	e := &discordgo.MessageEmbed{Title: endedTitle(s.Status) + ": " + RoutineName(s.RoutineName), Color: colorSessionEnded}
	lines := []string{}
	if v.Note != "" {
		lines = append(lines, v.Note)
	}
	if total := s.Plan.Exercises(); s.Status != session.Finished && !s.StartedAt.IsZero() {
		lines = append(lines, fmt.Sprintf("Stopped after %d of %s.", v.Reached, Plural(total, "exercise")))
	}
	e.Description = strings.Join(lines, "\n")
	if s.StartedAt.IsZero() {
		return e // cancelled or closed in the lobby: nothing ran
	}
	e.Fields = []*discordgo.MessageEmbedField{
		field("Duration", human(v.RealDuration.Round(time.Second))),
		field("Took part", creditLines(v.Credits)),
	}
	if len(v.Missed) > 0 {
		e.Fields = append(e.Fields, field("Not counted", missedLines(v.Missed)))
	}
	if slices.ContainsFunc(v.Credits, showsGrowth) {
		e.Footer = footer("🔥 this session added a day to that member's streak.")
	}
	return e
}

func endedTitle(st session.Status) string {
	switch st {
	case session.Finished:
		return "Session complete"
	case session.Stopped:
		return "Session stopped"
	case session.Cancelled:
		return "Session cancelled"
	}
	return "Session closed"
}

// creditLines lists the credited members with their streak, or the minutes credited
// when their streak is not shown.
func creditLines(credits []session.Credit) string {
	if len(credits) == 0 {
		return "Nobody is credited."
	}
	lines := make([]string, len(credits))
	for i, c := range credits {
		if st := c.Streak; st != nil && !st.Private {
			lines[i] = fmt.Sprintf("%s: streak %s", MemberName(c.Name), Plural(st.Days, "day"))
			if showsGrowth(c) {
				lines[i] += " 🔥"
			}
		} else {
			lines[i] = fmt.Sprintf("%s: %s", MemberName(c.Name), Plural(c.Minutes(), "minute"))
		}
	}
	return linesWithin(lines, EmbedFieldValueMax)
}

// missedLines lists the members who joined but are not credited, each with the reason.
func missedLines(missed []session.Miss) string {
	lines := make([]string, len(missed))
	for i, m := range missed {
		lines[i] = fmt.Sprintf("%s: %s", MemberName(m.Name), missReason(m.Reason))
	}
	return linesWithin(lines, EmbedFieldValueMax)
}

func missReason(r session.MissReason) string {
	switch r {
	case session.MissTooShort:
		return "the session ran less than half of its time"
	case session.MissLeft:
		return "left before the end"
	case session.MissLateJoin:
		return "joined during the last step"
	}
	return "this session does not count"
}

// showsGrowth reports whether the credit is shown with 🔥: a public streak the session grew.
func showsGrowth(c session.Credit) bool {
	return c.Streak != nil && !c.Streak.Private && c.Streak.Grew
}
