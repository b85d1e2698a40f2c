package commands

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/jobs"
	"github.com/stretchbot/stretchbot/reminders"
	"github.com/stretchbot/stretchbot/storage"
)

// memoryQueue is a jobQueue that keeps what was added, once per (kind, key).
type memoryQueue struct{ jobs []jobs.Job }

func (q *memoryQueue) Add(_ context.Context, j jobs.Job) (bool, error) {
	for _, old := range q.jobs {
		if old.Kind == j.Kind && old.Key == j.Key {
			return false, nil
		}
	}
	q.jobs = append(q.jobs, j)
	return true, nil
}

// at returns the job of kind due at due.
func (q *memoryQueue) at(t *testing.T, kind string, due time.Time) jobs.Job {
	t.Helper()
	for _, j := range q.jobs {
		if j.Kind == kind && j.Due.Equal(due) {
			return j
		}
	}
	t.Fatalf("no %s job due at %v; queued: %+v", kind, due, q.jobs)
	return jobs.Job{}
}

// recordedDMs is a dmSender that keeps every DM, or refuses with refuse.
type recordedDMs struct {
	sent   []*discordgo.MessageSend
	to     []string
	refuse error
}

func (d *recordedDMs) DM(_ context.Context, userID string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	d.to = append(d.to, userID)
	if d.refuse != nil {
		return nil, d.refuse
	}
	d.sent = append(d.sent, msg)
	return &discordgo.Message{ID: fmt.Sprint(len(d.sent))}, nil
}

// reminderFixture is /reminders over a real database (zone Europe/Berlin by default), a
// memory queue and recorded DMs.
type reminderFixture struct {
	t     *testing.T
	db    *storage.DB
	queue *memoryQueue
	dms   *recordedDMs
	rc    *reminderCommands
	cmd   Command
}

func newReminderFixture(t *testing.T) *reminderFixture {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "bot.db"), time.Now,
		storage.WithDefaultTimezone("Europe/Berlin"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &reminderFixture{t: t, db: db, queue: &memoryQueue{}, dms: &recordedDMs{}}
	f.rc = remindersFor(Deps{Catalog: loadCatalog(t), Store: db, DMs: f.dms})
	f.rc.queue = f.queue
	f.cmd = remindersCommand(f.rc)
	return f
}

// run answers /reminders sub at the instant now, as member u1 of g1.
func (f *reminderFixture) run(sub string, now time.Time, opts ...*option) (*Reply, error) {
	req := request(sub, opts...)
	req.Received = now
	return f.cmd.Handle(context.Background(), req)
}

