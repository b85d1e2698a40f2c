package commands

// A schedule's next occurrence is mirrored as a Discord guild scheduled event of type
// EXTERNAL. Discord starts and ends such an event by itself at its planned times, so the
// bot writes it only when the plan or reality differs: it creates the next occurrence's
// event, completes it when the session ended early, moves its end when a pause pushed the
// session past it, cancels it when the occurrence could not start, and deletes it when the
// occurrence is skipped or the schedule deleted. Every write is a job (EventJob), so it
// survives a restart, is retried when Discord fails, and never runs under a session's lock.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/jobs"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/session"
	"github.com/stretchbot/stretchbot/storage"
)

// EventJob is the job kind that writes the Discord event of a schedule occurrence.
const EventJob = "schedule-event"

// permissionsForEvents are the bot permissions that let it create events: Create Events,
// or Manage Events (which also lets it edit events others made).
const permissionsForEvents = discordgo.PermissionCreateEvents | discordgo.PermissionManageEvents

// Limits of a Discord event's text.
const (
	maxEventName        = 100
	maxEventLocation    = 100
	maxEventDescription = 1000
)

// eventWriter writes the server's scheduled events; *bot.Messenger implements it.
type eventWriter interface {
	CreateEvent(ctx context.Context, guildID string, e guild.Event) (eventID string, err error)
	EditEvent(ctx context.Context, guildID, eventID string, e guild.Event) error
	CompleteEvent(ctx context.Context, guildID, eventID string) error
	CancelEvent(ctx context.Context, guildID, eventID string) error
	DeleteEvent(ctx context.Context, guildID, eventID string) error
	EventInterested(ctx context.Context, guildID, eventID string) ([]string, error)
	ChannelName(ctx context.Context, channelID string) (string, error)
}

// occurrenceEvents keeps which event mirrors which occurrence; *storage.DB implements it.
type occurrenceEvents interface {
	SaveOccurrenceEvent(ctx context.Context, e guild.OccurrenceEvent) error
	OccurrenceEvent(ctx context.Context, guildID string, scheduleID int64, start time.Time) (guild.OccurrenceEvent, bool, error)
	OpenOccurrenceEvents(ctx context.Context, guildID string, scheduleID int64) ([]guild.OccurrenceEvent, error)
	DeleteOccurrenceEvent(ctx context.Context, guildID string, scheduleID int64, start time.Time) error
}

var _ occurrenceEvents = (*storage.DB)(nil)

// eventAction is what an EventJob does to its occurrence's event.
type eventAction string

const (
	// eventCreate creates the occurrence's event unless it has one.
	eventCreate eventAction = "create"
	// eventFinish: the occurrence is over, or could not start. Its event is completed when
	// the session ended before the event's end, canceled when it never started; then the
	// next occurrence gets its event.
	eventFinish eventAction = "finish"
	// eventMoveEnd moves the event's end to End: a pause pushed the session past it, or
	// is under way (see pauseSlack).
	eventMoveEnd eventAction = "move-end"
	// eventDelete deletes the event (the occurrence was skipped, the schedule deleted).
	eventDelete eventAction = "delete"
)

// eventPayload names the occurrence and what to do to its event.
type eventPayload struct {
	GuildID    string      `json:"guild_id"`
	ScheduleID int64       `json:"schedule_id"`
	Start      int64       `json:"start"` // the occurrence, unix seconds
	Action     eventAction `json:"action"`
	// End is when the session ended (finish) or will end (extend), unix seconds.
	End int64 `json:"end,omitempty"`
	// Started is set on a finish whose session ran.
	Started bool `json:"started,omitempty"`
	// EventID names the event to delete when its record is gone with its schedule.
	EventID string `json:"event_id,omitempty"`
}

// queueEvent adds the EventJob of p, due at once. Its key names the occurrence, the
// action and its end, so the same change queued twice is written once.
func queueEvent(ctx context.Context, q jobQueue, p eventPayload, now time.Time) error {
	payload, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = q.Add(ctx, jobs.Job{Kind: EventJob, Key: fmt.Sprintf("event/%d/%d/%s/%d", p.ScheduleID, p.Start, p.Action, p.End),
		GuildID: p.GuildID, Due: now, Payload: payload})
	return err
}

// eventsOff says, in one sentence, why a new schedule gets no Discord events, or "" when
// it does.
func eventsOff(req *Request, wanted bool) string {
	switch {
	case !wanted:
		return ""
	case req.BotPermissions&permissionsForEvents == 0:
		return "Discord events are off for this schedule: I lack the Create Events permission. Give my role Create " +
			"Events (Server Settings → Roles) and the next occurrence gets its event."
	}
	return ""
}

