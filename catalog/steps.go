package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// StepError is a mistake in routine-step text, meant to be shown to the member who typed
// it. Step is 1-based; 0 means the text as a whole.
type StepError struct {
	Step   int
	Reason string
}

func (e *StepError) Error() string {
	if e.Step == 0 {
		return e.Reason
	}
	return fmt.Sprintf("step %d: %s", e.Step, e.Reason)
}

// ParseSteps reads routine steps written as in /routine create:
//
//	overhead-stretch 30s x3 rest 10s, childs-pose 30s, cat-stretch 20s
//
// Steps are separated by commas or new lines. Each starts with an exercise (id, name or
// alias, so "child's pose" works), followed in any order by a hold (30s, 1m, 1m30s, 90),
// reps (x3), a rest between reps (rest 10s) and a side (left or right). A step without a
// hold uses the exercise's DefaultHold; reps default to 1; rest defaults to the shortest
// rest the sources give between holds, else none. Only timed exercises can be steps, and
// there may be at most MaxRoutineSteps of them.
//
// The dosages the sources give are the limits (Exercise.Limits): a hold within their range,
// a rest within theirs, and no more holds of one exercise in the whole routine (per side)
// than they give, nor longer in all; reps are at most MaxReps and rest at most MaxRest in
// any case. Errors are *StepError, one sentence naming the range and its source.
func ParseSteps(text string, cat *Catalog) ([]RoutineStep, error) {
	pieces := splitSteps(text)
	switch {
	case len(pieces) == 0:
		return nil, &StepError{Reason: "no steps given; write them like overhead-stretch 30s x3 rest 10s, childs-pose 30s"}
	case len(pieces) > MaxRoutineSteps:
		return nil, &StepError{Reason: fmt.Sprintf("%d steps is too many; a routine has at most %d", len(pieces), MaxRoutineSteps)}
	}
	steps := make([]RoutineStep, len(pieces))
	for i, piece := range pieces {
		step, err := parseStep(piece, cat)
		if err != nil {
			return nil, &StepError{Step: i + 1, Reason: err.Error()}
		}
		steps[i] = step
	}
	if i, err := checkRoutineTotals(steps, cat); err != nil {
		return nil, &StepError{Step: i + 1, Reason: err.Error()}
	}
	return steps, nil
}

// checkRoutineTotals checks what only the whole routine shows: that the steps of one
// exercise (on one side) do not add up to more holds, or a longer time, than its sources
// give. It returns the index of the step where the total first goes over.
func checkRoutineTotals(steps []RoutineStep, cat *Catalog) (int, error) {
	type key struct {
		exercise string
		side     Side
	}
	type sum struct {
		holds int
		time  time.Duration
		steps []int
	}
	sums := map[key]*sum{}
	for i, s := range steps {
		ex, ok := cat.Exercise(s.Exercise)
		if !ok {
			continue // parseStep has refused it already
		}
		k := key{s.Exercise, s.Side}
		t := sums[k]
		if t == nil {
			t = &sum{}
			sums[k] = t
		}
		t.holds += s.Reps
		t.time += s.Duration()
		t.steps = append(t.steps, i+1)
		l := ex.Limits()
		if err := firstError(l.checkHolds(ex.ID, t.holds, t.steps), l.checkTotal(ex.ID, t.time, t.steps)); err != nil {
			return i, err
		}
	}
	return 0, nil
}

// FormatSteps writes steps in the canonical ParseSteps syntax: exercise id, hold, then reps,
// rest and side only when they differ from the defaults. Every hold is written out, so the
// text means the same even if an exercise's default hold changes later.
func FormatSteps(steps []RoutineStep) string {
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = formatStep(s)
	}
	return strings.Join(parts, ", ")
}

func formatStep(s RoutineStep) string {
	fields := []string{s.Exercise, FormatDuration(s.Hold)}
	if s.Reps > 1 {
		fields = append(fields, "x"+strconv.Itoa(s.Reps))
	}
	if s.Rest > 0 {
		fields = append(fields, "rest", FormatDuration(s.Rest))
	}
	if s.Side != SideNone {
		fields = append(fields, string(s.Side))
	}
	return strings.Join(fields, " ")
}

