package clock

import (
	"context"
	"sync"
	"testing"
	"time"
)

var epoch = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// firing records, for each fired timer, its label and the clock reading inside the callback.
type firing struct {
	label string
	at    time.Duration // Now() - epoch inside the callback
}

func TestFakeAdvanceFiresInDeadlineOrder(t *testing.T) {
	type sched struct {
		label string
		after time.Duration
	}
	tests := []struct {
		name    string
		timers  []sched
		advance time.Duration
		want    []firing
		pending int
	}{
		{
			name:    "out of order scheduling fires by deadline",
			timers:  []sched{{"c", 3 * time.Second}, {"a", time.Second}, {"b", 2 * time.Second}},
			advance: 5 * time.Second,
			want:    []firing{{"a", time.Second}, {"b", 2 * time.Second}, {"c", 3 * time.Second}},
		},
		{
			name:    "equal deadlines fire in scheduling order",
			timers:  []sched{{"x", time.Second}, {"y", time.Second}, {"z", time.Second}},
			advance: time.Second,
			want:    []firing{{"x", time.Second}, {"y", time.Second}, {"z", time.Second}},
		},
		{
			name:    "timers after the target stay pending",
			timers:  []sched{{"a", time.Second}, {"late", 10 * time.Second}},
			advance: 9 * time.Second,
			want:    []firing{{"a", time.Second}},
			pending: 1,
		},
		{
			name:    "zero and negative delays fire on Advance(0)",
			timers:  []sched{{"zero", 0}, {"neg", -time.Second}},
			advance: 0,
			want:    []firing{{"neg", 0}, {"zero", 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewFake(epoch)
			var got []firing
			for _, s := range tt.timers {
				c.AfterFunc(s.after, func() { got = append(got, firing{s.label, c.Now().Sub(epoch)}) })
			}
			c.Advance(tt.advance)
			assertFirings(t, got, tt.want)
			if p := c.Pending(); p != tt.pending {
				t.Errorf("Pending() = %d, want %d", p, tt.pending)
			}
			if now := c.Now(); !now.Equal(epoch.Add(tt.advance)) {
				t.Errorf("Now() after Advance = %v, want %v", now, epoch.Add(tt.advance))
			}
		})
	}
}

func TestFakeCallbacksMayReschedule(t *testing.T) {
	c := NewFake(epoch)
	var got []firing
	var tick func()
	tick = func() {
		got = append(got, firing{"tick", c.Now().Sub(epoch)})
		c.AfterFunc(10*time.Second, tick)
	}
	c.AfterFunc(10*time.Second, tick)
	c.Advance(35 * time.Second)
	assertFirings(t, got, []firing{{"tick", 10 * time.Second}, {"tick", 20 * time.Second}, {"tick", 30 * time.Second}})
	if d, ok := c.NextDeadline(); !ok || !d.Equal(epoch.Add(40*time.Second)) {
		t.Errorf("NextDeadline() = %v, %v; want %v", d, ok, epoch.Add(40*time.Second))
	}
}

func TestFakeStop(t *testing.T) {
	tests := []struct {
		name     string
		advance  time.Duration // before Stop
		wantStop bool
		wantRan  bool
	}{
		{"stop before deadline prevents the call", 0, true, false},
		{"stop after firing reports false", 2 * time.Second, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewFake(epoch)
			ran := false
			tm := c.AfterFunc(time.Second, func() { ran = true })
			c.Advance(tt.advance)
			if got := tm.Stop(); got != tt.wantStop {
				t.Errorf("Stop() = %v, want %v", got, tt.wantStop)
			}
			if tm.Stop() {
				t.Error("second Stop() = true, want false")
			}
			c.Advance(time.Hour)
			if ran != tt.wantRan {
				t.Errorf("ran = %v, want %v", ran, tt.wantRan)
			}
		})
	}
}

