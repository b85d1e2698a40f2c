package session

// This file is the live message: the in-memory run of a session, the single writer of its
// message (flush, retries, the claims of click replies) and the View it renders from.

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/stretchbot/stretchbot/clock"
)

// run is the in-memory state of one active session.
type run struct {
	guildID string // never changes; readable without mu

	mu       sync.Mutex
	s        *Session // replaced by update after a successful save; views copy it
	rev      uint64   // bumped by every saved change, so a View can tell whether it is still current
	timer    clock.Timer
	gen      uint64    // bumped when the timer is stopped, so a callback already on its way is ignored
	alarmAt  time.Time // the deadline last recorded in Config.Alarms
	shown    shownKey  // what the live message shows, or is being written to show
	shownRev uint64    // the rev of that rendering
	dirty    bool      // the live message is behind the state
	writing  bool      // a goroutine (or a claimed click reply) is writing the live message
	retry    clock.Timer
	backoff  time.Duration // the delay before the next retry of a failed write; 0 after a success
	// announceStart: the session has just started; the next write posts a new message that
	// pings its members (an edit never notifies) and points the lobby message to it.
	announceStart bool
	// pingRole is mentioned by the lobby's first post, then cleared (StartRequest.PingRole).
	pingRole string
	setBack  time.Duration // how far the wall clock had been set back when s's times were last moved
	note     string
}

// shownKey identifies what a rendering of the session shows, to write only real changes.
type shownKey struct {
	status Status
	step   int
}

// claimer returns View.Claim for a view of rt taken at now: the reply to a click on the
// live message becomes that message's one writer, provided nothing newer has been saved,
// shown or is being written since. Caller holds rt.mu.
func (e *Engine) claimer(rt *run, now time.Time) func() (func(sent bool), bool) {
	rev, shows := rt.rev, rt.key(now)
	return func() (func(sent bool), bool) {
		rt.mu.Lock()
		defer rt.mu.Unlock()
		now := e.nowFor(e.base, rt)
		if rt.writing || rt.rev != rev || rt.key(now) != shows {
			// Too old to show. Unless the newest state is shown or being written already,
			// the engine writes it instead.
			if rt.shownRev != rt.rev || rt.shown != rt.key(now) {
				rt.dirty = true
				e.flushLater(rt)
			}
			return nil, false
		}
		rt.writing, rt.shown, rt.shownRev = true, shows, rev
		return func(sent bool) {
			rt.mu.Lock()
			rt.writing = false
			if !sent {
				rt.dirty = true
			}
			rt.mu.Unlock()
			e.flushLater(rt) // whatever changed while the reply was on its way
		}, true
	}
}

// abandonUnposted ends a session whose first message could not be posted: nobody can see
// its buttons, so it would only block the channel.
func (e *Engine) abandonUnposted(ctx context.Context, rt *run) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if !rt.s.Status.Active() {
		return
	}
	if err := e.end(ctx, rt, Aborted, e.nowFor(ctx, rt), notePost); err != nil {
		e.logFor(rt.s).Error("session: recording the abort failed", "err", err)
	}
}

