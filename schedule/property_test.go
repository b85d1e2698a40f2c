package schedule

import (
	"math/rand/v2"
	"testing"
	"time"
)

// testZones spans UTC−11 to UTC+14, both hemispheres' DST, 30- and 45-minute offsets and
// shifts, and zones whose clocks move at midnight.
var testZones = []string{
	"UTC",
	"Pacific/Pago_Pago",   // −11
	"Pacific/Honolulu",    // −10
	"America/Los_Angeles", // DST
	"America/New_York",    // DST
	"America/St_Johns",    // −03:30 / −02:30
	"America/Santiago",    // DST at midnight, southern
	"America/Havana",      // DST at midnight
	"Europe/London",
	"Europe/Berlin",
	"Asia/Beirut", // DST at midnight
	"Asia/Tehran",
	"Asia/Kolkata",
	"Asia/Kathmandu",
	"Asia/Tokyo",
	"Australia/Eucla",
	"Australia/Adelaide",  // +09:30 / +10:30
	"Australia/Sydney",    // DST, southern
	"Australia/Lord_Howe", // 30-minute shift
	"Pacific/Auckland",
	"Pacific/Chatham",    // +12:45 / +13:45
	"Pacific/Apia",       // skipped 2011-12-30
	"Pacific/Kiritimati", // +14
}

// propertyTimes include times in or next to every gap and overlap of the test zones.
var propertyTimes = []LocalTime{{0, 0}, {0, 30}, {1, 0}, {1, 30}, {1, 45}, {2, 0}, {2, 15}, {2, 30}, {2, 45}, {3, 0}, {3, 30}, {12, 0}, {15, 0}, {23, 30}, {23, 59}}

// wallBefore reports whether the wall clock reading w is earlier than at on date (y, m, d),
// to the minute.
func wallBefore(w time.Time, y int, m time.Month, d int, at LocalTime) bool {
	wy, wm, wd := w.Date()
	if wy != y || wm != m || wd != d {
		return time.Date(wy, wm, wd, 0, 0, 0, 0, time.UTC).Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	}
	return w.Hour()*60+w.Minute() < at.Hour*60+at.Minute
}

// checkOccurrence asserts what every occurrence is: after after, on one of the rule's
// days, and at the rule's local time or, on a day the zone skips that time, at the end of
// the gap: the instant of a transition, with the clock just before it earlier than At.
func checkOccurrence(t testing.TB, r Rule, after, occ time.Time) {
	t.Helper()
	if !occ.After(after) {
		t.Fatalf("%v: Next(%v) = %v, not after it", r, after, occ)
	}
	w := occ.In(r.Zone)
	if !r.Days.Has(w.Weekday()) {
		t.Fatalf("%v: Next(%v) = %v, a %v", r, after, w, w.Weekday())
	}
	if w.Hour() == r.At.Hour && w.Minute() == r.At.Minute && w.Second() == 0 && w.Nanosecond() == 0 {
		return
	}
	y, m, d := w.Date()
	start, _ := w.ZoneBounds()
	if !start.Equal(occ) || wallBefore(w, y, m, d, r.At) || !wallBefore(occ.Add(-time.Second).In(r.Zone), y, m, d, r.At) {
		t.Fatalf("%v: Next(%v) = %v, neither %v nor the end of a gap over it", r, after, w, r.At)
	}
}

// A year of daily occurrences in every zone is one per local day, at the same local time
// (or the end of the gap on the one day a year that skips it), strictly increasing.
func TestDailyYearNoDrift(t *testing.T) {
	for _, zone := range testZones {
		loc := mustZone(t, zone)
		for _, at := range propertyTimes {
			r := Rule{At: at, Days: Daily, Zone: loc}
			start := time.Date(2024, 12, 31, 23, 59, 0, 0, loc) // 2025 has no skipped day anywhere
			occs := r.NextN(start, 365)
			prev := start
			gaps := 0
			for i, occ := range occs {
				checkOccurrence(t, r, prev, occ)
				w := occ.In(loc)
				if y, m, d := w.Date(); y != 2025 || time.Date(y, m, d, 0, 0, 0, 0, time.UTC).YearDay() != i+1 {
					t.Fatalf("%v: occurrence %d on %v, want day %d of 2025", r, i, w, i+1)
				}
				if w.Hour() != at.Hour || w.Minute() != at.Minute {
					gaps++
				}
				prev = occ
			}
			if gaps > 1 {
				t.Errorf("%v: %d occurrences off the local time in 2025, want at most the one gap day", r, gaps)
			}
		}
	}
}

// oracleNext is Next done the slow way: walk the instants minute by minute and fire each
// date of the rule's days the first time its wall clock reads At or later. It assumes
// whole-minute offsets and transitions, true of every zone since the 1970s.
func oracleNext(r Rule, after time.Time) time.Time {
	type date struct {
		y int
		m time.Month
		d int
	}
	fired := map[date]bool{}
	at := r.At.Hour*60 + r.At.Minute
	end := after.Add(18 * 24 * time.Hour)
	for m := after.Add(-48 * time.Hour).Truncate(time.Minute); m.Before(end); m = m.Add(time.Minute) {
		w := m.In(r.Zone)
		y, mo, d := w.Date()
		k := date{y, mo, d}
		if fired[k] || !r.Days.Has(w.Weekday()) || w.Hour()*60+w.Minute() < at {
			continue
		}
		fired[k] = true
		if m.After(after) {
			return m
		}
	}
	return time.Time{}
}

// Next agrees with the minute-by-minute oracle, around every transition of the test zones
// and at random instants.
func TestNextMatchesOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	for _, zone := range testZones {
		loc := mustZone(t, zone)
		// The transitions of 2024–2026, and random instants of 2000–2037.
		var instants []time.Time
		for tr := time.Date(2024, 1, 1, 0, 0, 0, 0, loc); tr.Year() < 2027; {
			_, end := tr.ZoneBounds()
			if end.IsZero() {
				break
			}
			instants = append(instants, end.Add(-90*time.Minute), end.Add(-time.Minute), end, end.Add(30*time.Minute))
			tr = end
		}
		for range 4 {
			instants = append(instants, time.Unix(946684800+rng.Int64N(38*365*86400), 0))
		}
		for _, after := range instants {
			at := propertyTimes[rng.IntN(len(propertyTimes))]
			days := Days(rng.IntN(int(Daily)) + 1)
			r := Rule{At: at, Days: days, Zone: loc}
			if got, want := r.Next(after), oracleNext(r, after); !got.Equal(want) {
				t.Errorf("%v: Next(%v) = %v, oracle %v", r, after.In(loc), got, want.In(loc))
			}
		}
	}
}
