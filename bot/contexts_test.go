package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/commands"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// owners is an authorizing_integration_owners map with the guild-install key set to guild
// (or, when user is set, only the user-install key).
func owners(guild, user string) map[discordgo.ApplicationIntegrationType]string {
	if user != "" {
		return map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationUserInstall: user}
	}
	return map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationGuildInstall: guild}
}

func TestMisplacedRefusesServerBoundCommandsWhereTheBotIsNot(t *testing.T) {
	serverBound := commands.Command{Definition: &discordgo.ApplicationCommand{Name: "done"}}
	lookup := commands.Command{Definition: &discordgo.ApplicationCommand{Name: "exercise"}, Anywhere: true}
	tests := []struct {
		name string
		i    discordgo.Interaction
		cmd  commands.Command
		want string // "" when the command may run
	}{
		{"installed in the server", discordgo.Interaction{GuildID: "g1", AuthorizingIntegrationOwners: owners("g1", "")}, serverBound, ""},
		{"user-installed in the server", discordgo.Interaction{GuildID: "g1", AuthorizingIntegrationOwners: owners("", "u1")}, serverBound,
			"Add stretchbot to this server to use /done here: <https://invite>"},
		{"installed in another server", discordgo.Interaction{GuildID: "g1", AuthorizingIntegrationOwners: owners("g2", "")}, serverBound,
			"Add stretchbot to this server to use /done here"},
		{"no owners at all", discordgo.Interaction{GuildID: "g1"}, serverBound, "Add stretchbot to this server"},
		{"a DM", discordgo.Interaction{AuthorizingIntegrationOwners: owners("0", "")}, serverBound, "/done works in a server only"},
		{"a lookup where the bot is not", discordgo.Interaction{GuildID: "g1", AuthorizingIntegrationOwners: owners("", "u1")}, lookup, ""},
		{"a lookup in a DM", discordgo.Interaction{}, lookup, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := misplaced(&tt.i, tt.cmd, func() string { return "https://invite" })
			if (tt.want == "") != (got == "") || !strings.HasPrefix(got, tt.want) {
				t.Fatalf("misplaced = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMayNotPostOnlyWhereAUserInstallIsHeldToTheMembersRights(t *testing.T) {
	member := func(perms int64) *discordgo.Member { return &discordgo.Member{Permissions: perms} }
	const both = discordgo.PermissionSendMessages | discordgo.PermissionUseExternalApps
	tests := []struct {
		name string
		i    discordgo.Interaction
		want bool
	}{
		{"installed in the server", discordgo.Interaction{GuildID: "g1", AuthorizingIntegrationOwners: owners("g1", ""), Member: member(0)}, false},
		{"a DM", discordgo.Interaction{AuthorizingIntegrationOwners: owners("", "u1")}, false},
		{"user install, member may send and use apps", discordgo.Interaction{GuildID: "g1", AuthorizingIntegrationOwners: owners("", "u1"), Member: member(both)}, false},
		{"user install, no Use External Apps", discordgo.Interaction{GuildID: "g1", AuthorizingIntegrationOwners: owners("", "u1"),
			Member: member(discordgo.PermissionSendMessages)}, true},
		{"user install, no Send Messages", discordgo.Interaction{GuildID: "g1", AuthorizingIntegrationOwners: owners("", "u1"),
			Member: member(discordgo.PermissionUseExternalApps)}, true},
		{"user install, administrator", discordgo.Interaction{GuildID: "g1", AuthorizingIntegrationOwners: owners("", "u1"),
			Member: member(discordgo.PermissionAdministrator)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mayNotPost(&tt.i); got != tt.want {
				t.Fatalf("mayNotPost = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWhisperMakesEveryAnswerEphemeral(t *testing.T) {
	tests := []struct {
		name  string
		reply *commands.Reply
		err   error
	}{
		{"a reply and its follow-up", &commands.Reply{Content: "a", FollowUp: &commands.Reply{Content: "b"}}, nil},
		{"an error passes through", nil, errors.New("boom")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := whisper(func(context.Context, *commands.Request) (*commands.Reply, error) { return tt.reply, tt.err })(context.Background(), nil)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			for f := r; f != nil; f = f.FollowUp {
				if !f.Ephemeral {
					t.Fatalf("%q is not ephemeral", f.Content)
				}
			}
		})
	}
}

func TestRefusalWhileClosing(t *testing.T) {
	tests := []struct {
		kind discordgo.InteractionType
		want discordgo.InteractionResponseType
	}{
		{discordgo.InteractionApplicationCommandAutocomplete, discordgo.InteractionApplicationCommandAutocompleteResult},
		{discordgo.InteractionApplicationCommand, discordgo.InteractionResponseChannelMessageWithSource},
		{discordgo.InteractionMessageComponent, discordgo.InteractionResponseChannelMessageWithSource},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			resp := refusalWhileClosing(&discordgo.Interaction{Type: tt.kind})
			if resp.Type != tt.want {
				t.Fatalf("type = %d, want %d", resp.Type, tt.want)
			}
			if tt.want == discordgo.InteractionApplicationCommandAutocompleteResult && (resp.Data.Choices == nil || len(resp.Data.Choices) != 0 || resp.Data.Content != "") {
				t.Fatalf("autocomplete while closing got %+v, want an empty choice list", resp.Data)
			}
		})
	}
}

func TestHandlersRunWithADeadlineUnderTheTokenLife(t *testing.T) {
	deadline := make(chan time.Time, 1)
	f := startRespondFixture(t, command("when", false, func(ctx context.Context, _ *commands.Request) (*commands.Reply, error) {
		d, ok := ctx.Deadline()
		if !ok {
			return nil, errors.New("the handler's context has no deadline")
		}
		deadline <- d
		return commands.Message(false, "ok"), nil
	}))
	start := time.Now()
	f.run("when")
	d := <-deadline
	if left := d.Sub(start); left > 15*time.Minute || left < 10*time.Minute {
		t.Fatalf("handler deadline is %v after the interaction, want under the 15-minute token life", left)
	}
}

func TestInThreadAsksDiscordOnlyWhenTheAnswerMatters(t *testing.T) {
	fake, err := fakediscord.Start(fakediscord.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	b, err := New(Options{Token: "test-token-not-real", APIURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	const send, inThreads = discordgo.PermissionSendMessages, discordgo.PermissionSendMessagesInThreads
	tests := []struct {
		name    string
		thread  bool
		guild   string
		perms   int64
		want    bool
		lookups int
	}{
		{"both permissions", true, "1", send | inThreads, false, 0},
		{"neither permission", true, "1", 0, false, 0},
		{"a DM", false, "", send, false, 0},
		{"a thread, Send Messages only", true, "1", send, true, 1},
		{"a thread, Send Messages in Threads only", true, "1", inThreads, true, 1},
		{"a plain channel, Send Messages only", false, "1", send, false, 1},
	}
	for n, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := fakediscord.InteractionContext{GuildID: tt.guild, ChannelID: fmt.Sprint(900000000000000000 + n),
				Member: fakediscord.Member{ID: "200000000000000001"}, AppPermissions: tt.perms, Thread: tt.thread}
			i := fake.SlashCommand(ctx, "session")
			i.AppPermissions = tt.perms // as sent, 0 included
			before := len(fake.Calls())
			if got := b.inThread(context.Background(), i); got != tt.want {
				t.Fatalf("inThread = %v, want %v", got, tt.want)
			}
			if got := len(fake.Calls()) - before; got != tt.lookups {
				t.Fatalf("%d requests to Discord, want %d", got, tt.lookups)
			}
		})
	}
}

func TestWhileClosingAutocompleteGetsNoChoicesAndCommandsATryAgain(t *testing.T) {
	fake, err := fakediscord.Start(fakediscord.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	b, err := New(Options{Token: "test-token-not-real", APIURL: fake.URL(), GuildID: "100000000000000001"})
	if err != nil {
		t.Fatal(err)
	}
	release, started := make(chan struct{}), make(chan struct{})
	slow := command("slow", false, func(context.Context, *commands.Request) (*commands.Reply, error) {
		close(started)
		<-release
		return commands.Message(false, "done"), nil
	})
	slow.Complete = func(context.Context, *commands.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
		return []*discordgo.ApplicationCommandOptionChoice{{Name: "a", Value: "a"}}, nil
	}
	if err := b.Open(context.Background(), []commands.Command{slow}); err != nil {
		t.Fatal(err)
	}
	ctx := fakediscord.InteractionContext{GuildID: "100000000000000001", ChannelID: "100000000000000002",
		Member: fakediscord.Member{ID: "200000000000000001", Username: "sam"}}
	if err := fake.Interact(fake.SlashCommand(ctx, "slow")); err != nil {
		t.Fatal(err)
	}
	<-started
	closed := make(chan error, 1)
	go func() { closed <- b.Close(context.Background()) }() // waits for the slow handler
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		b.mu.Lock()
		closing := b.closing
		b.mu.Unlock()
		if closing {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the bot never began closing")
		}
	}
	tests := []struct {
		name string
		i    *discordgo.Interaction
		want discordgo.InteractionResponseType
	}{
		{"autocomplete", fake.Autocomplete(ctx, "slow", "what", "a"), discordgo.InteractionApplicationCommandAutocompleteResult},
		{"a command", fake.SlashCommand(ctx, "slow"), discordgo.InteractionResponseChannelMessageWithSource},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := fake.Interact(tt.i); err != nil {
				t.Fatal(err)
			}
			if _, err := fake.WaitForCall(func(c fakediscord.Call) bool {
				return strings.Contains(c.Path, "/interactions/"+tt.i.ID+"/")
			}, 10*time.Second); err != nil {
				t.Fatal(err)
			}
			r, ok := fake.Response(tt.i.ID)
			if !ok || r.Type != tt.want || len(r.Choices) != 0 {
				t.Fatalf("answer %+v (accepted %v), want type %d with no choices", r, ok, tt.want)
			}
		})
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}
