package schedule

import "testing"

func TestParseLocalTime(t *testing.T) {
	tests := []struct {
		in   string
		want LocalTime
	}{
		{"15:00", LocalTime{15, 0}},
		{"00:00", LocalTime{0, 0}},
		{"23:59", LocalTime{23, 59}},
		{"09:05", LocalTime{9, 5}},
		{"9:05", LocalTime{9, 5}},
		{" 07:30 ", LocalTime{7, 30}},
	}
	for _, tt := range tests {
		got, err := ParseLocalTime(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseLocalTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if back, err := ParseLocalTime(got.String()); err != nil || back != got {
			t.Errorf("round trip of %v: %v, %v", got, back, err)
		}
	}
}

func TestParseLocalTimeErrors(t *testing.T) {
	for _, in := range []string{"", "24:00", "15:60", "3pm", "15", "15:0", "15:000", "-1:00", "+1:00", "1500", "15.00", "015:00", "ab:cd", "15:00:00"} {
		_, err := ParseLocalTime(in)
		if err == nil {
			t.Errorf("ParseLocalTime(%q) succeeded", in)
			continue
		}
		if want := `Times are HH:MM on a 24-hour clock, like 15:00; "` + in + `" is not one.`; err.Error() != want {
			t.Errorf("ParseLocalTime(%q) error = %q, want %q", in, err, want)
		}
	}
}

func TestLocalTimeString(t *testing.T) {
	if got := (LocalTime{7, 5}).String(); got != "07:05" {
		t.Errorf("String() = %q", got)
	}
}
