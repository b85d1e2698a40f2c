package render

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
)

// Discord's limits on what one message may carry, in characters (runes) where a length.
// Every embed built here passes through fitEmbed, so none can exceed them.
const (
	ContentMax          = 2000
	EmbedTitleMax       = 256
	EmbedDescriptionMax = 4096
	EmbedFieldsMax      = 25
	EmbedFieldNameMax   = 256
	EmbedFieldValueMax  = 1024
	EmbedFooterMax      = 2048
	EmbedsTotalMax      = 6000 // title, description, field names and values, footer of all embeds
	ChoicesMax          = 25
	ButtonsPerRow       = 5
	CustomIDMax         = 100
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

// Accent colours, so an embed's kind is recognisable at a glance.
const (
	colorInfo    = 0x5865F2
	colorSafety  = 0xED4245
	colorTips    = 0x57F287
	colorRoutine = 0xFEE75C
)

// ellipsis marks text that was cut to fit.
const ellipsis = "…"

// Truncate cuts s to at most max characters (runes, never inside one), marking a cut with
// "…". It returns "" for max < 1.
func Truncate(s string, max int) string {
	if max < 1 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + ellipsis
}

// userText escapes Discord markdown with backslashes and puts a zero-width space after
// every @ and <, so no mention (@everyone, @here, <@id>, <@&id>, <#id>) can form.
var userTextReplacements = []string{
	`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`, ">", `\>`, "#", `\#`,
	"[", `\[`, "]", `\]`, "@", "@\u200b", "<", "<\u200b",
}

// Escape makes text a member typed (a routine name, a query) safe to show where Discord
// renders markdown: it cannot format, link or mention. The bot also sends every message
// with no allowed mentions; this keeps the text from even looking like a ping, and keeps it
// harmless if someone copies it elsewhere. Cut user text with Truncate before escaping, so
// a cut never splits an escape.
func Escape(s string) string {
	return strings.NewReplacer(userTextReplacements...).Replace(s)
}

// bullets writes lines as a bulleted list, or "—" when there are none.
func bullets(lines []string) string {
	if len(lines) == 0 {
		return "—"
	}
	return "• " + strings.Join(lines, "\n• ")
}

// linesWithin joins lines with new lines. When they do not all fit in max characters it
// keeps as many whole leading lines as fit beside a last line "… and N more".
func linesWithin(lines []string, max int) string {
	if all := strings.Join(lines, "\n"); utf8.RuneCountInString(all) <= max {
		return all
	}
	for keep := len(lines) - 1; keep >= 0; keep-- {
		more := fmt.Sprintf("%s and %d more", ellipsis, len(lines)-keep)
		text := strings.Join(append(slices.Clone(lines[:keep]), more), "\n")
		if utf8.RuneCountInString(text) <= max {
			return text
		}
	}
	return Truncate(ellipsis, max)
}

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

// embedLength is what Discord counts toward EmbedsTotalMax for one embed.
func embedLength(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	return n
}

// fitEmbed cuts every part of e to its own limit, keeps at most EmbedsTotalMax fields, and
// then, if the whole is still too long, shortens the description and drops fields from the
// end until it fits. Renderers lay out for the common case; this guarantees the limits for
// any content an operator's extra file or a server's routines may bring.
func fitEmbed(e *discordgo.MessageEmbed) *discordgo.MessageEmbed {
	e.Title = Truncate(e.Title, EmbedTitleMax)
	e.Description = Truncate(e.Description, EmbedDescriptionMax)
	if len(e.Fields) > EmbedFieldsMax {
		e.Fields = e.Fields[:EmbedFieldsMax]
	}
	for _, f := range e.Fields {
		f.Name = Truncate(f.Name, EmbedFieldNameMax)
		f.Value = Truncate(f.Value, EmbedFieldValueMax)
	}
	if e.Footer != nil {
		e.Footer.Text = Truncate(e.Footer.Text, EmbedFooterMax)
	}
	if over := embedLength(e) - EmbedsTotalMax; over > 0 {
		keep := max(utf8.RuneCountInString(e.Description)-over, 0)
		e.Description = Truncate(e.Description, keep)
	}
	for embedLength(e) > EmbedsTotalMax && len(e.Fields) > 0 {
		e.Fields = e.Fields[:len(e.Fields)-1]
	}
	return e
}

// field builds an embed field that is not inline.
func field(name, value string) *discordgo.MessageEmbedField {
	return &discordgo.MessageEmbedField{Name: name, Value: value}
}

// footer builds an embed footer, or nil for empty text (Discord rejects an empty one).
func footer(text string) *discordgo.MessageEmbedFooter {
	if text == "" {
		return nil
	}
	return &discordgo.MessageEmbedFooter{Text: text}
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
			page, pages, plural(len(exercises), "exercise"))),
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

// appendNew appends the items of add that list does not hold yet, keeping first-seen order.
func appendNew(list []string, add ...string) []string {
	for _, a := range add {
		if !slices.Contains(list, a) {
			list = append(list, a)
		}
	}
	return list
}
