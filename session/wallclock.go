package session

import (
	"context"
	"sync"
	"time"
)

// wallStepTolerance is how far the wall clock may fall behind the monotonic clock before
// the engine takes it as set back; NTP slews the clock by far less than this.
const wallStepTolerance = time.Second

// wallWatch notices the wall clock being set back (an NTP step, a VM resumed with an old
// time) by comparing it with the monotonic clock, and adds up how far it went back.
// Forward steps are taken as time that passed: after a suspend, sessions catch up.
type wallWatch struct {
	mu      sync.Mutex
	wall    time.Time     // the last reading
	mono    time.Duration // the monotonic clock at that reading
	setBack time.Duration // total set back since the engine started
}

// read returns the wall time and the total the wall clock has been set back so far.
func (e *Engine) readClock() (time.Time, time.Duration) {
	w := &e.wall
	w.mu.Lock()
	defer w.mu.Unlock()
	now, mono := e.clock.Now(), e.clock.Monotonic()
	if !w.wall.IsZero() {
		if lag := w.wall.Add(mono - w.mono).Sub(now); lag > wallStepTolerance {
			w.setBack += lag
			e.log.Warn("the wall clock was set back; running sessions keep their elapsed time", "by", lag)
		}
	}
	w.wall, w.mono = now, mono
	return now, w.setBack
}

// nowFor reads the time for rt. If the wall clock was set back since rt's times were
// stored, it first moves those times back by as much, so that no duration turns negative,
// no deadline moves away, and nobody loses credit; the timer needs no re-arming, since it
// counts elapsed time. Caller holds rt.mu.
func (e *Engine) nowFor(ctx context.Context, rt *run) time.Time {
	now, setBack := e.readClock()
	if d := setBack - rt.setBack; d != 0 {
		rt.setBack = setBack
		e.shiftRun(ctx, rt, -d)
	}
	return now
}

// shiftRun moves an active session's stored times by d and persists them. A failed save
// keeps the shift in memory, where the next save carries it. Caller holds rt.mu.
func (e *Engine) shiftRun(ctx context.Context, rt *run, d time.Duration) {
	if !rt.s.Status.Active() {
		return
	}
	if err := e.update(ctx, rt, func(s *Session) { s.shiftTimes(d) }); err != nil {
		e.logFor(rt.s).Error("session: saving times moved with the wall clock failed", "err", err)
		rt.s.shiftTimes(d)
	}
}
