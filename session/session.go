// Package session is the group-session engine: a host starts a session in a channel,
// members join, and the engine walks everyone through a routine step by step, then credits
// those who took part.
//
// Time is data: a Session stores its plan, when it started, how long it was paused and how
// much was skipped; the current step is computed from those (Session.Position), never
// counted by ticks, so there is no drift and a restart resumes at the right step. The
// package is pure domain: it talks to storage, Discord and the clock through the Store,
// Poster and clock.Clock interfaces.
package session

import (
	"fmt"
	"slices"
	"time"
)

// Status is where a session is in its life.
type Status int

// Statuses. Lobby, Running and Paused are active; the others are final. The zero value is
// invalid.
const (
	Lobby     Status = iota + 1 // waiting for StartAt; members join
	Running                     // walking the plan
	Paused                      // walking the plan, clock stopped
	Finished                    // the plan ran to its end (possibly shortened by Skip)
	Cancelled                   // cancelled in the lobby
	Stopped                     // stopped by a host before its end
	Expired                     // found more than Config.LateCutoff late (bot was down) or paused for that long
	Aborted                     // its channel or message is gone, or the bot lost permission there
)

var statusNames = map[Status]string{Lobby: "lobby", Running: "running", Paused: "paused",
	Finished: "finished", Cancelled: "cancelled", Stopped: "stopped", Expired: "expired", Aborted: "aborted"}

func (st Status) String() string {
	if name, ok := statusNames[st]; ok {
		return name
	}
	return fmt.Sprintf("Status(%d)", int(st))
}

// ParseStatus returns the Status whose String is name, or an error for a name no status
// has: a stored status this version does not know fails loudly instead of being misread.
func ParseStatus(name string) (Status, error) {
	for st, n := range statusNames {
		if n == name {
			return st, nil
		}
	}
	return 0, fmt.Errorf("unknown session status %q", name)
}

// Active reports whether the session still occupies its channel.
func (st Status) Active() bool { return st == Lobby || st == Running || st == Paused }

// Participant is a member who joined a session.
type Participant struct {
	UserID string
	Name   string
	// JoinedAt is the first join; a member who leaves and joins again keeps it, so that
	// rejoining never costs credit.
	JoinedAt time.Time
	// JoinedStep is the index of the step running at the first join; -1 in the lobby.
	JoinedStep int
	// JoinedActive is the session's active time (Session.ActiveTime) at the first join.
	JoinedActive time.Duration
	LeftAt       time.Time // zero while present
}

// Present reports whether the member is in the session now.
func (p Participant) Present() bool { return p.LeftAt.IsZero() }

// Session is everything needed to run, resume and credit one group session.
type Session struct {
	ID          int64
	GuildID     string
	ChannelID   string
	HostID      string
	RoutineName string
	Plan        Plan
	Status      Status

	CreatedAt    time.Time
	StartAt      time.Time     // planned start: the end of the lobby
	StartedAt    time.Time     // actual start; zero in the lobby
	PausedAt     time.Time     // zero unless Paused
	PausedTotal  time.Duration // completed pauses; the current one is PausedAt..now
	SkippedTotal time.Duration // plan time jumped over by Skip
	EndedAt      time.Time     // zero while active

	Participants []Participant
	// Credits are the credits recorded when the session ended, with each member's streak
	// after them (see Store.FinishSession); nil while active.
	Credits []Credit

	LiveMessageID       string    // the message the engine edits, empty before the first post
	LiveMessagePostedAt time.Time // when LiveMessageID was posted (Discord limits edits after an hour)

	// Occurrence names the schedule occurrence that opened the session; zero for a session
	// started by hand.
	Occurrence Occurrence
}

// Occurrence is one occurrence of a server's schedule: the schedule and its planned start.
type Occurrence struct {
	ScheduleID int64
	Start      time.Time
}

// Scheduled reports whether o names an occurrence (the session was opened by a schedule).
func (o Occurrence) Scheduled() bool { return o.ScheduleID != 0 }

// Clone returns a copy that shares nothing mutable with s (the Plan is immutable).
func (s *Session) Clone() *Session {
	c := *s
	c.Participants = slices.Clone(s.Participants)
	c.Credits = slices.Clone(s.Credits)
	return &c
}

