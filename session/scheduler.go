package session

import (
	"context"
	"errors"
	"fmt"
	"time"
)

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
		return nil
	}
	credits := Attendance(next)
	if err := e.store.FinishSession(ctx, next, credits); err != nil {
		return fmt.Errorf("session: finish %d: %w", next.ID, err)
	}
	rt.s = next
	rt.rev++
	e.stopTimer(rt)
	e.unregister(rt)
	e.logFor(next).Info("session ended", "status", next.Status, "credited", len(credits),
		"active", next.ActiveTime(next.EndedAt), "skipped", next.SkippedTotal)
	return nil
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
		_, _, stepEnd, _ := s.Position(now)
		e.armAt(rt, now, stepEnd)
	case Paused:
		e.armAt(rt, now, s.PausedAt.Add(e.cfg.LateCutoff))
	default:
		e.stopTimer(rt)
	}
}

func (e *Engine) armAt(rt *run, now, at time.Time) {
	e.stopTimer(rt)
	gen := rt.gen
	rt.timer = e.clock.AfterFunc(at.Sub(now), func() { e.fire(rt, gen) })
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

// flush writes the live message while it is dirty, unless another goroutine is already
// writing it (that writer will pick the change up). A failed write is not counted as shown:
// it is retried with backoff until it lands or the message is gone, because a final
// summary has no later transition to carry it. It returns the last write error.
func (e *Engine) flush(ctx context.Context, rt *run) error {
	var last error
	for {
		rt.mu.Lock()
		if !rt.dirty || rt.writing {
			rt.mu.Unlock()
			return last
		}
		now := e.nowFor(ctx, rt)
		v := e.view(rt, now)
		editID, lobbyID := e.editTarget(rt.s, now), ""
		if rt.announceStart && rt.s.Status.Active() {
			// An edit never notifies: the start is a new message that pings the members.
			editID, lobbyID, v.Ping = "", rt.s.LiveMessageID, presentIDs(rt.s)
		}
		previous, previousRev := rt.shown, rt.shownRev
		rt.dirty, rt.writing, rt.shown, rt.shownRev = false, true, rt.key(now), rt.rev
		rt.mu.Unlock()

		newID, err := e.write(ctx, v, editID)
		if err == nil && lobbyID != "" {
			e.pointToNew(ctx, v, lobbyID, newID)
		}

		rt.mu.Lock()
		rt.writing = false
		if err == nil {
			rt.announceStart = false
		}
		e.afterWrite(ctx, rt, newID, err)
		failed := err != nil && !errors.Is(err, ErrGone)
		if failed {
			rt.shown, rt.shownRev, rt.dirty = previous, previousRev, true
			e.retryLater(rt)
		} else {
			rt.backoff = 0
		}
		rt.mu.Unlock()
		if failed {
			return err
		}
		last = err
	}
}

// pointToNew rewrites the lobby message lobbyID so that it points to the session's new
// message newID instead of offering buttons that now belong there. It is best effort: the
// new message is what matters.
func (e *Engine) pointToNew(ctx context.Context, v View, lobbyID, newID string) {
	v.MovedTo, v.Ping = newID, nil
	if err := e.poster.Edit(ctx, v.Session.ChannelID, lobbyID, v); err != nil {
		e.logFor(&v.Session).Info("could not point the lobby message to the running session", "err", err)
	}
}

// presentIDs lists the members present in s.
func presentIDs(s *Session) []string {
	var ids []string
	for _, p := range s.Participants {
		if p.Present() {
			ids = append(ids, p.UserID)
		}
	}
	return ids
}

// maxWriteBackoff caps the delay between retries of a failed write.
const maxWriteBackoff = 5 * time.Minute

// retryLater flushes rt again after a backoff that doubles from RetryDelay up to
// maxWriteBackoff. Caller holds rt.mu.
func (e *Engine) retryLater(rt *run) {
	rt.backoff = min(max(2*rt.backoff, e.cfg.RetryDelay), maxWriteBackoff)
	if rt.retry != nil {
		rt.retry.Stop()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return
	}
	e.retrying[rt] = struct{}{}
	rt.retry = e.clock.AfterFunc(rt.backoff, func() {
		e.mu.Lock()
		delete(e.retrying, rt)
		e.mu.Unlock()
		if !e.enter() {
			return
		}
		defer e.busy.Done()
		_ = e.flush(e.base, rt) // logged inside
	})
}

// flushLater writes the live message in the background, for callers that must not wait
// for the paced Poster (a click must be answered within 3 s).
func (e *Engine) flushLater(rt *run) {
	if !e.enter() {
		return
	}
	go func() {
		defer e.busy.Done()
		_ = e.flush(e.base, rt) // logged inside
	}()
}

// editTarget returns the live message to edit, or "" to post a new one: there is none yet,
// or it is older than EditWindow and Discord would soon refuse the edit.
func (e *Engine) editTarget(s *Session, now time.Time) string {
	if s.LiveMessageID == "" || now.Sub(s.LiveMessagePostedAt) >= e.cfg.EditWindow {
		return ""
	}
	return s.LiveMessageID
}

// write performs one Poster write; an edit refused as too old becomes a new post. It returns
// the id of a newly posted message, if any.
func (e *Engine) write(ctx context.Context, v View, editID string) (string, error) {
	if editID != "" {
		err := e.poster.Edit(ctx, v.Session.ChannelID, editID, v)
		if !errors.Is(err, ErrTooOld) {
			return "", err
		}
		e.logFor(&v.Session).Info("live message too old to edit; posting a new one", "message", editID)
	}
	return e.poster.Post(ctx, v.Session.ChannelID, v)
}

// afterWrite records a new live message or reacts to a failed write. Caller holds rt.mu.
func (e *Engine) afterWrite(ctx context.Context, rt *run, newID string, err error) {
	now := e.nowFor(ctx, rt)
	switch {
	case errors.Is(err, ErrGone):
		e.logFor(rt.s).Warn("session channel or message gone; ending the session", "err", err)
		rt.dirty = false
		if rt.s.Status.Active() {
			if err := e.end(ctx, rt, Aborted, now, noteGone); err != nil {
				e.logFor(rt.s).Error("session: recording the abort failed", "err", err)
			}
		}
	case err != nil:
		// The Poster already retried; the session's timing is unaffected and the next
		// transition writes the then-current state.
		e.logFor(rt.s).Warn("session message write failed", "err", err)
	case newID != "":
		e.recordMessage(ctx, rt, newID, now)
	}
}

func (e *Engine) recordMessage(ctx context.Context, rt *run, id string, at time.Time) {
	set := func(s *Session) { s.LiveMessageID, s.LiveMessagePostedAt = id, at }
	if !rt.s.Status.Active() {
		set(rt.s) // the final message; nothing left to persist
		return
	}
	// Recording the id changes nothing the message shows.
	wasShown := rt.shownRev == rt.rev
	defer func() {
		if wasShown {
			rt.shownRev = rt.rev
		}
	}()
	if err := e.update(ctx, rt, set); err != nil {
		// Keep it in memory anyway: the next save carries it, and a restart without it
		// merely posts a fresh message.
		e.logFor(rt.s).Error("session: saving the live message id failed", "err", err)
		set(rt.s)
	}
}

// key is what a rendering at now shows. Caller holds rt.mu.
func (rt *run) key(now time.Time) shownKey {
	if !rt.s.Status.Active() {
		return shownKey{rt.s.Status, len(rt.s.Plan)}
	}
	step, _, _, _ := rt.s.Position(now)
	return shownKey{rt.s.Status, step}
}

// view snapshots the session for rendering. Caller holds rt.mu.
func (e *Engine) view(rt *run, now time.Time) View {
	s := rt.s.Clone()
	v := View{Session: *s, Now: now, Step: -1, Note: rt.note}
	switch s.Status {
	case Lobby:
		v.Next = stepAt(s.Plan, 0)
	case Running, Paused:
		step, start, end, _ := s.Position(now)
		v.Step, v.Next = step, stepAt(s.Plan, step+1)
		if s.Status == Running {
			v.StepStart, v.StepEnd = start, end
		} else {
			v.Remaining = end.Sub(now)
		}
	default:
		v.Step = len(s.Plan)
		v.Credits, v.Missed = attendance(s)
		v.Reached = s.exercisesReached()
		if !s.StartedAt.IsZero() {
			v.RealDuration = s.EndedAt.Sub(s.StartedAt)
		}
	}
	return v
}

func stepAt(p Plan, i int) *Step {
	if i < 0 || i >= len(p) {
		return nil
	}
	st := p[i]
	return &st
}

// Restore loads every active session at boot and continues it: a running session resumes
// at the step the stored times say and its current step is announced once; one whose plan
// ended while the bot was down is finished as of its planned end and credited (once: it is
// no longer active afterwards, and Restore skips sessions it already runs); one more than
// LateCutoff past its planned end is closed as Expired and credits nobody; a lobby whose
// start time passed starts now. Every session is persisted and armed before any message is
// written, so a slow, paced Poster does not delay anyone's timing; the announcements are
// then written one after the other, which with a paced Poster takes about len/50 seconds.
func (e *Engine) Restore(ctx context.Context) error {
	if !e.enter() {
		return ErrClosed
	}
	defer e.busy.Done()
	sessions, err := e.store.ActiveSessions(ctx)
	if err != nil {
		return fmt.Errorf("session: restore: %w", err)
	}
	var resumed []*run
	for _, s := range sessions {
		if rt := e.restoreOne(ctx, s); rt != nil {
			resumed = append(resumed, rt)
		}
	}
	for _, rt := range resumed {
		_ = e.flush(ctx, rt) // logged inside
	}
	e.log.Info("sessions restored", "found", len(sessions), "resumed", len(resumed))
	return nil
}

// restoreOne takes over one stored active session; nil if it was already running here.
func (e *Engine) restoreOne(ctx context.Context, s *Session) *run {
	rt := &run{s: s, guildID: s.GuildID}
	e.mu.Lock()
	_, dup := e.runs[s.ID]
	if !dup {
		e.runs[s.ID], e.byChannel[s.ChannelID] = rt, rt
	}
	e.mu.Unlock()
	if dup {
		return nil
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	now, setBack := e.readClock()
	rt.setBack = setBack
	if last := s.lastEvent(); now.Before(last) {
		// The wall clock was set back while the bot was down: take the stored times back
		// with it, as if no time had passed since the last thing that happened.
		e.logFor(s).Warn("session: stored times are ahead of the clock; moving them back", "by", last.Sub(now))
		e.shiftRun(ctx, rt, now.Sub(last))
	}
	if err := s.Plan.Validate(); err != nil {
		e.logFor(s).Error("session: stored plan unusable; aborting the session", "err", err)
		if err := e.end(ctx, rt, Aborted, now, notePost); err != nil {
			e.logFor(s).Error("session: recording the abort failed", "err", err)
		}
		return nil
	}
	// A waiting lobby or a pause already shows what it should; a running session's message
	// shows some earlier step, so leaving shown at its zero value announces the current one.
	if s.Status != Running {
		rt.shown = rt.key(now)
	}
	e.refresh(ctx, rt, now)
	return rt
}

// Shutdown stops every timer and waits for in-flight operations and transitions, or for ctx
// to end (then it cancels the writes still waiting and returns ctx.Err()). Sessions stay
// active in the Store, so the next Restore resumes them. The Engine is unusable afterwards.
func (e *Engine) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.closed = true
	runs := make([]*run, 0, len(e.runs)+len(e.retrying))
	for _, rt := range e.runs {
		runs = append(runs, rt)
	}
	for rt := range e.retrying {
		runs = append(runs, rt)
	}
	e.mu.Unlock()
	for _, rt := range runs {
		rt.mu.Lock()
		e.stopTimer(rt)
		if rt.retry != nil {
			rt.retry.Stop()
		}
		rt.mu.Unlock()
	}
	done := make(chan struct{})
	go func() {
		e.busy.Wait()
		close(done)
	}()
	defer e.cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
