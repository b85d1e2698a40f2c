package storage

import (
	"context"
	"database/sql"
	"time"
)

// Members whose DMs refused the bot (table dm_closed). A member's DM settings are theirs,
// not a server's, so the rows name no server.

// MarkDMsClosed remembers that the member's DMs refused the bot at at.
func (db *DB) MarkDMsClosed(ctx context.Context, userID string, at time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO dm_closed (user_id, since) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			userID, at.UTC().Format(time.RFC3339Nano))
		return err
	})
}

// DMsClosed reports whether the member's DMs are remembered as closed.
func (db *DB) DMsClosed(ctx context.Context, userID string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM dm_closed WHERE user_id = ?`, userID).Scan(&n)
	return n > 0, err
}

// ReopenDMs forgets that the member's DMs were closed and reports whether they were. It
// reads before it writes, because it runs at every command and almost always finds nothing.
func (db *DB) ReopenDMs(ctx context.Context, userID string) (bool, error) {
	if closed, err := db.DMsClosed(ctx, userID); err != nil || !closed {
		return false, err
	}
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM dm_closed WHERE user_id = ?`, userID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, err
}
