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
	// (Fake) once d has elapsed. A d <= 0 means "as soon as possible".
	AfterFunc(d time.Duration, f func()) Timer
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
