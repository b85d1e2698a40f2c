package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/jobs"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/schedule"
	"github.com/stretchbot/stretchbot/session"
)

// Limits of /schedule create's lobby option, in minutes.
const (
	scheduleLobbyDefault = 10
	scheduleLobbyMax     = 60
)

// LobbyJob is the job kind that opens a schedule's lobby before an occurrence.
const LobbyJob = "schedule-lobby"

// scheduleStore keeps a server's schedules.
type scheduleStore interface {
	hostSettings
	CreateSchedule(ctx context.Context, s guild.Schedule) (guild.Schedule, error)
	Schedules(ctx context.Context, guildID string) ([]guild.Schedule, error)
	Schedule(ctx context.Context, guildID string, id int64) (guild.Schedule, error)
	DeleteSchedule(ctx context.Context, guildID string, id int64) error
	SkipScheduleUntil(ctx context.Context, guildID string, id int64, until time.Time) error
	occurrenceEvents
	notifyStore
}

// jobQueue takes due work; *jobs.Scheduler is the one implementation.
type jobQueue interface {
	Add(ctx context.Context, j jobs.Job) (added bool, err error)
}

var _ jobQueue = (*jobs.Scheduler)(nil)

// noteSender posts a message the bot writes on its own; *bot.Messenger is the one
// implementation (paced, mentions forbidden).
type noteSender interface {
	Send(ctx context.Context, channelID string, msg *discordgo.MessageSend) (*discordgo.Message, error)
}

// schedules is /schedule, its Notify me button, and the jobs that open each occurrence's
// lobby, send its notices and write its Discord event.
type schedules struct {
	store    scheduleStore
	queue    jobQueue
	notes    noteSender
	dms      dmSender
	events   eventWriter
	sessions *sessionCommand // resolves routines and starts sessions as /session start does
	// defaultZone is the zone of servers that set none (defaults.timezone).
	defaultZone string
	log         *slog.Logger
}

// lobbyPayload names the occurrence a lobby job opens.
type lobbyPayload struct {
	GuildID    string `json:"guild_id"`
	ScheduleID int64  `json:"schedule_id"`
	Start      int64  `json:"start"` // unix seconds of the occurrence
}

// schedulesFor builds /schedule from the shared dependencies.
func schedulesFor(d Deps) *schedules {
	return &schedules{store: d.Store, queue: d.Jobs, notes: d.Notes, dms: d.DMs, events: d.Events, sessions: sessionsFor(d),
		defaultZone: d.DefaultZone, log: d.Log}
}

// scheduleCommand is /schedule create, list, delete and skip.
func scheduleCommand(s *schedules) Command {
	zero, lobbyMax := 0.0, float64(scheduleLobbyMax)
	id := func(desc string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "schedule",
			Description: desc, Required: true, Autocomplete: true}
	}
	return inServer(Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "schedule",
			Description: "Recurring group sessions that open by themselves at a local time",
			Options: []*discordgo.ApplicationCommandOption{
				subcommand("create", "Run a routine here on a rhythm (Manage Server or the host role)",
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "routine",
						Description: "The routine to run", Required: true, Autocomplete: true},
					requiredString("time", "Local start time, HH:MM on a 24-hour clock"),
					requiredString("days", "daily, weekdays, weekends or a list like mon,wed,fri"),
					zoneOption("timezone", "The schedule's time zone (default: the server's)", false),
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionChannel, Name: "channel",
						Description:  "Where the sessions run (default: here)",
						ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}},
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "lobby",
						Description: "Minutes the lobby opens before the start (default 10)", MinValue: &zero, MaxValue: lobbyMax},
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionRole, Name: "ping_role",
						Description: "A role to mention when the lobby opens"},
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionBoolean, Name: "event",
						Description: "Show the next session as a Discord event (default: true)"}),
				subcommand("list", "This server's schedules and their next sessions"),
				subcommand("delete", "Delete one of this server's schedules (Manage Server or the host role)", id("The schedule")),
				subcommand("skip", "Skip a schedule's next session only (Manage Server or the host role)", id("The schedule")),
			},
		},
		Handle: bySubcommand("schedule", map[string]Handler{"create": s.create, "list": s.list,
			"delete": s.delete, "skip": s.skip}),
		Complete:   s.complete,
		Components: []Component{s.notifyComponent()},
		Private:    true,
	})
}

