package render

import (
	"strings"
	"testing"
)

func TestExerciseShowsEverySection(t *testing.T) {
	cat := loadCatalog(t)
	ex, ok := cat.Exercise("overhead-stretch")
	if !ok {
		t.Fatal("overhead-stretch is missing from the catalog")
	}
	e := Exercise(cat, ex)
	if e.Title != "Overhead stretch" {
		t.Errorf("title = %q", e.Title)
	}
	for i, step := range ex.Steps {
		if !strings.Contains(e.Description, step) {
			t.Errorf("step %d missing from the description", i+1)
		}
	}
	if !strings.HasPrefix(e.Description, ex.Summary) || !strings.Contains(e.Description, "\n1. "+ex.Steps[0]) {
		t.Errorf("description should open with the summary and number the steps:\n%s", e.Description)
	}
	fields := map[string]string{}
	for _, f := range e.Fields {
		fields[f.Name] = f.Value
	}
	// The two sources disagree on the hold; both figures must show, each with its source.
	hold := fields["Hold and reps"]
	for _, want := range []string{"hold 20–30 s, 4–5 reps", "10 Ways to Decompress", "hold 15–30 s", "How to Decompress Your Spine"} {
		if !strings.Contains(hold, want) {
			t.Errorf("hold and reps lacks %q:\n%s", want, hold)
		}
	}
	if !strings.Contains(fields["Equipment"], "Optional: towel, resistance band") {
		t.Errorf("equipment = %q", fields["Equipment"])
	}
	for _, c := range append(ex.Cautions, cat.GeneralCautions()...) {
		if !strings.Contains(fields["Cautions"], c) {
			t.Errorf("caution %q missing", c)
		}
	}
	if !strings.Contains(e.Footer.Text, "Sources: ") || !strings.Contains(e.Footer.Text, "/routine create: overhead-stretch") {
		t.Errorf("footer = %q", e.Footer.Text)
	}
}

func TestEveryExerciseShowsItsCautions(t *testing.T) {
	cat := loadCatalog(t)
	for _, ex := range cat.Exercises() {
		e := Exercise(cat, ex)
		var cautions string
		for _, f := range e.Fields {
			if f.Name == "Cautions" {
				cautions = f.Value
			}
		}
		for _, c := range ExerciseCautions(cat, ex) {
			if !strings.Contains(cautions, c) {
				t.Errorf("%s: cautions field %q lacks %q", ex.ID, cautions, c)
			}
		}
		if len(cat.GeneralCautions()) == 0 {
			t.Errorf("the catalog has no general cautions to show with %s", ex.ID)
		}
		if !ex.Timed && strings.Contains(e.Footer.Text, "/routine create") {
			t.Errorf("%s cannot be in a routine, yet the footer offers it: %q", ex.ID, e.Footer.Text)
		}
	}
}

// BenchmarkRenderExercise is the cost of rendering /exercise's embed, cycling through the
// whole catalog.
func BenchmarkRenderExercise(b *testing.B) {
	cat := loadCatalog(b)
	exercises := cat.Exercises()
	i := 0
	for b.Loop() {
		Exercise(cat, exercises[i%len(exercises)])
		i++
	}
}