// splitSteps cuts the text at commas and new lines, dropping blank pieces (a trailing
// comma is not a mistake worth an error).
func splitSteps(text string) []string {
	var pieces []string
	for _, p := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			pieces = append(pieces, p)
		}
	}
	return pieces
}

// stepDraft collects a step's parts while its words are read.
type stepDraft struct {
	name             []string
	holdWord         string // the hold as written, to quote it back
	hold, rest       time.Duration
	reps             int
	hasHold, hasReps bool
	hasRest, sided   bool
	side             Side
}

// parseStep reads one step. Its error is a sentence without the step number, which the
// caller adds.
func parseStep(text string, cat *Catalog) (RoutineStep, error) {
	d := stepDraft{}
	words := joinUnits(strings.Fields(strings.ToLower(text)))
	for i := 0; i < len(words); i++ {
		consumed, err := d.readWord(words, i)
		if err != nil {
			return RoutineStep{}, err
		}
		i += consumed
	}
	ex, err := resolveStepExercise(d.name, cat)
	if err != nil {
		return RoutineStep{}, err
	}
	return d.finish(ex)
}

// readWord takes words[i] (and the duration after "rest") into the draft and returns how
// many extra words it used. Words before the first hold, reps, rest or side are the
// exercise's name.
func (d *stepDraft) readWord(words []string, i int) (int, error) {
	w := words[i]
	inName := !d.hasHold && !d.hasReps && !d.hasRest && !d.sided
	if dur, ok := parseDuration(w); ok {
		if d.hasHold {
			return 0, fmt.Errorf("two holds (%s and %s); give one", FormatDuration(d.hold), w)
		}
		d.hold, d.hasHold, d.holdWord = dur, true, w
		return 0, d.requireName(w)
	}
	if n, ok := parseReps(w); ok {
		if d.hasReps {
			return 0, fmt.Errorf("reps given twice (%q); give one, like x3", w)
		}
		d.reps, d.hasReps = n, true
		return 0, d.requireName(w)
	}
	switch w {
	case "rest":
		return 1, d.readRest(words, i)
	case string(SideLeft), string(SideRight):
		if d.sided {
			return 0, fmt.Errorf("two sides given; pick left or right")
		}
		d.side, d.sided = Side(w), true
		return 0, d.requireName(w)
	}
	if !inName {
		return 0, fmt.Errorf("%q is not understood here; after the exercise write a hold like 30s, reps like x3, rest 10s, or left/right", w)
	}
	if len(d.name) > 0 && startsWithDigit(w) {
		return 0, fmt.Errorf("%q is not a hold the step syntax reads; write whole minutes and seconds, like 30s or 1m30s", w)
	}
	d.name = append(d.name, w)
	return 0, nil
}

// requireName rejects a step that starts with a hold, reps or side instead of an exercise.
func (d *stepDraft) requireName(word string) error {
	if len(d.name) == 0 {
		return fmt.Errorf("starts with %q; start each step with an exercise, like childs-pose 30s", word)
	}
	return nil
}

func (d *stepDraft) readRest(words []string, i int) error {
	if err := d.requireName("rest"); err != nil {
		return err
	}
	if d.hasRest {
		return fmt.Errorf("rest given twice; give one, like rest 10s")
	}
	if i+1 >= len(words) {
		return fmt.Errorf("rest needs a duration, like rest 10s")
	}
	dur, ok := parseDuration(words[i+1])
	if !ok {
		return fmt.Errorf("rest %q is not a duration; write it like rest 10s", words[i+1])
	}
	d.rest, d.hasRest = dur, true
	return nil
}

