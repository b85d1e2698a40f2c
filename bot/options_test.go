package bot

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/commands"
)

// shapesDefinition is a command with every shape checkOptions knows: a group, plain
// subcommands, required and optional leaves with ranges, lengths and choices.
func shapesDefinition() *discordgo.ApplicationCommand {
	zero, one := 0.0, 1.0
	minName := 1
	return &discordgo.ApplicationCommand{Name: "session", Description: "d", Options: []*declaredOption{
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "start", Description: "d", Options: []*declaredOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "routine", Description: "d", Required: true, MinLength: &minName, MaxLength: 10},
			{Type: discordgo.ApplicationCommandOptionInteger, Name: "delay", Description: "d", MinValue: &zero, MaxValue: 60},
			{Type: discordgo.ApplicationCommandOptionNumber, Name: "pace", Description: "d", MinValue: &one},
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: "quiet", Description: "d"},
			{Type: discordgo.ApplicationCommandOptionUser, Name: "host", Description: "d"},
			{Type: discordgo.ApplicationCommandOptionString, Name: "by", Description: "d", Choices: []*discordgo.ApplicationCommandOptionChoice{
				{Name: "Current", Value: "current"}, {Name: "Best", Value: "best"}}},
			{Type: discordgo.ApplicationCommandOptionInteger, Name: "size", Description: "d", Choices: []*discordgo.ApplicationCommandOptionChoice{
				{Name: "small", Value: 2}, {Name: "large", Value: 10}}},
		}},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "stop", Description: "d"},
		{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "admin", Description: "d", Options: []*declaredOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "reset", Description: "d", Options: []*declaredOption{
				{Type: discordgo.ApplicationCommandOptionRole, Name: "role", Description: "d", Required: true},
			}},
		}},
	}}
}

func sub(name string, opts ...*dataOption) *dataOption {
	return &dataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}
}

func group(name string, opts ...*dataOption) *dataOption {
	return &dataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommandGroup, Options: opts}
}

func leaf(name string, t discordgo.ApplicationCommandOptionType, v any) *dataOption {
	return &dataOption{Name: name, Type: t, Value: v}
}

func text(name string, v any) *dataOption {
	return leaf(name, discordgo.ApplicationCommandOptionString, v)
}

func integer(name string, v any) *dataOption {
	return leaf(name, discordgo.ApplicationCommandOptionInteger, v)
}

