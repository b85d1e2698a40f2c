package streak

import (
	"slices"
	"testing"
)

// run returns the credits for n consecutive days from first.
func run(first Day, n int) []Credit {
	credits := make([]Credit, n)
	for i := range credits {
		credits[i] = Credit{Day: first + Day(i)}
	}
	return credits
}

// concat joins log pieces.
func concat(pieces ...[]Credit) []Credit { return slices.Concat(pieces...) }

func TestStatus(t *testing.T) {
	d0 := Date(2024, 6, 1) // day 0 of each scenario; d(n) is n days later
	d := func(n int) Day { return d0 + Day(n) }
	on, off := Rules{Freezes: true}, Rules{}
	tests := []struct {
		name   string
		log    []Credit
		today  Credit
		rules  Rules
		want   Status
		frozen []Day
	}{
		{"empty log", nil, Credit{Day: d(0)}, on, Status{}, nil},
		{"today only", run(d(0), 1), Credit{Day: d(0)}, on,
			Status{Current: 1, Best: 1, TotalDays: 1, LastDay: d(0), TodayDone: true}, nil},
		{"yesterday keeps the streak", run(d(0), 3), Credit{Day: d(3)}, off,
			Status{Current: 3, Best: 3, TotalDays: 3, LastDay: d(2)}, nil},
		{"a missed day breaks without freezes", run(d(0), 3), Credit{Day: d(4)}, off,
			Status{Best: 3, TotalDays: 3, LastDay: d(2)}, nil},
		{"gap then new run", concat(run(d(0), 3), run(d(4), 2)), Credit{Day: d(5)}, off,
			Status{Current: 2, Best: 3, TotalDays: 5, LastDay: d(5), TodayDone: true}, nil},
		{"7 days earn a freeze", run(d(0), 7), Credit{Day: d(6)}, on,
			Status{Current: 7, Best: 7, FreezesHeld: 1, TotalDays: 7, LastDay: d(6), TodayDone: true}, nil},
		{"6 days earn none", run(d(0), 6), Credit{Day: d(5)}, on,
			Status{Current: 6, Best: 6, TotalDays: 6, LastDay: d(5), TodayDone: true}, nil},
		{"14 days earn two", run(d(0), 14), Credit{Day: d(13)}, on,
			Status{Current: 14, Best: 14, FreezesHeld: 2, TotalDays: 14, LastDay: d(13), TodayDone: true}, nil},
		{"capped at two", run(d(0), 21), Credit{Day: d(20)}, on,
			Status{Current: 21, Best: 21, FreezesHeld: 2, TotalDays: 21, LastDay: d(20), TodayDone: true}, nil},
		{"no freezes earned when off", run(d(0), 14), Credit{Day: d(14)}, off,
			Status{Current: 14, Best: 14, TotalDays: 14, LastDay: d(13)}, nil},
		{"freeze covers a missed day and does not add", concat(run(d(0), 7), run(d(8), 1)), Credit{Day: d(8)}, on,
			Status{Current: 8, Best: 8, TotalDays: 8, LastDay: d(8), TodayDone: true}, []Day{d(7)}},
		{"freeze used for yesterday before today's credit", run(d(0), 7), Credit{Day: d(8)}, on,
			Status{Current: 7, Best: 7, TotalDays: 7, LastDay: d(6)}, []Day{d(7)}},
		{"two freezes cover two missed days", concat(run(d(0), 14), run(d(16), 1)), Credit{Day: d(16)}, on,
			Status{Current: 15, Best: 15, TotalDays: 15, LastDay: d(16), TodayDone: true}, []Day{d(14), d(15)}},
		{"gap longer than freezes breaks", concat(run(d(0), 7), run(d(9), 1)), Credit{Day: d(9)}, on,
			Status{Current: 1, Best: 7, TotalDays: 8, LastDay: d(9), TodayDone: true}, nil},
		{"broken streak shown at status time", run(d(0), 7), Credit{Day: d(9)}, on,
			Status{Best: 7, TotalDays: 7, LastDay: d(6)}, nil},
		{"freezes reset when the streak breaks", concat(run(d(0), 7), run(d(10), 6), run(d(17), 1)), Credit{Day: d(17)}, on,
			Status{Current: 1, Best: 7, TotalDays: 14, LastDay: d(17), TodayDone: true}, nil},
		{"freeze earned again by day 7 of the new run", concat(run(d(0), 7), run(d(10), 7)), Credit{Day: d(16)}, on,
			Status{Current: 7, Best: 7, FreezesHeld: 1, TotalDays: 14, LastDay: d(16), TodayDone: true}, nil},
		{"earning continues after a used freeze", concat(run(d(0), 7), run(d(8), 7)), Credit{Day: d(14)}, on,
			Status{Current: 14, Best: 14, FreezesHeld: 1, TotalDays: 14, LastDay: d(14), TodayDone: true}, []Day{d(7)}},
		{"duplicates and disorder count once", []Credit{{Day: d(2)}, {Day: d(0)}, {Day: d(1)}, {Day: d(2)}, {Day: d(0)}},
			Credit{Day: d(2)}, off,
			Status{Current: 3, Best: 3, TotalDays: 3, LastDay: d(2), TodayDone: true}, nil},
		{"held freezes are not shown when off", run(d(0), 7), Credit{Day: d(6)}, off,
			Status{Current: 7, Best: 7, TotalDays: 7, LastDay: d(6), TodayDone: true}, nil},
		{"bridged travel gap keeps the streak without freezes", concat(run(d(0), 2), []Credit{{Day: d(3), Bridged: true}}),
			Credit{Day: d(3)}, off,
			Status{Current: 3, Best: 3, TotalDays: 3, LastDay: d(3), TodayDone: true}, nil},
		{"a bridge covers two days at most", concat(run(d(0), 7), []Credit{{Day: d(10), Bridged: true}}),
			Credit{Day: d(10)}, on,
			Status{Current: 8, Best: 8, TotalDays: 8, LastDay: d(10), TodayDone: true}, []Day{d(7)}},
		{"today before the last day (moved west) is done", run(d(0), 3), Credit{Day: d(1)}, off,
			Status{Current: 3, Best: 3, TotalDays: 3, LastDay: d(2), TodayDone: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compute(tt.log, tt.rules).At(tt.today, tt.rules)
			if !sameStatus(got, tt.want, tt.frozen) {
				t.Errorf("got %+v\nwant %+v frozen %v", got, tt.want, tt.frozen)
			}
			if got, want := Compute(tt.log, tt.rules), incrementally(t, tt.log, tt.rules); !sameSummary(got, want) {
				t.Errorf("Compute = %+v, incremental = %+v", got, want)
			}
		})
	}
}

