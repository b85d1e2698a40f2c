package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stretchbot/stretchbot/jobs"
)

// The durable scheduler's rows (package jobs; table in 0006_jobs.sql). Times are INTEGER
// Unix nanoseconds, so due_at sorts and compares as a number (see the migration).

var _ jobs.Store = (*DB)(nil)

// pendingJob is the WHERE condition of the jobs_pending index, repeated word for word so
// that SQLite uses the index.
const pendingJob = `claimed_at IS NULL AND completed_at IS NULL`

// jobColumns are read by scanJob, in this order.
const jobColumns = `id, kind, key, guild_id, due_at, payload, attempts`

// Add implements jobs.Store: an existing (kind, key), pending or completed, is left as it is.
func (db *DB) Add(ctx context.Context, j jobs.Job) (bool, error) {
	if j.Kind == "" || j.Key == "" || j.Due.IsZero() {
		return false, fmt.Errorf("add job %q/%q: kind, key and due time are required", j.Kind, j.Key)
	}
	var added bool
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO jobs (kind, key, guild_id, due_at, payload, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, key) DO NOTHING`,
			j.Kind, j.Key, j.GuildID, j.Due.UnixNano(), j.Payload, db.now().UnixNano())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		added = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("add job %s/%s: %w", j.Kind, j.Key, err)
	}
	return added, nil
}

// Next implements jobs.Store: one probe of the jobs_pending index (with a Scope of some
// shards, a walk of it in due order to the first owned row).
func (db *DB) Next(ctx context.Context, scope jobs.Scope) (time.Time, bool, error) {
	where, args := scopeClause(scope)
	var due int64
	err := db.read.QueryRowContext(ctx, `SELECT due_at FROM jobs WHERE `+pendingJob+where+
		` ORDER BY due_at LIMIT 1`, args...).Scan(&due)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, false, nil
	case err != nil:
		return time.Time{}, false, fmt.Errorf("find the next due job: %w", db.explain(err))
	}
	return time.Unix(0, due).UTC(), true, nil
}

// Claim implements jobs.Store. The write transaction takes SQLite's write lock at BEGIN
// (_txlock=immediate), so two Claims, in this process or another, never select the same
// row: the second sees the first's claimed_at.
func (db *DB) Claim(ctx context.Context, scope jobs.Scope, now time.Time, limit int) ([]jobs.Job, error) {
	if limit <= 0 {
		return nil, nil
	}
	where, args := scopeClause(scope)
	var claimed []jobs.Job
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		claimed = claimed[:0]
		return eachRow(ctx, tx, `UPDATE jobs SET claimed_at = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM jobs WHERE `+pendingJob+` AND due_at <= ?`+where+`
				ORDER BY due_at, id LIMIT ?)
			RETURNING `+jobColumns,
			append(append([]any{now.UnixNano(), now.UnixNano()}, args...), limit),
			func(rows *sql.Rows) error {
				j, err := scanJob(rows)
				claimed = append(claimed, j)
				return err
			})
	})
	if err != nil {
		return nil, fmt.Errorf("claim due jobs: %w", err)
	}
	// RETURNING comes in no promised order.
	slices.SortFunc(claimed, func(a, b jobs.Job) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.ID, b.ID))
	})
	return claimed, nil
}

// Complete implements jobs.Store.
func (db *DB) Complete(ctx context.Context, id int64) error {
	return db.updateClaimed(ctx, "complete", id, `completed_at = ?`, db.now().UnixNano())
}

// Retry implements jobs.Store.
func (db *DB) Retry(ctx context.Context, id int64, at time.Time) error {
	return db.updateClaimed(ctx, "retry", id, `claimed_at = NULL, due_at = ?`, at.UnixNano())
}

// Release implements jobs.Store.
func (db *DB) Release(ctx context.Context, id int64) error {
	return db.updateClaimed(ctx, "release", id, `claimed_at = NULL, attempts = max(attempts - 1, 0)`)
}

// updateClaimed sets set on the claimed, not completed job id; a job in any other state is
// an error, and is left alone.
func (db *DB) updateClaimed(ctx context.Context, verb string, id int64, set string, args ...any) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET `+set+`
			WHERE id = ? AND claimed_at IS NOT NULL AND completed_at IS NULL`, append(args, id)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		return errors.New("it is not claimed (completed, pending or gone)")
	})
	if err != nil {
		return fmt.Errorf("%s job %d: %w", verb, id, err)
	}
	return nil
}

// Recover implements jobs.Store. Attempts stay counted, so a job that stops its process
// every time it runs is eventually given up.
func (db *DB) Recover(ctx context.Context, scope jobs.Scope) (int, error) {
	where, args := scopeClause(scope)
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET claimed_at = NULL
			WHERE claimed_at IS NOT NULL AND completed_at IS NULL`+where, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("recover claimed jobs: %w", err)
	}
	return int(n), nil
}

// scopeClause is the SQL condition (starting with AND) and arguments that keep a query to
// the guilds of scope, computing jobs.ShardOf in SQL; nothing for a scope of all guilds.
func scopeClause(scope jobs.Scope) (string, []any) {
	if scope.All() {
		return "", nil
	}
	args := []any{scope.Shards}
	for _, id := range scope.IDs {
		args = append(args, id)
	}
	return ` AND ((CAST(guild_id AS INTEGER) >> 22) % ?) IN (` +
		strings.TrimSuffix(strings.Repeat("?, ", len(scope.IDs)), ", ") + `)`, args
}

// scanJob reads one row of jobColumns.
func scanJob(row rowScanner) (jobs.Job, error) {
	var j jobs.Job
	var due int64
	if err := row.Scan(&j.ID, &j.Kind, &j.Key, &j.GuildID, &due, &j.Payload, &j.Attempts); err != nil {
		return j, err
	}
	j.Due = time.Unix(0, due).UTC()
	return j, nil
}

// PurgeJobs deletes the jobs completed before completedBefore and reports how many: the
// table otherwise keeps a row for every occurrence ever run. A purged job's (kind, key) is
// free again, so the idempotency of Add holds only within the kept window: keep longer
// than anything adds occurrences in the past (schedules add upcoming occurrences only).
func (db *DB) PurgeJobs(ctx context.Context, completedBefore time.Time) (int, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE completed_at < ?`, completedBefore.UnixNano())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge completed jobs: %w", err)
	}
	return int(n), nil
}
