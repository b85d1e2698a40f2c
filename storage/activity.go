package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stretchbot/stretchbot/streak"
)

// Source says what a credit was for.
type Source string

const (
	// SourceSession is a group session the member was credited for.
	SourceSession Source = "session"
	// SourceSolo is solo practice the member logged with /done.
	SourceSolo Source = "solo"
)

// ActivityCredit is one member's credit: a group session completed, or a solo log.
type ActivityCredit struct {
	UserID string
	// Name is the member's display name, kept for leaderboards.
	Name string
	// Active is how long the member stretched; negative counts as 0. The log adds up
	// seconds and rounds to minutes once, when shown.
	Active time.Duration
	// Minutes is the time stretched in whole minutes, read only when Active is 0. It is
	// rounded already, so sums of it drift: give Active.
	Minutes int
	Source  Source
}

// Credited is a member's streak right after a credit.
type Credited struct {
	UserID string
	// Credit is the log entry: the local day the credit counted for.
	Credit streak.Credit
	// NewDay is true when that day had not counted yet, so the streak grew (or restarted);
	// false when the member was already credited that day (a day counts once).
	NewDay bool
	// Recorded is false for a solo log on a day that already counted: nothing was stored.
	Recorded bool
	Status   streak.Status
}

// CreditActivity credits members of a server at instant at, in one transaction: see
// creditActivityTx. It returns each member's streak afterwards, in the order of credits.
func (db *DB) CreditActivity(ctx context.Context, guildID string, credits []ActivityCredit, at time.Time) ([]Credited, error) {
	var out []Credited
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = db.creditActivityTx(ctx, tx, guildID, credits, at)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("credit activity in %s: %w", guildID, err)
	}
	return out, nil
}

// creditActivityTx is the credit itself, for callers that must credit inside their own
// transaction (a finished session records its credits and the streaks together). For each
// member it fixes the local day in the member's zone (their setting, else the server's,
// else the default) with the server's day-start hour, adds the credit to that day's log
// row (a day counts once; its counters add up) and updates the member's summary row to
// match the log. A solo log on a day that already counts records nothing at all: the day
// has counted, and a second /done is not more practice. A member credited twice in one
// call is credited twice, in order.
func (db *DB) creditActivityTx(ctx context.Context, tx *sql.Tx, guildID string, credits []ActivityCredit, at time.Time) ([]Credited, error) {
	g, err := guildSettings(ctx, tx, guildID)
	if err != nil {
		return nil, err
	}
	members, err := loadMembers(ctx, tx, guildID, credits)
	if err != nil {
		return nil, err
	}
	w, err := prepareCreditWriter(ctx, tx, guildID, at)
	if err != nil {
		return nil, err
	}
	defer w.close()
	c := creditor{tx: tx, w: w, guild: g, zones: db.zonesOf(g), at: at}
	out := make([]Credited, len(credits))
	for i, credit := range credits {
		if out[i], err = c.credit(ctx, members[credit.UserID], credit); err != nil {
			return nil, fmt.Errorf("credit %s: %w", credit.UserID, err)
		}
	}
	return out, nil
}

// memberState is what crediting and reading need to know about one member.
type memberState struct {
	settings MemberSettings
	row      summaryRow
}

