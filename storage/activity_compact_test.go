package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/guild"
)

// compactAt compacts the activity log as if it were instant now, and returns the rows moved.
func compactAt(t *testing.T, db *DB, now time.Time) int {
	t.Helper()
	clock := db.now
	defer func() { db.now = clock }()
	db.now = func() time.Time { return now }
	moved, err := db.CompactActivity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	assertActivitySplit(t, db)
	return moved
}

// assertActivitySplit checks what keeps the two tables of the log one log: no day of a
// member is in both, the log ends at the horizon and the recent days begin after it, and
// every recent row's day is listed in activity_recent_days, where the view finds it.
func assertActivitySplit(t *testing.T, db *DB) {
	t.Helper()
	checks := []struct{ what, query string }{
		{"days in both tables", `SELECT COUNT(*) FROM activity_log JOIN activity_recent USING (guild_id, user_id, day)`},
		{"log days after the horizon", `SELECT COUNT(*) FROM activity_log, activity_horizon WHERE day > log_last_day`},
		{"recent days up to the horizon", `SELECT COUNT(*) FROM activity_recent, activity_horizon WHERE day <= log_last_day`},
		{"recent rows the view misses", `SELECT COUNT(*) FROM activity_recent r WHERE NOT EXISTS
			(SELECT 1 FROM activity_recent_days d WHERE d.guild_id = r.guild_id AND d.day = r.day)`},
		{"horizon rows other than one", `SELECT COUNT(*) - 1 FROM activity_horizon`},
	}
	for _, c := range checks {
		if n := countRows(t, db, c.query); n != 0 {
			t.Errorf("%d %s", n, c.what)
		}
	}
}

// daysIn lists the days of a member's rows in table.
func daysIn(t *testing.T, db *DB, table, guildID, userID string) []string {
	t.Helper()
	return namesOf(t, db, `SELECT day FROM `+table+` WHERE guild_id = ? AND user_id = ? ORDER BY day`, guildID, userID)
}

// readsOf is what every read of a member's log says, as text: the view's rows, /streak,
// /stats, the server streak and the rebuilt summary.
func readsOf(t *testing.T, db *DB, guildID, userID string, at time.Time) string {
	t.Helper()
	ctx := context.Background()
	v, err := db.StreakOf(ctx, guildID, userID, at)
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.Stats(ctx, guildID, userID, at)
	if err != nil {
		t.Fatal(err)
	}
	server, err := db.ServerStreak(ctx, guildID, at)
	if err != nil {
		t.Fatal(err)
	}
	assertSummariesMatchLog(t, db, guildID, "reading")
	return fmt.Sprintf("log:\n%sstreak %+v %d %d recent %+v\nstats %d solo %+v\nserver %d\n",
		dumpRows(t, db, `SELECT * FROM activity WHERE guild_id = '`+guildID+`' ORDER BY user_id, day`),
		v.Status, v.Sessions, v.Minutes, v.Recent, s.SoloDays, s.Days, server)
}

// TestCompactActivityMovesOldDays: compaction moves the days before the recent window
// into the log, of every server, and no read sees a difference.
func TestCompactActivityMovesOldDays(t *testing.T) {
	now := mustTime(t, "2024-06-10T12:00:00Z") // days up to 2024-06-07 are moved
	tests := []struct {
		name              string
		days              []int // credits of u1 and u2, days before now
		wantLog, wantKept []string
	}{
		{"nothing credited", nil, nil, nil},
		{"the window stays", []int{2, 1, 0}, nil, []string{"2024-06-08", "2024-06-09", "2024-06-10"}},
		{"older days move", []int{5, 4, 3, 2, 0}, []string{"2024-06-05", "2024-06-06", "2024-06-07"},
			[]string{"2024-06-08", "2024-06-10"}},
		{"all move", []int{30, 9, 8}, []string{"2024-05-11", "2024-06-01", "2024-06-02"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTemp(t)
			for _, g := range []string{testGuild, otherGuild} {
				updateGuild(t, db, g, func(s *guild.Settings) { s.ServerStreakThreshold = 2 })
				for _, d := range tt.days {
					at := now.AddDate(0, 0, -d)
					creditOne(t, db, g, "u1", SourceSession, 10+d, at)
					creditOne(t, db, g, "u2", []Source{SourceSession, SourceSolo}[d%2], 5, at)
				}
			}
			assertActivitySplit(t, db)
			before := readsOf(t, db, testGuild, "u1", now)
			if moved := compactAt(t, db, now); moved != 4*len(tt.wantLog) {
				t.Errorf("moved %d rows, want %d", moved, 4*len(tt.wantLog))
			}
			for _, g := range []string{testGuild, otherGuild} {
				for _, u := range []string{"u1", "u2"} {
					if got := daysIn(t, db, "activity_log", g, u); !slices.Equal(got, tt.wantLog) {
						t.Errorf("%s/%s: log days %v, want %v", g, u, got, tt.wantLog)
					}
					if got := daysIn(t, db, "activity_recent", g, u); !slices.Equal(got, tt.wantKept) {
						t.Errorf("%s/%s: recent days %v, want %v", g, u, got, tt.wantKept)
					}
				}
			}
			if after := readsOf(t, db, testGuild, "u1", now); after != before {
				t.Errorf("reads changed by compaction:\nbefore %s\nafter  %s", before, after)
			}
			if moved := compactAt(t, db, now); moved != 0 {
				t.Errorf("compacting again moved %d rows", moved)
			}
		})
	}
}

