package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/stretchbot/stretchbot/clock"
)

// Config is what New needs. Store and Clock are required.
type Config struct {
	Store Store
	Clock clock.Clock
	// Log receives skips (Info), failed attempts (Warn) and given-up jobs (Error);
	// slog.Default() when nil.
	Log *slog.Logger
	// Scope is the guilds this process runs jobs for; the zero Scope is all of them.
	Scope Scope
	// Workers bounds how many handlers run at once; DefaultWorkers when 0.
	Workers int
	// Batch is how many due jobs one Claim takes at most, to run as workers free up;
	// DefaultBatch when 0, never fewer than Workers. Jobs claimed and not yet started when
	// the scheduler shuts down are released.
	Batch int
	// Backoff is the delay before retry number attempt (1 after the first failure);
	// DefaultBackoff when nil.
	Backoff func(attempt int) time.Duration
	// MaxAttempts is how many failed attempts a job gets before it is given up (logged at
	// Error and completed); 0 means DefaultMaxAttempts, a negative value never gives up.
	MaxAttempts int
}

// DefaultWorkers is Config.Workers when unset.
const DefaultWorkers = 8

// DefaultBatch is Config.Batch when unset.
const DefaultBatch = 64

// DefaultMaxAttempts is Config.MaxAttempts when unset: with DefaultBackoff, about 1 h 40 min
// of retries.
const DefaultMaxAttempts = 25

// DefaultBackoff waits 5 s after the first failure, doubling up to 5 min, as the session
// engine's writes do.
func DefaultBackoff(attempt int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < attempt && d < 5*time.Minute; i++ {
		d *= 2
	}
	return min(d, 5*time.Minute)
}

// Scheduler runs the jobs of a Store when they are due: one clock timer for the earliest
// pending job, at most Workers handlers at a time.
//
// Due jobs are claimed in batches and run as workers free up. While every worker is busy
// no timer is armed: the next worker to finish starts the next claimed job, or claims more.
// Otherwise the timer is armed for the earliest pending job, re-armed after each claim and
// whenever Add stores an earlier one. With a fake clock, a due job is claimed inside the
// clock's Advance, and its handler runs in its own goroutine; Idle waits for it.
type Scheduler struct {
	store    Store
	clk      clock.Clock
	log      *slog.Logger
	scope    Scope
	workers  int
	batch    int
	backoff  func(int) time.Duration
	maxTries int

	handlersMu sync.RWMutex
	handlers   map[string]Handler

	mu       sync.Mutex
	cond     *sync.Cond // signalled when busy drops or the scheduler stops
	started  bool
	stopping bool
	busy     int         // handlers running
	queue    []Job       // claimed, waiting for a worker
	timer    clock.Timer // nil when none is armed
	timerGen uint64      // tells the armed timer from stopped ones that fire anyway
	armedAt  time.Time   // the deadline of timer
	runCtx   context.Context
	cancel   context.CancelFunc
	lastErr  error // the last store error of the pump, for logs without repetition
}

// New returns a Scheduler; register handlers with Handle, then Start it.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Store == nil || cfg.Clock == nil {
		return nil, errors.New("jobs: a Store and a Clock are required")
	}
	if err := cfg.Scope.Validate(); err != nil {
		return nil, err
	}
	s := &Scheduler{
		store: cfg.Store, clk: cfg.Clock, log: cfg.Log, scope: cfg.Scope,
		workers: cfg.Workers, batch: cfg.Batch, backoff: cfg.Backoff, maxTries: cfg.MaxAttempts,
		handlers: map[string]Handler{},
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.workers <= 0 {
		s.workers = DefaultWorkers
	}
	if s.batch == 0 {
		s.batch = DefaultBatch
	}
	s.batch = max(s.batch, s.workers)
	if s.backoff == nil {
		s.backoff = DefaultBackoff
	}
	if s.maxTries == 0 {
		s.maxTries = DefaultMaxAttempts
	}
	s.cond = sync.NewCond(&s.mu)
	return s, nil
}

