package catalog

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeExtra writes an operator file into a fresh temp dir and returns its path.
func writeExtra(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "extra.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// mustLoad loads the built-in catalog, failing the test on error.
func mustLoad(t testing.TB) *Catalog {
	t.Helper()
	c, err := Load("")
	if err != nil {
		t.Fatalf("Load(\"\"): %v", err)
	}
	return c
}

// exerciseYAML is a valid extra exercise; tests break one line of it at a time.
const exerciseYAML = `exercises:
  - id: wall-reach
    name: Wall reach
    category: no-equipment
    summary: Reach up a wall.
    steps:
      - Stand facing a wall.
      - Slide your hands up it.
    dosage:
      - source: ten-ways-at-home
        hold: 20s
    sources: [ten-ways-at-home]
`

func TestLoadReportsFileLineAndReason(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string // the whole error after the temp dir
	}{
		{
			name:    "unknown key is a typo",
			content: strings.Replace(exerciseYAML, "    category:", "    catgory:", 1),
			want:    `extra.yaml:4: unknown key "catgory"; did you mean "category"?`,
		},
		{
			name:    "unknown top-level section",
			content: "exercise:\n  - id: x\n",
			want:    `extra.yaml:1: unknown key "exercise"; did you mean "exercises"?`,
		},
		{
			name:    "repeated key",
			content: strings.Replace(exerciseYAML, "    summary: Reach up a wall.\n", "    summary: Reach up a wall.\n    summary: Again.\n", 1),
			want:    `extra.yaml:6: key "summary" is given twice; keep one`,
		},
		{
			name:    "duplicate id in one file",
			content: exerciseYAML + strings.TrimPrefix(exerciseYAML, "exercises:\n"),
			want:    `extra.yaml:13: exercise "wall-reach" is defined twice in this file (first at line 2); remove or rename one`,
		},
		{
			name:    "invalid category",
			content: strings.Replace(exerciseYAML, "category: no-equipment", "category: furniture", 1),
			want:    `extra.yaml:4: exercise "wall-reach" has category "furniture"; use one of no-equipment, household-furniture, equipment, professional-or-helper`,
		},
		{
			name:    "no steps",
			content: strings.Replace(exerciseYAML, "    steps:\n      - Stand facing a wall.\n      - Slide your hands up it.\n", "    steps: []\n", 1),
			want:    `extra.yaml:6: exercise "wall-reach" steps is empty; add at least one`,
		},
		{
			name:    "empty name",
			content: strings.Replace(exerciseYAML, "name: Wall reach", `name: ""`, 1),
			want:    `extra.yaml:3: exercise "wall-reach" name is empty; fill it in`,
		},
		{
			name:    "id is not a slug",
			content: strings.Replace(exerciseYAML, "id: wall-reach", "id: Wall Reach", 1),
			want:    `extra.yaml:2: exercise id "Wall Reach" is not a slug; use lowercase letters, digits and single hyphens (at most 64 characters), like childs-pose`,
		},
		{
			name:    "hold out of range",
			content: strings.Replace(exerciseYAML, "hold: 20s", "hold: 2s", 1),
			want:    `extra.yaml:11: exercise "wall-reach" dosage 1 hold 2s is outside 5s to 10m`,
		},
		{
			name:    "range without units",
			content: strings.Replace(exerciseYAML, "hold: 20s", "hold: 1-2m", 1),
			want:    `extra.yaml:11: exercise "wall-reach" dosage 1 hold: "1-2m" needs a unit on both ends, like 1m-2m`,
		},
		{
			name:    "reps out of range",
			content: strings.Replace(exerciseYAML, "hold: 20s", "hold: 20s\n        reps: 30", 1),
			want:    `extra.yaml:12: exercise "wall-reach" dosage 1 reps 30 is outside 1 to 20`,
		},
		{
			name:    "dosage source not among the exercise's sources",
			content: strings.Replace(exerciseYAML, "      - source: ten-ways-at-home", "      - source: decompress-home-sleep-hang", 1),
			want:    `extra.yaml:10: exercise "wall-reach" dosage 1 names source "decompress-home-sleep-hang", which is not in the exercise's sources; add it there or fix the id`,
		},
		{
			name:    "unknown source",
			content: strings.Replace(exerciseYAML, "    sources: [ten-ways-at-home]", "    sources: [ten-ways-at-home, my-physio]", 1),
			want:    `extra.yaml:12: exercise "wall-reach" cites unknown source "my-physio"; add it under sources or fix the id`,
		},
		{
			name:    "alias already names another exercise",
			content: strings.Replace(exerciseYAML, "    category:", "    aliases: [Balasana]\n    category:", 1),
			want:    `extra.yaml:4: exercise "wall-reach" answers to "Balasana", which already names exercise "childs-pose"; remove it from one of them`,
		},
		{
			name:    "timed is not a boolean",
			content: strings.Replace(exerciseYAML, "    sources:", "    timed: yes\n    sources:", 1),
			want:    `extra.yaml:12: "timed" should be true or false`,
		},
		{
			name:    "a list where one value belongs",
			content: strings.Replace(exerciseYAML, "summary: Reach up a wall.", "summary: [Reach, up]", 1),
			want:    `extra.yaml:5: "summary" should be a single value, not a list or a set of keys`,
		},
		{
			name:    "one value where a list belongs",
			content: strings.Replace(exerciseYAML, "    steps:\n      - Stand facing a wall.\n      - Slide your hands up it.\n", "    steps: Stand facing a wall.\n", 1),
			want:    `extra.yaml:6: "steps" should be a list`,
		},
		{
			name:    "step too long",
			content: strings.Replace(exerciseYAML, "Slide your hands up it.", strings.Repeat("a", 301), 1),
			want:    `extra.yaml:8: exercise "wall-reach" steps item 2 is 301 characters; shorten it to 300`,
		},
		{
			name:    "malformed YAML",
			content: "exercises:\n  - id: x\n    name: y: z\n",
			want:    `extra.yaml:3: the YAML is malformed: mapping values are not allowed in this context`,
		},
		{
			name:    "routine step names an unknown exercise",
			content: "routines:\n  - id: x\n    name: X\n    description: Test.\n    steps:\n      - childs-pose 30s\n      - cat-strech 20s\n",
			want:    `extra.yaml:7: routine "x" step 2: unknown exercise "cat-strech" — did you mean cat-stretch?`,
		},
		{
			name:    "routine step names an untimed exercise",
			content: "routines:\n  - id: x\n    name: X\n    description: Test.\n    steps:\n      - manual-traction 30s\n",
			want:    `extra.yaml:6: routine "x" step 1: manual-traction can't be timed in a routine (it needs a professional or a helper)`,
		},
		{
			name:    "routine hold too long",
			content: "routines:\n  - id: x\n    name: X\n    description: Test.\n    steps:\n      - dead-hang 11m\n",
			want:    `extra.yaml:6: routine "x" step 1: dead-hang holds 1 to 2 min in the articles; 11m is longer.`,
		},
		{
			name:    "caution refers to an unknown safety note",
			content: strings.Replace(exerciseYAML, "    sources: [ten-ways-at-home]\n", "    cautions: [leave-the-ball-slowly, inversion-condition]\n    sources: [ten-ways-at-home]\n", 1),
			want:    `extra.yaml:12: exercise "wall-reach" caution 2 refers to safety note "inversion-condition", which does not exist; add it under safety or fix the id`,
		},
		{
			name:    "caution refers to a note that applies to every exercise",
			content: strings.Replace(exerciseYAML, "    sources: [ten-ways-at-home]\n", "    cautions:\n      - Mind the wall.\n      - stop-at-pain\n    sources: [ten-ways-at-home]\n", 1),
			want:    `extra.yaml:14: exercise "wall-reach" caution 2 refers to safety note "stop-at-pain", which applies to every exercise already; remove it here`,
		},
		{
			name:    "view cites a source the exercise does not",
			content: strings.Replace(exerciseYAML, "    sources: [ten-ways-at-home]\n", "    views:\n      - source: decompress-home-sleep-hang\n        text: Helps.\n    sources: [ten-ways-at-home]\n", 1),
			want:    `extra.yaml:13: exercise "wall-reach" view 1 names source "decompress-home-sleep-hang", which is not in the exercise's sources; add it there or fix the id`,
		},
		{
			name:    "routine beyond the articles' count",
			content: "routines:\n  - id: x\n    name: X\n    description: Test.\n    steps:\n      - cat-stretch 20s\n      - cat-stretch 20s\n",
			want:    `extra.yaml:7: routine "x" step 2: cat-stretch is held once in the articles; steps 1 and 2 come to 2 holds.`,
		},
		{
			name:    "routine name taken by a built-in routine",
			content: "routines:\n  - id: my-desk\n    name: Desk Break\n    description: Test.\n    steps:\n      - childs-pose 30s\n",
			want:    `extra.yaml:3: routine "my-desk" is named "Desk Break" like another routine; give it a distinct name`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeExtra(t, tt.content)
			c, err := Load(path)
			if err == nil {
				t.Fatalf("Load succeeded, want error %q", tt.want)
			}
			if c != nil {
				t.Errorf("Load returned a catalog along with error %v", err)
			}
			got := strings.TrimPrefix(err.Error(), filepath.Dir(path)+string(filepath.Separator))
			if got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestLoadMissingExtraFileNamesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("Load(%q) error = %v, want one naming the file", path, err)
	}
}

func TestLoadEmptyExtraFileChangesNothing(t *testing.T) {
	c, err := Load(writeExtra(t, "# nothing yet\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(c.Exercises()), len(mustLoad(t).Exercises()); got != want {
		t.Errorf("%d exercises, want the built-in %d", got, want)
	}
}

func TestLoadExtraOverridesByIDAndAppendsNew(t *testing.T) {
	extra := exerciseYAML + `  - id: childs-pose
    name: Child's pose (our way)
    aliases: [balasana]
    category: no-equipment
    summary: Our own wording.
    steps: [Kneel., Fold forward.]
    dosage:
      - source: ten-ways-at-home
        hold: 45s
      - source: ten-ways-at-home
        hold: 20s-30s
        reps: 3+
    sources: [ten-ways-at-home]
routines:
  - id: desk-break
    name: Desk break
    description: Replaced by the operator.
    steps: [wall-reach, childs-pose x2 rest 5s]
  - id: wall-time
    name: Wall time
    description: New routine.
    steps: [wall-reach 20s]
tips:
  - id: drink-water
    title: Drink water
    body: [Have a glass nearby.]
    sources: [ten-ways-at-home]
`
	base := mustLoad(t)
	c, err := Load(writeExtra(t, extra))
	if err != nil {
		t.Fatal(err)
	}

	if got, want := len(c.Exercises()), len(base.Exercises())+1; got != want {
		t.Errorf("%d exercises, want %d (one added, one replaced)", got, want)
	}
	pos := slices.IndexFunc(c.Exercises(), func(e *Exercise) bool { return e.ID == "childs-pose" })
	basePos := slices.IndexFunc(base.Exercises(), func(e *Exercise) bool { return e.ID == "childs-pose" })
	if pos != basePos {
		t.Errorf("overridden childs-pose moved from position %d to %d", basePos, pos)
	}
	child, ok := c.Exercise("balasana")
	if !ok || child.Name != "Child's pose (our way)" || child.DefaultHold().String() != "45s" {
		t.Errorf("Exercise(balasana) = %+v, %v; want the operator's version with a 45s hold", child, ok)
	}
	if _, ok := c.Exercise("resting pose"); ok {
		t.Error("the replaced exercise's old alias still resolves")
	}
	if last := c.Exercises()[len(c.Exercises())-1]; last.ID != "wall-reach" {
		t.Errorf("last exercise = %s, want the new wall-reach appended", last.ID)
	}
	if !slices.Contains(c.GeneralCautions(), "Stop if it hurts; never push through pain.") || slices.Contains(child.Cautions, "Stop if it hurts; never push through pain.") {
		t.Errorf("general cautions %q should hold the stop-at-pain rule, and the operator exercise's own cautions %q should not", c.GeneralCautions(), child.Cautions)
	}

	desk, ok := c.Routine("desk-break", nil)
	if !ok || desk.Description != "Replaced by the operator." {
		t.Fatalf("desk-break = %+v, want the operator's version", desk)
	}
	if got, want := FormatSteps(desk.Steps), "wall-reach 20s, childs-pose 45s x2 rest 5s"; got != want {
		t.Errorf("desk-break steps = %q, want %q (defaults from the merged exercises)", got, want)
	}
	if _, ok := c.Routine("Wall time", nil); !ok {
		t.Error("new routine Wall time not found")
	}
	if _, ok := c.Tip("drink water"); !ok {
		t.Error("new tip not found")
	}
}

func TestLoadOverrideThatBreaksABuiltInRoutinePointsAtTheRoutine(t *testing.T) {
	extra := `exercises:
  - id: cat-stretch
    name: Cat stretch
    category: no-equipment
    summary: Changed.
    steps: [Do it.]
    timed: false
    sources: [ten-ways-at-home]
`
	_, err := Load(writeExtra(t, extra))
	want := `routine "floor-flow" step 1: cat-stretch can't be timed in a routine (it is not a held stretch)`
	if err == nil || !strings.HasPrefix(err.Error(), embeddedName+":") || !strings.HasSuffix(err.Error(), want) {
		t.Fatalf("error = %v, want %s:<line>: %s", err, embeddedName, want)
	}
}

// An operator's file may widen an exercise's range; the figures are then the operator's,
// and refusals say so.
func TestLoadExtraMayWidenAnExercisesLimits(t *testing.T) {
	const widened = `exercises:
  - id: dead-hang
    name: Dead hang
    category: equipment
    equipment: [pull-up bar]
    summary: Hang from a bar.
    steps: [Hang.]
    dosage:
      - source: decompress-home-sleep-hang
        hold: 1m-4m
    sources: [decompress-home-sleep-hang]
`
	base := mustLoad(t)
	if _, err := ParseSteps("dead-hang 4m", base); err == nil {
		t.Fatal("the built-in catalog accepts a 4-minute dead hang")
	}
	c, err := Load(writeExtra(t, widened))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseSteps("dead-hang 4m", c); err != nil {
		t.Errorf("widened dead hang refused: %v", err)
	}
	_, err = ParseSteps("dead-hang 5m", c)
	if want := "step 1: dead-hang holds 1 to 4 min in this bot's catalog (its operator's own figures); 5m is longer."; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	ex, _ := c.Exercise("dead-hang")
	if l := ex.Limits(); !l.Operator || !l.FromArticles {
		t.Errorf("limits = %+v, want the operator's figures", l)
	}
	if ex, _ := base.Exercise("dead-hang"); ex.Limits().Operator {
		t.Error("the built-in dead hang counts as the operator's")
	}
}

// Safety notes are written once and shared by reference: the exercises that refer to a note
// show its text, and no caution line is repeated by hand between exercises.
func TestCautionsReferToSafetyNotes(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		exercise string
		notes    []string
	}{
		{"inversion-table", []string{"inversion-conditions"}},
		{"exercise-ball-face-down", []string{"leave-the-ball-slowly"}},
		{"exercise-ball-face-up", []string{"leave-the-ball-slowly"}},
		{"lower-back-extension", []string{"back-extension-torso-weight"}},
		{"manual-traction", []string{"traction-at-a-practice"}},
		{"mechanical-traction", []string{"traction-at-a-practice"}},
	}
	notes := map[string]*SafetyNote{}
	for _, n := range c.Safety() {
		notes[n.ID] = n
	}
	for _, tt := range tests {
		ex, _ := c.Exercise(tt.exercise)
		if !slices.Equal(ex.Safety, tt.notes) {
			t.Errorf("%s refers to %q, want %q", tt.exercise, ex.Safety, tt.notes)
		}
		for _, id := range tt.notes {
			for _, line := range notes[id].Lines() {
				if !slices.Contains(ex.Cautions, line) {
					t.Errorf("%s cautions %q lack note %s's %q", tt.exercise, ex.Cautions, id, line)
				}
			}
		}
	}
	// A line two exercises share must come from a note they both refer to.
	owner := map[string]string{}
	for _, ex := range c.Exercises() {
		var fromNotes []string
		for _, id := range ex.Safety {
			fromNotes = append(fromNotes, notes[id].Lines()...)
		}
		for _, line := range ex.Cautions {
			if slices.Contains(fromNotes, line) {
				continue
			}
			if other, dup := owner[line]; dup {
				t.Errorf("%s and %s both spell out %q; make it a safety note and refer to it", other, ex.ID, line)
			}
			owner[line] = ex.ID
		}
	}
}
