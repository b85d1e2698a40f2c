package commands

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestCannotPingWarnsWhenTheRolePingWouldNotNotify(t *testing.T) {
	role := func(mentionable bool) *discordgo.ApplicationCommandInteractionDataResolved {
		return &discordgo.ApplicationCommandInteractionDataResolved{Roles: map[string]*discordgo.Role{"r1": {ID: "r1", Mentionable: mentionable}}}
	}
	tests := []struct {
		name  string
		req   Request
		role  string
		warns bool
	}{
		{"no ping role", Request{}, "", false},
		{"a mentionable role", Request{Resolved: role(true)}, "r1", false},
		{"a role nobody may mention", Request{Resolved: role(false)}, "r1", true},
		{"the bot may mention everyone", Request{Resolved: role(false), BotPermissions: discordgo.PermissionMentionEveryone}, "r1", false},
		{"the role is not resolved", Request{}, "r1", true},
	}
	for _, tt := range tests {
		got := cannotPing(&tt.req, tt.role)
		if (got != "") != tt.warns || tt.warns && !strings.Contains(got, "<@&r1> is not mentionable") {
			t.Errorf("%s: %q", tt.name, got)
		}
	}
}
