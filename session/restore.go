package session

// This file resumes the stored sessions at boot.

import (
	"context"
	"fmt"
)

// Restore loads every active session at boot and continues it: a running session resumes
// at the step the stored times say and its current step is announced once; one whose plan
// ended while the bot was down is finished as of its planned end and credited (once: it is
// no longer active afterwards, and Restore skips sessions it already runs); one more than
// LateCutoff past its planned end is closed as Expired and credits nobody; a lobby whose
// start time passed starts now. Every session is persisted and armed before any message is
// written, so a slow, paced Poster does not delay anyone's timing; the announcements are
// then written one after the other, which with a paced Poster takes about len/50 seconds.
// Sessions of guilds the engine does not own (Config.Owns) are left to the process that
// does: not resumed, not finished, not expired.
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
	others := 0
	for _, s := range sessions {
		if e.cfg.Owns != nil && !e.cfg.Owns(s.GuildID) {
			others++ // another process runs this guild's shard, and this session
			continue
		}
		if rt := e.restoreOne(ctx, s); rt != nil {
			resumed = append(resumed, rt)
		}
	}
	for _, rt := range resumed {
		_ = e.flush(ctx, rt) // logged inside
	}
	e.log.Info("sessions restored", "found", len(sessions), "resumed", len(resumed), "other_shards", others)
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
