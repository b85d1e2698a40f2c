package schedule

import (
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
	tm, err := time.Parse(time.RFC3339Nano, rfc3339)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func mustDays(t testing.TB, text string) Days {
	t.Helper()
	d, err := ParseDays(text)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustAt(t testing.TB, text string) LocalTime {
	t.Helper()
	at, err := ParseLocalTime(text)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// nextCase is one call of Next, with the expected occurrence written in its zone's offset
// so that the test also checks which side of a transition it falls on.
type nextCase struct {
	name  string
	zone  string
	at    string
	days  string
	after string
	want  string
}

func runNextCases(t *testing.T, tests []nextCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Rule{At: mustAt(t, tt.at), Days: mustDays(t, tt.days), Zone: mustZone(t, tt.zone)}
			got := r.Next(mustTime(t, tt.after))
			if s := got.Format(time.RFC3339); s != tt.want {
				t.Errorf("%v.Next(%s) = %s, want %s", r, tt.after, s, tt.want)
			}
			if got.Location() != r.Zone {
				t.Errorf("Next returned a time in %v, want %v", got.Location(), r.Zone)
			}
		})
	}
}

func TestNextAcrossZones(t *testing.T) {
	runNextCases(t, []nextCase{
		{"UTC daily", "UTC", "15:00", "daily", "2025-06-13T14:59:59Z", "2025-06-13T15:00:00Z"},
		{"UTC daily, later the same day", "UTC", "15:00", "daily", "2025-06-13T15:00:01Z", "2025-06-14T15:00:00Z"},
		{"UTC-11 midnight", "Pacific/Pago_Pago", "00:00", "daily", "2025-06-13T10:59:00Z", "2025-06-13T00:00:00-11:00"},
		{"UTC-11 23:59", "Pacific/Pago_Pago", "23:59", "daily", "2025-06-13T10:58:00Z", "2025-06-12T23:59:00-11:00"},
		{"UTC-11 23:59, exactly then", "Pacific/Pago_Pago", "23:59", "daily", "2025-06-13T10:59:00Z", "2025-06-13T23:59:00-11:00"},
		{"UTC+14 midnight", "Pacific/Kiritimati", "00:00", "daily", "2025-06-13T09:59:00Z", "2025-06-14T00:00:00+14:00"},
		{"UTC+14 23:59", "Pacific/Kiritimati", "23:59", "daily", "2025-06-13T09:58:00Z", "2025-06-13T23:59:00+14:00"},
		// 2025-06-13T10:30Z is Thursday 23:30 in Pago Pago and Saturday 00:30 on Kiritimati.
		{"UTC-11 weekdays: still Thursday, Friday's comes next", "Pacific/Pago_Pago", "09:00", "weekdays", "2025-06-13T10:30:00Z", "2025-06-13T09:00:00-11:00"},
		{"UTC+14 weekdays: already Saturday, Monday's comes next", "Pacific/Kiritimati", "09:00", "weekdays", "2025-06-13T10:30:00Z", "2025-06-16T09:00:00+14:00"},
		{"+05:45", "Asia/Kathmandu", "06:15", "daily", "2025-06-13T00:00:00Z", "2025-06-13T06:15:00+05:45"},
		{"-03:30 (Newfoundland, in DST)", "America/St_Johns", "12:00", "daily", "2025-06-13T00:00:00Z", "2025-06-13T12:00:00-02:30"},
		{"+08:45 (Eucla)", "Australia/Eucla", "08:45", "daily", "2025-06-13T00:00:00Z", "2025-06-14T08:45:00+08:45"},
	})
}

