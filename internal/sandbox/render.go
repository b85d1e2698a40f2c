package sandbox

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// show prints each message the bot posts or edits as readable text.
func (c *console) show(e fakediscord.Event) {
	var verb string
	switch e.Kind {
	case fakediscord.MessageCreated:
		verb = "posted"
	case fakediscord.MessageEdited:
		verb = "edited"
	default:
		return
	}
	if e.Message.ChannelID != channelID {
		return
	}
	c.printf("\n%s", renderMessage(e.Message, verb))
}

// renderMessage draws a message as indented text: who can see it, content, embeds
// with fields and footer, buttons as [Label], and attachments by name.
func renderMessage(m fakediscord.Message, verb string) string {
	var b strings.Builder
	who := "everyone sees"
	if m.Ephemeral() {
		who = "only the member sees"
	}
	fmt.Fprintf(&b, "── bot %s (%s) ──\n", verb, who)
	writeIndented(&b, m.Content)
	for _, e := range m.Embeds {
		writeEmbed(&b, e)
	}
	if labels := buttonLabels(m); labels != "" {
		writeIndented(&b, labels)
	}
	for _, a := range m.Attachments {
		writeIndented(&b, fmt.Sprintf("📎 %s (%d bytes)", a.Filename, a.Size))
	}
	return b.String()
}

func writeEmbed(b *strings.Builder, e *discordgo.MessageEmbed) {
	if e.Title != "" {
		writeIndented(b, "# "+e.Title)
	}
	writeIndented(b, e.Description)
	for _, f := range e.Fields {
		writeIndented(b, "## "+f.Name)
		writeIndented(b, f.Value)
	}
	if e.Image != nil {
		writeIndented(b, "🖼 "+e.Image.URL)
	}
	if e.Footer != nil {
		writeIndented(b, "— "+e.Footer.Text)
	}
}

func writeIndented(b *strings.Builder, text string) {
	if text == "" {
		return
	}
	text = discordTimestamp.ReplaceAllStringFunc(text, readableTimestamp)
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintf(b, "  %s\n", line)
	}
}

// discordTimestamp matches Discord's <t:UNIX:STYLE> markup, which a client renders
// in the reader's own zone; the console shows it relative to now instead.
var discordTimestamp = regexp.MustCompile(`<t:(-?\d+)(?::[tTdDfFR])?>`)

func readableTimestamp(markup string) string {
	unix, err := strconv.ParseInt(discordTimestamp.FindStringSubmatch(markup)[1], 10, 64)
	if err != nil {
		return markup
	}
	d := time.Until(time.Unix(unix, 0)).Round(time.Second)
	switch {
	case d > 0:
		return "⏱ in " + d.String()
	case d < 0:
		return "⏱ " + (-d).String() + " ago"
	}
	return "⏱ now"
}

func buttons(m fakediscord.Message) []*discordgo.Button {
	var out []*discordgo.Button
	for _, row := range m.Components {
		if r, ok := row.(*discordgo.ActionsRow); ok {
			for _, comp := range r.Components {
				if btn, ok := comp.(*discordgo.Button); ok {
					out = append(out, btn)
				}
			}
		}
	}
	return out
}

func buttonLabels(m fakediscord.Message) string {
	var labels []string
	for _, btn := range buttons(m) {
		label := "[" + btn.Label + "]"
		if btn.Disabled {
			label = "(" + btn.Label + ")"
		}
		labels = append(labels, label)
	}
	return strings.Join(labels, " ")
}
