package schedule

import (
	"testing"
	"time"
)

// BenchmarkNext is one call of Next, over a spread of rules and instants: daily (the
// occurrence is today or tomorrow) and a single weekday (up to a week of dates to try).
func BenchmarkNext(b *testing.B) {
	cases := []struct {
		name string
		rule Rule
	}{
		{"daily/Europe/Berlin", Rule{At: LocalTime{15, 0}, Days: Daily, Zone: mustZone(b, "Europe/Berlin")}},
		{"weekdays/America/New_York", Rule{At: LocalTime{2, 30}, Days: Weekdays, Zone: mustZone(b, "America/New_York")}},
		{"mon/Pacific/Chatham", Rule{At: LocalTime{7, 0}, Days: DaysOf(time.Monday), Zone: mustZone(b, "Pacific/Chatham")}},
		{"daily/UTC", Rule{At: LocalTime{15, 0}, Days: Daily}},
	}
	instants := make([]time.Time, 1024)
	for i := range instants {
		instants[i] = time.Unix(1735689600+int64(i)*30817, 0) // 2025, about every 8.5 hours
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c.rule.Next(instants[i&1023])
				i++
			}
		})
	}
}
