package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/session"
	"github.com/stretchbot/stretchbot/streak"
)

// The benchmark server: benchMembers members with benchDays counted days each, ending
// around benchEnd, so the activity log holds a million rows.
const (
	benchGuild   = "bench"
	benchMembers = 10_000
	benchDays    = 100
	benchEnd     = "2025-06-30"
	// benchFixtureVersion names the cached fixture; change it when the fixture changes.
	benchFixtureVersion = 7
)

// benchMember is the user ID of member i.
func benchMember(i int) string { return fmt.Sprintf("3%017d", i) }

// openBenchDB opens a private copy of the benchmark fixture. The fixture takes seconds to
// build, so it is built once into the system temp folder, named by its version and the
// schema's (see below), and copied for each benchmark (writes must not leak into the
// next one).
func openBenchDB(b *testing.B) *DB {
	b.Helper()
	migrations, err := loadMigrations()
	if err != nil {
		b.Fatal(err)
	}
	// The schema part of the name hashes the migrations' text, not only their number: an
	// unreleased migration edited in place must not reuse a fixture built by its old text.
	schema := sha256.New()
	for _, m := range migrations {
		fmt.Fprintf(schema, "%d\x00%s\x00", m.version, m.sql)
	}
	cached := filepath.Join(os.TempDir(), fmt.Sprintf("stretchbot-bench-activity-v%d-s%d-%x.db",
		benchFixtureVersion, migrations[len(migrations)-1].version, schema.Sum(nil)[:6]))
	if _, err := os.Stat(cached); err != nil {
		buildBenchFixture(b, cached)
	}
	path := filepath.Join(b.TempDir(), "bench.db")
	if err := copyFile(cached, path); err != nil {
		b.Fatal(err)
	}
	db, err := Open(context.Background(), path, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// benchZone is the zone of member i's credits in SQL: every 10th member has one of four
// zones of their own, the others count in UTC.
const benchZone = `CASE WHEN i % 10 <> 0 THEN 'UTC' WHEN i / 10 % 4 = 0 THEN 'Pacific/Kiritimati'
	WHEN i / 10 % 4 = 1 THEN 'America/New_York' WHEN i / 10 % 4 = 2 THEN 'Asia/Kathmandu' ELSE 'Pacific/Pago_Pago' END`

// The bare upserts that crediting is measured against write twins of the activity log
// (same columns, key and index): bareLog, which the fixture fills with the log's million
// rows, so the bare upsert pays what SQLite charges for rows spread over a table that
// size, and bareEmpty, which starts empty and holds only what the benchmark adds.
const (
	bareLog   = "bare_activity"
	bareEmpty = "bare_empty"
)

// bareTableSQL creates a twin of the activity log named table.
func bareTableSQL(table string) string {
	return fmt.Sprintf(`CREATE TABLE %[1]s (
		guild_id TEXT NOT NULL, user_id TEXT NOT NULL, day TEXT NOT NULL,
		sessions INTEGER NOT NULL DEFAULT 0 CHECK (sessions >= 0), solo INTEGER NOT NULL DEFAULT 0 CHECK (solo >= 0),
		minutes INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0), bridged INTEGER NOT NULL DEFAULT 0,
		zone TEXT NOT NULL, updated_at TEXT NOT NULL, seconds INTEGER NOT NULL DEFAULT 0 CHECK (seconds >= 0),
		PRIMARY KEY (guild_id, user_id, day)) WITHOUT ROWID;
	CREATE INDEX %[1]s_group_days ON %[1]s (guild_id, day, sessions) WHERE sessions > 0;`, table)
}

// buildBenchFixture writes the fixture to a temporary name and renames it into place, so
// an interrupted build is never taken for a finished one. Member i stretched on benchDays
// days ending i%5 days before benchEnd, missing one day in every 5+i%23, so streaks, bests
// and today's status vary; every 10th member has a zone of their own and every 100th
// opted out of the leaderboard. bareLog holds the same rows as the log, bareEmpty none.
// The fixture's days are all in activity_log, and its horizon says so: crediting after
// benchEnd writes to activity_recent.
func buildBenchFixture(b *testing.B, path string) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	tmp := path + fmt.Sprintf(".%d.tmp", os.Getpid())
	db, err := Open(ctx, tmp, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	// The log and its twin bareLog are written by the same statement in the same order, so
	// their pages fill alike: a copy inserted in key order would pack its pages full, and
	// every upsert into it would split one.
	_, err = db.write.ExecContext(ctx, bareTableSQL(bareLog)+bareTableSQL(bareEmpty))
	for _, table := range []string{"activity_log", bareLog} {
		if err != nil {
			break
		}
		_, err = db.write.ExecContext(ctx, `
		WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < ? - 1),
			k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < ? - 1)
		INSERT INTO `+table+` (guild_id, user_id, day, sessions, solo, minutes, bridged, zone, updated_at)
		SELECT ?, printf('3%017d', i), date(?, '-' || (i % 5 + j + j / (5 + i % 23)) || ' days'),
			1 - (j % 3 = 0), j % 3 = 0, 10 + j % 20, 0, `+benchZone+`, 'x'
		FROM m, k`, benchMembers, benchDays, benchGuild, benchEnd)
	}
	if err == nil {
		_, err = db.write.ExecContext(ctx, `
			WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 10 FROM m WHERE i < ? - 10)
			INSERT INTO member_settings (guild_id, user_id, timezone, leaderboard_opt_out, updated_at)
			SELECT ?, printf('3%017d', i), CASE WHEN i % 100 = 10 THEN 'Asia/Tokyo' ELSE `+benchZone+` END, i % 100 = 0, 'x'
			FROM m`, benchMembers, benchGuild)
	}
	if err == nil {
		_, err = db.write.ExecContext(ctx, `INSERT INTO member_streaks (guild_id, user_id, name, last_day, run, best,
			total_days, freezes_held, frozen_days, total_sessions, total_minutes, last_zone)
			SELECT guild_id, user_id, 'Member ' || user_id, '', 0, 0, 0, 0, '', 0, 0, '' FROM activity_log
			WHERE guild_id = ? GROUP BY user_id`, benchGuild)
	}
	if err == nil {
		_, err = db.write.ExecContext(ctx, `UPDATE activity_horizon SET log_last_day = (SELECT MAX(day) FROM activity_log)`)
	}
	if err != nil {
		b.Fatal(err)
	}
	n, err := db.RecomputeSummaries(ctx, benchGuild)
	if err != nil || n != benchMembers {
		b.Fatalf("RecomputeSummaries = %d, %v", n, err)
	}
	db.Close()
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %s (%d members x %d days) in %s", path, benchMembers, benchDays, time.Since(start).Round(time.Millisecond))
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// benchNow is the afternoon of benchEnd in UTC: some streaks are done today, others alive
// from yesterday, others broken.
func benchNow(b *testing.B) time.Time {
	return mustTime(b, benchEnd+"T15:00:00Z")
}

func BenchmarkLeaderboard(b *testing.B) {
	db := openBenchDB(b)
	now := benchNow(b)
	caller := benchMember(4715) // misses a day in every 5: far down the board, its rank is counted
	for _, by := range []streak.Ranking{streak.RankCurrent, streak.RankBest, streak.RankTotal} {
		b.Run(string(by), func(b *testing.B) {
			board, err := db.Leaderboard(context.Background(), benchGuild, by, caller, 10, now)
			if err != nil || len(board.Top) != 10 || board.Caller == nil {
				b.Fatalf("board %+v, %v: want 10 members and the caller ranked", board, err)
			}
			for b.Loop() {
				if _, err := db.Leaderboard(context.Background(), benchGuild, by, caller, 10, now); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(board.Caller.Rank), "caller-rank")
		})
	}
}

// BenchmarkStreakOf reads a member's /streak: their standing and 14 latest days.
func BenchmarkStreakOf(b *testing.B) {
	benchMemberRead(b, func(db *DB, user string, now time.Time) error {
		_, err := db.StreakOf(context.Background(), benchGuild, user, now)
		return err
	})
}

// BenchmarkStats reads a member's /stats: totals, 26 weeks of days and the solo days.
func BenchmarkStats(b *testing.B) {
	benchMemberRead(b, func(db *DB, user string, now time.Time) error {
		_, err := db.Stats(context.Background(), benchGuild, user, now)
		return err
	})
}

// benchMemberRead times read of one member of the benchmark server, on its afternoon.
func benchMemberRead(b *testing.B, read func(db *DB, user string, now time.Time) error) {
	db := openBenchDB(b)
	now := benchNow(b)
	user := benchMember(4321)
	for b.Loop() {
		if err := read(db, user, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServerStreak reads the server streak, which counts the members of every day
// back to the streak's start: about a hundred days of thousands of members here.
func BenchmarkServerStreak(b *testing.B) {
	db := openBenchDB(b)
	now := benchNow(b)
	n, err := db.ServerStreak(context.Background(), benchGuild, now)
	if err != nil || n < 50 {
		b.Fatalf("server streak %d, %v; want the fixture's long one", n, err)
	}
	for b.Loop() {
		if _, err := db.ServerStreak(context.Background(), benchGuild, now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "days")
}

// creditedMembers are the 1,000 members the crediting benchmarks credit: every 7th, so
// their rows are spread over the log as a real session's would be.
func creditedMembers() []string {
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = benchMember(i * 7)
	}
	return ids
}

// bareUpsertSQL is the bare upsert of one log row into table: the statement crediting
// runs on the activity log, with nothing around it.
const bareUpsertSQL = `INSERT INTO %s
	(guild_id, user_id, day, sessions, solo, seconds, minutes, bridged, zone, updated_at)
	VALUES (?1, ?2, ?3, 1, 0, ?4, (?4 + 30) / 60, 0, 'UTC', ?5)
	ON CONFLICT (guild_id, user_id, day) DO UPDATE SET sessions = sessions + excluded.sessions,
		seconds = seconds + excluded.seconds, minutes = (seconds + excluded.seconds + 30) / 60,
		zone = excluded.zone, updated_at = excluded.updated_at`

// bareUpsert upserts one log row for each member on the day of at into table, in one
// transaction through one prepared statement, and returns how long that took and the CPU
// time the process spent meanwhile: the floor that crediting the same members is measured
// against. Settle the database first.
func bareUpsert(b *testing.B, db *DB, table string, members []string, at time.Time) (elapsed, cpu time.Duration) {
	b.Helper()
	ctx := context.Background()
	day, stamp := at.UTC().Format(time.DateOnly), at.UTC().Format(time.RFC3339Nano)
	cpuStart := cpuTime(b)
	start := time.Now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, fmt.Sprintf(bareUpsertSQL, table))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range members {
			if _, err := stmt.ExecContext(ctx, benchGuild, id, day, 1200, stamp); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start), cpuTime(b) - cpuStart
}

// cpuTime is the CPU time, user and system, the process has spent so far. Other processes
// on the machine slow a benchmark's clock but barely move it, so ratios of CPU times
// compare code where ratios of times can drift with the machine's load.
func cpuTime(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// BenchmarkBareUpsert1000 is the floor of crediting a session of 1,000: the log rows of
// the same members upserted in one transaction, a day later each time, into a twin of the
// log holding its million rows (log) and into a twin that starts empty (empty). The empty
// twin keeps every op's 1,000 rows, keyed member first like the log, so late in a run its
// upserts touch a few hundred pages (wal-pages/op), not the 34 of a table truly empty.
//
// The crediting benchmarks report their multiples of both (x-log, x-empty). Measured on a
// shared 2-CPU VM with go test -run '^$' -bench 'CreditSession|FinishSession1000|BareUpsert'
// -count 3, before and after issue 12 point 14 moved crediting into activity_recent, keyed
// day first (migration 0010):
//
//   - CreditSession: x-empty 4.0-5.6 then 2.1-2.5, x-log 1.4-1.7 then 1.0-1.2; 61-65 ms
//     then 21-38 ms; WAL pages 1942-2092 then 353-366.
//   - FinishSession1000: x-empty 7.3-9.7 then 3.6-6.8, x-log 2.0-2.6 then 1.4-2.2;
//     97-103 ms then 38-67 ms; WAL pages 1873 then 498-536.
//
// Others' work shared the machine and its load varied: times and ratios wander by a third
// between runs; the WAL pages do not.
//
// Against a twin emptied before each op (3.1-3.4 ms, 34 pages), crediting is 6.1-6.2 times
// and finishing 10.6-11.7 times the bare upsert. What remains is the streak summaries,
// read (about 5 ms) and written with their leaderboard indexes (about 9 ms, 300 pages) in
// the same transaction, and for FinishSession the session's own credit rows: work no bare
// upsert does. The log's part now costs about what the bare upsert does.
func BenchmarkBareUpsert1000(b *testing.B) {
	for _, table := range []string{bareLog, bareEmpty} {
		b.Run(bareName(table), func(b *testing.B) {
			db := openBenchDB(b)
			members := creditedMembers()
			at := benchNow(b)
			pages := 0
			for b.Loop() {
				b.StopTimer()
				at = at.AddDate(0, 0, 1)
				settle(b, db)
				b.StartTimer()
				_, _ = bareUpsert(b, db, table, members, at)
				b.StopTimer()
				pages += walPages(b, db)
				b.StartTimer()
			}
			b.ReportMetric(float64(pages)/float64(b.N), "wal-pages/op")
		})
	}
}

// settle checkpoints the WAL completely and empties it, so that a measured transaction
// starts on a quiet database: the checkpoint the previous commit started in the background
// (see checkpointer) would otherwise run during the next one and be charged to it. Every
// measured operation, bare or crediting, starts settled and leaves its own checkpoint
// outside its time alike; walPages then counts what it wrote.
func settle(b *testing.B, db *DB) {
	b.Helper()
	deadline := time.Now().Add(30 * time.Second) // a slow disk may take seconds; a stuck one never ends
	for {
		var busy, frames, done int
		err := db.write.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done)
		if err != nil {
			b.Fatal(err)
		}
		if busy == 0 && frames == 0 {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("the WAL (%d pages) did not checkpoint completely in 30 s", frames)
		}
		time.Sleep(time.Millisecond) // the background checkpoint holds the lock: let it end
	}
}

// walPages is the number of pages in the WAL: after settle and one transaction, the pages
// that transaction wrote, which is what its commit and checkpoint cost in I/O. Unlike
// times it does not depend on the machine.
func walPages(b *testing.B, db *DB) int {
	b.Helper()
	info, err := os.Stat(db.Path() + "-wal")
	if err != nil || info.Size() == 0 {
		return 0
	}
	var pageSize int64
	if err := db.write.QueryRowContext(context.Background(), `PRAGMA page_size`).Scan(&pageSize); err != nil {
		b.Fatal(err)
	}
	const walHeader, frameHeader = 32, 24
	return int((info.Size() - walHeader) / (pageSize + frameHeader))
}

func bareName(table string) string {
	if table == bareLog {
		return "log"
	}
	return "empty"
}

// bareRatio measures bare upserts of the credited members beside each timed operation of
// a crediting benchmark, untimed, into both twins, and reports their times per op as
// bare-log-ns/op and bare-empty-ns/op and the crediting time as a multiple of each as
// x-log and x-empty: the budget is a multiple of at most 4, and measuring all in
// the same run and database keeps the machine's speed out of the ratios. It also reports
// the WAL pages the operation and the bare log upsert wrote (see walPages), and the ratio
// of their CPU times as x-log-cpu (see cpuTime).
type bareRatio struct {
	db           *DB
	members      []string
	total        map[string]time.Duration
	n            int
	bareLogPages int
	bareLogCPU   time.Duration
	ops, opPages int
	// opStart is the CPU time when the timed op began; opCPU sums the ops' CPU times.
	opStart, opCPU time.Duration
}

func newBareRatio(db *DB) *bareRatio {
	return &bareRatio{db: db, members: creditedMembers(), total: map[string]time.Duration{}}
}

// measure runs one bare upsert into each twin on the day of at, then settles the database
// for the timed operation; call it with the timer stopped.
func (r *bareRatio) measure(b *testing.B, at time.Time) {
	for _, table := range []string{bareLog, bareEmpty} {
		settle(b, r.db)
		elapsed, cpu := bareUpsert(b, r.db, table, r.members, at)
		r.total[table] += elapsed
		if table == bareLog {
			r.bareLogPages += walPages(b, r.db)
			r.bareLogCPU += cpu
		}
	}
	r.n++
	settle(b, r.db)
	r.opStart = cpuTime(b)
}

// done counts one timed operation, just ended, and the pages it wrote.
func (r *bareRatio) done(b *testing.B) {
	b.StopTimer()
	r.opCPU += cpuTime(b) - r.opStart
	r.ops++
	r.opPages += walPages(b, r.db)
	b.StartTimer()
}

// report reports the bare times, the ratios and the pages.
func (r *bareRatio) report(b *testing.B) {
	if r.n == 0 || r.ops == 0 {
		return
	}
	perOp := float64(b.Elapsed()) / float64(r.ops)
	for _, table := range []string{bareLog, bareEmpty} {
		bare := float64(r.total[table]) / float64(r.n)
		b.ReportMetric(bare, "bare-"+bareName(table)+"-ns/op")
		b.ReportMetric(perOp/bare, "x-"+bareName(table))
	}
	b.ReportMetric(float64(r.opCPU)/float64(r.ops)/(float64(r.bareLogCPU)/float64(r.n)), "x-log-cpu")
	b.ReportMetric(float64(r.opPages)/float64(r.ops), "wal-pages/op")
	b.ReportMetric(float64(r.bareLogPages)/float64(r.n), "bare-log-wal-pages/op")
}

// BenchmarkCompactActivity moves one day of the 1,000 credited members from
// activity_recent into the log, as the daily compaction does with the day that left the
// recent window: the cost crediting no longer pays, paid once a day off its path. Each
// op credits its day untimed first.
func BenchmarkCompactActivity(b *testing.B) {
	db := openBenchDB(b)
	ctx := context.Background()
	credits := make([]ActivityCredit, 0, 1000)
	for _, id := range creditedMembers() {
		credits = append(credits, ActivityCredit{UserID: id, Name: "m", Minutes: 20, Source: SourceSession})
	}
	at, pages := benchNow(b), 0
	for b.Loop() {
		b.StopTimer()
		// Members east of UTC count the next local day: every day credited is moved, so the
		// next op, two days on, credits after the horizon again.
		at = at.AddDate(0, 0, 2)
		if _, err := db.CreditActivity(ctx, benchGuild, credits, at); err != nil {
			b.Fatal(err)
		}
		db.now = func() time.Time { return at.AddDate(0, 0, recentWindow+1) }
		settle(b, db)
		b.StartTimer()
		moved, err := db.CompactActivity(ctx)
		if err != nil || moved != len(credits) {
			b.Fatalf("moved %d rows, %v; want %d", moved, err, len(credits))
		}
		b.StopTimer()
		pages += walPages(b, db)
		b.StartTimer()
	}
	b.ReportMetric(float64(pages)/float64(b.N), "wal-pages/op")
}

// BenchmarkCreditSession credits the 1,000 participants of one session in one
// transaction, a day later each time so every credit adds a day. It reports the ratios
// to bare upserts of the same rows (see bareRatio).
func BenchmarkCreditSession(b *testing.B) {
	db := openBenchDB(b)
	ratio := newBareRatio(db)
	credits := make([]ActivityCredit, len(ratio.members))
	for i, id := range ratio.members {
		credits[i] = ActivityCredit{UserID: id, Name: "m", Minutes: 20, Source: SourceSession}
	}
	at := benchNow(b)
	for b.Loop() {
		b.StopTimer()
		at = at.AddDate(0, 0, 1)
		ratio.measure(b, at)
		b.StartTimer()
		if _, err := db.CreditActivity(context.Background(), benchGuild, credits, at); err != nil {
			b.Fatal(err)
		}
		ratio.done(b)
	}
	ratio.report(b)
}

// BenchmarkFinishSession1000 finishes a session of 1,000 participants through the real
// path, FinishSession: the session's final state, its 1,000 session credits and their
// streak credits, in one transaction. Starting each session is not timed. It reports the
// ratios to bare upserts of the same members' log rows (see bareRatio).
func BenchmarkFinishSession1000(b *testing.B) {
	db := openBenchDB(b)
	ctx := context.Background()
	plan, err := session.BuildPlan([]session.RoutineItem{
		{ExerciseID: "cat-stretch", Name: "Cat stretch", Hold: 20 * time.Minute, Reps: 1},
	}, 10*time.Second, 0)
	if err != nil {
		b.Fatal(err)
	}
	ratio := newBareRatio(db)
	at := benchNow(b)
	for b.Loop() {
		b.StopTimer()
		at = at.AddDate(0, 0, 1)
		start := at.Add(-25 * time.Minute)
		s := &session.Session{GuildID: benchGuild, ChannelID: "c", HostID: benchMember(0), RoutineName: "r",
			Plan: plan, Status: session.Lobby, CreatedAt: start, StartAt: start}
		credits := make([]session.Credit, len(ratio.members))
		for i, id := range ratio.members {
			s.Participants = append(s.Participants, session.Participant{UserID: id, Name: "m", JoinedAt: start, JoinedStep: -1})
			credits[i] = session.Credit{UserID: id, Name: "m", Active: 20 * time.Minute}
		}
		if s.ID, err = db.CreateSession(ctx, s); err != nil {
			b.Fatal(err)
		}
		s.Status, s.StartedAt, s.EndedAt = session.Finished, start.Add(time.Minute), at
		ratio.measure(b, at)
		b.StartTimer()
		if _, err := db.FinishSession(ctx, s, credits); err != nil {
			b.Fatal(err)
		}
		ratio.done(b)
	}
	b.StopTimer()
	ratio.report(b)
	got, err := db.SessionCredits(ctx, 1)
	if err != nil || len(got) != 1000 || !got[0].StreakGrew {
		b.Fatalf("session 1 credits: %d, %v; want 1000 that grew a streak", len(got), err)
	}
}
