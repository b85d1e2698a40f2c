// Package catalog is the exercise catalog: the embedded exercises, routines, tips and safety
// notes, validated once by Load, with exact lookup, typo-tolerant suggestions, autocomplete,
// filtering and the compact routine-step syntax used by /routine create.
//
// It is pure domain code: it imports no Discord library and does no I/O besides reading the
// operator's optional extra file in Load. A *Catalog is immutable after Load and safe for
// concurrent use; the pointers it hands out point into it and must not be modified.
package catalog

import (
	"strings"
	"time"
)

// Category groups exercises by what they need. The string value is the slug used in the
// data file and as the slash-command choice value.
type Category string

// The four categories, from least to most setup.
const (
	CategoryNoEquipment  Category = "no-equipment"
	CategoryFurniture    Category = "household-furniture"
	CategoryEquipment    Category = "equipment"
	CategoryProfessional Category = "professional-or-helper"
)

// categories lists every valid category in display order.
func categories() []Category {
	return []Category{CategoryNoEquipment, CategoryFurniture, CategoryEquipment, CategoryProfessional}
}

// Label is the category's human name, e.g. "Household furniture"; "" for an invalid category.
func (c Category) Label() string {
	switch c {
	case CategoryNoEquipment:
		return "No equipment"
	case CategoryFurniture:
		return "Household furniture"
	case CategoryEquipment:
		return "Equipment"
	case CategoryProfessional:
		return "Professional or helper"
	}
	return ""
}

// Source is one of the texts the catalog's facts come from.
type Source struct {
	ID    string
	Title string
}

// Dosage is how long and how often one source says to do an exercise. A zero range means
// that source gives no figure for it.
type Dosage struct {
	Source string // Source.ID
	Hold   DurationRange
	Reps   CountRange // holds (or movements) per set
	Sets   CountRange
	Rest   DurationRange // between reps or sets
	Total  DurationRange // how long to keep repeating the hold-and-rest cycle, in all
	Note   string
}

// String renders the figures in one line, e.g. "hold 20–30 s, 4–5 reps. Rest between holds."
// It leaves out the source, which callers name from Source.
func (d Dosage) String() string {
	var parts []string
	if !d.Hold.IsZero() {
		parts = append(parts, "hold "+d.Hold.String())
	}
	if !d.Reps.IsZero() {
		parts = append(parts, d.Reps.String()+" reps")
	}
	if !d.Sets.IsZero() {
		parts = append(parts, d.Sets.String()+" sets")
	}
	if !d.Rest.IsZero() {
		parts = append(parts, "rest "+d.Rest.String())
	}
	if !d.Total.IsZero() {
		parts = append(parts, d.Total.String()+" in all")
	}
	line := strings.Join(parts, ", ")
	switch {
	case line == "":
		return d.Note
	case d.Note == "":
		return line + "."
	}
	return line + ". " + d.Note
}

// View is what one source says about an exercise (whether it helps, for whom, what it
// costs), kept per source because the sources do not always agree.
type View struct {
	Source string // Source.ID
	Text   string
}

// Exercise is one catalog entry. Cautions holds the exercise's own cautions only: the text
// of the safety notes it refers to (Safety), then any lines written for it alone. The
// catalog-wide ones (Catalog.GeneralCautions, and the one-line Catalog.GeneralRule) apply to
// every exercise and are shown beside them.
type Exercise struct {
	ID                string
	Name              string
	Aliases           []string
	Category          Category
	Equipment         []string // needed; an item may name alternatives ("bed or couch")
	OptionalEquipment []string // helps but is not needed
	Summary           string
	Steps             []string
	Dosage            []Dosage // one entry per source that gives figures, in file order
	Timed             bool     // false: not a self-timed hold, so routines cannot include it
	Cautions          []string
	Safety            []string // SafetyNote.IDs the exercise refers to, in its order
	Views             []View   // what each source says of it, in file order
	Sources           []string // Source.IDs
	// operator is true when the operator's extra file defines the exercise: its figures
	// are then the operator's, not (only) the articles'.
	operator bool
}

// DefaultHold is the hold a routine step uses when it names none: the low end of the first
// dosage that gives a hold, because starting short is the safe side. It is 0 when no source
// gives a hold time.
func (e *Exercise) DefaultHold() time.Duration {
	for _, d := range e.Dosage {
		if !d.Hold.IsZero() {
			return d.Hold.Min
		}
	}
	return 0
}

// Side is the optional side a routine step works on.
type Side string