// fire runs the job of kind due at due, at now.
func (f *reminderFixture) fire(kind reminders.Kind, due, now time.Time) jobs.Outcome {
	f.t.Helper()
	out, err := f.rc.Handler(kind, func() time.Time { return now })(context.Background(), f.queue.at(f.t, reminderJob(kind), due))
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// click presses a move DM's button in a DM as member, at now.
func (f *reminderFixture) click(pattern, guildID, userID string, member Member, fromGuild string, now time.Time) (*Reply, error) {
	req := &Request{GuildID: fromGuild, ChannelID: "dm-" + member.ID, Member: member, Received: now,
		Params: map[string]string{"guild": guildID, "user": userID}}
	for _, c := range f.cmd.Components {
		if c.Pattern == pattern {
			place, err := c.Owner(context.Background(), req)
			if err != nil {
				return nil, err
			}
			if !place.Holds(req) {
				return nil, Userf("refused")
			}
			return c.Handle(context.Background(), req)
		}
	}
	f.t.Fatalf("no component %s", pattern)
	return nil, nil
}

// inBerlin is a wall time in Europe/Berlin, the fixture's default zone.
func inBerlin(month time.Month, day, hour, minute int) time.Time {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return time.Date(2026, month, day, hour, minute, 0, 0, loc)
}

func TestRemindersRefuseBadOptionsNamingThem(t *testing.T) {
	f := newReminderFixture(t)
	now := inBerlin(6, 10, 8, 0)
	move := func(every int64, from, to, days string) []*option {
		opts := []*option{integer("every", every), str("from", from), str("to", to)}
		if days != "" {
			opts = append(opts, str("days", days))
		}
		return opts
	}
	tests := []struct {
		sub  string
		opts []*option
		want string
	}{
		{"move", move(10, "09:00", "17:00", ""), "every: a move reminder comes every 20 to 120 minutes; 10 is outside that."},
		{"move", move(30, "9am", "17:00", ""), `from: Times are HH:MM on a 24-hour clock, like 15:00; "9am" is not one.`},
		{"move", move(30, "09:00", "24:00", ""), `to: Times are HH:MM`},
		{"move", move(30, "22:00", "02:00", ""), "to: the window ends on the day it starts, so to must be after from; 02:00 is not after 22:00."},
		{"move", move(30, "09:00", "17:00", "someday"), `days: Days are daily, weekdays, weekends or a list like mon,wed,fri; "someday" is not a day.`},
		{"streak", []*option{str("at", "7")}, `at: Times are HH:MM`},
	}
	for _, tt := range tests {
		_, err := f.run(tt.sub, now, tt.opts...)
		checkAnswer(t, err, tt.want)
	}
	if list, err := f.run("list", now); err != nil || !strings.Contains(list.Content, "You have no reminders in this server") {
		t.Errorf("a refused reminder was stored: %+v, %v", list, err)
	}
	if len(f.queue.jobs) != 0 {
		t.Errorf("refused reminders queued %d jobs", len(f.queue.jobs))
	}
}

func TestReminderMoveIsSetListedAndTurnedOff(t *testing.T) {
	f := newReminderFixture(t)
	now := inBerlin(6, 10, 9, 5)
	reply, err := f.run("move", now, integer("every", 30), str("from", "09:00"), str("to", "17:00"), str("days", "weekdays"))
	if err != nil {
		t.Fatal(err)
	}
	next := inBerlin(6, 10, 9, 30)
	for _, want := range []string{"every 30 minutes from 09:00 to 17:00, weekdays (Europe/Berlin)", fmt.Sprintf("Next: <t:%d:F>", next.Unix())} {
		if !strings.Contains(reply.Content, want) || !reply.Ephemeral {
			t.Errorf("reply %q lacks %q", reply.Content, want)
		}
	}
	j := f.queue.at(t, MoveReminderJob, next)
	if j.GuildID != "g1" || j.Key != fmt.Sprintf("g1/u1/%d", next.Unix()) {
		t.Errorf("job %+v", j)
	}
	if _, err := f.run("streak", now, str("at", "21:00")); err != nil {
		t.Fatal(err)
	}
	f.queue.jobs = nil // as if the chain's job were lost: list queues the times it shows
	list, err := f.run("list", now)
	if err != nil || !strings.Contains(list.Content, "**Move**") || !strings.Contains(list.Content, "**Streak**: a DM on days that have not counted yet, at 21:00 every day") {
		t.Errorf("list = %+v, %v", list, err)
	}
	f.queue.at(t, MoveReminderJob, next)
	f.queue.at(t, StreakReminderJob, inBerlin(6, 10, 21, 0))
	off, err := f.run("off", now, str("kind", "move"))
	if err != nil || off.Content != "Stopped 1 reminder: no more DMs from it." {
		t.Errorf("off move = %+v, %v", off, err)
	}
	// The job queued before off finds no reminder and sends nothing.
	if out := f.fire(reminders.Move, next, next); !skipped(out, "turned off") || len(f.dms.sent) != 0 {
		t.Errorf("a job of a reminder turned off: %+v, %d DMs", out, len(f.dms.sent))
	}
	if off, _ := f.run("off", now); off.Content != "Stopped 1 reminder: no more DMs from it." {
		t.Errorf("off all = %q", off.Content)
	}
	if off, _ := f.run("off", now); !strings.Contains(off.Content, "nothing changed") {
		t.Errorf("off again = %q", off.Content)
	}
}

// skipped reports whether out is a Skip whose reason contains want.
func skipped(out jobs.Outcome, want string) bool {
	reason, ok := out.Skipped()
	return ok && strings.Contains(reason, want)
}

// TestMoveReminderSendsRotatesAndNeverTwice fires a move reminder's jobs: each DM carries
// a no-equipment exercise with its cautions and the three buttons, the exercises rotate,
// the next slot is queued first, a rerun sends nothing, and a job queued before an edit is
// skipped.
func TestMoveReminderSendsRotatesAndNeverTwice(t *testing.T) {
	f := newReminderFixture(t)
	set := inBerlin(6, 10, 8, 0)
	if _, err := f.run("move", set, integer("every", 20), str("from", "09:00"), str("to", "10:00")); err != nil {
		t.Fatal(err)
	}
	first, second := inBerlin(6, 10, 9, 0), inBerlin(6, 10, 9, 20)
	if out := f.fire(reminders.Move, first, first); !isDone(out) {
		t.Fatalf("first slot: %+v", out)
	}
	if out := f.fire(reminders.Move, first, first.Add(time.Second)); !skipped(out, "already sent") {
		t.Errorf("a rerun of the first slot: %+v", out)
	}
	if out := f.fire(reminders.Move, second, second); !isDone(out) {
		t.Fatalf("second slot: %+v", out)
	}
	if len(f.dms.sent) != 2 || f.dms.to[0] != "u1" {
		t.Fatalf("%d DMs to %v; want 2 to u1", len(f.dms.sent), f.dms.to)
	}
	var names []string
	for _, dm := range f.dms.sent {
		if !strings.HasPrefix(dm.Content, "**Time to move.**") || len(dm.Embeds) != 1 {
			t.Fatalf("DM %+v", dm)
		}
		ex, ok := f.rc.catalog.Exercise(dm.Embeds[0].Title)
		if !ok || len(ex.Equipment) != 0 {
			t.Errorf("DM shows %q, which is not a no-equipment exercise", dm.Embeds[0].Title)
		}
		if !hasField(dm.Embeds[0], "Cautions") {
			t.Errorf("DM of %s shows no cautions", ex.Name)
		}
		names = append(names, ex.Name)
		if got := buttonIDs(dm.Components); strings.Join(got, " ") != "reminder/g1/u1/done reminder/g1/u1/snooze reminder/g1/u1/stop" {
			t.Errorf("buttons %v", got)
		}
	}
	if names[0] == names[1] {
		t.Errorf("the exercise did not rotate: %v", names)
	}
	f.queue.at(t, MoveReminderJob, inBerlin(6, 10, 9, 40)) // queued by the second

	// An edit: the job queued for 09:40 under the old rule is skipped, and the chain joins
	// the new rule's times.
	if _, err := f.run("move", second.Add(time.Minute), integer("every", 45), str("from", "09:00"), str("to", "11:00")); err != nil {
		t.Fatal(err)
	}
	if out := f.fire(reminders.Move, inBerlin(6, 10, 9, 40), inBerlin(6, 10, 9, 40)); !skipped(out, "changed") {
		t.Errorf("the old rule's slot: %+v", out)
	}
	f.queue.at(t, MoveReminderJob, inBerlin(6, 10, 9, 45))
	if len(f.dms.sent) != 2 {
		t.Errorf("%d DMs after the edit", len(f.dms.sent))
	}
}

// TestLateMoveReminderStaysInsideTheWindow: a slot the bot could not send on time is sent
// a little late, but never past the window's end nor long after its time.
func TestLateMoveReminderStaysInsideTheWindow(t *testing.T) {
	f := newReminderFixture(t)
	if _, err := f.run("move", inBerlin(6, 10, 8, 0), integer("every", 30), str("from", "09:00"), str("to", "10:00")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		due, now time.Time
		want     string // "" for sent
	}{
		{"a minute late", inBerlin(6, 10, 9, 0), inBerlin(6, 10, 9, 1), ""},
		{"after the window's end", inBerlin(6, 10, 10, 0), inBerlin(6, 10, 10, 5), "outside the member's active hours"},
		{"long after its time", inBerlin(6, 11, 9, 0), inBerlin(6, 11, 9, 30), "its time had passed"},
	}
	r, err := f.db.Reminder(context.Background(), "g1", "u1", reminders.Move)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		if err := f.rc.queueAt(context.Background(), r, tt.due); err != nil {
			t.Fatal(err)
		}
		out := f.fire(reminders.Move, tt.due, tt.now)
		if tt.want == "" && !isDone(out) || tt.want != "" && !skipped(out, tt.want) {
			t.Errorf("%s: %+v, want %q", tt.name, out, tt.want)
		}
	}
	if len(f.dms.sent) != 1 {
		t.Errorf("%d DMs, want the one a minute late", len(f.dms.sent))
	}
}

