package app_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

const pingRole = "300000000000000077"

// TestScheduleOpensItsLobbyAndRunsTheSession makes a daily schedule two minutes ahead (the
// fake clock reads 18:00 UTC) with a one-minute lobby and a ping role, and follows it: the
// lobby opens at 18:01 mentioning only the role, the session starts at 18:02 and credits
// who joined, and the next day's session is queued.
func TestScheduleOpensItsLobbyAndRunsTheSession(t *testing.T) {
	h, clk := startClocked(t)
	h.createQuickRoutine()
	a := h.slash(admin, "schedule", fakediscord.Subcommand("create",
		fakediscord.StringOption("routine", "Quick"), fakediscord.StringOption("time", "18:02"),
		fakediscord.StringOption("days", "daily"), fakediscord.StringOption("timezone", "UTC"),
		fakediscord.IntegerOption("lobby", 1), fakediscord.RoleOption("ping_role", pingRole)))
	assertTextHas(t, "/schedule create", a.text(), "Scheduled #1", "every day at 18:02 (UTC)", "<@&"+pingRole+">", "Next: <t:")
	if refused := h.slash(alice, "schedule", fakediscord.Subcommand("create",
		fakediscord.StringOption("routine", "Quick"), fakediscord.StringOption("time", "18:02"),
		fakediscord.StringOption("days", "daily"))).text(); !strings.Contains(refused, "Only members with Manage Server") {
		t.Errorf("a member without Manage Server made a schedule: %q", refused)
	}

	before := len(h.fake.Messages(testChannel))
	clk.Advance(59 * time.Second)
	if n := len(h.fake.Messages(testChannel)); n != before {
		t.Fatalf("%d messages before the lobby's minute", n-before)
	}
	clk.Advance(time.Second) // 18:01: the lobby opens
	lobby := h.awaitSessionMessage("the scheduled lobby", "Group session: Quick")
	if !strings.Contains(lobby.Content, "<@&"+pingRole+">") {
		t.Errorf("the lobby does not mention the ping role: %q", lobby.Content)
	}
	if am := lobby.AllowedMentions; am == nil || len(am.Parse) != 0 || len(am.Users) != 0 || !slices.Equal(am.Roles, []string{pingRole}) {
		t.Errorf("the lobby may ping %+v; want the ping role only", am)
	}
	assertTextHas(t, "the scheduled lobby", messageText(lobby), "Members with Manage Messages or the server's host role can start it")
	h.click(bob, lobby.ID, buttonID(t, lobby, "Join"))

	clk.Advance(time.Minute) // 18:02: the session starts
	h.awaitText("the lobby after the start", lobby.ID, "continues in the message below")
	live := h.sessionMessage()
	clk.Advance(20 * time.Second)
	h.awaitText("the summary", live.ID, "Session complete: Quick", "Bob: streak 1 day")

	list := h.slash(admin, "schedule", fakediscord.Subcommand("list")).text()
	tomorrow := time.Date(2026, 3, 2, 18, 2, 0, 0, time.UTC)
	assertTextHas(t, "/schedule list", list, "#1", "Next: <t:"+strconv.FormatInt(tomorrow.Unix(), 10)+":R>")

	// Skipping the next occurrence moves it a day; deleting stops the schedule.
	assertTextHas(t, "/schedule skip", h.slash(admin, "schedule", fakediscord.Subcommand("skip",
		fakediscord.IntegerOption("schedule", 1))).text(), "Skipped the session of <t:"+strconv.FormatInt(tomorrow.Unix(), 10)+":F>")
	assertTextHas(t, "/schedule delete", h.slash(admin, "schedule", fakediscord.Subcommand("delete",
		fakediscord.IntegerOption("schedule", 1))).text(), "Deleted schedule #1")
	before = len(h.fake.Messages(testChannel))
	clk.Advance(72 * time.Hour)
	if n := len(h.fake.Messages(testChannel)); n != before {
		t.Errorf("a deleted schedule posted %d messages", n-before)
	}
}

// awaitSessionMessage waits for the newest message the bot posted on its own to read want.
func (h *harness) awaitSessionMessage(what, want string) fakediscord.Message {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		msgs := h.fake.Messages(testChannel)
		for i := len(msgs) - 1; i >= 0; i-- {
			if msgs[i].InteractionID == "" && strings.Contains(messageText(msgs[i]), want) {
				return msgs[i]
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s: no message reads %q", what, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
