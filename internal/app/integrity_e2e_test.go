package app_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
	"github.com/stretchbot/stretchbot/internal/sqlitetest"
)

// longSteps is a custom routine of 30 short holds, long enough for 20 skips.
const longSteps = "childs-pose 10s x15, childs-pose 10s x15"

// startLongSession creates the routine "Long" and starts it at once as alice.
func (h *harness) startLongSession() fakediscord.Message {
	h.t.Helper()
	a := h.slash(admin, "routine", fakediscord.Subcommand("create",
		fakediscord.StringOption("name", "Long"), fakediscord.StringOption("steps", longSteps)))
	if !strings.Contains(a.text(), "Long") {
		h.t.Fatalf("/routine create answered %q", a.text())
	}
	h.slash(alice, "session", fakediscord.Subcommand("start",
		fakediscord.StringOption("routine", "Long"), fakediscord.IntegerOption("delay", 0)))
	return h.sessionMessage()
}

// longRepsPerExercise is how many holds each of longSteps' two exercises has.
const longRepsPerExercise = 15

var stepPattern = regexp.MustCompile(`exercise (\d+) of \d+ · rep (\d+) of \d+`)

// stepOf reads which hold of longSteps a text shows, counting from 1; 0 when none.
func stepOf(text []byte) int {
	m := stepPattern.FindSubmatch(text)
	if m == nil {
		return 0
	}
	exercise, _ := strconv.Atoi(string(m[1]))
	rep, _ := strconv.Atoi(string(m[2]))
	return (exercise-1)*longRepsPerExercise + rep
}

// shownSteps lists, in the order Discord received them, the holds that writes of the live
// message showed: type-7 callbacks of clicks on it, and edits of it.
func shownSteps(calls []fakediscord.Call, messageID string, clicks map[string]bool) []int {
	var steps []int
	for _, c := range calls {
		if c.Status >= 300 {
			continue
		}
		isEdit := c.Method == http.MethodPatch && strings.HasSuffix(c.Path, "/messages/"+messageID)
		isUpdate := false
		if body, ok := c.Body.(map[string]any); ok && strings.HasSuffix(c.Path, "/callback") {
			parts := strings.Split(c.Path, "/")
			isUpdate = body["type"] == float64(discordgo.InteractionResponseUpdateMessage) && clicks[parts[len(parts)-3]]
		}
		if !isEdit && !isUpdate {
			continue
		}
		if n := stepOf(c.RawBody); n > 0 {
			steps = append(steps, n)
		}
	}
	return steps
}

func TestConcurrentClicksNeverShowAnOlderState(t *testing.T) {
	h, _ := startClocked(t)
	live := h.startLongSession()
	skip, pause := buttonID(t, live, "Skip"), buttonID(t, live, "Pause")

	// 20 Skips and a Pause, clicked at once by the host.
	var clicks []*discordgo.Interaction
	for n := 0; n < 21; n++ {
		id := skip
		if n == 10 {
			id = pause
		}
		i, err := h.fake.ComponentClick(in(alice), live.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		clicks = append(clicks, i)
	}
	var wg sync.WaitGroup
	for _, i := range clicks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := h.fake.Interact(i); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	ids := map[string]bool{}
	for _, i := range clicks {
		h.response(i.ID)
		ids[i.ID] = true
	}

	status := h.slash(alice, "session", fakediscord.Subcommand("status")).text()
	want := stepPattern.FindString(status)
	if stepOf([]byte(status)) != 21 || !strings.Contains(status, "Paused") {
		t.Fatalf("after 20 skips and a pause the session is at %q:\n%s", want, status)
	}
	h.awaitText("the live message", live.ID, want, "Paused")
	// The fake shows a message's new text a moment before it records the call that wrote it.
	steps := shownSteps(h.fake.Calls(), live.ID, ids)
	for deadline := time.Now().Add(waitLimit); (len(steps) == 0 || steps[len(steps)-1] != 21) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		steps = shownSteps(h.fake.Calls(), live.ID, ids)
	}
	for k := 1; k < len(steps); k++ {
		if steps[k] < steps[k-1] {
			t.Fatalf("the live message went back from step %d to step %d: %v", steps[k-1], steps[k], steps)
		}
	}
	if len(steps) == 0 || steps[len(steps)-1] != 21 {
		t.Fatalf("the last write showed step %v, want 21", steps)
	}
	t.Logf("writes of the live message showed steps %v", steps)
}

