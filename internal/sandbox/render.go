package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// show prints each message the bot posts or edits in a channel of the sandbox's server
// as readable text, and saves its attachments to the files folder.
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
	where := c.names.channelName(e.Message.ChannelID)
	if where == "" {
		return
	}
	if where != channelName {
		verb += " in #" + where
	}
	r := renderer{now: c.clock.Now(), names: c.names, files: map[string]string{}}
	for _, a := range e.Message.Attachments {
		r.files[a.ID] = c.save(a)
	}
	c.screen.message(r.message(e.Message, verb))
}

// save writes an attachment into the files folder once, and returns its path, or a
// sentence saying why it could not be saved.
func (c *console) save(a fakediscord.Attachment) string {
	if path, ok := c.saved[a.ID]; ok {
		return path
	}
	path, err := writeNew(c.outDir, a.Filename, a.Content)
	if err != nil {
		return fmt.Sprintf("not saved: %v", err)
	}
	c.saved[a.ID] = path
	return path
}

// writeNew writes content to a new file in dir named name, or name-2, name-3 … when that
// is taken, so a second heatmap does not replace the first. Only the base of name is used.
func writeNew(dir, name string, content []byte) (string, error) {
	name = filepath.Base(name)
	if name == "." || name == string(filepath.Separator) {
		name = "attachment"
	}
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for n := 1; ; n++ {
		path := filepath.Join(dir, name)
		if n > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", stem, n, ext))
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = f.Write(content)
		return path, errors.Join(err, f.Close())
	}
}

// renderer draws messages as text at one moment: Discord's relative timestamps are shown
// against now (the bot's clock), attachments with the path they were saved at.
type renderer struct {
	now   time.Time
	names *directory        // names mentions; nil leaves them as markup
	files map[string]string // attachment ID -> path
}

// message draws a message as indented text: who can see it, content, embeds with fields
// and footer, buttons as [Label], and attachments by name and saved path.
func (r renderer) message(m fakediscord.Message, verb string) string {
	var b strings.Builder
	who := "everyone sees"
	if m.Ephemeral() {
		who = "only the member sees"
	}
	fmt.Fprintf(&b, "── bot %s (%s) ──\n", verb, who)
	r.indented(&b, m.Content)
	for _, e := range m.Embeds {
		r.embed(&b, e)
	}
	if labels := buttonLabels(m); labels != "" {
		r.indented(&b, labels)
	}
	for _, a := range m.Attachments {
		r.indented(&b, fmt.Sprintf("📎 %s (%d bytes): %s", a.Filename, a.Size, r.files[a.ID]))
	}
	return b.String()
}

func (r renderer) embed(b *strings.Builder, e *discordgo.MessageEmbed) {
	if e.Title != "" {
		r.indented(b, "# "+e.Title)
	}
	r.indented(b, e.Description)
	for _, f := range e.Fields {
		r.indented(b, "## "+f.Name)
		r.indented(b, f.Value)
	}
	if e.Image != nil {
		r.indented(b, "🖼 "+e.Image.URL)
	}
	if e.Footer != nil {
		r.indented(b, "— "+e.Footer.Text)
	}
}

func (r renderer) indented(b *strings.Builder, text string) {
	if text == "" {
		return
	}
	text = discordTimestamp.ReplaceAllStringFunc(text, r.timestamp)
	if r.names != nil {
		text = r.names.mentions(text)
	}
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintf(b, "  %s\n", line)
	}
}

// discordTimestamp matches Discord's <t:UNIX:STYLE> markup, which each client renders in
// its reader's own zone.
var discordTimestamp = regexp.MustCompile(`<t:(-?\d+)(?::([tTdDfFR]))?>`)

// timestampLayouts are the styles a client shows as a date or time (the default is f).
var timestampLayouts = map[string]string{
	"t": "15:04", "T": "15:04:05", "d": "2006-01-02", "D": "2 January 2006",
	"f": "2 January 2006 15:04", "F": "Monday, 2 January 2006 15:04",
}

// timestamp shows a relative timestamp (style R) against now, as "⏱ in 1m0s" or
// "⏱ 5s ago", and the other styles as a date or time in the machine's zone.
func (r renderer) timestamp(markup string) string {
	parts := discordTimestamp.FindStringSubmatch(markup)
	unix, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return markup
	}
	at := time.Unix(unix, 0)
	if layout, ok := timestampLayouts[parts[2]]; ok || parts[2] == "" {
		if !ok {
			layout = timestampLayouts["f"]
		}
		return at.In(time.Local).Format(layout)
	}
	d := at.Sub(r.now).Round(time.Second)
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
