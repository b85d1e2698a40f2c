package commands

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Offsets people type for a zone: "UTC+2", "GMT-5", "+02:00", "utc+5:30", "UTC−3".

// Real UTC offsets span −12:00 to +14:00.
const (
	minOffset = -12 * 60 * 60
	maxOffset = 14 * 60 * 60
)

// parseOffset reads a typed UTC offset and returns it in seconds east of UTC. It accepts an
// optional "UTC" or "GMT", a sign (+, -, − or –), hours, and optional minutes as ":30" or
// in four digits ("+0530"); spaces do not matter. "UTC" alone is not an offset.
func parseOffset(typed string) (int, bool) {
	s := strings.ToLower(strings.Join(strings.Fields(typed), ""))
	for _, prefix := range []string{"utc", "gmt"} {
		if rest, ok := strings.CutPrefix(s, prefix); ok {
			s = rest
			break
		}
	}
	sign := 0
	for _, p := range []struct {
		text string
		sign int
	}{{"+", 1}, {"-", -1}, {"−", -1}, {"–", -1}} {
		if rest, ok := strings.CutPrefix(s, p.text); ok {
			s, sign = rest, p.sign
			break
		}
	}
	if sign == 0 || s == "" {
		return 0, false
	}
	hours, minutes, ok := strings.Cut(s, ":")
	if !ok && len(s) == 4 {
		hours, minutes = s[:2], s[2:]
	}
	h, err := strconv.Atoi(hours)
	if err != nil || len(hours) > 2 || h < 0 {
		return 0, false
	}
	m := 0
	if minutes != "" || ok {
		if len(minutes) != 2 {
			return 0, false
		}
		if m, err = strconv.Atoi(minutes); err != nil || m < 0 || m >= 60 {
			return 0, false
		}
	}
	offset := sign * (h*60*60 + m*60)
	if offset < minOffset || offset > maxOffset {
		return 0, false
	}
	return offset, true
}

// offsetZone is the zone database's name for a fixed offset of whole hours: Etc/GMT-2 for
// UTC+2 (the database writes the sign the other way round, as POSIX does), UTC for 0. It
// reports false for an offset with minutes, which has no such zone.
func offsetZone(offset int) (string, bool) {
	if offset%(60*60) != 0 {
		return "", false
	}
	hours := offset / (60 * 60)
	switch {
	case hours == 0:
		return "UTC", true
	case hours > 0:
		return fmt.Sprintf("Etc/GMT-%d", hours), true
	}
	return fmt.Sprintf("Etc/GMT+%d", -hours), true
}

// etcOffset is the offset of an Etc/GMT±N zone name, in seconds east of UTC.
func etcOffset(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "Etc/GMT")
	if !ok || len(rest) < 2 || (rest[0] != '+' && rest[0] != '-') {
		return 0, false
	}
	n, err := strconv.Atoi(rest[1:])
	if err != nil || n == 0 {
		return 0, false
	}
	if rest[0] == '+' {
		n = -n
	}
	return n * 60 * 60, true
}

// offsetLabel writes an offset as "UTC+02:00" or "UTC-05:00".
func offsetLabel(offset int) string {
	sign := '+'
	if offset < 0 {
		sign, offset = '-', -offset
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, offset/3600, offset%3600/60)
}

// offsetAt is loc's offset at instant now, in seconds east of UTC.
func offsetAt(loc *time.Location, now time.Time) int {
	_, offset := now.In(loc).Zone()
	return offset
}