// finish applies defaults and limits once the exercise is known.
func (d *stepDraft) finish(ex *Exercise) (RoutineStep, error) {
	limits := ex.Limits()
	if !d.hasHold {
		if d.hold = ex.DefaultHold(); d.hold == 0 {
			return RoutineStep{}, fmt.Errorf("the articles give no hold time for %s; give one from %s (the server's choice), like %s 30s.",
				ex.ID, durationWords(limits.Hold), ex.ID)
		}
		d.holdWord = FormatDuration(d.hold)
	}
	if !d.hasReps {
		d.reps = 1
	}
	if !d.hasRest && d.reps > 1 && !limits.Rest.IsZero() {
		d.rest = limits.Rest.Min
	}
	switch {
	case d.reps < MinReps:
		return RoutineStep{}, fmt.Errorf("x%d is too few reps (%d to %d)", d.reps, MinReps, MaxReps)
	case d.reps > MaxReps:
		return RoutineStep{}, fmt.Errorf("x%d is too many reps (%d to %d)", d.reps, MinReps, MaxReps)
	case d.rest > MaxRest:
		return RoutineStep{}, fmt.Errorf("rest %s is too long (0s to %s)", FormatDuration(d.rest), FormatDuration(MaxRest))
	case d.rest > 0 && d.reps == 1:
		return RoutineStep{}, fmt.Errorf("rest %s only applies between reps; add reps like x3 or drop the rest", FormatDuration(d.rest))
	}
	step := RoutineStep{Exercise: ex.ID, Hold: d.hold, Reps: d.reps, Rest: d.rest, Side: d.side}
	var rest error
	if d.reps > 1 {
		rest = limits.checkRest(ex.ID, d.rest)
	}
	if err := firstError(
		limits.checkHold(ex.ID, d.hold, d.holdWord),
		limits.checkHolds(ex.ID, d.reps, nil),
		rest,
		limits.checkTotal(ex.ID, step.Duration(), nil),
	); err != nil {
		return RoutineStep{}, err
	}
	return step, nil
}

// startsWithDigit reports whether w begins with an ASCII digit, as a hold does.
func startsWithDigit(w string) bool {
	return w != "" && w[0] >= '0' && w[0] <= '9'
}

// resolveStepExercise finds the step's exercise by exact id, name or alias and checks it
// can be timed.
func resolveStepExercise(name []string, cat *Catalog) (*Exercise, error) {
	query := strings.Join(name, " ")
	ex, suggestions := cat.ResolveExercise(query, 3)
	if ex == nil {
		if len(suggestions) == 0 {
			return nil, fmt.Errorf("unknown exercise %q, and no exercise has a similar name", query)
		}
		return nil, fmt.Errorf("unknown exercise %q — did you mean %s?", query, joinOr(exerciseIDs(suggestions)))
	}
	if !ex.Timed {
		return nil, fmt.Errorf("%s can't be timed in a routine (%s)", ex.ID, untimedReason(ex))
	}
	return ex, nil
}

func untimedReason(ex *Exercise) string {
	if ex.Category == CategoryProfessional {
		return "it needs a professional or a helper"
	}
	return "it is not a held stretch"
}

// parseReps reads "x3", "×3" or "3x". A zero count parses, so the range check can say
// what is wrong with it.
func parseReps(w string) (int, bool) {
	digits, ok := strings.CutPrefix(w, "x")
	if !ok {
		digits, ok = strings.CutPrefix(w, "×")
	}
	if !ok {
		digits, ok = strings.CutSuffix(w, "x")
	}
	if !ok || !isDigits(digits) || len(digits) > 3 {
		return 0, false
	}
	n, _ := strconv.Atoi(digits)
	return n, true
}

// joinUnits glues a unit written apart from its number back on: "30 s" -> "30s",
// "1 min" -> "1min", and "x 3" -> "x3".
func joinUnits(words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if n := len(out); n > 0 && joinsPrevious(out[n-1], w) {
			out[n-1] += w
			continue
		}
		out = append(out, w)
	}
	return out
}

func joinsPrevious(prev, w string) bool {
	if _, isUnit := durationUnit(w); isUnit && isDigits(prev) {
		return true
	}
	return (prev == "x" || prev == "×") && isDigits(w)
}

func exerciseIDs(es []*Exercise) []string {
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return ids
}

// joinOr writes "a", "a or b", "a, b or c".
func joinOr(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
