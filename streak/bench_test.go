package streak

import (
	"fmt"
	"testing"
	"time"
)

// benchLog is n counted days with a missed day every 10th day, so freezes are used.
func benchLog(n int) []Credit {
	log := make([]Credit, 0, n)
	for d := Date(2020, 1, 1); len(log) < n; d++ {
		if d%10 != 0 {
			log = append(log, Credit{Day: d})
		}
	}
	return log
}

func BenchmarkCompute(b *testing.B) {
	for _, n := range []int{100, 1000} {
		log := benchLog(n)
		b.Run(fmt.Sprintf("days=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Compute(log, Rules{Freezes: true})
			}
		})
	}
}

func BenchmarkApply(b *testing.B) {
	base := Compute(benchLog(1000), Rules{Freezes: true})
	b.ReportAllocs()
	for b.Loop() {
		s := base
		s.Apply(Credit{Day: base.LastDay + 1}, Rules{Freezes: true})
	}
}

func BenchmarkNewCredit(b *testing.B) {
	loc := mustZone(b, "Europe/Berlin")
	prev := mustZone(b, "America/New_York")
	now := time.Date(2024, 10, 27, 12, 0, 0, 0, time.UTC)
	last := LocalDay(now, loc, 4) - 1
	b.ReportAllocs()
	for b.Loop() {
		NewCredit(now, loc, 4, last, prev)
	}
}
