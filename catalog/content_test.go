package catalog

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Discord's embed limits (DESIGN.md, "Discord facts").
const (
	embedTitleMax       = 256
	embedDescriptionMax = 4096
	embedFieldValueMax  = 1024
	embedFieldsMax      = 25
	embedTotalMax       = 6000
)

func TestCatalogHasEveryExerciseOfTheSources(t *testing.T) {
	c := mustLoad(t)
	required := []string{
		"overhead-stretch", "childs-pose", "edge-of-bed-stretch", "exercise-ball-face-down",
		"exercise-ball-face-up", "t-spine-extension", "cat-stretch", "cow-stretch", "dead-hang",
		"assisted-dead-hang", "inversion-table", "lower-back-extension",
		"table-assisted-decompression", "foam-rolling", "aerial-yoga", "manual-traction",
		"mechanical-traction",
	}
	for _, id := range required {
		if _, ok := c.Exercise(id); !ok {
			t.Errorf("exercise %s is missing", id)
		}
	}
	for _, id := range []string{"table-assisted-decompression", "manual-traction", "mechanical-traction", "aerial-yoga"} {
		if ex, _ := c.Exercise(id); ex != nil && ex.Timed {
			t.Errorf("%s needs someone else, so it must not be timed", id)
		}
	}
	for _, id := range []string{"sleeping-position", "pillow-and-mattress", "stretching-before-bed", "keep-moving"} {
		if _, ok := c.Tip(id); !ok {
			t.Errorf("tip %s is missing", id)
		}
	}
	for _, id := range []string{"desk-break", "bedtime-unwind", "floor-flow", "hang-progression"} {
		if _, ok := c.Routine(id, nil); !ok {
			t.Errorf("routine %s is missing", id)
		}
	}
}

// Where the texts disagree, each one's figures are kept rather than averaged.
func TestSourceDifferencesAreKept(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		exercise, source string
		want             string // Dosage.String without the note
	}{
		{"overhead-stretch", "ten-ways-at-home", "hold 20–30 s, 4–5 reps"},
		{"overhead-stretch", "decompress-home-sleep-hang", "hold 15–30 s"},
		{"childs-pose", "decompress-home-sleep-hang", "hold 10–30 s"},
		{"childs-pose", "ten-ways-at-home", "hold 20–30 s, 3 or more reps"},
		{"dead-hang", "decompress-home-sleep-hang", "hold 1–2 min"},
		{"assisted-dead-hang", "ten-ways-at-home", "hold 20–30 s, 3–4 reps"},
		{"inversion-table", "ten-ways-at-home", "hold 30 s–1 min, rest 20–30 s"},
		{"t-spine-extension", "ten-ways-at-home", "hold 10 s, 5 reps"},
		{"lower-back-extension", "ten-ways-at-home", "10 reps, 4–5 sets"},
	}
	for _, tt := range tests {
		ex, _ := c.Exercise(tt.exercise)
		i := slices.IndexFunc(ex.Dosage, func(d Dosage) bool { return d.Source == tt.source })
		if i < 0 {
			t.Errorf("%s has no dosage from %s", tt.exercise, tt.source)
			continue
		}
		if got := ex.Dosage[i].String(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s per %s = %q, want it to start %q", tt.exercise, tt.source, got, tt.want)
		}
	}
}

// Safety facts travel with the exercise, so every view of it shows them.
func TestCautionsCarryTheSafetyFacts(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		exercise string
		want     []string // substrings that some caution must contain
	}{
		{"inversion-table", []string{"Glaucoma", "high blood pressure", "doctor"}},
		{"lower-back-extension", []string{"weight of your torso"}},
		{"exercise-ball-face-down", []string{"slowly"}},
		{"exercise-ball-face-up", []string{"slowly"}},
		{"aerial-yoga", []string{"qualified instructor"}},
	}
	for _, tt := range tests {
		ex, _ := c.Exercise(tt.exercise)
		all := strings.Join(ex.Cautions, "\n")
		for _, w := range tt.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s cautions %q lack %q", tt.exercise, ex.Cautions, w)
			}
		}
	}
	var every []string
	for _, n := range c.Safety() {
		if n.EveryExercise != "" {
			every = append(every, n.EveryExercise)
		}
	}
	if len(every) < 2 || !slices.Equal(c.GeneralCautions(), every) {
		t.Fatalf("GeneralCautions() = %q, want the professional-approval and stop-at-pain rules %q", c.GeneralCautions(), every)
	}
	for _, ex := range c.Exercises() {
		for _, e := range every {
			if slices.Contains(ex.Cautions, e) {
				t.Errorf("%s cautions %q repeat the general rule %q; they hold the exercise's own only", ex.ID, ex.Cautions, e)
			}
		}
	}
	if rule := c.GeneralRule(); !strings.Contains(rule, "healthcare professional") || !strings.Contains(rule, "hurts") {
		t.Errorf("GeneralRule() = %q, want the go-ahead and stop-if-it-hurts rule in one line", rule)
	}
}