// rule is the occurrence rule of a stored schedule.
func rule(sc guild.Schedule) (schedule.Rule, error) {
	at, err := schedule.ParseLocalTime(sc.At)
	if err != nil {
		return schedule.Rule{}, err
	}
	days, err := schedule.ParseDays(sc.Days)
	if err != nil {
		return schedule.Rule{}, err
	}
	zone, err := time.LoadLocation(sc.Zone)
	return schedule.Rule{At: at, Days: days, Zone: zone}, err
}

// nextStart is the schedule's first occurrence after after that is not skipped.
func nextStart(sc guild.Schedule, r schedule.Rule, after time.Time) time.Time {
	if after.Before(sc.SkipBefore) {
		after = sc.SkipBefore.Add(-time.Nanosecond)
	}
	return r.Next(after)
}

func (s *schedules) create(ctx context.Context, req *Request) (*Reply, error) {
	if err := requireManager(ctx, s.store, req, "this server's schedules"); err != nil {
		return nil, err
	}
	routine, err := s.sessions.resolveRoutine(ctx, req.GuildID, req.String("routine"))
	if err != nil {
		return nil, err
	}
	at, err := schedule.ParseLocalTime(req.String("time"))
	if err != nil {
		return nil, Userf("%s", err.Error())
	}
	days, err := schedule.ParseDays(req.String("days"))
	if err != nil {
		return nil, Userf("%s", err.Error())
	}
	zone, err := s.zone(ctx, req)
	if err != nil {
		return nil, err
	}
	sc := guild.Schedule{GuildID: req.GuildID, ChannelID: req.ChannelID, Routine: routine.Name, At: at.String(),
		Days: days.Spec(), Zone: zone, Lobby: scheduleLobbyDefault * time.Minute, CreatedBy: req.Member.ID,
		Event: req.Bool("event", true)}
	if ch, ok := req.Options["channel"]; ok {
		sc.ChannelID, _ = ch.Value.(string)
	}
	if err := cannotAnnounce(req, sc.ChannelID); err != nil {
		return nil, err
	}
	if lobby, ok := req.Int("lobby"); ok {
		sc.Lobby = time.Duration(lobby) * time.Minute
	}
	if role, ok := req.Options["ping_role"]; ok {
		if sc.PingRoleID, _ = role.Value.(string); sc.PingRoleID == req.GuildID {
			return nil, Userf("@everyone can't be a schedule's ping role: pick a role that members take to be told.")
		}
	}
	var limit *guild.ScheduleLimitError
	if sc, err = s.store.CreateSchedule(ctx, sc); errors.As(err, &limit) {
		return nil, Userf("This server already has %d schedules, the most it may keep. Delete one with /schedule delete.", limit.Limit)
	} else if err != nil {
		return nil, err
	}
	r, err := rule(sc)
	if err != nil {
		return nil, err
	}
	next := nextStart(sc, r, req.Received)
	if err := s.queueOccurrence(ctx, sc, next); err != nil {
		return nil, err
	}
	eventNote := eventsOff(req, sc.Event)
	if sc.Event && eventNote == "" {
		if err := queueEvent(ctx, s.queue, eventPayload{GuildID: sc.GuildID, ScheduleID: sc.ID, Start: next.Unix(),
			Action: eventCreate}, req.Received); err != nil {
			return nil, err
		}
	}
	lines := []string{fmt.Sprintf("Scheduled #%d: %s.", sc.ID, describeSchedule(sc, r)), nextThree(sc, r, req.Received)}
	if err := s.announce(ctx, sc, r, next); err != nil {
		s.log.Info("posting a schedule's announcement failed", slog.Int64("schedule", sc.ID), slog.Any("err", err))
		lines = append(lines, fmt.Sprintf("I couldn't post its announcement in <#%s>: check that I may send messages "+
			"there, or its lobbies won't open either.", sc.ChannelID))
	}
	for _, note := range []string{cannotPing(req, sc.PingRoleID), eventNote} {
		if note != "" {
			lines = append(lines, note)
		}
	}
	return Message(true, lines...), nil
}

