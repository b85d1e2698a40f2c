package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// checkLimits fails the test for any part of the message that breaks Discord's limits.
func checkLimits(t *testing.T, what string, embeds []*discordgo.MessageEmbed, components []discordgo.MessageComponent) {
	t.Helper()
	total := 0
	for _, e := range embeds {
		checkLen(t, what+" title", e.Title, 1, EmbedTitleMax)
		checkLen(t, what+" description", e.Description, 0, EmbedDescriptionMax)
		if len(e.Fields) > EmbedFieldsMax {
			t.Errorf("%s has %d fields, limit %d", what, len(e.Fields), EmbedFieldsMax)
		}
		for _, f := range e.Fields {
			checkLen(t, what+" field name", f.Name, 1, EmbedFieldNameMax)
			checkLen(t, what+" field "+f.Name, f.Value, 1, EmbedFieldValueMax)
		}
		if e.Footer != nil {
			checkLen(t, what+" footer", e.Footer.Text, 1, EmbedFooterMax)
		}
		total += embedLength(e)
	}
	if total > EmbedsTotalMax {
		t.Errorf("%s embeds total %d characters, limit %d", what, total, EmbedsTotalMax)
	}
	for _, row := range components {
		buttons := row.(discordgo.ActionsRow).Components
		if len(buttons) > ButtonsPerRow {
			t.Errorf("%s has %d buttons in a row, limit %d", what, len(buttons), ButtonsPerRow)
		}
		for _, b := range buttons {
			checkLen(t, what+" custom ID", b.(discordgo.Button).CustomID, 1, CustomIDMax)
		}
	}
}

func checkLen(t *testing.T, what, s string, minLen, maxLen int) {
	t.Helper()
	if n := utf8.RuneCountInString(s); n < minLen || n > maxLen {
		t.Errorf("%s is %d characters, want %d to %d: %.80q", what, n, minLen, maxLen, s)
	}
}

func one(e *discordgo.MessageEmbed) []*discordgo.MessageEmbed { return []*discordgo.MessageEmbed{e} }

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"Kindhaltung über alles", 8, "Kindhal…"},
		{"🧘🧘🧘", 2, "🧘…"},
		{"anything", 0, ""},
	}
	for _, tt := range tests {
		got := Truncate(tt.in, tt.max)
		if got != tt.want || !utf8.ValidString(got) {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestEscapeNeutralizesMarkdownAndMentions(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Morning flow", "Morning flow"},
		{"@everyone stretch", "@\u200beveryone stretch"},
		{"@here", "@\u200bhere"},
		{"<@123456789012345678> hi", "<\u200b@\u200b123456789012345678\\> hi"},
		{"<@&42>", "<\u200b@\u200b&42\\>"},
		{"**bold** _it_ ~~s~~ `c` ||x|| # h [l](u)", `\*\*bold\*\* \_it\_ \~\~s\~\~ \` + "`c\\`" + ` \|\|x\|\| \# h \[l\](u)`},
		{`back\slash`, `back\\slash`},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLinesWithin(t *testing.T) {
	lines := []string{"aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dddddddddd"} // 43 characters joined
	if got := linesWithin(lines, 43); got != strings.Join(lines, "\n") {
		t.Errorf("all fit: %q", got)
	}
	got := linesWithin(lines, 35)
	if got != "aaaaaaaaaa\nbbbbbbbbbb\n… and 2 more" {
		t.Errorf("cut: %q", got)
	}
	if n := utf8.RuneCountInString(got); n > 35 {
		t.Errorf("cut text is %d characters, limit 35", n)
	}
}

func TestFitEmbedKeepsTheTotalWithinLimits(t *testing.T) {
	e := &discordgo.MessageEmbed{Title: strings.Repeat("t", 300), Description: strings.Repeat("d", 5000)}
	for range 30 {
		e.Fields = append(e.Fields, field(strings.Repeat("n", 300), strings.Repeat("v", 2000)))
	}
	e.Footer = footer(strings.Repeat("f", 3000))
	checkLimits(t, "overfull embed", one(fitEmbed(e)), nil)
	if len(e.Fields) == 0 || !strings.HasSuffix(e.Fields[0].Value, "…") {
		t.Errorf("fields should be cut, not all dropped: %d fields", len(e.Fields))
	}
}