func (e *Engine) snapshot(rt *run) View {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return e.view(rt, e.nowFor(e.base, rt))
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
		// This goroutine is the writer from here, so a click's reply cannot claim the
		// message while the write waits for its turn.
		rt.writing = true
		rt.mu.Unlock()
		turnCtx, err := e.turn(ctx)
		rt.mu.Lock()
		if err != nil {
			rt.writing = false
			rt.mu.Unlock()
			return err
		}
		now := e.nowFor(ctx, rt)
		v := e.view(rt, now)
		// A new message replaces the old one (too old to edit, or the start): the old one then
		// points to it instead of offering buttons that now belong there.
		editID, oldID := e.editTarget(rt.s, now), ""
		if editID == "" {
			oldID = rt.s.LiveMessageID
		}
		if rt.announceStart && rt.s.Status.Active() {
			// An edit never notifies: the start is a new message that pings the members.
			editID, oldID, v.Ping = "", rt.s.LiveMessageID, presentIDs(rt.s)
		}
		if editID == "" && rt.s.Status == Lobby {
			v.PingRole = rt.pingRole
		}
		previous, previousRev := rt.shown, rt.shownRev
		rt.dirty, rt.shown, rt.shownRev = false, rt.key(now), rt.rev
		rt.mu.Unlock()

		newID, err := e.write(turnCtx, v, editID)
		if err == nil && oldID != "" {
			e.pointToNew(ctx, v, oldID, newID)
		}

		rt.mu.Lock()
		rt.writing = false
		if err == nil {
			rt.announceStart = false
			if v.PingRole != "" {
				rt.pingRole = ""
			}
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

// turn waits for the Poster's next write slot when it has turns (Turner), so the write that
// follows renders the session as it is when the write goes out: under load a write waits
// behind every other session's, and a state rendered before the wait would be stale when
// sent. Without turns it returns at once and the write waits as it goes.
func (e *Engine) turn(ctx context.Context) (context.Context, error) {
	if t, ok := e.poster.(Turner); ok {
		return t.Turn(ctx)
	}
	return ctx, nil
}

// pointToNew rewrites the old message oldID (the lobby, or a live message Discord refused to
// edit) so that it points to the session's new message newID instead of offering buttons
// that now belong there. A refusal as too old is tried again later (pointLater); any other
// failure is only logged: the new message is what matters.
func (e *Engine) pointToNew(ctx context.Context, v View, oldID, newID string) {
	e.pointAttempt(ctx, v, oldID, newID, e.cfg.RetryDelay, maxPointAttempts)
}

// maxPointAttempts bounds the tries of pointing an old message to the new one.
const maxPointAttempts = 4

// pointAttempt is one try of pointToNew; after a refusal as too old it tries again after
// wait, doubled each time, while tries are left.
func (e *Engine) pointAttempt(ctx context.Context, v View, oldID, newID string, wait time.Duration, left int) {
	v.MovedTo, v.Ping = newID, nil
	err := e.poster.Edit(ctx, v.Session.ChannelID, oldID, v)
	switch {
	case errors.Is(err, ErrTooOld) && left > 1:
		e.pointLater(v, oldID, newID, wait, left-1)
	case err != nil:
		e.logFor(&v.Session).Info("could not point the old session message to the new one", "message", oldID, "err", err)
	}
}

// pointLater runs pointAttempt after wait. Discord limits edits of hour-old messages per
// channel over a window of seconds (error 30046), so a message just refused as too old can
// usually be edited moments later.
func (e *Engine) pointLater(v View, oldID, newID string, wait time.Duration, left int) {
	e.clock.AfterFunc(wait, func() {
		if !e.enter() {
			return
		}
		defer e.busy.Done()
		e.pointAttempt(e.base, v, oldID, newID, 2*wait, left)
	})
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

// write performs one Poster write; an edit refused as too old becomes a new post, and the
// refused message is pointed to it once Discord's limit has passed (it shows buttons that
// now belong to the new one). It returns the id of a newly posted message, if any.
func (e *Engine) write(ctx context.Context, v View, editID string) (string, error) {
	if editID != "" {
		err := e.poster.Edit(ctx, v.Session.ChannelID, editID, v)
		if !errors.Is(err, ErrTooOld) {
			return "", err
		}
		e.logFor(&v.Session).Info("live message too old to edit; posting a new one", "message", editID)
	}
	newID, err := e.poster.Post(ctx, v.Session.ChannelID, v)
	if err == nil && editID != "" {
		e.pointLater(v, editID, newID, e.cfg.RetryDelay, maxPointAttempts)
	}
	return newID, err
}

// afterWrite records a new live message or reacts to a failed write. Caller holds rt.mu.
func (e *Engine) afterWrite(ctx context.Context, rt *run, newID string, err error) {
	now := e.nowFor(ctx, rt)
	switch {
	case errors.Is(err, ErrGone):
		note := noteGone
		if errors.Is(err, ErrNoEmbeds) {
			note = noteNoEmbeds
		}
		e.logFor(rt.s).Warn("session channel or message gone; ending the session", "err", err, "note", note)
		rt.dirty = false
		if rt.s.Status.Active() {
			if err := e.end(ctx, rt, Aborted, now, note); err != nil {
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
	step := rt.s.Position(now).Step
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
		place := s.Position(now)
		v.Step, v.Next = place.Step, stepAt(s.Plan, place.Step+1)
		if s.Status == Running {
			v.StepStart, v.StepEnd = place.Start, place.End
		} else {
			v.Remaining = place.End.Sub(now)
		}
	default:
		v.Step = len(s.Plan)
		v.Credits, v.Missed = s.Credits, Missed(s)
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
