package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

func TestHelpThroughTheGateway(t *testing.T) {
	h := startHarness(t)

	if got := h.fake.Commands(testGuild); len(got) == 0 {
		t.Fatal("no commands were registered to the test server")
	}
	a := h.slash(alice, "help")
	if a.Response.Type != discordgo.InteractionResponseChannelMessageWithSource {
		t.Fatalf("callback type = %d, want 4", a.Response.Type)
	}
	text := a.text()
	for _, want := range []string{"/help", "healthcare", "stop"} {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(want)) {
			t.Errorf("help does not mention %q:\n%s", want, text)
		}
	}
	if !a.Message.Ephemeral() {
		t.Error("help should be shown to the caller only")
	}
	assertNoMentions(t, a.Message)
}

func TestAnswersAfterTheGatewayDrops(t *testing.T) {
	h := startHarness(t)
	h.slash(alice, "help")

	if !h.fake.DropGateway() {
		t.Fatal("no gateway connection to drop")
	}
	// discordgo reconnects after about a second and resumes the session.
	deadline := time.Now().Add(waitLimit)
	for h.fake.Resumes()+h.fake.Identifies() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := h.fake.WaitConnected(waitLimit); err != nil {
		t.Fatal(err)
	}
	a := h.slash(bob, "help")
	if !strings.Contains(a.text(), "/help") {
		t.Fatalf("after reconnecting, /help answered %q", a.text())
	}
	if h.fake.Resumes() == 0 {
		t.Error("the bot reconnected without resuming its session")
	}
}

func TestRateLimitedCallbackIsRetried(t *testing.T) {
	h := startHarness(t)
	h.fake.FailNext(http.MethodPost, "/interactions/", http.StatusTooManyRequests, 50*time.Millisecond, 1)

	a := h.slash(alice, "help")
	if !strings.Contains(a.text(), "/help") {
		t.Fatalf("help answered %q", a.text())
	}
	var limited, answered int
	for _, c := range h.fake.Calls() {
		if strings.Contains(c.Path, "/interactions/") {
			switch c.Status {
			case http.StatusTooManyRequests:
				limited++
			default:
				answered++
			}
		}
	}
	if limited != 1 || answered != 1 {
		t.Fatalf("callbacks: %d rate limited, %d answered; want 1 and 1", limited, answered)
	}
}

func TestUnknownCommandIsExplained(t *testing.T) {
	h := startHarness(t)
	a := h.interact(h.fake.SlashCommand(in(alice), "no-such-command"))
	if !a.Message.Ephemeral() || !strings.Contains(a.text(), "/help") {
		t.Errorf("unknown command answered %q (ephemeral %v)", a.text(), a.Message.Ephemeral())
	}
}

// assertNoMentions checks the message forbids every mention, as an empty parse list.
func assertNoMentions(t *testing.T, m fakediscord.Message) {
	t.Helper()
	if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 {
		t.Errorf("message %s allowed_mentions = %+v; want an empty parse list", m.ID, m.AllowedMentions)
	}
}
