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
			reply, _ := route.handle(context.Background(), nil)
			if reply.Content != tt.wantPattern || !reflect.DeepEqual(params, tt.wantParams) {
				t.Errorf("got %q %v, want %q %v", reply.Content, params, tt.wantPattern, tt.wantParams)
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
	want := "https://discord.com/oauth2/authorize?client_id=123&permissions=117760&scope=bot+applications.commands"
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}