func TestForgetMeDuringASession(t *testing.T) {
	h, clk := startClocked(t)
	h.createQuickRoutine()
	lobby := h.startSession(1) // hosted by alice
	h.click(bob, lobby.ID, buttonID(t, lobby, "Join"))

	confirm := h.slash(alice, "forget-me")
	assertTextHas(t, "/forget-me", confirm.text(), "takes you out of any group session still running")
	done := h.click(alice, confirm.Message.ID, buttonID(t, confirm.Message, "Delete my data")).text()
	assertTextHas(t, "/forget-me confirmed", done, "0 counted days", "0 session credits", "taken out of 1 session still running here")
	h.awaitText("the lobby after alice left for good", lobby.ID, "Joined (1)", "Bob")

	// The host is gone; a moderator (Manage Messages) still runs the session.
	assertTextHas(t, "alice pressing Start now", h.click(alice, lobby.ID, buttonID(t, lobby, "Start now")).text(), "Only the host")
	h.click(admin, lobby.ID, buttonID(t, lobby, "Start now"))
	h.awaitText("the lobby after the start", lobby.ID, "continues in the message below")
	clk.Advance(20 * time.Second)
	summary := h.awaitText("summary", h.sessionMessage().ID, "Session complete", "Bob: streak 1 day")
	if strings.Contains(summary, "Alice") {
		t.Errorf("the summary names the member who was forgotten:\n%s", summary)
	}
	if got := creditedMembers(t, h.cfg.Storage.Path, 1); fmt.Sprint(got) != fmt.Sprint([]string{bob.ID}) {
		t.Errorf("credited %v, want bob only", got)
	}
}

func TestClockSetBackMidSessionStillCreditsEveryone(t *testing.T) {
	h, clk := startClocked(t)
	h.createQuickRoutine()
	live := h.startSession(0)
	h.click(bob, live.ID, buttonID(t, live, "Join"))
	clk.Advance(6 * time.Second)
	clk.StepWall(-time.Hour) // NTP sets the machine's clock back an hour mid-step
	clk.Advance(4 * time.Second)
	h.awaitText("second step after the clock was set back", live.ID, "rep 2 of 2")
	clk.Advance(10 * time.Second)
	h.awaitText("summary", live.ID, "Session complete: Quick", "Duration: 20 s", "Alice: streak 1 day", "Bob: streak 1 day")
	if got := creditedMembers(t, h.cfg.Storage.Path, 1); fmt.Sprint(got) != fmt.Sprint([]string{alice.ID, bob.ID}) {
		t.Errorf("credited %v, want alice and bob", got)
	}
}

func TestJoinBehindALockedDatabaseCountsFromTheClick(t *testing.T) {
	h, clk := startClocked(t)
	h.createQuickRoutine() // two 10 s holds: the last step starts at 10 s
	live := h.startSession(0)
	clk.Advance(6 * time.Second)

	released := sqlitetest.HoldWriteLock(t, h.cfg.Storage.Path, 2500*time.Millisecond) // past SQLite's busy_timeout
	// Alice leaves and Bob joins, both clicked at 6 s. Alice's leave takes the session
	// first and waits for the database; Bob's join waits behind it.
	for _, c := range []struct {
		who   fakediscord.Member
		label string
	}{{alice, "Leave"}, {bob, "Join"}} {
		click, err := h.fake.ComponentClick(in(c.who), live.ID, buttonID(t, live, c.label))
		if err != nil {
			t.Fatal(err)
		}
		if err := h.fake.Interact(click); err != nil {
			t.Fatal(err)
		}
		// The bot defers the answer while the database is locked.
		if resp := h.response(click.ID); resp.Type != discordgo.InteractionResponseDeferredMessageUpdate {
			t.Fatalf("%s was answered with type %d before the database took it; want a deferral (6)", c.label, resp.Type)
		}
	}
	clk.Advance(6 * time.Second) // the last step begins while the database is still locked
	<-released
	h.awaitText("the last step, once the join went through", live.ID, "rep 2 of 2", "Bob")
	clk.Advance(20 * time.Second)
	h.awaitText("summary", live.ID, "Session complete", "Bob: streak 1 day")
	if got := creditedMembers(t, h.cfg.Storage.Path, 1); fmt.Sprint(got) != fmt.Sprint([]string{bob.ID}) {
		t.Errorf("credited %v; want bob, whose join was clicked before the last step", got)
	}
	if strings.Contains(h.logs.String(), "handler failed") {
		t.Errorf("the wait for the database was logged as a failure:\n%s", h.logs.String())
	}
}

func TestSessionSummaryKeepsAPrivateStreakPrivate(t *testing.T) {
	h, clk := startClocked(t)
	h.slash(bob, "privacy", fakediscord.StringOption("leaderboard", "off"))
	h.createQuickRoutine()
	live := h.startSession(0)
	h.click(bob, live.ID, buttonID(t, live, "Join"))
	clk.Advance(20 * time.Second)
	summary := h.awaitText("summary", live.ID, "Session complete", "Alice: streak 1 day", "Bob: 1 minute")
	if strings.Contains(summary, "Bob: streak") {
		t.Errorf("the public summary shows the streak of a member who keeps it private:\n%s", summary)
	}
}

func TestAnUnreadableSessionDoesNotStopTheBot(t *testing.T) {
	h := startHarness(t, withConfig(func(c *config.Config) { c.Session.PrepGap = 0 }))
	h.createQuickRoutine()
	h.startSession(5)
	h.stop()

	db, err := sql.Open("sqlite3", h.cfg.Storage.Path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE sessions SET plan_json = '{"not a plan' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	h.start() // fails the test if the app does not start
	assertTextHas(t, "log", h.logs.String(), "session row unreadable; aborted", "session=1")
	// The channel is free again.
	again := h.slash(alice, "session", fakediscord.Subcommand("start",
		fakediscord.StringOption("routine", "Quick"), fakediscord.IntegerOption("delay", 5)))
	assertTextHas(t, "/session start after the bad row", again.text(), "Session posted")
}
