package catalog

import "time"

// ServerHold is the hold a routine may give an exercise for which no source gives a time
// (the exercise-ball stretches): the time is then the server's choice, not the articles'.
var ServerHold = DurationRange{Min: 10 * time.Second, Max: time.Minute}

// Limits is the dosage a routine step may give an exercise: the union of the ranges its
// sources give (where they differ, from the lowest minimum to the highest maximum).
//
// A routine step is a number of holds (its xN). For most exercises a hold is one of the
// sources' repetitions, so xN is checked against Reps. Where a source counts its holds in
// sets of one hold each (the T-spine extension: hold 10 s, rest, 5 sets), xN counts those
// sets; in general a routine may hold an exercise at most MaxHolds times.
type Limits struct {
	Hold DurationRange // always set: the sources' range, or ServerHold
	Reps CountRange    // zero when no source gives a count
	Sets CountRange    // zero when no source gives sets
	// FromArticles is false when no source gives a hold time: Hold is then ServerHold,
	// the server's choice.
	FromArticles bool
}

// Limits returns the range a routine step may use for e, computed from its Dosage.
func (e *Exercise) Limits() Limits {
	var l Limits
	for _, d := range e.Dosage {
		l.Hold = unionDuration(l.Hold, d.Hold)
		l.Reps = unionCount(l.Reps, d.Reps)
		l.Sets = unionCount(l.Sets, d.Sets)
	}
	l.FromArticles = !l.Hold.IsZero()
	if !l.FromArticles {
		l.Hold = ServerHold
	}
	return l
}

// MaxHolds is how many holds of the exercise one routine may have in all: the most reps
// times the most sets the sources give, counting a missing figure as one. It is 0 when a
// source sets no upper bound ("3 or more"); the step syntax's MaxReps then applies.
func (l Limits) MaxHolds() int {
	reps, sets := 1, 1
	if !l.Reps.IsZero() {
		reps = l.Reps.Max
	}
	if !l.Sets.IsZero() {
		sets = l.Sets.Max
	}
	return reps * sets
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
