package session

// This file is the timeline of a session: persisting changes, catching up with the clock,
// and the one timer per session that drives the next transition.

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// startRun ends the lobby at now: the session runs, and its next write announces the start;
// a session with nobody in it is cancelled with a note. Caller holds rt.mu.
func (e *Engine) startRun(ctx context.Context, rt *run, now time.Time) error {
	if !slices.ContainsFunc(rt.s.Participants, Participant.Present) {
		return e.end(ctx, rt, Cancelled, now, noteEmpty)
	}
	if err := e.update(ctx, rt, func(s *Session) { s.Status, s.StartedAt = Running, now }); err != nil {
		return err
	}
	rt.announceStart = true
	return nil
}

// finish moves s to a final status at the given time, closing an open pause first so that
// ActiveTime stays right.
func finish(s *Session, status Status, at time.Time) {
	if !s.PausedAt.IsZero() {
		s.PausedTotal += at.Sub(s.PausedAt)
		s.PausedAt = time.Time{}
	}
	s.Status, s.EndedAt = status, at
}

// update applies change to a copy of the session, persists the copy (FinishSession with the
// credits when change ends the session) and only then makes it current, so memory never
// runs ahead of the store. An ended session stops its timer and frees its channel.
// Caller holds rt.mu.
func (e *Engine) update(ctx context.Context, rt *run, change func(*Session)) error {
	next := rt.s.Clone()
	change(next)
	if next.Status.Active() {
		if err := e.store.SaveSession(ctx, next); err != nil {
			return fmt.Errorf("session: save %d: %w", next.ID, err)
		}
		rt.s = next
		rt.rev++
		e.tellWatcher(ctx, next)
		return nil
	}
	recorded, err := e.store.FinishSession(ctx, next, Attendance(next))
	if err != nil {
		return fmt.Errorf("session: finish %d: %w", next.ID, err)
	}
	next.Credits = recorded
	rt.s = next
	rt.rev++
	e.stopTimer(rt)
	e.unregister(rt)
	e.logFor(next).Info("session ended", "status", next.Status, "credited", len(recorded),
		"active", next.ActiveTime(next.EndedAt), "skipped", next.SkippedTotal)
	e.tellWatcher(ctx, next)
	return nil
}

// tellWatcher passes a stored change of a scheduled session to the Watcher.
func (e *Engine) tellWatcher(ctx context.Context, s *Session) {
	if e.cfg.Watcher != nil && s.Occurrence.Scheduled() {
		e.cfg.Watcher.SessionChanged(ctx, s.Clone())
	}
}

// end finishes the session with status as of at, with a note for the final message.
// Caller holds rt.mu.
func (e *Engine) end(ctx context.Context, rt *run, status Status, at time.Time, note string) error {
	if err := e.update(ctx, rt, func(s *Session) { finish(s, status, at) }); err != nil {
		return err
	}
	rt.note = note
	return nil
}

// refresh brings the session up to date with now, re-arms its timer and marks the live
// message dirty if what it should show changed. A Store failure leaves the state as it was
// and retries after RetryDelay; because every decision is computed from the stored times,
// the retry does exactly what the missed transition would have done. Caller holds rt.mu.
func (e *Engine) refresh(ctx context.Context, rt *run, now time.Time) {
	if err := e.catchUp(ctx, rt, now); err != nil {
		e.logFor(rt.s).Error("session: persisting a transition failed; will retry", "err", err, "retry_in", e.cfg.RetryDelay)
		e.armAt(rt, now, now.Add(e.cfg.RetryDelay))
		return
	}
	e.arm(rt, now)
	if rt.key(now) != rt.shown {
		rt.dirty = true
	}
}

