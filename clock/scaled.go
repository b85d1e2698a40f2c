package clock

import "time"

// Scaled returns a Clock that runs factor times faster than the operating system's: it
// reads the real time at the moment Scaled is called, and from then on every real second
// moves it factor seconds. AfterFunc(d, f) calls f after d/factor of real time (rounded
// up, so when f runs Now has moved at least d). Monotonic runs factor times faster too.
// A factor below 1 is taken as 1, which behaves as Real.
//
// The sandbox's --fast mode uses it so a 30-minute routine runs in 3 real minutes at ×10
// while everything else (network deadlines, rate limiters) keeps real time.
func Scaled(factor int) Clock {
	return scaledClock{factor: time.Duration(max(factor, 1)), origin: time.Now()}
}

type scaledClock struct {
	factor time.Duration
	// origin is the real time when the clock was made; it carries a monotonic reading,
	// so the clock's elapsed time ignores steps of the wall clock.
	origin time.Time
}

func (c scaledClock) Now() time.Time { return c.origin.Add(c.Monotonic()) }

func (c scaledClock) Monotonic() time.Duration { return time.Since(c.origin) * c.factor }

func (c scaledClock) AfterFunc(d time.Duration, f func()) Timer {
	return time.AfterFunc(realDelay(d, c.factor), f)
}

// realDelay is how long to wait in real time for d to pass on a clock factor times
// faster: d/factor rounded up, and 0 for a d <= 0.
func realDelay(d, factor time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return (d + factor - 1) / factor
}
