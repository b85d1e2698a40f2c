package app_test

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// withRawOptions replaces a built interaction's options with opts as they are, so a test
// can send what no client would: a value of another kind than its type, a null option.
func withRawOptions(i *discordgo.Interaction, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	data := i.Data.(discordgo.ApplicationCommandInteractionData)
	data.Options = opts
	i.Data = data
	return i
}

// TestBadShapesAreUserErrors sends options of the wrong type, missing and unknown options
// and subcommands, invisible characters in a name and @everyone as the host role: each is
// answered privately with a sentence naming what to fix, and nothing is logged as a panic
// or a handler failure.
func TestBadShapesAreUserErrors(t *testing.T) {
	h := startHarness(t)
	S, I := fakediscord.StringOption, fakediscord.IntegerOption
	raw := func(name string, typ discordgo.ApplicationCommandOptionType, value any) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: typ, Value: value}
	}
	tests := []struct {
		name string
		send func() answer
		want string
	}{
		{"integer for a text option", func() answer {
			return h.slash(alice, "session", fakediscord.Subcommand("start", I("routine", 5)))
		}, "The option routine must be text."},
		{"text for an integer option", func() answer {
			return h.slash(alice, "session", fakediscord.Subcommand("start", S("routine", "desk-break"), S("delay", "ten")))
		}, "The option delay must be a whole number."},
		{"integer type carrying text", func() answer {
			return h.interact(withRawOptions(h.fake.SlashCommand(in(alice), "session"),
				&discordgo.ApplicationCommandInteractionDataOption{Name: "start", Type: discordgo.ApplicationCommandOptionSubCommand,
					Options: []*discordgo.ApplicationCommandInteractionDataOption{
						raw("routine", discordgo.ApplicationCommandOptionString, "desk-break"),
						raw("delay", discordgo.ApplicationCommandOptionInteger, "ten")}}))
		}, "The option delay must be a whole number."},
		{"out of range", func() answer {
			return h.slash(alice, "session", fakediscord.Subcommand("start", S("routine", "desk-break"), I("delay", 61)))
		}, "The option delay must be from 0 to 60."},
		{"unknown subcommand", func() answer {
			return h.slash(alice, "session", fakediscord.Subcommand("nope"))
		}, `/session has no subcommand "nope"; try /help.`},
		{"no subcommand", func() answer {
			return h.slash(alice, "session")
		}, "/session needs a subcommand: start, stop, status. Try /help."},
		{"missing required option", func() answer {
			return h.slash(alice, "session", fakediscord.Subcommand("start", I("delay", 5)))
		}, "The option routine is required."},
		{"unknown option", func() answer {
			return h.slash(alice, "exercise", S("name", "cat-stretch"), S("colour", "red"))
		}, `/exercise has no option "colour"; try /help.`},
		{"option given twice", func() answer {
			return h.slash(alice, "exercise", S("name", "cat-stretch"), S("name", "dead-hang"))
		}, "The option name was given twice; give it once."},
		{"not one of the choices", func() answer {
			return h.slash(alice, "privacy", S("leaderboard", "maybe"))
		}, "The option leaderboard must be one of: on, off."},
		{"a null option", func() answer {
			return h.interact(withRawOptions(h.fake.SlashCommand(in(alice), "session"), nil))
		}, "/session got an empty option; try again, or see /help."},
		{"NUL in a subcommand name", func() answer {
			return h.slash(alice, "routine", fakediscord.Subcommand("li\x00st"))
		}, `/routine has no subcommand "li\\x00st"; try /help.`},
		{"NUL in a routine name", func() answer {
			return h.slash(admin, "routine", fakediscord.Subcommand("create", S("name", "Wake\x00up"), S("steps", "cat-stretch")))
		}, "A routine name can't contain control or invisible formatting characters (found U+0000)."},
		{"RTL override in a routine name", func() answer {
			return h.slash(admin, "routine", fakediscord.Subcommand("create", S("name", "Wake \u202Epu"), S("steps", "cat-stretch")))
		}, "A routine name can't contain control or invisible formatting characters (found U+202E)."},
		{"zero-width space in a routine name", func() answer {
			return h.slash(admin, "routine", fakediscord.Subcommand("create", S("name", "Wake\u200Bup"), S("steps", "cat-stretch")))
		}, "A routine name can't contain control or invisible formatting characters (found U+200B)."},
		{"@everyone as the host role", func() answer {
			return h.interact(withRawOptions(h.fake.SlashCommand(in(admin), "settings"),
				raw("host-role", discordgo.ApplicationCommandOptionRole, testGuild)))
		}, "@everyone can't be the host role: pick a role that only session leaders have."},
		{"a role that is no id", func() answer {
			return h.interact(withRawOptions(h.fake.SlashCommand(in(admin), "settings"),
				raw("host-role", discordgo.ApplicationCommandOptionRole, "<@&1>")))
		}, "The option host-role must be a role."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.send()
			if a.Message.Content != tt.want || !a.Message.Ephemeral() {
				t.Fatalf("answered %q (ephemeral %v); want privately %q", a.Message.Content, a.Message.Ephemeral(), tt.want)
			}
			assertNoMentions(t, a.Message)
		})
	}

	// Nothing was stored: the server has no custom routine and no host role.
	list := h.slash(alice, "routine", fakediscord.Subcommand("list"))
	if strings.Contains(list.text(), "Wake") {
		t.Errorf("a refused routine was stored:\n%s", list.text())
	}
	settings := h.slash(admin, "settings")
	if !strings.Contains(settings.text(), "host-role:** none") {
		t.Errorf("a refused host role was stored:\n%s", settings.text())
	}
	for _, bad := range []string{"panic", "handler failed", "level=ERROR"} {
		if strings.Contains(h.logs.String(), bad) {
			t.Errorf("the log has %q:\n%s", bad, h.logs.String())
		}
	}
}