// catchUp applies the changes that are due at now: a lobby whose time has come starts; a
// routine whose plan is over finishes as of its planned end; a session found more than
// LateCutoff past its planned end expires; a pause longer than LateCutoff stops the session
// as of the moment it was paused. Caller holds rt.mu.
func (e *Engine) catchUp(ctx context.Context, rt *run, now time.Time) error {
	s := rt.s
	switch s.Status {
	case Lobby:
		if now.Before(s.StartAt) {
			return nil
		}
		if late := s.StartAt.Add(s.Plan.Total() + e.cfg.LateCutoff); now.After(late) {
			return e.end(ctx, rt, Expired, now, noteLate)
		}
		// Late lobbies (the bot was down at StartAt) start now, so members get the whole
		// routine rather than joining it halfway.
		return e.startRun(ctx, rt, now)
	case Running:
		end := s.PlannedEnd()
		switch {
		case now.Before(end):
			return nil
		case now.After(end.Add(e.cfg.LateCutoff)):
			return e.end(ctx, rt, Expired, now, noteLate)
		}
		return e.end(ctx, rt, Finished, end, "")
	case Paused:
		if now.Before(s.PausedAt.Add(e.cfg.LateCutoff)) {
			return nil
		}
		return e.end(ctx, rt, Stopped, s.PausedAt, notePaused)
	}
	return nil
}

// arm sets the session's timer to its next deadline, computed from the stored times (never
// from when the last write returned). Caller holds rt.mu.
func (e *Engine) arm(rt *run, now time.Time) {
	s := rt.s
	switch s.Status {
	case Lobby:
		e.armAt(rt, now, s.StartAt)
	case Running:
		stepEnd := s.Position(now).End
		e.armAt(rt, now, stepEnd)
	case Paused:
		e.armAt(rt, now, s.PausedAt.Add(e.cfg.LateCutoff))
	default:
		e.stopTimer(rt)
	}
}

// armAt sets the session's wake-up at at: a durable alarm in the bot's one scheduler when
// the engine has Alarms, and a timer on the engine's clock. The alarm is the deadline as a
// row beside every other piece of due work; the timer counts elapsed time, which a
// session's deadline is, so it still fires on time when the wall clock is set back (the
// row, due at a wall time, would then fire late by as much) and when the database refuses
// the alarm's write. Whichever wakes the session first makes the transition; the other
// finds nothing due. Caller holds rt.mu.
func (e *Engine) armAt(rt *run, now, at time.Time) {
	e.stopTimer(rt)
	e.setAlarm(rt, at)
	gen := rt.gen
	rt.timer = e.clock.AfterFunc(at.Sub(now), func() { e.fire(rt, gen) })
}

// setAlarm records the deadline at in Config.Alarms, once per deadline. A failure is
// logged; the clock timer still wakes the session. Caller holds rt.mu.
func (e *Engine) setAlarm(rt *run, at time.Time) {
	if e.cfg.Alarms == nil || rt.alarmAt.Equal(at) {
		return
	}
	if err := e.cfg.Alarms.Set(e.base, rt.s, at); err != nil {
		e.logFor(rt.s).Warn("session: recording the next deadline in the job table failed; its timer still runs", "err", err)
		return
	}
	rt.alarmAt = at
}

func (e *Engine) stopTimer(rt *run) {
	if rt.timer != nil {
		rt.timer.Stop()
		rt.timer = nil
	}
	rt.gen++
}

// fire is the timer callback: a transition.
func (e *Engine) fire(rt *run, gen uint64) {
	if !e.enter() {
		return
	}
	defer e.busy.Done()
	rt.mu.Lock()
	if rt.gen != gen {
		rt.mu.Unlock()
		return
	}
	rt.timer = nil
	e.refresh(e.base, rt, e.nowFor(e.base, rt))
	rt.mu.Unlock()
	_ = e.flush(e.base, rt) // logged inside
}

// Wake is what a durable alarm calls at a session's deadline (Config.Alarms): it brings the
// session up to date with the clock and arms its next deadline, and writes the live message
// in the background, so the caller (a scheduler worker) is free at once. Alarms are never
// cancelled, so a wake may come for a session that has ended, or before anything is due
// (its deadline moved with a pause or a skip, or its timer got there first): it then
// changes nothing.
func (e *Engine) Wake(id int64) {
	e.mu.Lock()
	rt := e.runs[id]
	e.mu.Unlock()
	if rt == nil || !e.enter() {
		return
	}
	defer e.busy.Done()
	rt.mu.Lock()
	e.refresh(e.base, rt, e.nowFor(e.base, rt))
	rt.mu.Unlock()
	e.flushLater(rt)
}