func TestFakeSet(t *testing.T) {
	c := NewFake(epoch)
	fired := 0
	c.AfterFunc(time.Minute, func() { fired++ })
	c.Set(epoch.Add(-time.Hour))
	if fired != 0 || !c.Now().Equal(epoch.Add(-time.Hour)) {
		t.Fatalf("Set backwards: fired=%d now=%v", fired, c.Now())
	}
	c.Set(epoch.Add(time.Minute))
	if fired != 1 {
		t.Errorf("Set forward past the deadline fired %d timers, want 1", fired)
	}
}

func TestFakeBlockUntil(t *testing.T) {
	c := NewFake(epoch)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.BlockUntil(ctx, 2) }()
	c.AfterFunc(time.Second, func() {})
	c.AfterFunc(time.Second, func() {})
	if err := <-done; err != nil {
		t.Fatalf("BlockUntil: %v", err)
	}

	short, cancelShort := context.WithCancel(context.Background())
	cancelShort()
	if err := c.BlockUntil(short, 3); err == nil {
		t.Error("BlockUntil with a cancelled context and too few timers returned nil")
	}
}

// TestFakeConcurrentUse is meant for the race detector: scheduling and stopping from many
// goroutines while another goroutine advances the clock.
func TestFakeConcurrentUse(t *testing.T) {
	c := NewFake(epoch)
	var mu sync.Mutex
	fired := 0
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				tm := c.AfterFunc(time.Duration(i+j)*time.Millisecond, func() {
					mu.Lock()
					fired++
					mu.Unlock()
				})
				if j%2 == 0 {
					tm.Stop()
				}
			}
		}()
	}
	stop := make(chan struct{})
	advanced := make(chan struct{})
	go func() {
		defer close(advanced)
		for {
			select {
			case <-stop:
				return
			default:
				c.Advance(time.Millisecond)
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-advanced
	c.Advance(time.Hour)
	if c.Pending() != 0 {
		t.Errorf("Pending() = %d after advancing past every deadline", c.Pending())
	}
	mu.Lock()
	defer mu.Unlock()
	// Each even j was stopped, but a stop can lose the race against the advancing goroutine,
	// so between 400 (every stop won) and 800 timers fired.
	if fired < 400 || fired > 800 {
		t.Errorf("fired = %d, want 400..800", fired)
	}
}

func TestRealClockFires(t *testing.T) {
	c := Real()
	done := make(chan time.Time, 1)
	start := c.Now()
	c.AfterFunc(time.Millisecond, func() { done <- c.Now() })
	select {
	case at := <-done:
		if at.Before(start) {
			t.Errorf("callback saw %v before start %v", at, start)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("real timer did not fire within 5s")
	}
	if c.AfterFunc(time.Hour, func() {}).Stop() != true {
		t.Error("Stop of a pending real timer = false")
	}
}

func assertFirings(t *testing.T, got, want []firing) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("fired %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("firing %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestFakeStepWallKeepsElapsedTime(t *testing.T) {
	c := NewFake(epoch)
	fired := 0
	c.AfterFunc(time.Minute, func() { fired++ })
	c.Advance(10 * time.Second)
	c.StepWall(-time.Hour)
	if !c.Now().Equal(epoch.Add(10*time.Second - time.Hour)) {
		t.Fatalf("after stepping back an hour Now = %v", c.Now())
	}
	if c.Monotonic() != 10*time.Second {
		t.Fatalf("Monotonic = %v after 10 s and a step; want 10s", c.Monotonic())
	}
	c.Advance(49 * time.Second)
	if fired != 0 {
		t.Fatal("the step back made a timer fire early")
	}
	c.Advance(time.Second)
	if fired != 1 || c.Monotonic() != time.Minute {
		t.Fatalf("after a minute of elapsed time: fired=%d monotonic=%v; want 1 and 1m", fired, c.Monotonic())
	}
}

func TestRealMonotonicAdvances(t *testing.T) {
	c := Real()
	a := c.Monotonic()
	time.Sleep(time.Millisecond)
	if b := c.Monotonic(); b <= a {
		t.Fatalf("Monotonic went from %v to %v", a, b)
	}
}
