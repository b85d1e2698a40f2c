package commands

import (
	"log/slog"
	"time"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/jobs"
	"github.com/stretchbot/stretchbot/reminders"
	"github.com/stretchbot/stretchbot/session"
	"github.com/stretchbot/stretchbot/storage"
)

// Deps are what the commands need; main wires them explicitly.
type Deps struct {
	Catalog *catalog.Catalog
	Store   *storage.DB
	// PrepGap is session.prep_gap, the time to get ready between a routine's exercises,
	// counted into every total time shown.
	PrepGap time.Duration
	// Sessions runs the group sessions of /session.
	Sessions *session.Engine
	// Jobs runs the work due later, such as a schedule's next lobby.
	Jobs *jobs.Scheduler
	// Notes posts the bot's own short notices in a channel (paced with its other writes).
	Notes noteSender
	// DMs sends the bot's own direct messages (reminders, notices of a schedule).
	DMs dmSender
	// Notices, when set, adds to every slash command's answer what the caller is owed,
	// such as the news that their DMs refused the bot (a *DMMemory).
	Notices owedNotices
	// Events writes the Discord events that mirror schedules.
	Events eventWriter
	// Log receives what the commands log on their own (not errors a handler returns).
	Log *slog.Logger
	// DefaultZone is defaults.timezone, for servers that set no zone.
	DefaultZone string
}

// All returns every slash command, in the order /help lists them, each with its contexts (setContexts):
// the lookups work anywhere, the rest in servers only. The same list is registered with
// Discord and routed by the bot.
func All(d Deps) []Command {
	cmds := []Command{
		anywhere(exerciseCommand(d.Catalog)),
		anywhere(exercisesCommand(d.Catalog)),
		routineCommand(d.Catalog, d.Store, d.PrepGap),
		sessionCommandFor(d),
		scheduleCommand(schedulesFor(d)),
		anywhere(safetyCommand(d.Catalog)),
		anywhere(tipsCommand(d.Catalog)),
		streakCommand(d.Store),
		statsCommand(d.Store),
		leaderboardCommand(d.Store),
		doneCommand(d.Catalog, d.Store),
		remindersCommand(remindersFor(d)),
		timezoneCommand(d.Store),
		privacyCommand(d.Store),
		forgetMeCommand(d.Store, d.Sessions),
		myDataCommand(d.Store),
		settingsCommand(d.Store),
	}
	cmds = append(cmds, anywhere(help(cmds)))
	setContexts(cmds)
	if d.Notices != nil {
		withOwedNotices(cmds, d.Notices, d.Log)
	}
	return cmds
}

// JobHandlers are the handlers of the jobs the commands queue, by kind, each reading the
// time from now.
func JobHandlers(d Deps, now func() time.Time) map[string]jobs.Handler {
	rem := remindersFor(d)
	s := schedulesFor(d)
	return map[string]jobs.Handler{LobbyJob: s.LobbyHandler(now), NotifyJob: s.NotifyHandler(now), EventJob: s.EventHandler(now),
		MoveReminderJob: rem.Handler(reminders.Move, now), StreakReminderJob: rem.Handler(reminders.Streak, now)}
}
