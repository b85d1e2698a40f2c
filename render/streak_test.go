package render

import "testing"

func TestMinutesText(t *testing.T) {
	for _, tt := range []struct {
		minutes int
		want    string
	}{{0, "0 min"}, {1, "1 min"}, {59, "59 min"}, {60, "1 h"}, {295, "4 h 55 min"}, {120, "2 h"}} {
		if got := minutesText(tt.minutes); got != tt.want {
			t.Errorf("minutesText(%d) = %q, want %q", tt.minutes, got, tt.want)
		}
	}
}
