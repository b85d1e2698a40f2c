package fakediscord

import (
	"encoding/json"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// Role and channel options carry what Discord resolves for them: the role as the server
// has it, and the channel as a partial channel with the member's permissions there.
func TestResolvedRolesAndChannels(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	ctx := guildCtx()
	srv.AddRole(ctx.GuildID, discordgo.Role{ID: "600000000000000006", Name: "hosts", Mentionable: false})
	srv.AddRole("999999999999999999", discordgo.Role{ID: "600000000000000007", Name: "elsewhere"})
	srv.AddChannel(ctx.GuildID, "700000000000000007", "yoga")

	tests := []struct {
		name   string
		opt    Option
		key    string // the resolved map
		id     string
		fields map[string]any // expected fields of the resolved entry, as JSON decodes them
	}{
		{"known role", RoleOption("host-role", "600000000000000006"), "roles", "600000000000000006",
			map[string]any{"name": "hosts", "mentionable": false, "permissions": "0"}},
		{"unknown role is a placeholder", RoleOption("host-role", "600000000000000008"), "roles", "600000000000000008",
			map[string]any{"name": "role-600000000000000008", "mentionable": true}},
		{"another server's role is not this one's", RoleOption("host-role", "600000000000000007"), "roles", "600000000000000007",
			map[string]any{"name": "role-600000000000000007"}},
		{"known channel", ChannelOption("channel", "700000000000000007"), "channels", "700000000000000007",
			map[string]any{"name": "yoga", "type": float64(discordgo.ChannelTypeGuildText), "permissions": "2048"}},
		{"unknown channel", ChannelOption("channel", "700000000000000008"), "channels", "700000000000000008",
			map[string]any{"name": "channel-700000000000000008", "permissions": "2048"}},
		{"inside a subcommand", Subcommand("create", ChannelOption("channel", "700000000000000007")), "channels", "700000000000000007",
			map[string]any{"name": "yoga"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload, err := srv.prepare(srv.SlashCommand(ctx, "schedule", tt.opt))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(payload)
			var wire struct {
				Data struct {
					Resolved map[string]map[string]map[string]any `json:"resolved"`
				} `json:"data"`
			}
			if err := json.Unmarshal(b, &wire); err != nil {
				t.Fatal(err)
			}
			entry := wire.Data.Resolved[tt.key][tt.id]
			if entry == nil {
				t.Fatalf("data.resolved.%s lacks %s: %s", tt.key, tt.id, b)
			}
			for k, want := range tt.fields {
				if entry[k] != want {
					t.Errorf("resolved.%s[%s].%s = %v, want %v", tt.key, tt.id, k, entry[k], want)
				}
			}
			if tt.key == "channels" && len(entry) != 4 {
				t.Errorf("a resolved channel is partial (id, name, type, permissions), got %v", entry)
			}
		})
	}
}

func TestAddChannelNamesIt(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	srv.AddChannel(guildCtx().GuildID, "700000000000000007", "yoga")
	ch, err := client(t, srv).Channel("700000000000000007")
	if err != nil {
		t.Fatal(err)
	}
	if ch.Name != "yoga" || ch.GuildID != guildCtx().GuildID || ch.Type != discordgo.ChannelTypeGuildText {
		t.Fatalf("GET /channels: %+v", ch)
	}
}
