package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/streak"
)

// column is the member_streaks column a ranking orders by. For the current streak, run is
// the value of every member whose streak is still alive, and 0 is the value of the others.
func rankingColumn(r streak.Ranking) (string, bool) {
	switch r {
	case streak.RankCurrent:
		return "run", true
	case streak.RankBest:
		return "best", true
	case streak.RankTotal:
		return "total_days", true
	}
	return "", false
}

// Leaderboard returns the top limit members of a server by a ranking as of instant at, and
// the caller's own place, from one snapshot.
func (db *DB) Leaderboard(ctx context.Context, guildID string, by streak.Ranking, callerID string, limit int, at time.Time) (streak.Board, error) {
	column, ok := rankingColumn(by)
	if !ok {
		return streak.Board{}, fmt.Errorf("unknown ranking %q", by)
	}
	var out streak.Board
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		b, err := db.newBoard(ctx, tx, guildID, by, column, at)
		if err != nil {
			return err
		}
		if out.Top, err = b.top(ctx, limit); err != nil {
			return err
		}
		out.Caller, out.CallerOptedOut, err = b.place(ctx, callerID, out.Top)
		return err
	})
	if err != nil {
		return streak.Board{}, fmt.Errorf("%s leaderboard of %s: %w", by, guildID, err)
	}
	return out, nil
}

// board answers one leaderboard read inside a read transaction.
//
// The current streak depends on each member's today, in their zone. To avoid working that
// out in Go for every member, the queries compute it in SQL for each zone setting in use
// and sort members into: certainly broken (an old last day, left out by an index range),
// alive (today <= last + 1 + freezes held, as streak.Summary.At decides), settled (not
// alive, and their last credit was in the zone they count in now, so no move east can
// bridge a gap: broken), and the rest, members who changed zones, whose status Go decides
// with the streak rules.
type board struct {
	tx     *sql.Tx
	guild  guild.Settings
	by     streak.Ranking
	column string
	zones  *zoneCache
	at     time.Time
	// candidate, alive and settled are the SQL conditions above ("1" for rankings that do
	// not depend on the day), and params their named parameters.
	candidate, alive, settled string
	params                    []any
}

func (db *DB) newBoard(ctx context.Context, tx *sql.Tx, guildID string, by streak.Ranking, column string, at time.Time) (*board, error) {
	g, err := guildSettings(ctx, tx, guildID)
	if err != nil {
		return nil, err
	}
	b := &board{tx: tx, guild: g, by: by, column: column, zones: db.zonesOf(g), at: at, candidate: "1", alive: "1", settled: "1"}
	if by == streak.RankCurrent {
		err = b.classify(ctx)
	}
	return b, err
}

// zoneToday is one zone setting in use in the server and what it means at b.at.
type zoneToday struct {
	setting string // member_settings.timezone; "" for members who set none
	today   streak.Day
	// name is the zone the setting resolves to, as last_zone stores it; "" when that zone
	// skipped a date lately (moving across the date line), which bridges days even
	// without a move.
	name string
}

// classify builds the SQL conditions of the current-streak groups.
func (b *board) classify(ctx context.Context) error {
	zones, err := b.zonesInUse(ctx)
	if err != nil {
		return err
	}
	earliest := zones[0].today
	var aliveFrom, sameZone strings.Builder
	for i, z := range zones {
		earliest = min(earliest, z.today)
		b.params = append(b.params, sql.Named(fmt.Sprint("zone", i), z.setting), sql.Named(fmt.Sprint("name", i), z.name))
		fmt.Fprintf(&aliveFrom, " WHEN :zone%d THEN CASE s.freezes_held", i)
		for held := 0; held <= streak.MaxFreezes; held++ {
			covered := held
			if !b.guild.Freezes {
				covered = 0
			}
			param := fmt.Sprintf("alive%d_%d", i, held)
			b.params = append(b.params, sql.Named(param, z.today.AddDays(-1-covered).String()))
			fmt.Fprintf(&aliveFrom, " WHEN %d THEN :%s", held, param)
		}
		aliveFrom.WriteString(" END")
		fmt.Fprintf(&sameZone, " WHEN :zone%d THEN :name%d", i, i)
	}
	// Members further back than any freezes and bridged days reach are broken for sure.
	b.params = append(b.params, sql.Named("candidate", earliest.AddDays(-1-streak.MaxFreezes-streak.MaxTravelGap).String()))
	b.candidate = "s.last_day >= :candidate"
	b.alive = "s.last_day >= CASE s.zone_setting" + aliveFrom.String() + " END"
	b.settled = "(" + b.alive + ") OR s.last_zone = CASE s.zone_setting" + sameZone.String() + " END"
	return nil
}

// zonesInUse lists the zone settings of the server's members, "" (none) first, with
// their today at b.at.
func (b *board) zonesInUse(ctx context.Context) ([]zoneToday, error) {
	settings := []string{""}
	err := eachRow(ctx, b.tx, `SELECT DISTINCT timezone FROM member_settings WHERE guild_id = ? AND timezone <> ''`,
		[]any{b.guild.GuildID}, func(r *sql.Rows) error {
			var name string
			err := r.Scan(&name)
			settings = append(settings, name)
			return err
		})
	if err != nil {
		return nil, err
	}
	out := make([]zoneToday, len(settings))
	for i, setting := range settings {
		loc, err := b.zones.of(setting)
		if err != nil {
			return nil, err
		}
		today := streak.LocalDay(b.at, loc, b.guild.DayStartHour)
		out[i] = zoneToday{setting: setting, today: today, name: loc.String()}
		if b.skippedLately(loc, today) {
			out[i].name = ""
		}
	}
	return out, nil
}

