package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/stretchbot/stretchbot/guild"
)

// The Discord events that mirror schedule occurrences (table schedule_events), and the
// members who asked to be told before a schedule's lobby opens (schedule_notify and
// schedule_notices). Rows are keyed by schedule id and occurrence start; every query
// also names the guild, so an id from another server finds nothing.

// SaveOccurrenceEvent stores (or replaces) the event mirroring an occurrence.
func (db *DB) SaveOccurrenceEvent(ctx context.Context, e guild.OccurrenceEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO schedule_events (schedule_id, start, guild_id, event_id, end_at, ended)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (schedule_id, start) DO UPDATE SET
			event_id = excluded.event_id, end_at = excluded.end_at, ended = excluded.ended
			WHERE schedule_events.guild_id = excluded.guild_id`,
			e.ScheduleID, e.Start.Unix(), e.GuildID, e.EventID, e.End.Unix(), e.Ended)
		return err
	})
}

// OccurrenceEvent returns the event mirroring the occurrence; ok is false when there is none.
func (db *DB) OccurrenceEvent(ctx context.Context, guildID string, scheduleID int64, start time.Time) (e guild.OccurrenceEvent, ok bool, err error) {
	e, err = scanOccurrenceEvent(db.read.QueryRowContext(ctx, `SELECT `+occurrenceEventColumns+` FROM schedule_events
		WHERE guild_id = ? AND schedule_id = ? AND start = ?`, guildID, scheduleID, start.Unix()))
	if errors.Is(err, sql.ErrNoRows) {
		return guild.OccurrenceEvent{}, false, nil
	}
	return e, err == nil, err
}

// OpenOccurrenceEvents lists the schedule's events that the bot has not ended, by start.
func (db *DB) OpenOccurrenceEvents(ctx context.Context, guildID string, scheduleID int64) ([]guild.OccurrenceEvent, error) {
	var out []guild.OccurrenceEvent
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT `+occurrenceEventColumns+` FROM schedule_events
			WHERE guild_id = ? AND schedule_id = ? AND ended = 0 ORDER BY start`, []any{guildID, scheduleID},
			func(rows *sql.Rows) error {
				e, err := scanOccurrenceEvent(rows)
				out = append(out, e)
				return err
			})
	})
	return out, err
}

// DeleteOccurrenceEvent forgets the event of an occurrence (it was deleted on Discord).
func (db *DB) DeleteOccurrenceEvent(ctx context.Context, guildID string, scheduleID int64, start time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM schedule_events WHERE guild_id = ? AND schedule_id = ? AND start = ?`,
			guildID, scheduleID, start.Unix())
		return err
	})
}

const occurrenceEventColumns = `guild_id, schedule_id, start, event_id, end_at, ended`

func scanOccurrenceEvent(row rowScanner) (guild.OccurrenceEvent, error) {
	var e guild.OccurrenceEvent
	var start, end int64
	if err := row.Scan(&e.GuildID, &e.ScheduleID, &start, &e.EventID, &end, &e.Ended); err != nil {
		return guild.OccurrenceEvent{}, err
	}
	e.Start, e.End = time.Unix(start, 0).UTC(), time.Unix(end, 0).UTC()
	return e, nil
}

// ToggleScheduleNotify adds the member to the schedule's Notify me list, or takes them off
// it if they were on it, and reports whether they are on it now. A schedule of another
// server (or none) is guild.ErrScheduleNotFound.
func (db *DB) ToggleScheduleNotify(ctx context.Context, guildID string, scheduleID int64, userID string) (on bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var exists int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schedules WHERE guild_id = ? AND id = ?`, guildID, scheduleID).Scan(&exists)
		if err != nil {
			return err
		}
		if exists == 0 {
			return guild.ErrScheduleNotFound
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM schedule_notify WHERE guild_id = ? AND schedule_id = ? AND user_id = ?`,
			guildID, scheduleID, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		on = true
		_, err = tx.ExecContext(ctx, `INSERT INTO schedule_notify (guild_id, schedule_id, user_id) VALUES (?, ?, ?)`,
			guildID, scheduleID, userID)
		return err
	})
	return on, err
}

// ScheduleNotifyMembers lists the members on the schedule's Notify me list.
func (db *DB) ScheduleNotifyMembers(ctx context.Context, guildID string, scheduleID int64) ([]string, error) {
	var out []string
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT user_id FROM schedule_notify WHERE guild_id = ? AND schedule_id = ? ORDER BY user_id`,
			[]any{guildID, scheduleID}, func(rows *sql.Rows) error {
				var id string
				err := rows.Scan(&id)
				out = append(out, id)
				return err
			})
	})
	return out, err
}

// ClaimNotice records that the member is being told of the occurrence and reports whether
// this call recorded it: false means they were told already (a rerun after a crash).
func (db *DB) ClaimNotice(ctx context.Context, scheduleID int64, start time.Time, userID string) (bool, error) {
	var claimed bool
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO schedule_notices (schedule_id, start, user_id) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, scheduleID, start.Unix(), userID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n > 0
		return err
	})
	return claimed, err
}

// ReleaseNotice undoes ClaimNotice after the DM failed for a reason worth retrying.
func (db *DB) ReleaseNotice(ctx context.Context, scheduleID int64, start time.Time, userID string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM schedule_notices WHERE schedule_id = ? AND start = ? AND user_id = ?`,
			scheduleID, start.Unix(), userID)
		return err
	})
}

// PurgeNotices deletes the notice records of occurrences that started before before: they
// only keep a rerun of a notify job from repeating itself.
func (db *DB) PurgeNotices(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM schedule_notices WHERE start < ?`, before.Unix())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
