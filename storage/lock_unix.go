//go:build unix

package storage

import (
	"errors"
	"os"
	"sync"
	"syscall"
)

// errLockHeld is lockFile's answer when another process holds the lock in a conflicting way.
var errLockHeld = errors.New("the database's lock is held by another process")

// lockFile takes the advisory lock beside the database (path + ".lock") without waiting:
// shared for a running bot (several may run on one database, one per shard), exclusive
// for a restore, which must not pull the file from under a bot. The lock ends with the
// process, so a killed bot never leaves it behind.
//
// A bot that cannot open the lock file (left by another user, say) runs without the lock
// rather than not at all: the lock only lets a restore see it. A restore needs the lock.
func lockFile(path string, exclusive bool) (release func() error, err error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		f, err = os.Open(path + ".lock") // flock works on a read-only descriptor too
	}
	if err != nil {
		if exclusive {
			return nil, err
		}
		return func() error { return nil }, nil
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errLockHeld
		}
		return nil, err
	}
	return sync.OnceValue(f.Close), nil // closing the file releases the lock; Close may run twice
}
