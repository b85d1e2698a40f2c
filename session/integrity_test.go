package session

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestForgetTakesTheMemberOutOfEverySessionOfTheServer(t *testing.T) {
	h := newHarness(t)
	lobby := h.start("c1", time.Minute, shortRoutine()).Session.ID
	running := h.start("c2", 0, shortRoutine()).Session.ID
	elsewhere := h.must(h.eng.Start(bg, StartRequest{GuildID: "g2", ChannelID: "c3", Host: host,
		RoutineName: "test", Routine: shortRoutine()})).Session.ID
	for _, id := range []int64{lobby, running, elsewhere} {
		h.must(h.eng.Join(bg, id, member))
	}

	// The host of both sessions in g1 forgets themself; u2 stays.
	n, err := h.eng.Forget(bg, "g1", host.UserID)
	if err != nil || n != 2 {
		t.Fatalf("Forget = %d, %v; want 2 sessions", n, err)
	}
	for _, id := range []int64{lobby, running} {
		s := h.store.load(t, id)
		if s.participant(host.UserID) >= 0 || s.HostID != "" {
			t.Errorf("session %d still holds the forgotten host: host %q, participants %+v", id, s.HostID, s.Participants)
		}
	}
	if s := h.store.load(t, elsewhere); s.participant(host.UserID) < 0 || s.HostID != host.UserID {
		t.Errorf("another server's session lost its host: %+v", s)
	}
	// Host controls fall to those who may control any session; the session goes on.
	if _, err := h.eng.Pause(bg, running, host); !errors.Is(err, ErrNotHost) {
		t.Errorf("the forgotten host still controls the session: %v", err)
	}
	h.must(h.eng.Pause(bg, running, mod))
	h.must(h.eng.Resume(bg, running, mod))
	if n, err := h.eng.Forget(bg, "g1", host.UserID); err != nil || n != 0 {
		t.Errorf("forgetting again = %d, %v; want nothing to do", n, err)
	}

	finishSession(h, running)
	credits := h.store.creditsOf(running)
	if _, ok := credits[host.UserID]; ok || len(credits) != 1 {
		t.Errorf("credits %v; want u2 only", credits)
	}
	last := h.poster.channelWrites("c2")
	if summary := last[len(last)-1].view; summary.Session.participant(host.UserID) >= 0 {
		t.Errorf("the summary still lists the forgotten member: %+v", summary.Session.Participants)
	}
}

func TestJoinCountsFromTheClick(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", 0, shortRoutine()).Session.ID // five steps, 100 s; the last starts at 80 s
	h.clk.Advance(70 * time.Second)
	clicked := member
	clicked.At = h.clk.Now() // clicked during step 4 ...
	h.clk.Advance(12 * time.Second)
	v := h.must(h.eng.Join(bg, id, clicked)) // ... taken 12 s later, in the last step
	p := v.Session.Participants[v.Session.participant(member.UserID)]
	if !p.JoinedAt.Equal(clicked.At) || p.JoinedStep != 3 {
		t.Fatalf("joined at %v in step %d; want the click's time %v in step 3", p.JoinedAt, p.JoinedStep, clicked.At)
	}
	h.clk.Advance(time.Hour)
	if _, ok := h.store.creditsOf(id)[member.UserID]; !ok {
		t.Error("a join clicked before the last step was not credited")
	}

	// A click stamped in the future or before the session existed is bounded to its life.
	id = h.start("c2", time.Minute, shortRoutine()).Session.ID
	early, late := other, member
	early.At, late.At = epoch.Add(-time.Hour), h.clk.Now().Add(time.Hour)
	for _, a := range []Actor{early, late} {
		v := h.must(h.eng.Join(bg, id, a))
		p := v.Session.Participants[v.Session.participant(a.UserID)]
		if p.JoinedAt.Before(v.Session.CreatedAt) || p.JoinedAt.After(h.clk.Now()) {
			t.Errorf("%s joined at %v, outside the session's life", a.UserID, p.JoinedAt)
		}
	}
}

func TestFinalMessageIsRetriedUntilItLands(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", 0, shortRoutine()).Session.ID
	failures := 3
	h.poster.fail = func(op, channel, message string) error {
		if failures > 0 && h.store.load(t, id).Status == Finished {
			failures--
			return errors.New("503 Service Unavailable")
		}
		return nil
	}
	h.clk.Advance(100 * time.Second) // the plan ends; the summary write fails
	// Backoff from RetryDelay (5 s): 5 s, 10 s, 20 s.
	for _, wait := range []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second} {
		before := len(h.poster.channelWrites("c1"))
		h.clk.Advance(wait - time.Millisecond)
		if n := len(h.poster.channelWrites("c1")); n != before {
			t.Fatalf("a retry came before its backoff of %v", wait)
		}
		h.clk.Advance(time.Millisecond)
		if n := len(h.poster.channelWrites("c1")); n != before+1 {
			t.Fatalf("no retry after a backoff of %v", wait)
		}
	}
	writes := h.poster.channelWrites("c1")
	last := writes[len(writes)-1]
	if last.err != nil || last.view.Session.Status != Finished {
		t.Fatalf("the last write was %s of a %s session (err %v); want the summary, written", last.op, last.view.Session.Status, last.err)
	}
	h.clk.Advance(time.Hour)
	if n := len(h.poster.channelWrites("c1")); n != len(writes) {
		t.Errorf("%d more writes after the summary landed", n-len(writes))
	}
}

