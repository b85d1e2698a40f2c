package session

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestLeadInComesBeforeTheFirstExercise(t *testing.T) {
	plan, err := BuildPlan(shortRoutine(), 10*time.Second, 15*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []StepKind
	for _, st := range plan {
		kinds = append(kinds, st.Kind)
	}
	want := []StepKind{Prep, Exercise, Rest, Exercise, Prep, Exercise}
	if !slices.Equal(kinds, want) || plan[0].Duration != 15*time.Second || plan[4].Duration != 10*time.Second {
		t.Fatalf("plan kinds %v, first prep %v; want %v with a 15 s lead-in", kinds, plan[0].Duration, want)
	}
	if plan[0].Name != "Cat-cow" || plan[4].Name != "Dead hang" || plan.Exercises() != 2 {
		t.Errorf("prep steps name the exercise they prepare: %+v", plan)
	}
}

func TestNobodyInTheLobbyCancelsAtStart(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", time.Minute, shortRoutine()).Session.ID
	h.must(h.eng.Leave(bg, id, host))
	h.clk.Advance(time.Minute)
	s := h.store.load(t, id)
	if s.Status != Cancelled {
		t.Fatalf("an empty session at its start is %s; want cancelled", s.Status)
	}
	w := h.poster.channelWrites("c1")
	if last := w[len(w)-1]; last.view.Note != noteEmpty || len(last.view.Ping) != 0 {
		t.Errorf("the last message says %q and pings %v; want the note, no ping", last.view.Note, last.view.Ping)
	}

	// Start now by a moderator, with nobody in: cancelled too.
	id = h.start("c2", time.Minute, shortRoutine()).Session.ID
	h.must(h.eng.Leave(bg, id, host))
	if v := h.must(h.eng.StartNow(bg, id, mod)); v.Session.Status != Cancelled || v.Note != noteEmpty {
		t.Errorf("Start now with nobody in: %s %q", v.Session.Status, v.Note)
	}
}

func TestSummarySaysWhoIsNotCreditedAndWhy(t *testing.T) {
	h := newHarness(t)
	// shortRoutine: cat-cow 30 s, rest 10 s, cat-cow 30 s, prep 10 s, hang 20 s (100 s).
	id := h.start("c1", 0, shortRoutine()).Session.ID
	h.must(h.eng.Join(bg, id, member)) // stays to the end: credited
	h.must(h.eng.Join(bg, id, other))
	h.clk.Advance(35 * time.Second)
	h.must(h.eng.Leave(bg, id, other)) // left before the end
	h.clk.Advance(50 * time.Second)    // 85 s: the last step (the hang)
	late := Actor{UserID: "u4", Name: "Lu"}
	h.must(h.eng.Join(bg, id, late)) // joined during the last step
	v := h.must(h.eng.Stop(bg, id, host))
	reasons := map[string]MissReason{}
	for _, m := range v.Missed {
		reasons[m.UserID] = m.Reason
	}
	if len(v.Credits) != 2 || reasons[other.UserID] != MissLeft || reasons[late.UserID] != MissLateJoin || len(reasons) != 2 {
		t.Errorf("credits %+v, missed %v", v.Credits, reasons)
	}
	if v.Reached != 2 {
		t.Errorf("reached %d of 2 exercises; want 2 (stopped during the second)", v.Reached)
	}

	// Stopped early: nobody is credited, everyone is told why.
	id = h.start("c2", 0, shortRoutine()).Session.ID
	h.must(h.eng.Join(bg, id, member))
	h.clk.Advance(20 * time.Second)
	v = h.must(h.eng.Stop(bg, id, host))
	if len(v.Credits) != 0 || len(v.Missed) != 2 || v.Missed[0].Reason != MissTooShort || v.Reached != 1 {
		t.Errorf("stopped after 20 s: credits %+v, missed %+v, reached %d", v.Credits, v.Missed, v.Reached)
	}
}

func TestScheduledSessionHasNoHostAndPingsItsRoleOnce(t *testing.T) {
	h := newHarness(t)
	v, err := h.eng.Start(bg, StartRequest{GuildID: "g1", ChannelID: "c1", RoutineName: "test", Routine: shortRoutine(),
		Delay: time.Minute, PingRole: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Session.HostID != "" || len(v.Session.Participants) != 0 {
		t.Fatalf("a scheduled session has host %q and participants %+v; want neither", v.Session.HostID, v.Session.Participants)
	}
	h.must(h.eng.Join(bg, v.Session.ID, member))
	h.clk.Advance(time.Minute)
	writes := h.poster.channelWrites("c1")
	if writes[0].view.PingRole != "r1" {
		t.Errorf("the lobby post pings %q, want the role r1", writes[0].view.PingRole)
	}
	for _, w := range writes[1:] {
		if w.view.PingRole != "" {
			t.Errorf("%s %s pings the role again", w.op, w.message)
		}
	}
	// Host controls are for those who may control any session.
	if _, err := h.eng.Pause(bg, v.Session.ID, member); !errors.Is(err, ErrNotHost) {
		t.Errorf("a member paused a hostless session: %v", err)
	}
	h.must(h.eng.Pause(bg, v.Session.ID, mod))
}
