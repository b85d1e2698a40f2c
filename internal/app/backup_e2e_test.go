package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
	"github.com/stretchbot/stretchbot/storage"
)

// TestBackupWhileCreditingRestoresIntoAFreshBot: a running bot with scheduled backups
// takes one at start and one a day later; backups made while a session of 31 members is
// being credited each hold all of its credits or none; `restore` is refused while the bot
// runs; and the backup made after the session, restored into a fresh bot on a new fake
// Discord, gives every member both counted days back.
func TestBackupWhileCreditingRestoresIntoAFreshBot(t *testing.T) {
	start := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
	clk := clock.NewFake(start)
	scheduled := t.TempDir()
	fastSessions := func(c *config.Config) { c.Session.PrepGap = 0 }
	h := startHarness(t, withOptions(func(o *app.Options) { o.Clock = clk }), withConfig(fastSessions),
		withConfig(func(c *config.Config) {
			c.Storage.Backup.Every, c.Storage.Backup.Keep, c.Storage.Backup.Dir = 24*time.Hour, 7, scheduled
		}))
	clk.Advance(0)                                    // the fake clock runs what is due only when moved
	awaitBackups(t, scheduled, h.cfg.Storage.Path, 1) // the first is taken at start
	h.createQuickRoutine()
	members := manyMembers(30)
	participants := len(members) + 1 // alice hosts

	h.runSessionWith(clk, members)
	clk.Advance(start.Add(24 * time.Hour).Sub(clk.Now())) // the next day, when the second scheduled backup is due
	awaitBackups(t, scheduled, h.cfg.Storage.Path, 2)

	// Day 2: back up again and again while the session's end credits everyone.
	copies := t.TempDir()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var summaries []storage.BackupSummary
	var backupErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			s, err := storage.Backup(context.Background(), h.cfg.Storage.Path, filepath.Join(copies, fmt.Sprintf("copy-%04d.db", n)))
			if err != nil {
				backupErr = err
				return
			}
			summaries = append(summaries, s)
		}
	}()
	h.runSessionWith(clk, members)
	close(stop)
	wg.Wait()
	if backupErr != nil {
		t.Fatalf("a backup while crediting failed: %v", backupErr)
	}
	after := 0
	for i, s := range summaries {
		if s.CountedDays == 2*participants {
			after++
		}
		if s.CountedDays != participants && s.CountedDays != 2*participants {
			t.Errorf("backup %d holds %d counted days; want %d (before the credits) or %d (after), never part of a session's credits",
				i, s.CountedDays, participants, 2*participants)
		}
	}
	t.Logf("%d backups made while the session ran and was credited: %d before its credits, %d after", len(summaries), len(summaries)-after, after)

	final := filepath.Join(copies, "final.db")
	s, err := storage.Backup(context.Background(), h.cfg.Storage.Path, final)
	if err != nil {
		t.Fatal(err)
	}
	if s.CountedDays != 2*participants || s.Members != participants || s.Sessions != 2 {
		t.Fatalf("the final backup holds %+v; want %d members, %d counted days, 2 sessions", s, participants, 2*participants)
	}
	if _, _, err := storage.Restore(context.Background(), h.cfg.Storage.Path, final, clk.Now()); err == nil ||
		!strings.Contains(err.Error(), "a bot is running on") {
		t.Fatalf("restore while the bot runs = %v; want a refusal", err)
	}
	h.stop()

	fresh := newHarness(t)
	fresh.cfg = fresh.config(filepath.Join(t.TempDir(), "restored.db"))
	fastSessions(fresh.cfg)
	fresh.opts = fresh.defaultOptions()
	fresh.opts.Clock = clk
	if _, _, err := storage.Restore(context.Background(), fresh.cfg.Storage.Path, final, clk.Now()); err != nil {
		t.Fatal(err)
	}
	fresh.start()
	for _, m := range append(members, alice) {
		assertTextHas(t, "/streak of "+m.Username+" after the restore", fresh.slash(m, "streak").text(),
			"Current:** 2 days", "2026-03-02 · 1 session", "2026-03-01 · 1 session")
	}
}

// manyMembers are n members who may post in the test channel.
func manyMembers(n int) []fakediscord.Member {
	out := make([]fakediscord.Member, n)
	for i := range out {
		out[i] = fakediscord.Member{ID: fmt.Sprintf("3%017d", i+1), Username: fmt.Sprintf("member%02d", i+1),
			Permissions: discordgo.PermissionViewChannel | discordgo.PermissionSendMessages}
	}
	return out
}

// runSessionWith runs the Quick routine hosted by alice with members joining in the lobby,
// to its summary, on the fake clock.
func (h *harness) runSessionWith(clk *clock.Fake, members []fakediscord.Member) {
	h.t.Helper()
	lobby := h.startSession(1)
	join := buttonID(h.t, lobby, "Join")
	for _, m := range members {
		h.click(m, lobby.ID, join)
	}
	h.awaitText("the lobby, full", lobby.ID, fmt.Sprintf("Joined (%d)", len(members)+1))
	clk.Advance(time.Minute)
	h.awaitText("the lobby after the start", lobby.ID, "continues in the message below")
	live := h.sessionMessage()
	h.awaitText("first step", live.ID, "rep 1 of 2")
	clk.Advance(10 * time.Second)
	h.awaitText("second step", live.ID, "rep 2 of 2")
	clk.Advance(10 * time.Second)
	h.awaitText("summary", live.ID, "Session complete: Quick")
}

// awaitBackups waits until dir holds n scheduled backups of the database at dbPath.
func awaitBackups(t *testing.T, dir, dbPath string, n int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		got, err := storage.ScheduledBackups(dir, dbPath)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d scheduled backups in %s; want %d", len(got), dir, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
