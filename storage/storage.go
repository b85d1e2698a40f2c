// Package storage keeps stretchbot's state in one SQLite file: schema migrations,
// and the queries behind the small Store interfaces that the domain packages declare.
//
// Writes go through a single connection (SQLite allows one writer; queueing in Go is
// kinder than SQLITE_BUSY), reads through a small pool that WAL lets run alongside it.
// Public methods open the transaction; private helpers take a *sql.Tx.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/stretchbot/stretchbot/streak"
)

// DB is the opened, migrated database.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB
	ckpt  *checkpointer
	now   func() time.Time
	log   *slog.Logger
	// writeWait bounds how long a write waits for another process to release the
	// database (see inTx).
	writeWait time.Duration
	// defaultZone is defaults.timezone, for streaks of members and servers without a
	// zone; set by WithDefaultTimezone (UTC when empty).
	defaultZone string
	// unlock releases the shared lock a running bot holds on the database (lockFile).
	unlock func() error
	// observer is told of writes and lock waits (WithObserver).
	observer Observer
}

// Option adjusts Open.
type Option func(*DB)

// WithLogger sets where storage reports what it repairs by itself, such as an unreadable
// row it takes out of service (see ActiveSessions). slog.Default() when not given.
func WithLogger(l *slog.Logger) Option {
	return func(db *DB) {
		if l != nil {
			db.log = l
		}
	}
}

// WithDefaultTimezone sets defaults.timezone, the IANA zone of members and servers that
// set none (UTC when not given). Open fails if the zone does not load.
func WithDefaultTimezone(name string) Option {
	return func(db *DB) { db.defaultZone = name }
}

// DefaultWriteWait is how long a write waits, in all, for another process (a backup, a
// second bot on the same file) to release the database before it fails with ErrBusy: long
// enough to outlast a short lock, short enough to answer a member who clicked a button
// (the bot defers the answer; Discord allows 15 minutes).
const DefaultWriteWait = 20 * time.Second

// WithWriteWait overrides DefaultWriteWait.
func WithWriteWait(d time.Duration) Option {
	return func(db *DB) {
		if d > 0 {
			db.writeWait = d
		}
	}
}

// Open opens (creating if needed) the database at path, applies pending migrations and
// proves that a write reaches the file, so a database the bot cannot write is refused
// at start rather than failing every write later. Every failure is one sentence that
// names the path and what to do.
func Open(ctx context.Context, path string, now func() time.Time, opts ...Option) (*DB, error) {
	if err := checkParentDir(path); err != nil {
		return nil, err
	}
	unlock, err := lockFile(path, false)
	if errors.Is(err, errLockHeld) {
		return nil, fmt.Errorf("database %s is being restored; start the bot again when the restore is done", path)
	}
	if err != nil {
		return nil, explainOS(path, err)
	}
	db, err := open(ctx, path, now, opts...)
	if err != nil {
		return nil, errors.Join(err, unlock())
	}
	db.unlock = unlock
	return db, nil
}

// open is Open after the folder check: SQLite's part, which tests also run alone to see
// how SQLite itself reports a folder or disk that refuses writes.
func open(ctx context.Context, path string, now func() time.Time, opts ...Option) (*DB, error) {
	db := &DB{path: path, now: now, log: slog.Default(), writeWait: DefaultWriteWait, observer: nopObserver{}}
	for _, opt := range opts {
		opt(db)
	}
	if _, err := streak.ResolveZone("", "", db.defaultZone); err != nil {
		return nil, explained(err, "default time zone %q is not an IANA zone name that loads on this machine: use one like UTC, Europe/Berlin or America/New_York", db.defaultZone)
	}
	write := sql.OpenDB(newConnector(dsn(path, false)))
	write.SetMaxOpenConns(1)
	db.write = write
	if err := db.migrate(ctx); err != nil {
		write.Close()
		return nil, db.explain(err)
	}
	if err := db.probeWrite(ctx); err != nil {
		write.Close()
		return nil, db.explain(err)
	}
	read, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("cannot open database %s for reading: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	db.read = read
	ckpt := sql.OpenDB(newConnector(dsn(path, false)))
	ckpt.SetMaxOpenConns(1)
	db.ckpt = startCheckpointer(ckpt)
	return db, nil
}

// probeWrite commits a real write and checkpoints it into the database file. Migrations
// write only when one is pending, and a rolled-back transaction writes nothing, so without
// this a read-only file or a full disk would show only at the first credit.
//
// The write sets PRAGMA user_version (a header field stretchbot does not use otherwise) to
// another value and back in one transaction: the net change is nil, but the header page
// is dirty, so the commit appends it to the WAL (which a full disk refuses, and which
// needs the folder writable for the -wal and -shm files), and the PASSIVE checkpoint then
// writes it into the database file and syncs both. A read-only file fails at BEGIN
// IMMEDIATE already.
func (db *DB) probeWrite(ctx context.Context) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var v int64
		if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v^1)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v))
		return err
	})
	if err != nil {
		return err
	}
	var busy, logFrames, checkpointed int
	return db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logFrames, &checkpointed)
}

