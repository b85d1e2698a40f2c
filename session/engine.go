package session

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/stretchbot/stretchbot/clock"
)

// Defaults for Config.
const (
	DefaultLateCutoff = time.Hour
	DefaultEditWindow = 50 * time.Minute
	DefaultRetryDelay = 5 * time.Second
)

// Notes shown on unusual ends.
const (
	noteLate   = "Closed: the bot was offline past this session's end for too long, so nobody is credited."
	notePaused = "Stopped: the session stayed paused for too long."
	noteGone   = "Ended: the bot can no longer post in this channel."
	noteEmpty  = "Cancelled: nobody was in the session when it was time to start."
	notePost   = "Ended: the session message could not be posted."
)

// Config tunes an Engine. Zero durations other than PrepGap and LeadIn take the defaults.
type Config struct {
	// PrepGap is the Prep step before every exercise but the first; 0 disables it, and a
	// negative value makes every Start fail with ErrInvalidPlan.
	PrepGap time.Duration
	// LeadIn is the Prep step before the first exercise, so nobody starts mid-hold; the app
	// uses PrepGap. 0 starts with the first hold.
	LeadIn time.Duration
	// LateCutoff: a session found more than this past its planned end (the bot was down)
	// is closed as Expired and credits nobody; a session paused for this long is stopped.
	LateCutoff time.Duration
	// EditWindow: the live message is edited while younger than this, otherwise a new one is
	// posted, because Discord refuses edits of messages older than an hour.
	EditWindow time.Duration
	// RetryDelay: how soon a timer-driven transition is retried when the Store fails.
	RetryDelay time.Duration
	Logger     *slog.Logger
	// Watcher, when set, hears of every stored change of a session opened by a schedule.
	Watcher Watcher
	// Alarms, when set, records every session deadline as a durable alarm (see armAt).
	Alarms Alarms
	// Owns, when set, says which guilds' sessions this engine runs: those of the shards
	// this process runs. Restore leaves the others alone. Nil owns every guild.
	Owns func(guildID string) bool
}

