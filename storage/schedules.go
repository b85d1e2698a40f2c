package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/stretchbot/stretchbot/guild"
)

// CreateSchedule stores s (its ID and CreatedAt are set here) unless the server already
// keeps guild.MaxSchedules (*guild.ScheduleLimitError); the count and the insert share one
// transaction.
func (db *DB) CreateSchedule(ctx context.Context, s guild.Schedule) (guild.Schedule, error) {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schedules WHERE guild_id = ?`, s.GuildID).Scan(&count); err != nil {
			return err
		}
		if count >= guild.MaxSchedules {
			return &guild.ScheduleLimitError{Limit: guild.MaxSchedules}
		}
		stamp := db.stamp()
		res, err := tx.ExecContext(ctx, `INSERT INTO schedules (guild_id, channel_id, routine, at, days, zone,
			lobby_seconds, ping_role_id, event, created_by, created_at, skip_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.GuildID, s.ChannelID, s.Routine, s.At, s.Days, s.Zone, int64(s.Lobby/time.Second), s.PingRoleID, s.Event,
			s.CreatedBy, stamp, unixOrZero(s.SkipBefore))
		if err != nil {
			return err
		}
		s.ID, err = res.LastInsertId()
		s.CreatedAt, _ = time.Parse(time.RFC3339Nano, stamp)
		return err
	})
	return s, err
}

// Schedules lists the server's schedules by id.
func (db *DB) Schedules(ctx context.Context, guildID string) ([]guild.Schedule, error) {
	var out []guild.Schedule
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT `+scheduleColumns+` FROM schedules WHERE guild_id = ? ORDER BY id`,
			[]any{guildID}, func(rows *sql.Rows) error {
				s, err := scanSchedule(rows)
				out = append(out, s)
				return err
			})
	})
	return out, err
}

// Schedule returns the server's schedule with that id, or guild.ErrScheduleNotFound. The
// server is part of the key, so an id from another server finds nothing.
func (db *DB) Schedule(ctx context.Context, guildID string, id int64) (guild.Schedule, error) {
	s, err := scanSchedule(db.read.QueryRowContext(ctx, `SELECT `+scheduleColumns+` FROM schedules WHERE guild_id = ? AND id = ?`,
		guildID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return guild.Schedule{}, guild.ErrScheduleNotFound
	}
	return s, err
}

// DeleteSchedule removes the server's schedule with that id, with its Notify me list and
// its events' records, or returns guild.ErrScheduleNotFound.
func (db *DB) DeleteSchedule(ctx context.Context, guildID string, id int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := changeSchedule(ctx, tx, `DELETE FROM schedules WHERE guild_id = ? AND id = ?`, guildID, id); err != nil {
			return err
		}
		for _, table := range []string{"schedule_notify", "schedule_events"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE guild_id = ? AND schedule_id = ?`, guildID, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// SkipScheduleUntil makes the server's schedule skip its occurrences before until.
func (db *DB) SkipScheduleUntil(ctx context.Context, guildID string, id int64, until time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return changeSchedule(ctx, tx, `UPDATE schedules SET skip_before = ? WHERE guild_id = ? AND id = ?`,
			until.Unix(), guildID, id)
	})
}

// changeSchedule runs one statement whose last two arguments are the schedule's server and
// id, and reports guild.ErrScheduleNotFound when it touched no row.
func changeSchedule(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = guild.ErrScheduleNotFound
	}
	return err
}

const scheduleColumns = `id, guild_id, channel_id, routine, at, days, zone, lobby_seconds, ping_role_id, event,
	created_by, created_at, skip_before`

// scanSchedule reads scheduleColumns from a *sql.Row or *sql.Rows.
func scanSchedule(row rowScanner) (guild.Schedule, error) {
	var s guild.Schedule
	var lobby, skip int64
	var created string
	if err := row.Scan(&s.ID, &s.GuildID, &s.ChannelID, &s.Routine, &s.At, &s.Days, &s.Zone, &lobby, &s.PingRoleID,
		&s.Event, &s.CreatedBy, &created, &skip); err != nil {
		return guild.Schedule{}, err
	}
	s.Lobby = time.Duration(lobby) * time.Second
	if skip > 0 {
		s.SkipBefore = time.Unix(skip, 0).UTC()
	}
	var err error
	s.CreatedAt, err = time.Parse(time.RFC3339Nano, created)
	return s, err
}

// unixOrZero is t in unix seconds, 0 for the zero time.
func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