// EventHandler is the handler of EventJob, reading the time from now.
func (s *schedules) EventHandler(now func() time.Time) jobs.Handler {
	return func(ctx context.Context, j jobs.Job) (jobs.Outcome, error) {
		var p eventPayload
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return jobs.Skip("unreadable payload: " + err.Error()), nil
		}
		outcome, err := s.writeEvent(ctx, p, now())
		var refused *discordgo.RESTError
		switch {
		case errors.Is(err, guild.ErrNoEventPermission):
			return jobs.Skip("the bot may not write this server's events"), nil
		case errors.As(err, &refused) && refused.Response != nil && refused.Response.StatusCode < 500 &&
			refused.Response.StatusCode != http.StatusTooManyRequests:
			// Discord refused the request itself: sending it again gets the same answer.
			return jobs.Skip("Discord refused the event: " + err.Error()), nil
		}
		return outcome, err
	}
}

func (s *schedules) writeEvent(ctx context.Context, p eventPayload, now time.Time) (jobs.Outcome, error) {
	start := time.Unix(p.Start, 0)
	if p.Action == eventDelete && p.EventID != "" {
		return jobs.Done(), ignoreGone(s.events.DeleteEvent(ctx, p.GuildID, p.EventID))
	}
	rec, ok, err := s.store.OccurrenceEvent(ctx, p.GuildID, p.ScheduleID, start)
	if err != nil {
		return jobs.Outcome{}, err
	}
	switch p.Action {
	case eventCreate:
		if ok {
			return jobs.Done(), nil
		}
		return s.createEvent(ctx, p.GuildID, p.ScheduleID, start, now)
	case eventFinish:
		if ok && !rec.Ended {
			if err := s.correctEnded(ctx, rec, p); err != nil {
				return jobs.Outcome{}, err
			}
		}
		return s.mirrorNext(ctx, p.GuildID, p.ScheduleID, start, now)
	case eventMoveEnd:
		end := time.Unix(p.End, 0)
		if !ok || rec.Ended || end.Equal(rec.End) {
			return jobs.Done(), nil
		}
		return jobs.Done(), s.moveEnd(ctx, rec, end)
	case eventDelete:
		if !ok {
			return jobs.Done(), nil
		}
		if err := ignoreGone(s.events.DeleteEvent(ctx, p.GuildID, rec.EventID)); err != nil {
			return jobs.Outcome{}, err
		}
		return jobs.Done(), s.store.DeleteOccurrenceEvent(ctx, p.GuildID, p.ScheduleID, start)
	}
	return jobs.Skip(fmt.Sprintf("unknown event action %q", p.Action)), nil
}

// createEvent creates the event of the schedule's occurrence at start and records it.
func (s *schedules) createEvent(ctx context.Context, guildID string, scheduleID int64, start, now time.Time) (jobs.Outcome, error) {
	sc, err := s.store.Schedule(ctx, guildID, scheduleID)
	switch {
	case errors.Is(err, guild.ErrScheduleNotFound):
		return jobs.Skip("the schedule was deleted"), nil
	case err != nil:
		return jobs.Outcome{}, err
	case !sc.Event:
		return jobs.Skip("the schedule mirrors no events"), nil
	case !start.After(now):
		return jobs.Skip("the occurrence had started when its event could be made"), nil
	}
	e, err := s.eventOf(ctx, sc, start)
	if err != nil {
		return jobs.Outcome{}, err
	}
	id, err := s.events.CreateEvent(ctx, guildID, e)
	if err != nil {
		return jobs.Outcome{}, err
	}
	return jobs.Done(), s.store.SaveOccurrenceEvent(ctx, guild.OccurrenceEvent{GuildID: guildID, ScheduleID: scheduleID,
		Start: start, EventID: id, End: e.End})
}

// eventOf is the event of sc's occurrence at start: the routine's name, "#channel", and the
// routine's length from start.
func (s *schedules) eventOf(ctx context.Context, sc guild.Schedule, start time.Time) (guild.Event, error) {
	routine, err := s.sessions.resolveRoutine(ctx, sc.GuildID, sc.Routine)
	if err != nil {
		return guild.Event{}, err
	}
	length, err := s.sessions.engine.Length(routineItems(s.sessions.catalog, routine))
	if err != nil {
		return guild.Event{}, err
	}
	channel, err := s.events.ChannelName(ctx, sc.ChannelID)
	if err != nil {
		return guild.Event{}, err
	}
	description := fmt.Sprintf("A group stretching session: the lobby opens in #%s %s before the start; press Join "+
		"there to take part. Press Interested here to be reminded by DM before it opens.", channel, lobbyShown(sc.Lobby))
	return guild.Event{
		Name:        catalog.Truncate(render.RoutineName(sc.Routine), maxEventName),
		Description: catalog.Truncate(description, maxEventDescription),
		Location:    catalog.Truncate("#"+channel, maxEventLocation),
		Start:       start,
		End:         start.Add(length),
	}, nil
}

