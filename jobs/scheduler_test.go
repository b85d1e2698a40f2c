package jobs

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/internal/syncbuf"
)

var t0 = time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)

// runs records handler calls: key and the clock's time when it ran.
type runs struct {
	mu    sync.Mutex
	calls []string
	at    map[string][]time.Time
}

func (r *runs) add(key string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, key)
	if r.at == nil {
		r.at = map[string][]time.Time{}
	}
	r.at[key] = append(r.at[key], at)
}

func (r *runs) times(key string) []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.at[key]...)
}

func (r *runs) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

type fixture struct {
	t     *testing.T
	store *memStore
	clk   *clock.Fake
	logs  *syncbuf.Buffer
	s     *Scheduler
	runs  *runs
}

// newFixture returns a scheduler on a memStore and a fake clock at t0, with a "test"
// handler that records its runs and then calls h (nil: done).
func newFixture(t *testing.T, cfg Config, h Handler) *fixture {
	t.Helper()
	f := &fixture{t: t, store: &memStore{}, clk: clock.NewFake(t0), logs: &syncbuf.Buffer{}, runs: &runs{}}
	cfg.Store, cfg.Clock = f.store, f.clk
	cfg.Log = slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
	s.Handle("test", func(ctx context.Context, j Job) (Outcome, error) {
		f.runs.add(j.Key, f.clk.Now())
		if h != nil {
			return h(ctx, j)
		}
		return Done(), nil
	})
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return f
}