// Transitions of 2025: New York 03-09 02:00 EST->03:00 EDT and 11-02 02:00 EDT->01:00 EST;
// Berlin 03-30 02:00 CET->03:00 CEST and 10-26 03:00 CEST->02:00 CET; Sydney 04-06 03:00
// AEDT->02:00 AEST and 10-05 02:00 AEST->03:00 AEDT; Lord Howe (a 30-minute shift) 04-06
// 02:00 +11->01:30 +10:30 and 10-05 02:00 +10:30->02:30 +11; Chatham 04-06 03:45
// +13:45->02:45 +12:45 and 09-28 02:45 +12:45->03:45 +13:45.
func TestNextAcrossDST(t *testing.T) {
	runNextCases(t, []nextCase{
		// New York, spring forward.
		{"NY 15:00 stays 15:00 into EDT", "America/New_York", "15:00", "daily", "2025-03-08T15:00:00-05:00", "2025-03-09T15:00:00-04:00"},
		{"NY 02:30 does not exist: 03:00 EDT", "America/New_York", "02:30", "daily", "2025-03-08T02:30:00-05:00", "2025-03-09T03:00:00-04:00"},
		{"NY 02:00 does not exist: 03:00 EDT", "America/New_York", "02:00", "daily", "2025-03-08T02:00:00-05:00", "2025-03-09T03:00:00-04:00"},
		{"NY 02:59 does not exist: 03:00 EDT", "America/New_York", "02:59", "daily", "2025-03-08T02:59:00-05:00", "2025-03-09T03:00:00-04:00"},
		{"NY 03:00 exists once", "America/New_York", "03:00", "daily", "2025-03-08T03:00:00-05:00", "2025-03-09T03:00:00-04:00"},
		{"NY 01:59 before the gap", "America/New_York", "01:59", "daily", "2025-03-08T01:59:00-05:00", "2025-03-09T01:59:00-05:00"},
		{"NY the day after the gap, 02:30 again", "America/New_York", "02:30", "daily", "2025-03-09T03:00:00-04:00", "2025-03-10T02:30:00-04:00"},
		// New York, fall back.
		{"NY 15:00 stays 15:00 into EST", "America/New_York", "15:00", "daily", "2025-11-01T15:00:00-04:00", "2025-11-02T15:00:00-05:00"},
		{"NY 01:30 twice: the first (EDT)", "America/New_York", "01:30", "daily", "2025-11-01T01:30:00-04:00", "2025-11-02T01:30:00-04:00"},
		{"NY 01:30 twice: only once, the next is tomorrow", "America/New_York", "01:30", "daily", "2025-11-02T01:30:00-04:00", "2025-11-03T01:30:00-05:00"},
		{"NY 01:30 twice: after the first, between the passes", "America/New_York", "01:30", "daily", "2025-11-02T01:10:00-05:00", "2025-11-03T01:30:00-05:00"},
		{"NY 01:00 twice: the first", "America/New_York", "01:00", "daily", "2025-11-02T00:59:00-04:00", "2025-11-02T01:00:00-04:00"},
		{"NY 02:00 once (EST)", "America/New_York", "02:00", "daily", "2025-11-02T01:30:00-04:00", "2025-11-02T02:00:00-05:00"},

		// Berlin.
		{"Berlin 15:00 into CEST", "Europe/Berlin", "15:00", "weekends", "2025-03-29T15:00:00+01:00", "2025-03-30T15:00:00+02:00"},
		{"Berlin 02:30 does not exist: 03:00 CEST", "Europe/Berlin", "02:30", "daily", "2025-03-29T02:30:00+01:00", "2025-03-30T03:00:00+02:00"},
		{"Berlin 15:00 into CET", "Europe/Berlin", "15:00", "weekends", "2025-10-25T15:00:00+02:00", "2025-10-26T15:00:00+01:00"},
		{"Berlin 02:30 twice: the first (CEST)", "Europe/Berlin", "02:30", "daily", "2025-10-25T02:30:00+02:00", "2025-10-26T02:30:00+02:00"},
		{"Berlin 02:30 twice: once", "Europe/Berlin", "02:30", "daily", "2025-10-26T02:30:00+02:00", "2025-10-27T02:30:00+01:00"},

		// Sydney.
		{"Sydney 02:30 twice: the first (AEDT)", "Australia/Sydney", "02:30", "daily", "2025-04-05T02:30:00+11:00", "2025-04-06T02:30:00+11:00"},
		{"Sydney 02:30 twice: once", "Australia/Sydney", "02:30", "daily", "2025-04-06T02:30:00+11:00", "2025-04-07T02:30:00+10:00"},
		{"Sydney 15:00 into AEST", "Australia/Sydney", "15:00", "daily", "2025-04-05T15:00:00+11:00", "2025-04-06T15:00:00+10:00"},
		{"Sydney 02:30 does not exist: 03:00 AEDT", "Australia/Sydney", "02:30", "sun", "2025-10-04T00:00:00+10:00", "2025-10-05T03:00:00+11:00"},
		{"Sydney 15:00 into AEDT", "Australia/Sydney", "15:00", "daily", "2025-10-04T15:00:00+10:00", "2025-10-05T15:00:00+11:00"},

		// Lord Howe: the clock moves by 30 minutes.
		{"Lord Howe 01:45 twice: the first (+11)", "Australia/Lord_Howe", "01:45", "daily", "2025-04-05T01:45:00+11:00", "2025-04-06T01:45:00+11:00"},
		{"Lord Howe 01:45 twice: once", "Australia/Lord_Howe", "01:45", "daily", "2025-04-06T01:45:00+11:00", "2025-04-07T01:45:00+10:30"},
		{"Lord Howe 02:00 once (+10:30)", "Australia/Lord_Howe", "02:00", "daily", "2025-04-06T01:45:00+11:00", "2025-04-06T02:00:00+10:30"},
		{"Lord Howe 15:00 into +10:30", "Australia/Lord_Howe", "15:00", "daily", "2025-04-05T15:00:00+11:00", "2025-04-06T15:00:00+10:30"},
		{"Lord Howe 02:15 does not exist: 02:30 (+11)", "Australia/Lord_Howe", "02:15", "daily", "2025-10-04T02:15:00+10:30", "2025-10-05T02:30:00+11:00"},
		{"Lord Howe 02:00 does not exist: 02:30 (+11)", "Australia/Lord_Howe", "02:00", "daily", "2025-10-04T02:00:00+10:30", "2025-10-05T02:30:00+11:00"},
		{"Lord Howe 02:30 exists", "Australia/Lord_Howe", "02:30", "daily", "2025-10-04T02:30:00+10:30", "2025-10-05T02:30:00+11:00"},
		{"Lord Howe 15:00 into +11", "Australia/Lord_Howe", "15:00", "daily", "2025-10-04T15:00:00+10:30", "2025-10-05T15:00:00+11:00"},

		// Chatham: +12:45 / +13:45.
		{"Chatham 03:00 twice: the first (+13:45)", "Pacific/Chatham", "03:00", "daily", "2025-04-05T03:00:00+13:45", "2025-04-06T03:00:00+13:45"},
		{"Chatham 03:00 twice: once", "Pacific/Chatham", "03:00", "daily", "2025-04-06T03:00:00+13:45", "2025-04-07T03:00:00+12:45"},
		{"Chatham 15:00 into +12:45", "Pacific/Chatham", "15:00", "daily", "2025-04-05T15:00:00+13:45", "2025-04-06T15:00:00+12:45"},
		{"Chatham 03:00 does not exist: 03:45 (+13:45)", "Pacific/Chatham", "03:00", "daily", "2025-09-27T03:00:00+12:45", "2025-09-28T03:45:00+13:45"},
		{"Chatham 02:45 does not exist: 03:45 (+13:45)", "Pacific/Chatham", "02:45", "daily", "2025-09-27T02:45:00+12:45", "2025-09-28T03:45:00+13:45"},
		{"Chatham 15:00 into +13:45", "Pacific/Chatham", "15:00", "daily", "2025-09-27T15:00:00+12:45", "2025-09-28T15:00:00+13:45"},

		// A zone whose clocks move at midnight: Santiago goes from 24:00 to 01:00 on
		// 2025-09-07 (the Saturday night), so Sunday 00:30 does not exist.
		{"Santiago 00:30 does not exist: 01:00", "America/Santiago", "00:30", "daily", "2025-09-06T00:30:00-04:00", "2025-09-07T01:00:00-03:00"},
		// Apia skipped Friday 2011-12-30 entirely: no occurrence that day, never one on Saturday instead.
		{"Apia: the skipped day has none", "Pacific/Apia", "15:00", "daily", "2011-12-29T15:00:00-10:00", "2011-12-31T15:00:00+14:00"},
		{"Apia: a Friday rule waits a week", "Pacific/Apia", "15:00", "fri", "2011-12-29T15:00:00-10:00", "2012-01-06T15:00:00+14:00"},
		{"Apia: midnight of the skipped day is not Saturday's", "Pacific/Apia", "00:00", "fri", "2011-12-29T12:00:00-10:00", "2012-01-06T00:00:00+14:00"},
	})
}

