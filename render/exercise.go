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
		return colorGreen
	case catalog.CategoryFurniture:
		return colorBlue
	case catalog.CategoryEquipment:
		return colorOrange
	}
	return colorSafety
}

// Exercise renders /exercise: the summary and numbered steps, then hold and reps as each
// source gives them (the texts sometimes differ, and neither is averaged away) with what a
// routine may do, what each source says of the exercise, the equipment, the cautions (the exercise's own, then the catalog's general ones, so the
// field is never empty) and the sources.
func Exercise(cat *catalog.Catalog, ex *catalog.Exercise) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title:       ex.Name,
		Description: exerciseDescription(ex),
		Color:       categoryColor(ex.Category),
	}
	if text := dosageText(cat, ex); text != "" {
		e.Fields = append(e.Fields, field("Hold and reps", text))
	}
	if len(ex.Views) > 0 {
		e.Fields = append(e.Fields, field("What the articles say", viewsText(cat, ex.Views)))
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

// dosageText writes one line per source, its own figures followed by which text says so
// (the texts sometimes differ), then, for an exercise a routine can hold, what a routine may
// do with it (Exercise.Limits). It is "" for an exercise with neither.
func dosageText(cat *catalog.Catalog, ex *catalog.Exercise) string {
	var lines []string
	for _, d := range ex.Dosage {
		lines = append(lines, d.String()+attribution(cat, d.Source))
	}
	if ex.Timed {
		lines = append(lines, "In a routine: "+ex.Limits().String()+".")
	}
	if len(lines) == 0 {
		return ""
	}
	return bullets(lines)
}

// viewsText writes what each source says of the exercise, attributed, one line each.
func viewsText(cat *catalog.Catalog, views []catalog.View) string {
	lines := make([]string, len(views))
	for i, v := range views {
		lines[i] = v.Text + attribution(cat, v.Source)
	}
	return bullets(lines)
}

// attribution is " *(Source title)*", or "" for an unknown source.
func attribution(cat *catalog.Catalog, sourceID string) string {
	if src, ok := cat.Source(sourceID); ok {
		return " *(" + src.Title + ")*"
	}
	return ""
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
