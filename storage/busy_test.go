package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/internal/sqlitetest"
)

func TestWritesOutlastAShortLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.db")
	db := openAt(t, path)
	defer db.Close()
	released := sqlitetest.HoldWriteLock(t, path, 2500*time.Millisecond) // longer than SQLite's own busy_timeout
	_, err := db.UpdateGuildSettings(context.Background(), testGuild, func(g *guild.Settings) { g.DayStartHour = 4 })
	if err != nil {
		t.Fatalf("a write behind a 2.5 s lock failed: %v", err)
	}
	<-released
	if g, _ := db.GuildSettings(context.Background(), testGuild); g.DayStartHour != 4 {
		t.Errorf("day start %d after the write; want 4", g.DayStartHour)
	}
}

func TestWritesGiveUpWithErrBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.db")
	db, err := Open(context.Background(), path, fixedNow, WithWriteWait(1500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	released := sqlitetest.HoldWriteLock(t, path, 3*time.Second)
	_, err = db.UpdateGuildSettings(context.Background(), testGuild, func(g *guild.Settings) { g.DayStartHour = 4 })
	var busy interface{ Busy() bool }
	if !errors.Is(err, ErrBusy) || !errors.As(err, &busy) || !busy.Busy() {
		t.Fatalf("a write behind a long lock = %v; want ErrBusy", err)
	}
	<-released
	if g, _ := db.GuildSettings(context.Background(), testGuild); g.DayStartHour != 0 {
		t.Errorf("the refused write changed the day start to %d", g.DayStartHour)
	}
}
