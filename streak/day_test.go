package streak

import (
	"testing"
	"time"
)

func TestDayRoundTrip(t *testing.T) {
	tests := []struct {
		text    string
		want    Day
		weekday time.Weekday
	}{
		{"1970-01-01", 0, time.Thursday},
		{"1969-12-31", -1, time.Wednesday},
		{"2024-02-29", 19782, time.Thursday},
		{"2024-03-01", 19783, time.Friday},
		{"0001-01-01", -719162, time.Monday},
		{"9999-12-31", 2932896, time.Friday},
	}
	for _, tt := range tests {
		got, err := ParseDay(tt.text)
		if err != nil {
			t.Fatalf("ParseDay(%q): %v", tt.text, err)
		}
		if got != tt.want || got.String() != tt.text || got.Weekday() != tt.weekday {
			t.Errorf("ParseDay(%q) = %d %s %s, want %d %s", tt.text, got, got, got.Weekday(), tt.want, tt.weekday)
		}
	}
}

func TestParseDayRejects(t *testing.T) {
	for _, s := range []string{"", "2024-2-29", "2023-02-29", "2024-06-14T00:00:00Z", "24-06-14", "2024/06/14"} {
		if d, err := ParseDay(s); err == nil {
			t.Errorf("ParseDay(%q) = %s, want an error", s, d)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	leap := Date(2024, time.February, 28)
	if got := leap.AddDays(1).String(); got != "2024-02-29" {
		t.Errorf("2024-02-28 + 1 = %s", got)
	}
	if got := leap.AddDays(-59).String(); got != "2023-12-31" {
		t.Errorf("2024-02-28 - 59 = %s", got)
	}
	if got := Date(2024, time.February, 30); got != Date(2024, time.March, 1) {
		t.Errorf("Date(2024, 2, 30) = %s, want normalised to 2024-03-01", got)
	}
	y, m, d := Date(2031, time.July, 9).Date()
	if y != 2031 || m != time.July || d != 9 {
		t.Errorf("Date() = %d-%d-%d", y, m, d)
	}
}
