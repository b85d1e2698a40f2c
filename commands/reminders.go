package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/jobs"
	"github.com/stretchbot/stretchbot/reminders"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/storage"
	"github.com/stretchbot/stretchbot/streak"
)

// The job kinds of the reminders: one job per due time, keyed by server, member and that
// time (unix seconds), so queueing the same time again (a restart, a retry, a second chain
// after an edit) adds nothing and a DM is never sent twice.
const (
	MoveReminderJob   = "reminder-move"
	StreakReminderJob = "reminder-streak"
)

// reminderLate is how late a reminder is still sent when the bot could not send it on
// time (it was down): later than that its moment has passed, and the member's active
// hours may have too, so it is skipped and the next one comes as usual.
const reminderLate = 15 * time.Minute

// reminderJob is the job kind of a kind of reminder.
func reminderJob(k reminders.Kind) string {
	if k == reminders.Streak {
		return StreakReminderJob
	}
	return MoveReminderJob
}

// Patterns of a move DM's buttons. The ID names the server the reminder was set in and its
// member: the click comes from a DM, which has no server, and only that member may press.
const (
	reminderDonePattern   = "reminder/{guild}/{user}/done"
	reminderSnoozePattern = "reminder/{guild}/{user}/snooze"
	reminderStopPattern   = "reminder/{guild}/{user}/stop"
)

// reminderStore keeps reminders, reads the member's streak and zone, and logs solo
// practice for the Done button (as /done does).
type reminderStore interface {
	soloLogger
	StreakOf(ctx context.Context, guildID, userID string, at time.Time) (streak.View, error)
	SetReminder(ctx context.Context, r reminders.Reminder) error
	Reminder(ctx context.Context, guildID, userID string, kind reminders.Kind) (reminders.Reminder, error)
	Reminders(ctx context.Context, guildID, userID string) ([]reminders.Reminder, error)
	DeleteReminders(ctx context.Context, guildID, userID string, kind reminders.Kind) (int, error)
	HoldMove(ctx context.Context, guildID, userID string, snoozedUntil, pausedUntil time.Time) error
	ClaimReminderDM(ctx context.Context, guildID, userID string, kind reminders.Kind, due, quietSince time.Time,
		day string) (reminders.Reminder, bool, error)
	ReleaseReminderDM(ctx context.Context, prev reminders.Reminder, due time.Time) error
}

var _ reminderStore = (*storage.DB)(nil)

// reminderCommands is /reminders, the buttons of its DMs and the jobs that send them.
type reminderCommands struct {
	store   reminderStore
	queue   jobQueue
	dms     dmSender
	catalog *catalog.Catalog
	// done is /done's handler: the Done button logs practice exactly as /done does.
	done Handler
	// moves are the exercises a move DM rotates through: those that need no equipment.
	moves []*catalog.Exercise
}

// reminderPayload names the member and due time of a reminder job.
type reminderPayload struct {
	GuildID string `json:"guild_id"`
	UserID  string `json:"user_id"`
	Due     int64  `json:"due"` // unix seconds
}

// remindersFor builds /reminders from the shared dependencies.
func remindersFor(d Deps) *reminderCommands {
	rc := &reminderCommands{store: d.Store, queue: d.Jobs, dms: d.DMs, catalog: d.Catalog,
		done: doneCommand(d.Catalog, d.Store).Handle}
	for _, ex := range d.Catalog.List(string(catalog.CategoryNoEquipment), "") {
		if len(ex.Equipment) == 0 {
			rc.moves = append(rc.moves, ex)
		}
	}
	return rc
}

// remindersCommand is /reminders move, streak, list and off. A reminder belongs to the
// server it is set in (its Done button logs there) and DMs its member in their own zone.
func remindersCommand(rc *reminderCommands) Command {
	minEvery, maxEvery := float64(reminders.MinEvery/time.Minute), float64(reminders.MaxEvery/time.Minute)
	kind := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "kind",
		Description: "Which reminders to stop (default: all)", Choices: []*discordgo.ApplicationCommandOptionChoice{
			{Name: "move", Value: string(reminders.Move)}, {Name: "streak", Value: string(reminders.Streak)}, {Name: "all", Value: "all"}}}
	c := inServer(Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "reminders",
			Description: "Personal DMs: time to move during your hours, or a nudge before your streak ends",
			Options: []*discordgo.ApplicationCommandOption{
				subcommand("move", "A DM with a short exercise every N minutes during your active hours",
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "every",
						Description: "Minutes between reminders, 20 to 120", Required: true, MinValue: &minEvery, MaxValue: maxEvery},
					requiredString("from", "Start of your active hours, HH:MM on a 24-hour clock"),
					requiredString("to", "End of your active hours, HH:MM, later the same day"),
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "days",
						Description: "daily (default), weekdays, weekends or a list like mon,wed,fri"}),
				subcommand("streak", "A DM at a time of your day if it has not counted yet",
					requiredString("at", "Your local time, HH:MM on a 24-hour clock")),
				subcommand("list", "Your reminders in this server and when they come next"),
				subcommand("off", "Stop your reminders in this server", kind),
			},
		},
		Handle: bySubcommand("reminders", map[string]Handler{"move": rc.setMove, "streak": rc.setStreak,
			"list": rc.list, "off": rc.off}),
		Private: true,
	})
	// Added after inServer, which would refuse them: the buttons are clicked in a DM.
	c.Components = []Component{
		{Pattern: reminderDonePattern, Owner: rc.owner, Handle: rc.clickDone},
		{Pattern: reminderSnoozePattern, Owner: rc.owner, Handle: rc.snooze},
		{Pattern: reminderStopPattern, Owner: rc.owner, Handle: rc.stop},
	}
	return c
}

