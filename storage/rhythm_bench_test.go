package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/jobs"
	"github.com/stretchbot/stretchbot/reminders"
)

// The community-rhythm load: 10,000 schedules (400 servers keeping the most, 25 each) and
// 100,000 reminders (50,000 members with a move and a streak reminder), with the jobs a
// restart finds for them: a notice and a lobby per schedule and the next DM of each
// reminder, 120,000 pending jobs over a day.
const (
	rhythmServers   = 400
	rhythmSchedules = rhythmServers * 25
	rhythmMembers   = 50_000
	rhythmReminders = 2 * rhythmMembers
	rhythmJobs      = 2*rhythmSchedules + rhythmReminders
)

// fillRhythm stores the rhythm load in one transaction, every job due within span from
// first, keyed and shaped as the real ones are.
func fillRhythm(tb testing.TB, db *DB, first time.Time, span time.Duration) {
	tb.Helper()
	ctx := context.Background()
	step := span / rhythmJobs
	n := 0
	due := func() int64 { n++; return first.Add(time.Duration(n) * step).UnixNano() }
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		schedule, err := tx.PrepareContext(ctx, `INSERT INTO schedules (guild_id, channel_id, routine, at, days, zone,
			lobby_seconds, created_by, created_at) VALUES (?, ?, 'Desk break', '15:00', 'weekdays', 'Europe/Berlin', 600, 'u', '2026-01-01T00:00:00Z')`)
		if err != nil {
			return err
		}
		reminder, err := tx.PrepareContext(ctx, `INSERT INTO reminders (guild_id, user_id, kind, every_minutes, from_at, to_at,
			at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00Z')`)
		if err != nil {
			return err
		}
		job, err := tx.PrepareContext(ctx, `INSERT INTO jobs (kind, key, guild_id, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, 0)`)
		if err != nil {
			return err
		}
		for i := range rhythmSchedules {
			g := rhythmGuild(i % rhythmServers)
			res, err := schedule.ExecContext(ctx, g, g)
			if err != nil {
				return err
			}
			id, _ := res.LastInsertId()
			payload := fmt.Sprintf(`{"guild_id":%q,"schedule_id":%d,"start":%d}`, g, id, first.Unix())
			for _, kind := range []string{"schedule-notify", "schedule-lobby"} {
				if _, err := job.ExecContext(ctx, kind, fmt.Sprintf("%s/%d", kind, id), g, due(), payload); err != nil {
					return err
				}
			}
		}
		for i := range rhythmMembers {
			g, u := rhythmGuild(i%rhythmServers), fmt.Sprint(300000000000000000+i)
			for _, kind := range []reminders.Kind{reminders.Move, reminders.Streak} {
				every, from, to, at := 30, "09:00", "17:00", ""
				if kind == reminders.Streak {
					every, from, to, at = 0, "", "", "21:00"
				}
				if _, err := reminder.ExecContext(ctx, g, u, string(kind), every, from, to, at); err != nil {
					return err
				}
				payload, _ := json.Marshal(map[string]any{"guild_id": g, "user_id": u, "due": first.Unix()})
				if _, err := job.ExecContext(ctx, "reminder-"+string(kind), fmt.Sprintf("%s/%s/%s", kind, g, u), g, due(), payload); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func rhythmGuild(i int) string { return fmt.Sprint(int64(1000+i) << 22) }

// rhythmHandlers are handlers that do what every real one does first: read the row their
// job names (the schedule, or the member's reminder) from the database.
func rhythmHandlers(db *DB, fired *atomic.Int64) map[string]jobs.Handler {
	schedule := func(ctx context.Context, j jobs.Job) (jobs.Outcome, error) {
		var p struct {
			GuildID    string `json:"guild_id"`
			ScheduleID int64  `json:"schedule_id"`
		}
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return jobs.Outcome{}, err
		}
		_, err := db.Schedule(ctx, p.GuildID, p.ScheduleID)
		fired.Add(1)
		return jobs.Done(), err
	}
	reminder := func(kind reminders.Kind) jobs.Handler {
		return func(ctx context.Context, j jobs.Job) (jobs.Outcome, error) {
			var p struct {
				GuildID string `json:"guild_id"`
				UserID  string `json:"user_id"`
			}
			if err := json.Unmarshal(j.Payload, &p); err != nil {
				return jobs.Outcome{}, err
			}
			_, err := db.Reminder(ctx, p.GuildID, p.UserID, kind)
			fired.Add(1)
			return jobs.Done(), err
		}
	}
	return map[string]jobs.Handler{"schedule-notify": schedule, "schedule-lobby": schedule,
		"reminder-move": reminder(reminders.Move), "reminder-streak": reminder(reminders.Streak)}
}

// BenchmarkRhythmRestart measures a restart over the rhythm load: Start recovers, finds the
// earliest of the 120,000 pending jobs and arms one timer. It reports the time to arm
// (ns/op), the heap the started scheduler holds (live-KiB, after a GC) and the database's
// size.
func BenchmarkRhythmRestart(b *testing.B) {
	db := openAt(b, filepath.Join(b.TempDir(), "rhythm.db"))
	defer db.Close()
	fillRhythm(b, db, fixedNow().Add(time.Hour), 24*time.Hour)
	ctx := context.Background()
	var before, after runtime.MemStats
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&before)
		clk := clock.NewFake(fixedNow())
		s, err := jobs.New(jobs.Config{Store: db, Clock: clk})
		noErr(b, err)
		b.StartTimer()
		noErr(b, s.Start(ctx))
		b.StopTimer()
		if clk.Pending() != 1 {
			b.Fatalf("%d timers armed; want 1", clk.Pending())
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/1024, "live-KiB")
		s.Shutdown(ctx)
		b.StartTimer()
	}
	var pages, pageSize int64
	db.read.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages)
	db.read.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize)
	b.ReportMetric(float64(pages*pageSize)/(1<<20), "db-MiB")
}

// BenchmarkRhythmFire makes all 120,000 jobs of the rhythm load due within ten minutes and
// runs them on the fake clock, each handler reading its row first: jobs fired per second,
// each a share of a claim, one read and one completing write.
func BenchmarkRhythmFire(b *testing.B) {
	fill := func(db *DB) { fillRhythm(b, db, fixedNow().Add(time.Second), 10*time.Minute) }
	measureFire(b, fill, rhythmHandlers, rhythmJobs, 11*time.Minute)
}
