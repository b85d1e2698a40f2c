package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// bobIsPrivate is what other members are told when they look Bob up after he opted out.
const bobIsPrivate = "Bob keeps their streak private."

// slashWithFollowUp runs a slash command whose answer comes with a follow-up, and returns
// the answer the channel sees and the follow-up, once both are sent.
func (h *harness) slashWithFollowUp(m fakediscord.Member, name string, opts ...fakediscord.Option) (answer, fakediscord.Message) {
	h.t.Helper()
	i := h.fake.SlashCommand(in(m), name, opts...)
	if err := h.fake.Interact(i); err != nil {
		h.t.Fatal(err)
	}
	resp := h.response(i.ID)
	// The follow-up is a POST to the interaction's webhook (after the edit, if deferred).
	_, err := h.fake.WaitForCall(func(c fakediscord.Call) bool {
		return c.Method == "POST" && strings.Contains(c.Path, "/webhooks/") && strings.Contains(c.Path, i.Token) && c.Status < 300
	}, waitLimit)
	if err != nil {
		h.t.Fatalf("/%s: no follow-up: %v", name, err)
	}
	var msgs []fakediscord.Message
	for _, msg := range h.fake.Messages(testChannel) {
		if msg.InteractionID == i.ID {
			msgs = append(msgs, msg)
		}
	}
	if len(msgs) != 2 || msgs[0].ID != resp.MessageID {
		h.t.Fatalf("/%s: %d messages (%+v), want the answer %s and one follow-up", name, len(msgs), msgs, resp.MessageID)
	}
	return answer{Response: resp, Message: msgs[0]}, msgs[1]
}

// assertTextLacks checks that text shows none of avoid.
func assertTextLacks(t *testing.T, what, text string, avoid ...string) {
	t.Helper()
	for _, a := range avoid {
		if strings.Contains(text, a) {
			t.Errorf("%s shows %q:\n%s", what, a, text)
		}
	}
}

// assertPrivateRefusal checks that a look at a private member got the one private sentence:
// no figures, no image.
func assertPrivateRefusal(t *testing.T, what string, a answer) {
	t.Helper()
	if !a.Message.Ephemeral() || strings.TrimSpace(a.text()) != bobIsPrivate || len(a.Message.Attachments) != 0 {
		t.Errorf("%s: answered %q (ephemeral %v, %d files), want only %q, privately",
			what, a.text(), a.Message.Ephemeral(), len(a.Message.Attachments), bobIsPrivate)
	}
	if strings.ContainsAny(a.text(), "0123456789") {
		t.Errorf("%s reveals numbers: %q", what, a.text())
	}
}

// TestPrivacyMeansPrivate: Bob, who lives in Tokyo, opts out. Other members can no longer
// look him up, a moderator still can, nobody else ever sees his zone, and /leaderboard
// tells each caller their own rank (or that they are hidden) in a follow-up only they see.
func TestPrivacyMeansPrivate(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	h := startHarness(t, withOptions(func(o *app.Options) { o.Clock = clk }))

	h.slash(bob, "timezone", fakediscord.StringOption("zone", "Asia/Tokyo"))
	for _, m := range []fakediscord.Member{alice, bob} {
		assertTextHas(t, "/done", h.slash(m, "done").text(), "Streak: 1 day")
	}
	// Where Bob lives: his zone, his local date (already March 1 at 19:00 there) and the
	// instant his day ends.
	bobsZone := []string{"Asia/Tokyo", "Tokyo", "**Today**", "<t:"}
	bobAsMember := fakediscord.UserOption("member", bob)

	seen := h.slash(alice, "streak", bobAsMember)
	assertTextHas(t, "Alice's /streak member:Bob before he opts out", seen.text(), "Streak of Bob", "Current:** 1 day", "**Their today:** done ✅")
	assertTextLacks(t, "Alice's /streak member:Bob before he opts out", seen.text(), bobsZone...)

	assertTextHas(t, "/privacy leaderboard:off", h.slash(bob, "privacy", fakediscord.StringOption("leaderboard", "off")).text(),
		"left out of this server's leaderboards, and other members' /streak and /stats no longer show yours")

	assertPrivateRefusal(t, "Alice's /streak member:Bob", h.slash(alice, "streak", bobAsMember))
	assertPrivateRefusal(t, "Alice's /stats member:Bob", h.slash(alice, "stats", bobAsMember))

	modStreak := h.slash(admin, "streak", bobAsMember)
	assertTextHas(t, "the admin's /streak member:Bob", modStreak.text(), "Streak of Bob", "Current:** 1 day", "**Their today:** done ✅", "Kept private")
	assertTextLacks(t, "the admin's /streak member:Bob", modStreak.text(), bobsZone...)
	modStats := h.slash(admin, "stats", bobAsMember)
	assertTextHas(t, "the admin's /stats member:Bob", modStats.text(), "Stats of Bob", "Days counted: 1", "Kept private")
	assertTextLacks(t, "the admin's /stats member:Bob", modStats.text(), bobsZone...)
	if !modStreak.Message.Ephemeral() || !modStats.Message.Ephemeral() {
		t.Error("a moderator's look at a private member is not private")
	}

	assertTextHas(t, "Bob's own /streak", h.slash(bob, "streak").text(), "Current:** 1 day", "(2026-03-01, Asia/Tokyo): done ✅", "<t:")
	assertTextHas(t, "Bob's own /stats", h.slash(bob, "stats").text(), "Days counted: 1")

	board, rank := h.slashWithFollowUp(alice, "leaderboard")
	checkLeaderboard(t, "Alice's /leaderboard", board, rank)
	assertTextHas(t, "Alice's /leaderboard", board.text(), "**1.** Alice · 1 day")
	assertTextLacks(t, "Alice's /leaderboard", board.text(), "Bob")
	assertTextHas(t, "Alice's rank", messageText(rank), "You are #1 by current streak · 1 day.")

	board, rank = h.slashWithFollowUp(bob, "leaderboard")
	checkLeaderboard(t, "Bob's /leaderboard", board, rank)
	assertTextHas(t, "Bob's rank", messageText(rank), "You are hidden from leaderboards: you opted out")
}

// checkLeaderboard checks that the channel sees the board and nothing about the caller,
// and that the caller's line is a private follow-up.
func checkLeaderboard(t *testing.T, what string, board answer, rank fakediscord.Message) {
	t.Helper()
	if board.Message.Ephemeral() {
		t.Errorf("%s is not public", what)
	}
	assertNoMentions(t, board.Message)
	assertTextHas(t, what, board.text(), "Leaderboard: current streak", "Server streak")
	assertTextLacks(t, what, board.text(), "You", "you", "Hidden", "hidden", "opted out", "/privacy", "#")
	for _, e := range board.Message.Embeds {
		if len(e.Fields) != 0 {
			t.Errorf("%s has fields %+v, want none", what, e.Fields)
		}
	}
	if !rank.Ephemeral() {
		t.Errorf("%s: the caller's line %q is public", what, messageText(rank))
	}
	assertNoMentions(t, rank)
}
