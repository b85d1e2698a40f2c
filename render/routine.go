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

// Routine renders /routine show: each step written the one way steps are written
// (StepText), the cautions of its exercises and the general ones, and the total time with
// prepGap (session.prep_gap) to get ready before each exercise. The footer repeats the
// steps in /routine create syntax, so a member can copy and adapt them.
func Routine(cat *catalog.Catalog, r *catalog.Routine, prepGap time.Duration) *discordgo.MessageEmbed {
	lines := make([]string, 0, len(r.Steps)+2)
	if r.Description != "" {
		lines = append(lines, r.Description, "")
	}
	var cautions []string
	for i, s := range r.Steps {
		line := fmt.Sprintf("%d. %s", i+1, stepLine(cat, s))
		if ex, ok := cat.Exercise(s.Exercise); ok {
			cautions = appendNew(cautions, ex.Cautions...)
			if !ex.Limits().FromArticles {
				line += " (the articles give no time: this one is the server's choice)"
			}
		}
		lines = append(lines, line)
	}
	e := &discordgo.MessageEmbed{
		Title:       RoutineName(r.Name),
		Description: strings.Join(lines, "\n"),
		Color:       colorRoutine,
	}
	if len(r.Steps) > 0 {
		e.Fields = append(e.Fields, field("Total time", totalText(r, prepGap)),
			field("Take care", bullets(appendNew(cautions, cat.GeneralCautions()...))))
		e.Footer = footer("As steps: " + catalog.FormatSteps(r.Steps))
	}
	return fitEmbed(e)
}

// stepLine writes a routine step with its exercise's name: "Overhead stretch · 3 × 30 s,
// 10 s rest between".
func stepLine(cat *catalog.Catalog, s catalog.RoutineStep) string {
	name := s.Exercise
	if ex, ok := cat.Exercise(s.Exercise); ok {
		name = ex.Name
	}
	return StepText(name, string(s.Side), s.Hold, s.Reps, s.Rest)
}

// totalText is the routine's length as a session runs it: every step, with prepGap to get
// ready before each exercise, the first one too.
func totalText(r *catalog.Routine, prepGap time.Duration) string {
	total := human(sessionLength(r, prepGap))
	if prepGap == 0 {
		return total
	}
	return fmt.Sprintf("%s, with %s to get ready before each exercise", total, human(prepGap))
}

// sessionLength is how long a session of r runs: its steps, and prepGap to get ready
// before each exercise, the first one too.
func sessionLength(r *catalog.Routine, prepGap time.Duration) time.Duration {
	return r.TotalDuration(prepGap) + prepGap
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
	return fmt.Sprintf("• **%s** — %s, %s", RoutineName(r.Name), Plural(len(r.Steps), "exercise"), human(sessionLength(r, prepGap)))
}