// Handle registers the handler of kind, replacing any before. Register every kind before
// Start: a job whose kind has no handler fails its attempts like a handler error.
func (s *Scheduler) Handle(kind string, h Handler) {
	s.handlersMu.Lock()
	defer s.handlersMu.Unlock()
	s.handlers[kind] = h
}

// Start makes the jobs left claimed by a previous process pending again, then claims what
// is due and arms the timer for the earliest of the rest: one query for the earliest, not a
// load of the table. ctx bounds Start's own queries only.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("jobs: scheduler started twice")
	}
	n, err := s.store.Recover(ctx, s.scope)
	if err != nil {
		return fmt.Errorf("jobs: recover claimed jobs: %w", err)
	}
	if n > 0 {
		s.log.Info("jobs claimed by a stopped process run again", "jobs", n)
	}
	s.started = true
	s.runCtx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	s.pumpLocked()
	return nil
}

// Add stores j and, if it is due before the armed timer, re-arms the timer for it. Adding a
// job whose (Kind, Key) exists does nothing and reports added false. Jobs may also be added
// through the Store directly; the scheduler then sees them at its next timer or restart.
func (s *Scheduler) Add(ctx context.Context, j Job) (added bool, err error) {
	if added, err = s.store.Add(ctx, j); err != nil || !added {
		return added, err
	}
	if !s.scope.Owns(j.GuildID) {
		return true, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started || s.stopping || s.busy >= s.workers {
		return true, nil
	}
	switch {
	case !j.Due.After(s.clk.Now()):
		s.pumpLocked() // due already: claim it now rather than at the clock's next move
	case s.timer == nil || j.Due.Before(s.armedAt):
		s.armLocked(j.Due)
	}
	return true, nil
}

// Idle waits until no handler is running or claimed to run, or ctx ends. With a fake
// clock: move the clock, then Idle, and every job due by then has run (a handler that
// finishes claims the jobs due that it left waiting before Idle can return). Handlers run
// in their own goroutines, so one that reads the clock reads the time the clock has reached
// by then: a test that wants each handler to see its due time moves the clock in steps,
// with Idle after each.
func (s *Scheduler) Idle(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.cond.Broadcast()
	})
	defer stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.busy > 0 || len(s.queue) > 0 {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.cond.Wait()
	}
	return nil
}

// Shutdown stops the timer and claims no more jobs, then waits for running handlers to
// finish. If ctx ends first it cancels the handlers' context and waits for them to return
// (a handler that fails for that reason is retried by the next process), and returns
// ctx's error.
func (s *Scheduler) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.started || s.stopping {
		s.stopping = true
		s.mu.Unlock()
		return nil
	}
	s.stopping = true
	s.stopTimerLocked()
	queued := s.queue
	s.queue = nil
	s.mu.Unlock()
	for _, j := range queued {
		if err := s.store.Release(context.WithoutCancel(ctx), j.ID); err != nil {
			s.log.Error("jobs: cannot release a claimed job at shutdown; it runs after a restart", "kind", j.Kind, "key", j.Key, "err", err)
		}
	}
	err := s.Idle(ctx)
	if err != nil {
		s.cancel()
		s.Idle(context.Background())
	}
	s.cancel()
	return err
}

// fire is the function of the timer armed as generation gen.
func (s *Scheduler) fire(gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timer == nil || s.timerGen != gen { // stopped or replaced after it began to fire
		return
	}
	s.timer = nil
	s.pumpLocked()
}

