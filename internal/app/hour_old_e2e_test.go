package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
	"github.com/stretchbot/stretchbot/session"
	"github.com/stretchbot/stretchbot/storage"
)

// TestHourOldEditOverTheLimitContinuesBelow: Discord lets an hour-old message be edited only
// 3 times per 6 s per channel and answers the next edit with a 429, code 30046. The bot then
// goes on in a fresh message, and once the window has passed the old one says "continued
// below ↓" and loses its buttons.
func TestHourOldEditOverTheLimitContinuesBelow(t *testing.T) {
	h, clk := startClocked(t)
	var ahead atomic.Int64 // how far Discord's clock is ahead of the bot's
	h.fake.SetNow(func() time.Time { return clk.Now().Add(time.Duration(ahead.Load())) })
	h.createQuickRoutine() // two 10 s holds
	live := h.startSession(0)

	clk.Advance(5 * time.Second)
	// The bot's machine is suspended for an hour and its clocks resume where they stopped:
	// the bot thinks its live message is 5 seconds old, Discord knows it is an hour old.
	ahead.Store(int64(time.Hour))
	// Something else on the bot's token (another of its features, a second process) has
	// just edited hour-old messages in the channel: Discord's limit is spent for 6 s.
	h.spendHourOldEdits(live.ID)

	clk.Advance(5 * time.Second) // the second hold begins: the edit is refused with 30046
	if _, err := h.fake.WaitForCall(func(c fakediscord.Call) bool {
		return c.Method == http.MethodPatch && strings.HasSuffix(c.Path, "/messages/"+live.ID) && c.Status == http.StatusTooManyRequests
	}, waitLimit); err != nil {
		t.Fatalf("the bot's edit of its hour-old message was never refused: %v", err)
	}
	fresh := h.awaitNewSessionMessage(live.ID)
	h.awaitText("the fresh message", fresh.ID, "rep 2 of 2", "[Pause]")

	// The old message is pointed to the fresh one once Discord's window has passed (the
	// engine tries after 5 s, then 10 s more); meanwhile the session ends in the fresh one.
	clk.Advance(20 * time.Second)
	old := h.awaitText("the old message", live.ID, "continued below ↓", fresh.ID)
	if labels := buttonLabels(h.message(live.ID)); len(labels) != 0 {
		t.Errorf("the old message keeps buttons %v:\n%s", labels, old)
	}
	h.awaitText("the summary", fresh.ID, "Session complete: Quick", "Alice: streak 1 day")
}

// spendHourOldEdits edits messageID (an hour old to Discord) three times without changing
// it, as another user of the bot's token could, so that Discord's window for hour-old
// edits in the test channel is full.
func (h *harness) spendHourOldEdits(messageID string) {
	h.t.Helper()
	for range 3 {
		req, err := http.NewRequest(http.MethodPatch, h.fake.URL()+"/api/v10/channels/"+testChannel+"/messages/"+messageID, strings.NewReader("{}"))
		if err != nil {
			h.t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bot not-a-token")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			h.t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			h.t.Fatalf("an edit of the hour-old message answered %d, want 200 within Discord's limit", resp.StatusCode)
		}
	}
}

// awaitNewSessionMessage waits until the bot has posted a session message after oldID.
func (h *harness) awaitNewSessionMessage(oldID string) fakediscord.Message {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		if m := h.sessionMessage(); m.ID != oldID {
			return m
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the bot posted no new session message after %s", oldID)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSessionWithoutEmbedLinksEndsWithANote: Discord keeps a message the bot may not embed
// in, but drops its embed without a word. The session then ends, aborted, with a note that
// names the permission, and the bot writes nothing more to the channel.
func TestSessionWithoutEmbedLinksEndsWithANote(t *testing.T) {
	h, clk := startClocked(t)
	h.createQuickRoutine()
	lobby := h.startSession(1)
	h.fake.DenyEmbeds(testChannel) // a moderator takes Embed Links from the bot here

	clk.Advance(time.Minute) // the start is a new message, which Discord stores without its embed
	h.awaitLog("the bot lacks the Embed Links permission in this channel")
	stripped := h.sessionMessage()
	if stripped.ID == lobby.ID || len(stripped.Embeds) != 0 {
		t.Fatalf("the start message %s has %d embeds; want a new message without any", stripped.ID, len(stripped.Embeds))
	}
	writes := h.channelWrites()
	clk.Advance(time.Minute) // well past the routine's end
	if after := h.channelWrites(); after != writes {
		t.Errorf("the bot wrote %d more times to the channel after the embed was dropped", after-writes)
	}
	if got := messageText(h.message(lobby.ID)); !strings.Contains(got, "Group session: Quick") {
		t.Errorf("the lobby was rewritten after the embed was dropped:\n%s", got)
	}

	db, err := storage.Open(context.Background(), h.cfg.Storage.Path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := db.LoadSession(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != session.Aborted {
		t.Errorf("the session is %s, want %s", s.Status, session.Aborted)
	}
}

// awaitLog waits until the bot's log contains want.
func (h *harness) awaitLog(want string) {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !strings.Contains(h.logs.String(), want) {
		if time.Now().After(deadline) {
			h.t.Fatalf("the log never said %q", want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// channelWrites counts the message posts and edits the bot sent to the test channel.
func (h *harness) channelWrites() int {
	n := 0
	for _, c := range h.fake.Calls() {
		if strings.Contains(c.Path, "/channels/"+testChannel+"/messages") && (c.Method == http.MethodPost || c.Method == http.MethodPatch) {
			n++
		}
	}
	return n
}
