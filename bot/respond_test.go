package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/commands"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
	"github.com/stretchbot/stretchbot/internal/syncbuf"
)

// respondFixture is a real Bot connected to the fake Discord, serving test commands.
type respondFixture struct {
	t    *testing.T
	fake *fakediscord.Server
	logs *syncbuf.Buffer
}

func startRespondFixture(t *testing.T, cmds ...commands.Command) *respondFixture {
	t.Helper()
	fake, err := fakediscord.Start(fakediscord.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	logs := &syncbuf.Buffer{}
	b, err := New(Options{Token: "test-token-not-real", APIURL: fake.URL(), GuildID: "100000000000000001",
		Logger: slog.New(slog.NewTextHandler(logs, nil)), DeferAfter: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Open(context.Background(), cmds); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close(context.Background()) })
	return &respondFixture{t: t, fake: fake, logs: logs}
}

// run invokes command name and returns the callback and the message finally shown.
func (f *respondFixture) run(name string) (fakediscord.Response, fakediscord.Message) {
	f.t.Helper()
	ctx := fakediscord.InteractionContext{GuildID: "100000000000000001", ChannelID: "100000000000000002",
		Member: fakediscord.Member{ID: "200000000000000001", Username: "sam"}}
	i := f.fake.SlashCommand(ctx, name)
	if err := f.fake.Interact(i); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.fake.WaitForCall(func(c fakediscord.Call) bool {
		return strings.Contains(c.Path, "/interactions/"+i.ID+"/") && c.Status < 300
	}, 10*time.Second); err != nil {
		f.t.Fatal(err)
	}
	resp, _ := f.fake.Response(i.ID)
	if resp.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
		if _, err := f.fake.WaitForCall(func(c fakediscord.Call) bool {
			return strings.Contains(c.Path, "/webhooks/") && strings.Contains(c.Path, i.Token) && (c.Method == http.MethodPatch || c.Method == http.MethodPost) && c.Status < 300
		}, 10*time.Second); err != nil {
			f.t.Fatal(err)
		}
	}
	msgs := f.fake.Messages("100000000000000002")
	for j := len(msgs) - 1; j >= 0; j-- {
		if msgs[j].InteractionID == i.ID {
			return resp, msgs[j]
		}
	}
	f.t.Fatalf("no message for /%s", name)
	return resp, fakediscord.Message{}
}

func command(name string, private bool, handle commands.Handler) commands.Command {
	return commands.Command{Definition: &discordgo.ApplicationCommand{Name: name, Description: name}, Handle: handle, Private: private}
}

// busyErr stands for storage's ErrBusy, which bot knows only by its Busy method.
type busyErr struct{}

func (busyErr) Error() string { return "database test.db stayed locked by another process for 20s" }
func (busyErr) Busy() bool    { return true }

func TestResponder(t *testing.T) {
	slow := func(reply *commands.Reply, err error) commands.Handler {
		return func(context.Context, *commands.Request) (*commands.Reply, error) {
			time.Sleep(200 * time.Millisecond) // past DeferAfter (50 ms)
			return reply, err
		}
	}
	fast := func(reply *commands.Reply, err error) commands.Handler {
		return func(context.Context, *commands.Request) (*commands.Reply, error) { return reply, err }
	}
	forbidden := &discordgo.RESTError{Response: &http.Response{StatusCode: http.StatusForbidden, Status: "403 Forbidden"},
		Message: &discordgo.APIErrorMessage{Code: 50013, Message: "Missing Permissions"}}
	f := startRespondFixture(t,
		command("fast", false, fast(&commands.Reply{Content: "hello @everyone"}, nil)),
		command("slow", false, slow(&commands.Reply{Content: "took a while"}, nil)),
		command("slow-private", true, slow(&commands.Reply{Content: "just for you", Ephemeral: true}, nil)),
		command("slow-user-error", false, slow(nil, commands.Userf("That name is unknown."))),
		command("user-error", false, fast(nil, commands.Userf("That name is unknown."))),
		command("forbidden", false, fast(nil, forbidden)),
		command("broken", false, fast(nil, context.DeadlineExceeded)),
		command("busy", false, slow(nil, fmt.Errorf("session: save 7: %w", busyErr{}))),
		command("panics", false, func(context.Context, *commands.Request) (*commands.Reply, error) { panic("boom") }),
	)
	tests := []struct {
		name          string
		wantType      discordgo.InteractionResponseType
		wantContent   string
		wantEphemeral bool
		wantLogged    string // "" means nothing may be logged about this command
	}{
		{"fast", discordgo.InteractionResponseChannelMessageWithSource, "hello @everyone", false, ""},
		{"slow", discordgo.InteractionResponseDeferredChannelMessageWithSource, "took a while", false, ""},
		{"slow-private", discordgo.InteractionResponseDeferredChannelMessageWithSource, "just for you", true, ""},
		{"slow-user-error", discordgo.InteractionResponseDeferredChannelMessageWithSource, "That name is unknown.", true, ""},
		{"user-error", discordgo.InteractionResponseChannelMessageWithSource, "That name is unknown.", true, ""},
		{"forbidden", discordgo.InteractionResponseChannelMessageWithSource, permissionHint, true, "missing permissions"},
		{"broken", discordgo.InteractionResponseChannelMessageWithSource, internalErrorText, true, "handler failed"},
		{"busy", discordgo.InteractionResponseDeferredChannelMessageWithSource, busyText, true, "database busy"},
		{"panics", discordgo.InteractionResponseChannelMessageWithSource, internalErrorText, true, "panic: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, msg := f.run(tt.name)
			if resp.Type != tt.wantType || msg.Content != tt.wantContent || msg.Ephemeral() != tt.wantEphemeral {
				t.Fatalf("got type %d %q (ephemeral %v); want type %d %q (ephemeral %v)",
					resp.Type, msg.Content, msg.Ephemeral(), tt.wantType, tt.wantContent, tt.wantEphemeral)
			}
			if msg.AllowedMentions == nil || msg.AllowedMentions.Parse == nil || len(msg.AllowedMentions.Parse) != 0 {
				t.Errorf("allowed_mentions = %+v, want an empty parse list", msg.AllowedMentions)
			}
			logged := strings.Contains(f.logs.String(), "command="+tt.name+" ")
			if tt.wantLogged == "" && logged {
				t.Errorf("a %s was logged:\n%s", tt.name, f.logs.String())
			}
			if tt.wantLogged != "" && !strings.Contains(f.logs.String(), tt.wantLogged) {
				t.Errorf("log lacks %q:\n%s", tt.wantLogged, f.logs.String())
			}
		})
	}
	if strings.Contains(f.logs.String(), "test-token-not-real") {
		t.Error("the token appeared in the log")
	}
}
