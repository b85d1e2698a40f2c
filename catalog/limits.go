package catalog

import (
	"fmt"
	"strings"
	"time"
)

// ServerHold is the hold a routine may give an exercise for which no source gives a time
// (the exercise-ball stretches): the time is then the server's choice, not the articles'.
var ServerHold = DurationRange{Min: 10 * time.Second, Max: time.Minute}

// Limits is the dosage a routine step may give an exercise: the union of the ranges its
// sources give (where they differ, from the lowest minimum to the highest maximum). An
// operator who redefines an exercise in the extra catalog file may widen them (Operator).
//
// A routine step is a number of holds (its xN). For most exercises a hold is one of the
// sources' repetitions, so xN is checked against Reps. Where a source counts its holds in
// sets of one hold each (the T-spine extension: hold 10 s, rest, 5 sets), xN counts those
// sets. In general one routine may hold an exercise at most MaxHolds times in all, across
// its steps; a source that only says "repeat" gives no count, so a routine holds that
// exercise once. Fewer holds than a source suggests are allowed.
type Limits struct {
	Hold DurationRange // always set: the sources' range, or ServerHold
	Reps CountRange    // zero when no source gives a count
	Sets CountRange    // zero when no source gives sets
	Rest DurationRange // between holds; zero when no source gives a rest time
	// Total is how long a source says to keep repeating the hold-and-rest cycle (the
	// inversion table: 10-15 minutes); a routine's steps of the exercise last at most
	// Total.Max in all. Zero when no source gives one.
	Total DurationRange
	// FromArticles is false when no source gives a hold time: Hold is then ServerHold,
	// the server's choice.
	FromArticles bool
	// Operator is true when the operator's extra catalog file defines the exercise, so
	// the figures are theirs to answer for, not necessarily the articles'.
	Operator bool
}

// Limits returns the range a routine step may use for e, computed from its Dosage.
func (e *Exercise) Limits() Limits {
	l := Limits{Operator: e.operator}
	for _, d := range e.Dosage {
		l.Hold = unionDuration(l.Hold, d.Hold)
		l.Reps = unionCount(l.Reps, d.Reps)
		l.Sets = unionCount(l.Sets, d.Sets)
		l.Rest = unionDuration(l.Rest, d.Rest)
		l.Total = unionDuration(l.Total, d.Total)
	}
	l.FromArticles = !l.Hold.IsZero()
	if !l.FromArticles {
		l.Hold = ServerHold
	}
	return l
}

// MaxHolds is how many holds of the exercise one routine may have in all: the most reps
// times the most sets the sources give, counting a missing figure as one. It is 0 when a
// source sets no upper bound ("3 or more") or counts time instead (Total); the step syntax's
// MaxReps, and Total, then apply.
func (l Limits) MaxHolds() int {
	if (!l.Reps.IsZero() && l.Reps.Max == 0) || (!l.Sets.IsZero() && l.Sets.Max == 0) {
		return 0
	}
	if !l.Total.IsZero() && l.Reps.IsZero() && l.Sets.IsZero() {
		return 0 // the sources count time, not holds: Total bounds the steps
	}
	reps, sets := 1, 1
	if !l.Reps.IsZero() {
		reps = l.Reps.Max
	}
	if !l.Sets.IsZero() {
		sets = l.Sets.Max
	}
	return reps * sets
}

// String describes what a routine may do with the exercise, for its card: "hold 15–30 s,
// at most 5 holds", "hold 30 s–1 min, rest 20–30 s between holds, at most 15 min in all",
// or, with no time from the articles, "hold 10 s–1 min (the server's choice, not the
// articles'), once".
func (l Limits) String() string {
	parts := []string{"hold " + l.Hold.String()}
	if !l.FromArticles {
		parts[0] += " (the server's choice, not the articles')"
	}
	if !l.Rest.IsZero() {
		parts = append(parts, "rest "+l.Rest.String()+" between holds")
	}
	switch most := l.MaxHolds(); {
	case most == 1:
		parts = append(parts, "once")
	case most > 1:
		parts = append(parts, fmt.Sprintf("at most %d holds", most))
	}
	if !l.Total.IsZero() {
		parts = append(parts, "at most "+humanDuration(l.Total.Max)+" in all")
	}
	return strings.Join(parts, ", ")
}

// where names who gives the figures: "in the articles", or the operator's file.
func (l Limits) where() string {
	if l.Operator {
		return "in this bot's catalog (its operator's own figures)"
	}
	return "in the articles"
}

