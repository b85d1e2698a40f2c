package schedule

import (
	"errors"
	"fmt"
	"time"

	"github.com/stretchbot/stretchbot/clock"
)

// secondsPerDay is the length of a civil day in Unix time, which has no leap seconds.
const secondsPerDay = 24 * 60 * 60

// Rule is a recurring time: At local time on Days, in Zone. A nil Zone means UTC.
type Rule struct {
	At   LocalTime
	Days Days
	Zone *time.Location
}

// Validate reports, in one sentence, why the rule can never occur or is malformed.
func (r Rule) Validate() error {
	if !r.At.Valid() {
		return fmt.Errorf("Times are HH:MM on a 24-hour clock; %02d:%02d is not one.", r.At.Hour, r.At.Minute)
	}
	if r.Days&Daily == 0 {
		return errors.New("A schedule needs at least one day.")
	}
	return nil
}

// String describes the rule in words: "weekdays at 15:00 (Europe/Berlin)",
// "Monday, Wednesday and Friday at 07:30 (UTC)".
func (r Rule) String() string {
	return fmt.Sprintf("%s at %s (%s)", r.Days, r.At, r.zone())
}

func (r Rule) zone() *time.Location {
	if r.Zone == nil {
		return time.UTC
	}
	return r.Zone
}

// maxDaysAhead bounds the search for the next occurrence: a week, plus room for a date the
// zone skips and for starting a day early.
const maxDaysAhead = 16

// Next returns the first occurrence strictly after after, in the rule's zone. An
// occurrence exactly at after is not returned: Next(occurrence) is the one following it,
// so repeated calls walk the occurrences in order. A rule with no days never occurs: Next
// returns the zero Time.
func (r Rule) Next(after time.Time) time.Time {
	if r.Days&Daily == 0 {
		return time.Time{}
	}
	loc := r.zone()
	y, m, d := after.In(loc).Date()
	// Start a day early: the wall clock of after may have been set back past midnight by a
	// fall-back transition, and the date it reads then is not the first one to try.
	day := floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), secondsPerDay) - 1
	for range maxDaysAhead {
		if r.Days.Has(weekdayOf(day)) {
			if t, ok := occurrence(day, r.At, loc); ok && t.After(after) {
				return t
			}
		}
		day++
	}
	return time.Time{} // unreachable for a rule with days: some weekday recurs within the bound
}

// NextN returns the first n occurrences strictly after after, in order (nil for a rule
// with no days or n <= 0).
func (r Rule) NextN(after time.Time, n int) []time.Time {
	if n <= 0 || r.Days&Daily == 0 {
		return nil
	}
	out := make([]time.Time, 0, n)
	for range n {
		after = r.Next(after)
		out = append(out, after)
	}
	return out
}

// weekdayOf returns the weekday of a civil date counted in days since 1970-01-01, a Thursday.
func weekdayOf(day int64) time.Weekday {
	return time.Weekday(((day+4)%7 + 7) % 7)
}

// occurrence returns the occurrence of at on the civil date day in loc: the first instant
// at which loc's wall clock reads that date at that time or later (clock.FirstReading). It
// reports false when that instant no longer reads that date (the zone skips the rest of
// the day).
func occurrence(day int64, at LocalTime, loc *time.Location) (time.Time, bool) {
	t, offset := clock.FirstReading(day*secondsPerDay+at.seconds(), loc)
	return t, floorDiv(t.Unix()+int64(offset), secondsPerDay) == day
}

// floorDiv is a/b rounded down, for instants before 1970.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