// correctEnded corrects the event of an occurrence that is over: canceled if its session
// never started (deleted when Discord had already started it, so no event claims a
// session that did not happen), completed if it ended before the event's end. A later end
// needs nothing: Discord ends the event itself.
func (s *schedules) correctEnded(ctx context.Context, rec guild.OccurrenceEvent, p eventPayload) error {
	var err error
	switch {
	case !p.Started:
		if err = s.events.CancelEvent(ctx, rec.GuildID, rec.EventID); errors.Is(err, guild.ErrEventGone) {
			err = ignoreGone(s.events.DeleteEvent(ctx, rec.GuildID, rec.EventID))
		}
	case time.Unix(p.End, 0).Before(rec.End):
		err = ignoreGone(s.events.CompleteEvent(ctx, rec.GuildID, rec.EventID))
	}
	if err != nil {
		return err
	}
	rec.Ended = true
	return s.store.SaveOccurrenceEvent(ctx, rec)
}

// moveEnd moves the event's end to end.
func (s *schedules) moveEnd(ctx context.Context, rec guild.OccurrenceEvent, end time.Time) error {
	sc, err := s.store.Schedule(ctx, rec.GuildID, rec.ScheduleID)
	if errors.Is(err, guild.ErrScheduleNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	e, err := s.eventOf(ctx, sc, rec.Start)
	if err != nil {
		return err
	}
	e.End = end
	if err := s.events.EditEvent(ctx, rec.GuildID, rec.EventID, e); errors.Is(err, guild.ErrEventGone) {
		rec.Ended = true
	} else if err != nil {
		return err
	} else {
		rec.End = end
	}
	return s.store.SaveOccurrenceEvent(ctx, rec)
}

// mirrorNext creates the event of the schedule's occurrence after start.
func (s *schedules) mirrorNext(ctx context.Context, guildID string, scheduleID int64, start, now time.Time) (jobs.Outcome, error) {
	sc, err := s.store.Schedule(ctx, guildID, scheduleID)
	if errors.Is(err, guild.ErrScheduleNotFound) {
		return jobs.Done(), nil
	}
	if err != nil {
		return jobs.Outcome{}, err
	}
	r, err := rule(sc)
	if err != nil {
		return jobs.Skip("the schedule's rule is unreadable: " + err.Error()), nil
	}
	next := nextStart(sc, r, later(start, now))
	return jobs.Done(), queueEvent(ctx, s.queue, eventPayload{GuildID: guildID, ScheduleID: scheduleID, Start: next.Unix(),
		Action: eventCreate}, now)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// ignoreGone treats an event that no longer exists as already dealt with.
func ignoreGone(err error) error {
	if errors.Is(err, guild.ErrEventGone) {
		return nil
	}
	return err
}

// pauseSlack is how far past its planned end a paused session's event is kept open:
// Discord ends an EXTERNAL event on its own at its end, so a pause that ran past it would
// end the event before the session resumed. On resume the end is set exactly; a pause
// longer than this lets the event end (and the session goes on without it).
const pauseSlack = 15 * time.Minute

// ScheduleWatcher is the session.Watcher that keeps a scheduled session's Discord event
// true: it queues an EventJob when the session ends, and when the session's end moves away
// from the occurrence's planned end (a pause, a skip).
func ScheduleWatcher(queue jobQueue, now func() time.Time, log *slog.Logger) session.Watcher {
	return &scheduleWatcher{queue: queue, now: now, log: log}
}

type scheduleWatcher struct {
	queue jobQueue
	now   func() time.Time
	log   *slog.Logger
}

func (w *scheduleWatcher) SessionChanged(ctx context.Context, s *session.Session) {
	occ := s.Occurrence
	p := eventPayload{GuildID: s.GuildID, ScheduleID: occ.ScheduleID, Start: occ.Start.Unix()}
	switch {
	case !s.Status.Active():
		p.Action, p.Started, p.End = eventFinish, !s.StartedAt.IsZero(), s.EndedAt.Unix()
	case s.Status == session.Paused:
		p.Action, p.End = eventMoveEnd, s.PlannedEnd().Add(pauseSlack).Unix()
	case s.Status == session.Running && !s.PlannedEnd().Equal(occ.Start.Add(s.Plan.Total())):
		p.Action, p.End = eventMoveEnd, s.PlannedEnd().Unix()
	default:
		return
	}
	if err := queueEvent(ctx, w.queue, p, w.now()); err != nil {
		w.log.Error("queueing a correction of a schedule's event failed", slog.Int64("schedule", occ.ScheduleID),
			slog.Int64("session", s.ID), slog.Any("err", err))
	}
}
