package streak

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the host's zoneinfo
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustTime(t testing.TB, rfc3339 string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func mustDay(t testing.TB, s string) Day {
	t.Helper()
	d, err := ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLocalDay(t *testing.T) {
	tests := []struct {
		name    string
		zone    string
		instant string
		hour    int
		want    string
	}{
		{"UTC-11 last second", "Pacific/Pago_Pago", "2024-06-15T10:59:59Z", 0, "2024-06-14"},
		{"UTC-11 midnight", "Pacific/Pago_Pago", "2024-06-15T11:00:00Z", 0, "2024-06-15"},
		{"UTC+14 last second", "Pacific/Kiritimati", "2024-06-14T09:59:59Z", 0, "2024-06-14"},
		{"UTC+14 midnight", "Pacific/Kiritimati", "2024-06-14T10:00:00Z", 0, "2024-06-15"},
		{"same instant UTC-11", "Pacific/Pago_Pago", "2024-06-14T10:30:00Z", 0, "2024-06-13"},
		{"same instant UTC+14", "Pacific/Kiritimati", "2024-06-14T10:30:00Z", 0, "2024-06-15"},
		{"+05:45", "Asia/Kathmandu", "2024-06-14T18:14:59Z", 0, "2024-06-14"},
		{"+05:45 midnight", "Asia/Kathmandu", "2024-06-14T18:15:00Z", 0, "2024-06-15"},
		{"day start 4: 03:30 is the evening before", "Europe/Berlin", "2024-06-15T01:30:00Z", 4, "2024-06-14"},
		{"day start 4: 04:00 is the new day", "Europe/Berlin", "2024-06-15T02:00:00Z", 4, "2024-06-15"},
		{"day start 23", "UTC", "2024-06-15T22:59:59Z", 23, "2024-06-14"},
		{"day start 23 reached", "UTC", "2024-06-15T23:00:00Z", 23, "2024-06-15"},
		// New York springs forward 2024-03-10 02:00 EST -> 03:00 EDT: a day-start hour of 2
		// falls into the gap, and the day starts at the transition.
		{"NY gap: 01:59:59 EST", "America/New_York", "2024-03-10T06:59:59Z", 2, "2024-03-09"},
		{"NY gap: 03:00 EDT", "America/New_York", "2024-03-10T07:00:00Z", 2, "2024-03-10"},
		{"NY 25h day ends", "America/New_York", "2024-11-04T04:59:59Z", 0, "2024-11-03"},
		// New York falls back 2024-11-03 02:00 EDT -> 01:00 EST: 01:00-01:59 happens twice.
		{"NY overlap: 00:59:59 EDT", "America/New_York", "2024-11-03T04:59:59Z", 1, "2024-11-02"},
		{"NY overlap: first 01:00", "America/New_York", "2024-11-03T05:00:00Z", 1, "2024-11-03"},
		{"NY overlap: second 01:00", "America/New_York", "2024-11-03T06:00:00Z", 1, "2024-11-03"},
		// Berlin: 2024-03-31 02:00 CET -> 03:00 CEST, 2024-10-27 03:00 CEST -> 02:00 CET.
		{"Berlin gap: 01:59:59 CET", "Europe/Berlin", "2024-03-31T00:59:59Z", 2, "2024-03-30"},
		{"Berlin gap: 03:00 CEST", "Europe/Berlin", "2024-03-31T01:00:00Z", 2, "2024-03-31"},
		{"Berlin overlap: 01:59:59 CEST", "Europe/Berlin", "2024-10-26T23:59:59Z", 2, "2024-10-26"},
		{"Berlin overlap: first 02:00", "Europe/Berlin", "2024-10-27T00:00:00Z", 2, "2024-10-27"},
		{"Berlin overlap: second 02:00", "Europe/Berlin", "2024-10-27T01:00:00Z", 2, "2024-10-27"},
		// Sydney: 2024-04-07 03:00 AEDT -> 02:00 AEST, 2024-10-06 02:00 AEST -> 03:00 AEDT.
		{"Sydney overlap: 01:59:59 AEDT", "Australia/Sydney", "2024-04-06T14:59:59Z", 2, "2024-04-06"},
		{"Sydney overlap: first 02:00", "Australia/Sydney", "2024-04-06T15:00:00Z", 2, "2024-04-07"},
		{"Sydney overlap: second 02:00", "Australia/Sydney", "2024-04-06T16:00:00Z", 2, "2024-04-07"},
		{"Sydney gap: 01:59:59 AEST", "Australia/Sydney", "2024-10-05T15:59:59Z", 2, "2024-10-05"},
		{"Sydney gap: 03:00 AEDT", "Australia/Sydney", "2024-10-05T16:00:00Z", 2, "2024-10-06"},
		// Samoa skipped 2011-12-30 when it moved across the date line.
		{"Apia before the skip", "Pacific/Apia", "2011-12-30T09:59:59Z", 0, "2011-12-29"},
		{"Apia after the skip", "Pacific/Apia", "2011-12-30T10:00:00Z", 0, "2011-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LocalDay(mustTime(t, tt.instant), mustZone(t, tt.zone), tt.hour)
			if got.String() != tt.want {
				t.Errorf("LocalDay(%s in %s, hour %d) = %s, want %s", tt.instant, tt.zone, tt.hour, got, tt.want)
			}
		})
	}
}

func TestDayStartAndEnd(t *testing.T) {
	tests := []struct {
		zone       string
		day        string
		hour       int
		start, end string
	}{
		{"America/New_York", "2024-03-10", 0, "2024-03-10T05:00:00Z", "2024-03-11T04:00:00Z"}, // 23 h
		{"America/New_York", "2024-11-03", 0, "2024-11-03T04:00:00Z", "2024-11-04T05:00:00Z"}, // 25 h
		{"America/New_York", "2024-03-10", 2, "2024-03-10T07:00:00Z", "2024-03-11T06:00:00Z"}, // starts at the gap
		{"America/New_York", "2024-11-03", 1, "2024-11-03T05:00:00Z", "2024-11-04T06:00:00Z"}, // first 01:00
		{"Pacific/Kiritimati", "2024-06-15", 0, "2024-06-14T10:00:00Z", "2024-06-15T10:00:00Z"},
		{"Pacific/Pago_Pago", "2024-06-15", 4, "2024-06-15T15:00:00Z", "2024-06-16T15:00:00Z"},
		{"Pacific/Apia", "2011-12-30", 0, "2011-12-30T10:00:00Z", "2011-12-30T10:00:00Z"}, // skipped
	}
	for _, tt := range tests {
		loc := mustZone(t, tt.zone)
		day := mustDay(t, tt.day)
		start, end := DayStart(day, loc, tt.hour), DayEnd(day, loc, tt.hour)
		if !start.Equal(mustTime(t, tt.start)) || !end.Equal(mustTime(t, tt.end)) {
			t.Errorf("%s %s hour %d: [%s, %s), want [%s, %s)", tt.zone, tt.day, tt.hour,
				start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339), tt.start, tt.end)
		}
	}
}

