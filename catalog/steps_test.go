package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

const sec = time.Second

func TestParseStepsAccepts(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		text string
		want []RoutineStep
	}{
		{
			"overhead-stretch 30s x3 rest 10s, childs-pose 30s, cat-stretch 20s",
			[]RoutineStep{
				{Exercise: "overhead-stretch", Hold: 30 * sec, Reps: 3, Rest: 10 * sec},
				{Exercise: "childs-pose", Hold: 30 * sec, Reps: 1},
				{Exercise: "cat-stretch", Hold: 20 * sec, Reps: 1},
			},
		},
		{"Child's Pose 25s", []RoutineStep{{Exercise: "childs-pose", Hold: 25 * sec, Reps: 1}}},
		{"dead hang 90", []RoutineStep{{Exercise: "dead-hang", Hold: 90 * sec, Reps: 1}}},
		{"dead-hang 2min", []RoutineStep{{Exercise: "dead-hang", Hold: 2 * time.Minute, Reps: 1}}},
		{"balasana 20 s x 2 rest 5 sec", []RoutineStep{{Exercise: "childs-pose", Hold: 20 * sec, Reps: 2, Rest: 5 * sec}}},
		{"overhead-stretch x4 rest 10s 20s", []RoutineStep{{Exercise: "overhead-stretch", Hold: 20 * sec, Reps: 4, Rest: 10 * sec}}},
		{"childs-pose 30s left", []RoutineStep{{Exercise: "childs-pose", Hold: 30 * sec, Reps: 1, Side: SideLeft}}},
		{"childs-pose 20s 3x", []RoutineStep{{Exercise: "childs-pose", Hold: 20 * sec, Reps: 3}}},
		{"dead-hang 1m30s", []RoutineStep{{Exercise: "dead-hang", Hold: 90 * sec, Reps: 1}}},
		{"cat-stretch 20s", []RoutineStep{{Exercise: "cat-stretch", Hold: 20 * sec, Reps: 1}}},
		// The articles' ranges are the limits, ends included; where two differ, their union.
		{"overhead-stretch 15s x5", []RoutineStep{{Exercise: "overhead-stretch", Hold: 15 * sec, Reps: 5}}},
		{"assisted-dead-hang 30s x2, dead-hang 1m, assisted-dead-hang 20s x2", []RoutineStep{
			{Exercise: "assisted-dead-hang", Hold: 30 * sec, Reps: 2},
			{Exercise: "dead-hang", Hold: time.Minute, Reps: 1},
			{Exercise: "assisted-dead-hang", Hold: 20 * sec, Reps: 2},
		}},
		// Without a rest, a step rests as long as the articles' shortest rest between holds.
		{"inversion-table 45s x3", []RoutineStep{{Exercise: "inversion-table", Hold: 45 * sec, Reps: 3, Rest: 20 * sec}}},
		{"inversion-table 1m x10 rest 30s", []RoutineStep{{Exercise: "inversion-table", Hold: time.Minute, Reps: 10, Rest: 30 * sec}}},
		// Sides count apart.
		{"childs-pose 30s x3 left, childs-pose 30s x3 right", []RoutineStep{
			{Exercise: "childs-pose", Hold: 30 * sec, Reps: 3, Side: SideLeft},
			{Exercise: "childs-pose", Hold: 30 * sec, Reps: 3, Side: SideRight},
		}},
		// No article gives a time for the ball stretches: 10 s to 1 min, the server's choice.
		{"exercise-ball-face-down 10s", []RoutineStep{{Exercise: "exercise-ball-face-down", Hold: 10 * sec, Reps: 1}}},
		{"exercise-ball-face-down 1m", []RoutineStep{{Exercise: "exercise-ball-face-down", Hold: time.Minute, Reps: 1}}},
		{"overhead-stretch 20s x2 rest 5m", []RoutineStep{{Exercise: "overhead-stretch", Hold: 20 * sec, Reps: 2, Rest: 5 * time.Minute}}},
		// No hold: the exercise's default, the low end of its first source's range.
		{"childs-pose", []RoutineStep{{Exercise: "childs-pose", Hold: 10 * sec, Reps: 1}}},
		{"t-spine-extension x5", []RoutineStep{{Exercise: "t-spine-extension", Hold: 10 * sec, Reps: 5}}},
		{"exercise-ball-face-up 45s", []RoutineStep{{Exercise: "exercise-ball-face-up", Hold: 45 * sec, Reps: 1}}},
		// New lines separate steps too, and a trailing comma is forgiven.
		{"cat-stretch 20s\ncow-stretch 20s,", []RoutineStep{
			{Exercise: "cat-stretch", Hold: 20 * sec, Reps: 1},
			{Exercise: "cow-stretch", Hold: 20 * sec, Reps: 1},
		}},
	}
	for _, tt := range tests {
		got, err := ParseSteps(tt.text, c)
		if err != nil {
			t.Errorf("ParseSteps(%q): %v", tt.text, err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ParseSteps(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
		}
	}
}

func TestParseStepsRejects(t *testing.T) {
	c := mustLoad(t)
	tooMany := strings.TrimSuffix(strings.Repeat("cat-stretch 20s, ", MaxRoutineSteps+1), ", ")
	tests := []struct {
		text, want string
	}{
		{"childs-pose 30s, cow-stretch 20s, cat-strech 20s", `step 3: unknown exercise "cat-strech" — did you mean cat-stretch?`},
		{"chlid pose 30s", `step 1: unknown exercise "chlid pose" — did you mean childs-pose?`},
		{"zzqqxx 30s", `step 1: unknown exercise "zzqqxx", and no exercise has a similar name`},
		{"overhead-stretch 2s", "step 1: overhead-stretch holds 15 to 30 s in the articles; 2s is shorter."},
		{"cat-stretch 20s, dead-hang 11m", "step 2: dead-hang holds 1 to 2 min in the articles; 11m is longer."},
		{"inversion-table 10m", "step 1: inversion-table holds 30 s to 1 min in the articles; 10m is longer."},
		{"inversion-table 10m x20", "step 1: inversion-table holds 30 s to 1 min in the articles; 10m is longer."},
		{"cat-stretch 1h", "step 1: cat-stretch holds 20 s in the articles; 1h is longer."},
		{"cat-stretch 1 hour", "step 1: cat-stretch holds 20 s in the articles; 1hour is longer."},
		{"cat-stretch 10s", "step 1: cat-stretch holds 20 s in the articles; 10s is shorter."},
		{"dead-hang 3m", "step 1: dead-hang holds 1 to 2 min in the articles; 3m is longer."},
		{"cat-stretch 1.5m", `step 1: "1.5m" is not a hold the step syntax reads; write whole minutes and seconds, like 30s or 1m30s`},
		{"exercise-ball-face-up 2m", "step 1: the articles give no hold time for exercise-ball-face-up, so a routine may hold it 10 s to 1 min (the server's choice, not the articles'); 2m is longer."},
		{"exercise-ball-face-down 5s", "step 1: the articles give no hold time for exercise-ball-face-down, so a routine may hold it 10 s to 1 min (the server's choice, not the articles'); 5s is shorter."},
		{"overhead-stretch 20s x6", "step 1: overhead-stretch is done 4 to 5 times in the articles; x6 is more."},
		{"assisted-dead-hang 20s x5", "step 1: assisted-dead-hang is done 3 to 4 times in the articles; x5 is more."},
		{"t-spine-extension 10s x6", "step 1: t-spine-extension is done in 5 sets of one hold in the articles; x6 is more."},
		{"cat-stretch 20s x3", "step 1: cat-stretch is held once in the articles; x3 is more."},
		{"edge-of-bed-stretch 30s x2", "step 1: edge-of-bed-stretch is held once in the articles; x2 is more."},
		{"exercise-ball-face-up 30s x2", "step 1: exercise-ball-face-up is held once in the articles; x2 is more."},
		{"cat-stretch 20s, cow-stretch 20s, cat-stretch 20s", "step 3: cat-stretch is held once in the articles; steps 1 and 3 come to 2 holds."},
		{"assisted-dead-hang 20s x3, dead-hang 1m, assisted-dead-hang 30s x2", "step 3: assisted-dead-hang is done 3 to 4 times in the articles; steps 1 and 3 come to 5 holds."},
		{"inversion-table 30s x3 rest 5s", "step 1: inversion-table rests 20 to 30 s between holds in the articles; rest 5s is shorter."},
		{"inversion-table 30s x3 rest 1m", "step 1: inversion-table rests 20 to 30 s between holds in the articles; rest 1m is longer."},
		{"inversion-table 1m x12 rest 30s", "step 1: inversion-table is repeated for 10 to 15 min in all in the articles; this step lasts 17 min 30 s, longer."},
		{"inversion-table 1m x8 rest 30s, inversion-table 1m x6 rest 30s", "step 2: inversion-table is repeated for 10 to 15 min in all in the articles; steps 1 and 2 last 20 min, longer."},
		{"childs-pose 30s x21", "step 1: x21 is too many reps (1 to 20)"},
		{"childs-pose 30s x0", "step 1: x0 is too few reps (1 to 20)"},
		{"childs-pose 30s x2 rest 6m", "step 1: rest 6m is too long (0s to 5m)"},
		{"childs-pose 30s rest 10s", "step 1: rest 10s only applies between reps; add reps like x3 or drop the rest"},
		{"30s childs-pose", `step 1: starts with "30s"; start each step with an exercise, like childs-pose 30s`},
		{"foam-rolling 30s", "step 1: foam-rolling can't be timed in a routine (it is not a held stretch)"},
		{"table-assisted-decompression 30s", "step 1: table-assisted-decompression can't be timed in a routine (it needs a professional or a helper)"},
		{"exercise-ball-face-up", "step 1: the articles give no hold time for exercise-ball-face-up; give one from 10 s to 1 min (the server's choice), like exercise-ball-face-up 30s."},
		{"childs-pose 30s 40s", "step 1: two holds (30s and 40s); give one"},
		{"childs-pose 30s x2 x3", `step 1: reps given twice ("x3"); give one, like x3`},
		{"childs-pose x2 rest", "step 1: rest needs a duration, like rest 10s"},
		{"childs-pose x2 rest soon", `step 1: rest "soon" is not a duration; write it like rest 10s`},
		{"childs-pose 30s please", `step 1: "please" is not understood here; after the exercise write a hold like 30s, reps like x3, rest 10s, or left/right`},
		{"childs-pose 30s left right", "step 1: two sides given; pick left or right"},
		{"  , ,", "no steps given; write them like overhead-stretch 30s x3 rest 10s, childs-pose 30s"},
		{tooMany, "26 steps is too many; a routine has at most 25"},
	}
	for _, tt := range tests {
		_, err := ParseSteps(tt.text, c)
		if err == nil {
			t.Errorf("ParseSteps(%q) succeeded, want %q", tt.text, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("ParseSteps(%q)\n got: %s\nwant: %s", tt.text, err, tt.want)
		}
		var stepErr *StepError
		if !errors.As(err, &stepErr) {
			t.Errorf("ParseSteps(%q) error is %T, want *StepError", tt.text, err)
		}
	}
}

func TestFormatStepsRoundTrips(t *testing.T) {
	c := mustLoad(t)
	steps := []RoutineStep{
		{Exercise: "overhead-stretch", Hold: 30 * sec, Reps: 3, Rest: 10 * sec},
		{Exercise: "childs-pose", Hold: 25 * sec, Reps: 1, Side: SideRight},
		{Exercise: "dead-hang", Hold: 2 * time.Minute, Reps: 1},
	}
	const want = "overhead-stretch 30s x3 rest 10s, childs-pose 25s right, dead-hang 2m"
	if got := FormatSteps(steps); got != want {
		t.Errorf("FormatSteps = %q, want %q", got, want)
	}
	for _, r := range append([]*Routine{{ID: "example", Steps: steps}}, c.Routines()...) {
		text := FormatSteps(r.Steps)
		back, err := ParseSteps(text, c)
		if err != nil || !slices.Equal(back, r.Steps) {
			t.Errorf("routine %s: ParseSteps(FormatSteps) = %+v, %v; want the original %+v", r.ID, back, err, r.Steps)
		}
	}
}

func TestTotalDuration(t *testing.T) {
	r := Routine{Steps: []RoutineStep{
		{Exercise: "a", Hold: 30 * sec, Reps: 3, Rest: 10 * sec}, // 3*30 + 2*10 = 110
		{Exercise: "b", Hold: 20 * sec, Reps: 1},                 // 20
		{Exercise: "c", Hold: time.Minute, Reps: 2, Rest: 0},     // 120
	}}
	tests := []struct {
		prepGap, want time.Duration
	}{
		{0, 250 * sec},
		{5 * sec, 260 * sec}, // two gaps between three steps
	}
	for _, tt := range tests {
		if got := r.TotalDuration(tt.prepGap); got != tt.want {
			t.Errorf("TotalDuration(%v) = %v, want %v", tt.prepGap, got, tt.want)
		}
	}
	if got := (&Routine{}).TotalDuration(5 * sec); got != 0 {
		t.Errorf("empty routine TotalDuration = %v, want 0", got)
	}
}

func TestParseDuration(t *testing.T) {
	good := map[string]time.Duration{
		"30s": 30 * sec, "1m": time.Minute, "1m30s": 90 * sec, "90": 90 * sec, "2min": 2 * time.Minute,
		"45sec": 45 * sec, "1M30S": 90 * sec, "0": 0, "1minute": time.Minute, "10seconds": 10 * sec,
		"1h": time.Hour, "2hours": 2 * time.Hour, "1h30m": 90 * time.Minute,
	}
	for in, want := range good {
		if got, ok := parseDuration(in); !ok || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "s", "m30", "1s30m", "30s30s", "1.5m", "-5", "+5", "1m1h", "9999999s", "30 s", "abc"} {
		if got, ok := parseDuration(in); ok {
			t.Errorf("parseDuration(%q) = %v, want rejection", in, got)
		}
	}
}

func TestRangesRender(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{FormatDuration(0), "0s"},
		{FormatDuration(45 * sec), "45s"},
		{FormatDuration(time.Minute), "1m"},
		{FormatDuration(150 * sec), "2m30s"},
		{DurationRange{15 * sec, 30 * sec}.String(), "15–30 s"},
		{DurationRange{30 * sec, 30 * sec}.String(), "30 s"},
		{DurationRange{time.Minute, 2 * time.Minute}.String(), "1–2 min"},
		{DurationRange{30 * sec, time.Minute}.String(), "30 s–1 min"},
		{DurationRange{90 * sec, 90 * sec}.String(), "1 min 30 s"},
		{CountRange{4, 5}.String(), "4–5"},
		{CountRange{5, 5}.String(), "5"},
		{CountRange{3, 0}.String(), "3 or more"},
		{Dosage{Hold: DurationRange{20 * sec, 30 * sec}, Reps: CountRange{4, 5}, Note: "Rest between holds."}.String(), "hold 20–30 s, 4–5 reps. Rest between holds."},
		{Dosage{Reps: CountRange{10, 10}, Sets: CountRange{4, 5}}.String(), "10 reps, 4–5 sets."},
		{Dosage{Note: "Only a note."}.String(), "Only a note."},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestParseRanges(t *testing.T) {
	durations := []struct {
		in   string
		want DurationRange
		err  bool
	}{
		{"15s-30s", DurationRange{15 * sec, 30 * sec}, false},
		{"30s–1m", DurationRange{30 * sec, time.Minute}, false},
		{"20s", DurationRange{20 * sec, 20 * sec}, false},
		{"1-2m", DurationRange{}, true},
		{"30s-15s", DurationRange{}, true},
		{"soon", DurationRange{}, true},
	}
	for _, tt := range durations {
		got, err := parseDurationRange(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseDurationRange(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.err)
		}
	}
	counts := []struct {
		in   string
		want CountRange
		err  bool
	}{
		{"5", CountRange{5, 5}, false},
		{"4-5", CountRange{4, 5}, false},
		{"3+", CountRange{3, 0}, false},
		{"5-4", CountRange{}, true},
		{"x3", CountRange{}, true},
		{"99999999+", CountRange{}, true},
	}
	for _, tt := range counts {
		got, err := parseCountRange(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseCountRange(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func ExampleParseSteps() {
	c, err := Load("")
	if err != nil {
		panic(err)
	}
	steps, err := ParseSteps("overhead-stretch 30s x3 rest 10s, child's pose 30s, cat-stretch 20s", c)
	if err != nil {
		panic(err)
	}
	r := Routine{Steps: steps}
	fmt.Println(FormatSteps(steps))
	fmt.Println(r.TotalDuration(5 * time.Second))
	_, err = ParseSteps("childs-pose 30s, cat-strech 20s", c)
	fmt.Println(err)
	// Output:
	// overhead-stretch 30s x3 rest 10s, childs-pose 30s, cat-stretch 20s
	// 2m50s
	// step 2: unknown exercise "cat-strech" — did you mean cat-stretch?
}