// announce posts the new schedule in its channel, with the Notify me button.
func (s *schedules) announce(ctx context.Context, sc guild.Schedule, r schedule.Rule, next time.Time) error {
	_, err := s.notes.Send(ctx, sc.ChannelID, &discordgo.MessageSend{
		Content: fmt.Sprintf("New here: %s. The first session starts <t:%d:F>. Press **Notify me** for a DM %s "+
			"before each lobby opens.", describeSchedule(sc, r), next.Unix(), render.Plural(int(notifyLead/time.Minute), "minute")),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			render.NotifyButton(sc.ID)}}},
	})
	return err
}

// cannotAnnounce refuses a schedule for the request's own channel when the bot may not
// post there, before anything is stored. app_permissions describe the invoking channel
// only; Discord sends the bot's permissions in a channel option's channel too (resolved
// channels' app_permissions), but discordgo v0.29.0's Channel drops that field, so a
// schedule for another channel is checked by posting its announcement, whose failure the
// answer reports.
func cannotAnnounce(req *Request, channelID string) error {
	if channelID != req.ChannelID {
		return nil
	}
	return cannotPost(req)
}

// cannotPing warns, in one sentence, when the lobby's mention of roleID will not notify
// anyone: Discord pings a role only when it is mentionable or the bot may Mention Everyone.
func cannotPing(req *Request, roleID string) string {
	if roleID == "" || req.BotPermissions&discordgo.PermissionMentionEveryone != 0 {
		return ""
	}
	if req.Resolved != nil {
		if role := req.Resolved.Roles[roleID]; role != nil && role.Mentionable {
			return ""
		}
	}
	return fmt.Sprintf("Note: <@&%s> is not mentionable and I may not Mention Everyone, so the lobby will name it "+
		"without notifying anyone. Make the role mentionable (Server Settings → Roles) to fix it.", roleID)
}

// zone is the schedule's zone: the option, else the server's, else the bot's default.
func (s *schedules) zone(ctx context.Context, req *Request) (string, error) {
	if typed := req.String("timezone"); typed != "" {
		return resolveZoneName(typed, req.Received)
	}
	settings, err := s.store.GuildSettings(ctx, req.GuildID)
	if err != nil || settings.Timezone != "" {
		return settings.Timezone, err
	}
	return s.defaultZone, nil
}

// queueOccurrence adds the jobs of the occurrence at start: its notices and its lobby.
// Their keys name the occurrence, so queueing them twice (a restart, a retry) adds them
// once.
func (s *schedules) queueOccurrence(ctx context.Context, sc guild.Schedule, start time.Time) error {
	payload, err := json.Marshal(lobbyPayload{GuildID: sc.GuildID, ScheduleID: sc.ID, Start: start.Unix()})
	if err != nil {
		return err
	}
	if err := s.queueNotify(ctx, sc, start, payload); err != nil {
		return err
	}
	_, err = s.queue.Add(ctx, jobs.Job{Kind: LobbyJob, Key: fmt.Sprintf("lobby/%d/%d", sc.ID, start.Unix()),
		GuildID: sc.GuildID, Due: start.Add(-sc.Lobby), Payload: payload})
	return err
}

// describeSchedule says a schedule in words: "Desk break, weekdays at 15:00 (Europe/Berlin)
// in <#123>, the lobby opening 10 minutes before".
func describeSchedule(sc guild.Schedule, r schedule.Rule) string {
	text := fmt.Sprintf("%s, %s in <#%s>, the lobby opening %s before", render.RoutineName(sc.Routine), r, sc.ChannelID,
		lobbyShown(sc.Lobby))
	if sc.PingRoleID != "" {
		text += fmt.Sprintf(", mentioning <@&%s>", sc.PingRoleID)
	}
	return text
}

func lobbyShown(d time.Duration) string {
	if d == 0 {
		return "right"
	}
	return render.Plural(int(d/time.Minute), "minute")
}

// nextThree lists the schedule's next three sessions as Discord timestamps, which each
// member's client shows in their own zone.
func nextThree(sc guild.Schedule, r schedule.Rule, now time.Time) string {
	var stamps []string
	after := now
	for range 3 {
		next := nextStart(sc, r, after)
		stamps = append(stamps, fmt.Sprintf("<t:%d:F>", next.Unix()))
		after = next
	}
	return "Next: " + strings.Join(stamps, ", ")
}