func TestNextDays(t *testing.T) {
	// 2025-06-09 is a Monday.
	runNextCases(t, []nextCase{
		{"weekdays: Friday evening -> Monday", "Europe/Berlin", "15:00", "weekdays", "2025-06-13T16:00:00+02:00", "2025-06-16T15:00:00+02:00"},
		{"weekdays: Saturday -> Monday", "Europe/Berlin", "15:00", "weekdays", "2025-06-14T09:00:00+02:00", "2025-06-16T15:00:00+02:00"},
		{"weekdays: Monday morning -> today", "Europe/Berlin", "15:00", "weekdays", "2025-06-16T09:00:00+02:00", "2025-06-16T15:00:00+02:00"},
		{"weekends: Monday -> Saturday", "Europe/Berlin", "10:00", "weekends", "2025-06-09T09:00:00+02:00", "2025-06-14T10:00:00+02:00"},
		{"weekends: Saturday after -> Sunday", "Europe/Berlin", "10:00", "weekends", "2025-06-14T10:00:01+02:00", "2025-06-15T10:00:00+02:00"},
		{"mon,wed,fri: Monday after -> Wednesday", "Europe/Berlin", "18:00", "mon,wed,fri", "2025-06-09T18:30:00+02:00", "2025-06-11T18:00:00+02:00"},
		{"mon,wed,fri: Friday after -> Monday", "Europe/Berlin", "18:00", "mon,wed,fri", "2025-06-13T18:30:00+02:00", "2025-06-16T18:00:00+02:00"},
		{"one day: a week minus a second", "Europe/Berlin", "18:00", "tue", "2025-06-10T18:00:00+02:00", "2025-06-17T18:00:00+02:00"},
		{"one day: just before", "Europe/Berlin", "18:00", "tue", "2025-06-10T17:59:59.999999999+02:00", "2025-06-10T18:00:00+02:00"},
		{"the after's zone does not matter", "Europe/Berlin", "18:00", "tue", "2025-06-10T12:00:00-04:00", "2025-06-17T18:00:00+02:00"},
	})
}

