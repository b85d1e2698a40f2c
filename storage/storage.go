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
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/stretchbot/stretchbot/streak"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

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
	return open(ctx, path, now, opts...)
}

// open is Open after the folder check: SQLite's part, which tests also run alone to see
// how SQLite itself reports a folder or disk that refuses writes.
func open(ctx context.Context, path string, now func() time.Time, opts ...Option) (*DB, error) {
	db := &DB{path: path, now: now, log: slog.Default(), writeWait: DefaultWriteWait}
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

// checkParentDir checks that the database's folder exists and takes a new file: SQLite
// creates the -wal and -shm files beside the database, so a writable file in a read-only
// folder is not enough. It writes a byte into a probe file and removes it again.
func checkParentDir(path string) error {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cannot create database %s: folder %s does not exist; create it or change storage.path", path, dir)
	}
	if !info.IsDir() {
		return fmt.Errorf("cannot create database %s: %s is not a folder; change storage.path", path, dir)
	}
	f, err := os.CreateTemp(dir, ".stretchbot-write-check-*")
	if err == nil {
		_, err = f.Write([]byte{0})
		err = errors.Join(err, f.Close(), os.Remove(f.Name()))
	}
	if err != nil {
		return explainOS(path, err)
	}
	return nil
}

// Sentences for each way a database can refuse writes; each names the path and the fix.
const (
	msgReadOnly   = "database %s is read-only: give the bot's user write access to the file and its folder, or mount it read-write"
	msgReadOnlyFS = "database %s is on a read-only file system: mount it read-write, or change storage.path"
	msgFolder     = "cannot write database %s: its folder %s is not writable by the bot's user, and SQLite keeps its -wal and -shm files there; give the bot's user write access to the folder, or change storage.path"
	msgFull       = "the disk holding %s is full: free space and start again"
	msgCantOpen   = "cannot write database %s: check that the file and its folder exist and are writable by the bot's user, or change storage.path"
	msgIO         = "cannot write database %s: the disk reported an I/O error; check the disk and its mount (the system log says more), then start again"
	msgNotADB     = "%s is not a stretchbot SQLite database (or it is corrupt): move it aside and restore a backup, or point storage.path at a new file"
)

// explainedError is a failure told in one sentence that names the path and the fix. It
// keeps the cause for errors.Is and errors.As.
type explainedError struct {
	msg   string
	cause error
}

func (e *explainedError) Error() string { return e.msg }
func (e *explainedError) Unwrap() error { return e.cause }

func explained(cause error, format string, args ...any) error {
	return &explainedError{msg: fmt.Sprintf(format, args...), cause: cause}
}

// explainOS explains an operating-system error from writing in the database's folder.
func explainOS(path string, err error) error {
	switch {
	case errors.Is(err, syscall.EROFS):
		return explained(err, msgReadOnlyFS, path)
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return explained(err, msgFull, path)
	case errors.Is(err, fs.ErrPermission):
		return explained(err, msgFolder, path, filepath.Dir(path))
	}
	return explained(err, "cannot write database %s: writing a file in its folder %s failed (%v); fix the folder, or change storage.path", path, filepath.Dir(path), err)
}

// explain turns SQLite's terse errors into a sentence that names the path; other errors
// pass through unchanged.
func (db *DB) explain(err error) error {
	var sqliteErr sqlite3.Error
	if !errors.As(err, &sqliteErr) {
		return err
	}
	switch sqliteErr.Code {
	case sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
		return explained(err, msgNotADB, db.path)
	case sqlite3.ErrFull:
		return explained(err, msgFull, db.path)
	case sqlite3.ErrReadonly, sqlite3.ErrPerm, sqlite3.ErrCantOpen, sqlite3.ErrAuth, sqlite3.ErrIoErr:
		return db.explainRefusal(err, sqliteErr)
	}
	return err
}

