package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/streak"
)

// Reading streaks: standings, /streak, /stats and the server streak, each in the
// member's or the server's local days.

// zoneCache resolves members' zones in one server, loading each name once per call.
type zoneCache struct {
	server, fallback string
	byName           map[string]*time.Location
}

func (db *DB) zonesOf(g guild.Settings) *zoneCache {
	return &zoneCache{server: g.Timezone, fallback: db.defaultZone, byName: map[string]*time.Location{}}
}

// of returns the zone of a member whose own setting is name ("" for none): see
// streak.ResolveZone.
func (z *zoneCache) of(name string) (*time.Location, error) {
	if loc, ok := z.byName[name]; ok {
		return loc, nil
	}
	loc, err := streak.ResolveZone(name, z.server, z.fallback)
	if err != nil {
		return nil, err
	}
	z.byName[name] = loc
	return loc, nil
}

// lastCredit returns the zone of the member's latest credit, nil if they have none. A
// zone that no longer loads counts as the server's: the travel rule then sees no move.
func (z *zoneCache) lastCredit(r summaryRow) (*time.Location, error) {
	if !r.exists {
		return nil, nil
	}
	return z.of(r.LastZone)
}

// standingAt is what member m's summary means at instant at.
func standingAt(m memberState, g guild.Settings, zones *zoneCache, at time.Time) (streak.Standing, error) {
	loc, err := zones.of(m.settings.Timezone)
	if err != nil {
		return streak.Standing{}, err
	}
	lastLoc, err := zones.lastCredit(m.row)
	if err != nil {
		return streak.Standing{}, err
	}
	now := streak.NewCredit(at, loc, g.DayStartHour, m.row.Summary.LastDay, lastLoc)
	today := streak.LocalDay(at, loc, g.DayStartHour)
	return streak.Standing{
		Status: m.row.Summary.At(now, rulesOf(g)), Today: today, TodayEnds: streak.DayEnd(today, loc, g.DayStartHour),
		Zone: loc, Sessions: m.row.Sessions, Minutes: minutesOf(m.row.Seconds), Active: time.Duration(m.row.Seconds) * time.Second,
	}, nil
}

// readMember reads a member's settings and summary row in one server.
func readMember(ctx context.Context, tx *sql.Tx, guildID, userID string) (memberState, guild.Settings, error) {
	g, err := guildSettings(ctx, tx, guildID)
	if err != nil {
		return memberState{}, g, err
	}
	ms, err := memberSettings(ctx, tx, guildID, userID)
	if err != nil {
		return memberState{}, g, err
	}
	m := memberState{settings: ms, row: summaryRow{UserID: userID}}
	row, err := scanSummary(tx.QueryRowContext(ctx, `SELECT `+summaryColumns+` FROM member_streaks s
		WHERE guild_id = ? AND user_id = ?`, guildID, userID))
	if err == nil {
		m.row = row
	} else if !errors.Is(err, sql.ErrNoRows) {
		return m, g, err
	}
	return m, g, nil
}

// readStanding reads a member's standing in a server at instant at.
func (db *DB) readStanding(ctx context.Context, tx *sql.Tx, guildID, userID string, at time.Time) (streak.Standing, error) {
	m, g, err := readMember(ctx, tx, guildID, userID)
	if err != nil {
		return streak.Standing{}, err
	}
	return standingAt(m, g, db.zonesOf(g), at)
}

// withStanding reads a member's standing at instant at into st, then runs more in the same
// read snapshot, so what more reads agrees with the standing.
func (db *DB) withStanding(ctx context.Context, guildID, userID string, at time.Time, st *streak.Standing, more func(tx *sql.Tx) error) error {
	return db.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		if *st, err = db.readStanding(ctx, tx, guildID, userID, at); err != nil {
			return err
		}
		return more(tx)
	})
}

// StreakOf returns a member's streak in a server as of instant at.
func (db *DB) StreakOf(ctx context.Context, guildID, userID string, at time.Time) (streak.View, error) {
	var v streak.View
	err := db.withStanding(ctx, guildID, userID, at, &v.Standing, func(tx *sql.Tx) (err error) {
		v.Recent, err = memberDays(ctx, tx, `ORDER BY day DESC LIMIT ?`, guildID, userID, streak.RecentDays)
		return err
	})
	if err != nil {
		return v, fmt.Errorf("streak of %s in %s: %w", userID, guildID, err)
	}
	return v, nil
}