// Next of an occurrence is the one after it, and a nanosecond earlier is the occurrence.
func TestNextOfAnOccurrence(t *testing.T) {
	for _, zone := range testZones {
		r := Rule{At: LocalTime{2, 30}, Days: DaysOf(time.Sunday, time.Monday), Zone: mustZone(t, zone)}
		occ := r.Next(mustTime(t, "2025-01-01T00:00:00Z"))
		for range 120 {
			next := r.Next(occ)
			if !next.After(occ) {
				t.Fatalf("%v: Next(%v) = %v, not after", r, occ, next)
			}
			if again := r.Next(occ.Add(-time.Nanosecond)); !again.Equal(occ) {
				t.Fatalf("%v: Next(%v - 1ns) = %v, want the occurrence itself", r, occ, again)
			}
			if again := r.Next(next.Add(-time.Nanosecond)); !again.Equal(next) {
				t.Fatalf("%v: Next(%v - 1ns) = %v, want %v", r, next, again, next)
			}
			occ = next
		}
	}
}

func TestNextN(t *testing.T) {
	r := Rule{At: LocalTime{15, 0}, Days: Weekdays, Zone: mustZone(t, "Europe/Berlin")}
	got := r.NextN(mustTime(t, "2025-03-27T16:00:00+01:00"), 3)
	want := []string{"2025-03-28T15:00:00+01:00", "2025-03-31T15:00:00+02:00", "2025-04-01T15:00:00+02:00"}
	if len(got) != len(want) {
		t.Fatalf("NextN = %v, want %v", got, want)
	}
	for i := range want {
		if s := got[i].Format(time.RFC3339); s != want[i] {
			t.Errorf("NextN[%d] = %s, want %s", i, s, want[i])
		}
	}
	if n := r.NextN(time.Now(), 0); n != nil {
		t.Errorf("NextN(0) = %v", n)
	}
}

func TestRuleWithoutDaysOrZone(t *testing.T) {
	if got := (Rule{At: LocalTime{15, 0}}).Next(time.Now()); !got.IsZero() {
		t.Errorf("a rule with no days occurs at %v", got)
	}
	if got := (Rule{At: LocalTime{15, 0}}).NextN(time.Now(), 3); got != nil {
		t.Errorf("a rule with no days occurs at %v", got)
	}
	r := Rule{At: LocalTime{15, 0}, Days: Daily}
	got := r.Next(mustTime(t, "2025-06-13T12:00:00+02:00"))
	if s := got.Format(time.RFC3339); s != "2025-06-13T15:00:00Z" || got.Location() != time.UTC {
		t.Errorf("nil zone: Next = %s in %v, want 15:00 UTC", s, got.Location())
	}
}

func TestRuleString(t *testing.T) {
	tests := []struct {
		rule Rule
		want string
	}{
		{Rule{At: LocalTime{15, 0}, Days: Weekdays, Zone: mustZone(t, "Europe/Berlin")}, "weekdays at 15:00 (Europe/Berlin)"},
		{Rule{At: LocalTime{7, 30}, Days: DaysOf(time.Monday, time.Wednesday, time.Friday), Zone: mustZone(t, "America/New_York")}, "Monday, Wednesday and Friday at 07:30 (America/New_York)"},
		{Rule{At: LocalTime{0, 5}, Days: Daily}, "every day at 00:05 (UTC)"},
	}
	for _, tt := range tests {
		if got := tt.rule.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestRuleValidate(t *testing.T) {
	if err := (Rule{At: LocalTime{15, 0}, Days: Weekdays}).Validate(); err != nil {
		t.Errorf("valid rule: %v", err)
	}
	if err := (Rule{At: LocalTime{24, 0}, Days: Weekdays}).Validate(); err == nil {
		t.Error("24:00 accepted")
	}
	if err := (Rule{At: LocalTime{15, 0}}).Validate(); err == nil {
		t.Error("no days accepted")
	}
}