// The sides a step may name; SideNone means the step names none.
const (
	SideNone  Side = ""
	SideLeft  Side = "left"
	SideRight Side = "right"
)

// RoutineStep is one exercise in a routine: Reps holds of Hold each, with Rest between them.
type RoutineStep struct {
	Exercise string // Exercise.ID of a timed exercise
	Hold     time.Duration
	Reps     int
	Rest     time.Duration // between reps only, never after the last one
	Side     Side
}

// Duration is the step's own length: every hold plus the rests between them (0 for a step
// with no reps).
func (s RoutineStep) Duration() time.Duration {
	if s.Reps < 1 {
		return 0
	}
	return time.Duration(s.Reps)*s.Hold + time.Duration(s.Reps-1)*s.Rest
}

// Routine is a named sequence of steps, built in or made by a server.
type Routine struct {
	ID          string
	Name        string
	Description string
	Steps       []RoutineStep
}

// TotalDuration is how long the routine takes when prepGap separates consecutive exercises:
// the sum of the steps' durations plus one gap between each pair of steps.
func (r *Routine) TotalDuration(prepGap time.Duration) time.Duration {
	var total time.Duration
	for i, s := range r.Steps {
		if i > 0 {
			total += prepGap
		}
		total += s.Duration()
	}
	return total
}

// Tip is advice that is not a timed exercise, such as sleeping position.
type Tip struct {
	ID      string
	Title   string
	Body    []string
	Sources []string
}

// SafetyNote is a safety rule, defined once. A non-empty EveryExercise is a short form of the
// rule that applies to every exercise (Catalog.GeneralCautions lists them). Exercises that
// need a note refer to it by id; they then show its Caution, a short form for one exercise,
// or its Body when it has none.
type SafetyNote struct {
	ID            string
	Title         string
	Body          []string
	EveryExercise string
	Caution       string
	Sources       []string
}

// Lines is what an exercise that refers to the note shows: its Caution, else its Body.
func (n *SafetyNote) Lines() []string {
	if n.Caution != "" {
		return []string{n.Caution}
	}
	return n.Body
}

// Choice is one slash-command choice or autocomplete suggestion: Name is shown (at most 100
// characters), Value is sent back (an id).
type Choice struct {
	Name  string
	Value string
}

// Catalog is the loaded, validated catalog. Build it with Load.
type Catalog struct {
	sources        []Source
	exercises      []*Exercise
	routines       []*Routine
	tips           []*Tip
	safety         []*SafetyNote
	general        []string // SafetyNote.EveryExercise of every note that has one
	generalRule    string
	exerciseSearch searchIndex
	routineSearch  searchIndex
	tipSearch      searchIndex
}

// Sources lists the source texts in file order.
func (c *Catalog) Sources() []Source { return c.sources }

// Source returns the source with the given id.
func (c *Catalog) Source(id string) (Source, bool) {
	for _, s := range c.sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}

// Exercises lists every exercise in catalog order (the data file's order, then new entries
// from the extra file).
func (c *Catalog) Exercises() []*Exercise { return c.exercises }

// Routines lists the built-in routines in catalog order.
func (c *Catalog) Routines() []*Routine { return c.routines }

// Tips lists the tips in catalog order.
func (c *Catalog) Tips() []*Tip { return c.tips }

// Safety lists the safety notes in catalog order.
func (c *Catalog) Safety() []*SafetyNote { return c.safety }

// GeneralCautions lists the short forms of the catalog-wide safety rules
// (SafetyNote.EveryExercise), in catalog order. They apply to every exercise, beside its own
// Cautions.
func (c *Catalog) GeneralCautions() []string { return c.general }

// GeneralRule is the general safety rule in one short line, for places that show an
// exercise to do but have room for one line only, such as a session step.
func (c *Catalog) GeneralRule() string { return c.generalRule }

// Tip finds a tip by id or title, ignoring case, punctuation and apostrophes.
func (c *Catalog) Tip(idOrTitle string) (*Tip, bool) {
	i, ok := c.tipSearch.exactMatch(idOrTitle)
	if !ok {
		return nil, false
	}
	return c.tips[i], true
}

// TipChoices lists every tip as a slash-command choice (title, id), for /tips [topic].
func (c *Catalog) TipChoices() []Choice {
	choices := make([]Choice, len(c.tips))
	for i, t := range c.tips {
		choices[i] = Choice{Name: t.Title, Value: t.ID}
	}
	return choices
}
