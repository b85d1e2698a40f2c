package storage

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	benchFixtureVersion = 3
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

// buildBenchFixture writes the fixture to a temporary name and renames it into place, so
// an interrupted build is never taken for a finished one. Member i stretched on benchDays
// days ending i%5 days before benchEnd, missing one day in every 5+i%23, so streaks, bests
// and today's status vary; every 10th member has a zone of their own and every 100th
// opted out of the leaderboard.
func buildBenchFixture(b *testing.B, path string) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	tmp := path + fmt.Sprintf(".%d.tmp", os.Getpid())
	db, err := Open(ctx, tmp, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	_, err = db.write.ExecContext(ctx, `
		WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < ? - 1),
			k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < ? - 1)
		INSERT INTO activity (guild_id, user_id, day, sessions, solo, minutes, bridged, zone, updated_at)
		SELECT ?, printf('3%017d', i), date(?, '-' || (i % 5 + j + j / (5 + i % 23)) || ' days'),
			1 - (j % 3 = 0), j % 3 = 0, 10 + j % 20, 0, `+benchZone+`, 'x'
		FROM m, k`, benchMembers, benchDays, benchGuild, benchEnd)
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
			SELECT guild_id, user_id, 'Member ' || user_id, '', 0, 0, 0, 0, '', 0, 0, '' FROM activity
			WHERE guild_id = ? GROUP BY user_id`, benchGuild)
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

func BenchmarkStreakOf(b *testing.B) {
	db := openBenchDB(b)
	now := benchNow(b)
	user := benchMember(4321)
	for b.Loop() {
		if _, err := db.StreakOf(context.Background(), benchGuild, user, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreditSession credits the 1,000 participants of one session in one
// transaction, a day later each time so every credit adds a day.
func BenchmarkCreditSession(b *testing.B) {
	db := openBenchDB(b)
	credits := make([]ActivityCredit, 1000)
	for i := range credits {
		credits[i] = ActivityCredit{UserID: benchMember(i * 7), Name: "m", Minutes: 20, Source: SourceSession}
	}
	at := benchNow(b)
	for b.Loop() {
		at = at.AddDate(0, 0, 1)
		if _, err := db.CreditActivity(context.Background(), benchGuild, credits, at); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFinishSession1000 finishes a session of 1,000 participants through the real
// path, FinishSession: the session's final state, its 1,000 session credits and their
// streak credits, in one transaction. Starting each session is not timed.
func BenchmarkFinishSession1000(b *testing.B) {
	db := openBenchDB(b)
	ctx := context.Background()
	plan, err := session.BuildPlan([]session.RoutineItem{
		{ExerciseID: "cat-stretch", Name: "Cat stretch", Hold: 20 * time.Minute, Reps: 1},
	}, 10*time.Second, 0)
	if err != nil {
		b.Fatal(err)
	}
	at := benchNow(b)
	for b.Loop() {
		b.StopTimer()
		at = at.AddDate(0, 0, 1)
		start := at.Add(-25 * time.Minute)
		s := &session.Session{GuildID: benchGuild, ChannelID: "c", HostID: benchMember(0), RoutineName: "r",
			Plan: plan, Status: session.Lobby, CreatedAt: start, StartAt: start}
		credits := make([]session.Credit, 1000)
		for i := range credits {
			id := benchMember(i * 7)
			s.Participants = append(s.Participants, session.Participant{UserID: id, Name: "m", JoinedAt: start, JoinedStep: -1})
			credits[i] = session.Credit{UserID: id, Name: "m", Active: 20 * time.Minute}
		}
		if s.ID, err = db.CreateSession(ctx, s); err != nil {
			b.Fatal(err)
		}
		s.Status, s.StartedAt, s.EndedAt = session.Finished, start.Add(time.Minute), at
		b.StartTimer()
		if _, err := db.FinishSession(ctx, s, credits); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	got, err := db.SessionCredits(ctx, 1)
	if err != nil || len(got) != 1000 || !got[0].StreakGrew {
		b.Fatalf("session 1 credits: %d, %v; want 1000 that grew a streak", len(got), err)
	}
}
