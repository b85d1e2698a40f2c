package reminders

import (
	"time"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/schedule"
)

// secondsPerDay is a civil day in Unix time, which has no leap seconds.
const secondsPerDay = 24 * 60 * 60

// maxDaysAhead bounds the search for the next slot: a week, plus a day started early and
// room for dates a zone skips.
const maxDaysAhead = 16

// wall is t as seconds after midnight.
func wall(t schedule.LocalTime) int64 { return int64(t.Hour)*3600 + int64(t.Minute)*60 }

func (w Window) zone() *time.Location {
	if w.Zone == nil {
		return time.UTC
	}
	return w.Zone
}

// Next returns the first slot strictly after after; the zero Time for a window with no
// days or no step. Slots are wall times: each active day's From, From+Every, … while they
// read no later than To. A slot the zone skips falls on the gap's end if that still reads
// within the window (else it is dropped: never outside the window); slots that land on the
// same instant count once; a repeated wall time counts on its first pass.
func (w Window) Next(after time.Time) time.Time {
	if w.Days&schedule.Daily == 0 || w.Every <= 0 {
		return time.Time{}
	}
	loc := w.zone()
	y, m, d := after.In(loc).Date()
	// Start a day early: after a fall back, the wall clock may read the previous date.
	for i := -1; i < maxDaysAhead; i++ {
		date := time.Date(y, m, d+i, 0, 0, 0, 0, time.UTC)
		if !w.Days.Has(date.Weekday()) {
			continue
		}
		if t, ok := w.slotAfter(date.Unix(), after); ok {
			return t
		}
	}
	return time.Time{}
}

// slotAfter returns the first slot of the civil day starting at midnight (Unix seconds of
// that date's midnight as if UTC) that is after after.
func (w Window) slotAfter(midnight int64, after time.Time) (time.Time, bool) {
	step, last := int64(w.Every/time.Second), midnight+wall(w.To)
	for s := midnight + wall(w.From); s <= last; s += step {
		t, offset := clock.FirstReading(s, w.zone())
		if t.Unix()+int64(offset) > last {
			return time.Time{}, false // a gap swallowed the rest of the window
		}
		if t.After(after) {
			return t, true
		}
	}
	return time.Time{}, false
}

// Within reports whether t reads inside the window on an active day, to the minute: From
// to To, both included, so all of To's minute is inside (a DM for a slot at To that is a
// few seconds late is still within the member's hours).
func (w Window) Within(t time.Time) bool {
	local := t.In(w.zone())
	s := int64(local.Hour())*3600 + int64(local.Minute())*60
	return w.Days.Has(local.Weekday()) && s >= wall(w.From) && s <= wall(w.To)
}

// Snooze is when the Snooze button pressed at now reminds again: SnoozeFor later if that
// is still within the window, else the next slot after it (the next active day's first).
func (w Window) Snooze(now time.Time) time.Time {
	if t := now.Add(SnoozeFor); w.Within(t) {
		return t
	}
	return w.Next(now.Add(SnoozeFor))
}

// StopForToday is the first slot of the next active day after now's local date.
func (w Window) StopForToday(now time.Time) time.Time {
	y, m, d := now.In(w.zone()).Date()
	tomorrow, _ := clock.FirstReading(time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC).Unix(), w.zone())
	return w.Next(tomorrow.Add(-time.Nanosecond))
}
