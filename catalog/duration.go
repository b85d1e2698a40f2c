package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limits on routine steps, shared by the data file and /routine create.
const (
	MinHold         = 5 * time.Second
	MaxHold         = 10 * time.Minute
	MinReps         = 1
	MaxReps         = 20
	MaxRest         = 5 * time.Minute
	MaxRoutineSteps = 25 // one embed field per step fits Discord's 25 fields

	maxTotal = time.Hour // the longest "in all" a dosage may give
)

// DurationRange is a span of time such as "15–30 s". Min == Max for a single figure; the zero
// value means no figure.
type DurationRange struct {
	Min, Max time.Duration
}

// IsZero reports whether the range gives no figure.
func (r DurationRange) IsZero() bool { return r.Max == 0 }

// String renders the range for people: "30 s", "15–30 s", "1–2 min", "30 s–1 min".
func (r DurationRange) String() string {
	if r.Min == r.Max {
		return humanDuration(r.Min)
	}
	switch {
	case r.Max < time.Minute:
		return fmt.Sprintf("%d–%d s", r.Min/time.Second, r.Max/time.Second)
	case r.Min%time.Minute == 0 && r.Max%time.Minute == 0:
		return fmt.Sprintf("%d–%d min", r.Min/time.Minute, r.Max/time.Minute)
	}
	return humanDuration(r.Min) + "–" + humanDuration(r.Max)
}

// CountRange is a count such as "4–5" reps. Min == Max for a single figure; Max == 0 with
// Min > 0 means "Min or more"; the zero value means no figure.
type CountRange struct {
	Min, Max int
}

// IsZero reports whether the range gives no figure.
func (r CountRange) IsZero() bool { return r.Min == 0 && r.Max == 0 }

// String renders the count: "5", "4–5", "3 or more".
func (r CountRange) String() string {
	switch {
	case r.Max == 0:
		return fmt.Sprintf("%d or more", r.Min)
	case r.Min == r.Max:
		return strconv.Itoa(r.Min)
	}
	return fmt.Sprintf("%d–%d", r.Min, r.Max)
}

// FormatDuration writes d in the step syntax's canonical form: "30s", "1m", "1m30s". It
// truncates to whole seconds, the syntax's resolution.
func FormatDuration(d time.Duration) string {
	minutes, seconds := int(d/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case minutes == 0:
		return fmt.Sprintf("%ds", seconds)
	case seconds == 0:
		return fmt.Sprintf("%dm", minutes)
	}
	return fmt.Sprintf("%dm%ds", minutes, seconds)
}

// humanDuration writes d for reading: "30 s", "1 min", "1 min 30 s".
func humanDuration(d time.Duration) string {
	minutes, seconds := int(d/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case minutes == 0:
		return fmt.Sprintf("%d s", seconds)
	case seconds == 0:
		return fmt.Sprintf("%d min", minutes)
	}
	return fmt.Sprintf("%d min %d s", minutes, seconds)
}

// parseDuration reads a duration in the step syntax: whole hours, minutes then seconds, each
// at most once ("1m30s", "2min", "45sec", "1h"), or a bare number of seconds ("90"). Case is
// ignored. The bool is false for anything else, including negative or fractional values.
func parseDuration(s string) (time.Duration, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if isDigits(s) {
		return digitsDuration(s, time.Second)
	}
	var total time.Duration
	lastUnit := 24 * time.Hour // units must strictly decrease: hours, minutes, seconds
	for s != "" {
		n := len(s) - len(strings.TrimLeft(s, "0123456789"))
		rest := s[n:]
		u := len(rest) - len(strings.TrimLeft(rest, "abcdefghijklmnopqrstuvwxyz"))
		unit, ok := durationUnit(rest[:u])
		if n == 0 || !ok || unit >= lastUnit {
			return 0, false
		}
		d, ok := digitsDuration(s[:n], unit)
		if !ok {
			return 0, false
		}
		total += d
		lastUnit = unit
		s = rest[u:]
	}
	return total, lastUnit != 24*time.Hour
}

// digitsDuration turns a run of digits into that many units. It refuses more than six
// digits, which is far beyond any limit here and keeps the product from overflowing.
func digitsDuration(digits string, unit time.Duration) (time.Duration, bool) {
	if len(digits) > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	return time.Duration(n) * unit, err == nil
}

// durationUnit maps a unit word to its length.
func durationUnit(word string) (time.Duration, bool) {
	switch word {
	case "s", "sec", "secs", "second", "seconds":
		return time.Second, true
	case "m", "min", "mins", "minute", "minutes":
		return time.Minute, true
	case "h", "hr", "hrs", "hour", "hours":
		// Never a sensible hold, but read, so "1h" is refused as too long rather than
		// taken for part of an exercise's name.
		return time.Hour, true
	}
	return 0, false
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// parseDurationRange reads "30s" or "15s-30s" (an en dash works too). Both ends of a range
// need a unit, because "1-2m" would otherwise read as one second to two minutes.
func parseDurationRange(s string) (DurationRange, error) {
	lo, hi, isRange := cutRange(s)
	if !isRange {
		d, ok := parseDuration(s)
		if !ok {
			return DurationRange{}, fmt.Errorf("%q is not a duration like 30s or 1m30s", s)
		}
		return DurationRange{d, d}, nil
	}
	minimum, okMin := parseDuration(lo)
	maximum, okMax := parseDuration(hi)
	switch {
	case !okMin || !okMax:
		return DurationRange{}, fmt.Errorf("%q is not a range like 15s-30s", s)
	case isDigits(strings.TrimSpace(lo)) || isDigits(strings.TrimSpace(hi)):
		return DurationRange{}, fmt.Errorf("%q needs a unit on both ends, like 1m-2m", s)
	case minimum > maximum:
		return DurationRange{}, fmt.Errorf("%q runs backwards; put the smaller value first", s)
	}
	return DurationRange{minimum, maximum}, nil
}

// parseCountRange reads "5", "4-5" or "3+" (three or more).
func parseCountRange(s string) (CountRange, error) {
	s = strings.TrimSpace(s)
	if lo, ok := strings.CutSuffix(s, "+"); ok && isDigits(lo) && len(lo) <= 6 {
		n, _ := strconv.Atoi(lo)
		return CountRange{Min: n}, nil
	}
	lo, hi, isRange := cutRange(s)
	if !isRange {
		lo, hi = s, s
	}
	lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
	if !isDigits(lo) || !isDigits(hi) || len(lo) > 6 || len(hi) > 6 {
		return CountRange{}, fmt.Errorf("%q is not a count like 5, 4-5 or 3+", s)
	}
	minimum, _ := strconv.Atoi(lo)
	maximum, _ := strconv.Atoi(hi)
	if minimum > maximum {
		return CountRange{}, fmt.Errorf("%q runs backwards; put the smaller value first", s)
	}
	return CountRange{minimum, maximum}, nil
}

// cutRange splits "a-b" or "a–b" at the dash.
func cutRange(s string) (lo, hi string, ok bool) {
	if lo, hi, ok = strings.Cut(s, "-"); ok {
		return lo, hi, true
	}
	return strings.Cut(s, "–")
}