// TestSameDayCreditedAcrossCompaction: a day credited before and after it is moved, or
// found in both tables when moved, is one day whose counters add up.
func TestSameDayCreditedAcrossCompaction(t *testing.T) {
	day := mustTime(t, "2024-06-10T12:00:00Z")
	tests := []struct {
		name      string
		compactAt time.Time
		first     Source
		// inBoth stores the day in the log too before compacting, as no credit does.
		inBoth    bool
		wantTable string
		want      string // sessions solo seconds of the day's one row
	}{
		{"moved, then credited", day.AddDate(0, 0, 5), SourceSession, false, "activity_log", "2 0 900"},
		{"kept, then credited", day.AddDate(0, 0, 1), SourceSession, false, "activity_recent", "2 0 900"},
		{"solo moved, then a session", day.AddDate(0, 0, 5), SourceSolo, false, "activity_log", "1 1 900"},
		{"in both tables when moved", day.AddDate(0, 0, 5), SourceSession, true, "activity_log", "3 0 1500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTemp(t)
			creditOne(t, db, testGuild, "u1", tt.first, 10, day)
			if tt.inBoth {
				if _, err := db.write.Exec(`INSERT INTO activity_log SELECT ` + activityColumns + ` FROM activity_recent`); err != nil {
					t.Fatal(err)
				}
			}
			compactAt(t, db, tt.compactAt)
			creditOne(t, db, testGuild, "u1", SourceSession, 5, day)
			assertActivitySplit(t, db)
			got := strings.Fields(dumpRows(t, db, `SELECT sessions, solo, seconds FROM activity`))
			if strings.Join(got, " ") != tt.want {
				t.Errorf("the day reads %v, want one row %s", got, tt.want)
			}
			if n := len(daysIn(t, db, tt.wantTable, testGuild, "u1")); n != 1 {
				t.Errorf("%d rows in %s, want the day there", n, tt.wantTable)
			}
			if tt.inBoth {
				// The summary counted the day's first credit once; rebuild it from the log,
				// which now holds it twice, as a caller who stored the day twice would.
				if _, err := db.RecomputeSummaries(context.Background(), testGuild); err != nil {
					t.Fatal(err)
				}
			}
			v, err := db.StreakOf(context.Background(), testGuild, "u1", day)
			if err != nil || len(v.Recent) != 1 || v.Status.Current != 1 {
				t.Errorf("streak %+v, %v; want the one day once", v, err)
			}
			assertSummariesMatchLog(t, db, testGuild, "after")
		})
	}
}

// TestReadsSeeBothTables: a member whose days lie in both tables is read whole by every
// read, /my-data and /forget-me, and a rebuild from both changes no summary.
func TestReadsSeeBothTables(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	updateGuild(t, db, testGuild, func(s *guild.Settings) { s.ServerStreakThreshold = 1 })
	first := mustTime(t, "2024-06-01T12:00:00Z")
	for d := range 6 {
		creditOne(t, db, testGuild, "u1", []Source{SourceSession, SourceSolo}[d%2], 10, first.AddDate(0, 0, d))
		creditOne(t, db, testGuild, "u2", SourceSession, 10, first.AddDate(0, 0, d))
	}
	last := first.AddDate(0, 0, 5)
	compactAt(t, db, last) // moves 06-01 to 06-03
	if l, r := daysIn(t, db, "activity_log", testGuild, "u1"), daysIn(t, db, "activity_recent", testGuild, "u1"); len(l) != 3 || len(r) != 3 {
		t.Fatalf("log %v, recent %v: want three days in each", l, r)
	}
	v, err := db.StreakOf(ctx, testGuild, "u1", last)
	if err != nil || v.Status.Current != 6 || len(v.Recent) != 6 || v.Recent[0].Day.String() != "2024-06-06" || v.Recent[5].Day.String() != "2024-06-01" {
		t.Errorf("streak %+v, %v; want 6 days, newest first", v, err)
	}
	s, err := db.Stats(ctx, testGuild, "u1", last)
	if err != nil || len(s.Days) != 6 || s.Days[0].Day.String() != "2024-06-01" || s.SoloDays != 3 {
		t.Errorf("stats %+v, %v; want 6 days oldest first, 3 of them solo", s, err)
	}
	if n, err := db.ServerStreak(ctx, testGuild, last); err != nil || n != 6 {
		t.Errorf("server streak %d, %v; want 6", n, err)
	}
	if data, err := db.MemberData(ctx, testGuild, "u1"); err != nil || len(data["counted_days"]) != 6 {
		t.Errorf("my data %v, %v; want 6 counted days", data["counted_days"], err)
	}
	summaries := dumpRows(t, db, `SELECT * FROM member_streaks ORDER BY user_id`)
	if _, err := db.RecomputeSummaries(ctx, testGuild); err != nil {
		t.Fatal(err)
	}
	if again := dumpRows(t, db, `SELECT * FROM member_streaks ORDER BY user_id`); again != summaries {
		t.Errorf("recomputed summaries %s, stored %s", again, summaries)
	}
	backup, err := Backup(ctx, db.Path(), filepath.Join(t.TempDir(), "copy.db"))
	if err != nil || backup.CountedDays != 12 || backup.Members != 2 {
		t.Errorf("backup %+v, %v; want 12 days of 2 members", backup, err)
	}
	if f, err := db.ForgetMember(ctx, testGuild, "u1"); err != nil || f.Days != 6 {
		t.Errorf("forget %+v, %v; want 6 days", f, err)
	}
	for _, table := range []string{"activity_log", "activity_recent"} {
		if days := daysIn(t, db, table, testGuild, "u1"); len(days) != 0 {
			t.Errorf("%s keeps %v of a forgotten member", table, days)
		}
	}
}

