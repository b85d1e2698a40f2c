package storage

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// lockFor holds the write lock of the database at path from another connection, as a
// backup or a second process would, until the returned channel is closed by the helper.
func lockFor(t *testing.T, path string, hold time.Duration) <-chan struct{} {
	t.Helper()
	other, err := sql.Open("sqlite3", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO guild_settings (guild_id, timezone, day_start_hour, solo_logs, freezes, host_role_id,
		server_streak_threshold, updated_at) VALUES ('locker', '', 0, 1, 1, '', 3, 'x')`); err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(hold)
		tx.Commit()
		close(released)
	}()
	return released
}

func TestWritesOutlastAShortLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.db")
	db, err := Open(context.Background(), path, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	released := lockFor(t, path, 2500*time.Millisecond) // longer than SQLite's own busy_timeout
	_, err = db.UpdateGuildSettings(context.Background(), testGuild, func(g *GuildSettings) { g.DayStartHour = 4 })
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
	released := lockFor(t, path, 3*time.Second)
	_, err = db.UpdateGuildSettings(context.Background(), testGuild, func(g *GuildSettings) { g.DayStartHour = 4 })
	var busy interface{ Busy() bool }
	if !errors.Is(err, ErrBusy) || !errors.As(err, &busy) || !busy.Busy() {
		t.Fatalf("a write behind a long lock = %v; want ErrBusy", err)
	}
	<-released
	if g, _ := db.GuildSettings(context.Background(), testGuild); g.DayStartHour != 0 {
		t.Errorf("the refused write changed the day start to %d", g.DayStartHour)
	}
}
