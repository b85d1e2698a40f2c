package app_test

import (
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

const pingRole = "300000000000000077"

// TestScheduleOpensItsLobbyAndRunsTheSession makes a daily schedule two minutes ahead (the
// fake clock reads 18:00 UTC) with a one-minute lobby and a ping role, and follows it: its
// Discord event is created, the lobby opens at 18:01 mentioning only the role, the session
// starts at 18:02 and credits who joined, the event ends with it, and the next day's
// session and event are queued.
func TestScheduleOpensItsLobbyAndRunsTheSession(t *testing.T) {
	h, clk := startEventsClocked(t)
	a := h.interact(h.fake.SlashCommand(eventsOn(admin), "schedule", fakediscord.Subcommand("create",
		fakediscord.StringOption("routine", "Quick"), fakediscord.StringOption("time", "18:02"),
		fakediscord.StringOption("days", "daily"), fakediscord.StringOption("timezone", "UTC"),
		fakediscord.IntegerOption("lobby", 1), fakediscord.RoleOption("ping_role", pingRole))))
	assertTextHas(t, "/schedule create", a.text(), "Scheduled #1", "every day at 18:02 (UTC)", "<@&"+pingRole+">", "Next: <t:")
	today := time.Date(2026, 3, 1, 18, 2, 0, 0, time.UTC)
	event := h.awaitEvent("the occurrence's event", func(e fakediscord.ScheduledEvent) bool { return e.Start.Equal(today) })
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
	// It ended at the event's end, where Discord ends an EXTERNAL event by itself.
	h.awaitEvent("the event, over", func(e fakediscord.ScheduledEvent) bool {
		return e.ID == event.ID && e.Status == discordgo.GuildScheduledEventStatusCompleted
	})
	h.awaitEvent("the next day's event", func(e fakediscord.ScheduledEvent) bool { return e.Start.Equal(today.Add(24 * time.Hour)) })

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

// TestScheduledLobbySurvivesARestart stops the bot after a schedule is made and starts it
// again after the lobby's minute has passed but before the session's: the lobby is posted
// on start, once, and a second restart posts nothing more.
func TestScheduledLobbySurvivesARestart(t *testing.T) {
	h, clk := startClocked(t)
	h.createQuickRoutine()
	h.slash(admin, "schedule", fakediscord.Subcommand("create",
		fakediscord.StringOption("routine", "Quick"), fakediscord.StringOption("time", "18:10"),
		fakediscord.StringOption("days", "daily"), fakediscord.StringOption("timezone", "UTC"),
		fakediscord.IntegerOption("lobby", 5)))
	h.stop()
	clk.Advance(7 * time.Minute) // 18:07: the lobby (18:05) fell due while the bot was down
	h.start()
	h.awaitSessionMessage("the lobby after the restart", "Group session: Quick")
	h.stop()
	h.start()
	clk.Advance(time.Second)
	if n := h.countLobbies(); n != 1 {
		t.Errorf("%d lobbies after two restarts; want exactly one", n)
	}
}

func TestScheduleRefusesWhatItCannotRun(t *testing.T) {
	h := startHarness(t)
	create := func(opts ...fakediscord.Option) string {
		base := []fakediscord.Option{fakediscord.StringOption("routine", "desk-break")}
		return h.slash(admin, "schedule", fakediscord.Subcommand("create", append(base, opts...)...)).text()
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"no such time", create(fakediscord.StringOption("time", "25:00"), fakediscord.StringOption("days", "daily")),
			`Times are HH:MM on a 24-hour clock, like 15:00; "25:00" is not one.`},
		{"no such day", create(fakediscord.StringOption("time", "15:00"), fakediscord.StringOption("days", "funday")),
			`"funday" is not a day.`},
		{"everyone as ping role", create(fakediscord.StringOption("time", "15:00"), fakediscord.StringOption("days", "daily"),
			fakediscord.RoleOption("ping_role", testGuild)), "@everyone can't be a schedule's ping role"},
		{"no such zone", create(fakediscord.StringOption("time", "15:00"), fakediscord.StringOption("days", "daily"),
			fakediscord.StringOption("timezone", "Atlantis")), "Atlantis"},
	}
	for _, tt := range tests {
		if !strings.Contains(tt.got, tt.want) {
			t.Errorf("%s: answered %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if list := h.slash(admin, "schedule", fakediscord.Subcommand("list")).text(); !strings.Contains(list, "no schedules yet") {
		t.Errorf("a refused schedule was stored:\n%s", list)
	}

	// Another server cannot reach this one's schedule by its id.
	assertTextHas(t, "create", create(fakediscord.StringOption("time", "15:00"), fakediscord.StringOption("days", "daily")), "Scheduled #1")
	elsewhere := fakediscord.InteractionContext{GuildID: otherGuild, ChannelID: otherGuildChannel, Member: mallory}
	for _, sub := range []string{"delete", "skip"} {
		a := h.interact(h.fake.SlashCommand(elsewhere, "schedule", fakediscord.Subcommand(sub, fakediscord.IntegerOption("schedule", 1))))
		assertTextHas(t, sub+" from another server", a.text(), "This server has no schedule #1.")
	}
	assertTextHas(t, "/schedule list after the attempts", h.slash(admin, "schedule", fakediscord.Subcommand("list")).text(), "#1")
}

// TestCompletedJobsArePurgedAfterAWeek runs a daily schedule for ten days: the daily purge
// keeps the last week of completed jobs and deletes the older ones.
func TestCompletedJobsArePurgedAfterAWeek(t *testing.T) {
	h, clk := startClocked(t)
	h.createQuickRoutine()
	h.slash(admin, "schedule", fakediscord.Subcommand("create",
		fakediscord.StringOption("routine", "Quick"), fakediscord.StringOption("time", "18:30"),
		fakediscord.StringOption("days", "daily"), fakediscord.StringOption("timezone", "UTC")))
	count := h.counter()
	for range 10 {
		for range 24 {
			clk.Advance(time.Hour)
			h.awaitDueJobs(clk.Now())
		}
	}
	weekAgo := clk.Now().Add(-7 * 24 * time.Hour).UnixNano()
	old := count(`SELECT COUNT(*) FROM jobs WHERE kind = 'schedule-lobby' AND completed_at < ?`, weekAgo)
	recent := count(`SELECT COUNT(*) FROM jobs WHERE kind = 'schedule-lobby' AND completed_at >= ?`, weekAgo)
	if old != 0 || recent < 6 {
		t.Errorf("%d lobby jobs completed over a week ago are kept, and %d recent ones; want none, and the last week's", old, recent)
	}
}

// TestScheduleSkipsAnOccurrenceWhenTheChannelIsBusy starts a session by hand in the
// schedule's channel: at the lobby's minute the occurrence is skipped with a note.
func TestScheduleSkipsAnOccurrenceWhenTheChannelIsBusy(t *testing.T) {
	h, clk := startClocked(t)
	h.createQuickRoutine()
	h.slash(admin, "schedule", fakediscord.Subcommand("create",
		fakediscord.StringOption("routine", "Quick"), fakediscord.StringOption("time", "18:05"),
		fakediscord.StringOption("days", "daily"), fakediscord.StringOption("timezone", "UTC"),
		fakediscord.IntegerOption("lobby", 1)))
	h.startSession(10) // a lobby of its own, open past 18:04
	clk.Advance(4 * time.Minute)
	note := h.awaitSessionMessage("the note", "did not open: a session is already running here")
	if am := note.AllowedMentions; am == nil || len(am.Parse) != 0 || len(am.Roles) != 0 || len(am.Users) != 0 {
		t.Errorf("the note may ping %+v", am)
	}
	if lobbies := h.countLobbies(); lobbies != 1 {
		t.Errorf("%d lobbies in the channel; want only the one started by hand", lobbies)
	}
}

// countLobbies counts the lobbies of the routine Quick the bot posted in the test channel.
func (h *harness) countLobbies() int {
	n := 0
	for _, m := range h.fake.Messages(testChannel) {
		if m.InteractionID == "" && strings.Contains(messageText(m), "Group session: Quick") {
			n++
		}
	}
	return n
}

// counter returns a function that runs a COUNT query on the app's database, opened beside
// it once per test and closed when the test ends.
func (h *harness) counter() func(query string, args ...any) int {
	h.t.Helper()
	if h.db == nil {
		db, err := sql.Open("sqlite3", h.cfg.Storage.Path)
		if err != nil {
			h.t.Fatal(err)
		}
		h.t.Cleanup(func() { db.Close() })
		h.db = db
	}
	return func(query string, args ...any) int {
		h.t.Helper()
		var n int
		if err := h.db.QueryRow(query, args...).Scan(&n); err != nil {
			h.t.Fatal(err)
		}
		return n
	}
}

// awaitDueJobs waits until every job due by now has run: handlers run beside the clock.
func (h *harness) awaitDueJobs(now time.Time) {
	h.t.Helper()
	count := h.counter()
	deadline := time.Now().Add(waitLimit)
	for count(`SELECT COUNT(*) FROM jobs WHERE completed_at IS NULL AND due_at <= ?`, now.UnixNano()) > 0 {
		if time.Now().After(deadline) {
			h.t.Fatal("due jobs did not run")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
