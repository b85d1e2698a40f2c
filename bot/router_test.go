package bot

import (
	"context"
	"reflect"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/commands"
)

func cmd(name string, patterns ...string) commands.Command {
	c := commands.Command{Definition: &discordgo.ApplicationCommand{Name: name, Description: name}}
	for _, p := range patterns {
		c.Components = append(c.Components, commands.Component{Pattern: p, Handle: func(context.Context, *commands.Request) (*commands.Reply, error) {
			return &commands.Reply{Content: p}, nil
		}})
	}
	return c
}

func TestRouterComponents(t *testing.T) {
	r, err := newRouter([]commands.Command{cmd("session", "session/{id}/join", "session/{id}/leave"), cmd("exercises", "exercises/page/{page}")})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		customID    string
		wantPattern string
		wantParams  map[string]string
	}{
		{"session/42/join", "session/{id}/join", map[string]string{"id": "42"}},
		{"session/42/leave", "session/{id}/leave", map[string]string{"id": "42"}},
		{"exercises/page/3", "exercises/page/{page}", map[string]string{"page": "3"}},
		{"session//join", "", nil},
		{"session/42/join/extra", "", nil},
		{"unknown/1", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.customID, func(t *testing.T) {
			route, params, ok := r.component(tt.customID)
			if tt.wantPattern == "" {
				if ok {
					t.Fatalf("matched %v, want no match", route.segments)
				}
				return
			}
			if !ok {
				t.Fatal("no match")
			}
			here := &commands.Request{GuildID: "g1", ChannelID: "c1", MessageChannelID: "c1", Params: params}
			reply, _ := route.handle(context.Background(), here)
			if reply.Content != tt.wantPattern || !reflect.DeepEqual(params, tt.wantParams) {
				t.Errorf("got %q %v, want %q %v", reply.Content, params, tt.wantPattern, tt.wantParams)
			}
		})
	}
}

func TestGuardChecksWhereAClickComesFrom(t *testing.T) {
	session := commands.Place{GuildID: "g1", ChannelID: "c1"}
	owner := func(context.Context, *commands.Request) (commands.Place, error) { return session, nil }
	gone := func(context.Context, *commands.Request) (commands.Place, error) {
		return commands.Place{}, commands.Userf("That button belongs to a session that has ended.")
	}
	tests := []struct {
		name  string
		owner func(context.Context, *commands.Request) (commands.Place, error)
		req   commands.Request
		want  string // the user error, "" when the handler runs
	}{
		{"its own channel", owner, commands.Request{GuildID: "g1", ChannelID: "c1", MessageChannelID: "c1"}, ""},
		{"another channel", owner, commands.Request{GuildID: "g1", ChannelID: "c2", MessageChannelID: "c2"}, notThisChannel},
		{"another server", owner, commands.Request{GuildID: "g2", ChannelID: "c1", MessageChannelID: "c1"}, notThisChannel},
		{"a direct message", owner, commands.Request{ChannelID: "c1", MessageChannelID: "c1"}, notThisChannel},
		{"owner unknown", gone, commands.Request{GuildID: "g1", ChannelID: "c1"}, "That button belongs to a session that has ended."},
		{"stateless, its message", nil, commands.Request{GuildID: "g1", ChannelID: "c1", MessageChannelID: "c1"}, ""},
		{"stateless, in a DM", nil, commands.Request{ChannelID: "d1", MessageChannelID: "d1"}, ""},
		{"stateless, message elsewhere", nil, commands.Request{GuildID: "g1", ChannelID: "c2", MessageChannelID: "c1"}, notThisChannel},
		{"stateless, no message", nil, commands.Request{GuildID: "g1", ChannelID: "c1"}, notThisChannel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran := false
			handle := guard(commands.Component{Owner: tt.owner, Handle: func(context.Context, *commands.Request) (*commands.Reply, error) {
				ran = true
				return &commands.Reply{}, nil
			}})
			_, err := handle(context.Background(), &tt.req)
			got := ""
			if u, ok := commands.AsUserError(err); ok {
				got = u.Message
			}
			if got != tt.want || ran != (tt.want == "") {
				t.Errorf("answered %q (handler ran: %v), want %q", got, ran, tt.want)
			}
		})
	}
}

func TestRouterRefusesDuplicateNames(t *testing.T) {
	if _, err := newRouter([]commands.Command{cmd("help"), cmd("help")}); err == nil {
		t.Fatal("two commands named help were accepted")
	}
}

func TestFlattenOptions(t *testing.T) {
	str := func(name, v string, focused bool) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: v, Focused: focused}
	}
	tests := []struct {
		name        string
		opts        []*discordgo.ApplicationCommandInteractionDataOption
		wantPath    string
		wantLeaves  []string
		wantFocused string
	}{
		{"plain", []*discordgo.ApplicationCommandInteractionDataOption{str("name", "cat", true)}, "", []string{"name"}, "name"},
		{"subcommand", []*discordgo.ApplicationCommandInteractionDataOption{{Name: "create", Type: discordgo.ApplicationCommandOptionSubCommand,
			Options: []*discordgo.ApplicationCommandInteractionDataOption{str("name", "x", false), str("steps", "y", true)}}}, "create", []string{"name", "steps"}, "steps"},
		{"group", []*discordgo.ApplicationCommandInteractionDataOption{{Name: "admin", Type: discordgo.ApplicationCommandOptionSubCommandGroup,
			Options: []*discordgo.ApplicationCommandInteractionDataOption{{Name: "reset", Type: discordgo.ApplicationCommandOptionSubCommand}}}}, "admin reset", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, leaves, focused := flattenOptions(tt.opts)
			if path != tt.wantPath || focused != tt.wantFocused || len(leaves) != len(tt.wantLeaves) {
				t.Fatalf("got %q %v %q", path, leaves, focused)
			}
			for _, name := range tt.wantLeaves {
				if leaves[name] == nil {
					t.Errorf("missing leaf %q", name)
				}
			}
		})
	}
}

func TestScrubToken(t *testing.T) {
	in := `API REQUEST HEADER :: [Authorization] = [Bot abc.DEF-123_x] and "Bot other.token"`
	out := scrubToken(in)
	if out != `API REQUEST HEADER :: [Authorization] = [Bot [redacted]] and "Bot [redacted]"` {
		t.Fatalf("scrubbed = %s", out)
	}
}

func TestInviteURL(t *testing.T) {
	got := InviteURL("123")
	want := "https://discord.com/oauth2/authorize?client_id=123&permissions=17867064003584&scope=bot+applications.commands"
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}
