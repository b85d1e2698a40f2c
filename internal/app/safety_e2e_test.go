package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

func TestInversionTableStepNamesItsCautions(t *testing.T) {
	h, clk := startClocked(t)
	a := h.slash(admin, "routine", fakediscord.Subcommand("create",
		fakediscord.StringOption("name", "Invert"), fakediscord.StringOption("steps", "cat-stretch 20s, inversion-table 30s")))
	assertTextHas(t, "/routine create", a.text(), "Invert")
	h.slash(alice, "session", fakediscord.Subcommand("start",
		fakediscord.StringOption("routine", "Invert"), fakediscord.IntegerOption("delay", 1)))
	lobby := h.sessionMessage()
	lobbyText := strings.ToLower(messageText(lobby))
	assertTextHas(t, "the lobby", lobbyText, "before you start", "glaucoma", "high blood pressure", "hosted by **alice**")
	h.click(bob, lobby.ID, buttonID(t, lobby, "Join"))

	clk.Advance(time.Minute) // the session starts in a new message that pings who joined
	h.awaitText("the lobby after the start", lobby.ID, "continues in the message below")
	start := h.sessionMessage()
	if start.ID == lobby.ID {
		t.Fatal("the start was an edit, which notifies nobody; want a new message")
	}
	assertTextHas(t, "the start message", start.Content, "<@"+alice.ID+">", "<@"+bob.ID+">")
	if am := start.AllowedMentions; am == nil || len(am.Parse) != 0 || !slices.Equal(am.Users, []string{alice.ID, bob.ID}) {
		t.Errorf("the start message may ping %+v; want exactly alice and bob, no parse", am)
	}

	clk.Advance(20 * time.Second) // the inversion-table step
	// "exercise 2 of 2" is on the step's own message only: the step before already names the
	// inversion table as what comes next, and its write may land after the clock moved.
	step := strings.ToLower(h.awaitText("the inversion-table step", start.ID, "exercise 2 of 2"))
	assertTextHas(t, "the inversion-table step", step, "glaucoma", "high blood pressure", "take care")
	if strings.Contains(step, "step 2 of") {
		t.Errorf("steps are counted as internal phases:\n%s", step)
	}
	assertTextHas(t, "the inversion-table step", step, "exercise 2 of 2")
}

func TestRoutineRefusesAHoldBeyondTheArticles(t *testing.T) {
	h := startHarness(t)
	a := h.slash(admin, "routine", fakediscord.Subcommand("create",
		fakediscord.StringOption("name", "Long"), fakediscord.StringOption("steps", "inversion-table 10m")))
	assertTextHas(t, "/routine create inversion-table 10m", a.text(), "inversion-table holds 30 s to 1 min in the articles; 10m is longer.")
	if !a.Message.Ephemeral() {
		t.Error("the refusal was public")
	}
}
