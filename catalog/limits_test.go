package catalog

import (
	"testing"
	"time"
)

func TestLimitsAreTheUnionOfTheSources(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		exercise     string
		hold         DurationRange
		fromArticles bool
	}{
		{"overhead-stretch", DurationRange{15 * sec, 30 * sec}, true},
		{"childs-pose", DurationRange{10 * sec, 30 * sec}, true},
		{"inversion-table", DurationRange{30 * sec, time.Minute}, true},
		{"dead-hang", DurationRange{time.Minute, 2 * time.Minute}, true},
		{"exercise-ball-face-down", ServerHold, false},
		{"exercise-ball-face-up", DurationRange{10 * sec, time.Minute}, false},
	}
	for _, tt := range tests {
		ex, ok := c.Exercise(tt.exercise)
		if !ok {
			t.Fatalf("%s is missing", tt.exercise)
		}
		l := ex.Limits()
		if l.Hold != tt.hold || l.FromArticles != tt.fromArticles {
			t.Errorf("%s limits = %+v, want hold %v, from articles %v", tt.exercise, l, tt.hold, tt.fromArticles)
		}
	}
}

func TestUnionCount(t *testing.T) {
	tests := []struct {
		a, b, want CountRange
	}{
		{CountRange{}, CountRange{}, CountRange{}},
		{CountRange{4, 5}, CountRange{}, CountRange{4, 5}},
		{CountRange{}, CountRange{3, 4}, CountRange{3, 4}},
		{CountRange{4, 5}, CountRange{2, 3}, CountRange{2, 5}},
		{CountRange{3, 0}, CountRange{4, 5}, CountRange{3, 0}},
	}
	for _, tt := range tests {
		if got := unionCount(tt.a, tt.b); got != tt.want {
			t.Errorf("unionCount(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestMaxHolds(t *testing.T) {
	tests := []struct {
		l    Limits
		want int
	}{
		{Limits{}, 1},
		{Limits{Reps: CountRange{4, 5}}, 5},
		{Limits{Sets: CountRange{5, 5}}, 5},
		{Limits{Reps: CountRange{3, 0}}, 0},
		{Limits{Reps: CountRange{10, 10}, Sets: CountRange{4, 5}}, 50},
	}
	for _, tt := range tests {
		if got := tt.l.MaxHolds(); got != tt.want {
			t.Errorf("%+v.MaxHolds() = %d, want %d", tt.l, got, tt.want)
		}
	}
}