// checkHold refuses a hold outside l.Hold in one sentence naming the range and its
// source; word is the hold as the member wrote it.
func (l Limits) checkHold(id string, hold time.Duration, word string) error {
	var compared string
	switch {
	case hold > l.Hold.Max:
		compared = word + " is longer"
	case hold < l.Hold.Min:
		compared = word + " is shorter"
	default:
		return nil
	}
	if !l.FromArticles {
		return fmt.Errorf("the articles give no hold time for %s, so a routine may hold it %s (the server's choice, not the articles'); %s.",
			id, durationWords(l.Hold), compared)
	}
	return fmt.Errorf("%s holds %s %s; %s.", id, durationWords(l.Hold), l.where(), compared)
}

// checkRest refuses a rest between holds outside the sources' rest range.
func (l Limits) checkRest(id string, rest time.Duration) error {
	var compared string
	switch {
	case l.Rest.IsZero():
		return nil
	case rest > l.Rest.Max:
		compared = "is longer"
	case rest < l.Rest.Min:
		compared = "is shorter"
	default:
		return nil
	}
	return fmt.Errorf("%s rests %s between holds %s; rest %s %s.", id, durationWords(l.Rest), l.where(), FormatDuration(rest), compared)
}

// howOften describes MaxHolds in words: "3 to 4 times", "in 5 sets of one hold", "once".
func (l Limits) howOften() string {
	switch {
	case l.Reps.IsZero() && l.Sets.IsZero():
		return "held once"
	case l.Sets.IsZero():
		return "done " + countWords(l.Reps) + " times"
	case l.Reps.IsZero():
		return "done in " + countWords(l.Sets) + " sets of one hold"
	}
	return "done in " + countWords(l.Sets) + " sets of " + countWords(l.Reps)
}

// checkHolds refuses more holds than the sources give. holds is the step's count (xN) when
// steps is empty, else the routine's total over the numbered steps.
func (l Limits) checkHolds(id string, holds int, steps []int) error {
	most := l.MaxHolds()
	if most == 0 || holds <= most {
		return nil
	}
	if len(steps) < 2 {
		return fmt.Errorf("%s is %s %s; x%d is more.", id, l.howOften(), l.where(), holds)
	}
	return fmt.Errorf("%s is %s %s; %s come to %d holds.", id, l.howOften(), l.where(), stepList(steps), holds)
}

// checkTotal refuses steps of the exercise that last longer in all than the sources say to
// keep going.
func (l Limits) checkTotal(id string, total time.Duration, steps []int) error {
	if l.Total.IsZero() || total <= l.Total.Max {
		return nil
	}
	what := "this step lasts"
	if len(steps) > 1 {
		what = stepList(steps) + " last"
	}
	return fmt.Errorf("%s is repeated for %s in all %s; %s %s, longer.", id, durationWords(l.Total), l.where(), what, humanDuration(total))
}

// stepList writes "steps 1 and 3", "steps 1, 2 and 4".
func stepList(steps []int) string {
	nums := make([]string, len(steps))
	for i, n := range steps {
		nums[i] = fmt.Sprint(n)
	}
	return "steps " + joinAnd(nums)
}

func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// durationWords writes a range for a sentence: "20 s", "15 to 30 s", "1 to 2 min",
// "30 s to 1 min".
func durationWords(r DurationRange) string {
	switch {
	case r.Min == r.Max:
		return humanDuration(r.Min)
	case r.Max < time.Minute:
		return fmt.Sprintf("%d to %d s", r.Min/time.Second, r.Max/time.Second)
	case r.Min%time.Minute == 0 && r.Max%time.Minute == 0:
		return fmt.Sprintf("%d to %d min", r.Min/time.Minute, r.Max/time.Minute)
	}
	return humanDuration(r.Min) + " to " + humanDuration(r.Max)
}

// countWords writes a count for a sentence: "5", "3 to 4", "3 or more".
func countWords(r CountRange) string {
	switch {
	case r.Max == 0:
		return fmt.Sprintf("%d or more", r.Min)
	case r.Min == r.Max:
		return fmt.Sprint(r.Min)
	}
	return fmt.Sprintf("%d to %d", r.Min, r.Max)
}

// unionDuration is the smallest range holding both a and b; a zero range holds nothing.
func unionDuration(a, b DurationRange) DurationRange {
	switch {
	case a.IsZero():
		return b
	case b.IsZero():
		return a
	}
	return DurationRange{Min: min(a.Min, b.Min), Max: max(a.Max, b.Max)}
}

// unionCount is the smallest count range holding both a and b; an open range ("3 or more",
// Max 0) keeps the union open.
func unionCount(a, b CountRange) CountRange {
	switch {
	case a.IsZero():
		return b
	case b.IsZero():
		return a
	}
	u := CountRange{Min: min(a.Min, b.Min), Max: max(a.Max, b.Max)}
	if a.Max == 0 || b.Max == 0 {
		u.Max = 0
	}
	return u
}