func (s *schedules) list(ctx context.Context, req *Request) (*Reply, error) {
	all, err := s.store.Schedules(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return Message(true, "This server has no schedules yet. Members with Manage Server or the host role can add one with /schedule create."), nil
	}
	lines := make([]string, 0, len(all))
	for _, sc := range all {
		r, err := rule(sc)
		if err != nil {
			return nil, err
		}
		lines = append(lines, fmt.Sprintf("**#%d** %s. Next: <t:%d:R>", sc.ID, describeSchedule(sc, r),
			nextStart(sc, r, req.Received).Unix()))
	}
	return Message(true, lines...), nil
}

func (s *schedules) delete(ctx context.Context, req *Request) (*Reply, error) {
	sc, err := s.named(ctx, req)
	if err != nil {
		return nil, err
	}
	events, err := s.store.OpenOccurrenceEvents(ctx, req.GuildID, sc.ID)
	if err != nil {
		return nil, err
	}
	if err := s.store.DeleteSchedule(ctx, req.GuildID, sc.ID); err != nil {
		return nil, err
	}
	for _, e := range events {
		if err := queueEvent(ctx, s.queue, eventPayload{GuildID: e.GuildID, ScheduleID: e.ScheduleID, Start: e.Start.Unix(),
			Action: eventDelete, EventID: e.EventID}, req.Received); err != nil {
			return nil, err
		}
	}
	return Message(true, fmt.Sprintf("Deleted schedule #%d (%s): no more sessions open from it.", sc.ID, render.RoutineName(sc.Routine))), nil
}

func (s *schedules) skip(ctx context.Context, req *Request) (*Reply, error) {
	sc, err := s.named(ctx, req)
	if err != nil {
		return nil, err
	}
	r, err := rule(sc)
	if err != nil {
		return nil, err
	}
	skipped := nextStart(sc, r, req.Received)
	if err := s.store.SkipScheduleUntil(ctx, req.GuildID, sc.ID, skipped.Add(time.Second)); err != nil {
		return nil, err
	}
	sc.SkipBefore = skipped.Add(time.Second)
	next := nextStart(sc, r, req.Received)
	if err := s.queueOccurrence(ctx, sc, next); err != nil {
		return nil, err
	}
	for _, p := range []eventPayload{{Start: skipped.Unix(), Action: eventDelete}, {Start: next.Unix(), Action: eventCreate}} {
		p.GuildID, p.ScheduleID = sc.GuildID, sc.ID
		if err := queueEvent(ctx, s.queue, p, req.Received); err != nil {
			return nil, err
		}
	}
	return Message(true, fmt.Sprintf("Skipped the session of <t:%d:F> (schedule #%d). %s", skipped.Unix(), sc.ID,
		nextThree(sc, r, req.Received))), nil
}

// named is the schedule a delete or skip names, which the member must be allowed to change.
func (s *schedules) named(ctx context.Context, req *Request) (guild.Schedule, error) {
	if err := requireManager(ctx, s.store, req, "this server's schedules"); err != nil {
		return guild.Schedule{}, err
	}
	id, ok := req.Int("schedule")
	sc, err := s.store.Schedule(ctx, req.GuildID, id)
	if !ok || errors.Is(err, guild.ErrScheduleNotFound) {
		return guild.Schedule{}, Userf("This server has no schedule #%d. /schedule list shows them.", id)
	}
	return sc, err
}

// complete offers routines for create and the server's schedules for delete and skip.
func (s *schedules) complete(ctx context.Context, req *Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	switch req.Focused {
	case "routine":
		return s.sessions.complete(ctx, req)
	case "timezone":
		return completeZones(req.String("timezone"), req.Received), nil
	}
	all, err := s.store.Schedules(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	var choices []*discordgo.ApplicationCommandOptionChoice
	for _, sc := range all {
		name := fmt.Sprintf("#%d %s, %s at %s", sc.ID, sc.Routine, sc.Days, sc.At)
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: catalog.Truncate(name, catalog.MaxChoiceName), Value: sc.ID})
	}
	return choices, nil
}

