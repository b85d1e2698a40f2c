package session

import (
	"context"
	"sync"
	"testing"
	"time"
)

// turnPoster is a memPoster with turns (Turner): while blocking, each Turn waits until the
// test lets it through, as a write queued behind other sessions' writes waits for the
// shared limiter.
type turnPoster struct {
	*memPoster
	mu       sync.Mutex
	blocking bool
	waiting  chan struct{} // a Turn has begun to wait
	release  chan struct{} // lets one waiting Turn through
}

func (p *turnPoster) Turn(ctx context.Context) (context.Context, error) {
	p.mu.Lock()
	blocking := p.blocking
	p.mu.Unlock()
	if !blocking {
		return ctx, nil
	}
	p.waiting <- struct{}{}
	select {
	case <-p.release:
		return ctx, nil
	case <-ctx.Done():
		return ctx, ctx.Err()
	}
}

var _ Turner = (*turnPoster)(nil)

// TestWriteRendersWhenItsTurnComes: a write that waits for its turn while the session
// moves on two steps writes the newest step once, not the step it was queued for and then
// the others.
func TestWriteRendersWhenItsTurnComes(t *testing.T) {
	h := newHarness(t)
	poster := &turnPoster{memPoster: h.poster, waiting: make(chan struct{}), release: make(chan struct{})}
	h.eng = New(h.cfg, h.store, poster, h.clk)
	id := h.start("c1", 0, shortRoutine()).Session.ID // step 0: the first 30 s hold, posted

	poster.mu.Lock()
	poster.blocking = true
	poster.mu.Unlock()
	skipped := make(chan error, 1)
	go func() { _, err := h.eng.Skip(context.Background(), id, host); skipped <- err }() // to the rest
	select {
	case <-poster.waiting: // the skip's write waits for its turn
	case err := <-skipped:
		t.Fatalf("the skip returned (%v) without waiting for a turn", err)
	}

	h.clk.Advance(10 * time.Second) // rep 2 begins: saved, its write left to the waiting writer
	h.clk.Advance(30 * time.Second) // the get-ready for the second exercise begins
	poster.release <- struct{}{}
	if err := <-skipped; err != nil {
		t.Fatal(err)
	}
	writes := h.poster.channelWrites("c1")
	if len(writes) != 2 {
		t.Fatalf("%d writes (%+v); want the first post and one edit", len(writes), writes)
	}
	if last := writes[1].view; last.Step != 3 {
		t.Errorf("the queued write showed step %d; want step 3, the newest (the skip's step was 1)", last.Step)
	}
}