// incrementally applies a log in day order one entry at a time, as the storage layer does.
func incrementally(t *testing.T, log []Credit, rules Rules) Summary {
	t.Helper()
	sorted := slices.Clone(log)
	slices.SortStableFunc(sorted, func(a, b Credit) int { return int(a.Day) - int(b.Day) })
	var s Summary
	for _, c := range sorted {
		if !s.Apply(c, rules) {
			t.Fatalf("Apply(%+v) on %+v refused an in-order entry", c, s)
		}
	}
	return s
}

// sameStatus compares a status with want, whose FrozenDays are given as frozen.
func sameStatus(got, want Status, frozen []Day) bool {
	return slices.Equal(got.FrozenDays, frozen) && got.Current == want.Current && got.Best == want.Best &&
		got.FreezesHeld == want.FreezesHeld && got.TotalDays == want.TotalDays &&
		got.LastDay == want.LastDay && got.TodayDone == want.TodayDone
}

func sameSummary(a, b Summary) bool {
	return a.LastDay == b.LastDay && a.Run == b.Run && a.Best == b.Best && a.TotalDays == b.TotalDays &&
		a.FreezesHeld == b.FreezesHeld && slices.Equal(a.FrozenDays, b.FrozenDays)
}

func TestApplyContract(t *testing.T) {
	rules := Rules{Freezes: true}
	d0 := Date(2024, 6, 1)
	s := Compute(run(d0, 7), rules)
	before := s
	tests := []struct {
		name   string
		credit Credit
		want   bool
	}{
		{"same day counts once", Credit{Day: d0 + 6}, true},
		{"earlier day needs a recompute", Credit{Day: d0 + 2}, false},
		{"bridged same day needs a recompute", Credit{Day: d0 + 6, Bridged: true}, false},
	}
	for _, tt := range tests {
		if got := s.Apply(tt.credit, rules); got != tt.want || !sameSummary(s, before) {
			t.Errorf("%s: Apply = %v, summary %+v; want %v and unchanged", tt.name, got, s, tt.want)
		}
	}
}

func TestApplyDoesNotAliasCopies(t *testing.T) {
	rules := Rules{Freezes: true}
	d0 := Date(2024, 6, 1)
	s := Compute(concat(run(d0, 14), run(d0+15, 1)), rules) // FrozenDays [d0+14]
	a, b := s, s
	a.Apply(Credit{Day: d0 + 17}, rules) // freezes d0+16
	b.Apply(Credit{Day: d0 + 18}, rules) // gap of 2 with 1 freeze: breaks
	if !slices.Equal(a.FrozenDays, []Day{d0 + 14, d0 + 16}) || b.FrozenDays != nil || !slices.Equal(s.FrozenDays, []Day{d0 + 14}) {
		t.Errorf("copies interfere: s %v a %v b %v", s.FrozenDays, a.FrozenDays, b.FrozenDays)
	}
}

func TestServerStreak(t *testing.T) {
	today := Date(2024, 6, 10)
	counts := map[Day]int{today - 5: 3, today - 4: 1, today - 3: 3, today - 2: 4, today - 1: 3}
	tests := []struct {
		name      string
		today     Day
		completed map[Day]int
		threshold int
		want      int
	}{
		{"ends yesterday, today not reached yet", today, counts, 3, 3},
		{"ends today", today - 1, counts, 3, 3},
		{"one short day breaks it", today, counts, 1, 5},
		{"the only 4-member day was two days ago", today, counts, 4, 0},
		{"higher threshold met yesterday", today - 1, counts, 4, 1},
		{"lost after a missed yesterday", today + 1, counts, 3, 0},
		{"today counts when reached", today, map[Day]int{today: 3, today - 1: 3}, 3, 2},
		{"threshold below 1 needs one member", today, map[Day]int{today - 1: 1, today - 2: 0}, 0, 1},
		{"empty", today, nil, 3, 0},
	}
	for _, tt := range tests {
		if got := ServerStreak(tt.completed, tt.threshold, tt.today); got != tt.want {
			t.Errorf("%s: ServerStreak = %d, want %d", tt.name, got, tt.want)
		}
	}
}
