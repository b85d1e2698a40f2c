package schedule

import (
	"testing"
	"time"
)

// FuzzRuleNext: for any zone of testZones, instant of 1990–2089, days and local time, Next
// is after the instant, on one of the days, at the local time or (on a day that skips it)
// the end of the gap, and it is the occurrence the minute-by-minute oracle finds.
//
//	go test ./schedule -run '^$' -fuzz FuzzRuleNext -fuzztime 60s
func FuzzRuleNext(f *testing.F) {
	f.Add(uint8(4), int64(1741501800), uint8(Daily), uint8(2), uint8(30))    // New York, 2025-03-09 02:30 gap
	f.Add(uint8(4), int64(1762061400), uint8(Daily), uint8(1), uint8(30))    // New York, 2025-11-02 01:30 twice
	f.Add(uint8(18), int64(1759590000), uint8(Daily), uint8(2), uint8(15))   // Lord Howe, 30-minute gap
	f.Add(uint8(20), int64(1759000000), uint8(Weekdays), uint8(3), uint8(0)) // Chatham, spring
	f.Add(uint8(21), int64(1325152800), uint8(1<<time.Friday), uint8(15), uint8(0))
	f.Add(uint8(6), int64(1757217600), uint8(Weekends), uint8(0), uint8(30)) // Santiago, midnight gap
	f.Fuzz(func(t *testing.T, zone uint8, sec int64, days, hour, minute uint8) {
		const from, span = 631152000, 100 * 365 * 86400 // 1990-01-01, a century
		sec = from + ((sec%span)+span)%span
		d := Days(days) & Daily
		if d == 0 {
			d = Daily
		}
		r := Rule{
			At:   LocalTime{int(hour % 24), int(minute % 60)},
			Days: d,
			Zone: mustZone(t, testZones[int(zone)%len(testZones)]),
		}
		after := time.Unix(sec, int64(minute)*1e7)
		got := r.Next(after)
		checkOccurrence(t, r, after, got)
		if want := oracleNext(r, after); !got.Equal(want) {
			t.Fatalf("%v: Next(%v) = %v, oracle %v", r, after.In(r.Zone), got, want.In(r.Zone))
		}
	})
}