func (rc *reminderCommands) setMove(ctx context.Context, req *Request) (*Reply, error) {
	every, _ := req.Int("every")
	r, err := reminders.ParseMove(every, req.String("from"), req.String("to"), req.String("days"))
	return rc.set(ctx, req, r, err)
}

func (rc *reminderCommands) setStreak(ctx context.Context, req *Request) (*Reply, error) {
	r, err := reminders.ParseStreak(req.String("at"))
	return rc.set(ctx, req, r, err)
}

// set stores the caller's reminder parsed as r (or answers the parse error, which names
// the option to fix), queues its next time and says it in words.
func (rc *reminderCommands) set(ctx context.Context, req *Request, r reminders.Reminder, parseErr error) (*Reply, error) {
	if parseErr != nil {
		return nil, Userf("%s", parseErr.Error())
	}
	r.GuildID, r.UserID = req.GuildID, req.Member.ID
	zone, err := rc.zone(ctx, r.GuildID, r.UserID, req.Received)
	if err != nil {
		return nil, err
	}
	if err := rc.store.SetReminder(ctx, r); err != nil {
		return nil, err
	}
	next := r.Next(zone, req.Received)
	if err := rc.queueAt(ctx, r, next); err != nil {
		return nil, err
	}
	return Message(true, fmt.Sprintf("Reminder set: %s. Next: <t:%d:F>.", describeReminder(r, zone), next.Unix()),
		"/reminders off stops it; /timezone changes the zone it follows."), nil
}

// describeReminder says a reminder in words, with the zone it follows.
func describeReminder(r reminders.Reminder, zone *time.Location) string {
	what := "a DM to move, with a short exercise that needs no equipment,"
	if r.Kind == reminders.Streak {
		what = "a DM on days that have not counted yet,"
	}
	return fmt.Sprintf("%s %s (%s)", what, r, zoneShown(zone.String()))
}

// zone is the member's zone in the server: theirs, else the server's, else the default,
// resolved as their streak's days are.
func (rc *reminderCommands) zone(ctx context.Context, guildID, userID string, at time.Time) (*time.Location, error) {
	v, err := rc.store.StreakOf(ctx, guildID, userID, at)
	return v.Zone, err
}

func (rc *reminderCommands) list(ctx context.Context, req *Request) (*Reply, error) {
	all, err := rc.store.Reminders(ctx, req.GuildID, req.Member.ID)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return Message(true, "You have no reminders in this server. /reminders move or /reminders streak sets one."), nil
	}
	zone, err := rc.zone(ctx, req.GuildID, req.Member.ID, req.Received)
	if err != nil {
		return nil, err
	}
	lines := make([]string, len(all))
	for i, r := range all {
		next := r.Next(zone, req.Received)
		// Queueing the time shown mends a chain a lost job broke; one already queued is kept.
		if err := rc.queueAt(ctx, r, next); err != nil {
			return nil, err
		}
		lines[i] = fmt.Sprintf("**%s**: %s. Next: <t:%d:F>", reminderTitle(r.Kind), describeReminder(r, zone), next.Unix())
	}
	return Message(true, lines...), nil
}

// reminderTitle names a kind of reminder: "Move", "Streak".
func reminderTitle(k reminders.Kind) string {
	return strings.ToUpper(string(k[:1])) + string(k[1:])
}

func (rc *reminderCommands) off(ctx context.Context, req *Request) (*Reply, error) {
	kind := reminders.Kind(req.String("kind"))
	if kind == "all" {
		kind = ""
	}
	n, err := rc.store.DeleteReminders(ctx, req.GuildID, req.Member.ID, kind)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return Message(true, "You had no such reminder in this server, so nothing changed."), nil
	}
	from := "them"
	if n == 1 {
		from = "it"
	}
	return Message(true, fmt.Sprintf("Stopped %s: no more DMs from %s.", render.Plural(n, "reminder"), from)), nil
}

