package streak

import "time"

// MaxTravelGap is the most calendar days one credit can bridge: zone offsets span 26 hours
// (UTC−12 to UTC+14), so a move east jumps over at most two dates.
const MaxTravelGap = 2

// Credit is one entry of the activity log as the streak rules see it.
type Credit struct {
	// Day is the local day the credit counts for.
	Day Day
	// Bridged marks a credit made after a move east jumped the member's date over the
	// days between the previous counted day and Day: those days are neither counted nor
	// missed. The log must keep this flag for recomputation to agree.
	Bridged bool
}

// NewCredit returns the log entry for a credit at instant now, for a member whose zone is
// loc, on a server whose days start at dayStartHour. last is the member's last counted
// day and lastLoc the zone of their most recent credit (even one that counted for a day
// already counted); lastLoc nil means the member has no credit yet.
//
// The day is fixed here, in the zone of this moment, and never goes back before last: a
// member who moved west so that today is on or before last is credited for last again,
// which counts once. A member who moved east so that today is two or more days after last
// keeps the streak if the day after last (skipping days their old zone never had) is
// still running in lastLoc: the credit counts for today and bridges the days in between.
//
// The same call at the moment of a status read gives the Credit to pass to Summary.At.
func NewCredit(now time.Time, loc *time.Location, dayStartHour int, last Day, lastLoc *time.Location) Credit {
	today := LocalDay(now, loc, dayStartHour)
	if lastLoc == nil {
		return Credit{Day: today}
	}
	if today <= last {
		return Credit{Day: last}
	}
	bridged := today > last+1 && now.Before(travelDeadline(last, lastLoc, dayStartHour))
	return Credit{Day: today, Bridged: bridged}
}

// travelDeadline is the end of the first day after last that loc actually had: until
// then, the member has not missed a day in the zone they last stretched in.
func travelDeadline(last Day, loc *time.Location, dayStartHour int) time.Time {
	next := last + 1
	for i := 0; i < MaxTravelGap && hasNoTime(next, loc, dayStartHour); i++ {
		next++
	}
	return DayEnd(next, loc, dayStartHour)
}

// hasNoTime reports whether loc skipped day entirely (a zone moving across the date line).
func hasNoTime(day Day, loc *time.Location, dayStartHour int) bool {
	return DayStart(day, loc, dayStartHour).Equal(DayEnd(day, loc, dayStartHour))
}
