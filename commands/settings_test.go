package commands

import (
	"context"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/storage"
)

// settingsStub is a guildSettingsStore that keeps one server's settings in memory.
type settingsStub struct {
	settings storage.GuildSettings
	updates  int
}

func (s *settingsStub) GuildSettings(context.Context, string) (storage.GuildSettings, error) {
	return s.settings, nil
}

func (s *settingsStub) UpdateGuildSettings(_ context.Context, _ string, change func(*storage.GuildSettings)) (storage.GuildSettings, error) {
	s.updates++
	change(&s.settings)
	return s.settings, nil
}

func (s *settingsStub) RecomputeSummaries(context.Context, string) (int, error) { return 0, nil }

func TestHostRoleRefusesEveryone(t *testing.T) {
	role := func(id string) *option {
		return &option{Name: "host-role", Type: discordgo.ApplicationCommandOptionRole, Value: id}
	}
	tests := []struct {
		name      string
		opts      []*option
		wantRole  string
		wantError string
	}{
		{name: "a real role", opts: []*option{role("300000000000000001")}, wantRole: "300000000000000001"},
		{name: "@everyone", opts: []*option{role("g1")}, wantError: everyoneHostRole},
		{name: "@everyone beside another setting", opts: []*option{boolean("freezes", false), role("g1")}, wantError: everyoneHostRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &settingsStub{settings: storage.DefaultGuildSettings("g1")}
			req := request("", tt.opts...) // in server g1
			req.Member.Permissions = discordgo.PermissionManageGuild
			_, err := settingsCommand(store).Handle(context.Background(), req)
			if !checkAnswer(t, err, tt.wantError) {
				if store.updates != 0 || store.settings.HostRoleID != "" || !store.settings.Freezes {
					t.Fatalf("a refused change was stored: %+v", store.settings)
				}
				return
			}
			if store.settings.HostRoleID != tt.wantRole {
				t.Fatalf("host role = %q, want %q", store.settings.HostRoleID, tt.wantRole)
			}
		})
	}
}
