package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
)

// routineNameMax caps a routine's name where it is shown. Custom names are at most 50
// characters; built-in ones at most 100.
const routineNameMax = 100

// RoutineName is how a routine's name is shown: cut to routineNameMax and escaped, because
// custom names are typed by members (see Escape).
func RoutineName(name string) string {
	return Escape(Truncate(name, routineNameMax))
}

// Routine renders /routine show: each step with its holds, reps, rests and length, and the
// total time when prepGap (session.prep_gap) separates consecutive exercises. The footer
// repeats the steps in /routine create syntax, so a member can copy and adapt them.
func Routine(cat *catalog.Catalog, r *catalog.Routine, prepGap time.Duration) *discordgo.MessageEmbed {
	lines := make([]string, 0, len(r.Steps)+2)
	if r.Description != "" {
		lines = append(lines, r.Description, "")
	}
	for i, s := range r.Steps {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, stepLine(cat, s)))
	}
	e := &discordgo.MessageEmbed{
		Title:       RoutineName(r.Name),
		Description: strings.Join(lines, "\n"),
		Color:       colorRoutine,
	}
	if len(r.Steps) > 0 {
		e.Fields = append(e.Fields, field("Total time", totalText(r, prepGap)))
		e.Footer = footer("As steps: " + catalog.FormatSteps(r.Steps))
	}
	return fitEmbed(e)
}

// stepLine is "**Overhead stretch** — 3 × 30 s, 10 s rest between · 1 min 50 s".
func stepLine(cat *catalog.Catalog, s catalog.RoutineStep) string {
	name := s.Exercise
	if ex, ok := cat.Exercise(s.Exercise); ok {
		name = ex.Name
	}
	if s.Side != catalog.SideNone {
		name += " (" + string(s.Side) + ")"
	}
	dose := human(s.Hold)
	if s.Reps > 1 {
		dose = fmt.Sprintf("%d × %s", s.Reps, dose)
	}
	if s.Rest > 0 {
		dose += ", " + human(s.Rest) + " rest between"
	}
	return fmt.Sprintf("**%s** — %s · %s", name, dose, human(s.Duration()))
}

func totalText(r *catalog.Routine, prepGap time.Duration) string {
	total := human(r.TotalDuration(prepGap))
	if len(r.Steps) < 2 || prepGap == 0 {
		return total
	}
	return fmt.Sprintf("%s, with %s to get ready before each exercise after the first", total, human(prepGap))
}

// human writes a duration for reading: "30 s", "1 min 30 s".
func human(d time.Duration) string {
	return catalog.DurationRange{Min: d, Max: d}.String()
}

// RoutineList renders /routine list: the built-in routines, then the server's own. A
// custom routine without steps (one that no longer parses) shows its Description, which
// says what is wrong.
func RoutineList(builtIn []*catalog.Routine, custom []catalog.Routine, prepGap time.Duration) *discordgo.MessageEmbed {
	lines := []string{"**Built in**"}
	for _, r := range builtIn {
		lines = append(lines, routineLine(r, prepGap))
	}
	lines = append(lines, "", "**This server's**")
	if len(custom) == 0 {
		lines = append(lines, "None yet. Members with Manage Server or the host role can add one with /routine create.")
	}
	for i := range custom {
		lines = append(lines, routineLine(&custom[i], prepGap))
	}
	return fitEmbed(&discordgo.MessageEmbed{
		Title:       "Routines",
		Description: linesWithin(lines, EmbedDescriptionMax),
		Color:       colorRoutine,
		Footer:      footer("/routine show <name> lists the steps"),
	})
}

func routineLine(r *catalog.Routine, prepGap time.Duration) string {
	if len(r.Steps) == 0 {
		return fmt.Sprintf("• **%s** — %s", RoutineName(r.Name), r.Description)
	}
	return fmt.Sprintf("• **%s** — %s, %s", RoutineName(r.Name), plural(len(r.Steps), "step"), human(r.TotalDuration(prepGap)))
}

// plural writes "1 step", "3 steps".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
