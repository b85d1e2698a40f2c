package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// Forgotten counts what ForgetMember deleted.
type Forgotten struct {
	Days           int  // activity log rows (counted days)
	Streak         bool // the summary row
	Settings       bool // timezone and privacy choices
	SessionCredits int  // credits for group sessions
	Participations int  // places in group sessions
	Hosted         int  // sessions that named them as host
	Reminders      int  // personal reminders (/reminders)
	Notices        int  // schedules whose Notify me they had pressed
}

// ForgetMember deletes everything kept about a member in one server, in one transaction:
// their activity log, streak summary, settings, session credits, their places in group
// sessions, their name as a session's host, their reminders and their Notify me presses. Take the member out of
// running sessions first (session.Engine.Forget), or a session ending later would credit
// them again. Other servers are untouched.
func (db *DB) ForgetMember(ctx context.Context, guildID, userID string) (Forgotten, error) {
	var f Forgotten
	var streaks, settings, noticesSent int
	steps := []struct {
		n     *int
		query string
	}{
		// The log's days are kept in two tables (migration 0010); Days counts both.
		{&f.Days, `DELETE FROM activity_log WHERE guild_id = ? AND user_id = ?`},
		{&f.Days, `DELETE FROM activity_recent WHERE guild_id = ? AND user_id = ?`},
		{&streaks, `DELETE FROM member_streaks WHERE guild_id = ? AND user_id = ?`},
		{&settings, `DELETE FROM member_settings WHERE guild_id = ? AND user_id = ?`},
		{&f.SessionCredits, `DELETE FROM session_credits WHERE guild_id = ? AND user_id = ?`},
		{&f.Participations, `DELETE FROM session_participants WHERE session_id IN
			(SELECT id FROM sessions WHERE guild_id = ?) AND user_id = ?`},
		{&f.Hosted, `UPDATE sessions SET host_id = '' WHERE guild_id = ? AND host_id = ?`},
		{&f.Reminders, `DELETE FROM reminders WHERE guild_id = ? AND user_id = ?`},
		{&f.Notices, `DELETE FROM schedule_notify WHERE guild_id = ? AND user_id = ?`},
		{&noticesSent, `DELETE FROM schedule_notices WHERE schedule_id IN
			(SELECT id FROM schedules WHERE guild_id = ?) AND user_id = ?`},
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, s := range steps {
			res, err := tx.ExecContext(ctx, s.query, guildID, userID)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			*s.n += int(n)
		}
		return nil
	})
	if err != nil {
		return Forgotten{}, fmt.Errorf("forget %s in %s: %w", userID, guildID, err)
	}
	f.Streak, f.Settings = streaks > 0, settings > 0
	return f, nil
}