func TestGoneStopsTheRetries(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", 0, shortRoutine()).Session.ID
	h.poster.fail = func(string, string, string) error { return errors.New("500 Internal Server Error") }
	h.clk.Advance(40 * time.Second) // step changes fail and are retried
	h.poster.fail = func(string, string, string) error { return ErrGone }
	h.clk.Advance(time.Hour)
	writes := h.poster.channelWrites("c1")
	gone := 0
	for i, w := range writes {
		if errors.Is(w.err, ErrGone) {
			gone = i
			break
		}
	}
	if gone == 0 || gone != len(writes)-1 {
		t.Errorf("writes %d, the first finding the channel gone is #%d; want it to be the last", len(writes), gone)
	}
	if st := h.store.load(t, id).Status; st != Aborted {
		t.Errorf("session %s; want aborted", st)
	}
}

// TestClickRepliesNeverShowAnOlderState plays two clicks on the live message whose replies
// reach Discord in the opposite order.
func TestClickRepliesNeverShowAnOlderState(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", 0, shortRoutine()).Session.ID
	live := host
	live.MessageID = "m1"
	first := h.must(h.eng.Skip(bg, id, live))  // to step 2
	second := h.must(h.eng.Skip(bg, id, live)) // to step 3
	if first.Claim == nil || second.Claim == nil {
		t.Fatal("a view answering a click on the live message has no Claim")
	}
	done, ok := second.Claim()
	if !ok {
		t.Fatal("the newest state could not be claimed")
	}
	if _, ok := first.Claim(); ok {
		t.Fatal("an older state was claimed while the newer one was being sent")
	}
	done(true)
	if _, ok := first.Claim(); ok {
		t.Fatal("an older state was claimed after the newer one was shown")
	}
	waitIdle(t, h)
	if n := len(h.poster.channelWrites("c1")); n != 1 {
		t.Errorf("%d Poster writes; want only the first post: the newest state was shown by the reply", n)
	}

	// A reply that failed to send is not counted as shown: the engine writes the state.
	third := h.must(h.eng.Pause(bg, id, live))
	done, ok = third.Claim()
	if !ok {
		t.Fatal("could not claim the pause")
	}
	done(false)
	waitIdle(t, h)
	writes := h.poster.channelWrites("c1")
	if last := writes[len(writes)-1]; last.view.Session.Status != Paused || last.view.Step != 2 {
		t.Errorf("after a failed reply the message shows %s step %d; want paused at step 2", last.view.Session.Status, last.view.Step)
	}
}

// waitIdle waits until the engine's background writes are done.
func waitIdle(t *testing.T, h *harness) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		h.eng.mu.Lock()
		runs := make([]*run, 0, len(h.eng.runs))
		for _, rt := range h.eng.runs {
			runs = append(runs, rt)
		}
		h.eng.mu.Unlock()
		idle := true
		for _, rt := range runs {
			rt.mu.Lock()
			idle = idle && !rt.dirty && !rt.writing
			rt.mu.Unlock()
		}
		if idle {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("the engine's writes did not settle")
}

func TestWallClockSetBackMidSession(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", 0, shortRoutine()).Session.ID // five steps, 100 s
	h.must(h.eng.Join(bg, id, member))
	h.clk.Advance(35 * time.Second) // in the rest step (30–40 s)
	h.clk.StepWall(-time.Hour)      // NTP sets the clock back an hour
	v := h.must(h.eng.Status(bg, "c1"))
	if v.Step != 1 || v.StepEnd.Sub(v.Now) != 5*time.Second {
		t.Fatalf("after the step back: step %d ending in %v; want step 1 ending in 5s", v.Step, v.StepEnd.Sub(v.Now))
	}
	before := len(h.poster.channelWrites("c1"))
	h.clk.Advance(5 * time.Second) // the next step starts on time, not an hour late
	if writes := h.poster.channelWrites("c1"); len(writes) != before+1 || writes[len(writes)-1].view.Step != 2 {
		t.Fatalf("the message froze after the clock was set back: %d new writes", len(writes)-before)
	}
	h.clk.Advance(time.Minute)
	s := h.store.load(t, id)
	if s.Status != Finished || s.ActiveTime(s.EndedAt) != 100*time.Second {
		t.Fatalf("session %s after %v active; want finished after 100s", s.Status, s.ActiveTime(s.EndedAt))
	}
	credits := h.store.creditsOf(id)
	for _, who := range []string{host.UserID, member.UserID} {
		if c, ok := credits[who]; !ok || c.Active <= 0 {
			t.Errorf("%s: credit %+v (credited %v); want a positive credit", who, c, ok)
		}
	}
	if !strings.Contains(h.logs.String(), "the wall clock was set back") {
		t.Error("the step back was not logged")
	}
}

func TestWallClockBehindTheStoreAtRestart(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", 0, shortRoutine()).Session.ID
	h.clk.Advance(35 * time.Second)
	if err := h.eng.Shutdown(bg); err != nil {
		t.Fatal(err)
	}
	h.clk.StepWall(-time.Hour) // the machine comes back with an old time
	h.eng = New(h.cfg, h.store, h.poster, h.clk)
	if err := h.eng.Restore(bg); err != nil {
		t.Fatal(err)
	}
	v := h.must(h.eng.Status(bg, "c1"))
	// The store cannot say how long the session ran after its last recorded event (its
	// start), so it resumes from there: repeating 35 s of stretching, never a negative time.
	if v.Session.ActiveTime(v.Now) != 0 || v.Step != 0 || v.Session.StartedAt.After(v.Now) {
		t.Fatalf("restored at step %d with %v active, started %v; want step 0 from now", v.Step, v.Session.ActiveTime(v.Now), v.Session.StartedAt)
	}
	h.clk.Advance(time.Hour)
	if s := h.store.load(t, id); s.Status != Finished || len(h.store.creditsOf(id)) != 1 {
		t.Fatalf("session %s with %d credits; want finished, the host credited", s.Status, len(h.store.creditsOf(id)))
	}
}
