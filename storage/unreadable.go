package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

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