func TestBuiltInRoutinesUseRealTimedExercises(t *testing.T) {
	c := mustLoad(t)
	for _, r := range c.Routines() {
		if len(r.Steps) == 0 || len(r.Steps) > MaxSteps {
			t.Errorf("routine %s has %d steps", r.ID, len(r.Steps))
		}
		for i, s := range r.Steps {
			ex, ok := c.Exercise(s.Exercise)
			switch {
			case !ok:
				t.Errorf("routine %s step %d names unknown exercise %q", r.ID, i+1, s.Exercise)
			case !ex.Timed:
				t.Errorf("routine %s step %d names untimed exercise %s", r.ID, i+1, s.Exercise)
			case s.Hold < MinHold || s.Hold > MaxHold || s.Reps < MinReps || s.Reps > MaxReps || s.Rest > MaxRest:
				t.Errorf("routine %s step %d out of limits: %+v", r.ID, i+1, s)
			}
		}
		if d := r.TotalDuration(10 * time.Second); d < time.Minute || d > 15*time.Minute {
			t.Errorf("routine %s lasts %v with 10s gaps; built-ins should be 1-15 minutes", r.ID, d)
		}
	}
}

func TestEveryEntryIsCompleteAndShort(t *testing.T) {
	c := mustLoad(t)
	if len(c.Exercises()) < 17 || len(c.Routines()) < 4 || len(c.Tips()) < 4 || len(c.Safety()) < 5 || len(c.Sources()) != 2 {
		t.Fatalf("catalog too small: %d exercises, %d routines, %d tips, %d safety notes, %d sources",
			len(c.Exercises()), len(c.Routines()), len(c.Tips()), len(c.Safety()), len(c.Sources()))
	}
	for _, ex := range c.Exercises() {
		where := "exercise " + ex.ID
		checkShort(t, where+" name", ex.Name, 100)
		checkShort(t, where+" summary", ex.Summary, 200)
		checkLinesShort(t, where+" steps", ex.Steps, 300)
		for i, l := range ex.Cautions {
			checkShort(t, fmt.Sprintf("%s cautions[%d]", where, i), l, 300)
		}
		checkSources(t, c, where, ex.Sources)
		if ex.Category.Label() == "" {
			t.Errorf("%s has invalid category %q", where, ex.Category)
		}
		if ex.Timed && ex.DefaultHold() == 0 && !strings.HasPrefix(ex.ID, "exercise-ball") {
			t.Errorf("%s is timed but no source gives a hold", where)
		}
		for _, d := range ex.Dosage {
			checkShort(t, where+" dosage", d.String(), 300)
		}
	}
	for _, r := range c.Routines() {
		checkShort(t, "routine "+r.ID+" name", r.Name, 100)
		checkShort(t, "routine "+r.ID+" description", r.Description, 300)
	}
	for _, tip := range c.Tips() {
		checkShort(t, "tip "+tip.ID+" title", tip.Title, 100)
		checkLinesShort(t, "tip "+tip.ID+" body", tip.Body, 300)
		checkSources(t, c, "tip "+tip.ID, tip.Sources)
	}
	for _, n := range c.Safety() {
		checkShort(t, "safety "+n.ID+" title", n.Title, 100)
		checkLinesShort(t, "safety "+n.ID+" body", n.Body, 300)
		checkSources(t, c, "safety "+n.ID, n.Sources)
	}
}