// loadMembers reads the settings and summary rows of the credited members, two queries
// for any number of members.
func loadMembers(ctx context.Context, tx *sql.Tx, guildID string, credits []ActivityCredit) (map[string]*memberState, error) {
	members := make(map[string]*memberState, len(credits))
	for _, c := range credits {
		members[c.UserID] = &memberState{row: summaryRow{UserID: c.UserID}}
	}
	ids, err := json.Marshal(keys(members))
	if err != nil {
		return nil, err
	}
	const inIDs = ` WHERE guild_id = ? AND user_id IN (SELECT value FROM json_each(?))`
	err = eachRow(ctx, tx, `SELECT user_id, timezone FROM member_settings`+inIDs, []any{guildID, string(ids)}, func(r *sql.Rows) error {
		var id, zone string
		err := r.Scan(&id, &zone)
		members[id].settings.Timezone = zone
		return err
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, tx, `SELECT `+summaryColumns+` FROM member_streaks s`+inIDs, []any{guildID, string(ids)}, func(r *sql.Rows) error {
		row, err := scanSummary(r)
		members[row.UserID].row = row
		return err
	})
	return members, err
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// creditor credits members of one server at one instant.
type creditor struct {
	tx    *sql.Tx
	w     *creditWriter
	guild GuildSettings
	zones *zoneCache
	at    time.Time
}

func (c *creditor) credit(ctx context.Context, m *memberState, credit ActivityCredit) (Credited, error) {
	loc, err := c.zones.of(m.settings.Timezone)
	if err != nil {
		return Credited{}, err
	}
	lastLoc, err := c.zones.lastCredit(m.row)
	if err != nil {
		return Credited{}, err
	}
	entry := streak.NewCredit(c.at, loc, c.guild.DayStartHour, m.row.Summary.LastDay, lastLoc)
	rules := rulesOf(c.guild)
	if credit.Source == SourceSolo && m.row.Summary.TotalDays > 0 && entry.Day == m.row.Summary.LastDay {
		return Credited{UserID: m.row.UserID, Credit: entry, Status: m.row.Summary.At(entry, rules)}, nil
	}
	sessions, solo, seconds := credit.counts()
	if err := c.w.log(ctx, m.row.UserID, entry, sessions, solo, seconds, loc.String()); err != nil {
		return Credited{}, err
	}
	before := m.row.Summary.TotalDays
	if m.row.Summary.Apply(entry, rules) {
		m.row.Sessions += sessions
		m.row.Seconds += seconds
	} else if m.row, err = rebuildMember(ctx, c.tx, c.guild.GuildID, m.row.UserID, rules); err != nil {
		return Credited{}, err
	}
	m.row.Name, m.row.LastZone, m.row.exists = credit.Name, loc.String(), true
	if err := c.w.save(ctx, m.row); err != nil {
		return Credited{}, err
	}
	return Credited{UserID: m.row.UserID, Credit: entry, NewDay: m.row.Summary.TotalDays > before, Recorded: true,
		Status: m.row.Summary.At(entry, rules)}, nil
}

// counts are what the credit adds to its day's log row: seconds are Active to the nearest
// second (or Minutes, when Active is not given).
func (a ActivityCredit) counts() (sessions, solo int, seconds int64) {
	active := a.Active
	if active == 0 {
		active = time.Duration(a.Minutes) * time.Minute
	}
	seconds = int64(max(active, 0).Round(time.Second) / time.Second)
	if a.Source == SourceSolo {
		return 0, 1, seconds
	}
	return 1, 0, seconds
}

// minutesOf rounds seconds to the nearest minute: the one rounding of a sum of active time.
func minutesOf(seconds int64) int { return int((seconds + 30) / 60) }

// rulesOf are the streak rules a server chose.
func rulesOf(g GuildSettings) streak.Rules { return streak.Rules{Freezes: g.Freezes} }

// creditWriter holds the two statements every credit runs, prepared once per batch: a
// session credits up to thousands of members in one transaction.
type creditWriter struct {
	logStmt, saveStmt *sql.Stmt
	guildID, stamp    string
}

func prepareCreditWriter(ctx context.Context, tx *sql.Tx, guildID string, at time.Time) (*creditWriter, error) {
	logStmt, err := tx.PrepareContext(ctx, `INSERT INTO activity
		(guild_id, user_id, day, sessions, solo, seconds, minutes, bridged, zone, updated_at)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, (?6 + 30) / 60, ?7, ?8, ?9)
		ON CONFLICT (guild_id, user_id, day) DO UPDATE SET sessions = sessions + excluded.sessions,
			solo = solo + excluded.solo, seconds = seconds + excluded.seconds,
			minutes = (seconds + excluded.seconds + 30) / 60,
			bridged = bridged OR excluded.bridged, zone = excluded.zone, updated_at = excluded.updated_at`)
	if err != nil {
		return nil, err
	}
	saveStmt, err := tx.PrepareContext(ctx, saveSummarySQL)
	if err != nil {
		logStmt.Close()
		return nil, err
	}
	return &creditWriter{logStmt: logStmt, saveStmt: saveStmt, guildID: guildID, stamp: at.UTC().Format(time.RFC3339Nano)}, nil
}

func (w *creditWriter) log(ctx context.Context, userID string, c streak.Credit, sessions, solo int, seconds int64, zone string) error {
	_, err := w.logStmt.ExecContext(ctx, w.guildID, userID, c.Day.String(), sessions, solo, seconds, c.Bridged, zone, w.stamp)
	return err
}

func (w *creditWriter) save(ctx context.Context, row summaryRow) error {
	_, err := w.saveStmt.ExecContext(ctx, row.args(w.guildID)...)
	return err
}

func (w *creditWriter) close() {
	w.logStmt.Close()
	w.saveStmt.Close()
}

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

// args are saveSummarySQL's parameters.
func (r summaryRow) args(guildID string) []any {
	return append([]any{guildID, r.UserID, r.Name}, r.stateArgs()...)
}

// stateArgs are the columns rebuilt from the log, in saveSummarySQL's order.
func (r summaryRow) stateArgs() []any {
	s := r.Summary
	return []any{s.LastDay.String(), s.Run, s.Best, s.TotalDays, s.FreezesHeld, joinDays(s.FrozenDays),
		r.Sessions, r.Seconds, minutesOf(r.Seconds), r.LastZone}
}

type scanner interface{ Scan(dest ...any) error }

func scanSummary(sc scanner) (summaryRow, error) {
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

func (e *logEntry) scan(sc scanner) error {
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

// eachRow runs query and calls fn for every row.
func eachRow(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// zoneCache resolves members' zones in one server, loading each name once per call.
type zoneCache struct {
	server, fallback string
	byName           map[string]*time.Location
}

func (db *DB) zonesOf(g GuildSettings) *zoneCache {
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

// Standing is a member's streak as of an instant, in their zone.
type Standing struct {
	Status streak.Status
	// Today is the member's local day and TodayEnds the instant it ends, in Zone.
	Today     streak.Day
	TodayEnds time.Time
	Zone      *time.Location
	// Sessions, Active and Minutes are the totals over all days; Minutes is Active
	// rounded to the nearest minute, once.
	Sessions, Minutes int
	Active            time.Duration
}

// standingAt is what member m's summary means at instant at.
func standingAt(m memberState, g GuildSettings, zones *zoneCache, at time.Time) (Standing, error) {
	loc, err := zones.of(m.settings.Timezone)
	if err != nil {
		return Standing{}, err
	}
	lastLoc, err := zones.lastCredit(m.row)
	if err != nil {
		return Standing{}, err
	}
	now := streak.NewCredit(at, loc, g.DayStartHour, m.row.Summary.LastDay, lastLoc)
	today := streak.LocalDay(at, loc, g.DayStartHour)
	return Standing{
		Status: m.row.Summary.At(now, rulesOf(g)), Today: today, TodayEnds: streak.DayEnd(today, loc, g.DayStartHour),
		Zone: loc, Sessions: m.row.Sessions, Minutes: minutesOf(m.row.Seconds), Active: time.Duration(m.row.Seconds) * time.Second,
	}, nil
}

// readMember reads a member's settings and summary row in one server.
func readMember(ctx context.Context, tx *sql.Tx, guildID, userID string) (memberState, GuildSettings, error) {
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
func (db *DB) readStanding(ctx context.Context, tx *sql.Tx, guildID, userID string, at time.Time) (Standing, error) {
	m, g, err := readMember(ctx, tx, guildID, userID)
	if err != nil {
		return Standing{}, err
	}
	return standingAt(m, g, db.zonesOf(g), at)
}

// RecentDays is how many counted days StreakOf lists.
const RecentDays = 14

// DayActivity is what one counted day of the log holds.
type DayActivity struct {
	Day      streak.Day
	Sessions int // group sessions credited
	Solo     int // solo logs
	// Active is the day's active time; Minutes is Active rounded to the nearest minute.
	Minutes int
	Active  time.Duration
}

// StreakView is what /streak shows: the standing and the latest counted days.
type StreakView struct {
	Standing
	// Recent are the last RecentDays counted days, newest first.
	Recent []DayActivity
}

// StreakOf returns a member's streak in a server as of instant at.
func (db *DB) StreakOf(ctx context.Context, guildID, userID string, at time.Time) (StreakView, error) {
	var v StreakView
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		if v.Standing, err = db.readStanding(ctx, tx, guildID, userID, at); err != nil {
			return err
		}
		v.Recent, err = memberDays(ctx, tx, `ORDER BY day DESC LIMIT ?`, guildID, userID, RecentDays)
		return err
	})
	if err != nil {
		return v, fmt.Errorf("streak of %s in %s: %w", userID, guildID, err)
	}
	return v, nil
}

// memberDays reads a member's log rows, filtered and ordered by the tail of the query.
func memberDays(ctx context.Context, tx *sql.Tx, tail, guildID, userID string, arg any) ([]DayActivity, error) {
	var out []DayActivity
	err := eachRow(ctx, tx, `SELECT day, sessions, solo, seconds FROM activity WHERE guild_id = ? AND user_id = ? `+tail,
		[]any{guildID, userID, arg}, func(r *sql.Rows) error {
			var a DayActivity
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

// StatsWeeks is how many weeks of days Stats returns.
const StatsWeeks = 26

// StatsView is what /stats shows.
type StatsView struct {
	Standing
	// SoloDays counts the days with a solo log.
	SoloDays int
	// Days are the counted days of the last StatsWeeks weeks up to today, oldest first.
	Days []DayActivity
}

// Stats returns a member's totals and their log of the last StatsWeeks weeks.
func (db *DB) Stats(ctx context.Context, guildID, userID string, at time.Time) (StatsView, error) {
	var v StatsView
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		if v.Standing, err = db.readStanding(ctx, tx, guildID, userID, at); err != nil {
			return err
		}
		first := v.Today.AddDays(-7 * StatsWeeks)
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
// gap or, before today, the first day short of threshold.
func groupDays(ctx context.Context, tx *sql.Tx, guildID string, today streak.Day, threshold int) (map[streak.Day]int, error) {
	counts := map[streak.Day]int{}
	rows, err := tx.QueryContext(ctx, `SELECT day, COUNT(*) FROM activity WHERE guild_id = ? AND sessions > 0 AND day <= ?
		GROUP BY day ORDER BY day DESC`, guildID, today.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	next := today
	for rows.Next() {
		var text string
		var n int
		if err := rows.Scan(&text, &n); err != nil {
			return nil, err
		}
		day, err := streak.ParseDay(text)
		if err != nil {
			return nil, err
		}
		if day < next-1 {
			break
		}
		counts[day], next = n, day
		if n < threshold && day != today {
			break
		}
	}
	return counts, rows.Err()
}

// Forgotten counts what ForgetMember deleted.
type Forgotten struct {
	Days           int  // activity log rows (counted days)
	Streak         bool // the summary row
	Settings       bool // timezone and privacy choices
	SessionCredits int  // credits for group sessions
	Participations int  // places in group sessions
	Hosted         int  // sessions that named them as host
}

// ForgetMember deletes everything kept about a member in one server, in one transaction:
// their activity log, streak summary, settings, session credits, their places in group
// sessions and their name as a session's host. Take the member out of running sessions
// first (session.Engine.Forget), or a session ending later would credit them again. Other
// servers are untouched.
func (db *DB) ForgetMember(ctx context.Context, guildID, userID string) (Forgotten, error) {
	var f Forgotten
	var streaks, settings int
	steps := []struct {
		n     *int
		query string
	}{
		{&f.Days, `DELETE FROM activity WHERE guild_id = ? AND user_id = ?`},
		{&streaks, `DELETE FROM member_streaks WHERE guild_id = ? AND user_id = ?`},
		{&settings, `DELETE FROM member_settings WHERE guild_id = ? AND user_id = ?`},
		{&f.SessionCredits, `DELETE FROM session_credits WHERE guild_id = ? AND user_id = ?`},
		{&f.Participations, `DELETE FROM session_participants WHERE session_id IN
			(SELECT id FROM sessions WHERE guild_id = ?) AND user_id = ?`},
		{&f.Hosted, `UPDATE sessions SET host_id = '' WHERE guild_id = ? AND host_id = ?`},
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
			*s.n = int(n)
		}
		return nil
	})
	if err != nil {
		return Forgotten{}, fmt.Errorf("forget %s in %s: %w", userID, guildID, err)
	}
	f.Streak, f.Settings = streaks > 0, settings > 0
	return f, nil
}
