package commands

import (
	"context"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/guild"
)

// settingsStub is a guildSettingsStore that keeps one server's settings in memory.
type settingsStub struct {
	settings guild.Settings
	updates  int
}

func (s *settingsStub) GuildSettings(context.Context, string) (guild.Settings, error) {
	return s.settings, nil
}

func (s *settingsStub) UpdateGuildSettings(_ context.Context, _ string, change func(*guild.Settings)) (guild.Settings, error) {
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
			store := &settingsStub{settings: guild.Defaults("g1")}
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

func TestSettingsClearUnsetsZoneAndHostRole(t *testing.T) {
	tests := []struct {
		name      string
		opts      []*option
		wantZone  string
		wantRole  string
		want      []string
		wantError string
	}{
		{name: "the zone", opts: []*option{str("clear", "timezone")}, wantRole: "42",
			want: []string{"Settings changed", "timezone:** not set"}},
		{name: "the host role", opts: []*option{str("clear", "host-role")}, wantZone: "Europe/Berlin",
			want: []string{"host-role:** none"}},
		{name: "beside another setting", opts: []*option{str("clear", "host-role"), boolean("solo-logs", false)}, wantZone: "Europe/Berlin",
			want: []string{"host-role:** none", "solo-logs:** off"}},
		{name: "set and clear at once", opts: []*option{str("clear", "timezone"), str("timezone", "Asia/Tokyo")},
			wantZone: "Europe/Berlin", wantRole: "42", wantError: "Set timezone or clear it, not both."},
		{name: "something that can't be cleared", opts: []*option{str("clear", "freezes")},
			wantZone: "Europe/Berlin", wantRole: "42", wantError: "Only the time zone and the host role can be cleared."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &settingsStub{settings: guild.Defaults("g1")}
			store.settings.Timezone, store.settings.HostRoleID = "Europe/Berlin", "42"
			req := request("", tt.opts...)
			req.Member.Permissions = discordgo.PermissionManageGuild
			r, err := settingsCommand(store).Handle(context.Background(), req)
			if store.settings.Timezone != tt.wantZone || store.settings.HostRoleID != tt.wantRole {
				t.Errorf("zone %q, host role %q afterwards; want %q, %q", store.settings.Timezone, store.settings.HostRoleID, tt.wantZone, tt.wantRole)
			}
			if checkAnswer(t, err, tt.wantError) {
				checkText(t, replyText(r), tt.want, nil)
			}
		})
	}
	var clear *discordgo.ApplicationCommandOption
	for _, o := range settingsCommand(&settingsStub{}).Definition.Options {
		if o.Name == "clear" {
			clear = o
		}
	}
	if clear == nil || len(clear.Choices) != 2 || clear.Choices[0].Value != "timezone" || clear.Choices[1].Value != "host-role" {
		t.Fatalf("clear option %+v, want the choices timezone and host-role", clear)
	}
	for _, c := range clear.Choices {
		if len(c.Name) > catalog.MaxChoiceName {
			t.Errorf("choice name %q is too long", c.Name)
		}
	}
}

func TestSettingsShowAFixedServerZoneWithANote(t *testing.T) {
	store := &settingsStub{settings: guild.Defaults("g1")}
	req := request("", str("timezone", "UTC+2"))
	req.Member.Permissions = discordgo.PermissionManageGuild
	req.Received = winter
	r, err := settingsCommand(store).Handle(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if store.settings.Timezone != "Etc/GMT-2" {
		t.Errorf("stored %q, want Etc/GMT-2", store.settings.Timezone)
	}
	checkText(t, replyText(r), []string{"timezone:** UTC+02:00", "fixed offset", "A city follows daylight saving"}, nil)
}
