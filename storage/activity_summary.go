package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/streak"
)

// Streak summaries: the member_streaks row that caches what the activity log means, and
// its rebuild from the log.

// minutesOf rounds seconds to the nearest minute: the one rounding of a sum of active time.
func minutesOf(seconds int64) int { return int((seconds + 30) / 60) }

// rulesOf are the streak rules a server chose.
func rulesOf(g guild.Settings) streak.Rules { return streak.Rules{Freezes: g.Freezes} }

// summaryRow is a member_streaks row: the streak summary of the member's log and totals.
type summaryRow struct {
	UserID   string
	Name     string
	Summary  streak.Summary
	Sessions int    // group sessions credited, all days
	Seconds  int64  // active time, all days
	LastZone string // zone of the latest credit
	exists   bool   // stored; false for a member never credited
}

// summaryColumns are read by scanSummary, in its order, from member_streaks aliased s.
const summaryColumns = `s.user_id, s.name, s.last_day, s.run, s.best, s.total_days, s.freezes_held, s.frozen_days,
	s.total_sessions, s.total_seconds, s.last_zone`

// saveSummarySQL stores a summaryRow; its parameters are summaryRow.args.
const saveSummarySQL = `INSERT INTO member_streaks (guild_id, user_id, name, last_day, run, best, total_days,
		freezes_held, frozen_days, total_sessions, total_seconds, total_minutes, last_zone)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (guild_id, user_id) DO UPDATE SET name = excluded.name, last_day = excluded.last_day,
		run = excluded.run, best = excluded.best, total_days = excluded.total_days,
		freezes_held = excluded.freezes_held, frozen_days = excluded.frozen_days,
		total_sessions = excluded.total_sessions, total_seconds = excluded.total_seconds, total_minutes = excluded.total_minutes,
		last_zone = excluded.last_zone`

// updateSummarySQL updates a stored summaryRow; its parameters are summaryRow.args, by
// number. Without withBest it leaves the stored best as it is (SQLite then leaves the
// best leaderboard's index alone): for rows whose best did not change.
func updateSummarySQL(withBest bool) string {
	best := ""
	if withBest {
		best = "best = ?6, "
	}
	return `UPDATE member_streaks SET name = ?3, last_day = ?4, run = ?5, ` + best + `total_days = ?7,
		freezes_held = ?8, frozen_days = ?9, total_sessions = ?10, total_seconds = ?11, total_minutes = ?12, last_zone = ?13
	WHERE guild_id = ?1 AND user_id = ?2`
}

// args are saveSummarySQL's and updateSummarySQL's parameters.
func (r summaryRow) args(guildID string) []any {
	return append([]any{guildID, r.UserID, r.Name}, r.stateArgs()...)
}

// stateArgs are the columns rebuilt from the log, in saveSummarySQL's order.
func (r summaryRow) stateArgs() []any {
	s := r.Summary
	return []any{s.LastDay.String(), s.Run, s.Best, s.TotalDays, s.FreezesHeld, joinDays(s.FrozenDays),
		r.Sessions, r.Seconds, minutesOf(r.Seconds), r.LastZone}
}

// scanSummary reads summaryColumns from a *sql.Row or *sql.Rows.
func scanSummary(sc rowScanner) (summaryRow, error) {
	r := summaryRow{exists: true}
	var last, frozen string
	s := &r.Summary
	err := sc.Scan(&r.UserID, &r.Name, &last, &s.Run, &s.Best, &s.TotalDays, &s.FreezesHeld, &frozen,
		&r.Sessions, &r.Seconds, &r.LastZone)
	if err != nil {
		return r, err
	}
	if s.LastDay, err = streak.ParseDay(last); err != nil {
		return r, err
	}
	s.FrozenDays, err = splitDays(frozen)
	return r, err
}

func joinDays(days []streak.Day) string {
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = d.String()
	}
	return strings.Join(parts, ",")
}

func splitDays(s string) ([]streak.Day, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	days := make([]streak.Day, len(parts))
	for i, p := range parts {
		d, err := streak.ParseDay(p)
		if err != nil {
			return nil, err
		}
		days[i] = d
	}
	return days, nil
}

// logColumns are the log columns a rebuild reads, in logEntry.scan's order.
const logColumns = `user_id, day, bridged, sessions, seconds, zone`

// logEntry is one activity row as a rebuild reads it.
type logEntry struct {
	userID   string
	credit   streak.Credit
	sessions int
	seconds  int64
	zone     string
}

func (e *logEntry) scan(sc rowScanner) error {
	var day string
	if err := sc.Scan(&e.userID, &day, &e.credit.Bridged, &e.sessions, &e.seconds, &e.zone); err != nil {
		return err
	}
	var err error
	e.credit.Day, err = streak.ParseDay(day)
	return err
}

// rebuildMember recomputes one member's summary row from their log.
func rebuildMember(ctx context.Context, tx *sql.Tx, guildID, userID string, rules streak.Rules) (summaryRow, error) {
	var row summaryRow
	err := rebuild(ctx, tx, rules, `SELECT `+logColumns+` FROM activity WHERE guild_id = ? AND user_id = ? ORDER BY day`,
		[]any{guildID, userID}, func(r summaryRow) error { row = r; return nil })
	return row, err
}

// RecomputeSummaries rebuilds every summary row of a server from its activity log under
// the server's current rules; call it after the rules (freezes on/off) changed. It returns
// the number of members recomputed.
func (db *DB) RecomputeSummaries(ctx context.Context, guildID string) (int, error) {
	n := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		g, err := guildSettings(ctx, tx, guildID)
		if err != nil {
			return err
		}
		save, err := tx.PrepareContext(ctx, `UPDATE member_streaks SET last_day = ?, run = ?, best = ?, total_days = ?,
			freezes_held = ?, frozen_days = ?, total_sessions = ?, total_seconds = ?, total_minutes = ?, last_zone = ?
			WHERE guild_id = ? AND user_id = ?`)
		if err != nil {
			return err
		}
		defer save.Close()
		return rebuild(ctx, tx, rulesOf(g), `SELECT `+logColumns+` FROM activity WHERE guild_id = ? ORDER BY user_id, day`,
			[]any{guildID}, func(r summaryRow) error {
				n++
				_, err := save.ExecContext(ctx, append(r.stateArgs(), guildID, r.UserID)...)
				return err
			})
	})
	if err != nil {
		return 0, fmt.Errorf("recompute streaks of %s: %w", guildID, err)
	}
	return n, nil
}

// rebuild reads log rows ordered by member and day and passes each member's recomputed
// summary to fn (with Name unset: the log does not keep names).
func rebuild(ctx context.Context, tx *sql.Tx, rules streak.Rules, query string, args []any, fn func(summaryRow) error) error {
	var (
		cur summaryRow
		log []streak.Credit
	)
	flush := func() error {
		if len(log) == 0 {
			return nil
		}
		cur.Summary, cur.exists = streak.Compute(log, rules), true
		err := fn(cur)
		cur, log = summaryRow{}, log[:0]
		return err
	}
	err := eachRow(ctx, tx, query, args, func(r *sql.Rows) error {
		var e logEntry
		if err := e.scan(r); err != nil {
			return err
		}
		if e.userID != cur.UserID {
			if err := flush(); err != nil {
				return err
			}
		}
		cur.UserID, cur.LastZone = e.userID, e.zone // ordered by day: the last row is the latest credit
		cur.Sessions += e.sessions
		cur.Seconds += e.seconds
		log = append(log, e.credit)
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}