// skippedLately reports whether loc skipped a date in the days a streak alive today can
// reach back over.
func (b *board) skippedLately(loc *time.Location, today streak.Day) bool {
	for d := today.AddDays(-2 - streak.MaxFreezes - streak.MaxTravelGap); d <= today; d++ {
		if streak.DayStart(d, loc, b.guild.DayStartHour).Equal(streak.DayEnd(d, loc, b.guild.DayStartHour)) {
			return true
		}
	}
	return false
}

// args are the named parameters of the board's queries, plus extra.
func (b *board) args(extra ...any) []any {
	return append(append([]any{sql.Named("guild", b.guild.GuildID)}, b.params...), extra...)
}

// rankedRows is the query over members shown on the board (not opted out) whose column
// passes cond, with their zone setting and whether they are alive and settled.
func (b *board) rankedRows(cond string) string {
	return `SELECT ` + summaryColumns + `, s.zone_setting, ` + b.alive + `, ` + b.settled + `
		FROM member_streaks s WHERE s.guild_id = :guild AND ` + cond + ` AND NOT s.opted_out`
}

// scanRanked reads a row of rankedRows and works out the member's value.
func (b *board) scanRanked(r *sql.Rows) (summaryRow, int, error) {
	var m memberState
	var alive, settled bool
	row, err := scanSummary(scanAlso(r, &m.settings.Timezone, &alive, &settled))
	if err != nil {
		return row, 0, err
	}
	m.row = row
	v, err := b.value(m, alive, settled)
	return row, v, err
}

// top walks the members in the column's order and keeps the first limit with a value:
// an alive streak's value is its run, so the walk's order is the board's.
func (b *board) top(ctx context.Context, limit int) ([]streak.Ranked, error) {
	rows, err := b.tx.QueryContext(ctx, b.rankedRows("s."+b.column+" > 0 AND "+b.candidate)+
		" ORDER BY s."+b.column+" DESC, s.user_id", b.args()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []streak.Ranked
	for len(out) < limit && rows.Next() {
		row, v, err := b.scanRanked(rows)
		if err != nil {
			return nil, err
		}
		if v == 0 {
			continue
		}
		rank := len(out) + 1
		if n := len(out); n > 0 && out[n-1].Value == v {
			rank = out[n-1].Rank
		}
		out = append(out, streak.Ranked{Rank: rank, UserID: row.UserID, Name: row.Name, Value: v})
	}
	return out, rows.Err()
}

// place returns the caller's place on the board.
func (b *board) place(ctx context.Context, callerID string, top []streak.Ranked) (*streak.Ranked, bool, error) {
	for _, r := range top {
		if r.UserID == callerID {
			return &r, false, nil
		}
	}
	m, _, err := readMember(ctx, b.tx, b.guild.GuildID, callerID)
	if err != nil || m.settings.LeaderboardOptOut {
		return nil, m.settings.LeaderboardOptOut, err
	}
	v, err := b.value(m, false, false)
	if err != nil || v == 0 {
		return nil, false, err
	}
	above, err := b.countAbove(ctx, v)
	if err != nil {
		return nil, false, err
	}
	return &streak.Ranked{Rank: above + 1, UserID: callerID, Name: m.row.Name, Value: v}, false, nil
}

// countAbove counts the members on the board with a value above v. One pass over the
// index counts the alive ones and lists the unsettled ones, whose status Go decides.
func (b *board) countAbove(ctx context.Context, v int) (int, error) {
	var n int
	var unsettled string
	err := b.tx.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE `+b.alive+`),
			json_group_array(s.user_id) FILTER (WHERE NOT (`+b.settled+`))
		FROM member_streaks s WHERE s.guild_id = :guild AND s.`+b.column+` > :value AND `+b.candidate+` AND NOT s.opted_out`,
		b.args(sql.Named("value", v))...).Scan(&n, &unsettled)
	if err != nil {
		return 0, err
	}
	err = eachRow(ctx, b.tx, b.rankedRows("s.user_id IN (SELECT value FROM json_each(:unsettled))"),
		b.args(sql.Named("unsettled", unsettled)), func(r *sql.Rows) error {
			_, value, err := b.scanRanked(r)
			if value > v {
				n++
			}
			return err
		})
	return n, err
}

// value is a member's value on the board; alive and settled are the SQL's verdict on a
// current streak (both false: not known).
func (b *board) value(m memberState, alive, settled bool) (int, error) {
	switch {
	case b.by == streak.RankBest:
		return m.row.Summary.Best, nil
	case b.by == streak.RankTotal:
		return m.row.Summary.TotalDays, nil
	case alive:
		return m.row.Summary.Run, nil
	case settled:
		return 0, nil
	}
	st, err := standingAt(m, b.guild, b.zones, b.at)
	return st.Status.Current, err
}
