package app_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
	"github.com/stretchbot/stretchbot/storage"
)

// quickSteps is a short custom routine: two 10 s holds of the T-spine extension (the article
// gives 10 s holds), 20 s in all with no prep gap.
const quickSteps = "t-spine-extension 10s x2"

// createQuickRoutine saves quickSteps as the server's routine "Quick" through /routine.
func (h *harness) createQuickRoutine() {
	h.t.Helper()
	a := h.slash(admin, "routine", fakediscord.Subcommand("create",
		fakediscord.StringOption("name", "Quick"), fakediscord.StringOption("steps", quickSteps)))
	if !strings.Contains(a.text(), "Quick") {
		h.t.Fatalf("/routine create answered %q", a.text())
	}
}

// startSession runs /session start as alice and returns the session's live message.
func (h *harness) startSession(delayMinutes int64) fakediscord.Message {
	h.t.Helper()
	a := h.slash(alice, "session", fakediscord.Subcommand("start",
		fakediscord.StringOption("routine", "Quick"), fakediscord.IntegerOption("delay", delayMinutes)))
	if !a.Message.Ephemeral() || !strings.Contains(a.text(), "https://discord.com/channels/"+testGuild+"/"+testChannel+"/") {
		h.t.Fatalf("/session start answered %q, want a private link to the session message", a.text())
	}
	return h.sessionMessage()
}

// sessionMessage is the newest message the bot posted on its own (not an interaction
// answer) in the test channel.
func (h *harness) sessionMessage() fakediscord.Message {
	h.t.Helper()
	msgs := h.fake.Messages(testChannel)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].InteractionID == "" {
			return msgs[i]
		}
	}
	h.t.Fatal("the bot posted no session message")
	return fakediscord.Message{}
}

// message returns the current state of a stored message.
func (h *harness) message(id string) fakediscord.Message {
	h.t.Helper()
	m, ok := h.fake.Message(id)
	if !ok {
		h.t.Fatalf("message %s is gone", id)
	}
	return m
}

// creditedMembers reads the credits of a session from the database file.
func creditedMembers(t *testing.T, dbPath string, sessionID int64) []string {
	t.Helper()
	db, err := storage.Open(context.Background(), dbPath, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	credits, err := db.SessionCredits(context.Background(), sessionID)
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, c := range credits {
		users = append(users, c.UserID)
	}
	return users
}

func assertTextHas(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

func TestSessionRunsToSummaryAndRetriesA429(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC))
	h := startHarness(t,
		withOptions(func(o *app.Options) { o.Clock = clk }),
		withConfig(func(c *config.Config) { c.Session.PrepGap = 0 }))
	h.createQuickRoutine()

	lobby := h.startSession(1)
	assertTextHas(t, "lobby", messageText(lobby), "Group session: Quick", "Joined (1)", "Alice", "[Start now]")
	assertNoMentions(t, lobby)

	a := h.click(bob, lobby.ID, buttonID(t, lobby, "Join"))
	if a.Response.Type != discordgo.InteractionResponseUpdateMessage {
		t.Fatalf("join answered with callback type %d, want 7 (update)", a.Response.Type)
	}
	assertTextHas(t, "lobby after join", messageText(h.message(lobby.ID)), "Joined (2)", "Bob")

	clk.Advance(time.Minute) // the lobby ends: a new message, which notifies, shows the first hold
	h.awaitText("the lobby after the start", lobby.ID, "continues in the message below")
	live := h.sessionMessage()
	h.awaitText("first step", live.ID, "T-spine extension", "rep 1 of 2", "exercise 1 of 1", "[Pause]")

	h.fake.FailNext(http.MethodPatch, "/channels/"+testChannel+"/messages/", http.StatusTooManyRequests, 100*time.Millisecond, 1)
	clk.Advance(10 * time.Second)
	h.awaitText("second step", live.ID, "rep 2 of 2", "exercise 1 of 1")
	// The fake shows the new text before it records the call that wrote it: wait for the record.
	if _, err := h.fake.WaitForCall(func(c fakediscord.Call) bool {
		return c.Method == http.MethodPatch && strings.HasSuffix(c.Path, "/messages/"+live.ID) && c.Status < 300
	}, waitLimit); err != nil {
		t.Fatal(err)
	}
	// One write per transition (step 1 -> step 2), the rate-limited one retried.
	if limited, ok := stepEdits(h.fake.Calls(), live.ID); limited != 1 || ok != 1 {
		t.Fatalf("step edits: %d rate limited, %d accepted; want 1 and 1", limited, ok)
	}

	clk.Advance(10 * time.Second)
	h.awaitText("summary", live.ID, "Session complete: Quick", "Duration: 20 s", "Alice: streak 1 day 🔥", "Bob: streak 1 day 🔥")
	if got := creditedMembers(t, h.cfg.Storage.Path, 1); strings.Join(got, ",") != alice.ID+","+bob.ID {
		t.Fatalf("credited %v, want alice and bob once each", got)
	}
	// The session's credit counted the day for the streak.
	assertTextHas(t, "/streak after the session", h.slash(bob, "streak").text(), "1 day")
}

