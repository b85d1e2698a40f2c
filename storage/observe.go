package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/stretchbot/stretchbot/jobs"
)

// Observer is told of every write transaction and every wait for a locked database, for
// the operator's metrics. Its methods must be cheap and safe for concurrent use.
type Observer interface {
	// Write is called once per write transaction (all its attempts): how long it took, waits
	// for the lock included, and its error (nil when committed).
	Write(d time.Duration, err error)
	// BusyWait is called each time a write attempt found the database still locked by
	// another connection after SQLite's own wait (busy_timeout, 1 s), whether it then tries
	// again or gives up with ErrBusy.
	BusyWait()
}

type nopObserver struct{}

func (nopObserver) Write(time.Duration, error) {}
func (nopObserver) BusyWait()                  {}

// WithObserver sets the Observer of writes; none when not given.
func WithObserver(o Observer) Option {
	return func(db *DB) {
		if o != nil {
			db.observer = o
		}
	}
}

// Ping reports whether the database answers a read, for the bot's readiness.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("the database %s does not answer: %w", db.path, db.explain(err))
	}
	return nil
}

// JobCounts are the durable scheduler's rows of scope at one moment.
type JobCounts struct {
	Pending int // neither claimed nor completed
	Due     int // pending, and due at now or before
}

// CountJobs counts the pending and the due jobs of scope (one index range of the pending
// jobs: completed rows are not read).
func (db *DB) CountJobs(ctx context.Context, scope jobs.Scope, now time.Time) (JobCounts, error) {
	where, args := scopeClause(scope)
	var n JobCounts
	err := db.read.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(due_at <= ?), 0) FROM jobs WHERE `+pendingJob+where,
		append([]any{now.UnixNano()}, args...)...).Scan(&n.Pending, &n.Due)
	if err != nil {
		return JobCounts{}, fmt.Errorf("count the pending jobs: %w", db.explain(err))
	}
	return n, nil
}
