package session

import (
	"errors"
	"testing"
	"time"
)

func TestBuildPlan(t *testing.T) {
	s := time.Second
	tests := []struct {
		name      string
		items     []RoutineItem
		prep      time.Duration
		wantKinds []StepKind
		wantDur   []time.Duration
		wantErr   bool
	}{
		{
			name:      "reps alternate with rests, prep before the second item only",
			items:     shortRoutine(),
			prep:      10 * s,
			wantKinds: []StepKind{Exercise, Rest, Exercise, Prep, Exercise},
			wantDur:   []time.Duration{30 * s, 10 * s, 30 * s, 10 * s, 20 * s},
		},
		{
			name:      "prep 0 disables the gaps",
			items:     shortRoutine(),
			wantKinds: []StepKind{Exercise, Rest, Exercise, Exercise},
			wantDur:   []time.Duration{30 * s, 10 * s, 30 * s, 20 * s},
		},
		{
			name:      "no rest configured means holds back to back",
			items:     []RoutineItem{{Name: "x", Hold: 5 * s, Reps: 3}},
			prep:      10 * s,
			wantKinds: []StepKind{Exercise, Exercise, Exercise},
			wantDur:   []time.Duration{5 * s, 5 * s, 5 * s},
		},
		{name: "empty routine", prep: 10 * s, wantErr: true},
		{name: "zero hold", items: []RoutineItem{{Name: "x", Reps: 1}}, wantErr: true},
		{name: "zero reps", items: []RoutineItem{{Name: "x", Hold: s}}, wantErr: true},
		{name: "negative rest", items: []RoutineItem{{Name: "x", Hold: s, Reps: 2, Rest: -s}}, wantErr: true},
		{name: "negative prep", items: []RoutineItem{{Name: "x", Hold: s, Reps: 1}}, prep: -s, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := BuildPlan(tt.items, tt.prep, 0)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidPlan) {
					t.Fatalf("err = %v, want ErrInvalidPlan", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(plan) != len(tt.wantKinds) {
				t.Fatalf("got %d steps %+v, want %d", len(plan), plan, len(tt.wantKinds))
			}
			var total time.Duration
			for i, st := range plan {
				if st.Kind != tt.wantKinds[i] || st.Duration != tt.wantDur[i] {
					t.Errorf("step %d = %s %v, want %s %v", i, st.Kind, st.Duration, tt.wantKinds[i], tt.wantDur[i])
				}
				total += tt.wantDur[i]
			}
			if plan.Total() != total {
				t.Errorf("Total() = %v, want %v", plan.Total(), total)
			}
			if err := plan.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
		})
	}
}

func TestBuildPlanLabels(t *testing.T) {
	plan, err := BuildPlan(shortRoutine(), 10*time.Second, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Reps are numbered, rests and preps name the exercise around them.
	want := []struct {
		id        string
		rep, reps int
	}{{"cat-cow", 1, 2}, {"cat-cow", 1, 2}, {"cat-cow", 2, 2}, {"hang", 0, 0}, {"hang", 1, 1}}
	for i, w := range want {
		if plan[i].ExerciseID != w.id || plan[i].Rep != w.rep || plan[i].Reps != w.reps {
			t.Errorf("step %d = %s rep %d/%d, want %s rep %d/%d", i, plan[i].ExerciseID, plan[i].Rep, plan[i].Reps, w.id, w.rep, w.reps)
		}
	}
}

func TestPlanValidate(t *testing.T) {
	tests := []struct {
		name string
		plan Plan
		ok   bool
	}{
		{"empty", nil, false},
		{"zero duration", Plan{{Kind: Exercise}}, false},
		{"unknown kind", Plan{{Duration: time.Second}}, false},
		{"fine", Plan{{Kind: Rest, Duration: time.Second}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.plan.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
