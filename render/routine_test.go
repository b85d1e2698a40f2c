package render

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/catalog"
)

func TestRoutineShowsStepsAndTotal(t *testing.T) {
	cat := loadCatalog(t)
	r := &catalog.Routine{Name: "@everyone *wake up*", Steps: []catalog.RoutineStep{
		{Exercise: "overhead-stretch", Hold: 30 * time.Second, Reps: 3, Rest: 10 * time.Second},
		{Exercise: "childs-pose", Hold: 30 * time.Second, Reps: 1, Side: catalog.SideLeft},
	}}
	e := Routine(cat, r, 15*time.Second)
	if e.Title != "@\u200beveryone \\*wake up\\*" {
		t.Errorf("title = %q; a custom name must be escaped", e.Title)
	}
	for _, want := range []string{
		"1. Overhead stretch · 3 × 30 s, 10 s rest between\n",
		"2. Child's pose, left side · 30 s",
	} {
		if !strings.Contains(e.Description+"\n", want) {
			t.Errorf("description lacks %q:\n%s", want, e.Description)
		}
	}
	// 15 s to get ready + 110 s + 15 s + 30 s.
	if len(e.Fields) != 2 || e.Fields[0].Name != "Total time" ||
		e.Fields[0].Value != "2 min 50 s, with 15 s to get ready before each exercise" {
		t.Errorf("fields = %+v", e.Fields)
	}
	// Every caution of the routine's exercises, then the general ones, each once.
	overhead, _ := cat.Exercise("overhead-stretch")
	child, _ := cat.Exercise("childs-pose")
	care := e.Fields[1]
	for _, c := range append(append(append([]string{}, overhead.Cautions...), child.Cautions...), cat.GeneralCautions()...) {
		if care.Name != "Take care" || strings.Count(care.Value, c) != 1 {
			t.Errorf("%s lacks %q once:\n%s", care.Name, c, care.Value)
		}
	}
	if e.Footer.Text != "As steps: overhead-stretch 30s x3 rest 10s, childs-pose 30s left" {
		t.Errorf("footer = %q", e.Footer.Text)
	}
}

func TestRoutineTotalWithoutPrepGap(t *testing.T) {
	cat := loadCatalog(t)
	r := cat.Routines()[0]
	e := Routine(cat, r, 0)
	if got, want := e.Fields[0].Value, human(r.TotalDuration(0)); got != want {
		t.Errorf("total = %q, want %q", got, want)
	}
}

func TestRoutineListShowsBuiltInAndCustom(t *testing.T) {
	cat := loadCatalog(t)
	custom := []catalog.Routine{
		{ID: "a", Name: "<@123> flow", Steps: cat.Routines()[0].Steps},
		{ID: "b", Name: "Old one", Description: "Cannot be used any more (step 1: unknown exercise)."},
	}
	e := RoutineList(cat.Routines(), custom, 10*time.Second)
	for _, r := range cat.Routines() {
		if !strings.Contains(e.Description, "**"+r.Name+"**") {
			t.Errorf("built-in %s missing", r.ID)
		}
	}
	for _, want := range []string{"**<\u200b@\u200b123\\> flow** — ", "**Old one** — Cannot be used any more"} {
		if !strings.Contains(e.Description, want) {
			t.Errorf("list lacks %q:\n%s", want, e.Description)
		}
	}
	if empty := RoutineList(cat.Routines(), nil, 0); !strings.Contains(empty.Description, "None yet") {
		t.Errorf("a server without routines should be told how to add one:\n%s", empty.Description)
	}
}
