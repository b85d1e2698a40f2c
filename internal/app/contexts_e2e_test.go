package app_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// userInstalled is member's context in the test channel of a server where the app is
// installed by the member only: authorizing_integration_owners names no server.
func userInstalled(m fakediscord.Member) fakediscord.InteractionContext {
	ctx := in(m)
	ctx.Install = fakediscord.UserInstalled
	return ctx
}

// botMessages counts the messages the bot posted on its own in the test channel.
func (h *harness) botMessages() int {
	n := 0
	for _, m := range h.fake.Messages(testChannel) {
		if m.InteractionID == "" {
			n++
		}
	}
	return n
}

func TestRegisteredCommandsSayWhereTheyWork(t *testing.T) {
	h := startHarness(t)
	lookups := []string{"exercise", "exercises", "tips", "safety", "help"}
	cmds := h.fake.Commands(testGuild)
	if len(cmds) == 0 {
		t.Fatal("no commands registered")
	}
	for _, c := range cmds {
		if c.IntegrationTypes == nil || !slices.Equal(*c.IntegrationTypes, []discordgo.ApplicationIntegrationType{0}) {
			t.Errorf("/%s integration_types = %v, want [0]", c.Name, c.IntegrationTypes)
		}
		want := []discordgo.InteractionContextType{0}
		if slices.Contains(lookups, c.Name) {
			want = []discordgo.InteractionContextType{0, 1, 2}
		}
		if c.Contexts == nil || !slices.Equal(*c.Contexts, want) {
			t.Errorf("/%s contexts = %v, want %v", c.Name, c.Contexts, want)
		}
	}
}

func TestServerCommandsWhereTheAppIsNotInstalledStoreNothing(t *testing.T) {
	h := startHarness(t)
	h.createQuickRoutine()
	count := h.counter()
	tests := []struct {
		name    string
		command string
		opts    []fakediscord.Option
		rows    string // a COUNT query that must stay 0
	}{
		{"done", "done", nil, `SELECT COUNT(*) FROM activity`},
		{"session start", "session", []fakediscord.Option{fakediscord.Subcommand("start",
			fakediscord.StringOption("routine", "Quick"), fakediscord.IntegerOption("delay", 5))}, `SELECT COUNT(*) FROM sessions`},
		{"schedule create", "schedule", []fakediscord.Option{fakediscord.Subcommand("create",
			fakediscord.StringOption("routine", "Quick"), fakediscord.StringOption("time", "18:10"),
			fakediscord.StringOption("days", "daily"), fakediscord.StringOption("timezone", "UTC"))}, `SELECT COUNT(*) FROM schedules`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := h.interact(h.fake.SlashCommand(userInstalled(admin), tt.command, tt.opts...))
			assertTextHas(t, "/"+tt.command, a.text(), "Add stretchbot to this server to use /"+tt.command+" here:",
				"https://discord.com/oauth2/authorize?")
			if a.Message.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Error("the refusal is public, want ephemeral")
			}
			if n := count(tt.rows); n != 0 {
				t.Errorf("%s = %d, want 0: something was stored", tt.rows, n)
			}
			if n := h.botMessages(); n != 0 {
				t.Errorf("the bot posted %d messages in the channel, want none", n)
			}
		})
	}
}

func TestLookupsAnswerInDMsAndUserInstalls(t *testing.T) {
	h := startHarness(t)
	dm := fakediscord.InteractionContext{ChannelID: "300000000000000009", Member: alice}
	mayUseApps := alice
	mayUseApps.Permissions |= discordgo.PermissionUseExternalApps
	noSend := alice
	noSend.Permissions = discordgo.PermissionViewChannel | discordgo.PermissionUseExternalApps
	tests := []struct {
		name          string
		ctx           fakediscord.InteractionContext
		wantEphemeral bool
	}{
		{"the server installed the app", in(alice), false},
		{"a DM with the bot", dm, false},
		{"a user install, member may use external apps", userInstalled(mayUseApps), false},
		{"a user install, member may not use external apps", userInstalled(alice), true},
		{"a user install, member may not send messages", userInstalled(noSend), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := h.interact(h.fake.SlashCommand(tt.ctx, "exercise", fakediscord.StringOption("name", "dead-hang")))
			if a.Message.ID == "" || len(a.Message.Embeds) == 0 {
				t.Fatalf("/exercise got no exercise: %q", a.text())
			}
			if got := a.Message.Flags&discordgo.MessageFlagsEphemeral != 0; got != tt.wantEphemeral {
				t.Errorf("ephemeral = %v, want %v", got, tt.wantEphemeral)
			}
		})
	}
}

