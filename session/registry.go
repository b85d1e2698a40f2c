package session

// This file is the engine's index of active sessions, by id, channel and server.

import "log/slog"

// runsOf returns the active sessions of a server.
func (e *Engine) runsOf(guildID string) []*run {
	e.mu.Lock()
	defer e.mu.Unlock()
	var runs []*run
	for _, rt := range e.runs {
		if rt.guildID == guildID {
			runs = append(runs, rt)
		}
	}
	return runs
}

// enter registers an operation for Shutdown to wait on; false once shutting down.
func (e *Engine) enter() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	e.busy.Add(1)
	return true
}

func (e *Engine) busyError(channelID string) error {
	e.mu.Lock()
	rt := e.byChannel[channelID]
	e.mu.Unlock()
	if rt == nil {
		return nil
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return &BusyError{Session: rt.s.Clone()}
}

func (e *Engine) register(rt *run) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.runs[rt.s.ID] = rt
	e.byChannel[rt.s.ChannelID] = rt
}

func (e *Engine) unregister(rt *run) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.runs[rt.s.ID] == rt {
		delete(e.runs, rt.s.ID)
	}
	if e.byChannel[rt.s.ChannelID] == rt {
		delete(e.byChannel, rt.s.ChannelID)
	}
}

func (e *Engine) logFor(s *Session) *slog.Logger {
	return e.log.With("session", s.ID, "guild", s.GuildID, "channel", s.ChannelID)
}

// Running is the number of sessions this engine runs now: lobbies, live and paused.
func (e *Engine) Running() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.runs)
}
