package storage

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/internal/sqlitetest"
	"github.com/stretchbot/stretchbot/jobs"
)

// recordingObserver is an Observer that keeps what it was told.
type recordingObserver struct {
	mu        sync.Mutex
	writes    int
	failures  int
	busyWaits int
}

var _ Observer = (*recordingObserver)(nil)

func (o *recordingObserver) Write(_ time.Duration, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.writes++
	if err != nil {
		o.failures++
	}
}

func (o *recordingObserver) BusyWait() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.busyWaits++
}

func (o *recordingObserver) counts() (writes, failures, busyWaits int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.writes, o.failures, o.busyWaits
}

// Every write transaction is observed once; one that waits for another process's lock is
// observed with its waits, and as a failure when the wait runs out.
func TestObserverSeesWritesAndBusyWaits(t *testing.T) {
	obs := &recordingObserver{}
	db, ctx := openTemp(t, WithObserver(obs), WithWriteWait(300*time.Millisecond)), context.Background()
	writes, before, _ := obs.counts() // opening wrote too (migrations, the write probe)
	if _, err := db.Add(ctx, testJob("a", fixedNow())); err != nil {
		t.Fatal(err)
	}
	if got, failures, waits := obs.counts(); got != writes+1 || failures != before || waits != 0 {
		t.Fatalf("after one write: writes %d (want %d), failures %d, busy waits %d; want one more write, no failure, no wait", got, writes+1, failures, waits)
	}
	released := sqlitetest.HoldWriteLock(t, db.Path(), 2*time.Second)
	if _, err := db.Add(ctx, testJob("b", fixedNow())); err == nil {
		t.Fatal("a write succeeded while another process held the lock past the write wait")
	}
	<-released
	if _, failures, waits := obs.counts(); failures != before+1 || waits == 0 {
		t.Fatalf("after a write that stayed locked: failures %d, busy waits %d; want one failure and at least one wait", failures, waits)
	}
}

func TestCountJobs(t *testing.T) {
	db, ctx := openTemp(t), context.Background()
	now := fixedNow()
	for _, j := range []jobs.Job{testJob("past", now.Add(-time.Minute)), testJob("now", now), testJob("later", now.Add(time.Hour)),
		testJob("claimed", now.Add(-time.Hour))} {
		if _, err := db.Add(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	// The earliest (claimed) is taken by a run: no longer pending.
	if claimed, err := db.Claim(ctx, jobs.Scope{}, now, 1); err != nil || len(claimed) != 1 {
		t.Fatalf("Claim = %v, %v", claimed, err)
	}
	got, err := db.CountJobs(ctx, jobs.Scope{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := (JobCounts{Pending: 3, Due: 2}); got != want {
		t.Fatalf("CountJobs = %+v, want %+v", got, want)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping of an open database = %v", err)
	}
	db.Close()
	if err := db.Ping(ctx); err == nil {
		t.Fatal("Ping of a closed database succeeded")
	}
}