// TestOneLocalDayPerDate walks a year in every test zone and day-start hour, 15 minutes at
// a time, and checks that local days follow each other one by one and agree with the
// DayStart/DayEnd boundaries.
func TestOneLocalDayPerDate(t *testing.T) {
	zones := []string{"Pacific/Pago_Pago", "America/New_York", "Europe/Berlin", "Australia/Sydney",
		"Australia/Lord_Howe", "Pacific/Chatham", "Pacific/Kiritimati"}
	from := mustTime(t, "2024-01-01T00:00:00Z")
	for _, name := range zones {
		loc := mustZone(t, name)
		for hour := 0; hour < 24; hour++ {
			prev := LocalDay(from, loc, hour)
			for at := from; at.Before(from.AddDate(1, 0, 0)); at = at.Add(15 * time.Minute) {
				d := LocalDay(at, loc, hour)
				if d != prev && d != prev+1 {
					t.Fatalf("%s hour %d: %s is %s after %s", name, hour, at, d, prev)
				}
				if at.Before(DayStart(d, loc, hour)) || !at.Before(DayEnd(d, loc, hour)) {
					t.Fatalf("%s hour %d: %s outside its day %s", name, hour, at, d)
				}
				prev = d
			}
		}
	}
}

// TestDayStartReadsTheHour checks that a day starts exactly when the clock first reads the
// day-start hour on that date or later, around the DST changes of each test zone.
func TestDayStartReadsTheHour(t *testing.T) {
	for _, name := range []string{"America/New_York", "Europe/Berlin", "Australia/Sydney", "Australia/Lord_Howe"} {
		loc := mustZone(t, name)
		for day := mustDay(t, "2024-01-01"); day < mustDay(t, "2025-01-01"); day++ {
			for hour := 0; hour < 24; hour++ {
				start := DayStart(day, loc, hour)
				if !readsAtLeast(start, day, hour) || readsAtLeast(start.Add(-time.Second), day, hour) {
					t.Fatalf("%s: DayStart(%s, %d) = %s", name, day, hour, start)
				}
			}
		}
	}
}

func readsAtLeast(t time.Time, day Day, hour int) bool {
	d := Date(t.Date())
	return d > day || d == day && t.Hour() >= hour
}

func TestResolveZone(t *testing.T) {
	tests := []struct {
		name                     string
		member, server, fallback string
		want                     string
		wantErr                  string
	}{
		{"member wins", "Pacific/Kiritimati", "Europe/Berlin", "UTC", "Pacific/Kiritimati", ""},
		{"server next", "", "Europe/Berlin", "UTC", "Europe/Berlin", ""},
		{"fallback last", "", "", "America/New_York", "America/New_York", ""},
		{"nothing set is UTC", "", "", "", "UTC", ""},
		{"unloadable member zone skipped", "Mars/Olympus_Mons", "Europe/Berlin", "UTC", "Europe/Berlin", ""},
		{"Local refused", "Local", "", "Asia/Tokyo", "Asia/Tokyo", ""},
		{"none loads", "Mars/Olympus_Mons", "", "Local", "", `"Mars/Olympus_Mons"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := ResolveZone(tt.member, tt.server, tt.fallback)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), `"Local"`) {
					t.Fatalf("err = %v, want one naming %s and \"Local\"", err, tt.wantErr)
				}
				return
			}
			if err != nil || loc.String() != tt.want {
				t.Fatalf("ResolveZone = %v, %v; want %s", loc, err, tt.want)
			}
		})
	}
}