// memberDays reads a member's log rows, filtered and ordered by the tail of the query.
func memberDays(ctx context.Context, tx *sql.Tx, tail, guildID, userID string, arg any) ([]streak.DayActivity, error) {
	var out []streak.DayActivity
	err := eachRow(ctx, tx, `SELECT day, sessions, solo, seconds FROM activity WHERE guild_id = ? AND user_id = ? `+tail,
		[]any{guildID, userID, arg}, func(r *sql.Rows) error {
			var a streak.DayActivity
			var day string
			var seconds int64
			if err := r.Scan(&day, &a.Sessions, &a.Solo, &seconds); err != nil {
				return err
			}
			a.Minutes, a.Active = minutesOf(seconds), time.Duration(seconds)*time.Second
			var err error
			a.Day, err = streak.ParseDay(day)
			out = append(out, a)
			return err
		})
	return out, err
}

// Stats returns a member's totals and their log of the last streak.StatsWeeks weeks.
func (db *DB) Stats(ctx context.Context, guildID, userID string, at time.Time) (streak.StatsView, error) {
	var v streak.StatsView
	err := db.withStanding(ctx, guildID, userID, at, &v.Standing, func(tx *sql.Tx) (err error) {
		first := v.Today.AddDays(-7 * streak.StatsWeeks)
		if v.Days, err = memberDays(ctx, tx, `AND day > ? ORDER BY day`, guildID, userID, first.String()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM activity WHERE guild_id = ? AND user_id = ? AND solo > 0`,
			guildID, userID).Scan(&v.SoloDays)
	})
	if err != nil {
		return v, fmt.Errorf("stats of %s in %s: %w", userID, guildID, err)
	}
	return v, nil
}

// ServerStreak returns the server's streak as of instant at: consecutive days, in the
// server's zone, on which at least its threshold of members completed a group session.
func (db *DB) ServerStreak(ctx context.Context, guildID string, at time.Time) (int, error) {
	var n int
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		g, err := guildSettings(ctx, tx, guildID)
		if err != nil {
			return err
		}
		loc, err := db.zonesOf(g).of("")
		if err != nil {
			return err
		}
		today := streak.LocalDay(at, loc, g.DayStartHour)
		counts, err := groupDays(ctx, tx, guildID, today, g.ServerStreakThreshold)
		n = streak.ServerStreak(counts, g.ServerStreakThreshold, today)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("server streak of %s: %w", guildID, err)
	}
	return n, nil
}

// groupDays counts the members who completed a group session on each day up to today,
// newest first, reading only as far back as a streak could reach: it stops at the first
// day without any (a missing today excepted) or, before today, the first day short of
// threshold.
func groupDays(ctx context.Context, tx *sql.Tx, guildID string, today streak.Day, threshold int) (map[streak.Day]int, error) {
	// One day at a time, so only the days the streak reaches are read, and each table on its
	// own rather than through the view activity: SQLite computes every column of a UNION
	// ALL view, so through it the log's index (activity_log_group_days) could not answer the
	// count alone, and each member's row cost a look-up in the log (1.7 ms for a day of the
	// benchmark server instead of 0.3 ms).
	count, err := tx.PrepareContext(ctx, `SELECT
		(SELECT COUNT(*) FROM activity_log WHERE guild_id = ?1 AND day = ?2 AND sessions > 0) +
		(SELECT COUNT(*) FROM activity_recent WHERE guild_id = ?1 AND day = ?2 AND sessions > 0)`)
	if err != nil {
		return nil, err
	}
	defer count.Close()
	counts := map[streak.Day]int{}
	for day := today; ; day-- {
		var n int
		if err := count.QueryRowContext(ctx, guildID, day.String()).Scan(&n); err != nil {
			return nil, err
		}
		switch {
		case n == 0 && day == today:
			continue // the streak may still be alive from yesterday
		case n == 0:
			return counts, nil
		}
		counts[day] = n
		if n < threshold && day != today {
			return counts, nil
		}
	}
}