func TestPostingNeedsTheBotsPermissionsInTheChannel(t *testing.T) {
	h := startHarness(t)
	h.createQuickRoutine()
	count := h.counter()
	withPerms := func(m fakediscord.Member, perms int64) fakediscord.InteractionContext {
		ctx := in(m)
		ctx.AppPermissions = perms
		return ctx
	}
	const canPost = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks
	tests := []struct {
		name    string
		perms   int64
		command string
		opts    []fakediscord.Option
		want    string
		rows    string
	}{
		{"session start without Embed Links", canPost &^ discordgo.PermissionEmbedLinks, "session",
			[]fakediscord.Option{fakediscord.Subcommand("start", fakediscord.StringOption("routine", "Quick"))},
			"I can't post in <#" + testChannel + ">: I'm missing Embed Links there", `SELECT COUNT(*) FROM sessions`},
		{"schedule create without Send Messages", discordgo.PermissionViewChannel | discordgo.PermissionEmbedLinks, "schedule",
			[]fakediscord.Option{fakediscord.Subcommand("create", fakediscord.StringOption("routine", "Quick"),
				fakediscord.StringOption("time", "18:10"), fakediscord.StringOption("days", "daily"),
				fakediscord.StringOption("timezone", "UTC"))},
			"I can't post in <#" + testChannel + ">: I'm missing Send Messages there", `SELECT COUNT(*) FROM schedules`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := h.interact(h.fake.SlashCommand(withPerms(admin, tt.perms), tt.command, tt.opts...))
			assertTextHas(t, "/"+tt.command, a.text(), tt.want)
			if n := count(tt.rows); n != 0 {
				t.Errorf("%s = %d, want 0", tt.rows, n)
			}
			if n := h.botMessages(); n != 0 {
				t.Errorf("the bot posted %d messages, want none", n)
			}
		})
	}
	// With the permissions, the same session starts: the refusal was about them alone.
	a := h.interact(h.fake.SlashCommand(withPerms(admin, canPost), "session", fakediscord.Subcommand("start",
		fakediscord.StringOption("routine", "Quick"), fakediscord.IntegerOption("delay", 5))))
	if !strings.Contains(a.text(), "Session posted") {
		t.Fatalf("/session start with the permissions answered %q", a.text())
	}
}

func TestServerCommandAutocompleteWhereTheAppIsNotInstalledOffersNothing(t *testing.T) {
	h := startHarness(t)
	h.createQuickRoutine()
	tests := []struct {
		name string
		ctx  fakediscord.InteractionContext
		want int
	}{
		{"installed", in(alice), 1},
		{"user install", userInstalled(alice), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := h.fake.Autocomplete(tt.ctx, "session", "routine", "Qui", fakediscord.Subcommand("start"))
			if err := h.fake.Interact(i); err != nil {
				t.Fatal(err)
			}
			r := h.response(i.ID)
			if r.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
				t.Fatalf("answer type %d, want 8", r.Type)
			}
			n := 0
			for _, c := range r.Choices {
				if strings.Contains(c.Name, "Quick") {
					n++
				}
			}
			if n != tt.want {
				t.Fatalf("%d choices name Quick (%v), want %d", n, r.Choices, tt.want)
			}
		})
	}
}

func TestSessionsInAThreadNeedSendMessagesInThreads(t *testing.T) {
	h := startHarness(t)
	h.createQuickRoutine()
	const seen = discordgo.PermissionViewChannel | discordgo.PermissionEmbedLinks
	tests := []struct {
		name    string
		channel string
		perms   int64
		want    string
	}{
		{"Send Messages only", "100000000000000051", seen | discordgo.PermissionSendMessages, "I'm missing Send Messages in Threads there"},
		{"Send Messages in Threads only", "100000000000000052", seen | discordgo.PermissionSendMessagesInThreads, "Session posted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := fakediscord.InteractionContext{GuildID: testGuild, ChannelID: tt.channel, ChannelName: "stretch-thread",
				Member: admin, AppPermissions: tt.perms, Thread: true}
			a := h.interact(h.fake.SlashCommand(ctx, "session", fakediscord.Subcommand("start",
				fakediscord.StringOption("routine", "Quick"), fakediscord.IntegerOption("delay", 5))))
			assertTextHas(t, "/session start", a.text(), tt.want)
		})
	}
}