func (f *fixture) add(key string, due time.Time) {
	f.t.Helper()
	if _, err := f.s.Add(context.Background(), Job{Kind: "test", Key: key, GuildID: "1", Due: due}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) start() {
	f.t.Helper()
	if err := f.s.Start(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	f.idle()
}

// advance moves the clock and waits for the handlers it started.
func (f *fixture) advance(d time.Duration) {
	f.t.Helper()
	f.clk.Advance(d)
	f.idle()
}

// step moves the clock by d in steps of step, waiting for the handlers after each, so
// that a handler reads the time it was claimed at (handlers run in their own goroutines,
// and a clock moved on while they run reads later).
func (f *fixture) step(d, step time.Duration) {
	f.t.Helper()
	for end := f.clk.Now().Add(d); f.clk.Now().Before(end); {
		f.advance(min(step, end.Sub(f.clk.Now())))
	}
}

func (f *fixture) idle() {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.s.Idle(ctx); err != nil {
		f.t.Fatalf("scheduler not idle: %v", err)
	}
}

func TestJobFiresExactlyOnceAtItsDueTime(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	f.start()
	due := t0.Add(10 * time.Minute)
	f.add("a", due)
	if at, ok := f.clk.NextDeadline(); !ok || !at.Equal(due) || f.clk.Pending() != 1 {
		t.Fatalf("armed %v %v with %d timers; want one timer at %v", at, ok, f.clk.Pending(), due)
	}
	f.advance(10*time.Minute - time.Nanosecond)
	if n := f.runs.count(); n != 0 {
		t.Fatalf("ran %d times before its due time", n)
	}
	f.advance(time.Nanosecond)
	f.advance(time.Hour)
	if got := f.runs.times("a"); len(got) != 1 || !got[0].Equal(due) {
		t.Fatalf("ran at %v; want once at %v", got, due)
	}
	if _, _, completed := f.store.state("a"); !completed {
		t.Fatal("job not completed")
	}
	if f.clk.Pending() != 0 {
		t.Fatalf("%d timers armed with nothing pending", f.clk.Pending())
	}
}

func TestEarlierJobAddedLaterRearmsTheTimer(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	f.add("late", t0.Add(time.Hour))
	f.start()
	f.add("early", t0.Add(5*time.Minute))
	f.add("between", t0.Add(30*time.Minute)) // later than the armed one: no change
	if at, _ := f.clk.NextDeadline(); !at.Equal(t0.Add(5*time.Minute)) || f.clk.Pending() != 1 {
		t.Fatalf("armed at %v with %d timers; want one at +5m", at, f.clk.Pending())
	}
	f.advance(5 * time.Minute)
	if got := f.runs.times("early"); len(got) != 1 || f.runs.count() != 1 {
		t.Fatalf("after 5 min ran %v; want early only", f.runs.calls)
	}
	f.step(time.Hour, time.Minute)
	if got := f.runs.times("between"); len(got) != 1 || !got[0].Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("between ran at %v; want +30m", got)
	}
	if got := f.runs.times("late"); len(got) != 1 || !got[0].Equal(t0.Add(time.Hour)) {
		t.Fatalf("late ran at %v; want +1h", got)
	}
}

func TestJobsDueWhileDownRunAtStart(t *testing.T) {
	f := newFixture(t, Config{Workers: 2}, nil)
	ctx := context.Background()
	// Added through the store directly while no scheduler runs; one was claimed by a
	// process that stopped before completing it.
	for i, key := range []string{"missed-1", "missed-2", "missed-3", "crashed"} {
		f.store.Add(ctx, Job{Kind: "test", Key: key, Due: t0.Add(-time.Duration(i+1) * time.Hour)})
	}
	f.store.Add(ctx, Job{Kind: "test", Key: "future", Due: t0.Add(time.Minute)})
	if c, _ := f.store.Claim(ctx, Scope{}, t0.Add(-4*time.Hour), 1); len(c) != 1 || c[0].Key != "crashed" {
		t.Fatalf("setup claim = %+v", c)
	}
	f.start()
	if n := f.runs.count(); n != 4 {
		t.Fatalf("ran %d jobs at start (%v); want the 4 overdue ones, with 2 workers", n, f.runs.calls)
	}
	if j, _, completed := f.store.state("crashed"); !completed || j.Attempts != 2 {
		t.Fatalf("crashed job: attempts %d completed %v; want run again, attempt 2", j.Attempts, completed)
	}
	if !strings.Contains(f.logs.String(), "jobs claimed by a stopped process run again") {
		t.Errorf("no log of the recovered job: %s", f.logs.String())
	}
	if at, _ := f.clk.NextDeadline(); !at.Equal(t0.Add(time.Minute)) {
		t.Fatalf("armed at %v; want the future job's due time", at)
	}
}

func TestSkipIsLoggedAndCompleted(t *testing.T) {
	f := newFixture(t, Config{}, func(context.Context, Job) (Outcome, error) {
		return Skip("the session is over"), nil
	})
	f.start()
	f.s.Add(context.Background(), Job{Kind: "test", Key: "reminder/7", GuildID: "42", Due: t0})
	f.idle() // due at once: claimed inside Add, no clock move needed
	if _, _, completed := f.store.state("reminder/7"); !completed {
		t.Fatal("skipped job not completed")
	}
	logs := f.logs.String()
	for _, want := range []string{"level=INFO", `msg="job skipped: the session is over"`, "kind=test", "key=reminder/7", "guild=42"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	if f.runs.count() != 1 {
		t.Fatalf("ran %d times", f.runs.count())
	}
}

func TestFailedJobIsRetriedWithBackoff(t *testing.T) {
	var fails atomic.Int32
	fails.Store(2)
	f := newFixture(t, Config{Backoff: func(n int) time.Duration { return time.Duration(n) * 10 * time.Second }},
		func(context.Context, Job) (Outcome, error) {
			if fails.Add(-1) >= 0 {
				return Done(), errors.New("discord said 503")
			}
			return Done(), nil
		})
	f.start()
	f.add("a", t0.Add(time.Minute))
	f.step(time.Hour, time.Second)
	want := []time.Time{t0.Add(time.Minute), t0.Add(time.Minute + 10*time.Second), t0.Add(time.Minute + 30*time.Second)}
	got := f.runs.times("a")
	if len(got) != 3 || !got[0].Equal(want[0]) || !got[1].Equal(want[1]) || !got[2].Equal(want[2]) {
		t.Fatalf("ran at %v; want %v (backoff 10 s, then 20 s)", got, want)
	}
	if j, _, completed := f.store.state("a"); !completed || j.Attempts != 3 {
		t.Fatalf("attempts %d completed %v; want 3, completed", j.Attempts, completed)
	}
	if n := strings.Count(f.logs.String(), "job failed; retrying"); n != 2 {
		t.Fatalf("%d retry lines; want 2:\n%s", n, f.logs.String())
	}
}

func TestJobIsGivenUpAfterMaxAttempts(t *testing.T) {
	f := newFixture(t, Config{MaxAttempts: 3, Backoff: func(int) time.Duration { return time.Second }},
		func(context.Context, Job) (Outcome, error) { panic("boom") })
	f.start()
	f.add("a", t0)
	f.step(time.Minute, time.Second)
	if n := f.runs.count(); n != 3 {
		t.Fatalf("ran %d times; want 3", n)
	}
	if _, _, completed := f.store.state("a"); !completed {
		t.Fatal("job not given up")
	}
	if !strings.Contains(f.logs.String(), "level=ERROR") || !strings.Contains(f.logs.String(), "handler panicked: boom") {
		t.Fatalf("no error line for the given-up job:\n%s", f.logs.String())
	}
}

func TestWorkersBoundConcurrencyAndAllDueJobsRun(t *testing.T) {
	var running, peak atomic.Int32
	f := newFixture(t, Config{Workers: 3}, func(context.Context, Job) (Outcome, error) {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(time.Millisecond)
		running.Add(-1)
		return Done(), nil
	})
	f.start()
	for i := range 50 {
		f.add(string(rune('A'+i)), t0.Add(time.Second))
	}
	f.advance(time.Second) // one move: the workers claim the rest as they finish
	if n := f.runs.count(); n != 50 {
		t.Fatalf("ran %d of 50 due jobs", n)
	}
	if p := peak.Load(); p > 3 {
		t.Fatalf("%d handlers at once; want at most 3", p)
	}
}

func TestScopeRunsOnlyOwnedGuilds(t *testing.T) {
	f := newFixture(t, Config{Scope: Scope{Shards: 2, IDs: []int{1}}}, nil)
	f.start()
	ctx := context.Background()
	mine, theirs := "4194304", "8388608" // 1<<22 is shard 1 of 2; 2<<22 is shard 0
	f.s.Add(ctx, Job{Kind: "test", Key: "theirs", GuildID: theirs, Due: t0.Add(time.Second)})
	if f.clk.Pending() != 0 {
		t.Fatal("armed a timer for another shard's job")
	}
	f.s.Add(ctx, Job{Kind: "test", Key: "mine", GuildID: mine, Due: t0.Add(2 * time.Second)})
	f.advance(time.Minute)
	if f.runs.count() != 1 || len(f.runs.times("mine")) != 1 {
		t.Fatalf("ran %v; want mine only", f.runs.calls)
	}
	if _, err := New(Config{Store: f.store, Clock: f.clk, Scope: Scope{Shards: 2, IDs: []int{2}}}); err == nil {
		t.Fatal("New accepted shard 2 of 2")
	}
}

func TestShutdownStopsTimersAndWaitsForHandlers(t *testing.T) {
	release := make(chan struct{})
	f := newFixture(t, Config{}, func(ctx context.Context, j Job) (Outcome, error) {
		if j.Key == "slow" {
			<-release
		}
		return Done(), nil
	})
	f.start()
	f.add("slow", t0.Add(time.Second))
	f.add("later", t0.Add(time.Hour))
	f.clk.Advance(time.Second) // slow starts and blocks
	done := make(chan error)
	go func() { done <- f.s.Shutdown(context.Background()) }()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v while a handler ran", err)
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if f.clk.Pending() != 0 {
		t.Fatalf("%d timers left after Shutdown", f.clk.Pending())
	}
	f.clk.Advance(2 * time.Hour)
	if len(f.runs.times("later")) != 0 {
		t.Fatal("a job ran after Shutdown")
	}
	if _, _, completed := f.store.state("slow"); !completed {
		t.Fatal("the job running at Shutdown was not completed")
	}
	if added, err := f.s.Add(context.Background(), Job{Kind: "test", Key: "x", Due: t0}); err != nil || !added || f.clk.Pending() != 0 {
		t.Fatalf("Add after Shutdown = %v, %v with %d timers; want stored, not armed", added, err, f.clk.Pending())
	}
}

func TestShutdownPastGraceCancelsAndReleases(t *testing.T) {
	f := newFixture(t, Config{}, func(ctx context.Context, j Job) (Outcome, error) {
		<-ctx.Done()
		return Done(), ctx.Err()
	})
	f.start()
	f.add("stuck", t0) // due at once: Add claims it and its handler starts
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := f.s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v; want the deadline", err)
	}
	j, claimed, completed := f.store.state("stuck")
	if claimed || completed || j.Attempts != 0 {
		t.Fatalf("stuck job claimed %v completed %v attempts %d; want released, attempt given back", claimed, completed, j.Attempts)
	}
	if strings.Contains(f.logs.String(), "job failed") {
		t.Fatalf("a shutdown was logged as the job's failure:\n%s", f.logs.String())
	}
}

func TestClaimFailureIsRetriedEverySecond(t *testing.T) {
	f := newFixture(t, Config{}, nil)
	f.start()
	f.store.mu.Lock()
	f.store.failClaim = errors.New("database is busy")
	f.store.mu.Unlock()
	f.add("a", t0.Add(time.Second))
	f.advance(time.Second)
	f.advance(time.Second)
	if n := strings.Count(f.logs.String(), "cannot claim due jobs"); n != 1 {
		t.Fatalf("%d error lines for a failing store; want 1", n)
	}
	f.store.mu.Lock()
	f.store.failClaim = nil
	f.store.mu.Unlock()
	f.advance(time.Second)
	if got := f.runs.times("a"); len(got) != 1 || !got[0].Equal(t0.Add(3*time.Second)) {
		t.Fatalf("ran at %v; want once, at the first second the store answered", got)
	}
}

func TestDefaultBackoff(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: 5 * time.Second, 2: 10 * time.Second, 4: 40 * time.Second,
		7: 5 * time.Minute, 100: 5 * time.Minute} {
		if got := DefaultBackoff(attempt); got != want {
			t.Errorf("DefaultBackoff(%d) = %v; want %v", attempt, got, want)
		}
	}
}

func TestShutdownReleasesClaimedJobsNotStarted(t *testing.T) {
	release := make(chan struct{})
	f := newFixture(t, Config{Workers: 1, Batch: 5}, func(ctx context.Context, j Job) (Outcome, error) {
		<-release
		return Done(), nil
	})
	f.start()
	for _, key := range []string{"a", "b", "c"} {
		f.add(key, t0.Add(time.Second))
	}
	f.clk.Advance(time.Second) // one claim takes all three; a runs, b and c wait
	if _, claimed, _ := f.store.state("c"); !claimed {
		t.Fatal("c not claimed with the batch")
	}
	done := make(chan error)
	go func() { done <- f.s.Shutdown(context.Background()) }()
	time.Sleep(10 * time.Millisecond)
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if f.runs.count() != 1 {
		t.Fatalf("ran %v; want a only", f.runs.calls)
	}
	for _, key := range []string{"b", "c"} {
		if j, claimed, completed := f.store.state(key); claimed || completed || j.Attempts != 0 {
			t.Fatalf("%s: claimed %v completed %v attempts %d; want released with its attempt given back", key, claimed, completed, j.Attempts)
		}
	}
}
