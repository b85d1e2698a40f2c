package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"

	"github.com/mattn/go-sqlite3"
)

// walBackstop is the writer's wal_autocheckpoint, in pages (4 KiB each): the size at
// which a commit checkpoints the WAL itself. The checkpointer normally keeps the WAL far
// below it; the backstop bounds the WAL should the checkpointer fall behind, as it can
// under writes back to back (the WAL restarts from its beginning only when a write
// begins after a complete checkpoint).
const walBackstop = 16384

// connector opens go-sqlite3 connections on which the WAL checkpoints only past
// walBackstop (go-sqlite3's connection string cannot set wal_autocheckpoint). It applies
// to every connection of a pool, so a replaced connection keeps the setting.
type connector struct {
	dsn    string
	driver *sqlite3.SQLiteDriver
}

func newConnector(dsn string) connector {
	return connector{dsn: dsn, driver: &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", walBackstop), nil)
		return err
	}}}
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.driver }

// checkpointer copies the WAL back into the database file on its own connection and
// goroutine, woken after every write transaction commits.
//
// Why: SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past
// wal_autocheckpoint pages (1,000 by default). Crediting a session dirties about 2,000
// pages, so every such commit used to copy them into the database file and fsync it
// before returning: about 20 ms of a 50 ms budget. Running the same PASSIVE checkpoint
// right after the commit, on another connection, takes that off the caller's path while
// the next write goes on (a PASSIVE checkpoint neither takes the write lock nor waits
// for readers).
//
// Durability stays what WAL with synchronous=NORMAL promises: a commit survives a process
// crash at once, and a power loss once the WAL is synced, which a checkpoint does first.
// A commit that crossed 1,000 pages used to return after that sync and now returns a
// moment before it (the checkpoint starts as the commit returns); a smaller commit, which
// used to wait unsynced until the WAL reached 1,000 pages, is now synced within moments.
// The price is two fsyncs in the background per write transaction, which a bot's write
// rate affords. A checkpoint never corrupts the database, wherever it stops; a failed or
// busy one is retried after the next commit, and the walBackstop bounds the WAL meanwhile.
type checkpointer struct {
	conn *sql.DB
	wake chan struct{} // buffered: wakes coalesce while a checkpoint runs
	quit chan struct{}
	done chan struct{}
	stop sync.Once
}

func startCheckpointer(conn *sql.DB) *checkpointer {
	c := &checkpointer{conn: conn, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.quit:
			return
		case <-c.wake:
			// Errors are left to the next wake and the backstop: see checkpointer.
			c.conn.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}

// poke asks for a checkpoint without waiting for it.
func (c *checkpointer) poke() {
	select {
	case c.wake <- struct{}{}:
	default: // one is already due
	}
}

// close stops the goroutine, after the checkpoint it is running, and closes its connection.
func (c *checkpointer) close() error {
	var err error
	c.stop.Do(func() {
		close(c.quit)
		<-c.done
		err = c.conn.Close()
	})
	return err
}
