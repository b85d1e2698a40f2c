package storage

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/jobs"
)

func testJob(key string, due time.Time) jobs.Job {
	return jobs.Job{Kind: "test", Key: key, GuildID: "g1", Due: due, Payload: []byte("p-" + key)}
}

func TestJobsAddIsIdempotentOnKindAndKey(t *testing.T) {
	db, ctx := openTemp(t), context.Background()
	due := fixedNow().Add(time.Minute)
	if added, err := db.Add(ctx, testJob("a", due)); err != nil || !added {
		t.Fatalf("first Add = %v, %v; want added", added, err)
	}
	// The same key again, even with another due time, changes nothing.
	if added, err := db.Add(ctx, testJob("a", due.Add(-time.Hour))); err != nil || added {
		t.Fatalf("second Add = %v, %v; want not added", added, err)
	}
	// The same key under another kind is another job.
	other := testJob("a", due)
	other.Kind = "other"
	if added, err := db.Add(ctx, other); err != nil || !added {
		t.Fatalf("Add of another kind = %v, %v; want added", added, err)
	}
	if next, ok, err := db.Next(ctx, jobs.Scope{}); err != nil || !ok || !next.Equal(due) {
		t.Fatalf("Next = %v, %v, %v; want %v (the second Add must not move it)", next, ok, err, due)
	}
	// A completed job's key stays taken: the same occurrence is never added twice.
	claimed, err := db.Claim(ctx, jobs.Scope{}, due, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("Claim = %v, %v; want 2 jobs", claimed, err)
	}
	for _, j := range claimed {
		must(t, db.Complete(ctx, j.ID))
	}
	if added, err := db.Add(ctx, testJob("a", due)); err != nil || added {
		t.Fatalf("Add after completion = %v, %v; want not added", added, err)
	}
	if _, ok, err := db.Next(ctx, jobs.Scope{}); err != nil || ok {
		t.Fatalf("Next after completing all = ok %v, %v; want none", ok, err)
	}
	if _, err := db.Add(ctx, jobs.Job{Kind: "test", Due: due}); err == nil {
		t.Fatal("Add without a key succeeded")
	}
}

func TestJobsOrderedByDueTime(t *testing.T) {
	db, ctx := openTemp(t), context.Background()
	base := fixedNow()
	// Nanosecond offsets: RFC 3339 text would sort these wrongly; integers do not.
	for i, off := range []time.Duration{5 * time.Second, time.Second, 500 * time.Millisecond, time.Second + 1, 10 * time.Hour} {
		if _, err := db.Add(ctx, testJob(fmt.Sprint(i), base.Add(off))); err != nil {
			t.Fatal(err)
		}
	}
	if next, ok, err := db.Next(ctx, jobs.Scope{}); err != nil || !ok || !next.Equal(base.Add(500*time.Millisecond)) {
		t.Fatalf("Next = %v, %v, %v; want base+500ms", next, ok, err)
	}
	claimed, err := db.Claim(ctx, jobs.Scope{}, base.Add(5*time.Second), 3)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, j := range claimed {
		keys = append(keys, j.Key)
		if j.Attempts != 1 || string(j.Payload) != "p-"+j.Key || j.GuildID != "g1" || j.Kind != "test" {
			t.Errorf("claimed %+v; want attempt 1 with its payload and guild", j)
		}
	}
	if got := strings.Join(keys, ","); got != "2,1,3" {
		t.Fatalf("claimed keys %s; want 2,1,3 (earliest first, limit 3)", got)
	}
	// What is left: key 0 (due at 5 s, claimable), key 4 (not due).
	if next, _, _ := db.Next(ctx, jobs.Scope{}); !next.Equal(base.Add(5 * time.Second)) {
		t.Fatalf("Next after claim = %v; want base+5s", next)
	}
	claimed, err = db.Claim(ctx, jobs.Scope{}, base.Add(5*time.Second), 10)
	if err != nil || len(claimed) != 1 || claimed[0].Key != "0" {
		t.Fatalf("second Claim = %+v, %v; want key 0 only (key 4 is not due)", claimed, err)
	}
}

func TestJobsClaimIsExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobs.db")
	ctx := context.Background()
	// Two handles on one file, as two processes would have.
	dbs := []*DB{openAt(t, path), openAt(t, path)}
	defer dbs[0].Close()
	defer dbs[1].Close()
	const n = 600
	for i := range n {
		if _, err := dbs[0].Add(ctx, testJob(fmt.Sprint(i), fixedNow().Add(time.Duration(i%7)*time.Millisecond))); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := dbs[w%2]
			for {
				claimed, err := db.Claim(ctx, jobs.Scope{}, fixedNow().Add(time.Second), 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(claimed) == 0 {
					return
				}
				mu.Lock()
				for _, j := range claimed {
					seen[j.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Fatalf("claimed %d distinct jobs; want %d", len(seen), n)
	}
	for id, times := range seen {
		if times != 1 {
			t.Fatalf("job %d claimed %d times", id, times)
		}
	}
}

func TestJobsClaimedNotCompletedRecoverAtStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobs.db")
	ctx := context.Background()
	db := openAt(t, path)
	due := fixedNow()
	for _, k := range []string{"crashed", "done", "later"} {
		db.Add(ctx, testJob(k, due))
	}
	claimed, err := db.Claim(ctx, jobs.Scope{}, due, 2)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("Claim = %v, %v", claimed, err)
	}
	must(t, db.Complete(ctx, claimed[1].ID))
	db.Close() // the process stops before completing the first

	db = openAt(t, path)
	defer db.Close()
	if n, err := db.Recover(ctx, jobs.Scope{}); err != nil || n != 1 {
		t.Fatalf("Recover = %d, %v; want 1", n, err)
	}
	again, err := db.Claim(ctx, jobs.Scope{}, due, 10)
	if err != nil || len(again) != 2 {
		t.Fatalf("Claim after recover = %+v, %v; want the crashed job and the unclaimed one", again, err)
	}
	for _, j := range again {
		want := 1
		if j.ID == claimed[0].ID {
			want = 2 // the crashed attempt stays counted
		} else if j.Key != "later" {
			t.Fatalf("claimed %q after recovery; want crashed and later", j.Key)
		}
		if j.Attempts != want {
			t.Errorf("job %q attempts %d; want %d", j.Key, j.Attempts, want)
		}
	}
}

func TestJobsRetryReleaseComplete(t *testing.T) {
	db, ctx := openTemp(t), context.Background()
	due := fixedNow()
	db.Add(ctx, testJob("a", due))
	var id int64
	claimOne := func(at time.Time, wantAttempts int) {
		t.Helper()
		c, err := db.Claim(ctx, jobs.Scope{}, at, 1)
		if err != nil || len(c) != 1 || c[0].Attempts != wantAttempts {
			t.Fatalf("Claim at %v = %+v, %v; want one job at attempt %d", at, c, err, wantAttempts)
		}
		id = c[0].ID
	}
	claimOne(due, 1)
	if err := db.Complete(ctx, id+1); err == nil {
		t.Fatal("Complete of an unknown job succeeded")
	}
	// Retry moves it later; it is not due before.
	must(t, db.Retry(ctx, id, due.Add(time.Minute)))
	if c, _ := db.Claim(ctx, jobs.Scope{}, due.Add(time.Minute-1), 1); len(c) != 0 {
		t.Fatalf("claimed a retried job before its new due time: %+v", c)
	}
	claimOne(due.Add(time.Minute), 2)
	// Release gives the attempt back and keeps the due time.
	must(t, db.Release(ctx, id))
	if err := db.Release(ctx, id); err == nil {
		t.Fatal("Release of a pending job succeeded")
	}
	claimOne(due.Add(time.Minute), 2)
	must(t, db.Complete(ctx, id))
	if err := db.Retry(ctx, id, due); err == nil {
		t.Fatal("Retry of a completed job succeeded")
	}
	if n, _ := db.Recover(ctx, jobs.Scope{}); n != 0 {
		t.Fatalf("Recover brought back %d completed jobs", n)
	}
}

func TestJobsScopeKeepsToOwnedShards(t *testing.T) {
	db, ctx := openTemp(t), context.Background()
	// Guild IDs of shards 0, 1 and 2 of 3 (a shard is (id >> 22) % 3), and "" (shard 0).
	guild := func(shard int) string { return fmt.Sprint(int64(1_000_000*3+shard) << 22) }
	due := fixedNow()
	for i, g := range []string{guild(0), guild(1), guild(2), ""} {
		j := testJob(fmt.Sprint(i), due.Add(time.Duration(i)*time.Second))
		j.GuildID = g
		db.Add(ctx, j)
		if want := []int{0, 1, 2, 0}[i]; jobs.ShardOf(g, 3) != want {
			t.Fatalf("ShardOf(%q, 3) = %d; want %d", g, jobs.ShardOf(g, 3), want)
		}
	}
	shard1 := jobs.Scope{Shards: 3, IDs: []int{1}}
	if next, ok, _ := db.Next(ctx, shard1); !ok || !next.Equal(due.Add(time.Second)) {
		t.Fatalf("Next for shard 1 = %v, %v; want the second job's", next, ok)
	}
	c, err := db.Claim(ctx, jobs.Scope{Shards: 3, IDs: []int{0, 2}}, due.Add(time.Hour), 10)
	if err != nil || len(c) != 3 || c[0].Key != "0" || c[1].Key != "2" || c[2].Key != "3" {
		t.Fatalf("Claim for shards 0 and 2 = %+v, %v; want keys 0, 2, 3", c, err)
	}
	if n, _ := db.Recover(ctx, shard1); n != 0 {
		t.Fatalf("Recover for shard 1 took back %d jobs of other shards", n)
	}
	if n, _ := db.Recover(ctx, jobs.Scope{Shards: 3, IDs: []int{2}}); n != 1 {
		t.Fatalf("Recover for shard 2 = %d; want 1", n)
	}
}

func TestJobsNextAndClaimUseThePendingIndex(t *testing.T) {
	db, ctx := openTemp(t), context.Background()
	for _, q := range []string{
		`SELECT due_at FROM jobs WHERE ` + pendingJob + ` ORDER BY due_at LIMIT 1`,
		`SELECT id FROM jobs WHERE ` + pendingJob + ` AND due_at <= 0 ORDER BY due_at, id LIMIT 5`,
	} {
		rows, err := db.read.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		got := strings.Join(plan, "; ")
		if !strings.Contains(got, "jobs_pending") || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("plan of %q is %q; want the jobs_pending index and no sort", q, got)
		}
	}
}

