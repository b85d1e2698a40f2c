package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/stretchbot/stretchbot/reminders"
	"github.com/stretchbot/stretchbot/schedule"
)

// A member's personal reminders, one row per (server, member, kind); see
// migrations/0009_reminders.sql.

// SetReminder stores r as the member's reminder of its kind in its server, replacing the
// rule of one set before. A snooze or pause of the old rule is dropped; what was sent
// (LastSent, Sent, SentDay) is kept, so an edit cannot bring a second streak DM on the
// same day nor a move DM sooner than the quiet rules allow.
func (db *DB) SetReminder(ctx context.Context, r reminders.Reminder) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO reminders (guild_id, user_id, kind, every_minutes, from_at, to_at,
			days, at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (guild_id, user_id, kind) DO UPDATE SET every_minutes = excluded.every_minutes,
			from_at = excluded.from_at, to_at = excluded.to_at, days = excluded.days, at = excluded.at,
			snoozed_until = 0, paused_until = 0, updated_at = excluded.updated_at`,
			r.GuildID, r.UserID, string(r.Kind), int64(r.Every/time.Minute), clockText(r.Kind == reminders.Move, r.From),
			clockText(r.Kind == reminders.Move, r.To), r.Days.Spec(), clockText(r.Kind == reminders.Streak, r.At), db.stamp())
		return err
	})
}

// clockText is t as stored ("HH:MM"), or "" for a field the kind does not use.
func clockText(used bool, t schedule.LocalTime) string {
	if !used {
		return ""
	}
	return t.String()
}

// Reminder returns the member's reminder of kind in the server, or reminders.ErrNotFound.
// The server is part of the key: another server's reminder is never found.
func (db *DB) Reminder(ctx context.Context, guildID, userID string, kind reminders.Kind) (reminders.Reminder, error) {
	r, err := scanReminder(db.read.QueryRowContext(ctx, `SELECT `+reminderColumns+` FROM reminders
		WHERE guild_id = ? AND user_id = ? AND kind = ?`, guildID, userID, string(kind)))
	if errors.Is(err, sql.ErrNoRows) {
		return reminders.Reminder{}, reminders.ErrNotFound
	}
	return r, err
}

// Reminders lists the member's reminders in the server, move before streak.
func (db *DB) Reminders(ctx context.Context, guildID, userID string) ([]reminders.Reminder, error) {
	var out []reminders.Reminder
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT `+reminderColumns+` FROM reminders WHERE guild_id = ? AND user_id = ? ORDER BY kind`,
			[]any{guildID, userID}, func(rows *sql.Rows) error {
				r, err := scanReminder(rows)
				out = append(out, r)
				return err
			})
	})
	return out, err
}

// DeleteReminders deletes the member's reminder of kind in the server, or all of them for
// the kind "", and reports how many it deleted. Jobs queued for them find no reminder and
// skip.
func (db *DB) DeleteReminders(ctx context.Context, guildID, userID string, kind reminders.Kind) (int, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM reminders WHERE guild_id = ? AND user_id = ? AND (? = '' OR kind = ?)`,
			guildID, userID, string(kind), string(kind))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// HoldMove sets the member's move reminder's snooze and pause (zero times clear them), or
// returns reminders.ErrNotFound.
func (db *DB) HoldMove(ctx context.Context, guildID, userID string, snoozedUntil, pausedUntil time.Time) error {
	return db.changeReminder(ctx, `UPDATE reminders SET snoozed_until = ?, paused_until = ?
		WHERE guild_id = ? AND user_id = ? AND kind = 'move'`,
		unixOrZero(snoozedUntil), unixOrZero(pausedUntil), guildID, userID)
}

// ClaimReminderDM records, before it is sent, the DM of the member's reminder of kind due
// at due: it sets LastSent to due and counts it, and for a non-empty day sets SentDay. It
// claims nothing (ok false) when the reminder is gone, when a DM was already sent for a due
// time after quietSince (LastSent > quietSince), or when day is the SentDay. It returns
// the reminder as it was before the claim: its Sent rotates the exercises, and
// ReleaseReminderDM puts it back if the DM could not be sent. Claiming first makes a rerun
// after a crash skip rather than send again.
func (db *DB) ClaimReminderDM(ctx context.Context, guildID, userID string, kind reminders.Kind, due, quietSince time.Time,
	day string) (prev reminders.Reminder, ok bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		prev, err = scanReminder(tx.QueryRowContext(ctx, `SELECT `+reminderColumns+` FROM reminders
			WHERE guild_id = ? AND user_id = ? AND kind = ?`, guildID, userID, string(kind)))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil || prev.LastSent.After(quietSince) || (day != "" && prev.SentDay == day) {
			return err
		}
		ok = true
		_, err = tx.ExecContext(ctx, `UPDATE reminders SET last_sent = ?, sent_count = sent_count + 1,
			sent_day = CASE WHEN ? = '' THEN sent_day ELSE ? END WHERE guild_id = ? AND user_id = ? AND kind = ?`,
			due.Unix(), day, day, guildID, userID, string(kind))
		return err
	})
	return prev, ok && err == nil, err
}

// ReleaseReminderDM undoes the claim of the DM due at due (ClaimReminderDM), given the
// reminder as the claim returned it, so that a retry may send it. It changes nothing if
// the reminder was deleted or another DM was claimed since.
func (db *DB) ReleaseReminderDM(ctx context.Context, prev reminders.Reminder, due time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE reminders SET last_sent = ?, sent_count = ?, sent_day = ?
			WHERE guild_id = ? AND user_id = ? AND kind = ? AND last_sent = ?`,
			unixOrZero(prev.LastSent), prev.Sent, prev.SentDay, prev.GuildID, prev.UserID, string(prev.Kind), due.Unix())
		return err
	})
}

// changeReminder runs one statement on a reminder and reports reminders.ErrNotFound when
// it touched none.
func (db *DB) changeReminder(ctx context.Context, query string, args ...any) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, reminders.ErrNotFound)
		}
		return nil
	})
}

const reminderColumns = `guild_id, user_id, kind, every_minutes, from_at, to_at, days, at, snoozed_until, paused_until,
	last_sent, sent_count, sent_day`

// scanReminder reads reminderColumns from a *sql.Row or *sql.Rows.
func scanReminder(row rowScanner) (reminders.Reminder, error) {
	var r reminders.Reminder
	var kind, from, to, days, at string
	var every, snoozed, paused, last int64
	if err := row.Scan(&r.GuildID, &r.UserID, &kind, &every, &from, &to, &days, &at, &snoozed, &paused, &last,
		&r.Sent, &r.SentDay); err != nil {
		return reminders.Reminder{}, err
	}
	r.Kind, r.Every = reminders.Kind(kind), time.Duration(every)*time.Minute
	r.SnoozedUntil, r.PausedUntil, r.LastSent = unixTime(snoozed), unixTime(paused), unixTime(last)
	var err error
	if r.Days, err = schedule.ParseDays(days); err != nil {
		return r, err
	}
	for _, f := range []struct {
		text string
		to   *schedule.LocalTime
	}{{from, &r.From}, {to, &r.To}, {at, &r.At}} {
		if f.text == "" {
			continue
		}
		if *f.to, err = schedule.ParseLocalTime(f.text); err != nil {
			return r, err
		}
	}
	return r, nil
}

// unixTime is the instant of unix seconds s, the zero Time for 0.
func unixTime(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}
