package streak

import (
	"fmt"
	"time"
)

// secondsPerDay is the length of a civil day in Unix time, which has no leap seconds.
const secondsPerDay = 24 * 60 * 60

// dayLayout is how a Day is written, and how SQLite stores it.
const dayLayout = "2006-01-02"

// Day is a civil date, counted in days since 1970-01-01. Days subtract to a number of
// days, and Day(0) is 1970-01-01, not "no day".
type Day int32

// Date returns the Day of a calendar date; out-of-range values normalise like time.Date
// (February 30 is March 1 or 2).
func Date(year int, month time.Month, day int) Day {
	return Day(time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

// ParseDay parses "YYYY-MM-DD", the form String writes.
func ParseDay(s string) (Day, error) {
	t, err := time.Parse(dayLayout, s)
	if err != nil {
		return 0, fmt.Errorf("parse day %q: %w", s, err)
	}
	return Date(t.Date()), nil
}

// String returns the day as "YYYY-MM-DD".
func (d Day) String() string { return d.utcMidnight().Format(dayLayout) }

// AddDays returns the day n days later (earlier for negative n).
func (d Day) AddDays(n int) Day { return d + Day(n) }

// Date returns the calendar date of the day.
func (d Day) Date() (year int, month time.Month, day int) { return d.utcMidnight().Date() }

// Weekday returns the day of the week.
func (d Day) Weekday() time.Weekday { return d.utcMidnight().Weekday() }

// utcMidnight is the day as a time, for the calendar arithmetic of the time package only:
// a member's day starts at DayStart, not here.
func (d Day) utcMidnight() time.Time {
	return time.Unix(int64(d)*secondsPerDay, 0).UTC()
}
