package render

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
)

// ExercisesPerPage bounds one page of /exercises. Ten short lines stay readable on a phone,
// and with the per-line caps below ten always fit one description.
const ExercisesPerPage = 10

// Caps on the catalog text in one /exercises line: 10 × (80 + 64 + 160 + markup) stays well
// under EmbedDescriptionMax.
const (
	listNameMax    = 80
	listSummaryMax = 160
)

// sourceFooter names the source texts behind an entry, for the embed's footer.
func sourceFooter(cat *catalog.Catalog, ids []string) string {
	titles := make([]string, 0, len(ids))
	for _, id := range ids {
		if s, ok := cat.Source(id); ok {
			titles = append(titles, s.Title)
		}
	}
	if len(titles) == 0 {
		return ""
	}
	label := "Source: "
	if len(titles) > 1 {
		label = "Sources: "
	}
	return label + strings.Join(titles, " · ")
}

// PageCount is how many pages of ExercisesPerPage a list of n exercises needs (at least 1).
func PageCount(n int) int {
	return max(1, (n+ExercisesPerPage-1)/ExercisesPerPage)
}

// ExerciseList renders page (1-based; clamped to 1..PageCount) of /exercises. filters
// describes the active filters in words ("" for none). Each line shows the exercise's name,
// its id (what /routine create takes) and its summary.
func ExerciseList(exercises []*catalog.Exercise, filters string, page int) *discordgo.MessageEmbed {
	pages := PageCount(len(exercises))
	page = min(max(page, 1), pages)
	from := (page - 1) * ExercisesPerPage
	shown := exercises[from:min(from+ExercisesPerPage, len(exercises))]

	lines := make([]string, 0, len(shown)+2)
	if filters != "" {
		lines = append(lines, "*"+filters+"*", "")
	}
	for _, ex := range shown {
		lines = append(lines, fmt.Sprintf("**%s** · `%s`\n%s",
			Truncate(ex.Name, listNameMax), ex.ID, Truncate(ex.Summary, listSummaryMax)))
	}
	return fitEmbed(&discordgo.MessageEmbed{
		Title:       "Exercises",
		Description: strings.Join(lines, "\n"),
		Color:       colorInfo,
		Footer: footer(fmt.Sprintf("Page %d of %d · %s · /exercise <name> shows one in full",
			page, pages, Plural(len(exercises), "exercise"))),
	})
}

// PageButtons are the Previous and Next buttons of a paged message, or nil when there is
// only one page. customID(p) must return the ID that shows page p (1-based); the buttons
// at the ends are disabled rather than removed, so the layout does not jump.
func PageButtons(page, pages int, customID func(page int) string) []discordgo.MessageComponent {
	if pages <= 1 {
		return nil
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Previous", Style: discordgo.SecondaryButton, CustomID: customID(max(page-1, 1)), Disabled: page <= 1},
		discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: customID(min(page+1, pages)), Disabled: page >= pages},
	}}}
}

// Safety renders /safety: one field per safety note.
func Safety(cat *catalog.Catalog) *discordgo.MessageEmbed {
	notes := make([]section, len(cat.Safety()))
	for i, n := range cat.Safety() {
		notes[i] = section{n.Title, n.Body, n.Sources}
	}
	return sectionsEmbed(cat, &discordgo.MessageEmbed{
		Title:       "Safety first",
		Description: "Read these before you try any exercise here.",
		Color:       colorSafety,
	}, notes)
}

// Tips renders /tips: every tip as a field, or only tip when it is not nil.
func Tips(cat *catalog.Catalog, tip *catalog.Tip) *discordgo.MessageEmbed {
	if tip != nil {
		return fitEmbed(&discordgo.MessageEmbed{
			Title:       tip.Title,
			Description: bullets(tip.Body),
			Color:       colorTips,
			Footer:      footer(sourceFooter(cat, tip.Sources)),
		})
	}
	tips := make([]section, len(cat.Tips()))
	for i, t := range cat.Tips() {
		tips[i] = section{t.Title, t.Body, t.Sources}
	}
	return sectionsEmbed(cat, &discordgo.MessageEmbed{Title: "Tips for a healthier back", Color: colorTips}, tips)
}

// section is one titled entry of /safety or /tips.
type section struct {
	title   string
	body    []string
	sources []string
}

// sectionsEmbed adds each section to e as a field and names all their sources, each once,
// in the footer.
func sectionsEmbed(cat *catalog.Catalog, e *discordgo.MessageEmbed, sections []section) *discordgo.MessageEmbed {
	var sources []string
	for _, s := range sections {
		e.Fields = append(e.Fields, field(s.title, bullets(s.body)))
		sources = appendNew(sources, s.sources...)
	}
	e.Footer = footer(sourceFooter(cat, sources))
	return fitEmbed(e)
}