// dsn builds go-sqlite3's connection string. WAL lets readers run beside the writer,
// busy_timeout waits out a lock instead of failing, and _txlock=immediate takes the
// write lock at BEGIN so two writers never deadlock upgrading a read lock.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	// SQLite's own wait for a lock, per attempt; inTx retries up to DB.writeWait in all.
	q.Set("_busy_timeout", "1000")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "NORMAL")
	if readOnly {
		q.Set("_query_only", "true")
	} else {
		q.Set("_txlock", "immediate")
		// Crediting a session dirties about 2,000 pages (8 MiB); past the default 2 MiB
		// cache SQLite spills them into the WAL mid-transaction, some twice.
		q.Set("_cache_size", "-16384")
	}
	// Reuse prepared statements across calls: a finished session runs the same few
	// statements for each of up to thousands of members.
	q.Set("_stmt_cache_size", "32")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Close closes the handles; pending writes on the writer finish first. Closing the last
// connection checkpoints what the WAL still holds.
func (db *DB) Close() error {
	err := errors.Join(db.ckpt.close(), db.read.Close(), db.write.Close())
	if db.unlock != nil {
		err = errors.Join(err, db.unlock())
	}
	return err
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// inTx runs fn in a write transaction and commits it, or rolls back if fn fails.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	start, pause := time.Now(), 50*time.Millisecond
	defer func() { db.observer.Write(time.Since(start), err) }()
	for {
		err := db.tryTx(ctx, fn)
		if !isLocked(err) {
			return err
		}
		db.observer.BusyWait()
		if time.Since(start)+pause > db.writeWait {
			return &busyError{path: db.path, waited: time.Since(start).Round(time.Second), err: err}
		}
		select {
		case <-ctx.Done():
			return &busyError{path: db.path, waited: time.Since(start).Round(time.Second), err: err}
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Second)
	}
}

// ErrBusy is wrapped by the error of a write that waited DB.writeWait for another process
// to release the database. The write did not happen; trying again later may succeed.
var ErrBusy = errors.New("database is busy")

type busyError struct {
	path   string
	waited time.Duration
	err    error
}

func (e *busyError) Error() string {
	return fmt.Sprintf("database %s stayed locked by another process for %v: %v", e.path, e.waited, e.err)
}
func (e *busyError) Unwrap() []error { return []error{ErrBusy, e.err} }

// Busy marks the error as temporary for callers that cannot import storage (the bot
// answers "busy, try again" for any error with Busy() true).
func (e *busyError) Busy() bool { return true }

// isLocked reports whether err is SQLite giving up on a lock another connection holds.
func isLocked(err error) bool {
	var sqliteErr sqlite3.Error
	return errors.As(err, &sqliteErr) && (sqliteErr.Code == sqlite3.ErrBusy || sqliteErr.Code == sqlite3.ErrLocked)
}

// tryTx is one attempt of inTx.
func (db *DB) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.explain(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return db.explain(err)
	}
	if db.ckpt != nil { // nil while Open migrates
		db.ckpt.poke()
	}
	return nil
}

// inReadTx runs fn in a read-only transaction on the read pool: one snapshot for queries
// that must agree with each other.
func (db *DB) inReadTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return db.explain(err)
	}
	defer tx.Rollback() // read-only: nothing to commit
	return fn(tx)
}