func (c Config) withDefaults() Config {
	if c.LateCutoff <= 0 {
		c.LateCutoff = DefaultLateCutoff
	}
	if c.EditWindow <= 0 {
		c.EditWindow = DefaultEditWindow
	}
	if c.RetryDelay <= 0 {
		c.RetryDelay = DefaultRetryDelay
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Engine runs every group session of the bot. All methods are safe for concurrent use.
//
// Scheduling: at each change the session's next deadline is computed from the stored times
// and armed twice: as a durable alarm in the bot's one scheduler when Config.Alarms is set
// (the app sets it: the job table then holds every session's next deadline beside
// schedules and reminders, and wakes it through Wake), and as one clock timer per session,
// which counts elapsed time and so stays right when the wall clock is set back (see
// armAt). The Go runtime already keeps timers in a heap and runs AfterFunc callbacks
// without a goroutine per waiting timer; with one timer per session a slow Store or
// Poster call delays only its own session, and 10,000 waiting sessions cost 10,000 small
// timer structs.
//
// Writes: at most one Poster write per change. Each session has a dirty flag and at most one
// writer; the writer takes its turn under the REST limiter first (Turner) and renders the
// state after it, so changes that pile up while a write is queued collapse into one write
// of the latest state instead of a backlog of stale ones. Timing never waits on the Poster:
// the next deadline is armed before the write starts.
type Engine struct {
	cfg    Config
	store  Store
	poster Poster
	clock  clock.Clock
	log    *slog.Logger
	// base is the context of timer-driven work, cancelled when Shutdown gives up waiting.
	base   context.Context
	cancel context.CancelFunc

	mu        sync.Mutex // guards the fields below; never acquire a run's mu while holding it
	runs      map[int64]*run
	byChannel map[string]*run
	retrying  map[*run]struct{} // runs, active or ended, with a write retry pending
	closed    bool

	wall wallWatch
	busy sync.WaitGroup // in-flight operations and transitions
}

// New returns an Engine. Call Restore once before serving requests.
func New(cfg Config, store Store, poster Poster, clk clock.Clock) *Engine {
	cfg = cfg.withDefaults()
	base, cancel := context.WithCancel(context.Background())
	return &Engine{cfg: cfg, store: store, poster: poster, clock: clk, log: cfg.Logger,
		base: base, cancel: cancel, runs: map[int64]*run{}, byChannel: map[string]*run{}, retrying: map[*run]struct{}{}}
}

// Length is how long a session of routine would run without pauses: its plan with the
// engine's lead-in and prep gaps, as Start would build it.
func (e *Engine) Length(routine []RoutineItem) (time.Duration, error) {
	plan, err := BuildPlan(routine, e.cfg.PrepGap, e.cfg.LeadIn)
	return plan.Total(), err
}

// Start creates a session in the lobby (or running at once when Delay is 0), joins the host
// and posts the session message. A channel with an active session yields a *BusyError
// carrying it. If the message cannot be posted the session is ended (Aborted) and the
// error, wrapping ErrGone when the bot lacks access, is returned.
func (e *Engine) Start(ctx context.Context, req StartRequest) (View, error) {
	if req.Host.IsBot {
		return View{}, ErrBot
	}
	if req.Delay < 0 {
		return View{}, fmt.Errorf("session: negative delay %v", req.Delay)
	}
	plan, err := BuildPlan(req.Routine, e.cfg.PrepGap, e.cfg.LeadIn)
	if err != nil {
		return View{}, err
	}
	if !e.enter() {
		return View{}, ErrClosed
	}
	defer e.busy.Done()
	if busy := e.busyError(req.ChannelID); busy != nil {
		return View{}, busy
	}
	now, setBack := e.readClock()
	s := &Session{GuildID: req.GuildID, ChannelID: req.ChannelID, HostID: req.Host.UserID,
		RoutineName: req.RoutineName, Plan: plan, Status: Lobby, CreatedAt: now, StartAt: now.Add(req.Delay),
		Occurrence: req.Occurrence}
	if req.Host.UserID != "" {
		s.Participants = []Participant{{UserID: req.Host.UserID, Name: req.Host.Name, JoinedAt: now, JoinedStep: -1}}
	}
	if s.ID, err = e.store.CreateSession(ctx, s); err != nil {
		return View{}, fmt.Errorf("session: create: %w", err)
	}
	rt := &run{s: s, guildID: s.GuildID, shown: shownKey{step: -1}, setBack: setBack, pingRole: req.PingRole}
	e.register(rt)
	e.logFor(s).Info("session created", "routine", s.RoutineName, "start_at", s.StartAt, "steps", len(plan))

	rt.mu.Lock()
	e.refresh(ctx, rt, now)
	rt.dirty = true
	rt.mu.Unlock()
	if err := e.flush(ctx, rt); err != nil {
		e.abandonUnposted(ctx, rt)
		return e.snapshot(rt), fmt.Errorf("session: post session message: %w", err)
	}
	return e.snapshot(rt), nil
}

// Join adds the member, or brings back one who left; joining twice changes nothing. It
// writes no message: the click is answered with the returned View, and the live message
// catches up at the next transition. Ended or unknown sessions yield ErrNotFound.
func (e *Engine) Join(ctx context.Context, id int64, a Actor) (View, error) {
	if a.IsBot {
		return View{}, ErrBot
	}
	return e.act(ctx, id, a, func(rt *run, now time.Time) (bool, error) {
		i := rt.s.participant(a.UserID)
		if i >= 0 && rt.s.Participants[i].Present() {
			return false, nil
		}
		return false, e.update(ctx, rt, func(s *Session) {
			if i >= 0 {
				s.Participants[i].LeftAt = time.Time{}
				return
			}
			at := s.clampActed(a.At, now)
			step := s.Position(at).Step
			s.Participants = append(s.Participants, Participant{UserID: a.UserID, Name: a.Name,
				JoinedAt: at, JoinedStep: step, JoinedActive: s.ActiveTime(at)})
		})
	})
}

// Forget takes a member out of every active session of the server as if they had never
// joined, so that none of them credits them when it ends (see /forget-me). A session they
// host goes on without a host: host controls stay with Manage Messages and the host role.
// It returns how many sessions they were taken out of.
func (e *Engine) Forget(ctx context.Context, guildID, userID string) (int, error) {
	if !e.enter() {
		return 0, ErrClosed
	}
	defer e.busy.Done()
	var forgotten int
	for _, rt := range e.runsOf(guildID) {
		changed, err := e.forgetIn(ctx, rt, userID)
		if err != nil {
			return forgotten, err
		}
		if changed {
			forgotten++
			_ = e.flush(ctx, rt) // logged inside; the change itself is persisted
		}
	}
	return forgotten, nil
}

// forgetIn removes userID from one session and marks its message for rewriting.
func (e *Engine) forgetIn(ctx context.Context, rt *run, userID string) (bool, error) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	i := rt.s.participant(userID)
	if !rt.s.Status.Active() || (i < 0 && rt.s.HostID != userID) {
		return false, nil
	}
	err := e.update(ctx, rt, func(s *Session) {
		if i >= 0 {
			s.Participants = slices.Delete(s.Participants, i, i+1)
		}
		if s.HostID == userID {
			s.HostID = ""
		}
	})
	if err != nil {
		return false, err
	}
	rt.dirty = true
	return true, nil
}

// Leave marks the member as gone; leaving twice, or without having joined, changes nothing.
// Like Join it writes no message.
func (e *Engine) Leave(ctx context.Context, id int64, a Actor) (View, error) {
	return e.act(ctx, id, a, func(rt *run, now time.Time) (bool, error) {
		i := rt.s.participant(a.UserID)
		if i < 0 || !rt.s.Participants[i].Present() {
			return false, nil
		}
		return false, e.update(ctx, rt, func(s *Session) { s.Participants[i].LeftAt = now })
	})
}

// StartNow ends the lobby early; with nobody in the session it is cancelled instead. Host
// control; lobby only.
func (e *Engine) StartNow(ctx context.Context, id int64, a Actor) (View, error) {
	return e.act(ctx, id, a, func(rt *run, now time.Time) (bool, error) {
		if err := mayControl(rt.s, a, "start", []Status{Lobby}); err != nil {
			return false, err
		}
		if err := e.startRun(ctx, rt, now); err != nil {
			return false, err
		}
		e.arm(rt, now)
		return true, nil
	})
}

// Cancel ends a session that has not started; nobody is credited. Host control.
func (e *Engine) Cancel(ctx context.Context, id int64, a Actor) (View, error) {
	return e.control(ctx, id, a, "cancel", []Status{Lobby}, func(s *Session, now time.Time) {
		finish(s, Cancelled, now)
	})
}

// Pause stops the session's clock: every later deadline moves by the paused time. Host
// control; running only.
func (e *Engine) Pause(ctx context.Context, id int64, a Actor) (View, error) {
	return e.control(ctx, id, a, "pause", []Status{Running}, func(s *Session, now time.Time) {
		s.Status, s.PausedAt = Paused, now
	})
}

// Resume restarts a paused session's clock. Host control; paused only.
func (e *Engine) Resume(ctx context.Context, id int64, a Actor) (View, error) {
	return e.control(ctx, id, a, "resume", []Status{Paused}, func(s *Session, now time.Time) {
		s.PausedTotal += now.Sub(s.PausedAt)
		s.Status, s.PausedAt = Running, time.Time{}
	})
}

// Skip jumps to the start of the next step; the rest of the current step is added to
// SkippedTotal and counts as not run. Skipping the last step finishes the session. A paused
// session stays paused. Host control.
func (e *Engine) Skip(ctx context.Context, id int64, a Actor) (View, error) {
	return e.control(ctx, id, a, "skip", []Status{Running, Paused}, func(s *Session, now time.Time) {
		end := s.Position(now).End
		s.SkippedTotal += end.Sub(now)
		if s.Position(now).Done {
			finish(s, Finished, now)
		}
	})
}

// Stop ends a started session now; members are credited if it ran at least half its
// planned time (see Attendance). Host control.
func (e *Engine) Stop(ctx context.Context, id int64, a Actor) (View, error) {
	return e.control(ctx, id, a, "stop", []Status{Running, Paused}, func(s *Session, now time.Time) {
		finish(s, Stopped, now)
	})
}

// Status returns the active session of a channel, or ErrNotFound.
func (e *Engine) Status(_ context.Context, channelID string) (View, error) {
	e.mu.Lock()
	rt := e.byChannel[channelID]
	e.mu.Unlock()
	if rt == nil {
		return View{}, ErrNotFound
	}
	return e.snapshot(rt), nil
}

// Lookup returns the View of session id: the live one while active, otherwise the final
// state from the Store, so that a click on an old message can still be answered with a full
// update. Unknown ids yield the Store's error (wrapping ErrNotFound).
func (e *Engine) Lookup(ctx context.Context, id int64) (View, error) {
	e.mu.Lock()
	rt := e.runs[id]
	e.mu.Unlock()
	if rt != nil {
		return e.snapshot(rt), nil
	}
	s, err := e.store.LoadSession(ctx, id)
	if err != nil {
		return View{}, err
	}
	return e.view(&run{s: s}, e.clock.Now()), nil
}

// control runs a host control: permission, phase, persisted change, re-armed timer, and
// one write unless the caller's type-7 reply to the live message is that write.
func (e *Engine) control(ctx context.Context, id int64, a Actor, op string, from []Status,
	change func(*Session, time.Time)) (View, error) {
	return e.act(ctx, id, a, func(rt *run, now time.Time) (bool, error) {
		if err := mayControl(rt.s, a, op, from); err != nil {
			return false, err
		}
		if err := e.update(ctx, rt, func(s *Session) { change(s, now) }); err != nil {
			return false, err
		}
		e.arm(rt, now)
		return true, nil
	})
}

// mayControl checks that a may use host control op on s now, in one of the from statuses.
func mayControl(s *Session, a Actor, op string, from []Status) error {
	if (s.HostID == "" || a.UserID != s.HostID) && !a.CanControl {
		return ErrNotHost
	}
	if !slices.Contains(from, s.Status) {
		return &PhaseError{Op: op, Status: s.Status}
	}
	return nil
}

// act runs fn on the active session id under its lock, then performs the write fn asks for
// (announce) and returns a fresh View.
func (e *Engine) act(ctx context.Context, id int64, a Actor, fn func(*run, time.Time) (bool, error)) (View, error) {
	if !e.enter() {
		return View{}, ErrClosed
	}
	defer e.busy.Done()
	e.mu.Lock()
	rt := e.runs[id]
	e.mu.Unlock()
	if rt == nil {
		return View{}, ErrNotFound
	}
	rt.mu.Lock()
	if !rt.s.Status.Active() {
		rt.mu.Unlock()
		return View{}, ErrNotFound
	}
	now := e.nowFor(ctx, rt)
	announce, err := fn(rt, now)
	if err != nil {
		rt.mu.Unlock()
		return View{}, err
	}
	// A start is announced with a new message, so a click on the lobby is not that write.
	onLive := a.MessageID != "" && a.MessageID == rt.s.LiveMessageID && !rt.announceStart
	if announce && !onLive {
		rt.dirty = true
	}
	v := e.view(rt, now)
	if onLive {
		v.Claim = e.claimer(rt, now)
	}
	rt.mu.Unlock()
	if announce && !onLive {
		_ = e.flush(ctx, rt)       // logged inside; the change itself succeeded and is persisted
		return e.snapshot(rt), nil // with the live message the write may have posted
	}
	return v, nil
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
