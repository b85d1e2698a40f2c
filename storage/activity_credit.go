package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/streak"
)

// Crediting: a group session or a solo log adds to the member's activity log and
// updates their streak summary in the same transaction.

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
	settings guild.MemberSettings
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
	guild guild.Settings
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
	before, best := m.row.Summary.TotalDays, m.row.Summary.Best
	if m.row.Summary.Apply(entry, rules) {
		m.row.Sessions += sessions
		m.row.Seconds += seconds
	} else if m.row, err = rebuildMember(ctx, c.tx, c.guild.GuildID, m.row.UserID, rules); err != nil {
		return Credited{}, err
	}
	m.row.Name, m.row.LastZone, m.row.exists = credit.Name, loc.String(), true
	if err := c.w.save(ctx, m.row, m.row.Summary.Best != best); err != nil {
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

// creditWriter holds the statements every credit runs, prepared once per batch: a
// session credits up to thousands of members in one transaction.
type creditWriter struct {
	// toRecent and toLog add a credit to its day's row in activity_recent or activity_log;
	// recordDay notes a day in activity_recent_days.
	toRecent, toLog, recordDay, saveStmt *sql.Stmt
	// update[bestChanged] updates a stored row; see save.
	update         [2]*sql.Stmt
	guildID, stamp string
	// logLastDay is activity_horizon's: days up to it are kept in activity_log.
	logLastDay string
	// recorded are the days this batch has noted in activity_recent_days.
	recorded map[streak.Day]bool
}

// upsertDaySQL adds a credit to its day's row in table (activity_recent or activity_log,
// which share their columns); its parameters are those of creditWriter.log.
func upsertDaySQL(table string) string {
	return `INSERT INTO ` + table + ` (guild_id, user_id, day, sessions, solo, seconds, minutes, bridged, zone, updated_at)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, (?6 + 30) / 60, ?7, ?8, ?9)` + addToDaySQL
}

// addToDaySQL ends every write of a day row into activity_recent or activity_log: a day
// counts once, so a row for a day already stored adds its counters to the stored row, and
// the later row's zone and time win.
const addToDaySQL = `
	ON CONFLICT (guild_id, user_id, day) DO UPDATE SET sessions = sessions + excluded.sessions,
		solo = solo + excluded.solo, seconds = seconds + excluded.seconds,
		minutes = (seconds + excluded.seconds + 30) / 60,
		bridged = bridged OR excluded.bridged, zone = excluded.zone, updated_at = excluded.updated_at`

func prepareCreditWriter(ctx context.Context, tx *sql.Tx, guildID string, at time.Time) (*creditWriter, error) {
	w := &creditWriter{guildID: guildID, stamp: at.UTC().Format(time.RFC3339Nano), recorded: map[streak.Day]bool{}}
	if err := tx.QueryRowContext(ctx, `SELECT log_last_day FROM activity_horizon`).Scan(&w.logLastDay); err != nil {
		return nil, fmt.Errorf("activity horizon: %w", err)
	}
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&w.toRecent, upsertDaySQL("activity_recent")}, {&w.toLog, upsertDaySQL("activity_log")},
		{&w.recordDay, `INSERT OR IGNORE INTO activity_recent_days (guild_id, day) VALUES (?, ?)`},
		{&w.saveStmt, saveSummarySQL}, {&w.update[0], updateSummarySQL(false)}, {&w.update[1], updateSummarySQL(true)},
	} {
		var err error
		if *p.stmt, err = tx.PrepareContext(ctx, p.query); err != nil {
			w.close()
			return nil, err
		}
	}
	return w, nil
}

// log adds a credit to its day's row. A day after the horizon goes to activity_recent,
// where one day's rows lie together (see migration 0010); a day up to it, credited late,
// to activity_log, which then already holds that day: no day is in both tables.
func (w *creditWriter) log(ctx context.Context, userID string, c streak.Credit, sessions, solo int, seconds int64, zone string) error {
	day, stmt := c.Day.String(), w.toLog
	if day > w.logLastDay {
		stmt = w.toRecent
		if !w.recorded[c.Day] {
			if _, err := w.recordDay.ExecContext(ctx, w.guildID, day); err != nil {
				return err
			}
			w.recorded[c.Day] = true
		}
	}
	_, err := stmt.ExecContext(ctx, w.guildID, userID, day, sessions, solo, seconds, c.Bridged, zone, w.stamp)
	return err
}

// save stores the member's summary row; bestChanged says whether its best differs from
// the stored row's. Nearly every credited member has a row already, so it updates first
// and inserts only when nothing was updated: an upsert of a stored row pays for a failed
// insert before its update. An update that leaves best out leaves its leaderboard index
// alone, and most credits do not beat the member's best.
func (w *creditWriter) save(ctx context.Context, row summaryRow, bestChanged bool) error {
	args := row.args(w.guildID)
	update := w.update[0]
	if bestChanged {
		update = w.update[1]
	}
	res, err := update.ExecContext(ctx, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	_, err = w.saveStmt.ExecContext(ctx, args...)
	return err
}

// close closes the statements prepared so far.
func (w *creditWriter) close() {
	for _, stmt := range []*sql.Stmt{w.toRecent, w.toLog, w.recordDay, w.saveStmt, w.update[0], w.update[1]} {
		if stmt != nil {
			stmt.Close()
		}
	}
}
