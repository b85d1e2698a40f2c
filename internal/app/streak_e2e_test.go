package app_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// TestStreakLifecycle walks a server through two days: both members log solo practice,
// their streaks show 1, a /done the next day makes Alice's 2, the leaderboard ranks them,
// /stats draws a heatmap, and /forget-me takes Bob off the leaderboard.
func TestStreakLifecycle(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC))
	h := startHarness(t, withOptions(func(o *app.Options) { o.Clock = clk }))

	for _, m := range []fakediscord.Member{alice, bob} {
		a := h.slash(m, "done")
		assertTextHas(t, "/done", a.text(), m.GlobalName+" logged solo practice", "Streak: 1 day")
		assertNoMentions(t, a.Message)
	}
	assertTextHas(t, "/streak on day 1", h.slash(alice, "streak").text(), "Current:** 1 day", "done ✅", "2026-03-01 · solo")
	assertTextHas(t, "/done again", h.slash(alice, "done").text(), "Today already counts")

	clk.Advance(24 * time.Hour)
	assertTextHas(t, "/streak the next morning", h.slash(alice, "streak").text(), "Current:** 1 day", "not yet")
	assertTextHas(t, "/done on day 2", h.slash(alice, "done", fakediscord.StringOption("exercise", "cat-stretch")).text(),
		"logged solo practice (Cat stretch)", "Streak: 2 days")
	assertTextHas(t, "/streak on day 2", h.slash(alice, "streak").text(), "Current:** 2 days", "2026-03-02 · solo", "2026-03-01 · solo")

	board, rank := h.slashWithFollowUp(bob, "leaderboard")
	assertTextHas(t, "/leaderboard", board.text(), "**1.** Alice · 2 days", "**2.** Bob · 1 day")
	assertTextHas(t, "/leaderboard's private follow-up", messageText(rank), "You are #2 by current streak · 1 day.")
	assertNoMentions(t, board.Message)

	stats := h.slash(alice, "stats")
	assertTextHas(t, "/stats", stats.text(), "Days counted: 2")
	if n := len(stats.Message.Attachments); n != 1 || stats.Message.Attachments[0].Filename != "heatmap.png" {
		t.Fatalf("/stats attached %d files (%+v), want heatmap.png", n, stats.Message.Attachments)
	}
	if _, err := png.Decode(bytes.NewReader(stats.Message.Attachments[0].Content)); err != nil {
		t.Errorf("the heatmap is not a PNG: %v", err)
	}

	confirm := h.slash(bob, "forget-me")
	id := buttonID(t, confirm.Message, "Delete my data")
	assertTextHas(t, "someone else confirming", h.click(alice, confirm.Message.ID, id).text(), "Only the member who asked")
	assertTextHas(t, "/forget-me confirmed", h.click(bob, confirm.Message.ID, id).text(), "Deleted: 1 counted day, your streak and freezes")
	afterBoard, afterRank := h.slashWithFollowUp(alice, "leaderboard")
	after := afterBoard.text()
	assertTextHas(t, "/leaderboard after /forget-me", after, "**1.** Alice · 2 days")
	assertTextHas(t, "/leaderboard's follow-up after /forget-me", messageText(afterRank), "You are #1")
	if strings.Contains(after, "Bob") {
		t.Errorf("Bob is still on the leaderboard:\n%s", after)
	}
}

// TestStreakSettingsAndPrivacy checks that members choose their zone and privacy, and that
// only a manager changes the server's settings.
func TestStreakSettingsAndPrivacy(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC))
	h := startHarness(t, withOptions(func(o *app.Options) { o.Clock = clk }))

	choices := h.autocomplete(alice, "timezone", "zone", "kirit")
	if len(choices) == 0 || choices[0].Value != "Pacific/Kiritimati" {
		t.Fatalf("autocomplete offered %+v", choices)
	}
	assertTextHas(t, "/timezone", h.slash(alice, "timezone", fakediscord.StringOption("zone", "Pacific/Kiritimati")).text(),
		"Pacific/Kiritimati (it is Mon 13:30 there now)")
	assertTextHas(t, "a typo", h.slash(alice, "timezone", fakediscord.StringOption("zone", "Pacific/Kiritimat")).text(),
		"Did you mean: Pacific/Kiritimati")
	// 23:30 UTC on March 1 is already March 2 in Kiritimati.
	h.slash(alice, "done")
	assertTextHas(t, "/streak in Kiritimati", h.slash(alice, "streak").text(), "2026-03-02 · solo")

	assertTextHas(t, "/settings by a member", h.slash(alice, "settings", fakediscord.BoolOption("solo-logs", false)).text(),
		"Only members with Manage Server")
	assertTextHas(t, "/settings by an admin", h.slash(admin, "settings", fakediscord.BoolOption("solo-logs", false),
		fakediscord.IntegerOption("day-start-hour", 4)).text(), "solo-logs:** off", "day-start-hour:** 04:00")
	assertTextHas(t, "/done with solo logs off", h.slash(bob, "done").text(), "counts group sessions only")

	assertTextHas(t, "/privacy", h.slash(alice, "privacy", fakediscord.StringOption("leaderboard", "off")).text(), "left out")
	board, rank := h.slashWithFollowUp(alice, "leaderboard")
	assertTextHas(t, "/leaderboard after opting out", board.text(), "Nobody yet")
	assertTextHas(t, "/leaderboard's follow-up after opting out", messageText(rank), "You are hidden from leaderboards")
}

// TestDailyPurgeMovesRecentDaysIntoTheLog: a counted day is written into the small table of
// recent days, and the daily purge job moves it into the long-term log once it is a few
// days old; the member's history reads the same throughout.
func TestDailyPurgeMovesRecentDaysIntoTheLog(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC))
	h := startHarness(t, withOptions(func(o *app.Options) { o.Clock = clk }))
	count := h.counter()
	h.slash(alice, "done")
	where := `WHERE user_id = '` + alice.ID + `' AND day = '2026-03-01'`
	if recent, log := count(`SELECT COUNT(*) FROM activity_recent `+where), count(`SELECT COUNT(*) FROM activity_log `+where); recent != 1 || log != 0 {
		t.Fatalf("after /done: %d rows in activity_recent, %d in activity_log; want the day in the recent table", recent, log)
	}
	for range 5 {
		clk.Advance(24 * time.Hour)
		h.awaitDueJobs(clk.Now())
	}
	if recent, log := count(`SELECT COUNT(*) FROM activity_recent `+where), count(`SELECT COUNT(*) FROM activity_log `+where); recent != 0 || log != 1 {
		t.Fatalf("five days later: %d rows in activity_recent, %d in activity_log; want the day moved into the log", recent, log)
	}
	assertTextHas(t, "/streak after the move", h.slash(alice, "streak").text(), "2026-03-01 · solo", "Best:** 1 day")
}
