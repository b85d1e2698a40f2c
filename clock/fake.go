package clock

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// Fake is a Clock that moves only through Advance and Set. Timers fire synchronously in the
// goroutine that moves the clock, in deadline order (ties in the order they were scheduled),
// with Now() equal to each timer's deadline while its function runs. That makes tests
// deterministic: when Advance returns, every callback that was due has finished.
//
// A Fake is safe for concurrent use, but only one goroutine should move it at a time;
// AfterFunc with d <= 0 fires on the next Advance or Set (possibly Advance(0)), never inside
// AfterFunc itself, so callers may hold their own locks while scheduling.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	mono    time.Duration // advances with the clock, but not with StepWall
	pending timerHeap
	seq     uint64
	// changed is closed when the set of pending timers changes; nil while nobody waits,
	// so a busy benchmark does not allocate a channel per timer.
	changed chan struct{}
}

var _ Clock = (*Fake)(nil)

// NewFake returns a Fake clock reading start.
func NewFake(start time.Time) *Fake { return &Fake{now: start} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// AfterFunc schedules fn at Now()+d.
func (f *Fake) AfterFunc(d time.Duration, fn func()) Timer {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{clock: f, when: f.now.Add(d), seq: f.seq, fn: fn}
	f.seq++
	heap.Push(&f.pending, t)
	f.notifyLocked()
	return t
}

// Advance moves the clock forward by d, firing every timer due by then, including timers
// that the fired functions schedule within the same span.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	target := f.now.Add(d)
	f.mu.Unlock()
	f.runUntil(target)
}

// Monotonic returns how far the clock has advanced since NewFake; StepWall does not move it.
func (f *Fake) Monotonic() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mono
}

// StepWall sets the wall clock forward (d > 0) or back (d < 0) by d without time passing,
// as an NTP correction does: Now moves, Monotonic does not, and pending timers still fire
// after the same elapsed time (their wall deadlines move with the step). Nothing fires.
func (f *Fake) StepWall(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	for _, t := range f.pending {
		t.when = t.when.Add(d)
	}
}

// Set moves the clock to t. Moving forward fires due timers as Advance does; moving
// backward fires nothing (timers keep their absolute deadlines).
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	if t.Before(f.now) {
		f.now = t
		f.mu.Unlock()
		return
	}
	f.mu.Unlock()
	f.runUntil(t)
}

// Pending returns the number of timers that have neither fired nor been stopped.
func (f *Fake) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.pending)
}

// NextDeadline returns the deadline of the earliest pending timer.
func (f *Fake) NextDeadline() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.pending) == 0 {
		return time.Time{}, false
	}
	return f.pending[0].when, true
}

// BlockUntil waits until at least n timers are pending, for tests whose code under test
// schedules from another goroutine. It returns ctx.Err() if ctx ends first.
func (f *Fake) BlockUntil(ctx context.Context, n int) error {
	for {
		f.mu.Lock()
		if len(f.pending) >= n {
			f.mu.Unlock()
			return nil
		}
		if f.changed == nil {
			f.changed = make(chan struct{})
		}
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// runUntil fires due timers one at a time, releasing the lock around each call so that the
// callback may use the clock (Now, AfterFunc, Stop).
func (f *Fake) runUntil(target time.Time) {
	for {
		f.mu.Lock()
		if len(f.pending) == 0 || f.pending[0].when.After(target) {
			f.moveTo(target)
			f.mu.Unlock()
			return
		}
		t := heap.Pop(&f.pending).(*fakeTimer)
		f.moveTo(t.when)
		f.notifyLocked()
		f.mu.Unlock()
		t.fn()
	}
}

// moveTo advances the clock to t, if t is later; caller holds f.mu.
func (f *Fake) moveTo(t time.Time) {
	if t.After(f.now) {
		f.mono += t.Sub(f.now)
		f.now = t
	}
}

func (f *Fake) notifyLocked() {
	if f.changed != nil {
		close(f.changed)
		f.changed = nil
	}
}

type fakeTimer struct {
	clock *Fake
	when  time.Time
	seq   uint64
	fn    func()
	index int // position in the heap; -1 once popped or removed
}

// Stop removes the timer if it is still pending.
func (t *fakeTimer) Stop() bool {
	f := t.clock
	f.mu.Lock()
	defer f.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&f.pending, t.index)
	f.notifyLocked()
	return true
}

// timerHeap orders timers by deadline, then by scheduling order, so equal deadlines fire
// first-scheduled first.
type timerHeap []*fakeTimer

func (h timerHeap) Len() int { return len(h) }

func (h timerHeap) Less(i, j int) bool {
	if !h[i].when.Equal(h[j].when) {
		return h[i].when.Before(h[j].when)
	}
	return h[i].seq < h[j].seq
}

func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *timerHeap) Push(x any) {
	t := x.(*fakeTimer)
	t.index = len(*h)
	*h = append(*h, t)
}

func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}
