package render

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
)

func loadCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestEverythingFitsDiscordsLimits renders every exercise, routine, tip, the safety notes
// and every page of every /exercises filter, and checks each against Discord's limits.
func TestEverythingFitsDiscordsLimits(t *testing.T) {
	cat := loadCatalog(t)
	for _, ex := range cat.Exercises() {
		checkLimits(t, "exercise "+ex.ID, one(Exercise(cat, ex)), nil)
	}
	for _, r := range cat.Routines() {
		checkLimits(t, "routine "+r.ID, one(Routine(cat, r, 2*time.Minute)), nil)
	}
	checkLimits(t, "routine list", one(RoutineList(cat.Routines(), nil, 10*time.Second)), nil)
	for _, tip := range cat.Tips() {
		checkLimits(t, "tip "+tip.ID, one(Tips(cat, tip)), nil)
	}
	checkLimits(t, "all tips", one(Tips(cat, nil)), nil)
	checkLimits(t, "safety", one(Safety(cat)), nil)

	categories := append([]catalog.Choice{{}}, cat.CategoryChoices()...)
	equipment := append([]catalog.Choice{{}}, cat.EquipmentChoices()...)
	for _, c := range categories {
		for _, e := range equipment {
			list := cat.List(c.Value, e.Value)
			pages := PageCount(len(list))
			for page := 1; page <= pages; page++ {
				what := fmt.Sprintf("exercises %q/%q page %d", c.Value, e.Value, page)
				buttons := PageButtons(page, pages, func(p int) string { return fmt.Sprintf("exercises/page/%d", p) })
				checkLimits(t, what, one(ExerciseList(list, "Category: "+c.Name+" · Equipment: "+e.Name, page)), buttons)
			}
		}
	}
}

// TestWorstCaseCustomRoutinesFit fills a server with the most routines of the longest
// names, every character one that escaping doubles, and the most steps.
func TestWorstCaseCustomRoutinesFit(t *testing.T) {
	cat := loadCatalog(t)
	var steps []catalog.RoutineStep
	for range catalog.MaxRoutineSteps {
		steps = append(steps, catalog.RoutineStep{Exercise: "exercise-ball-face-down", Hold: catalog.MaxHold,
			Reps: catalog.MaxReps, Rest: catalog.MaxRest, Side: catalog.SideRight})
	}
	custom := make([]catalog.Routine, 50)
	for i := range custom {
		custom[i] = catalog.Routine{ID: fmt.Sprint(i), Name: strings.Repeat("*", 48) + fmt.Sprintf("%02d", i), Steps: steps}
	}
	list := RoutineList(cat.Routines(), custom, 2*time.Minute)
	checkLimits(t, "routine list", one(list), nil)
	if !strings.Contains(list.Description, "more") {
		t.Errorf("a cut routine list should say how many it left out:\n%s", list.Description)
	}
	checkLimits(t, "routine", one(Routine(cat, &custom[0], 2*time.Minute)), nil)
}

func TestExerciseListPages(t *testing.T) {
	var list []*catalog.Exercise
	for i := range 23 {
		list = append(list, &catalog.Exercise{ID: fmt.Sprintf("ex-%d", i), Name: fmt.Sprintf("Exercise %d", i), Summary: "Do it."})
	}
	if got := PageCount(len(list)); got != 3 {
		t.Fatalf("PageCount(23) = %d, want 3", got)
	}
	tests := []struct {
		page             int
		first, last      string
		footer           string
		prevOff, nextOff bool
	}{
		{1, "ex-0", "ex-9", "Page 1 of 3", true, false},
		{2, "ex-10", "ex-19", "Page 2 of 3", false, false},
		{3, "ex-20", "ex-22", "Page 3 of 3", false, true},
		{9, "ex-20", "ex-22", "Page 3 of 3", false, true}, // a page past the end shows the last
	}
	for _, tt := range tests {
		e := ExerciseList(list, "", tt.page)
		if !strings.Contains(e.Description, "`"+tt.first+"`") || !strings.Contains(e.Description, "`"+tt.last+"`") ||
			!strings.HasPrefix(e.Footer.Text, tt.footer) {
			t.Errorf("page %d: %q / %q", tt.page, e.Description, e.Footer.Text)
		}
		page := min(tt.page, 3)
		row := PageButtons(page, 3, func(p int) string { return fmt.Sprint(p) })[0].(discordgo.ActionsRow)
		prev, next := row.Components[0].(discordgo.Button), row.Components[1].(discordgo.Button)
		if prev.Disabled != tt.prevOff || next.Disabled != tt.nextOff || prev.CustomID == next.CustomID {
			t.Errorf("page %d buttons: prev %+v next %+v", tt.page, prev, next)
		}
	}
	if PageButtons(1, 1, func(int) string { return "x" }) != nil {
		t.Error("a single page should have no buttons")
	}
}

func TestSafetyAndTipsShowEveryEntry(t *testing.T) {
	cat := loadCatalog(t)
	safety := Safety(cat)
	if len(safety.Fields) != len(cat.Safety()) {
		t.Errorf("safety shows %d notes, catalog has %d", len(safety.Fields), len(cat.Safety()))
	}
	for i, n := range cat.Safety() {
		if safety.Fields[i].Name != n.Title || !strings.Contains(safety.Fields[i].Value, n.Body[0]) {
			t.Errorf("safety field %d = %+v, want note %q", i, safety.Fields[i], n.Title)
		}
	}
	all := Tips(cat, nil)
	if len(all.Fields) != len(cat.Tips()) {
		t.Errorf("tips show %d, catalog has %d", len(all.Fields), len(cat.Tips()))
	}
	tip := cat.Tips()[0]
	single := Tips(cat, tip)
	if single.Title != tip.Title || !strings.Contains(single.Description, tip.Body[0]) || single.Footer == nil {
		t.Errorf("one tip = %+v", single)
	}
}