// Offset is the plan time reached at now: active time plus skipped time. It stops moving
// while paused and after the end.
func (s *Session) Offset(now time.Time) time.Duration {
	return s.ActiveTime(now) + s.SkippedTotal
}

// ActiveTime is how long the session has been running at now, pauses excluded. Skipped
// plan time is not included: skipping does not make a session run longer.
func (s *Session) ActiveTime(now time.Time) time.Duration {
	if s.StartedAt.IsZero() {
		return 0
	}
	at := now
	if !s.EndedAt.IsZero() && s.EndedAt.Before(at) {
		at = s.EndedAt
	}
	if !s.PausedAt.IsZero() && s.PausedAt.Before(at) {
		at = s.PausedAt
	}
	return at.Sub(s.StartedAt) - s.PausedTotal
}

// Place is where a session stands in its plan at a moment.
type Place struct {
	// Step is the index of the current step: -1 before the start, len(Plan) once done.
	Step int
	// Start and End bound the current step on the wall clock if the session keeps running;
	// while paused they are relative to the moment asked about, so End minus that moment is
	// what is left of the step. Zero before the start and once done.
	Start, End time.Time
	Done       bool
}

// Position computes where the session stands at now from the stored times.
func (s *Session) Position(now time.Time) Place {
	if s.StartedAt.IsZero() {
		return Place{Step: -1}
	}
	offset := s.Offset(now)
	index, start, done := s.Plan.locate(offset)
	if done {
		return Place{Step: index, Done: true}
	}
	stepStart := now.Add(start - offset)
	return Place{Step: index, Start: stepStart, End: stepStart.Add(s.Plan[index].Duration)}
}

// PlannedEnd is when a running session reaches the end of its plan if nothing else
// changes. It is meaningful only once started and not paused.
func (s *Session) PlannedEnd() time.Time {
	return s.StartedAt.Add(s.PausedTotal + s.Plan.Total() - s.SkippedTotal)
}

// shiftTimes moves every stored instant of s by d: the wall clock was set back (or, at a
// restart, found behind the stored times), and moving the times with it keeps elapsed
// time, step deadlines and credit as they were.
func (s *Session) shiftTimes(d time.Duration) {
	shift := func(t *time.Time) {
		if !t.IsZero() {
			*t = t.Add(d)
		}
	}
	for _, t := range []*time.Time{&s.CreatedAt, &s.StartAt, &s.StartedAt, &s.PausedAt, &s.EndedAt, &s.LiveMessagePostedAt} {
		shift(t)
	}
	for i := range s.Participants {
		shift(&s.Participants[i].JoinedAt)
		shift(&s.Participants[i].LeftAt)
	}
}

// lastEvent is the latest instant at which something happened to s (its planned start is
// not an event: a lobby's lies ahead).
func (s *Session) lastEvent() time.Time {
	last := s.CreatedAt
	later := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	for _, t := range []time.Time{s.StartedAt, s.PausedAt, s.EndedAt, s.LiveMessagePostedAt} {
		later(t)
	}
	for _, p := range s.Participants {
		later(p.JoinedAt)
		later(p.LeftAt)
	}
	return last
}

// exercisesReached counts the exercises whose first hold had begun when the session ended.
func (s *Session) exercisesReached() int {
	if s.StartedAt.IsZero() {
		return 0
	}
	index, _, _ := s.Plan.locate(s.Offset(s.EndedAt))
	reached := 0
	for i, st := range s.Plan[:min(index+1, len(s.Plan))] {
		if st.Kind == Exercise && st.Rep <= 1 && (i < index || s.Plan[index].Kind != Prep) {
			reached++
		}
	}
	return reached
}

// Exercises counts the exercises of the plan.
func (p Plan) Exercises() int {
	n := 0
	for _, st := range p {
		if st.Kind == Exercise && st.Rep <= 1 {
			n++
		}
	}
	return n
}

// clampActed bounds when a member acted to the session's lifetime: not before it was
// created, not after now. A zero time means now.
func (s *Session) clampActed(at, now time.Time) time.Time {
	switch {
	case at.IsZero() || at.After(now):
		return now
	case at.Before(s.CreatedAt):
		return s.CreatedAt
	}
	return at
}

// participant returns the index of userID in Participants, or -1.
func (s *Session) participant(userID string) int {
	return slices.IndexFunc(s.Participants, func(p Participant) bool { return p.UserID == userID })
}
