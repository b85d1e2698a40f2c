package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// The reminders end to end: the real app on a fake clock (2026-03-01 18:00 UTC, a Sunday;
// the default zone is UTC) against the fake Discord, DMs read from what the fake stored.
// Handlers run beside the clock, so a test that expects nothing waits for the job's own
// "job skipped" log line, which also says why nothing was sent.

// waitUntil waits until ok, failing with what after waitLimit.
func (h *harness) waitUntil(what string, ok func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !ok() {
		if time.Now().After(deadline) {
			h.t.Fatalf("waited in vain for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// awaitSkips waits until the jobs have logged n skips for reason.
func (h *harness) awaitSkips(reason string, n int) {
	h.t.Helper()
	h.waitUntil(fmt.Sprintf("%d skips: %s", n, reason), func() bool {
		return strings.Count(h.logs.String(), "job skipped: "+reason) >= n
	})
}

// remindersDMs is every DM the bot sent alice on its own (not its answers to her clicks).
func (h *harness) remindersDMs() []fakediscord.Message {
	var out []fakediscord.Message
	for _, m := range h.fake.DirectMessages(alice.ID) {
		if m.InteractionID == "" {
			out = append(out, m)
		}
	}
	return out
}

// awaitReminderDM waits for alice's nth DM and returns it.
func (h *harness) awaitReminderDM(n int) fakediscord.Message {
	h.t.Helper()
	h.waitUntil(fmt.Sprintf("DM %d", n), func() bool { return len(h.remindersDMs()) >= n })
	return h.remindersDMs()[n-1]
}

// oneDayStreak gives alice a streak of 1 whose today has not counted: a /done now, then a
// day later.
func (h *harness) oneDayStreak(clk *clock.Fake) {
	h.t.Helper()
	assertTextHas(h.t, "/done", h.slash(alice, "done").text(), "Alice logged solo practice")
	clk.Advance(24 * time.Hour) // 2026-03-02 18:00 UTC
}

func streakAt(at string) fakediscord.Option {
	return fakediscord.Subcommand("streak", fakediscord.StringOption("at", at))
}

// TestStreakReminderComesOnlyWhenTheDayHasNotCounted sets a streak reminder a minute
// ahead: the DM arrives and names when the streak ends; the next day, after a /done,
// nothing comes.
func TestStreakReminderComesOnlyWhenTheDayHasNotCounted(t *testing.T) {
	h, clk := startClocked(t)
	h.oneDayStreak(clk)
	a := h.slash(alice, "reminders", streakAt("18:01"))
	due := time.Date(2026, 3, 2, 18, 1, 0, 0, time.UTC)
	assertTextHas(t, "/reminders streak", a.text(), "at 18:01 every day (UTC)", fmt.Sprintf("Next: <t:%d:F>", due.Unix()))
	clk.Advance(time.Minute)
	dm := h.awaitReminderDM(1)
	end := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	assertTextHas(t, "the streak DM", dm.Content, fmt.Sprintf("Your 1-day streak ends <t:%d:R>", end.Unix()))
	if am := dm.AllowedMentions; am == nil || len(am.Parse) != 0 {
		t.Errorf("the DM may ping %+v", am)
	}

	clk.Advance(23 * time.Hour) // 2026-03-03 17:01
	assertTextHas(t, "/done", h.slash(alice, "done").text(), "Alice logged solo practice")
	clk.Advance(time.Hour) // 18:01: the day counts
	h.awaitSkips("the member's day already counts", 1)
	if n := len(h.remindersDMs()); n != 1 {
		t.Errorf("%d DMs after a day that counts; want only the first", n)
	}
}

// TestMoveReminderDoneLogsInItsServer sets a move reminder: its DM comes at the slot with
// an exercise, its caution and the buttons; another member's forged click is refused; the
// member's Done logs the day in the server the reminder was set in.
func TestMoveReminderDoneLogsInItsServer(t *testing.T) {
	h, clk := startClocked(t)
	a := h.slash(alice, "reminders", fakediscord.Subcommand("move", fakediscord.IntegerOption("every", 20),
		fakediscord.StringOption("from", "18:00"), fakediscord.StringOption("to", "20:00")))
	slot := time.Date(2026, 3, 1, 18, 20, 0, 0, time.UTC)
	assertTextHas(t, "/reminders move", a.text(), "every 20 minutes from 18:00 to 20:00, every day (UTC)",
		fmt.Sprintf("Next: <t:%d:F>", slot.Unix()))
	assertTextHas(t, "a bad window", h.slash(alice, "reminders", fakediscord.Subcommand("move", fakediscord.IntegerOption("every", 30),
		fakediscord.StringOption("from", "20:00"), fakediscord.StringOption("to", "08:00"))).text(), "to must be after from")
	clk.Advance(19 * time.Minute)
	if n := len(h.remindersDMs()); n != 0 {
		t.Fatalf("%d DMs before the slot", n)
	}
	clk.Advance(time.Minute)
	dm := h.awaitReminderDM(1)
	assertTextHas(t, "the move DM", messageText(dm), "Time to move", "Cautions", "[Done]", "[Snooze 10 min]", "[Stop for today]")

	done := buttonID(t, dm, "Done")
	forged := []fakediscord.InteractionContext{
		{ChannelID: dm.ChannelID, Member: bob}, // bob in alice's DM
		in(bob),                                // bob in the server
		in(alice),                              // alice, but from the server
	}
	for _, ctx := range forged {
		i := h.fake.ForgedClick(ctx, dm.ID, dm.ChannelID, done)
		assertTextHas(t, "a forged Done", h.interact(i).text(), "doesn't belong")
	}
	assertTextHas(t, "/done after the forged clicks", h.slash(bob, "done").text(), "Bob logged solo practice")

	assertTextHas(t, "Done", h.dmClick(dm, "Done").text(), "Alice logged solo practice")
	assertTextHas(t, "/done after Done", h.slash(alice, "done").text(), "Today already counts")

	// Snooze brings one more DM ten minutes on; Stop for today drops the rest of the day.
	assertTextHas(t, "Snooze", h.dmClick(dm, "Snooze 10 min").text(),
		fmt.Sprintf("Snoozed: I'll remind you again <t:%d:R>.", slot.Add(10*time.Minute).Unix()))
	clk.Advance(10 * time.Minute)
	snoozed := h.awaitReminderDM(2)
	tomorrow := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	assertTextHas(t, "Stop for today", h.dmClick(snoozed, "Stop for today").text(), fmt.Sprintf("<t:%d:F>", tomorrow.Unix()))
	clk.Advance(90 * time.Minute) // 20:00, the window's end
	// The 18:40 job, queued before the stop, is skipped and queues tomorrow's first slot.
	h.awaitSkips("the reminder changed since this time was queued", 1)
	if n := len(h.remindersDMs()); n != 2 {
		t.Errorf("%d DMs after Stop for today; want 2", n)
	}
}

// dmClick presses the button labelled label on alice's DM m, in the DM.
func (h *harness) dmClick(m fakediscord.Message, label string) answer {
	h.t.Helper()
	i, err := h.fake.ComponentClick(fakediscord.InteractionContext{Member: alice}, m.ID, buttonID(h.t, m, label))
	if err != nil {
		h.t.Fatal(err)
	}
	return h.interact(i)
}

// TestClosedDMsAreTriedOnce: a member whose DMs are closed costs one refused request; the
// later slots try nothing.
func TestClosedDMsAreTriedOnce(t *testing.T) {
	h, clk := startClocked(t)
	h.fake.CloseDMs(alice.ID)
	h.slash(alice, "reminders", fakediscord.Subcommand("move", fakediscord.IntegerOption("every", 20),
		fakediscord.StringOption("from", "18:00"), fakediscord.StringOption("to", "20:00")))
	for i := range 4 { // 18:20 to 19:20
		clk.Advance(20 * time.Minute)
		h.awaitSkips("the member's DMs are closed", i+1)
	}
	refused := 0
	for _, c := range h.fake.Calls() {
		if c.Route == "POST /channels/{channel}/messages" && c.Status == 403 {
			refused++
		}
	}
	if refused != 1 {
		t.Errorf("%d refused DM requests; want exactly one", refused)
	}
	if n := len(h.remindersDMs()); n != 0 {
		t.Errorf("%d DMs delivered to closed DMs", n)
	}
}

// TestReminderAcrossARestartIsSentOnce stops the bot between setting a streak reminder and
// its time, and starts it a minute after: the DM comes once, and another restart sends
// nothing more.
func TestReminderAcrossARestartIsSentOnce(t *testing.T) {
	h, clk := startClocked(t)
	h.oneDayStreak(clk)
	h.slash(alice, "reminders", streakAt("18:05"))
	h.stop()
	clk.Advance(6 * time.Minute) // due at 18:05 while the bot was down
	h.start()
	h.awaitReminderDM(1)
	h.stop()
	h.start()
	// A day on, the streak has broken: that day's job is skipped, and every job due before
	// it has run.
	clk.Advance(24 * time.Hour)
	h.awaitSkips("the member has no streak to keep", 1)
	if n := len(h.remindersDMs()); n != 1 {
		t.Errorf("%d DMs after two restarts; want exactly one", n)
	}
}

// TestForgetMeStopsReminders: after /forget-me, /reminders list is empty and the queued
// slot sends nothing.
func TestForgetMeStopsReminders(t *testing.T) {
	h, clk := startClocked(t)
	h.slash(alice, "reminders", fakediscord.Subcommand("move", fakediscord.IntegerOption("every", 20),
		fakediscord.StringOption("from", "18:00"), fakediscord.StringOption("to", "20:00")))
	confirm := h.slash(alice, "forget-me")
	assertTextHas(t, "/forget-me", confirm.text(), "your reminders")
	h.click(alice, confirm.Message.ID, buttonID(t, confirm.Message, "Delete my data"))
	assertTextHas(t, "/reminders list", h.slash(alice, "reminders", fakediscord.Subcommand("list")).text(),
		"You have no reminders in this server")
	clk.Advance(20 * time.Minute)
	h.awaitSkips("the reminder was turned off", 1)
	if n := len(h.remindersDMs()); n != 0 {
		t.Errorf("%d DMs after /forget-me", n)
	}
}