// stepEdits counts the edits of a message that were rate limited and accepted.
func stepEdits(calls []fakediscord.Call, messageID string) (limited, accepted int) {
	for _, c := range calls {
		if c.Method != http.MethodPatch || !strings.HasSuffix(c.Path, "/messages/"+messageID) {
			continue
		}
		if c.Status == http.StatusTooManyRequests {
			limited++
		} else if c.Status < 300 {
			accepted++
		}
	}
	return limited, accepted
}

// TestSessionSurvivesSIGKILL runs the real binary, kills it with SIGKILL in the middle of a
// session (no shutdown code runs), starts it again on the same database, and checks that
// the session finishes and credits both members exactly once. It runs on the real clock: a
// separate process cannot share a fake one, and the routine takes 20 s.
func TestSessionSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary on the real clock")
	}
	bin := buildBinary(t)
	h := newHarness(t)
	fake := h.fake
	dbPath := filepath.Join(t.TempDir(), "stretchbot.db")
	env := append(os.Environ(),
		"STRETCHBOT_DISCORD_TOKEN=test-token-not-real",
		"STRETCHBOT_DISCORD_API_URL="+fake.URL(),
		"STRETCHBOT_DISCORD_GUILD_ID="+testGuild,
		"STRETCHBOT_STORAGE_PATH="+dbPath,
		"STRETCHBOT_SESSION_PREP_GAP=0s",
		"STRETCHBOT_LOG_LEVEL=debug")

	first := h.runBinary(bin, env, 1)
	h.createQuickRoutine()
	live := h.startSession(0)
	h.click(bob, live.ID, buttonID(t, live, "Join"))
	assertTextHas(t, "first step", messageText(h.message(live.ID)), "rep 1 of 2", "Taking part (2)")
	if err := first.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = first.Wait() // "signal: killed" is the expected outcome

	h.runBinary(bin, env, 2)
	_, err := fake.WaitForCall(func(c fakediscord.Call) bool {
		return c.Method == http.MethodPatch && strings.HasSuffix(c.Path, "/messages/"+live.ID) && c.Status < 300 &&
			strings.Contains(string(c.RawBody), "Session complete")
	}, 30*time.Second)
	if err != nil {
		t.Fatalf("the restarted bot never finished the session: %v", err)
	}
	assertTextHas(t, "summary", messageText(h.message(live.ID)), "Alice: streak 1 day 🔥", "Bob: streak 1 day 🔥")
	if got := creditedMembers(t, dbPath, 1); strings.Join(got, ",") != alice.ID+","+bob.ID {
		t.Fatalf("credited %v, want alice and bob once each", got)
	}
}

// buildBinary builds cmd/stretchbot into the test's temp folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "stretchbot")
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/stretchbot/stretchbot/cmd/stretchbot").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBinary starts `stretchbot run` and waits until it has registered its commands for
// the nth time on this fake, so it is ready for interactions. The process is killed when
// the test ends.
func (h *harness) runBinary(bin string, env []string, nth int) *exec.Cmd {
	h.t.Helper()
	cmd := exec.Command(bin, "run")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, h.logs, h.logs
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() {
		_ = cmd.Process.Kill() // already dead for the first run
		_ = cmd.Wait()
	})
	seen := 0
	_, err := h.fake.WaitForCall(func(c fakediscord.Call) bool {
		if c.Method == http.MethodPut && strings.HasSuffix(c.Path, "/commands") && c.Status < 300 {
			seen++
		}
		return seen == nth
	}, waitLimit)
	if err != nil {
		h.t.Fatalf("stretchbot run #%d never registered its commands: %v", nth, err)
	}
	return cmd
}
