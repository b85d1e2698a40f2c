package session

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidPlan is wrapped by every error about a routine that cannot be run.
var ErrInvalidPlan = errors.New("session: invalid routine")

// StepKind says what the members do during a step.
type StepKind int

// Step kinds. The zero value is invalid so that an unset kind is caught by Validate.
const (
	Exercise StepKind = iota + 1 // hold the exercise
	Rest                         // rest between repetitions of one exercise
	Prep                         // get into position for the next exercise
)

func (k StepKind) String() string {
	switch k {
	case Exercise:
		return "exercise"
	case Rest:
		return "rest"
	case Prep:
		return "prep"
	}
	return fmt.Sprintf("StepKind(%d)", int(k))
}

// ParseStepKind returns the StepKind whose String is name, or an error for a name no kind
// has. It names every kind String names (TestParseStepKind walks them all).
func ParseStepKind(name string) (StepKind, error) {
	switch name {
	case "exercise":
		return Exercise, nil
	case "rest":
		return Rest, nil
	case "prep":
		return Prep, nil
	}
	return 0, fmt.Errorf("unknown step kind %q", name)
}

// Step is one timed entry of a Plan. Exercise and Prep steps name the exercise being held
// or prepared; a Rest step names the exercise it rests from.
type Step struct {
	Kind         StepKind
	ExerciseID   string
	Name         string
	Instructions string   // the whole how-to, one line per instruction
	Cautions     []string // shown wherever the exercise is done
	Rep, Reps    int      // "rep Rep of Reps"; zero for Prep steps
	Side         string   // "left", "right" or empty
	Duration     time.Duration
	// Rest is the exercise's rest between repetitions (0 for none), to describe it.
	Rest time.Duration
	// ServerTimed: the articles give no time for this exercise, so the hold is the
	// server's choice.
	ServerTimed bool
}

// Plan is the timed list of steps a session walks through. A session's Plan is a snapshot
// taken at start and never modified afterwards, so copies of a Session may share it.
type Plan []Step

// RoutineItem is one exercise of a routine as the catalog describes it.
type RoutineItem struct {
	ExerciseID   string
	Name         string
	Instructions string
	Cautions     []string
	Hold         time.Duration // each repetition
	Reps         int           // at least 1
	Rest         time.Duration // between repetitions; 0 for none
	Side         string
	ServerTimed  bool
}

// BuildPlan expands items into steps: for each item, a Prep step to get into position, then
// hold, rest, hold, … , hold (Reps holds, Reps−1 rests; no rest after the last hold). The
// first exercise's Prep lasts leadIn, so nobody starts mid-hold; the others last prep. A
// zero length leaves that Prep step out.
func BuildPlan(items []RoutineItem, prep, leadIn time.Duration) (Plan, error) {
	if len(items) == 0 {
		return nil, fmt.Errorf("%w: no exercises", ErrInvalidPlan)
	}
	if prep < 0 || leadIn < 0 {
		return nil, fmt.Errorf("%w: negative prep gap %v or lead-in %v", ErrInvalidPlan, prep, leadIn)
	}
	var plan Plan
	for i, it := range items {
		if err := it.validate(); err != nil {
			return nil, fmt.Errorf("%w: item %d (%s): %v", ErrInvalidPlan, i+1, it.Name, err)
		}
		first := it.step()
		gap := prep
		if i == 0 {
			gap = leadIn
		}
		if gap > 0 {
			ready := first
			ready.Kind, ready.Rep, ready.Reps, ready.Duration = Prep, 0, 0, gap
			plan = append(plan, ready)
		}
		plan = append(plan, it.steps(first)...)
	}
	return plan, nil
}

func (it RoutineItem) validate() error {
	switch {
	case it.Hold <= 0:
		return fmt.Errorf("hold %v must be positive", it.Hold)
	case it.Reps < 1:
		return fmt.Errorf("reps %d must be at least 1", it.Reps)
	case it.Rest < 0:
		return fmt.Errorf("rest %v must not be negative", it.Rest)
	}
	return nil
}

// step is the item's first hold.
func (it RoutineItem) step() Step {
	return Step{Kind: Exercise, ExerciseID: it.ExerciseID, Name: it.Name, Instructions: it.Instructions,
		Cautions: it.Cautions, Rep: 1, Reps: it.Reps, Side: it.Side, Duration: it.Hold, Rest: it.Rest,
		ServerTimed: it.ServerTimed}
}

// steps expands the item from its first hold: Reps holds with Rest between them.
func (it RoutineItem) steps(first Step) []Step {
	steps := make([]Step, 0, 2*it.Reps-1)
	for rep := 1; rep <= it.Reps; rep++ {
		step := first
		step.Rep = rep
		steps = append(steps, step)
		if rep < it.Reps && it.Rest > 0 {
			step.Kind, step.Duration = Rest, it.Rest
			steps = append(steps, step)
		}
	}
	return steps
}

// Total is the planned duration of the whole plan.
func (p Plan) Total() time.Duration {
	var total time.Duration
	for _, s := range p {
		total += s.Duration
	}
	return total
}

// Validate reports whether p can be run: at least one step, each of positive duration and
// known kind. Plans loaded from storage go through it too.
func (p Plan) Validate() error {
	if len(p) == 0 {
		return fmt.Errorf("%w: no steps", ErrInvalidPlan)
	}
	for i, s := range p {
		if s.Duration <= 0 || s.Kind < Exercise || s.Kind > Prep {
			return fmt.Errorf("%w: step %d (%s %s, %v)", ErrInvalidPlan, i+1, s.Kind, s.Name, s.Duration)
		}
	}
	return nil
}

// locate finds the step that plan time offset falls in: its index and the plan time at
// which it starts. done is true when offset is at or past the end (index is then len(p)).
func (p Plan) locate(offset time.Duration) (index int, start time.Duration, done bool) {
	for i, s := range p {
		if offset < start+s.Duration {
			return i, start, false
		}
		start += s.Duration
	}
	return len(p), start, true
}
