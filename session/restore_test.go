package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/clock"
)

func TestRestore(t *testing.T) {
	tests := []struct {
		name     string
		delay    time.Duration // lobby length
		before   time.Duration // run time before the crash, from Start
		pause    bool          // pause right before the crash
		downtime time.Duration
		// expectations right after Restore
		wantStatus   Status
		wantWrites   int           // Poster writes made by Restore
		wantStep     int           // step of the written view
		wantNext     time.Duration // next timer deadline, from epoch; 0: none
		wantEndedAt  time.Duration // from epoch, for ended sessions
		wantCredited int
		wantNote     string
	}{
		{name: "running mid-step resumes at the right step", before: 45 * time.Second, downtime: 20 * time.Second,
			wantStatus: Running, wantWrites: 1, wantStep: 2, wantNext: 70 * time.Second},
		{name: "ended while down is finished as of its planned end", before: 30 * time.Second, downtime: 5 * time.Minute,
			wantStatus: Finished, wantWrites: 1, wantStep: 5, wantEndedAt: 100 * time.Second, wantCredited: 2},
		// Hours later the live message is too old to edit: the end is a new message, and the
		// old one is pointed to it.
		{name: "past the cutoff expires and credits nobody", before: 30 * time.Second, downtime: 2 * time.Hour,
			wantStatus: Expired, wantWrites: 2, wantStep: 5, wantEndedAt: 30*time.Second + 2*time.Hour, wantNote: noteLate},
		// The start is announced in a new message, and the lobby is pointed to it.
		{name: "lobby whose time passed starts now", delay: time.Minute, before: 10 * time.Second, downtime: 5 * time.Minute,
			wantStatus: Running, wantWrites: 2, wantStep: 0, wantNext: 5*time.Minute + 40*time.Second},
		{name: "lobby still waiting is left alone", delay: time.Minute, before: 10 * time.Second, downtime: 20 * time.Second,
			wantStatus: Lobby, wantNext: time.Minute},
		{name: "paused stays paused", before: 45 * time.Second, pause: true, downtime: 10 * time.Minute,
			wantStatus: Paused, wantNext: 45*time.Second + time.Hour},
		{name: "paused past the cutoff is stopped as of its pause", before: 55 * time.Second, pause: true, downtime: 3 * time.Hour,
			wantStatus: Stopped, wantWrites: 2, wantStep: 5, wantEndedAt: 55 * time.Second, wantCredited: 2, wantNote: notePaused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			id := h.start("c1", tt.delay, shortRoutine()).Session.ID
			h.must(h.eng.Join(bg, id, member))
			h.clk.Advance(tt.before)
			if tt.pause {
				h.must(h.eng.Pause(bg, id, host))
			}
			before := h.poster.count()
			h.reboot(tt.downtime)

			s := h.store.load(t, id)
			if s.Status != tt.wantStatus {
				t.Fatalf("status after restore = %s, want %s", s.Status, tt.wantStatus)
			}
			writes := h.poster.channelWrites("c1")[before:]
			if len(writes) != tt.wantWrites {
				t.Fatalf("restore wrote %d times, want %d", len(writes), tt.wantWrites)
			}
			if len(writes) > 0 && (writes[0].view.Step != tt.wantStep || writes[0].view.Note != tt.wantNote) {
				t.Errorf("announced step %d note %q, want %d %q", writes[0].view.Step, writes[0].view.Note, tt.wantStep, tt.wantNote)
			}
			if len(writes) == 2 && (writes[1].op != "edit" || writes[1].view.MovedTo != writes[0].message) {
				t.Errorf("second write %s moved to %q; want the old message pointed to the new %s", writes[1].op,
					writes[1].view.MovedTo, writes[0].message)
			}
			next, armed := h.clk.NextDeadline()
			if armed != (tt.wantNext != 0) || (armed && !next.Equal(epoch.Add(tt.wantNext))) {
				t.Errorf("next deadline = %v (armed %v), want %v", next.Sub(epoch), armed, tt.wantNext)
			}
			if !s.Status.Active() {
				if !s.EndedAt.Equal(epoch.Add(tt.wantEndedAt)) {
					t.Errorf("ended at %v, want %v", s.EndedAt.Sub(epoch), tt.wantEndedAt)
				}
				if got := len(h.store.creditsOf(id)); got != tt.wantCredited {
					t.Errorf("credited %d, want %d", got, tt.wantCredited)
				}
			}
		})
	}
}

