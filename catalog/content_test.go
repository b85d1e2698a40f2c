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
		{"t-spine-extension", "ten-ways-at-home", "hold 10 s, 5 sets"},
		{"inversion-table", "ten-ways-at-home", "hold 30 s–1 min, rest 20–30 s, 10–15 min in all"},
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
		{"lower-back-extension", []string{"upper body's weight", "too much"}},
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
		if len(r.Steps) == 0 || len(r.Steps) > MaxRoutineSteps {
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
	dosage = append(dosage, "In a routine: "+ex.Limits().String()+".")
	var views []string
	for _, v := range ex.Views {
		src, _ := c.Source(v.Source)
		views = append(views, fmt.Sprintf("%s (%s)", v.Text, src.Title))
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
			{"What the articles say", bullets(views)},
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

// Built-in routines stay inside the articles: Load checks every step against the limits;
// this pins the hang progression and keeps rules a member cannot follow out of the text.
func TestBuiltInRoutinesStayInsideTheArticles(t *testing.T) {
	c := mustLoad(t)
	for _, r := range c.Routines() {
		if _, err := ParseSteps(FormatSteps(r.Steps), c); err != nil {
			t.Errorf("routine %s is outside the articles: %v", r.ID, err)
		}
		lower := strings.ToLower(r.Description)
		for _, banned := range []string{"skip", "until", "every 20", "20-30", "20–30"} {
			if strings.Contains(lower, banned) {
				t.Errorf("routine %s description %q says %q: no invented rules, no claims the articles do not make", r.ID, r.Description, banned)
			}
		}
	}
	hang, _ := c.Routine("hang-progression", nil)
	assisted, free := 0, 0
	for _, s := range hang.Steps {
		switch s.Exercise {
		case "assisted-dead-hang":
			assisted += s.Reps
		case "dead-hang":
			free += s.Reps
			if s.Hold < time.Minute || s.Hold > 2*time.Minute {
				t.Errorf("the dead hang lasts %v, want 1-2 min", s.Hold)
			}
		}
	}
	if assisted < 3 || assisted > 4 || free != 1 || hang.Steps[len(hang.Steps)-1].Exercise != "dead-hang" {
		t.Errorf("hang progression has %d assisted hangs and %d dead hangs (%s); want 3-4 assisted, then one dead hang",
			assisted, free, FormatSteps(hang.Steps))
	}
}

// Each exercise's limits, and how a routine step's xN maps onto the articles' counts.
func TestLimitsOfEveryTimedExercise(t *testing.T) {
	c := mustLoad(t)
	const minute = time.Minute
	tests := []struct {
		exercise     string
		hold         DurationRange
		maxHolds     int // 0: no upper bound from the articles
		rest, total  DurationRange
		fromArticles bool
	}{
		{"overhead-stretch", DurationRange{15 * sec, 30 * sec}, 5, DurationRange{}, DurationRange{}, true},
		{"childs-pose", DurationRange{10 * sec, 30 * sec}, 0, DurationRange{}, DurationRange{}, true}, // "3 or more"
		{"cat-stretch", DurationRange{20 * sec, 20 * sec}, 1, DurationRange{}, DurationRange{}, true},
		{"cow-stretch", DurationRange{20 * sec, 20 * sec}, 1, DurationRange{}, DurationRange{}, true},
		{"edge-of-bed-stretch", DurationRange{30 * sec, 30 * sec}, 1, DurationRange{}, DurationRange{}, true}, // "repeat", no count
		{"t-spine-extension", DurationRange{10 * sec, 10 * sec}, 5, DurationRange{}, DurationRange{}, true},   // 5 sets of one hold
		{"exercise-ball-face-down", ServerHold, 1, DurationRange{}, DurationRange{}, false},
		{"exercise-ball-face-up", ServerHold, 1, DurationRange{}, DurationRange{}, false},
		{"dead-hang", DurationRange{minute, 2 * minute}, 1, DurationRange{}, DurationRange{}, true},
		{"assisted-dead-hang", DurationRange{20 * sec, 30 * sec}, 4, DurationRange{}, DurationRange{}, true},
		{"inversion-table", DurationRange{30 * sec, minute}, 0, DurationRange{20 * sec, 30 * sec}, DurationRange{10 * minute, 15 * minute}, true},
	}
	timed := 0
	for _, ex := range c.Exercises() {
		if ex.Timed {
			timed++
		}
	}
	if timed != len(tests) {
		t.Errorf("%d timed exercises, %d in this table; add the new ones", timed, len(tests))
	}
	for _, tt := range tests {
		ex, _ := c.Exercise(tt.exercise)
		l := ex.Limits()
		if l.Hold != tt.hold || l.MaxHolds() != tt.maxHolds || l.Rest != tt.rest || l.Total != tt.total || l.FromArticles != tt.fromArticles || l.Operator {
			t.Errorf("%s limits = %+v (max holds %d), want hold %v, max holds %d, rest %v, total %v, from articles %v",
				tt.exercise, l, l.MaxHolds(), tt.hold, tt.maxHolds, tt.rest, tt.total, tt.fromArticles)
		}
	}
}

// What the catalog says matches what the articles say, disagreements included and
// attributed.
func TestCatalogSaysWhatTheArticlesSay(t *testing.T) {
	c := mustLoad(t)
	text := func(id string) string {
		ex, ok := c.Exercise(id)
		if !ok {
			t.Fatalf("%s is missing", id)
		}
		parts := slices.Concat([]string{ex.Summary}, ex.Steps, ex.Cautions)
		for _, d := range ex.Dosage {
			parts = append(parts, d.String())
		}
		return strings.Join(parts, "\n")
	}
	views := func(id, source string) string {
		ex, _ := c.Exercise(id)
		var out []string
		for _, v := range ex.Views {
			if v.Source == source {
				out = append(out, v.Text)
			}
		}
		return strings.Join(out, "\n")
	}
	const one, two = "decompress-home-sleep-hang", "ten-ways-at-home"
	tests := []struct {
		what, text string
		want, not  []string
	}{
		{"inversion table per article one", views("inversion-table", one), []string{"debated", "results may vary", "$99 to $500+"}, nil},
		{"inversion table per article two", views("inversion-table", two), []string{"big difference"}, nil},
		{"inversion table", text("inversion-table"), []string{"Glaucoma", "high blood pressure"}, nil},
		{"manual traction per article one", views("manual-traction", one), []string{"low back pain"}, nil},
		{"mechanical traction", text("mechanical-traction"), []string{"practice"}, nil},
		{"flexion-distraction table per article two", views("table-assisted-decompression", two), []string{"lower back pain"}, nil},
		{"back-extension machine per article two", views("lower-back-extension", two), []string{"mild lower back pain"}, nil},
		{"overhead stretch per article two", views("overhead-stretch", two), []string{"mild"}, nil},
		{"assisted dead hang", text("assisted-dead-hang"), []string{"unloads", `"just outside shoulder height"`, "our reading"}, []string{"load your spine"}},
		{"dead hang", text("dead-hang"), []string{"unloads"}, []string{"load your spine"}},
		{"child's pose", text("childs-pose"), []string{"hips to the width of the mat"}, nil},
		{"T-spine extension", text("t-spine-extension"), []string{"5 sets", "steady", "not roll on wheels"}, []string{"5 reps"}},
		{"edge-of-bed stretch", text("edge-of-bed-stretch"), nil, []string{"face down"}},
	}
	for _, tt := range tests {
		for _, w := range tt.want {
			if !strings.Contains(tt.text, w) {
				t.Errorf("%s lacks %q:\n%s", tt.what, w, tt.text)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(tt.text, w) {
				t.Errorf("%s says %q, which the articles do not:\n%s", tt.what, w, tt.text)
			}
		}
	}
	desk, _ := c.Routine("desk-break", nil)
	if !strings.Contains(desk.Description, "steady chair") {
		t.Errorf("desk break %q should name a steady chair, not a wheeled one", desk.Description)
	}
	// Aliases name the exercise itself, never another one.
	for _, alias := range []string{"couch stretch", "hyperextension"} {
		if ex, ok := c.Exercise(alias); ok {
			t.Errorf("%q finds %s, but names a different exercise", alias, ex.ID)
		}
	}
}
