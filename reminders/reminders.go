// Package reminders holds the rules of a member's personal reminders: when a move reminder
// ("time to move", every N minutes during the member's active hours) and a streak reminder
// (once a day, at a local time, while the day has not counted) fall due. It is pure: no
// storage, no Discord; commands store a Reminder and queue its next time as a job.
//
// Every time is computed from local wall times in the member's zone, never by adding 24 h
// or N minutes to an instant across days, so daylight-saving changes cannot make a
// reminder drift: a wall time the zone skips (spring forward) falls on the first instant
// after the gap, a wall time it repeats (fall back) on its first pass, once.
//
// # Decisions
//
//   - A move window ends on the day it starts (To after From): active hours across midnight
//     would belong to two dates and two sets of days. A night owl sets To to 23:59.
//   - The member's active hours are their move window; a streak reminder's At is a time the
//     member chose, and so within their active hours by their own choice.
//   - Quiet rules: move DMs of the rhythm at least MinEvery apart; the Snooze the member
//     pressed is their own request and comes SnoozeFor after the press, never outside the
//     window (else at the next active day's first slot); at most one streak DM a local day.
//   - A streak reminder says nothing on a day that already counts, nor to a member with no
//     streak (0 days): there is nothing to lose.
package reminders

import (
	"errors"
	"fmt"
	"time"

	"github.com/stretchbot/stretchbot/schedule"
)

// Kind is what a reminder reminds of.
type Kind string

// The kinds of reminder; a member keeps at most one of each per server.
const (
	Move   Kind = "move"
	Streak Kind = "streak"
)

// Limits of a move reminder.
const (
	// MinEvery and MaxEvery bound a move reminder's step. MinEvery is also the quiet
	// rule: two move DMs of the reminder's own rhythm are never closer than MinEvery.
	MinEvery = 20 * time.Minute
	MaxEvery = 120 * time.Minute
	// SnoozeFor is how long the Snooze button puts the reminder off.
	SnoozeFor = 10 * time.Minute
)

// ErrNotFound is returned when a member has no reminder of the kind asked for.
var ErrNotFound = errors.New("no such reminder")

// Reminder is one member's reminder of one kind in one server, as stored. The rule fields
// are those of its Kind: Every, From, To and Days for Move; At for Streak. The zone is not
// stored: it is the member's zone when the reminder falls due (member, else server, else
// the default), so a /timezone change moves the reminder with the member.
type Reminder struct {
	GuildID, UserID string
	Kind            Kind

	Every    time.Duration
	From, To schedule.LocalTime
	Days     schedule.Days
	At       schedule.LocalTime

	// SnoozedUntil is a single extra move DM the member asked for (Snooze); zero for none.
	SnoozedUntil time.Time
	// PausedUntil drops the move slots before it (Stop for today); zero for none.
	PausedUntil time.Time
	// LastSent is the due time of the last DM sent, Sent how many were sent (it rotates
	// the exercises), SentDay the member's local day ("2026-03-01") of the last streak DM.
	LastSent time.Time
	Sent     int
	SentDay  string
}

// Window is a move reminder's rule: on Days, slots at From, From+Every, … up to and
// including To, local time in Zone (nil means UTC). To is after From on the same day: a
// window across midnight is refused (ParseMove), since "a day's active hours" would then
// belong to two dates; a member who is active past midnight sets it to end at 23:59.
type Window struct {
	Every    time.Duration
	From, To schedule.LocalTime
	Days     schedule.Days
	Zone     *time.Location
}

// ParseMove reads /reminders move's options into a Reminder of kind Move (without its
// member and server). Its error is one sentence that names the option to fix.
func ParseMove(everyMinutes int64, from, to, days string) (Reminder, error) {
	r := Reminder{Kind: Move, Every: time.Duration(everyMinutes) * time.Minute, Days: schedule.Daily}
	if r.Every < MinEvery || r.Every > MaxEvery {
		return Reminder{}, fmt.Errorf("every: a move reminder comes every %d to %d minutes; %d is outside that.",
			int(MinEvery/time.Minute), int(MaxEvery/time.Minute), everyMinutes)
	}
	var err error
	if r.From, err = schedule.ParseLocalTime(from); err != nil {
		return Reminder{}, fmt.Errorf("from: %w", err)
	}
	if r.To, err = schedule.ParseLocalTime(to); err != nil {
		return Reminder{}, fmt.Errorf("to: %w", err)
	}
	if wall(r.To) <= wall(r.From) {
		return Reminder{}, fmt.Errorf("to: the window ends on the day it starts, so to must be after from; %s is not after %s.",
			r.To, r.From)
	}
	if days != "" {
		if r.Days, err = schedule.ParseDays(days); err != nil {
			return Reminder{}, fmt.Errorf("days: %w", err)
		}
	}
	return r, nil
}

// ParseStreak reads /reminders streak's at option into a Reminder of kind Streak.
func ParseStreak(at string) (Reminder, error) {
	t, err := schedule.ParseLocalTime(at)
	if err != nil {
		return Reminder{}, fmt.Errorf("at: %w", err)
	}
	return Reminder{Kind: Streak, At: t, Days: schedule.Daily}, nil
}

// Window is the move rule of r in zone.
func (r Reminder) Window(zone *time.Location) Window {
	return Window{Every: r.Every, From: r.From, To: r.To, Days: r.Days, Zone: zone}
}

// StreakRule is the streak reminder's rule: At every day in zone.
func (r Reminder) StreakRule(zone *time.Location) schedule.Rule {
	return schedule.Rule{At: r.At, Days: schedule.Daily, Zone: zone}
}

// Next is the reminder's first due time strictly after after, in zone: for Streak the next
// At; for Move the next slot not before PausedUntil, or SnoozedUntil if it comes first.
func (r Reminder) Next(zone *time.Location, after time.Time) time.Time {
	if r.Kind == Streak {
		return r.StreakRule(zone).Next(after)
	}
	from := after
	if r.PausedUntil.After(from) {
		from = r.PausedUntil.Add(-time.Nanosecond)
	}
	next := r.Window(zone).Next(from)
	if r.SnoozedUntil.After(after) && (next.IsZero() || r.SnoozedUntil.Before(next)) {
		return r.SnoozedUntil
	}
	return next
}

// Due reports whether t is a due time of the reminder as it is now, in zone: a job queued
// for t before the reminder was changed, paused or moved to another zone is not.
func (r Reminder) Due(zone *time.Location, t time.Time) bool {
	if r.Kind == Move && t.Equal(r.SnoozedUntil) {
		return true
	}
	return r.Next(zone, t.Add(-time.Nanosecond)).Equal(t)
}

// String says the reminder in words: "every 30 minutes from 09:00 to 17:00 on weekdays",
// "at 21:00 every day".
func (r Reminder) String() string {
	if r.Kind == Streak {
		return fmt.Sprintf("at %s every day", r.At)
	}
	return fmt.Sprintf("every %d minutes from %s to %s, %s", int(r.Every/time.Minute), r.From, r.To, r.Days)
}
