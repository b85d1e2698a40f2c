package schedule

import (
	"fmt"
	"strconv"
	"strings"
)

// LocalTime is a time of day on a 24-hour wall clock, to the minute, in no zone.
type LocalTime struct {
	Hour   int // 0–23
	Minute int // 0–59
}

// ParseLocalTime parses "HH:MM" on a 24-hour clock ("15:00", "09:05"; a one-digit hour as
// in "9:05" is accepted too). The error is one sentence for the member who typed it.
func ParseLocalTime(text string) (LocalTime, error) {
	s := strings.TrimSpace(text)
	bad := fmt.Errorf("Times are HH:MM on a 24-hour clock, like 15:00; %q is not one.", s)
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || !digits(h) || !digits(m) {
		return LocalTime{}, bad
	}
	hour, _ := strconv.Atoi(h)
	minute, _ := strconv.Atoi(m)
	t := LocalTime{Hour: hour, Minute: minute}
	if !t.Valid() {
		return LocalTime{}, bad
	}
	return t, nil
}

// digits reports whether s is all ASCII digits (strconv.Atoi would also take a sign).
func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Valid reports whether the time is on the clock: 00:00–23:59.
func (t LocalTime) Valid() bool {
	return t.Hour >= 0 && t.Hour < 24 && t.Minute >= 0 && t.Minute < 60
}

// String returns the time as "HH:MM", the form ParseLocalTime reads.
func (t LocalTime) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// seconds is the time as seconds after midnight.
func (t LocalTime) seconds() int64 { return int64(t.Hour)*3600 + int64(t.Minute)*60 }
