//go:build !unix

package storage

import "errors"

// errLockHeld is lockFile's answer when another process holds the lock.
var errLockHeld = errors.New("the database's lock is held by another process")

// lockFile is a no-op where advisory file locks are not available: restore then cannot
// tell that a bot runs, and says so in its documentation.
func lockFile(string, bool) (func() error, error) { return func() error { return nil }, nil }