// explainRefusal explains SQLite's ways of saying that it cannot write.
func (db *DB) explainRefusal(err error, sqliteErr sqlite3.Error) error {
	// SQLite reports some refusals of the operating system as I/O errors: name those.
	switch errno := sqliteErr.SystemErrno; {
	case errors.Is(errno, syscall.EROFS):
		return explained(err, msgReadOnlyFS, db.path)
	case errors.Is(errno, syscall.ENOSPC), errors.Is(errno, syscall.EDQUOT):
		return explained(err, msgFull, db.path)
	}
	// SQLite cannot tell a read-only file from a folder it cannot create its -wal and -shm
	// files in (that is CANTOPEN, READONLY or an I/O error), nor from a read-only mount:
	// look at the folder, which also catches a folder that changed since Open.
	if folderErr := checkParentDir(db.path); folderErr != nil {
		return &explainedError{msg: folderErr.Error(), cause: errors.Join(err, folderErr)}
	}
	switch sqliteErr.Code {
	case sqlite3.ErrReadonly, sqlite3.ErrPerm:
		return explained(err, msgReadOnly, db.path)
	case sqlite3.ErrIoErr:
		return explained(err, msgIO, db.path)
	}
	return explained(err, msgCantOpen, db.path)
}

// ErrUnreadable is wrapped by the error of a stored row whose values cannot be decoded (a
// plan that is not JSON, a time that is not RFC 3339): the row is bad, not the database.
var ErrUnreadable = errors.New("stored row cannot be read")

// unreadableError names the row (what, e.g. "session 7") and the value that cannot be read.
type unreadableError struct {
	what string
	err  error
}

func (e *unreadableError) Error() string   { return e.what + " cannot be read: " + e.err.Error() }
func (e *unreadableError) Unwrap() []error { return []error{ErrUnreadable, e.err} }

func unreadable(what string, err error) error { return &unreadableError{what: what, err: err} }

// unreadableRow is a stored row that cannot be decoded, as setAside needs it.
type unreadableRow struct {
	id    int64
	attrs []any // what else names the row in the log, as slog key-value pairs (guild, channel)
	err   error // the decode error
}

// setAside takes rows that cannot be read out of service, so that one bad row never stops
// the bot: retire changes one row (a session is aborted; a schedule or reminder could be
// disabled) and reports whether it did, all in one write transaction. Each retired row is
// then logged at Warn as "<kind> row unreadable; <outcome>" with kind=id, its attrs and the
// decode error. A row that retire left alone (someone else ended it meanwhile) is not logged.
func (db *DB) setAside(ctx context.Context, kind, outcome string, rows []unreadableRow,
	retire func(ctx context.Context, tx *sql.Tx, r unreadableRow) (bool, error)) error {
	if len(rows) == 0 {
		return nil
	}
	var retired []unreadableRow
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		retired = retired[:0]
		for _, r := range rows {
			done, err := retire(ctx, tx, r)
			if err != nil {
				return fmt.Errorf("set aside unreadable %s %d: %w", kind, r.id, err)
			}
			if done {
				retired = append(retired, r)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range retired {
		args := append([]any{kind, r.id}, r.attrs...)
		db.log.Warn(kind+" row unreadable; "+outcome, append(args, "err", r.err)...)
	}
	return nil
}

// Close closes the handles; pending writes on the writer finish first. Closing the last
// connection checkpoints what the WAL still holds.
func (db *DB) Close() error {
	return errors.Join(db.ckpt.close(), db.read.Close(), db.write.Close())
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// inTx runs fn in a write transaction and commits it, or rolls back if fn fails.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	start, pause := time.Now(), 50*time.Millisecond
	for {
		err := db.tryTx(ctx, fn)
		if !isLocked(err) {
			return err
		}
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

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		prefix, _, _ := strings.Cut(e.Name(), "_")
		version, err := strconv.Atoi(prefix)
		if err != nil {
			return nil, fmt.Errorf("migration %s does not start with a number", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: version, name: e.Name(), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", out[i-1].name, out[i].name, out[i].version)
		}
	}
	return out, nil
}

// migrate applies each pending migration in its own transaction and records it, so
// a crash mid-way leaves the database at the last complete version.
func (db *DB) migrate(ctx context.Context) error {
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	applied, err := db.appliedVersions(ctx)
	if err != nil {
		return err
	}
	latest := migrations[len(migrations)-1].version
	for version := range applied {
		if version > latest {
			return fmt.Errorf("database %s has schema version %d but this stretchbot knows only up to %d: upgrade stretchbot, or restore a backup made for this version", db.path, version, latest)
		}
	}
	for _, m := range migrations {
		// Every known migration not yet recorded is applied, not only those above the
		// highest: a branch may have added a lower number after a higher one ran.
		if applied[m.version] {
			continue
		}
		if err := db.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, db.now().UTC().Format(time.RFC3339))
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) appliedVersions(ctx context.Context) (map[int]bool, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	return applied, rows.Err()
}

// SchemaVersion reports the highest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
