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
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is the opened, migrated database.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB
	now   func() time.Time
	// defaultZone is defaults.timezone, for streaks of members and servers without a
	// zone; set by SetDefaultTimezone.
	defaultZone string
}

// Open opens (creating if needed) the database at path and applies pending
// migrations. Every failure is one sentence that names the path and what to do.
func Open(ctx context.Context, path string, now func() time.Time) (*DB, error) {
	if err := checkParentDir(path); err != nil {
		return nil, err
	}
	write, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("cannot open database %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	db := &DB{path: path, write: write, now: now}
	if err := db.migrate(ctx); err != nil {
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
	return db, nil
}

// dsn builds go-sqlite3's connection string. WAL lets readers run beside the writer,
// busy_timeout waits out a lock instead of failing, and _txlock=immediate takes the
// write lock at BEGIN so two writers never deadlock upgrading a read lock.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "NORMAL")
	if readOnly {
		q.Set("_query_only", "true")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

func checkParentDir(path string) error {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cannot create database %s: folder %s does not exist; create it or change storage.path", path, dir)
	}
	if !info.IsDir() {
		return fmt.Errorf("cannot create database %s: %s is not a folder; change storage.path", path, dir)
	}
	return nil
}

// explain turns SQLite's terse errors into a sentence that names the path.
func (db *DB) explain(err error) error {
	var sqliteErr sqlite3.Error
	if errors.As(err, &sqliteErr) {
		switch sqliteErr.Code {
		case sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
			return fmt.Errorf("%s is not a stretchbot SQLite database (or it is corrupt): move it aside and restore a backup, or point storage.path at a new file", db.path)
		case sqlite3.ErrCantOpen, sqlite3.ErrReadonly, sqlite3.ErrPerm, sqlite3.ErrAuth:
			return fmt.Errorf("cannot write database %s: check that the file and its folder are writable by this user, or change storage.path", db.path)
		}
	}
	return err
}

// Close closes both handles; pending writes on the writer finish first.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// inTx runs fn in a write transaction and commits it, or rolls back if fn fails.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.explain(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return db.explain(tx.Commit())
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
