package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// Another server and channels a hostile member uses to forge clicks.
const (
	otherGuild        = "100000000000000091"
	otherGuildChannel = "100000000000000092"
	otherChannel      = "100000000000000093" // a second channel of the test server
	dmChannel         = "100000000000000094"
	forgedMessageID   = "300000000000000001" // a message of the forger's own channel
)

// mallory administers the other server and moderates a second channel of the test server.
var mallory = fakediscord.Member{ID: "200000000000000099", Username: "mallory", GlobalName: "Mallory",
	Permissions: discordgo.PermissionAdministrator}

const notThisChannel = "That button doesn't belong to this channel."

// forge sends a click with customID as member from where, claiming messageID in the test
// channel, and returns the answer.
func (h *harness) forge(where fakediscord.InteractionContext, messageID, customID string) answer {
	h.t.Helper()
	return h.interact(h.fake.ForgedClick(where, messageID, testChannel, customID))
}

// assertRefused checks that a forged click got the private refusal and nothing else.
func assertRefused(t *testing.T, what string, a answer) {
	t.Helper()
	if a.Response.Type != discordgo.InteractionResponseChannelMessageWithSource || !a.Message.Ephemeral() {
		t.Errorf("%s: answered with type %d (ephemeral %v), want a private message", what, a.Response.Type, a.Message.Ephemeral())
	}
	if strings.TrimSpace(a.text()) != notThisChannel {
		t.Errorf("%s: answered %q, want %q", what, a.text(), notThisChannel)
	}
}

// places a hostile member clicks from: another server, another channel of the same
// server (with Manage Messages there), and a DM.
func forgedPlaces() map[string]fakediscord.InteractionContext {
	moderator := mallory
	moderator.Permissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionManageMessages
	return map[string]fakediscord.InteractionContext{
		"other server":   {GuildID: otherGuild, ChannelID: otherGuildChannel, Member: mallory},
		"other channel":  {GuildID: testGuild, ChannelID: otherChannel, Member: moderator},
		"direct message": {ChannelID: dmChannel, Member: mallory},
	}
}

func TestForgedSessionClicksChangeNothing(t *testing.T) {
	h, _ := startClocked(t)
	h.createQuickRoutine()
	lobby := h.startSession(5)
	h.click(bob, lobby.ID, buttonID(t, lobby, "Join"))
	before := messageText(h.message(lobby.ID))
	id := strings.Split(buttonID(t, lobby, "Join"), "/")[1]

	for place, where := range forgedPlaces() {
		for _, action := range []string{"join", "leave", "start", "cancel", "pause", "resume", "skip", "stop"} {
			customID := "session/" + id + "/" + action
			assertRefused(t, place+" "+action+" on the session message", h.forge(where, lobby.ID, customID))
			// The same click claiming a message of the forger's own channel.
			own := h.fake.ForgedClick(where, forgedMessageID, where.ChannelID, customID)
			assertRefused(t, place+" "+action+" on a message of its own", h.interact(own))
		}
	}
	if after := messageText(h.message(lobby.ID)); after != before {
		t.Errorf("forged clicks changed the session message:\nbefore %s\nafter %s", before, after)
	}
	status := h.slash(alice, "session", fakediscord.Subcommand("status"))
	assertTextHas(t, "status after forged clicks", status.text(), "Joined (2)", "Alice", "Bob")
	if strings.Contains(status.text(), "Mallory") {
		t.Errorf("a forged join got in:\n%s", status.text())
	}

	// The same ids in other spellings name no session, even from the right channel.
	for _, spelling := range []string{"+" + id, "0" + id, id + " ", "-" + id} {
		a := h.forge(in(bob), lobby.ID, "session/"+spelling+"/leave")
		assertTextHas(t, "session/"+spelling+"/leave", a.text(), "That button belongs to a session that has ended.")
	}
	assertTextHas(t, "status after respelled ids", h.slash(alice, "session", fakediscord.Subcommand("status")).text(), "Joined (2)")
}

func TestEndedSessionRevealsNothingElsewhere(t *testing.T) {
	h, clk := startClocked(t)
	h.createQuickRoutine()
	lobby := h.startSession(0)
	h.click(bob, lobby.ID, buttonID(t, lobby, "Join"))
	id := strings.Split(buttonID(t, lobby, "Join"), "/")[1]
	clk.Advance(time.Minute) // the routine runs to its summary
	h.awaitText("summary", lobby.ID, "Alice", "Bob")

	for place, where := range forgedPlaces() {
		a := h.forge(where, lobby.ID, "session/"+id+"/join")
		assertRefused(t, place, a)
		if strings.Contains(a.text(), "Alice") || strings.Contains(a.text(), "Bob") {
			t.Errorf("%s: a forged click on an ended session shows who took part:\n%s", place, a.text())
		}
	}
	// In its own channel the ended session still answers with its final state.
	a := h.forge(in(bob), lobby.ID, "session/"+id+"/join")
	assertTextHas(t, "click on the ended session in its channel", a.text(), "Alice", "Bob")
}

func TestForgedForgetMeAndPageClicksAreRefused(t *testing.T) {
	h := startHarness(t)
	h.slash(bob, "done")
	confirm := h.slash(bob, "forget-me")
	id := buttonID(t, confirm.Message, "Delete my data")
	if !strings.Contains(id, testGuild) {
		t.Fatalf("the confirm button %q does not name its server", id)
	}

	// Bob is a member of the other server too: his confirm from there deletes nothing.
	elsewhere := fakediscord.InteractionContext{GuildID: otherGuild, ChannelID: otherGuildChannel, Member: bob}
	assertRefused(t, "forget-me confirm from another server", h.interact(h.fake.ForgedClick(elsewhere, confirm.Message.ID, otherGuildChannel, id)))
	assertTextHas(t, "/streak after the forged confirm", h.slash(bob, "streak").text(), "Current:** 1 day")

	// A page button claimed from a message in another channel.
	pages := h.slash(alice, "exercises")
	next := buttonID(t, pages.Message, "Next")
	assertRefused(t, "page click from another channel", h.forge(fakediscord.InteractionContext{GuildID: testGuild, ChannelID: otherChannel, Member: alice}, pages.Message.ID, next))
	assertTextHas(t, "page click where it was posted", h.click(alice, pages.Message.ID, next).text(), "Page 2 of 2")
}