// openLobby is the LobbyJob: it queues the next occurrence first (so the chain survives
// whatever happens to this one), then opens this occurrence's lobby as /session start
// would, with no host. An occurrence whose schedule is gone, was skipped, or whose start
// has passed is skipped with its reason.
func (s *schedules) openLobby(ctx context.Context, j jobs.Job, now time.Time) (jobs.Outcome, error) {
	sc, start, skip, err := s.occurrenceOf(ctx, j)
	if skip != "" || err != nil {
		return jobs.Skip(skip), err
	}
	r, err := rule(sc)
	if err != nil {
		return jobs.Skip("the schedule's rule is unreadable: " + err.Error()), nil
	}
	if err := s.queueOccurrence(ctx, sc, nextStart(sc, r, start)); err != nil {
		return jobs.Outcome{}, err
	}
	if start.Before(sc.SkipBefore) {
		return jobs.Skip("skipped with /schedule skip"), nil
	}
	reason, err := s.startOccurrence(ctx, sc, start, now)
	if reason == "" || err != nil {
		return jobs.Done(), err
	}
	// The occurrence will not happen: its event says so, and the next one gets its own.
	return jobs.Skip(reason), queueEvent(ctx, s.queue, eventPayload{GuildID: sc.GuildID, ScheduleID: sc.ID,
		Start: start.Unix(), Action: eventFinish}, now)
}

// occurrenceOf reads the schedule and the occurrence a lobby or notify job names; skip
// says why there is nothing left to do (an unreadable payload, a deleted schedule).
func (s *schedules) occurrenceOf(ctx context.Context, j jobs.Job) (sc guild.Schedule, start time.Time, skip string, err error) {
	var p lobbyPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return sc, start, "unreadable payload: " + err.Error(), nil
	}
	sc, err = s.store.Schedule(ctx, p.GuildID, p.ScheduleID)
	if errors.Is(err, guild.ErrScheduleNotFound) {
		return sc, start, "the schedule was deleted", nil
	}
	return sc, time.Unix(p.Start, 0), "", err
}

// startOccurrence opens the occurrence's lobby as /session start would, with no host, and
// returns why it did not when it could not.
func (s *schedules) startOccurrence(ctx context.Context, sc guild.Schedule, start, now time.Time) (notStarted string, err error) {
	if !now.Before(start) {
		return "its start had passed when the bot could open it", nil
	}
	routine, err := s.sessions.resolveRoutine(ctx, sc.GuildID, sc.Routine)
	if err != nil {
		return "its routine cannot be run: " + err.Error(), nil
	}
	occurrence := session.Occurrence{ScheduleID: sc.ID, Start: start}
	_, err = s.sessions.engine.Start(ctx, session.StartRequest{GuildID: sc.GuildID, ChannelID: sc.ChannelID,
		RoutineName: routine.Name, Routine: routineItems(s.sessions.catalog, routine), Delay: start.Sub(now),
		PingRole: sc.PingRoleID, Occurrence: occurrence})
	var busy *session.BusyError
	switch {
	case errors.As(err, &busy) && busy.Session.Occurrence.ScheduleID == sc.ID && busy.Session.Occurrence.Start.Equal(start):
		return "", nil // this occurrence's own lobby: a rerun after a crash between opening it and completing the job
	case errors.As(err, &busy):
		return "a session was already running in its channel", s.noteBusy(ctx, sc, start)
	}
	return "", err
}

// noteBusy tells the channel that an occurrence did not open because a session was already
// running there. Its key makes the job idempotent; the note is the one part a rerun after
// a crash could repeat.
func (s *schedules) noteBusy(ctx context.Context, sc guild.Schedule, start time.Time) error {
	_, err := s.notes.Send(ctx, sc.ChannelID, &discordgo.MessageSend{Content: fmt.Sprintf(
		"The scheduled %s session of <t:%d:t> (schedule #%d) did not open: a session is already running here.",
		render.RoutineName(sc.Routine), start.Unix(), sc.ID)})
	return err
}

// LobbyHandler is the handler of LobbyJob, reading the time from now.
func (s *schedules) LobbyHandler(now func() time.Time) jobs.Handler {
	return func(ctx context.Context, j jobs.Job) (jobs.Outcome, error) { return s.openLobby(ctx, j, now()) }
}
