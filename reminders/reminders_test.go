package reminders

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/schedule"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// local parses "2006-01-02 15:04 -0700" (the offset picks the pass of a repeated hour).
func local(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02 15:04 -0700", s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const shown = "2006-01-02 15:04 -0700 Mon"

func lt(s string) schedule.LocalTime {
	v, err := schedule.ParseLocalTime(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestParseMoveNamesTheOptionToFix(t *testing.T) {
	tests := []struct {
		every          int64
		from, to, days string
		want           string // "" for no error
	}{
		{30, "09:00", "17:00", "weekdays", ""},
		{20, "9:00", "09:20", "", ""},
		{120, "00:00", "23:59", "mon,fri", ""},
		{19, "09:00", "17:00", "", "every: a move reminder comes every 20 to 120 minutes; 19 is outside that."},
		{121, "09:00", "17:00", "", "every:"},
		{30, "25:00", "17:00", "", `from: Times are HH:MM`},
		{30, "09:00", "5pm", "", `to: Times are HH:MM`},
		{30, "17:00", "09:00", "", "to: the window ends on the day it starts, so to must be after from; 09:00 is not after 17:00."},
		{30, "09:00", "09:00", "", "to must be after from"},
		{30, "09:00", "17:00", "funday", `days: Days are daily`},
	}
	for _, tt := range tests {
		_, err := ParseMove(tt.every, tt.from, tt.to, tt.days)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("ParseMove(%d, %q, %q, %q) = %v", tt.every, tt.from, tt.to, tt.days, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("ParseMove(%d, %q, %q, %q) = %v, want %q", tt.every, tt.from, tt.to, tt.days, err, tt.want)
		}
	}
	if _, err := ParseStreak("21:60"); err == nil || !strings.HasPrefix(err.Error(), "at: ") {
		t.Errorf("ParseStreak(21:60) = %v, want an error naming at", err)
	}
}

func TestWindowNext(t *testing.T) {
	tests := []struct {
		name        string
		zone        string
		every       time.Duration
		from, to    string
		days        schedule.Days
		after, want string
	}{
		{"first slot of the day", "Europe/Berlin", 30 * time.Minute, "09:00", "17:00", schedule.Daily,
			"2026-06-10 08:00 +0200", "2026-06-10 09:00 +0200 Wed"},
		{"a slot is not after itself", "Europe/Berlin", 30 * time.Minute, "09:00", "17:00", schedule.Daily,
			"2026-06-10 09:00 +0200", "2026-06-10 09:30 +0200 Wed"},
		{"to is included", "Europe/Berlin", 30 * time.Minute, "09:00", "17:00", schedule.Daily,
			"2026-06-10 16:45 +0200", "2026-06-10 17:00 +0200 Wed"},
		{"steps that miss to stop before it", "Europe/Berlin", 45 * time.Minute, "09:00", "10:00", schedule.Daily,
			"2026-06-10 09:45 +0200", "2026-06-11 09:00 +0200 Thu"},
		{"after the window, the next active day", "America/New_York", time.Hour, "09:00", "17:00", schedule.Weekdays,
			"2026-06-12 17:00 -0400", "2026-06-15 09:00 -0400 Mon"},
		{"New York spring forward: skipped slots fall on 03:00 once", "America/New_York", 20 * time.Minute, "01:00", "04:00", schedule.Daily,
			"2026-03-08 01:40 -0500", "2026-03-08 03:00 -0400 Sun"},
		{"New York spring forward: then on the wall clock", "America/New_York", 20 * time.Minute, "01:00", "04:00", schedule.Daily,
			"2026-03-08 03:00 -0400", "2026-03-08 03:20 -0400 Sun"},
		{"New York spring forward: a window inside the gap is dropped", "America/New_York", 20 * time.Minute, "02:00", "02:40", schedule.Daily,
			"2026-03-08 00:00 -0500", "2026-03-09 02:00 -0400 Mon"},
		{"New York fall back: the repeated hour counts once", "America/New_York", 20 * time.Minute, "00:00", "03:00", schedule.Daily,
			"2026-11-01 01:40 -0400", "2026-11-01 02:00 -0500 Sun"},
		{"Berlin spring forward", "Europe/Berlin", 30 * time.Minute, "01:30", "04:00", schedule.Daily,
			"2026-03-29 01:30 +0100", "2026-03-29 03:00 +0200 Sun"},
		{"Berlin fall back", "Europe/Berlin", 30 * time.Minute, "02:00", "04:00", schedule.Daily,
			"2026-10-25 02:30 +0200", "2026-10-25 03:00 +0100 Sun"},
		{"Sydney spring forward", "Australia/Sydney", time.Hour, "01:00", "05:00", schedule.Daily,
			"2026-10-04 01:00 +1000", "2026-10-04 03:00 +1100 Sun"},
		{"Sydney fall back", "Australia/Sydney", time.Hour, "01:00", "05:00", schedule.Daily,
			"2026-04-05 02:00 +1100", "2026-04-05 03:00 +1000 Sun"},
		{"Lord Howe half-hour spring forward", "Australia/Lord_Howe", 20 * time.Minute, "01:40", "03:00", schedule.Daily,
			"2026-10-04 01:40 +1030", "2026-10-04 02:30 +1100 Sun"},
		{"Lord Howe half-hour fall back", "Australia/Lord_Howe", 20 * time.Minute, "01:00", "03:00", schedule.Daily,
			"2026-04-05 01:40 +1100", "2026-04-05 02:00 +1030 Sun"},
		{"no days, no slot", "UTC", time.Hour, "09:00", "17:00", 0, "2026-06-10 08:00 +0000", "0001-01-01 00:00 +0000 Mon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := Window{Every: tt.every, From: lt(tt.from), To: lt(tt.to), Days: tt.days, Zone: zone(t, tt.zone)}
			got := w.Next(local(t, tt.after))
			if s := got.In(w.zone()).Format(shown); s != tt.want {
				t.Errorf("Next(%s) = %s, want %s", tt.after, s, tt.want)
			}
			if !got.IsZero() && !w.Within(got) {
				t.Errorf("slot %s reads outside the window", got.In(w.zone()).Format(shown))
			}
		})
	}
}

// TestAYearOfSlotsDoesNotDrift walks a year of a weekday window in zones with and
// without daylight saving: every slot reads its wall time, on a weekday, and each weekday
// has all of them, across every change of offset.
func TestAYearOfSlotsDoesNotDrift(t *testing.T) {
	for _, name := range []string{"America/New_York", "Europe/Berlin", "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kolkata"} {
		t.Run(name, func(t *testing.T) {
			loc := zone(t, name)
			w := Window{Every: 25 * time.Minute, From: lt("08:10"), To: lt("09:00"), Days: schedule.Weekdays, Zone: loc}
			after := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
			end := time.Date(2027, 1, 1, 0, 0, 0, 0, loc)
			perDay := map[string]int{}
			for next := w.Next(after); next.Before(end); next = w.Next(next) {
				l := next.In(loc)
				if clockOf := l.Format("15:04"); clockOf != "08:10" && clockOf != "08:35" && clockOf != "09:00" {
					t.Fatalf("slot at %s", l.Format(shown))
				}
				if l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
					t.Fatalf("slot on a weekend: %s", l.Format(shown))
				}
				perDay[l.Format("2006-01-02")]++
			}
			if len(perDay) != 261 { // weekdays in 2026
				t.Errorf("%d days with slots, want 261", len(perDay))
			}
			for day, n := range perDay {
				if n != 3 {
					t.Errorf("%s has %d slots, want 3", day, n)
				}
			}
		})
	}
}

func TestSnoozeAndStopStayInTheWindow(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	w := Window{Every: 30 * time.Minute, From: lt("09:00"), To: lt("17:00"), Days: schedule.Weekdays, Zone: berlin}
	tests := []struct {
		name, now, want string
		do              func(Window, time.Time) time.Time
	}{
		{"snooze inside the window", "2026-06-10 10:02 +0200", "2026-06-10 10:12 +0200 Wed", Window.Snooze},
		{"snooze up to to", "2026-06-10 16:50 +0200", "2026-06-10 17:00 +0200 Wed", Window.Snooze},
		{"snooze past to: the next active day", "2026-06-12 16:55 +0200", "2026-06-15 09:00 +0200 Mon", Window.Snooze},
		{"stop for today", "2026-06-10 10:02 +0200", "2026-06-11 09:00 +0200 Thu", Window.StopForToday},
		{"stop on a Friday", "2026-06-12 09:00 +0200", "2026-06-15 09:00 +0200 Mon", Window.StopForToday},
		{"stop the day before fall back", "2026-10-24 23:59 +0200", "2026-10-26 09:00 +0100 Mon", Window.StopForToday},
	}
	for _, tt := range tests {
		if got := tt.do(w, local(t, tt.now)).In(berlin).Format(shown); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestWithinIsToTheMinute(t *testing.T) {
	w := Window{Every: time.Hour, From: lt("09:00"), To: lt("17:00"), Days: schedule.Weekdays, Zone: zone(t, "America/New_York")}
	tests := []struct {
		at   string
		want bool
	}{
		{"2026-06-10 08:59:59 -0400", false},
		{"2026-06-10 09:00:00 -0400", true},
		{"2026-06-10 17:00:59 -0400", true},
		{"2026-06-10 17:01:00 -0400", false},
		{"2026-06-13 12:00:00 -0400", false}, // a Saturday
	}
	for _, tt := range tests {
		at, err := time.Parse("2006-01-02 15:04:05 -0700", tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Within(at); got != tt.want {
			t.Errorf("Within(%s) = %v, want %v", tt.at, got, tt.want)
		}
	}
}

// TestReminderNextHonoursSnoozeAndPause checks the due times of a stored move reminder:
// a snooze comes before the next slot, a pause drops the slots before it, and Due tells a
// job queued before a change from a current one.
func TestReminderNextHonoursSnoozeAndPause(t *testing.T) {
	ny := zone(t, "America/New_York")
	r, err := ParseMove(30, "09:00", "12:00", "daily")
	if err != nil {
		t.Fatal(err)
	}
	slot := local(t, "2026-06-10 09:30 -0400")
	if next := r.Next(ny, local(t, "2026-06-10 09:00 -0400")); !next.Equal(slot) || !r.Due(ny, slot) {
		t.Fatalf("Next = %v, Due %v", next, r.Due(ny, slot))
	}
	if r.Due(ny, slot.Add(time.Minute)) {
		t.Error("a time between slots is due")
	}
	r.SnoozedUntil = local(t, "2026-06-10 09:10 -0400")
	if next := r.Next(ny, local(t, "2026-06-10 09:00 -0400")); !next.Equal(r.SnoozedUntil) || !r.Due(ny, r.SnoozedUntil) {
		t.Errorf("with a snooze, Next = %v", next)
	}
	if next := r.Next(ny, r.SnoozedUntil); !next.Equal(slot) {
		t.Errorf("after the snooze, Next = %v, want the slot %v", next, slot)
	}
	r.SnoozedUntil, r.PausedUntil = time.Time{}, r.Window(ny).StopForToday(slot)
	if r.Due(ny, slot) {
		t.Error("a slot of a day stopped is still due")
	}
	if next := r.Next(ny, slot); !next.Equal(local(t, "2026-06-11 09:00 -0400")) {
		t.Errorf("after Stop for today, Next = %v", next)
	}
	// Another zone: the job queued for New York's slot is not due in Berlin.
	if r.Due(zone(t, "Europe/Berlin"), local(t, "2026-06-11 09:00 -0400")) {
		t.Error("a slot of the old zone is due in the new one")
	}
}

func TestStreakReminderNext(t *testing.T) {
	tests := []struct{ zone, at, after, want string }{
		{"Europe/Berlin", "21:00", "2026-06-10 20:00 +0200", "2026-06-10 21:00 +0200 Wed"},
		{"Europe/Berlin", "21:00", "2026-06-10 21:00 +0200", "2026-06-11 21:00 +0200 Thu"},
		{"America/New_York", "02:30", "2026-03-08 00:00 -0500", "2026-03-08 03:00 -0400 Sun"},
		{"America/New_York", "01:30", "2026-11-01 01:30 -0400", "2026-11-02 01:30 -0500 Mon"},
		{"Australia/Lord_Howe", "02:15", "2026-10-04 00:00 +1030", "2026-10-04 02:30 +1100 Sun"},
		{"Australia/Sydney", "02:30", "2026-04-05 00:00 +1100", "2026-04-05 02:30 +1100 Sun"},
	}
	for _, tt := range tests {
		r, err := ParseStreak(tt.at)
		if err != nil {
			t.Fatal(err)
		}
		loc := zone(t, tt.zone)
		if got := r.Next(loc, local(t, tt.after)).In(loc).Format(shown); got != tt.want {
			t.Errorf("%s at %s after %s: %s, want %s", tt.zone, tt.at, tt.after, got, tt.want)
		}
	}
}

func TestReminderString(t *testing.T) {
	m, _ := ParseMove(45, "08:00", "18:00", "mon,wed")
	s, _ := ParseStreak("21:30")
	for r, want := range map[Reminder]string{
		m: "every 45 minutes from 08:00 to 18:00, Monday and Wednesday",
		s: "at 21:30 every day",
	} {
		if got := r.String(); got != want {
			t.Errorf("String = %q, want %q", got, want)
		}
	}
}
