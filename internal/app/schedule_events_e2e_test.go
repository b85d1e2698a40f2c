package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// eventsOn is an admin's interaction where the bot holds Create Events.
func eventsOn(m fakediscord.Member) fakediscord.InteractionContext {
	ctx := in(m)
	ctx.AppPermissions = fakediscord.DefaultAppPermissions | discordgo.PermissionCreateEvents
	return ctx
}

// startEventsClocked starts the app on a fake clock that the fake Discord reads too, so
// that events are judged (in the future, started, ended) on the same clock as the bot's.
func startEventsClocked(t *testing.T) (*harness, *clock.Fake) {
	h, clk := startClocked(t)
	h.fake.SetNow(clk.Now)
	h.createQuickRoutine()
	return h, clk
}

// scheduleQuick makes the daily "Quick" schedule at 18:20 UTC with a five-minute lobby
// (opening 18:15; notices at 18:05) as admin, with Create Events.
func (h *harness) scheduleQuick() string {
	h.t.Helper()
	return h.interact(h.fake.SlashCommand(eventsOn(admin), "schedule", fakediscord.Subcommand("create",
		fakediscord.StringOption("routine", "Quick"), fakediscord.StringOption("time", "18:20"),
		fakediscord.StringOption("days", "daily"), fakediscord.StringOption("timezone", "UTC"),
		fakediscord.IntegerOption("lobby", 5)))).text()
}

