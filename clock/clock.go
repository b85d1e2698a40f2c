// Package clock is the seam between code that reads the time and the time itself: production
// code uses Real, tests use a Fake that only moves when told to, so a 30-minute routine runs
// in milliseconds and every timer fires at exactly its deadline.
package clock

import "time"

// Clock tells the time and runs functions later.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine (Real) or in the goroutine that moves the clock
	// (Fake) once d has elapsed. A d <= 0 means "as soon as possible". Elapsed time is
	// monotonic: a step of the wall clock neither hastens nor delays the call.
	AfterFunc(d time.Duration, f func()) Timer
	// Monotonic is the time elapsed since an arbitrary fixed point, unaffected by steps of
	// the wall clock (NTP corrections, a VM resumed with an old time), so that comparing it
	// with Now tells when the wall clock was set back.
	Monotonic() time.Duration
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call if it has not started yet. It reports whether it did so: false
	// means the call already ran, is running, or was stopped before.
	Stop() bool
}

// Real returns the Clock of the operating system, backed by the time package.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// monotonicOrigin is the fixed point of realClock.Monotonic; time.Since reads the monotonic
// clock reading that time.Now carries.
var monotonicOrigin = time.Now()

func (realClock) Monotonic() time.Duration { return time.Since(monotonicOrigin) }