// pumpLocked starts claimed jobs on the free workers, claiming a batch of due jobs when
// none is waiting, and arms the timer for the earliest pending job if a worker is still
// free. Caller holds s.mu.
//
// A worker left free means the last Claim returned fewer jobs than asked (the batch is
// never smaller than the workers), so nothing else is due now.
func (s *Scheduler) pumpLocked() {
	if !s.started || s.stopping {
		return
	}
	ctx := s.runCtx
	now := s.clk.Now()
	for claimed := false; s.busy < s.workers; {
		if len(s.queue) == 0 {
			if claimed {
				break
			}
			jobs, err := s.store.Claim(ctx, s.scope, now, s.batch)
			if err != nil {
				s.storeFailedLocked("claim due jobs", err)
				s.armLocked(now.Add(time.Second))
				return
			}
			s.queue, claimed = jobs, true
			if len(jobs) == 0 {
				break
			}
		}
		j := s.queue[0]
		s.queue = s.queue[1:]
		s.busy++
		go s.run(j)
	}
	if len(s.queue) == 0 {
		s.queue = nil // let the batch's array go
	}
	if s.busy >= s.workers {
		// The next worker to finish claims more; no timer meanwhile.
		s.stopTimerLocked()
		return
	}
	next, ok, err := s.store.Next(ctx, s.scope)
	switch {
	case err != nil:
		s.storeFailedLocked("find the next due job", err)
		s.armLocked(now.Add(time.Second))
	case ok:
		s.lastErr = nil
		s.armLocked(next)
	default:
		s.lastErr = nil
		s.stopTimerLocked()
	}
}

// storeFailedLocked logs a failing store once per run of failures; the pump tries again
// in a second.
func (s *Scheduler) storeFailedLocked(what string, err error) {
	if s.lastErr == nil || s.lastErr.Error() != err.Error() {
		s.log.Error("jobs: cannot "+what+"; trying again every second", "err", err)
	}
	s.lastErr = err
}

// armLocked (re)arms the timer for due; a due in the past fires as soon as possible.
func (s *Scheduler) armLocked(due time.Time) {
	if s.timer != nil && s.armedAt.Equal(due) {
		return
	}
	s.stopTimerLocked()
	s.timerGen++
	gen := s.timerGen
	s.timer = s.clk.AfterFunc(due.Sub(s.clk.Now()), func() { s.fire(gen) })
	s.armedAt = due
}

func (s *Scheduler) stopTimerLocked() {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
}

// run runs one claimed job, records its outcome, and claims more with its free worker.
func (s *Scheduler) run(j Job) {
	ctx := s.runCtx
	outcome, err := s.call(ctx, j)
	// The outcome is recorded even while shutting down past the grace period.
	s.record(context.WithoutCancel(ctx), j, outcome, err)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy--
	s.pumpLocked()
	s.cond.Broadcast()
}

// call runs the job's handler; a panic is an error.
func (s *Scheduler) call(ctx context.Context, j Job) (o Outcome, err error) {
	s.handlersMu.RLock()
	h := s.handlers[j.Kind]
	s.handlersMu.RUnlock()
	if h == nil {
		return Outcome{}, fmt.Errorf("no handler for jobs of kind %q", j.Kind)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panicked: %v\n%s", r, debug.Stack())
		}
	}()
	return h(ctx, j)
}

// record completes or retries j after its attempt.
func (s *Scheduler) record(ctx context.Context, j Job, o Outcome, err error) {
	attrs := []any{"kind", j.Kind, "key", j.Key, "guild", j.GuildID, "attempt", j.Attempts}
	var storeErr error
	switch {
	case err == nil:
		if reason, ok := o.Skipped(); ok {
			s.log.Info("job skipped: "+reason, attrs...)
		}
		storeErr = s.store.Complete(ctx, j.ID)
	case s.maxTries > 0 && j.Attempts >= s.maxTries:
		s.log.Error("job failed its last attempt; giving it up", append(attrs, "err", err)...)
		storeErr = s.store.Complete(ctx, j.ID)
	case s.runCtx.Err() != nil:
		// Cancelled by Shutdown: not the job's failure.
		s.log.Info("job interrupted by shutdown; it runs again after a restart", append(attrs, "err", err)...)
		storeErr = s.store.Release(ctx, j.ID)
	default:
		at := s.clk.Now().Add(s.backoff(j.Attempts))
		s.log.Warn("job failed; retrying", append(attrs, "err", err, "retry_at", at)...)
		storeErr = s.store.Retry(ctx, j.ID, at)
	}
	if storeErr != nil {
		// The job stays claimed; the next start runs it again.
		s.log.Error("jobs: cannot record a job's outcome; it runs again after a restart", append(attrs, "err", storeErr)...)
	}
}
