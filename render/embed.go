package render

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
)

// This file is the toolkit every renderer shares: Discord's limits and the fitting that
// keeps an embed within them, cutting and escaping text, the accent colours, and the few
// ways numbers and durations are written.

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
	ButtonsPerRow       = 5
	CustomIDMax         = 100
)

// The palette every accent colour is drawn from: Discord's own colours, and gold for streaks
// (the heatmap marks today in the same gold).
const (
	colorBlurple = 0x5865F2
	colorGreen   = 0x57F287
	colorYellow  = 0xFEE75C
	colorRed     = 0xED4245
	colorGrey    = 0x99AAB5
	colorBlue    = 0x3498DB
	colorOrange  = 0xE67E22
	colorGold    = 0xF0B232
)

// Accent colours, so an embed's kind is recognisable at a glance.
const (
	colorInfo    = colorBlurple // /help, /settings, /exercises
	colorSafety  = colorRed
	colorTips    = colorGreen
	colorRoutine = colorYellow
	colorStreak  = colorGold // /streak, /stats, /leaderboard
)

// ellipsis marks text that was cut to fit.
const ellipsis = "…"

// Truncate cuts s to at most max characters (runes, never inside one), marking a cut with
// "…". It returns "" for max < 1. It is catalog.Truncate, which cuts choice names too.
func Truncate(s string, max int) string { return catalog.Truncate(s, max) }

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

// memberNameMax is the most of a member's display name shown.
const memberNameMax = 80

// MemberName makes a member's display name safe to show: white space folded to single
// spaces, cut to memberNameMax, and escaped so it cannot format or mention anyone.
func MemberName(name string) string {
	return Escape(Truncate(strings.Join(strings.Fields(name), " "), memberNameMax))
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

// Plural writes a count with its noun: "1 step", "3 steps".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// human writes a duration for reading: "30 s", "1 min 30 s".
func human(d time.Duration) string {
	return catalog.DurationRange{Min: d, Max: d}.String()
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