// TestJobsSchedulerAcrossARestart runs the real scheduler on the real store with a fake
// clock: three jobs, the bot stopped after the first and started again after the second's
// due time; each runs exactly once, the second at the restart.
func TestJobsSchedulerAcrossARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	ctx := context.Background()
	clk := clock.NewFake(fixedNow())
	var mu sync.Mutex
	ran := map[string][]time.Time{}
	start := func() (*DB, *jobs.Scheduler) {
		db := openAt(t, path)
		s, err := jobs.New(jobs.Config{Store: db, Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		s.Handle("lobby", func(_ context.Context, j jobs.Job) (jobs.Outcome, error) {
			mu.Lock()
			defer mu.Unlock()
			ran[j.Key] = append(ran[j.Key], clk.Now())
			return jobs.Done(), nil
		})
		must(t, s.Start(ctx))
		must(t, s.Idle(ctx))
		return db, s
	}
	stop := func(db *DB, s *jobs.Scheduler) {
		must(t, s.Shutdown(ctx))
		must(t, db.Close())
	}
	advance := func(s *jobs.Scheduler, d time.Duration) {
		clk.Advance(d)
		must(t, s.Idle(ctx))
	}

	db, s := start()
	for i, key := range []string{"lobby/1/100", "lobby/1/200", "lobby/1/300"} {
		if _, err := s.Add(ctx, jobs.Job{Kind: "lobby", Key: key, GuildID: "1", Due: fixedNow().Add(time.Duration(i+1) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	advance(s, time.Minute)
	stop(db, s)
	clk.Advance(90 * time.Second) // down past the second job's due time

	db, s = start()
	defer stop(db, s)
	// Adding the same occurrences again (as a schedule does at every start) changes nothing.
	for _, key := range []string{"lobby/1/100", "lobby/1/200"} {
		if added, err := s.Add(ctx, jobs.Job{Kind: "lobby", Key: key, GuildID: "1", Due: fixedNow()}); err != nil || added {
			t.Fatalf("re-adding %s = %v, %v", key, added, err)
		}
	}
	advance(s, 30*time.Second)
	advance(s, time.Hour)
	want := map[string]time.Time{
		"lobby/1/100": fixedNow().Add(time.Minute),
		"lobby/1/200": fixedNow().Add(150 * time.Second), // at the restart
		"lobby/1/300": fixedNow().Add(3 * time.Minute),
	}
	mu.Lock()
	defer mu.Unlock()
	for key, at := range want {
		if got := ran[key]; len(got) != 1 || !got[0].Equal(at) {
			t.Errorf("%s ran at %v; want once at %v", key, got, at)
		}
	}
	if len(ran) != 3 {
		t.Errorf("ran %v; want the three jobs", ran)
	}
}

// fillJobs stores n pending jobs of kind "bench", due every period from first, in one
// transaction, spread over 1,000 guilds.
func fillJobs(tb testing.TB, db *DB, n int, first time.Time, period time.Duration) {
	tb.Helper()
	ctx := context.Background()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO jobs (kind, key, guild_id, due_at, payload, created_at) VALUES ('bench', ?, ?, ?, ?, 0)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range n {
			if _, err := stmt.ExecContext(ctx, fmt.Sprintf("reminder/%d", i), fmt.Sprint(int64(1000+i%1000)<<22),
				first.Add(time.Duration(i)*period).UnixNano(), []byte(`{"member":"123456789012345678"}`)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkJobsStartWith100k measures Start (recover, claim what is due, arm) on a table
// of 100,000 pending jobs: one query for the earliest, never a load of the table.
func BenchmarkJobsStartWith100k(b *testing.B) {
	db := openAt(b, filepath.Join(b.TempDir(), "jobs.db"))
	defer db.Close()
	fillJobs(b, db, 100_000, fixedNow().Add(time.Hour), 6*time.Second) // a week of jobs
	ctx := context.Background()
	var pages, pageSize int64
	db.read.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages)
	db.read.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clk := clock.NewFake(fixedNow())
		s, err := jobs.New(jobs.Config{Store: db, Clock: clk})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Start(ctx); err != nil {
			b.Fatal(err)
		}
		if clk.Pending() != 1 {
			b.Fatalf("%d timers armed; want 1", clk.Pending())
		}
		s.Shutdown(ctx)
	}
	b.ReportMetric(float64(pages*pageSize)/(1<<20), "db-MiB")
}

// BenchmarkJobsFire100k runs 100,000 due jobs with a no-op handler on the fake clock and
// reports jobs fired per second (each one claim share and one completing write).
func BenchmarkJobsFire100k(b *testing.B) {
	const n = 100_000
	fill := func(db *DB) { fillJobs(b, db, n, fixedNow().Add(time.Second), time.Millisecond) } // 100 s of jobs
	handlers := func(_ *DB, fired *atomic.Int64) map[string]jobs.Handler {
		return map[string]jobs.Handler{"bench": func(context.Context, jobs.Job) (jobs.Outcome, error) {
			fired.Add(1)
			return jobs.Done(), nil
		}}
	}
	measureFire(b, fill, handlers, n, 200*time.Second)
}

// measureFire fills a fresh database with fill, moves the fake clock on by span so every
// job falls due, runs them all with handlers and reports jobs fired per second. Each
// handler counts its run in fired; the run fails unless exactly want jobs ran.
func measureFire(b *testing.B, fill func(*DB), handlers func(*DB, *atomic.Int64) map[string]jobs.Handler, want int64, span time.Duration) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db := openAt(b, filepath.Join(b.TempDir(), "jobs.db"))
		fill(db)
		clk := clock.NewFake(fixedNow())
		s, err := jobs.New(jobs.Config{Store: db, Clock: clk})
		noErr(b, err)
		var fired atomic.Int64
		for kind, h := range handlers(db, &fired) {
			s.Handle(kind, h)
		}
		noErr(b, s.Start(ctx))
		b.StartTimer()
		began := time.Now()
		clk.Advance(span)
		noErr(b, s.Idle(ctx))
		elapsed := time.Since(began)
		b.StopTimer()
		if fired.Load() != want {
			b.Fatalf("fired %d of %d", fired.Load(), want)
		}
		b.ReportMetric(float64(want)/elapsed.Seconds(), "jobs/s")
		s.Shutdown(ctx)
		db.Close()
		b.StartTimer()
	}
}

func noErr(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func TestPurgeJobsDeletesOnlyOldCompletedJobs(t *testing.T) {
	now := fixedNow()
	db, ctx := openTemp(t), context.Background()
	for _, k := range []string{"done", "claimed", "pending"} {
		db.Add(ctx, testJob(k, now))
	}
	c, _ := db.Claim(ctx, jobs.Scope{}, now, 2)
	must(t, db.Complete(ctx, c[0].ID)) // completed at fixedNow (the DB's clock)
	if n, err := db.PurgeJobs(ctx, now); err != nil || n != 0 {
		t.Fatalf("PurgeJobs(now) = %d, %v; want 0 (completed at now, not before)", n, err)
	}
	if n, err := db.PurgeJobs(ctx, now.Add(time.Nanosecond)); err != nil || n != 1 {
		t.Fatalf("PurgeJobs = %d, %v; want the completed job only", n, err)
	}
	if added, _ := db.Add(ctx, testJob("done", now)); !added {
		t.Fatal("a purged job's key is still taken")
	}
	if added, _ := db.Add(ctx, testJob("claimed", now)); added {
		t.Fatal("a claimed job was purged")
	}
}
