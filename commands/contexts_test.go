package commands

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// canPost are the bot's permissions in a channel where it may post a session.
const canPost = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks

func TestSetContextsPlacesEveryCommand(t *testing.T) {
	lookups := []string{"exercise", "exercises", "tips", "safety", "help"}
	cmds := All(Deps{Catalog: loadCatalog(t)})
	for _, c := range cmds {
		t.Run(c.Definition.Name, func(t *testing.T) {
			d := c.Definition
			if d.IntegrationTypes == nil || !slices.Equal(*d.IntegrationTypes, []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}) {
				t.Errorf("integration_types = %v, want [0]", d.IntegrationTypes)
			}
			want := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
			if slices.Contains(lookups, d.Name) {
				want = append(want, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel)
			}
			if d.Contexts == nil || !slices.Equal(*d.Contexts, want) {
				t.Errorf("contexts = %v, want %v", d.Contexts, want)
			}
			if c.Anywhere != slices.Contains(lookups, d.Name) {
				t.Errorf("Anywhere = %v", c.Anywhere)
			}
		})
	}
	if len(cmds) < len(lookups)+10 {
		t.Fatalf("All returned %d commands", len(cmds))
	}
}

func TestSetContextsGivesEachCommandItsOwnLists(t *testing.T) {
	cmds := []Command{{Definition: &discordgo.ApplicationCommand{Name: "a"}}, anywhere(Command{Definition: &discordgo.ApplicationCommand{Name: "b"}})}
	setContexts(cmds)
	(*cmds[0].Definition.Contexts)[0] = discordgo.InteractionContextPrivateChannel
	if got := (*cmds[1].Definition.Contexts)[0]; got != discordgo.InteractionContextGuild {
		t.Fatalf("changing one command's contexts changed another's: %v", got)
	}
}

func TestCannotPostNamesWhatIsMissing(t *testing.T) {
	tests := []struct {
		name     string
		perms    int64
		inThread bool
		want     string // "" when posting is allowed
	}{
		{"all there", canPost, false, ""},
		{"administrator", discordgo.PermissionAdministrator, false, ""},
		{"no embed links", canPost &^ discordgo.PermissionEmbedLinks, false, "I'm missing Embed Links there"},
		{"nothing", 0, false, "I'm missing View Channel, Send Messages and Embed Links there"},
		{"two missing", discordgo.PermissionViewChannel, false, "I'm missing Send Messages and Embed Links there"},
		{"a thread takes send in threads", canPost, true, "I'm missing Send Messages in Threads there"},
		{"a thread with send in threads", discordgo.PermissionViewChannel | discordgo.PermissionSendMessagesInThreads |
			discordgo.PermissionEmbedLinks, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := cannotPost(&Request{ChannelID: "42", BotPermissions: tt.perms, InThread: tt.inThread})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("cannotPost = %v, want nil", err)
				}
				return
			}
			u, ok := AsUserError(err)
			if !ok || !strings.Contains(u.Message, tt.want) || !strings.HasPrefix(u.Message, "I can't post in <#42>:") {
				t.Fatalf("cannotPost = %v, want a user error with %q", err, tt.want)
			}
		})
	}
}

func TestCannotAnnounceChecksOnlyTheInvokingChannel(t *testing.T) {
	tests := []struct {
		name    string
		channel string
		perms   int64
		refused bool
	}{
		{"here, allowed", "c", canPost, false},
		{"here, refused", "c", discordgo.PermissionViewChannel, true},
		{"another channel is checked when posting", "other", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := cannotAnnounce(&Request{ChannelID: "c", BotPermissions: tt.perms}, tt.channel)
			if (err != nil) != tt.refused {
				t.Fatalf("cannotAnnounce = %v, refused want %v", err, tt.refused)
			}
		})
	}
}

func TestSessionStartWithoutPermissionsStartsNothing(t *testing.T) {
	f := newSessionFixture(t)
	req := &Request{GuildID: "g", ChannelID: "c", Member: Member{ID: "u1", Name: "Ann"},
		BotPermissions: canPost &^ discordgo.PermissionEmbedLinks, Subcommand: "start",
		Options: map[string]*discordgo.ApplicationCommandInteractionDataOption{
			"routine": {Name: "routine", Type: discordgo.ApplicationCommandOptionString, Value: "Quick"}}}
	_, err := f.cmd.Handle(context.Background(), req)
	if u, ok := AsUserError(err); !ok || !strings.Contains(u.Message, "Embed Links") {
		t.Fatalf("start = %v, want the missing Embed Links named", err)
	}
	if _, statusErr := f.engine.Status(context.Background(), "c"); statusErr == nil {
		t.Fatal("a session was started although the bot may not post")
	}
}

func TestAndList(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a and b"}, {[]string{"a", "b", "c"}, "a, b and c"}}
	for _, tt := range tests {
		if got := andList(tt.in); got != tt.want {
			t.Errorf("andList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
