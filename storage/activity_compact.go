package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/stretchbot/stretchbot/streak"
)

// Compaction: crediting writes new days into activity_recent, keyed day first so one
// session's credits lie on a few pages; reads want a member's days together, as
// activity_log keeps them. CompactActivity moves the days no credit reaches any more from
// the one to the other. See migration 0010.

// recentWindow is how many days before today's UTC date stay in activity_recent. A credit
// counts for the member's local day, which at day start hours after midnight west of UTC
// can lie two days before the UTC date; the days before those are no credit's any more.
// A credit that still comes for a moved day is correct, only slower: it goes to the log.
const recentWindow = 3

// activityColumns are the columns of activity_log and activity_recent, in their order.
const activityColumns = `guild_id, user_id, day, sessions, solo, minutes, bridged, zone, updated_at, seconds`

// CompactActivity moves every day of activity_recent older than recentWindow days before
// today (UTC, by the DB's clock) into activity_log, and advances activity_horizon so that
// later credits for those days go to the log. It runs in one transaction: a crash leaves
// every row either moved or not, never lost or in both tables. It returns the rows moved.
//
// Nothing depends on when it runs: reads see both tables, and a day left in
// activity_recent only costs reads one more look-up. Run it off the crediting path, when
// the bot starts and daily: it writes each moved row onto the log's pages, as crediting
// did before the split.
func (db *DB) CompactActivity(ctx context.Context) (int, error) {
	last := streak.LocalDay(db.now(), time.UTC, 0).AddDays(-recentWindow).String()
	var moved int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// A day moved is never in the log already (the horizon keeps the tables apart), but
		// should it be, its counters add up rather than fail or count the day twice.
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_log (`+activityColumns+`)
			SELECT `+activityColumns+` FROM activity_recent WHERE day <= ?`+addToDaySQL, last); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM activity_recent WHERE day <= ?`, last)
		if err != nil {
			return err
		}
		if moved, err = res.RowsAffected(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM activity_recent_days WHERE day <= ?`, last); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE activity_horizon SET log_last_day = ?1 WHERE log_last_day < ?1`, last)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("compact activity: %w", err)
	}
	return int(moved), nil
}
