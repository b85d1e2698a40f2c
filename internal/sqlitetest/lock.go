// Package sqlitetest helps tests put a SQLite database in the states other processes can
// leave it in.
package sqlitetest

import (
	"database/sql"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the driver the bot uses
)

// HoldWriteLock takes the write lock of the database at path from a connection of its own,
// as a backup or a second process on the same file would, and releases it after hold. The
// returned channel is closed once it is released.
func HoldWriteLock(t testing.TB, path string, hold time.Duration) <-chan struct{} {
	t.Helper()
	other, err := sql.Open("sqlite3", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	tx, err := other.Begin() // BEGIN IMMEDIATE: the write lock, held until the rollback
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(hold)
		tx.Rollback()
		close(released)
	}()
	return released
}
