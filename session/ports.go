package session

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Errors for the member. Each is matched with errors.Is; the wrapped ones carry detail.
var (
	// ErrNotFound: the session ended or never existed ("this session has ended").
	ErrNotFound = errors.New("session: this session has ended")
	// ErrNotHost: a host control was used by someone who is not the host and may not
	// control sessions ("only the host can …").
	ErrNotHost = errors.New("session: only the host can do that")
	// ErrWrongPhase is wrapped by *PhaseError.
	ErrWrongPhase = errors.New("session: not possible in this phase")
	// ErrChannelBusy is wrapped by *BusyError.
	ErrChannelBusy = errors.New("session: a session is already active in this channel")
	// ErrBot: bots cannot take part.
	ErrBot = errors.New("session: bots cannot join sessions")
	// ErrClosed: the engine is shutting down.
	ErrClosed = errors.New("session: engine is shutting down")
)

// Errors a Poster wraps so the engine can react.
var (
	// ErrGone: the channel or message was deleted or the bot lost permission there. The
	// engine ends the session as Aborted.
	ErrGone = errors.New("session: channel or message gone")
	// ErrTooOld: Discord refused to edit a message older than one hour (error 30046: such
	// edits are limited to a few per channel every few seconds). The engine posts a new live
	// message instead, and points the refused one to it once the limit has passed.
	ErrTooOld = errors.New("session: message too old to edit")
	// ErrNoEmbeds: Discord stored a session message without its embed, as it does silently
	// when the bot lacks Embed Links in the channel. It wraps ErrGone: the engine ends the
	// session as Aborted, with noteNoEmbeds.
	ErrNoEmbeds = fmt.Errorf("session: the bot lacks the Embed Links permission in the channel: %w", ErrGone)
)

// noteNoEmbeds is the note of a session ended by ErrNoEmbeds.
const noteNoEmbeds = "Ended: the bot lacks the Embed Links permission in this channel; give it that permission and start a new session."

// PhaseError is returned when an operation does not apply to the session's status, e.g.
// pausing a session that is still in its lobby.
type PhaseError struct {
	Op     string
	Status Status
}

func (e *PhaseError) Error() string {
	return fmt.Sprintf("session: cannot %s a session that is %s", e.Op, e.Status)
}

// Unwrap makes errors.Is(err, ErrWrongPhase) true.
func (e *PhaseError) Unwrap() error { return ErrWrongPhase }

// BusyError is returned when a channel already has an active session; Session is a
// snapshot of it, so the reply can link its live message.
type BusyError struct {
	Session *Session
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("session: channel %s already has active session %d", e.Session.ChannelID, e.Session.ID)
}

// Unwrap makes errors.Is(err, ErrChannelBusy) true.
func (e *BusyError) Unwrap() error { return ErrChannelBusy }

// Store persists sessions. The engine writes every state change through it before
// announcing that change, so that a restart continues exactly where the bot stopped.
// Implementations must be safe for concurrent use.
type Store interface {
	// CreateSession stores a new active session and returns its id. If the channel already
	// has an active session it stores nothing and returns a *BusyError carrying that one;
	// the check and the insert must be atomic.
	CreateSession(ctx context.Context, s *Session) (int64, error)
	// SaveSession overwrites the stored state of an active session: status, times,
	// participants and live message.
	SaveSession(ctx context.Context, s *Session) error
	// ActiveSessions returns every session whose status is Lobby, Running or Paused, with
	// plan and participants.
	ActiveSessions(ctx context.Context) ([]*Session, error)
	// FinishSession stores the final state of s and its credits in one transaction and
	// returns the credits recorded for the session, each with the member's streak after
	// it. It is idempotent: calling it again for the same session records no credit twice
	// (at most one credit per member per session) and returns the same credits.
	FinishSession(ctx context.Context, s *Session, credits []Credit) ([]Credit, error)
	// LoadSession returns the session with that id, active or not, with its recorded
	// Credits once ended, or an error wrapping ErrNotFound.
	LoadSession(ctx context.Context, id int64) (*Session, error)
}

// Turner is a Poster that can wait for its next write slot before the write is decided: a
// context from Turn makes the next Post or Edit use the slot without waiting again. The
// engine renders after the wait, so a write queued behind others shows the session as it
// is when it goes out, not as it was when it joined the queue.
type Turner interface {
	Turn(ctx context.Context) (context.Context, error)
}

