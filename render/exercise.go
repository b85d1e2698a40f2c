package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
)

// categoryColor tells the categories apart: green needs nothing, blue furniture, orange
// equipment, red a professional or helper.
func categoryColor(c catalog.Category) int {
	switch c {
	case catalog.CategoryNoEquipment:
		return 0x57F287
	case catalog.CategoryFurniture:
		return 0x3498DB
	case catalog.CategoryEquipment:
		return 0xE67E22
	}
	return colorSafety
}

// Exercise renders /exercise: the summary and numbered steps, then hold and reps as each
// source gives them (the texts sometimes differ, and neither is averaged away), the
// equipment, the cautions (the exercise's own, then the catalog's general ones, so the
// field is never empty) and the sources.
func Exercise(cat *catalog.Catalog, ex *catalog.Exercise) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title:       ex.Name,
		Description: exerciseDescription(ex),
		Color:       categoryColor(ex.Category),
	}
	if len(ex.Dosage) > 0 {
		e.Fields = append(e.Fields, field("Hold and reps", dosageText(cat, ex.Dosage)))
	}
	e.Fields = append(e.Fields,
		field("Equipment", equipmentText(ex)),
		field("Cautions", bullets(ExerciseCautions(cat, ex))),
	)
	e.Footer = footer(exerciseFooter(cat, ex))
	return fitEmbed(e)
}

// ExerciseCautions is every caution that applies to ex: its own, then the catalog's general
// ones.
func ExerciseCautions(cat *catalog.Catalog, ex *catalog.Exercise) []string {
	return slices.Concat(ex.Cautions, cat.GeneralCautions())
}

func exerciseDescription(ex *catalog.Exercise) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n*%s*\n", ex.Summary, ex.Category.Label())
	for i, s := range ex.Steps {
		fmt.Fprintf(&b, "%d. %s\n", i+1, s)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// dosageText writes one line per source: its figures, then which text says so.
func dosageText(cat *catalog.Catalog, dosages []catalog.Dosage) string {
	lines := make([]string, len(dosages))
	for i, d := range dosages {
		lines[i] = d.String()
		if src, ok := cat.Source(d.Source); ok {
			lines[i] += " *(" + src.Title + ")*"
		}
	}
	return bullets(lines)
}

func equipmentText(ex *catalog.Exercise) string {
	var lines []string
	if len(ex.Equipment) > 0 {
		lines = append(lines, "Needs: "+strings.Join(ex.Equipment, ", "))
	}
	if len(ex.OptionalEquipment) > 0 {
		lines = append(lines, "Optional: "+strings.Join(ex.OptionalEquipment, ", "))
	}
	if len(lines) == 0 {
		return "None"
	}
	return strings.Join(lines, "\n")
}

// exerciseFooter names the sources and, for exercises a routine can hold, the id that
// /routine create takes.
func exerciseFooter(cat *catalog.Catalog, ex *catalog.Exercise) string {
	var parts []string
	if sources := sourceFooter(cat, ex.Sources); sources != "" {
		parts = append(parts, sources)
	}
	if ex.Timed {
		parts = append(parts, "In /routine create: "+ex.ID)
	}
	return strings.Join(parts, " · ")
}
