package catalog

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExerciseExactLookup(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		query  string
		wantID string // "" means not found
	}{
		{"childs-pose", "childs-pose"},
		{"childs pose", "childs-pose"},
		{"Child's Pose", "childs-pose"},
		{"child’s-pose", "childs-pose"},
		{"  CHILD'S   POSE!  ", "childs-pose"},
		{"balasana", "childs-pose"},
		{"child pose", "childs-pose"},
		{"T-spine extension", "t-spine-extension"},
		{"thoracic extension", "t-spine-extension"},
		{"dead hang", "dead-hang"},
		{"Dead hang from a stool", "assisted-dead-hang"},
		{"flexion distraction", "table-assisted-decompression"},
		{"Lower back extension (machine)", "lower-back-extension"},
		{"chlid pose", ""}, // typos are for Suggest
		{"deadhang", ""},
		{"", ""},
		{"!!!", ""},
	}
	for _, tt := range tests {
		ex, ok := c.Exercise(tt.query)
		switch {
		case tt.wantID == "" && ok:
			t.Errorf("Exercise(%q) = %s, want no exact match", tt.query, ex.ID)
		case tt.wantID != "" && (!ok || ex.ID != tt.wantID):
			t.Errorf("Exercise(%q) = %v, %v; want %s", tt.query, ex, ok, tt.wantID)
		}
	}
}

func TestSuggestFindsTyposFirst(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		query, wantFirst string
	}{
		{"chlid pose", "childs-pose"},
		{"deadhang", "dead-hang"},
		{"deadhnag", "dead-hang"},
		{"cat strech", "cat-stretch"},
		{"cow strech", "cow-stretch"},
		{"t spine", "t-spine-extension"},
		{"tspine", "t-spine-extension"},
		{"overhed strech", "overhead-stretch"},
		{"pose child", "childs-pose"},
		{"inversoin table", "inversion-table"},
		{"flexion", "table-assisted-decompression"},
		{"foam", "foam-rolling"},
		{"stool", "assisted-dead-hang"},
		{"edge of bed", "edge-of-bed-stretch"},
		{"areal yoga", "aerial-yoga"},
	}
	for _, tt := range tests {
		got := c.Suggest(tt.query, 3)
		if len(got) == 0 || got[0].ID != tt.wantFirst {
			t.Errorf("Suggest(%q) = %v, want %s first", tt.query, ids(got), tt.wantFirst)
		}
	}
}

func TestSuggestLeavesOutWhatIsNotClose(t *testing.T) {
	c := mustLoad(t)
	if got := c.Suggest("cat strech", 5); slices.Contains(ids(got), "cow-stretch") {
		t.Errorf("Suggest(cat strech) = %v, should not offer cow-stretch", ids(got))
	}
	for _, q := range []string{"", "zzzqqxx", "!!"} {
		if got := c.Suggest(q, 5); len(got) != 0 {
			t.Errorf("Suggest(%q) = %v, want nothing", q, ids(got))
		}
	}
	if got := c.Suggest("stretch", 2); len(got) != 2 {
		t.Errorf("Suggest(stretch, 2) returned %d, want exactly 2", len(got))
	}
}

func TestResolveExercise(t *testing.T) {
	c := mustLoad(t)
	ex, sugg := c.ResolveExercise("Child's pose", 3)
	if ex == nil || ex.ID != "childs-pose" || sugg != nil {
		t.Errorf("ResolveExercise(Child's pose) = %v, %v; want childs-pose and no suggestions", ex, ids(sugg))
	}
	ex, sugg = c.ResolveExercise("chlid pose", 3)
	if ex != nil || len(sugg) == 0 || sugg[0].ID != "childs-pose" {
		t.Errorf("ResolveExercise(chlid pose) = %v, %v; want nil and childs-pose first", ex, ids(sugg))
	}
	ex, sugg = c.ResolveExercise("zzzqqxx", 3)
	if ex != nil || len(sugg) != 0 {
		t.Errorf("ResolveExercise(zzzqqxx) = %v, %v; want nothing", ex, ids(sugg))
	}
}