// Alarms wake sessions at their deadlines through Engine.Wake. The app's implementation is
// the shared durable scheduler (a row per deadline, so a restart re-arms from the table);
// without Alarms the engine keeps timers on its clock. The engine never cancels an alarm:
// a wake that finds nothing due changes nothing.
type Alarms interface {
	// Set asks for Engine.Wake(s.ID) at at, or soon after. Setting the same session and
	// time twice wakes it once. It is called with the session's lock held, so it must only
	// record the alarm.
	Set(ctx context.Context, s *Session, at time.Time) error
}

// Watcher hears of every stored change of a session opened by a schedule (Occurrence
// set), just after it was stored: the schedule side corrects the occurrence's Discord
// event from it (completed early, running late, never started). It is called with the
// session's lock held, in the order of the changes, so it must only record or queue work,
// never wait for Discord.
type Watcher interface {
	SessionChanged(ctx context.Context, s *Session)
}

// Poster writes session messages to a channel. Implementations pace themselves through the
// bot's shared REST limiter and retry 429s and 5xx; they may block while queued. The
// engine never derives timing from when these calls return.
type Poster interface {
	// Post sends a new message rendering v and returns its id. An error wrapping ErrGone
	// means the channel is unusable.
	Post(ctx context.Context, channelID string, v View) (messageID string, err error)
	// Edit replaces the message with a rendering of v. Errors wrap ErrGone (message or
	// channel deleted, permission lost) or ErrTooOld (older than one hour).
	Edit(ctx context.Context, channelID, messageID string, v View) error
}

// View is a value snapshot of a session for rendering: the whole message, so that a button
// click can be answered with a full type-7 update.
type View struct {
	Session Session   // copy; Participants are not shared with the engine
	Now     time.Time // when the snapshot was taken
	// Step is the index of the current step in Session.Plan: -1 in the lobby, len(Plan)
	// after the end.
	Step int
	// StepStart and StepEnd bound the current step while Running (StepEnd is the
	// <t:UNIX:R> countdown target). Zero otherwise.
	StepStart, StepEnd time.Time
	// Remaining is what is left of the current step while Paused.
	Remaining time.Duration
	// Next is the step after the current one (the first step in the lobby), nil if none.
	Next *Step
	// Credits, Missed, Reached and RealDuration (EndedAt − StartedAt, pauses included) are
	// set once the session has ended. Reached is how many exercises were begun.
	Credits      []Credit
	Missed       []Miss
	Reached      int
	RealDuration time.Duration
	// Ping lists the members to notify: set on the message that announces the start, whose
	// members opted in by joining. Everything else pings nobody.
	Ping []string
	// PingRole is set on the lobby's first post when its schedule pings a role.
	PingRole string
	// MovedTo is set when the session has moved on to a new message (it started, with a
	// ping): this rendering is for the old one, which then points to MovedTo.
	MovedTo string
	// Note explains an unusual end (Expired, Aborted) in one short sentence.
	Note string
	// Claim is set on the View answering a click on the live message, which the caller
	// shows by replacing that message (a type-7 update). Call it just before sending: ok
	// false means a newer state is shown or on its way, so send no content (acknowledge
	// the click only); the engine writes the newest state itself. Otherwise call done once
	// the update was sent (sent true) or failed. Concurrent clicks then never leave the
	// message showing an older state than the stored one.
	Claim func() (done func(sent bool), ok bool)
}

// Actor is the member behind a request. Whether they hold Manage Messages or the server's
// host role is decided by the caller; the engine knows who the host is.
type Actor struct {
	UserID string
	Name   string
	IsBot  bool
	// CanControl grants host controls to a member who is not the host.
	CanControl bool
	// MessageID is the message whose button was clicked, empty for slash commands. When it
	// is the session's live message, the caller answers with a type-7 update of it, which
	// is the one write for that change, and the engine writes nothing itself.
	MessageID string
	// At is when the member acted (the interaction reached the bot). A join counts from
	// then, not from when a busy database finally took the write. Zero means now.
	At time.Time
}

// StartRequest asks for a new session in a channel.
type StartRequest struct {
	GuildID, ChannelID string
	// Host is joined automatically. A zero Host (a scheduled session) leaves the session
	// without one: host controls are then for those who may control any session.
	Host        Actor
	RoutineName string
	Routine     []RoutineItem // expanded with Config.PrepGap
	Delay       time.Duration // lobby length; 0 starts at once
	// PingRole, when set, is mentioned by the lobby's first message: a schedule's ping
	// role, whose members asked to be told.
	PingRole string
	// Occurrence is the schedule occurrence that opens the session, zero for /session start.
	Occurrence Occurrence
}
