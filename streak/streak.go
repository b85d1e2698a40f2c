package streak

import (
	"slices"
)

// FreezeEvery is the number of consecutive counted days that earns one freeze.
const FreezeEvery = 7

// MaxFreezes is the most freezes a member holds at once.
const MaxFreezes = 2

// Rules are the server settings the streak arithmetic depends on. A summary is built
// under one set of rules: when a server changes them, recompute its members' summaries.
type Rules struct {
	// Freezes turns freezes on: earned every FreezeEvery days, each covering one missed day.
	Freezes bool
}

// Summary is a member's streak state as of their last counted day, independent of today:
// the materialised row kept beside the log. Its zero value is the summary of an empty log.
// Read it through At.
type Summary struct {
	// LastDay is the last counted day; meaningless while TotalDays is 0.
	LastDay Day
	// Run is the length of the streak ending on LastDay, in counted days.
	Run int
	// Best is the longest streak ever, in counted days.
	Best int
	// TotalDays is the number of distinct counted days.
	TotalDays int
	// FreezesHeld is the number of freezes held right after LastDay.
	FreezesHeld int
	// FrozenDays are the missed days inside the run ending on LastDay that freezes
	// covered, oldest first.
	FrozenDays []Day
}

// Status is what a member sees on a given day.
type Status struct {
	Current     int  // the streak ending today or yesterday, or 0 if it broke
	Best        int  // longest streak ever
	FreezesHeld int  // freezes left after covering the days missed up to yesterday
	TotalDays   int  // distinct counted days
	LastDay     Day  // last counted day; meaningless while TotalDays is 0
	TodayDone   bool // today already counts
	// FrozenDays are the days of the current streak that freezes covered, including
	// the ones used up to yesterday; nil when the streak broke.
	FrozenDays []Day
}

// Compute rebuilds a summary from a member's whole log, in any order; credits for the
// same day count once (bridged if any of them is).
func Compute(log []Credit, rules Rules) Summary {
	var s Summary
	for _, c := range normalize(log) {
		s.extend(c, rules)
	}
	return s
}

// normalize sorts a copy of the log by day and merges entries for the same day.
func normalize(log []Credit) []Credit {
	sorted := slices.Clone(log)
	slices.SortFunc(sorted, func(a, b Credit) int { return int(a.Day) - int(b.Day) })
	merged := sorted[:0]
	for _, c := range sorted {
		if n := len(merged); n > 0 && merged[n-1].Day == c.Day {
			merged[n-1].Bridged = merged[n-1].Bridged || c.Bridged
			continue
		}
		merged = append(merged, c)
	}
	return merged
}

// Apply updates the summary for one new log entry, as Compute over the log with the entry
// appended would, and reports true; this is the update the storage layer makes inside the
// credit's transaction. It handles an entry on or after LastDay (a credit on LastDay
// counts once). It leaves the summary unchanged and reports false when it cannot: an entry
// before LastDay, or a bridged entry on LastDay. The caller must then recompute from the
// log. NewCredit never produces either.
func (s *Summary) Apply(c Credit, rules Rules) bool {
	if s.TotalDays > 0 && c.Day <= s.LastDay {
		return c.Day == s.LastDay && !c.Bridged
	}
	s.extend(c, rules)
	return true
}

// extend adds a counted day after LastDay.
func (s *Summary) extend(c Credit, rules Rules) {
	alive, held, frozen := s.continueTo(c, rules)
	if alive {
		s.Run++
		s.FreezesHeld = held
		// Clip so that appending never writes into an array another copy shares.
		s.FrozenDays = append(slices.Clip(s.FrozenDays), frozen...)
	} else {
		s.Run, s.FreezesHeld, s.FrozenDays = 1, 0, nil
	}
	s.LastDay = c.Day
	s.TotalDays++
	s.Best = max(s.Best, s.Run)
	if rules.Freezes && s.Run%FreezeEvery == 0 {
		s.FreezesHeld = min(s.FreezesHeld+1, MaxFreezes)
	}
}

// continueTo says whether the run ending on LastDay reaches c.Day without breaking (c.Day
// itself not yet counted), the freezes then left and the missed days they cover.
func (s Summary) continueTo(c Credit, rules Rules) (alive bool, held int, frozen []Day) {
	if s.TotalDays == 0 {
		return false, 0, nil
	}
	gap := int(c.Day - s.LastDay - 1)
	if c.Bridged {
		gap -= min(gap, MaxTravelGap) // the bridged days are the ones just before c.Day
	}
	switch {
	case gap <= 0:
		return true, s.FreezesHeld, nil
	case rules.Freezes && gap <= s.FreezesHeld:
		return true, s.FreezesHeld - gap, daysFrom(s.LastDay+1, gap)
	default:
		return false, 0, nil
	}
}

// daysFrom returns n consecutive days starting at first.
func daysFrom(first Day, n int) []Day {
	days := make([]Day, n)
	for i := range days {
		days[i] = first + Day(i)
	}
	return days
}

// At returns the status on the day now (from NewCredit for the current instant, so that
// a move east keeps the streak shown alive until the credit). Freezes that cover days
// missed up to yesterday are shown as used, and the streak is shown broken only once the
// missed days exceed them.
func (s Summary) At(now Credit, rules Rules) Status {
	st := Status{Best: s.Best, TotalDays: s.TotalDays, LastDay: s.LastDay}
	if s.TotalDays == 0 {
		return st
	}
	if now.Day <= s.LastDay {
		st.TodayDone = true
		st.Current, st.FreezesHeld, st.FrozenDays = s.Run, s.FreezesHeld, s.FrozenDays
	} else if alive, held, frozen := s.continueTo(now, rules); alive {
		st.Current, st.FreezesHeld = s.Run, held
		st.FrozenDays = append(slices.Clip(s.FrozenDays), frozen...)
	}
	if !rules.Freezes {
		st.FreezesHeld = 0
	}
	return st
}
