package schedule

import (
	"fmt"
	"math/bits"
	"strings"
	"time"
)

// Days is a set of weekdays: bit time.Weekday(d) is set when d is in the set. The zero
// value is the empty set, which no parse returns and on which a [Rule] never occurs.
type Days uint8

// The sets with names of their own.
const (
	Daily    Days = 1<<7 - 1
	Weekends Days = 1<<time.Saturday | 1<<time.Sunday
	Weekdays Days = Daily &^ Weekends
)

// DaysOf returns the set of the given weekdays; values outside Sunday–Saturday are ignored.
func DaysOf(days ...time.Weekday) Days {
	var s Days
	for _, d := range days {
		if d >= time.Sunday && d <= time.Saturday {
			s |= 1 << d
		}
	}
	return s
}

// Has reports whether d is in the set.
func (s Days) Has(d time.Weekday) bool {
	return d >= time.Sunday && d <= time.Saturday && s&(1<<d) != 0
}

// Len returns the number of weekdays in the set.
func (s Days) Len() int { return bits.OnesCount8(uint8(s & Daily)) }

// weekOrder is the order days are listed in: the week starts on Monday, as in ISO 8601 and
// most of the places our users live.
var weekOrder = [7]time.Weekday{
	time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday,
}

// dayNames maps every accepted spelling of a single day (lower case) to it.
var dayNames = map[string]time.Weekday{
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
	"sun": time.Sunday, "sunday": time.Sunday,
}

// setNames maps the names of whole sets (lower case) to them.
var setNames = map[string]Days{
	"daily": Daily, "everyday": Daily, "weekdays": Weekdays, "weekends": Weekends,
}

// daysHelp opens every parse error: what the option takes.
const daysHelp = "Days are daily, weekdays, weekends or a list like mon,wed,fri"

// ParseDays parses the days option of a schedule: "daily", "weekdays", "weekends", or a
// list of days separated by commas and/or spaces, each a three-letter abbreviation or a
// full name ("mon,wed,fri", "Mon, Wed", "monday friday"), in any case. Names of sets may be
// mixed into a list ("weekends, mon"); repeats are harmless. The error is one sentence for
// the member who typed it, naming what to fix.
func ParseDays(text string) (Days, error) {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return r == ',' || r == ';' || r == '/' || r == ' ' || r == '\t' || r == '\n'
	})
	if len(fields) == 0 {
		return 0, fmt.Errorf("%s; none were given.", daysHelp)
	}
	var s Days
	for _, f := range fields {
		if set, ok := setNames[f]; ok {
			s |= set
			continue
		}
		d, ok := dayNames[f]
		if !ok {
			return 0, fmt.Errorf("%s; %q is not a day.", daysHelp, f)
		}
		s |= 1 << d
	}
	return s, nil
}

// String reads the set naturally: "every day", "weekdays", "weekends", or the days in
// week order, Monday first ("Monday, Wednesday and Friday"); the empty set is "no days".
func (s Days) String() string {
	switch s & Daily {
	case 0:
		return "no days"
	case Daily:
		return "every day"
	case Weekdays:
		return "weekdays"
	case Weekends:
		return "weekends"
	}
	names := s.names(time.Weekday.String)
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// Spec returns the set in the short form ParseDays reads back to the same set: "daily",
// "weekdays", "weekends" or a list like "mon,wed,fri" (empty for the empty set). It is the
// form to store.
func (s Days) Spec() string {
	switch s & Daily {
	case Daily:
		return "daily"
	case Weekdays:
		return "weekdays"
	case Weekends:
		return "weekends"
	}
	return strings.Join(s.names(func(d time.Weekday) string { return strings.ToLower(d.String()[:3]) }), ",")
}

// names names the days of the set, Monday first, each as name writes it.
func (s Days) names(name func(time.Weekday) string) []string {
	out := make([]string, 0, 7)
	for _, d := range weekOrder {
		if s.Has(d) {
			out = append(out, name(d))
		}
	}
	return out
}
