package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Scheduled backups (storage.backup.every) are named after the database and the moment
// they were taken, <name>-<UTC time>.db, so that a folder of them sorts by age and the bot
// can tell its own copies from any other file there: it deletes only files named so.
const backupStamp = "20060102T150405Z"

// ScheduledBackup is one backup the running bot made.
type ScheduledBackup struct {
	Path string
	At   time.Time
}

// ScheduledBackupPath is where the scheduled backup of the database at dbPath taken at at
// goes in dir.
func ScheduledBackupPath(dir, dbPath string, at time.Time) string {
	return filepath.Join(dir, backupPrefix(dbPath)+at.UTC().Format(backupStamp)+".db")
}

func backupPrefix(dbPath string) string {
	return strings.TrimSuffix(filepath.Base(dbPath), filepath.Ext(dbPath)) + "-"
}

// ScheduledBackups lists the scheduled backups of the database at dbPath in dir, oldest
// first; other files are left out. A missing dir holds none.
func ScheduledBackups(dir, dbPath string) ([]ScheduledBackup, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list the backups in %s: %w", dir, err)
	}
	prefix := backupPrefix(dbPath)
	var out []ScheduledBackup
	for _, e := range entries {
		stamp, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		at, err := time.Parse(backupStamp, strings.TrimSuffix(stamp, ".db"))
		if err != nil || !strings.HasSuffix(stamp, ".db") {
			continue
		}
		out = append(out, ScheduledBackup{Path: filepath.Join(dir, e.Name()), At: at})
	}
	slices.SortFunc(out, func(a, b ScheduledBackup) int { return a.At.Compare(b.At) })
	return out, nil
}

// PruneBackups deletes the oldest scheduled backups of the database at dbPath in dir
// until keep remain, and returns the paths deleted.
func PruneBackups(dir, dbPath string, keep int) ([]string, error) {
	backups, err := ScheduledBackups(dir, dbPath)
	if err != nil || len(backups) <= keep {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, b := range backups[:len(backups)-max(keep, 0)] {
		if err := os.Remove(b.Path); err != nil {
			errs = append(errs, fmt.Errorf("cannot delete the old backup %s: %w", b.Path, err))
			continue
		}
		removed = append(removed, b.Path)
	}
	return removed, errors.Join(errs...)
}

// PrepareBackupDir makes sure dir exists (creating it, and only it, when its parent does)
// and takes new files, or says in one sentence what to fix. create false only checks,
// for check-config.
func PrepareBackupDir(dir string, create bool) error {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) && create:
		if err := os.Mkdir(dir, 0o700); err != nil {
			return fmt.Errorf("storage.backup.dir %s: cannot create it (%v); create it, or choose a folder the bot's user may write", dir, unwrapOS(err))
		}
		return nil
	case errors.Is(err, fs.ErrNotExist):
		if _, err := os.Stat(filepath.Dir(dir)); err != nil {
			return fmt.Errorf("storage.backup.dir %s: neither it nor its parent folder exists; create it, or choose another folder", dir)
		}
		return nil // the bot creates it
	case err != nil:
		return fmt.Errorf("storage.backup.dir %s: %v", dir, unwrapOS(err))
	case !info.IsDir():
		return fmt.Errorf("storage.backup.dir %s is a file, not a folder; choose a folder", dir)
	}
	f, err := os.CreateTemp(dir, ".stretchbot-write-check-*")
	if err != nil {
		return fmt.Errorf("storage.backup.dir %s is not writable by the bot's user (%v); give it write access, or choose another folder", dir, unwrapOS(err))
	}
	return errors.Join(f.Close(), os.Remove(f.Name()))
}

// unwrapOS is an OS error without the path it repeats.
func unwrapOS(err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err
	}
	return err
}
