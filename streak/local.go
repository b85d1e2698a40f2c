package streak

import (
	"errors"
	"fmt"
	"time"

	"github.com/stretchbot/stretchbot/clock"
)

// LocalDay returns the local day that instant t belongs to in loc, with days starting at
// dayStartHour (0–23) local time: the Day D with DayStart(D) <= t < DayEnd(D).
// loc must not be nil.
func LocalDay(t time.Time, loc *time.Location, dayStartHour int) Day {
	d := wallDay(t.In(loc), dayStartHour)
	// The wall clock is only a first guess: in an overlap it runs back across the
	// day-start hour, and in a gap it skips past it; the day boundaries decide.
	for t.Before(DayStart(d, loc, dayStartHour)) {
		d--
	}
	for !t.Before(DayEnd(d, loc, dayStartHour)) {
		d++
	}
	return d
}

// wallDay is the date on the wall clock, moved back a day before the day-start hour.
func wallDay(wall time.Time, dayStartHour int) Day {
	d := Date(wall.Date())
	if wall.Hour() < dayStartHour {
		d--
	}
	return d
}

// DayEnd returns the instant day ends in loc with the given day-start hour: the start of
// the next day. Use it for "time left today".
func DayEnd(day Day, loc *time.Location, dayStartHour int) time.Time {
	return DayStart(day+1, loc, dayStartHour)
}

// DayStart returns the first instant at which the clock in loc reads day at dayStartHour:00
// or later. In a DST gap that is the transition itself; in an overlap, the first pass.
// A day a zone skipped entirely (Pacific/Apia, 2011-12-30) starts where it ends.
// Unlike time.Date, which may resolve a wall time in a gap to an instant before it, the
// result never reads earlier than the day-start hour.
func DayStart(day Day, loc *time.Location, dayStartHour int) time.Time {
	t, _ := clock.FirstReading(int64(day)*secondsPerDay+int64(dayStartHour)*60*60, loc)
	return t
}

// ResolveZone returns the zone a member's days are counted in: the member's zone, else the
// server's, else fallback (the configured default); an empty name means "not set". A set
// name that does not load (for instance one dropped from the time zone database since it
// was stored) is skipped so the member keeps a working zone; the error, returned only when
// no set name loads, lists each failure. No names at all means UTC. "Local" is refused:
// the bot host's zone is nobody's local time.
func ResolveZone(member, server, fallback string) (*time.Location, error) {
	var errs []error
	for _, name := range []string{member, server, fallback} {
		if name == "" {
			continue
		}
		loc, err := loadZone(name)
		if err == nil {
			return loc, nil
		}
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return time.UTC, nil
}

// loadZone loads an IANA zone name.
func loadZone(name string) (*time.Location, error) {
	if name == "Local" {
		return nil, fmt.Errorf("time zone %q: not an IANA zone name", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	return loc, nil
}