func TestRestoreCreditsOnceEvenIfRunTwice(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", 0, shortRoutine()).Session.ID
	h.must(h.eng.Join(bg, id, member))
	h.clk.Advance(30 * time.Second)
	h.reboot(10 * time.Minute)
	writes, finishes := h.poster.count(), h.store.finishes
	if err := h.eng.Restore(bg); err != nil { // twice in one process
		t.Fatal(err)
	}
	h.reboot(time.Minute) // and once more after another restart
	if h.poster.count() != writes || h.store.finishes != finishes || finishes != 1 {
		t.Errorf("repeated restores: %d more writes, %d finishes (want 0 and 1)", h.poster.count()-writes, h.store.finishes)
	}
	if c := h.store.creditsOf(id); len(c) != 2 || c["u2"].Active != 100*time.Second {
		t.Errorf("credits = %+v", c)
	}
}

func TestRestoreTwiceKeepsOneTimer(t *testing.T) {
	h := newHarness(t)
	h.start("c1", 0, shortRoutine())
	h.clk.Advance(45 * time.Second)
	h.reboot(0)
	if err := h.eng.Restore(bg); err != nil {
		t.Fatal(err)
	}
	if h.clk.Pending() != 1 {
		t.Fatalf("%d timers pending, want 1", h.clk.Pending())
	}
	n := h.poster.count()
	h.clk.Advance(25 * time.Second) // the 70s transition
	if h.poster.count() != n+1 {
		t.Errorf("the next transition wrote %d times, want 1", h.poster.count()-n)
	}
}

func TestShutdownLeavesSessionsRunning(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", 0, shortRoutine()).Session.ID
	h.clk.Advance(10 * time.Second)
	if err := h.eng.Shutdown(bg); err != nil {
		t.Fatal(err)
	}
	if h.clk.Pending() != 0 {
		t.Errorf("%d timers still pending after Shutdown", h.clk.Pending())
	}
	if s := h.store.load(t, id); s.Status != Running {
		t.Errorf("stored status after Shutdown = %s, want running", s.Status)
	}
	if _, err := h.eng.Join(bg, id, member); !errors.Is(err, ErrClosed) {
		t.Errorf("Join after Shutdown: %v, want ErrClosed", err)
	}
}

