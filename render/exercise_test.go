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
	if !strings.Contains(hold, "In a routine: hold 15–30 s, at most 5 holds.") {
		t.Errorf("hold and reps lacks the routine's limits:\n%s", hold)
	}
	if !strings.Contains(fields["What the articles say"], "mild") {
		t.Errorf("what the articles say = %q, want the mild-cases view", fields["What the articles say"])
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

// Each card keeps what each article says, attributed, and what a routine may do.
func TestExerciseCardsAttributeTheArticles(t *testing.T) {
	cat := loadCatalog(t)
	const one, two = "How to Decompress Your Spine", "10 Ways to Decompress"
	tests := []struct {
		exercise, field string
		want            []string
	}{
		{"inversion-table", "What the articles say", []string{"debated", "$99 to $500+", one, "big difference", two}},
		{"inversion-table", "Hold and reps", []string{"hold 30 s–1 min, rest 20–30 s, 10–15 min in all", "In a routine: hold 30 s–1 min, rest 20–30 s between holds, at most 15 min in all."}},
		{"inversion-table", "Cautions", []string{"Glaucoma", "high blood pressure", "healthcare professional", "Stop if it hurts"}},
		{"lower-back-extension", "What the articles say", []string{"mild lower back pain", two}},
		{"manual-traction", "What the articles say", []string{"low back pain", one}},
		{"mechanical-traction", "Cautions", []string{"practice"}},
		{"t-spine-extension", "Hold and reps", []string{"hold 10 s, 5 sets", "at most 5 holds"}},
		{"exercise-ball-face-up", "Hold and reps", []string{"In a routine: hold 10 s–1 min (the server's choice, not the articles'), once."}},
		{"dead-hang", "Hold and reps", []string{"hold 1–2 min", one, "In a routine: hold 1–2 min, once."}},
	}
	for _, tt := range tests {
		ex, ok := cat.Exercise(tt.exercise)
		if !ok {
			t.Fatalf("%s is missing", tt.exercise)
		}
		var value string
		for _, f := range Exercise(cat, ex).Fields {
			if f.Name == tt.field {
				value = f.Value
			}
		}
		for _, w := range tt.want {
			if !strings.Contains(value, w) {
				t.Errorf("%s %s lacks %q:\n%s", tt.exercise, tt.field, w, value)
			}
		}
	}
	foam, _ := cat.Exercise("foam-rolling")
	for _, f := range Exercise(cat, foam).Fields {
		if f.Name == "Hold and reps" {
			t.Errorf("foam rolling has no figures and cannot be timed, yet shows %q", f.Value)
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
