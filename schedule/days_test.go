package schedule

import (
	"testing"
	"time"
)

func TestParseDays(t *testing.T) {
	mwf := DaysOf(time.Monday, time.Wednesday, time.Friday)
	tests := []struct {
		in   string
		want Days
	}{
		{"daily", Daily},
		{"Daily", Daily},
		{" weekdays ", Weekdays},
		{"WEEKENDS", Weekends},
		{"mon,wed,fri", mwf},
		{"Mon, Wed, Fri", mwf},
		{"monday wednesday friday", mwf},
		{"Friday,Monday,Wednesday,fri", mwf},
		{"mon, wed", DaysOf(time.Monday, time.Wednesday)},
		{"sun", DaysOf(time.Sunday)},
		{"tues,thurs", DaysOf(time.Tuesday, time.Thursday)},
		{"thu;sat", DaysOf(time.Thursday, time.Saturday)},
		{"weekends, mon", DaysOf(time.Saturday, time.Sunday, time.Monday)},
		{"mon,tue,wed,thu,fri", Weekdays},
		{"mon,tue,wed,thu,fri,sat,sun", Daily},
		{"everyday", Daily},
	}
	for _, tt := range tests {
		got, err := ParseDays(tt.in)
		if err != nil {
			t.Errorf("ParseDays(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseDays(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseDaysErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"funday", `Days are daily, weekdays, weekends or a list like mon,wed,fri; "funday" is not a day.`},
		{"mon,Funday", `Days are daily, weekdays, weekends or a list like mon,wed,fri; "funday" is not a day.`},
		{"", `Days are daily, weekdays, weekends or a list like mon,wed,fri; none were given.`},
		{" , ", `Days are daily, weekdays, weekends or a list like mon,wed,fri; none were given.`},
		{"mo", `Days are daily, weekdays, weekends or a list like mon,wed,fri; "mo" is not a day.`},
		{"weekday", `Days are daily, weekdays, weekends or a list like mon,wed,fri; "weekday" is not a day.`},
	}
	for _, tt := range tests {
		_, err := ParseDays(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseDays(%q) error = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestDaysStringAndSpec(t *testing.T) {
	tests := []struct {
		days      Days
		str, spec string
	}{
		{Daily, "every day", "daily"},
		{Weekdays, "weekdays", "weekdays"},
		{Weekends, "weekends", "weekends"},
		{DaysOf(time.Monday, time.Wednesday, time.Friday), "Monday, Wednesday and Friday", "mon,wed,fri"},
		{DaysOf(time.Sunday, time.Monday), "Monday and Sunday", "mon,sun"},
		{DaysOf(time.Tuesday), "Tuesday", "tue"},
		{0, "no days", ""},
	}
	for _, tt := range tests {
		if got := tt.days.String(); got != tt.str {
			t.Errorf("%08b.String() = %q, want %q", uint8(tt.days), got, tt.str)
		}
		if got := tt.days.Spec(); got != tt.spec {
			t.Errorf("%08b.Spec() = %q, want %q", uint8(tt.days), got, tt.spec)
		}
	}
}

// Every non-empty set survives Spec -> ParseDays, the round trip storage relies on.
func TestDaysSpecRoundTrip(t *testing.T) {
	for s := Days(1); s <= Daily; s++ {
		got, err := ParseDays(s.Spec())
		if err != nil || got != s {
			t.Errorf("ParseDays(%q) = %v, %v; want %v", s.Spec(), got, err, s)
		}
		if s.Len() < 1 || s.Len() > 7 {
			t.Errorf("%v.Len() = %d", s, s.Len())
		}
	}
}

func TestDaysHas(t *testing.T) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		weekend := d == time.Saturday || d == time.Sunday
		if Weekdays.Has(d) == weekend || Weekends.Has(d) != weekend || !Daily.Has(d) {
			t.Errorf("%v: weekdays %v weekends %v daily %v", d, Weekdays.Has(d), Weekends.Has(d), Daily.Has(d))
		}
	}
	if Daily.Has(7) || Daily.Has(-1) {
		t.Error("Has accepts a weekday out of range")
	}
}