// blockingPoster blocks the next Edit after block is set until release is closed, to hold
// a write in flight.
type blockingPoster struct {
	memPoster
	block   atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func newBlockingPoster(clk clock.Clock) *blockingPoster {
	return &blockingPoster{memPoster: memPoster{clock: clk}, entered: make(chan struct{}, 1), release: make(chan struct{})}
}

func (p *blockingPoster) Edit(ctx context.Context, channelID, messageID string, v View) error {
	if p.block.CompareAndSwap(true, false) {
		p.entered <- struct{}{}
		select {
		case <-p.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return p.memPoster.Edit(ctx, channelID, messageID, v)
}

// TestWritesCoalesceBehindASlowPoster: while one write waits in the REST queue, the
// transitions that come due keep their timing and collapse into a single write of the
// latest state.
func TestWritesCoalesceBehindASlowPoster(t *testing.T) {
	clk := clock.NewFake(epoch)
	poster := newBlockingPoster(clk)
	store := newMemStore()
	eng := New(Config{PrepGap: 10 * time.Second}, store, poster, clk)
	v, err := eng.Start(bg, StartRequest{ChannelID: "c1", Host: host, Routine: shortRoutine()})
	if err != nil {
		t.Fatal(err)
	}
	poster.block.Store(true)
	skipped := make(chan error, 1)
	go func() {
		_, err := eng.Skip(bg, v.Session.ID, host) // its write blocks
		skipped <- err
	}()
	<-poster.entered
	clk.Advance(5 * time.Minute) // four step transitions and the end, all due meanwhile
	if s := store.load(t, v.Session.ID); s.Status != Finished || !s.EndedAt.Equal(epoch.Add(70*time.Second)) {
		t.Fatalf("behind a blocked write: %s ended %v, want finished at 70s", s.Status, s.EndedAt.Sub(epoch))
	}
	close(poster.release)
	if err := <-skipped; err != nil {
		t.Fatal(err)
	}
	w := poster.channelWrites("c1")
	if len(w) != 3 || w[1].view.Step != 1 || w[2].view.Session.Status != Finished {
		t.Errorf("writes: %d, want the post, the skip's edit and one edit with the summary", len(w))
	}
	if err := eng.Shutdown(bg); err != nil {
		t.Error(err)
	}
}

func TestShutdownWaitsForInFlightTransition(t *testing.T) {
	clk := clock.NewFake(epoch)
	poster := newBlockingPoster(clk)
	eng := New(Config{}, newMemStore(), poster, clk)
	if _, err := eng.Start(bg, StartRequest{ChannelID: "c1", Host: host, Routine: shortRoutine(), Delay: time.Minute}); err != nil {
		t.Fatal(err)
	}
	poster.block.Store(true)
	go clk.Advance(time.Minute) // the transition blocks in Edit
	<-poster.entered
	short, cancel := context.WithTimeout(bg, 10*time.Millisecond)
	defer cancel()
	if err := eng.Shutdown(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with a write in flight: %v, want DeadlineExceeded", err)
	}
	close(poster.release)
}

// TestRealClock runs a tiny routine on real timers, to check the wiring with clock.Real.
func TestRealClock(t *testing.T) {
	done := make(chan View, 1)
	poster := &notifyPoster{done: done}
	eng := New(Config{}, newMemStore(), poster, clock.Real())
	defer eng.Shutdown(bg)
	ms := time.Millisecond
	routine := []RoutineItem{{Name: "a", Hold: 20 * ms, Reps: 2, Rest: 10 * ms}}
	if _, err := eng.Start(bg, StartRequest{ChannelID: "c1", Host: host, Routine: routine, Delay: 10 * ms}); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-done:
		if v.Session.Status != Finished || len(v.Credits) != 1 || v.Session.EndedAt.Sub(v.Session.StartedAt) != 50*ms {
			t.Errorf("summary: %s credits %v duration %v", v.Session.Status, v.Credits, v.Session.EndedAt.Sub(v.Session.StartedAt))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no summary within 10s")
	}
}

type notifyPoster struct {
	mu   sync.Mutex
	n    int
	done chan View
}

func (p *notifyPoster) Post(_ context.Context, _ string, v View) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	return fmt.Sprint(p.n), nil
}

func (p *notifyPoster) Edit(_ context.Context, _, _ string, v View) error {
	if !v.Session.Status.Active() {
		p.done <- v
	}
	return nil
}

// TestConcurrentClicks is for the race detector: members click every button of many
// sessions while the clock runs.
func TestConcurrentClicks(t *testing.T) {
	h := newHarness(t)
	const sessions = 20
	ids := make([]int64, sessions)
	for i := range ids {
		ids[i] = h.start(fmt.Sprintf("c%d", i), 30*time.Second, shortRoutine()).Session.ID
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := Actor{UserID: fmt.Sprintf("w%d", w), CanControl: w%2 == 0}
			for i := range 200 {
				id := ids[(w+i)%sessions]
				// Errors are expected (wrong phase, ended): only races and deadlocks matter.
				switch i % 6 {
				case 0:
					h.eng.Join(bg, id, a)
				case 1:
					h.eng.Leave(bg, id, a)
				case 2:
					h.eng.Pause(bg, id, a)
				case 3:
					h.eng.Resume(bg, id, a)
				case 4:
					h.eng.Skip(bg, id, a)
				default:
					h.eng.Status(bg, fmt.Sprintf("c%d", (w+i)%sessions))
				}
			}
		}()
	}
	for range 100 {
		h.clk.Advance(time.Second)
	}
	wg.Wait()
	for _, id := range ids {
		if s := h.store.load(t, id); s.Status == Paused {
			h.must(h.eng.Resume(bg, id, host))
		}
	}
	h.clk.Advance(3 * time.Hour)
	for _, id := range ids {
		if s := h.store.load(t, id); s.Status.Active() {
			t.Errorf("session %d still %s", id, s.Status)
		}
	}
}

// TestRestoreLeavesOtherShardsAlone: an engine that owns only some guilds (the shards its
// process runs) resumes their sessions and leaves the others' as they are stored, for the
// process that owns them.
func TestRestoreLeavesOtherShardsAlone(t *testing.T) {
	h := newHarness(t)
	mine, theirs := "g1", "g2"
	for i, g := range []string{mine, theirs} {
		if _, err := h.eng.Start(context.Background(), StartRequest{GuildID: g, ChannelID: fmt.Sprint("c", i), Host: host,
			RoutineName: "test", Routine: shortRoutine(), Delay: time.Minute}); err != nil {
			t.Fatal(err)
		}
	}
	h.cfg.Owns = func(guildID string) bool { return guildID == mine }
	h.reboot(30 * time.Minute) // both lobbies have passed their start
	if got := h.store.load(t, 1).Status; got != Running {
		t.Errorf("the owned guild's session is %v after the restore; want it running", got)
	}
	if got := h.store.load(t, 2).Status; got != Lobby {
		t.Errorf("the other shard's session is %v; want it left in its lobby", got)
	}
	h.eng.mu.Lock()
	defer h.eng.mu.Unlock()
	if h.eng.runs[2] != nil {
		t.Error("the engine runs the other shard's session")
	}
}
