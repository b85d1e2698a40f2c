package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/mattn/go-sqlite3"
)

// BackupSummary is what a backup holds, for the operator to see it is the right one.
type BackupSummary struct {
	Members, CountedDays, Sessions, Schedules int
}

// Backup copies the database at src into a new file at dest with SQLite's online backup
// API, which is consistent while the bot runs and writes, then checks the copy (PRAGMA
// integrity_check) and reads what it holds. dest must not exist: a backup never overwrites.
// On any failure the partial copy is removed.
func Backup(ctx context.Context, src, dest string) (BackupSummary, error) {
	if _, err := os.Stat(src); err != nil {
		return BackupSummary{}, fmt.Errorf("cannot back up %s: %w", src, err)
	}
	if _, err := os.Stat(dest); err == nil {
		return BackupSummary{}, fmt.Errorf("%s already exists; a backup never overwrites a file, so choose a new name", dest)
	}
	if err := checkParentDir(dest); err != nil {
		return BackupSummary{}, err
	}
	summary, err := backup(ctx, src, dest)
	if err != nil {
		os.Remove(dest)
		return BackupSummary{}, err
	}
	return summary, nil
}

func backup(ctx context.Context, src, dest string) (BackupSummary, error) {
	from, err := sql.Open("sqlite3", dsn(src, true))
	if err != nil {
		return BackupSummary{}, err
	}
	defer from.Close()
	to, err := sql.Open("sqlite3", "file:"+dest)
	if err != nil {
		return BackupSummary{}, err
	}
	defer to.Close()
	if err := copyDatabase(ctx, from, to); err != nil {
		return BackupSummary{}, fmt.Errorf("backing up %s to %s failed: %w", src, dest, err)
	}
	s, err := checkCopy(ctx, to)
	if err != nil {
		return BackupSummary{}, fmt.Errorf("the backup %s %w; it was removed", dest, err)
	}
	return s, nil
}

// checkCopy runs SQLite's integrity check on a database copy and reads what it holds.
func checkCopy(ctx context.Context, db *sql.DB) (BackupSummary, error) {
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		return BackupSummary{}, fmt.Errorf("failed its integrity check (%s %v)", check, err)
	}
	var s BackupSummary
	err := db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(DISTINCT guild_id || '/' || user_id) FROM activity),
		(SELECT COUNT(*) FROM activity), (SELECT COUNT(*) FROM sessions), (SELECT COUNT(*) FROM schedules)`).
		Scan(&s.Members, &s.CountedDays, &s.Sessions, &s.Schedules)
	if err != nil {
		return BackupSummary{}, fmt.Errorf("is not a stretchbot database (%v)", err)
	}
	return s, nil
}

// Restore puts the backup at from in place of the database at path, keeping the database
// it replaces beside it (path + ".before-restore-<time>", with its -wal and -shm files),
// and returns what the restored database holds and where the old one was kept. It refuses
// while a bot holds the database (its lock), and checks the backup before touching
// anything; migrations run when the bot next starts.
func Restore(ctx context.Context, path, from string, now time.Time) (BackupSummary, string, error) {
	unlock, err := lockFile(path, true)
	if errors.Is(err, errLockHeld) {
		return BackupSummary{}, "", fmt.Errorf("a bot is running on %s; stop it before restoring, or the restore would pull the database from under it", path)
	}
	if err != nil {
		return BackupSummary{}, "", explainOS(path, err)
	}
	defer unlock()
	backupDB, err := sql.Open("sqlite3", dsn(from, true))
	if err != nil {
		return BackupSummary{}, "", err
	}
	summary, err := checkCopy(ctx, backupDB)
	backupDB.Close()
	if err != nil {
		return BackupSummary{}, "", fmt.Errorf("the backup %s %w; nothing was changed", from, err)
	}
	kept := path + ".before-restore-" + now.UTC().Format("20060102T150405Z")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(path+suffix, kept+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return BackupSummary{}, "", fmt.Errorf("cannot move %s aside to %s: %w", path+suffix, kept+suffix, err)
		}
	}
	if err := copyNew(from, path); err != nil {
		return BackupSummary{}, "", fmt.Errorf("copying %s to %s failed (%w); the old database is kept as %s", from, path, err, kept)
	}
	return summary, kept, nil
}

// copyNew copies from into a new file to (which must not exist) and syncs it to disk.
func copyNew(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return errors.Join(out.Sync(), out.Close())
}

// copyDatabase runs the online backup from one connection of from into one of to.
func copyDatabase(ctx context.Context, from, to *sql.DB) error {
	src, err := from.Conn(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := to.Conn(ctx)
	if err != nil {
		return err
	}
	defer dst.Close()
	return dst.Raw(func(d any) error {
		return src.Raw(func(s any) error {
			destConn, ok1 := d.(*sqlite3.SQLiteConn)
			srcConn, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return errors.New("not a SQLite connection")
			}
			b, err := destConn.Backup("main", srcConn, "main")
			if err != nil {
				return err
			}
			// One step copies every page inside one read transaction: in WAL mode the bot's
			// writes go on beside it, and the copy is the database as of the step's start.
			// (Smaller steps would restart whenever the bot wrote in between.)
			if _, err := b.Step(-1); err != nil {
				b.Close()
				return err
			}
			return b.Finish()
		})
	})
}