// awaitEvent waits until the test server has an event that ok accepts, and returns it.
func (h *harness) awaitEvent(what string, ok func(fakediscord.ScheduledEvent) bool) fakediscord.ScheduledEvent {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		events := h.fake.ScheduledEvents(testGuild)
		for _, e := range events {
			if ok(e) {
				return e
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s: no such event among %+v", what, events)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// awaitDMsTo waits until the member has n DMs from the bot and returns them.
func (h *harness) awaitDMsTo(what string, m fakediscord.Member, n int) []fakediscord.Message {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		dms := h.fake.DirectMessages(m.ID)
		if len(dms) >= n {
			return dms
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s: %s has %d DMs, want %d", what, m.Username, len(dms), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// refusedDMsTo counts the bot's DM messages to the member that Discord refused.
func (h *harness) refusedDMsTo(m fakediscord.Member) int {
	n := 0
	for _, c := range h.fake.Calls() {
		if c.Route == "POST /channels/{channel}/messages" && c.Status == 403 && h.isDMWith(channelOf(c.Path), m.ID) {
			n++
		}
	}
	return n
}

// channelOf is the channel id in a /api/v{N}/channels/{id}/... path.
func channelOf(path string) string {
	_, rest, _ := strings.Cut(path, "/channels/")
	id, _, _ := strings.Cut(rest, "/")
	return id
}

// isDMWith reports whether channelID is the DM channel with userID.
func (h *harness) isDMWith(channelID, userID string) bool {
	dms := h.fake.DirectMessages(userID)
	if len(dms) > 0 {
		return dms[0].ChannelID == channelID
	}
	for _, c := range h.fake.Calls() {
		if c.Route == "POST /users/@me/channels" && strings.Contains(string(c.RawBody), userID) {
			return true // the only DM channel opened for them
		}
	}
	return false
}

// TestScheduleMirrorsItsEventAndNotifiesWhoAsked follows a schedule through two days: its
// Discord event is created with the schedule, members who pressed Notify me or marked the
// event Interested get one DM ten minutes before the lobby opens, a member with closed DMs
// is asked once and never again and is told at their next command, the session stopped
// early completes its event, the next day's event follows, and deleting the schedule
// deletes its event.
func TestScheduleMirrorsItsEventAndNotifiesWhoAsked(t *testing.T) {
	h, clk := startEventsClocked(t)
	assertTextHas(t, "/schedule create", h.scheduleQuick(), "Scheduled #1")
	start := time.Date(2026, 3, 1, 18, 20, 0, 0, time.UTC)
	event := h.awaitEvent("the first occurrence's event", func(e fakediscord.ScheduledEvent) bool { return e.Start.Equal(start) })
	if event.Name != "Quick" || event.Location != "#stretching" || !event.End.Equal(start.Add(20*time.Second)) ||
		event.Status != discordgo.GuildScheduledEventStatusScheduled {
		t.Errorf("event = %+v; want Quick in #stretching, 18:20 to 18:20:20, scheduled", event)
	}

	announcement := h.awaitSessionMessage("the announcement", "Press **Notify me**")
	notify := buttonID(t, announcement, "Notify me")
	assertTextHas(t, "Notify me", h.click(alice, announcement.ID, notify).text(), "You'll get a DM 10 minutes before")
	assertTextHas(t, "Notify me again", h.click(alice, announcement.ID, notify).text(), "no more DMs")
	h.click(alice, announcement.ID, notify)
	h.fake.CloseDMs(admin.ID)
	h.click(admin, announcement.ID, notify)
	h.fake.MarkInterested(testGuild, event.ID, bob.ID)
	elsewhere := fakediscord.InteractionContext{GuildID: otherGuild, ChannelID: otherGuildChannel, Member: mallory}
	assertRefused(t, "Notify me from another server", h.interact(h.fake.ForgedClick(elsewhere, announcement.ID, otherGuildChannel, notify)))

	clk.Advance(5 * time.Minute) // 18:05: ten minutes before the lobby opens
	for _, m := range []fakediscord.Member{alice, bob} {
		dm := h.awaitDMsTo("the notice", m, 1)[0]
		assertTextHas(t, "the notice to "+m.Username, dm.Content, "**Quick** starts <t:", "https://discord.com/channels/"+testGuild+"/"+testChannel)
		if am := dm.AllowedMentions; am == nil || len(am.Parse) != 0 || len(am.Users)+len(am.Roles) != 0 {
			t.Errorf("the notice may ping %+v", am)
		}
	}

	clk.Advance(10 * time.Minute) // 18:15: the lobby opens, with Notify me
	lobby := h.awaitSessionMessage("the lobby", "Group session: Quick")
	buttonID(t, lobby, "Notify me")
	h.click(bob, lobby.ID, buttonID(t, lobby, "Join"))
	clk.Advance(5 * time.Minute) // 18:20: the session starts
	h.awaitText("the lobby after the start", lobby.ID, "continues in the message below")
	live := h.sessionMessage()
	clk.Advance(5 * time.Second) // within the first hold: no step write races the click
	h.click(admin, live.ID, buttonID(t, live, "Stop"))
	h.awaitEvent("the event completed early", func(e fakediscord.ScheduledEvent) bool {
		return e.ID == event.ID && e.Status == discordgo.GuildScheduledEventStatusCompleted
	})
	tomorrow := start.Add(24 * time.Hour)
	next := h.awaitEvent("the next occurrence's event", func(e fakediscord.ScheduledEvent) bool { return e.Start.Equal(tomorrow) })

	clk.Set(tomorrow.Add(-15 * time.Minute)) // the next day's notices
	h.awaitDMsTo("the second notice", alice, 2)
	h.awaitDueJobs(clk.Now())
	if n, dms := h.refusedDMsTo(admin), h.fake.DirectMessages(admin.ID); n != 1 || len(dms) != 0 {
		t.Errorf("closed DMs: %d refused requests and %d delivered over two notices; want 1 and 0", n, len(dms))
	}
	_, notice := h.slashWithFollowUp(admin, "streak")
	assertTextHas(t, "the notice after admin's next command", messageText(notice), "your DMs are closed to me")
	if !notice.Ephemeral() {
		t.Error("the notice about closed DMs is public")
	}

	assertTextHas(t, "/schedule delete", h.slash(admin, "schedule", fakediscord.Subcommand("delete",
		fakediscord.IntegerOption("schedule", 1))).text(), "Deleted schedule #1")
	deadline := time.Now().Add(waitLimit)
	for h.hasEvent(next.ID) {
		if time.Now().After(deadline) {
			t.Fatal("the deleted schedule's event is still there")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *harness) hasEvent(id string) bool {
	for _, e := range h.fake.ScheduledEvents(testGuild) {
		if e.ID == id {
			return true
		}
	}
	return false
}

// TestScheduledEventFollowsPausesAndCancels: a pause that pushes the session past its
// planned end moves the event's end; an occurrence cancelled in its lobby cancels its
// event; without Create Events the schedule still works and says events are off.
func TestScheduledEventFollowsPausesAndCancels(t *testing.T) {
	h, clk := startEventsClocked(t)
	h.scheduleQuick()
	start := time.Date(2026, 3, 1, 18, 20, 0, 0, time.UTC)
	first := h.awaitEvent("the first event", func(e fakediscord.ScheduledEvent) bool { return e.Start.Equal(start) })

	clk.Set(start.Add(-5 * time.Minute))
	lobby := h.awaitSessionMessage("the lobby", "Group session: Quick")
	h.click(bob, lobby.ID, buttonID(t, lobby, "Join"))
	clk.Set(start)
	h.awaitText("the lobby after the start", lobby.ID, "continues in the message below")
	live := h.sessionMessage()
	clk.Advance(5 * time.Second)
	h.click(admin, live.ID, buttonID(t, live, "Pause"))
	// While paused the event is kept open past its end, so Discord does not end it.
	h.awaitEvent("the event held open by the pause", func(e fakediscord.ScheduledEvent) bool {
		return e.ID == first.ID && e.End.Equal(start.Add(20*time.Second+15*time.Minute))
	})
	clk.Advance(30 * time.Second) // paused past the planned end (18:20:20)
	h.awaitText("the paused session", live.ID, "Paused")
	h.click(admin, live.ID, buttonID(t, h.message(live.ID), "Resume"))
	wantEnd := start.Add(50 * time.Second) // 20 s of plan + 30 s of pause
	h.awaitEvent("the event moved past the pause", func(e fakediscord.ScheduledEvent) bool {
		return e.ID == first.ID && e.End.Equal(wantEnd)
	})
	clk.Set(wantEnd)
	h.awaitText("the summary", live.ID, "Session complete: Quick")

	tomorrow := start.Add(24 * time.Hour)
	second := h.awaitEvent("the next event", func(e fakediscord.ScheduledEvent) bool { return e.Start.Equal(tomorrow) })
	clk.Set(tomorrow.Add(-5 * time.Minute))
	lobby = h.awaitSessionMessage("the second lobby", "Group session: Quick")
	h.click(admin, lobby.ID, buttonID(t, lobby, "Cancel"))
	h.awaitEvent("the cancelled occurrence's event", func(e fakediscord.ScheduledEvent) bool {
		return e.ID == second.ID && e.Status == discordgo.GuildScheduledEventStatusCanceled
	})
	h.awaitEvent("the event after the cancelled one", func(e fakediscord.ScheduledEvent) bool {
		return e.Start.Equal(tomorrow.Add(24 * time.Hour))
	})

	// Without Create Events: the schedule is made, its reply says why there is no event.
	noEvents := h.slash(admin, "schedule", fakediscord.Subcommand("create",
		fakediscord.StringOption("routine", "Quick"), fakediscord.StringOption("time", "07:00"),
		fakediscord.StringOption("days", "weekdays"), fakediscord.StringOption("timezone", "UTC"))).text()
	assertTextHas(t, "/schedule create without Create Events", noEvents, "Scheduled #2", "Discord events are off", "Create Events")
	h.awaitDueJobs(clk.Now())
	for _, e := range h.fake.ScheduledEvents(testGuild) {
		if e.Start.Hour() == 7 {
			t.Errorf("an event was made without the permission: %+v", e)
		}
	}
}