// TestEntriesFitOneDiscordEmbed lays each entry out the way an embed would show it (numbered
// steps in the description, one field per section) and checks Discord's limits. render/
// owns the real layout; this keeps the catalog's text from being the reason it cannot fit.
func TestEntriesFitOneDiscordEmbed(t *testing.T) {
	c := mustLoad(t)
	for _, ex := range c.Exercises() {
		checkEmbed(t, "exercise "+ex.ID, exerciseEmbed(c, ex))
	}
	for _, r := range c.Routines() {
		checkEmbed(t, "routine "+r.ID, routineEmbed(c, r))
	}
	var tips, safety embed
	tips.title, safety.title = "Tips", "Safety"
	for _, tip := range c.Tips() {
		tips.fields = append(tips.fields, field{tip.Title, bullets(tip.Body)})
	}
	for _, n := range c.Safety() {
		safety.fields = append(safety.fields, field{n.Title, bullets(n.Body)})
	}
	checkEmbed(t, "all tips", tips)
	checkEmbed(t, "all safety notes", safety)
}

type field struct{ name, value string }

type embed struct {
	title, description string
	fields             []field
}

func exerciseEmbed(c *Catalog, ex *Exercise) embed {
	var steps strings.Builder
	fmt.Fprintf(&steps, "%s\n\n", ex.Summary)
	for i, s := range ex.Steps {
		fmt.Fprintf(&steps, "%d. %s\n", i+1, s)
	}
	var dosage []string
	for _, d := range ex.Dosage {
		src, _ := c.Source(d.Source)
		dosage = append(dosage, fmt.Sprintf("%s (%s)", d.String(), src.Title))
	}
	var sources []string
	for _, id := range ex.Sources {
		src, _ := c.Source(id)
		sources = append(sources, src.Title)
	}
	equipment := strings.Join(slices.Concat(ex.Equipment, ex.OptionalEquipment), ", ")
	if equipment == "" {
		equipment = "None"
	}
	return embed{
		title:       ex.Name,
		description: steps.String(),
		fields: []field{
			{"Hold and reps", bullets(dosage)},
			{"Equipment", equipment},
			{"Cautions", bullets(slices.Concat(ex.Cautions, c.GeneralCautions()))},
			{"Sources", bullets(sources)},
		},
	}
}

func routineEmbed(c *Catalog, r *Routine) embed {
	e := embed{title: r.Name, description: r.Description}
	for _, s := range r.Steps {
		ex, _ := c.Exercise(s.Exercise)
		e.fields = append(e.fields, field{ex.Name, formatStep(s) + " — " + FormatDuration(s.Duration())})
	}
	e.fields = append(e.fields, field{"Total", FormatDuration(r.TotalDuration(10 * time.Second))})
	return e
}

func bullets(lines []string) string {
	if len(lines) == 0 {
		return "—"
	}
	return "• " + strings.Join(lines, "\n• ")
}

func checkEmbed(t *testing.T, what string, e embed) {
	t.Helper()
	total := utf8.RuneCountInString(e.title) + utf8.RuneCountInString(e.description)
	checkShort(t, what+" embed title", e.title, embedTitleMax)
	if n := utf8.RuneCountInString(e.description); n > embedDescriptionMax {
		t.Errorf("%s embed description is %d characters, limit %d", what, n, embedDescriptionMax)
	}
	if len(e.fields) > embedFieldsMax {
		t.Errorf("%s embed has %d fields, limit %d", what, len(e.fields), embedFieldsMax)
	}
	for _, f := range e.fields {
		checkShort(t, what+" field "+f.name, f.value, embedFieldValueMax)
		total += utf8.RuneCountInString(f.name) + utf8.RuneCountInString(f.value)
	}
	if total > embedTotalMax {
		t.Errorf("%s embed totals %d characters, limit %d", what, total, embedTotalMax)
	}
}

func checkShort(t *testing.T, what, s string, maxLen int) {
	t.Helper()
	if n := utf8.RuneCountInString(s); n == 0 || n > maxLen {
		t.Errorf("%s is %d characters, want 1-%d: %q", what, n, maxLen, s)
	}
}

func checkLinesShort(t *testing.T, what string, lines []string, maxLen int) {
	t.Helper()
	if len(lines) == 0 {
		t.Errorf("%s is empty", what)
	}
	for i, l := range lines {
		checkShort(t, fmt.Sprintf("%s[%d]", what, i), l, maxLen)
	}
}

func checkSources(t *testing.T, c *Catalog, what string, ids []string) {
	t.Helper()
	if len(ids) == 0 {
		t.Errorf("%s cites no source", what)
	}
	for _, id := range ids {
		if _, ok := c.Source(id); !ok {
			t.Errorf("%s cites unknown source %q", what, id)
		}
	}
}
