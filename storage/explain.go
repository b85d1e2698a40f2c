package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/mattn/go-sqlite3"
)

// How storage tells a refused write: each failure is one sentence that names the path and
// the fix.

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

// CheckPath reports, in one sentence naming the fix, why Open would fail to write a
// database at path: its folder is missing, not a folder or not writable, or the file
// exists but cannot be opened for writing. It creates nothing that stays: check-config runs
// it before anything else would create the database.
func CheckPath(path string) error {
	if err := checkParentDir(path); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // Open creates it; the folder takes new files
	case err != nil:
		return explainOS(path, err)
	}
	return f.Close()
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