func TestCheckOptions(t *testing.T) {
	const (
		str  = discordgo.ApplicationCommandOptionString
		num  = discordgo.ApplicationCommandOptionNumber
		boo  = discordgo.ApplicationCommandOptionBoolean
		user = discordgo.ApplicationCommandOptionUser
		role = discordgo.ApplicationCommandOptionRole
	)
	tests := []struct {
		name string
		opts []*dataOption
		want string // "" means accepted
	}{
		{"all fine", []*dataOption{sub("start", text("routine", "desk"), integer("delay", 5.0), leaf("pace", num, 1.5),
			leaf("quiet", boo, true), leaf("host", user, "200000000000000001"), text("by", "best"), integer("size", 10.0))}, ""},
		{"only the required", []*dataOption{sub("start", text("routine", "desk"))}, ""},
		{"upper bounds are inclusive", []*dataOption{sub("start", text("routine", "0123456789"), integer("delay", 60.0))}, ""},
		{"lower bounds are inclusive", []*dataOption{sub("start", text("routine", "0"), integer("delay", 0.0), leaf("pace", num, 1.0))}, ""},
		{"plain subcommand", []*dataOption{sub("stop")}, ""},
		{"group", []*dataOption{group("admin", sub("reset", leaf("role", role, "300000000000000001")))}, ""},

		{"no subcommand", nil, "/session needs a subcommand: start, stop, admin. Try /help."},
		{"unknown subcommand", []*dataOption{sub("nope")}, `/session has no subcommand "nope"; try /help.`},
		{"subcommand named like a group", []*dataOption{sub("admin")}, `/session has no subcommand "admin"; try /help.`},
		{"group without its subcommand", []*dataOption{group("admin")}, "/session admin needs a subcommand: reset. Try /help."},
		{"unknown subcommand in a group", []*dataOption{group("admin", sub("wipe"))}, `/session admin has no subcommand "wipe"; try /help.`},
		{"two subcommands", []*dataOption{sub("start"), sub("stop")}, "/session takes one subcommand at a time: start, stop, admin. Try /help."},
		{"a leaf where a subcommand belongs", []*dataOption{text("routine", "desk")}, `/session has no subcommand "routine"; try /help.`},
		{"nil subcommand", []*dataOption{nil}, "/session got an empty option; try again, or see /help."},
		{"nil leaf", []*dataOption{sub("start", text("routine", "desk"), nil)}, "/session start got an empty option; try again, or see /help."},
		{"subcommand below a subcommand", []*dataOption{sub("stop", sub("again"))}, `/session stop has no subcommand "again"; try /help.`},

		{"missing required", []*dataOption{sub("start", integer("delay", 5.0))}, "The option routine is required."},
		{"missing required in a group", []*dataOption{group("admin", sub("reset"))}, "The option role is required."},
		{"unknown option", []*dataOption{sub("start", text("routine", "desk"), text("colour", "red"))}, `/session start has no option "colour"; try /help.`},
		{"option of another subcommand", []*dataOption{sub("stop", text("routine", "desk"))}, `/session stop has no option "routine"; try /help.`},
		{"given twice", []*dataOption{sub("start", text("routine", "desk"), text("routine", "neck"))}, "The option routine was given twice; give it once."},

		{"string as integer", []*dataOption{sub("start", text("routine", "desk"), text("delay", "ten"))}, "The option delay must be a whole number."},
		{"integer as string", []*dataOption{sub("start", integer("routine", 5.0))}, "The option routine must be text."},
		{"integer type, string value", []*dataOption{sub("start", text("routine", "desk"), integer("delay", "5"))}, "The option delay must be a whole number."},
		{"string type, number value", []*dataOption{sub("start", text("routine", 5.0))}, "The option routine must be text."},
		{"fraction", []*dataOption{sub("start", text("routine", "desk"), integer("delay", 2.5))}, "The option delay must be a whole number."},
		{"huge", []*dataOption{sub("start", text("routine", "desk"), integer("delay", 1e300))}, "The option delay must be a whole number."},
		{"missing value", []*dataOption{sub("start", text("routine", nil))}, "The option routine must be text."},
		{"object value", []*dataOption{sub("start", text("routine", map[string]any{"a": 1.0}))}, "The option routine must be text."},
		{"bool as number", []*dataOption{sub("start", text("routine", "desk"), leaf("pace", num, true))}, "The option pace must be a number."},
		{"string as bool", []*dataOption{sub("start", text("routine", "desk"), leaf("quiet", boo, "yes"))}, "The option quiet must be true or false."},
		{"user that is no id", []*dataOption{sub("start", text("routine", "desk"), leaf("host", user, "@everyone"))}, "The option host must be a member."},
		{"user as number", []*dataOption{sub("start", text("routine", "desk"), leaf("host", user, 2e17))}, "The option host must be a member."},
		{"role given as user", []*dataOption{group("admin", sub("reset", leaf("role", user, "300000000000000001")))}, "The option role must be a role."},
		{"subcommand type for a leaf", []*dataOption{sub("start", sub("routine"))}, "The option routine must be text."},
		{"string type for a subcommand", []*dataOption{{Name: "stop", Type: str}}, `/session has no subcommand "stop"; try /help.`},

		{"below the minimum", []*dataOption{sub("start", text("routine", "desk"), integer("delay", -1.0))}, "The option delay must be from 0 to 60."},
		{"above the maximum", []*dataOption{sub("start", text("routine", "desk"), integer("delay", 61.0))}, "The option delay must be from 0 to 60."},
		{"below a lone minimum", []*dataOption{sub("start", text("routine", "desk"), leaf("pace", num, 0.5))}, "The option pace must be at least 1."},
		{"too long", []*dataOption{sub("start", text("routine", "abcdefghijk"))}, "The option routine must be 1 to 10 characters long; that one has 11."},
		{"too short", []*dataOption{sub("start", text("routine", ""))}, "The option routine must be 1 to 10 characters long; that one has 0."},
		{"long in bytes, short in characters", []*dataOption{sub("start", text("routine", "ééééééééé"))}, ""},
		{"not a choice", []*dataOption{sub("start", text("routine", "desk"), text("by", "worst"))}, "The option by must be one of: Current, Best."},
		{"not an integer choice", []*dataOption{sub("start", text("routine", "desk"), integer("size", 3.0))}, "The option size must be one of: small, large."},

		{"invisible name quoted", []*dataOption{sub("no\u202Epe\x00")}, `/session has no subcommand "no\\u202epe\\x00"; try /help.`},
		{"markdown and mentions in a name", []*dataOption{sub("**@everyone**")}, `/session has no subcommand "\*\*@` + "\u200b" + `everyone\*\*"; try /help.`},
		{"long name cut", []*dataOption{sub(strings.Repeat("x", 200))}, `/session has no subcommand "` + strings.Repeat("x", 31) + `…"; try /help.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkOptions(shapesDefinition(), tt.opts)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			u, ok := commands.AsUserError(err)
			if !ok {
				t.Fatalf("err = %v, want a user error %q", err, tt.want)
			}
			if u.Message != tt.want {
				t.Fatalf("got  %q\nwant %q", u.Message, tt.want)
			}
		})
	}
}

// TestCheckedOptionsAreSafeToRead: whatever checkOptions accepts, flattenOptions and the
// Request accessors read without panicking.
func TestCheckedOptionsAreSafeToRead(t *testing.T) {
	opts := []*dataOption{sub("start", text("routine", "desk"), integer("delay", 5.0), leaf("quiet", discordgo.ApplicationCommandOptionBoolean, true),
		leaf("host", discordgo.ApplicationCommandOptionUser, "200000000000000001"))}
	if err := checkOptions(shapesDefinition(), opts); err != nil {
		t.Fatal(err)
	}
	req := &commands.Request{}
	req.Subcommand, req.Options, _ = flattenOptions(opts)
	d, ok := req.Int("delay")
	if req.Subcommand != "start" || req.String("routine") != "desk" || !ok || d != 5 || !req.Bool("quiet", false) {
		t.Fatalf("read %q %q %d %v", req.Subcommand, req.String("routine"), d, req.Bool("quiet", false))
	}
	if m, ok := req.User("host"); !ok || m.ID != "200000000000000001" {
		t.Fatalf("user = %+v", m)
	}
}

func TestCompletionOptions(t *testing.T) {
	focused := func(o *dataOption) *dataOption { o.Focused = true; return o }
	tests := []struct {
		name        string
		opts        []*dataOption
		wantOK      bool
		wantPath    string
		wantFocused string
		wantLeaves  map[string]any // name -> value kept
	}{
		{"partial string", []*dataOption{sub("start", focused(text("routine", "de")))}, true, "start", "routine", map[string]any{"routine": "de"}},
		{"empty focused string, required missing", []*dataOption{sub("start", focused(text("by", "")))}, true, "start", "by", map[string]any{"by": ""}},
		{"partial number sent as text", []*dataOption{sub("start", text("routine", "desk"), focused(integer("delay", "4")))}, true, "start", "delay",
			map[string]any{"routine": "desk", "delay": 4.0}},
		{"unreadable partial number", []*dataOption{sub("start", focused(integer("delay", "-")))}, true, "start", "delay", map[string]any{}},
		{"partial fraction for an integer", []*dataOption{sub("start", focused(integer("delay", "2.")))}, true, "start", "delay", map[string]any{"delay": 2.0}},
		{"focused string holding a number", []*dataOption{sub("start", focused(text("routine", 5.0)))}, true, "start", "routine", map[string]any{}},
		{"other option of the wrong kind dropped", []*dataOption{sub("start", focused(text("routine", "d")), integer("delay", "ten"), text("colour", "red"))},
			true, "start", "routine", map[string]any{"routine": "d"}},
		{"out of range kept: only the kind matters", []*dataOption{sub("start", focused(text("routine", "d")), integer("delay", 99.0))},
			true, "start", "routine", map[string]any{"routine": "d", "delay": 99.0}},
		{"nil leaf skipped", []*dataOption{sub("start", nil, focused(text("routine", "d")))}, true, "start", "routine", map[string]any{"routine": "d"}},
		{"group", []*dataOption{group("admin", sub("reset", focused(leaf("role", discordgo.ApplicationCommandOptionRole, "1"))))}, true, "admin reset", "role",
			map[string]any{"role": "1"}},
		{"unknown subcommand", []*dataOption{sub("nope", focused(text("routine", "d")))}, false, "", "", nil},
		{"nil subcommand", []*dataOption{nil}, false, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, leaves, focused, ok := completionOptions(shapesDefinition(), tt.opts)
			if ok != tt.wantOK || path != tt.wantPath || focused != tt.wantFocused || len(leaves) != len(tt.wantLeaves) {
				t.Fatalf("got %q %v %q %v; want %q %v %q %v", path, leaves, focused, ok, tt.wantPath, tt.wantLeaves, tt.wantFocused, tt.wantOK)
			}
			for name, want := range tt.wantLeaves {
				if o := leaves[name]; o == nil || o.Value != want {
					t.Errorf("leaf %s = %+v, want value %v", name, o, want)
				}
			}
			req := &commands.Request{Subcommand: path, Options: leaves, Focused: focused}
			_, _ = req.String(focused), req.Bool(focused, false)
			_, _ = req.Int(focused)
			_, _ = req.User(focused)
		})
	}
}
