package session

import (
	"errors"
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