func TestComplete(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		query     string
		limit     int
		wantFirst Choice
		maxLen    int
	}{
		{"", 0, Choice{"Overhead stretch", "overhead-stretch"}, MaxChoices},
		{"ch", 25, Choice{"Child's pose", "childs-pose"}, 25},
		{"de", 25, Choice{"Dead hang", "dead-hang"}, 25},
		{"ca", 25, Choice{"Cat stretch", "cat-stretch"}, 25},
		{"chlid", 25, Choice{"Child's pose", "childs-pose"}, 25},
		{"bala", 25, Choice{"Child's pose (balasana)", "childs-pose"}, 25},
		{"stool", 25, Choice{"Assisted dead hang from a stool (stool hang)", "assisted-dead-hang"}, 25},
		{"thor", 25, Choice{"T-spine extension (thoracic extension)", "t-spine-extension"}, 25},
		{"stretch", 3, Choice{"Overhead stretch", "overhead-stretch"}, 3},
	}
	for _, tt := range tests {
		got := c.Complete(tt.query, tt.limit)
		if first(got) != tt.wantFirst {
			t.Errorf("Complete(%q) first = %v, want %v (all: %v)", tt.query, first(got), tt.wantFirst, got)
		}
		if len(got) > tt.maxLen {
			t.Errorf("Complete(%q, %d) gave %d choices, want at most %d", tt.query, tt.limit, len(got), tt.maxLen)
		}
		checkChoices(t, got)
	}
	if got := c.Complete("", 0); len(got) != min(len(c.Exercises()), MaxChoices) {
		t.Errorf("Complete(\"\") gave %d choices, want the first %d exercises", len(got), min(len(c.Exercises()), MaxChoices))
	}
	if got := c.Complete("zzzqqxx", 25); len(got) != 0 {
		t.Errorf("Complete(zzzqqxx) = %v, want none", got)
	}
}

func TestCompleteNeverExceedsDiscordsLimit(t *testing.T) {
	var extra strings.Builder
	extra.WriteString("exercises:\n")
	for i := range 30 {
		fmt.Fprintf(&extra, "  - {id: wall-stretch-%d, name: Wall stretch %d, category: no-equipment, summary: S., steps: [Do it.], timed: false, sources: [ten-ways-at-home]}\n", i, i)
	}
	c, err := Load(writeExtra(t, extra.String()))
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{0, 25, 26, 1000} {
		for _, q := range []string{"", "wa", "wall strech"} {
			if got := c.Complete(q, limit); len(got) != MaxChoices {
				t.Errorf("Complete(%q, %d) gave %d choices, want exactly %d", q, limit, len(got), MaxChoices)
			}
		}
	}
	if got := c.Complete("wa", 3); len(got) != 3 {
		t.Errorf("Complete(wa, 3) gave %d choices, want 3", len(got))
	}
}

// checkChoices asserts Discord's rules for choices: 1-100 character names and values, no
// repeated values.
func checkChoices(t *testing.T, choices []Choice) {
	t.Helper()
	seen := map[string]bool{}
	for _, ch := range choices {
		if n := utf8.RuneCountInString(ch.Name); n == 0 || n > 100 {
			t.Errorf("choice name %q has %d characters, want 1-100", ch.Name, n)
		}
		if n := utf8.RuneCountInString(ch.Value); n == 0 || n > 100 {
			t.Errorf("choice value %q has %d characters, want 1-100", ch.Value, n)
		}
		if seen[ch.Value] {
			t.Errorf("choice value %q repeated", ch.Value)
		}
		seen[ch.Value] = true
	}
}