// queueAt queues the job of r's DM due at due. Its key names the member and the time, so
// queueing it twice adds it once.
func (rc *reminderCommands) queueAt(ctx context.Context, r reminders.Reminder, due time.Time) error {
	if due.IsZero() {
		return nil
	}
	payload, err := json.Marshal(reminderPayload{GuildID: r.GuildID, UserID: r.UserID, Due: due.Unix()})
	if err != nil {
		return err
	}
	_, err = rc.queue.Add(ctx, jobs.Job{Kind: reminderJob(r.Kind), Key: fmt.Sprintf("%s/%s/%d", r.GuildID, r.UserID, due.Unix()),
		GuildID: r.GuildID, Due: due, Payload: payload})
	return err
}

// Handler is the handler of kind's job, reading the time from now.
func (rc *reminderCommands) Handler(kind reminders.Kind, now func() time.Time) jobs.Handler {
	return func(ctx context.Context, j jobs.Job) (jobs.Outcome, error) { return rc.fire(ctx, kind, j, now()) }
}

// fire sends the reminder DM a job stands for. It skips when the reminder is off; else it
// queues the next time first (so the chain survives whatever happens to this one), then
// skips a time the reminder no longer has (it was edited, snoozed, stopped for today or
// the member changed zone), a time long past, a move DM that would now fall outside the
// member's active hours (the bot was down at the window's end), a streak day that counts
// or a streak of 0
// (nothing to lose), and a DM the quiet rules hold back. The DM is claimed in storage
// before it is sent, so a rerun after a crash never sends it twice; a member whose DMs are
// closed is skipped without a retry (the chain goes on, and their DMs are tried again
// after their next command).
func (rc *reminderCommands) fire(ctx context.Context, kind reminders.Kind, j jobs.Job, now time.Time) (jobs.Outcome, error) {
	var p reminderPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return jobs.Skip("unreadable payload: " + err.Error()), nil
	}
	r, err := rc.store.Reminder(ctx, p.GuildID, p.UserID, kind)
	if errors.Is(err, reminders.ErrNotFound) {
		return jobs.Skip("the reminder was turned off"), nil
	}
	if err != nil {
		return jobs.Outcome{}, err
	}
	v, err := rc.store.StreakOf(ctx, p.GuildID, p.UserID, now)
	if err != nil {
		return jobs.Outcome{}, err
	}
	due, after := time.Unix(p.Due, 0), now
	if due.After(after) {
		after = due
	}
	if err := rc.queueAt(ctx, r, r.Next(v.Zone, after)); err != nil {
		return jobs.Outcome{}, err
	}
	quietSince, day := due.Add(-reminders.MinEvery), ""
	switch {
	case !r.Due(v.Zone, due):
		return jobs.Skip("the reminder changed since this time was queued"), nil
	case now.Sub(due) > reminderLate:
		return jobs.Skip("its time had passed when the bot could send it"), nil
	case kind == reminders.Move && !r.Window(v.Zone).Within(now):
		return jobs.Skip("outside the member's active hours"), nil
	case kind == reminders.Move && due.Equal(r.SnoozedUntil):
		quietSince = due.Add(-reminders.SnoozeFor) // the member asked for this one
	case kind == reminders.Streak && v.Status.TodayDone:
		return jobs.Skip("the member's day already counts"), nil
	case kind == reminders.Streak && v.Status.Current == 0:
		return jobs.Skip("the member has no streak to keep"), nil
	case kind == reminders.Streak:
		quietSince, day = due, v.Today.String()
	}
	prev, ok, err := rc.store.ClaimReminderDM(ctx, p.GuildID, p.UserID, kind, due, quietSince, day)
	if err != nil {
		return jobs.Outcome{}, err
	}
	if !ok {
		return jobs.Skip("already sent, or held back by the quiet rules"), nil
	}
	msg := streakDM(v)
	if kind == reminders.Move {
		msg = rc.moveDM(r, prev.Sent)
	}
	_, err = rc.dms.DM(ctx, p.UserID, msg)
	if errors.Is(err, guild.ErrDMsClosed) {
		return jobs.Skip("the member's DMs are closed"), nil
	}
	if err != nil {
		return jobs.Outcome{}, errors.Join(err, rc.store.ReleaseReminderDM(ctx, prev, due))
	}
	return jobs.Done(), nil
}