// TestMigrationKeepsTheLogInPlace: a database of version 9 keeps its days in
// activity_log, its horizon at its last day, so a credit for that day adds to its row and
// the next day is a recent one.
func TestMigrationKeepsTheLogInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	raw := migratedTo(t, path, 9)
	if _, err := raw.Exec(`INSERT INTO activity (guild_id, user_id, day, sessions, solo, minutes, bridged, zone, updated_at, seconds)
		VALUES ('g1', 'u1', '2024-06-14', 1, 0, 10, 0, 'UTC', 'then', 600), ('g1', 'u1', '2024-06-15', 1, 0, 10, 0, 'UTC', 'then', 600)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db := openAt(t, path)
	defer db.Close()
	if n := countRows(t, db, `SELECT COUNT(*) FROM activity_horizon WHERE log_last_day = '2024-06-15'`); n != 1 {
		t.Errorf("the horizon is not the log's last day")
	}
	if _, err := db.RecomputeSummaries(context.Background(), testGuild); err != nil {
		t.Fatal(err)
	}
	creditOne(t, db, testGuild, "u1", SourceSession, 10, mustTime(t, "2024-06-15T20:00:00Z"))
	creditOne(t, db, testGuild, "u1", SourceSession, 10, mustTime(t, "2024-06-16T20:00:00Z"))
	assertActivitySplit(t, db)
	if got := daysIn(t, db, "activity_log", testGuild, "u1"); !slices.Equal(got, []string{"2024-06-14", "2024-06-15"}) {
		t.Errorf("log days %v", got)
	}
	if got := daysIn(t, db, "activity_recent", testGuild, "u1"); !slices.Equal(got, []string{"2024-06-16"}) {
		t.Errorf("recent days %v", got)
	}
	if n := countRows(t, db, `SELECT sessions FROM activity WHERE day = '2024-06-15'`); n != 2 {
		t.Errorf("the log's last day has %d sessions, want 2", n)
	}
}

// TestCompactActivityIsAllOrNothing: compaction failing at its last step (the horizon) as
// a crash would stop it, everything stays as it was: every row still in activity_recent,
// none in the log, the horizon unmoved. A later compaction then moves them.
func TestCompactActivityIsAllOrNothing(t *testing.T) {
	db := openTemp(t)
	now := mustTime(t, "2024-06-10T12:00:00Z")
	for d := range 6 {
		creditOne(t, db, testGuild, "u1", SourceSession, 10, now.AddDate(0, 0, d-5))
	}
	tables := func() string {
		var b strings.Builder
		for _, table := range []string{"activity_log", "activity_recent", "activity_recent_days", "activity_horizon"} {
			fmt.Fprintf(&b, "%s:\n%s", table, dumpRows(t, db, `SELECT * FROM `+table))
		}
		return b.String()
	}
	before := tables()
	// The write pool's one connection runs the compaction, and a TEMP trigger is its own.
	if _, err := db.write.Exec(`CREATE TEMP TRIGGER fail_horizon BEFORE UPDATE ON activity_horizon
		BEGIN SELECT RAISE(ABORT, 'stopped before the horizon'); END`); err != nil {
		t.Fatal(err)
	}
	db.now = func() time.Time { return now }
	if moved, err := db.CompactActivity(context.Background()); err == nil || !strings.Contains(err.Error(), "stopped before the horizon") {
		t.Fatalf("compaction = %d, %v; want it stopped", moved, err)
	}
	if after := tables(); after != before {
		t.Errorf("a failed compaction left part of its work:\nbefore %s\nafter  %s", before, after)
	}
	if _, err := db.write.Exec(`DROP TRIGGER temp.fail_horizon`); err != nil {
		t.Fatal(err)
	}
	if moved := compactAt(t, db, now); moved != 3 {
		t.Errorf("compacting after the failure moved %d rows, want 3", moved)
	}
}