func TestRoutineLookupIncludesCustomRoutines(t *testing.T) {
	c := mustLoad(t)
	custom := []Routine{
		{ID: "c-1", Name: "Morning @everyone wake-up"},
		{ID: "c-2", Name: "Desk break"}, // shadows the built-in one for this server
	}

	if r, ok := c.Routine("bedtime unwind", custom); !ok || r.ID != "bedtime-unwind" {
		t.Errorf("Routine(bedtime unwind) = %v, %v; want the built-in", r, ok)
	}
	if r, ok := c.Routine("desk break", custom); !ok || r != &custom[1] {
		t.Errorf("Routine(desk break) = %v, %v; want the server's own, which is checked first", r, ok)
	}
	if r, ok := c.Routine("desk-break", nil); !ok || r.ID != "desk-break" {
		t.Errorf("Routine(desk-break, no custom) = %v, %v; want the built-in", r, ok)
	}
	if r, sugg := c.ResolveRoutine("morning wakeup", 3, custom); r != nil || len(sugg) == 0 || sugg[0].ID != "c-1" {
		t.Errorf("ResolveRoutine(morning wakeup) = %v, %v; want c-1 suggested", r, sugg)
	}
	if got := c.SuggestRoutines("hang progresion", 3, custom); len(got) == 0 || got[0].ID != "hang-progression" {
		t.Errorf("SuggestRoutines(hang progresion) = %v, want hang-progression first", got)
	}

	all := c.CompleteRoutines("", 0, custom)
	if len(all) != len(custom)+len(c.Routines()) || all[0].Value != "c-1" {
		t.Errorf("CompleteRoutines(\"\") = %v, want custom routines first, then every built-in", all)
	}
	checkChoices(t, all)
	if got := c.CompleteRoutines("fl", 25, custom); len(got) == 0 || got[0].Value != "floor-flow" {
		t.Errorf("CompleteRoutines(fl) = %v, want floor-flow first", got)
	}
	if got := c.CompleteRoutines("bedtim unwnd", 25, nil); len(got) == 0 || got[0].Value != "bedtime-unwind" {
		t.Errorf("CompleteRoutines(bedtim unwnd) = %v, want bedtime-unwind first", got)
	}
}

func TestTips(t *testing.T) {
	c := mustLoad(t)
	if tip, ok := c.Tip("Sleeping Position"); !ok || tip.ID != "sleeping-position" {
		t.Errorf("Tip(Sleeping Position) = %v, %v", tip, ok)
	}
	choices := c.TipChoices()
	if len(choices) != len(c.Tips()) || len(choices) > MaxChoices {
		t.Errorf("TipChoices has %d choices for %d tips (max %d)", len(choices), len(c.Tips()), MaxChoices)
	}
	checkChoices(t, choices)
}

func TestList(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		category, equipment string
		want                []string
	}{
		{"no-equipment", "", []string{"overhead-stretch", "childs-pose", "cat-stretch", "cow-stretch"}},
		{"household-furniture", "", []string{"edge-of-bed-stretch", "t-spine-extension"}},
		{"", "couch", []string{"edge-of-bed-stretch", "t-spine-extension"}},
		{"", "Pull-up bar", []string{"dead-hang", "assisted-dead-hang"}},
		{"", "towel", []string{"overhead-stretch"}},
		{"equipment", "pillow", nil},
		{"professional-or-helper", "traction table", []string{"mechanical-traction"}},
		{"bogus", "", nil},
		{"", "anvil", nil},
	}
	for _, tt := range tests {
		if got := ids(c.List(tt.category, tt.equipment)); !slices.Equal(got, tt.want) {
			t.Errorf("List(%q, %q) = %v, want %v", tt.category, tt.equipment, got, tt.want)
		}
	}
	if got := c.List("", ""); len(got) != len(c.Exercises()) {
		t.Errorf("List with no filter gave %d, want all %d", len(got), len(c.Exercises()))
	}
}

func TestChoiceListsFitSlashCommands(t *testing.T) {
	c := mustLoad(t)
	cats := c.CategoryChoices()
	if len(cats) != 4 || cats[0] != (Choice{"No equipment", "no-equipment"}) {
		t.Errorf("CategoryChoices = %v", cats)
	}
	equipment := c.EquipmentChoices()
	if len(equipment) > MaxChoices {
		t.Errorf("%d equipment choices, Discord allows %d", len(equipment), MaxChoices)
	}
	checkChoices(t, equipment)
	for _, ch := range equipment {
		if len(c.List("", ch.Value)) == 0 {
			t.Errorf("equipment choice %q lists no exercise", ch.Value)
		}
	}
}

func ids[T interface{ *Exercise | *Routine }](items []T) []string {
	var out []string
	for _, it := range items {
		switch v := any(it).(type) {
		case *Exercise:
			out = append(out, v.ID)
		case *Routine:
			out = append(out, v.ID)
		}
	}
	return out
}

func first(choices []Choice) Choice {
	if len(choices) == 0 {
		return Choice{}
	}
	return choices[0]
}
