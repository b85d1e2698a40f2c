package clock

import (
	"testing"
	"time"
)

func TestRealDelay(t *testing.T) {
	tests := []struct {
		d, factor, want time.Duration
	}{
		{10 * time.Second, 10, time.Second},
		{15, 10, 2}, // rounded up: the callback never runs before d has passed
		{1, 10, 1},
		{0, 10, 0},
		{-time.Second, 10, 0},
		{time.Minute, 1, time.Minute},
	}
	for _, tt := range tests {
		if got := realDelay(tt.d, tt.factor); got != tt.want {
			t.Errorf("realDelay(%v, %d) = %v, want %v", tt.d, tt.factor, got, tt.want)
		}
	}
}

// The assertions are lower bounds only (a slow machine makes a clock run further, never
// less far); the only upper bound is a generous deadline for a timer to fire at all.
func TestScaledClockRunsFaster(t *testing.T) {
	tests := []struct {
		factor int
		sleep  time.Duration // real
	}{
		{1, 5 * time.Millisecond},
		{10, 5 * time.Millisecond},
		{100, 5 * time.Millisecond},
		{0, 5 * time.Millisecond}, // taken as 1
	}
	for _, tt := range tests {
		c := Scaled(tt.factor)
		start, mono := c.Now(), c.Monotonic()
		time.Sleep(tt.sleep)
		want := tt.sleep * time.Duration(max(tt.factor, 1))
		if got := c.Now().Sub(start); got < want {
			t.Errorf("factor %d: Now moved %v in %v of real time, want at least %v", tt.factor, got, tt.sleep, want)
		}
		if got := c.Monotonic() - mono; got < want {
			t.Errorf("factor %d: Monotonic moved %v in %v of real time, want at least %v", tt.factor, got, tt.sleep, want)
		}
	}
}

func TestScaledAfterFunc(t *testing.T) {
	c := Scaled(1000)
	tests := []struct {
		name string
		d    time.Duration // on the scaled clock: 1 s is 1 ms of real time
	}{
		{"zero fires as soon as possible", 0},
		{"a second", time.Second},
		{"ten seconds", 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deadline := c.Now().Add(tt.d)
			fired := make(chan time.Time, 1)
			c.AfterFunc(tt.d, func() { fired <- c.Now() })
			select {
			case at := <-fired:
				if at.Before(deadline) {
					t.Fatalf("fired at %v, %v before its deadline", at, deadline.Sub(at))
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the timer did not fire within 10 s of real time")
			}
		})
	}
}

func TestScaledStop(t *testing.T) {
	c := Scaled(10)
	fired := make(chan struct{}, 1)
	timer := c.AfterFunc(time.Hour, func() { fired <- struct{}{} }) // 6 real minutes
	if !timer.Stop() {
		t.Fatal("Stop of a pending timer reported false")
	}
	if timer.Stop() {
		t.Fatal("a second Stop reported true")
	}
	select {
	case <-fired:
		t.Fatal("a stopped timer fired")
	default:
	}
}
