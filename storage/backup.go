package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

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
	var check string
	if err := to.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		return BackupSummary{}, fmt.Errorf("the backup %s failed its integrity check (%s, %v); it was removed", dest, check, err)
	}
	var s BackupSummary
	err = to.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(DISTINCT guild_id || '/' || user_id) FROM activity),
		(SELECT COUNT(*) FROM activity), (SELECT COUNT(*) FROM sessions), (SELECT COUNT(*) FROM schedules)`).
		Scan(&s.Members, &s.CountedDays, &s.Sessions, &s.Schedules)
	return s, err
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
