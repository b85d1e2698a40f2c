package reminders

import (
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/schedule"
)

// BenchmarkWindowNext is one next-slot computation of a weekday window in a zone with
// daylight saving, started from the end of the day (the search crosses a night), as a
// move job does for every DM.
func BenchmarkWindowNext(b *testing.B) {
	loc, err := time.LoadLocation("Australia/Lord_Howe")
	if err != nil {
		b.Fatal(err)
	}
	w := Window{Every: 20 * time.Minute, From: schedule.LocalTime{Hour: 9}, To: schedule.LocalTime{Hour: 17}, Days: schedule.Weekdays, Zone: loc}
	after := time.Date(2026, 10, 2, 17, 30, 0, 0, loc) // a Friday evening, before a DST change
	b.ReportAllocs()
	for b.Loop() {
		if w.Next(after).IsZero() {
			b.Fatal("no slot")
		}
	}
}

// BenchmarkReminderDue is the check every reminder job makes: is its time still due?
func BenchmarkReminderDue(b *testing.B) {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	r, err := ParseMove(30, "09:00", "17:00", "weekdays")
	if err != nil {
		b.Fatal(err)
	}
	due := time.Date(2026, 6, 10, 16, 30, 0, 0, loc)
	b.ReportAllocs()
	for b.Loop() {
		if !r.Due(loc, due) {
			b.Fatal("not due")
		}
	}
}