func isDone(out jobs.Outcome) bool { _, skip := out.Skipped(); return !skip }

func hasField(e *discordgo.MessageEmbed, name string) bool {
	for _, fl := range e.Fields {
		if fl.Name == name && fl.Value != "" {
			return true
		}
	}
	return false
}

func buttonIDs(rows []discordgo.MessageComponent) []string {
	var ids []string
	for _, row := range rows {
		if r, ok := row.(discordgo.ActionsRow); ok {
			for _, c := range r.Components {
				if b, ok := c.(discordgo.Button); ok {
					ids = append(ids, b.CustomID)
				}
			}
		}
	}
	return ids
}

// TestStreakReminderOnlyWhileTheDayHasNotCounted: a member with a streak whose day has not
// counted gets one DM at their time, saying when the streak ends; once a day counts, or for
// a member with no streak, nothing; never a second DM the same day.
func TestStreakReminderOnlyWhileTheDayHasNotCounted(t *testing.T) {
	ctx := context.Background()
	f := newReminderFixture(t)
	for d := 3; d >= 1; d-- { // three counted days up to yesterday
		at := inBerlin(6, 10-d, 12, 0)
		if _, err := f.db.CreditActivity(ctx, "g1", []storage.ActivityCredit{{UserID: "u1", Name: "Ann", Source: storage.SourceSolo}}, at); err != nil {
			t.Fatal(err)
		}
	}
	set := inBerlin(6, 10, 8, 0)
	if _, err := f.run("streak", set, str("at", "21:00")); err != nil {
		t.Fatal(err)
	}
	nine := inBerlin(6, 10, 21, 0)
	if out := f.fire(reminders.Streak, nine, nine); !isDone(out) || len(f.dms.sent) != 1 {
		t.Fatalf("%+v, %d DMs", out, len(f.dms.sent))
	}
	end := inBerlin(6, 11, 0, 0)
	if want := fmt.Sprintf("Your 3-day streak ends <t:%d:R>", end.Unix()); !strings.HasPrefix(f.dms.sent[0].Content, want) {
		t.Errorf("DM %q, want it to start %q", f.dms.sent[0].Content, want)
	}
	if out := f.fire(reminders.Streak, nine, nine.Add(time.Minute)); !skipped(out, "already sent") {
		t.Errorf("a rerun the same day: %+v", out)
	}
	// The next day counts by evening: nothing.
	tomorrow := nine.AddDate(0, 0, 1)
	if _, err := f.db.CreditActivity(ctx, "g1", []storage.ActivityCredit{{UserID: "u1", Name: "Ann", Source: storage.SourceSolo}}, tomorrow.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if out := f.fire(reminders.Streak, tomorrow, tomorrow); !skipped(out, "already counts") {
		t.Errorf("a day that counts: %+v", out)
	}
	// A member with no streak at all gets nothing.
	none, err := reminders.ParseStreak("21:00")
	if err != nil {
		t.Fatal(err)
	}
	none.GuildID, none.UserID = "g1", "u2"
	if err := f.db.SetReminder(ctx, none); err != nil {
		t.Fatal(err)
	}
	if err := f.rc.queueAt(ctx, none, nine); err != nil {
		t.Fatal(err)
	}
	job := f.queue.at(t, StreakReminderJob, nine) // u1's, already run
	for _, j := range f.queue.jobs {
		if strings.HasPrefix(j.Key, "g1/u2/") {
			job = j
		}
	}
	out, err := f.rc.Handler(reminders.Streak, func() time.Time { return nine })(ctx, job)
	if err != nil || !skipped(out, "no streak") || len(f.dms.sent) != 1 {
		t.Errorf("a member with no streak: %+v, %v, %d DMs", out, err, len(f.dms.sent))
	}
}

// TestClosedDMsSkipWithoutRetryAndKeepTheChain: a refused DM is skipped, not retried, and
// the next slot is still queued.
func TestClosedDMsSkipWithoutRetryAndKeepTheChain(t *testing.T) {
	f := newReminderFixture(t)
	f.dms.refuse = fmt.Errorf("discord: 50007: %w", guild.ErrDMsClosed)
	if _, err := f.run("move", inBerlin(6, 10, 8, 0), integer("every", 30), str("from", "09:00"), str("to", "10:00")); err != nil {
		t.Fatal(err)
	}
	due := inBerlin(6, 10, 9, 0)
	if out := f.fire(reminders.Move, due, due); !skipped(out, "DMs are closed") {
		t.Errorf("closed DMs: %+v", out)
	}
	f.queue.at(t, MoveReminderJob, due.Add(30*time.Minute))

	// Another failure is retried, and the claim is released so the retry can send.
	f.dms.refuse = errors.New("discord is down")
	next := due.Add(30 * time.Minute)
	if _, err := f.rc.Handler(reminders.Move, func() time.Time { return next })(context.Background(), f.queue.at(t, MoveReminderJob, next)); err == nil {
		t.Fatal("a failed DM was not retried")
	}
	f.dms.refuse = nil
	if out := f.fire(reminders.Move, next, next.Add(time.Minute)); !isDone(out) || len(f.dms.sent) != 1 {
		t.Errorf("the retry: %+v, %d DMs", out, len(f.dms.sent))
	}
}

// TestReminderButtonsBelongToTheirMember: only the reminder's member, in a DM, can press
// its buttons; Done logs in the reminder's server only; Snooze and Stop move its times.
func TestReminderButtonsBelongToTheirMember(t *testing.T) {
	ctx := context.Background()
	f := newReminderFixture(t)
	now := inBerlin(6, 10, 9, 2)
	if _, err := f.run("move", now, integer("every", 30), str("from", "09:00"), str("to", "17:00")); err != nil {
		t.Fatal(err)
	}
	ann, mallory := Member{ID: "u1", Name: "Ann"}, Member{ID: "u9", Name: "Mallory"}
	refusals := []struct {
		name            string
		guildID, userID string
		by              Member
		from            string
	}{
		{"another member", "g1", "u1", mallory, ""},
		{"another member naming themself", "g1", "u9", ann, ""},
		{"from a server", "g1", "u1", ann, "g1"},
	}
	for _, r := range refusals {
		for _, p := range []string{reminderDonePattern, reminderSnoozePattern, reminderStopPattern} {
			if _, err := f.click(p, r.guildID, r.userID, r.by, r.from, now); err == nil {
				t.Errorf("%s pressed %s", r.name, p)
			}
		}
	}
	// Mallory's own button naming a server where she keeps no reminder logs nothing there.
	if _, err := f.click(reminderDonePattern, "g1", "u9", mallory, "", now); err == nil || !strings.Contains(err.Error(), "refused") && !strings.Contains(err.Error(), "off") {
		t.Errorf("a Done without a reminder: %v", err)
	}
	if v, _ := f.db.StreakOf(ctx, "g1", "u9", now); v.Status.TodayDone {
		t.Error("a refused click logged practice")
	}

	done, err := f.click(reminderDonePattern, "g1", "u1", ann, "", now)
	if err != nil || !strings.Contains(done.Content, "Ann logged solo practice") {
		t.Fatalf("Done = %+v, %v", done, err)
	}
	if v, _ := f.db.StreakOf(ctx, "g1", "u1", now); !v.Status.TodayDone {
		t.Error("Done did not log the day in the reminder's server")
	}
	if v, _ := f.db.StreakOf(ctx, "g2", "u1", now); v.Status.TodayDone {
		t.Error("Done logged in another server")
	}

	snooze, err := f.click(reminderSnoozePattern, "g1", "u1", ann, "", now)
	until := now.Add(reminders.SnoozeFor)
	if err != nil || snooze.Content != fmt.Sprintf("Snoozed: I'll remind you again <t:%d:R>.", until.Unix()) {
		t.Fatalf("Snooze = %+v, %v", snooze, err)
	}
	f.queue.at(t, MoveReminderJob, until)
	if out := f.fire(reminders.Move, until, until); !isDone(out) {
		t.Errorf("the snoozed reminder: %+v", out)
	}
	stop, err := f.click(reminderStopPattern, "g1", "u1", ann, "", until)
	tomorrow := inBerlin(6, 11, 9, 0)
	if err != nil || !strings.Contains(stop.Content, fmt.Sprintf("<t:%d:F>", tomorrow.Unix())) {
		t.Fatalf("Stop = %+v, %v", stop, err)
	}
	if out := f.fire(reminders.Move, inBerlin(6, 10, 9, 30), until); !skipped(out, "changed") {
		t.Errorf("a slot of a day stopped: %+v", out)
	}
	f.queue.at(t, MoveReminderJob, tomorrow)

	// Turned off, the buttons of its old DMs do nothing.
	if _, err := f.run("off", until); err != nil {
		t.Fatal(err)
	}
	if _, err := f.click(reminderSnoozePattern, "g1", "u1", ann, "", until); err == nil || !strings.Contains(err.Error(), "reminder is off") {
		t.Errorf("Snooze of a reminder turned off: %v", err)
	}
}