// moveDM is "time to move" with the exercise sent rotates to (those that need no
// equipment, in catalog order), shown as /exercise shows it, cautions included, and the
// buttons Done, Snooze 10 min and Stop for today.
func (rc *reminderCommands) moveDM(r reminders.Reminder, sent int) *discordgo.MessageSend {
	msg := &discordgo.MessageSend{Content: "**Time to move.** /exercises category:No equipment lists what you can do anywhere.",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Done", Style: discordgo.SuccessButton, CustomID: render.FillID(reminderDonePattern, r.GuildID, r.UserID)},
			discordgo.Button{Label: "Snooze 10 min", Style: discordgo.SecondaryButton, CustomID: render.FillID(reminderSnoozePattern, r.GuildID, r.UserID)},
			discordgo.Button{Label: "Stop for today", Style: discordgo.SecondaryButton, CustomID: render.FillID(reminderStopPattern, r.GuildID, r.UserID)},
		}}}}
	if len(rc.moves) > 0 {
		ex := rc.moves[sent%len(rc.moves)]
		msg.Content = fmt.Sprintf("**Time to move.** Try %s: it needs no equipment. Read its cautions first (and /safety); "+
			"/exercise %s shows it any time.", ex.Name, ex.Name)
		msg.Embeds = []*discordgo.MessageEmbed{render.Exercise(rc.catalog, ex)}
	}
	return msg
}

// streakDM tells a member whose day has not counted when their streak ends; with a freeze
// held, that a freeze would cover the day instead.
func streakDM(v streak.View) *discordgo.MessageSend {
	text := fmt.Sprintf("Your %d-day streak ends <t:%d:R>: today hasn't counted yet. A /done or a group session before then keeps it.",
		v.Status.Current, v.TodayEnds.Unix())
	if v.Status.FreezesHeld > 0 {
		text = fmt.Sprintf("Your %d-day streak ends <t:%d:R> unless today counts, or a freeze covers it: you hold %s, "+
			"and one would be used. A /done or a group session before then keeps it without one.",
			v.Status.Current, v.TodayEnds.Unix(), render.Plural(v.Status.FreezesHeld, "freeze"))
	}
	return &discordgo.MessageSend{Content: text + "\n/reminders off kind:streak in the server stops these."}
}

// owner places a reminder's button in the DM it was clicked in, for the reminder's own
// member only, while their move reminder exists in the server the ID names: a click from a
// server, by another member, or naming a server where they keep no reminder is refused
// and changes nothing.
func (rc *reminderCommands) owner(ctx context.Context, req *Request) (Place, error) {
	if req.GuildID != "" || req.Params["user"] != req.Member.ID {
		return Place{}, nil
	}
	if _, err := rc.store.Reminder(ctx, req.Params["guild"], req.Member.ID, reminders.Move); errors.Is(err, reminders.ErrNotFound) {
		return Place{}, Userf("This move reminder is off, so its buttons do nothing. /reminders move in the server sets it again.")
	} else if err != nil {
		return Place{}, err
	}
	return Place{ChannelID: req.ChannelID}, nil
}

// clickDone logs solo practice in the reminder's server, exactly as /done there would.
func (rc *reminderCommands) clickDone(ctx context.Context, req *Request) (*Reply, error) {
	return rc.done(ctx, &Request{GuildID: req.Params["guild"], ChannelID: req.ChannelID, Member: req.Member, Received: req.Received})
}

// snooze puts the move reminder off for reminders.SnoozeFor, within its window.
func (rc *reminderCommands) snooze(ctx context.Context, req *Request) (*Reply, error) {
	return rc.hold(ctx, req, func(r *reminders.Reminder, w reminders.Window) (time.Time, string) {
		r.SnoozedUntil = w.Snooze(req.Received)
		return r.SnoozedUntil, "Snoozed: I'll remind you again <t:%d:R>."
	})
}

// stop drops the rest of today's move reminders.
func (rc *reminderCommands) stop(ctx context.Context, req *Request) (*Reply, error) {
	return rc.hold(ctx, req, func(r *reminders.Reminder, w reminders.Window) (time.Time, string) {
		r.SnoozedUntil, r.PausedUntil = time.Time{}, w.StopForToday(req.Received)
		return r.PausedUntil, "Stopped for today. The next reminder comes <t:%d:F>."
	})
}

// hold changes the clicked move reminder's snooze or pause with change, which returns the
// next due time and the answer's format for it, stores it and queues that time.
func (rc *reminderCommands) hold(ctx context.Context, req *Request,
	change func(r *reminders.Reminder, w reminders.Window) (time.Time, string)) (*Reply, error) {
	guildID := req.Params["guild"]
	r, err := rc.store.Reminder(ctx, guildID, req.Member.ID, reminders.Move)
	if err != nil {
		return nil, err
	}
	zone, err := rc.zone(ctx, guildID, req.Member.ID, req.Received)
	if err != nil {
		return nil, err
	}
	next, format := change(&r, r.Window(zone))
	if err := rc.store.HoldMove(ctx, guildID, req.Member.ID, r.SnoozedUntil, r.PausedUntil); err != nil {
		return nil, err
	}
	if err := rc.queueAt(ctx, r, next); err != nil {
		return nil, err
	}
	return Message(true, fmt.Sprintf(format, next.Unix())), nil
}
