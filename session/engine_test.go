package session

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var bg = context.Background()

// boundaries returns the planned start of each step and the planned end, for a session that
// started at start and was never paused or skipped.
func boundaries(plan Plan, start time.Time) []time.Time {
	out := []time.Time{start}
	for _, st := range plan {
		start = start.Add(st.Duration)
		out = append(out, start)
	}
	return out
}

func TestFullRoutineToSummary(t *testing.T) {
	h := newHarness(t)
	lobby := h.start("c1", time.Minute, shortRoutine())
	if lobby.Session.Status != Lobby || len(lobby.Session.Participants) != 1 || lobby.Next == nil || lobby.Next.ExerciseID != "cat-cow" {
		t.Fatalf("lobby view = %+v", lobby)
	}
	id := lobby.Session.ID
	h.clk.Advance(10 * time.Second)
	h.must(h.eng.Join(bg, id, member))
	h.clk.Advance(time.Hour)

	writes := h.poster.channelWrites("c1")
	want := boundaries(lobby.Session.Plan, epoch.Add(time.Minute))
	// The lobby post; at the start a new message that pings the members (m2) and one edit
	// pointing the lobby to it; then exactly one edit of m2 per transition: four more steps
	// and the summary.
	if len(writes) != 2+len(want) {
		t.Fatalf("got %d writes, want %d", len(writes), 2+len(want))
	}
	if writes[0].op != "post" || !writes[0].at.Equal(epoch) {
		t.Errorf("first write = %s at %v, want the lobby post at start", writes[0].op, writes[0].at)
	}
	start, pointer := writes[1], writes[2]
	if start.op != "post" || start.message != "m2" || !slices.Equal(start.view.Ping, []string{host.UserID, member.UserID}) {
		t.Errorf("the start = %s %s pinging %v, want a new post pinging both members", start.op, start.message, start.view.Ping)
	}
	if pointer.op != "edit" || pointer.message != "m1" || pointer.view.MovedTo != "m2" || len(pointer.view.Ping) != 0 {
		t.Errorf("after the start: %s %s moved to %q, want the lobby m1 pointed to m2 without a ping", pointer.op, pointer.message, pointer.view.MovedTo)
	}
	transitions := append([]write{start}, writes[3:]...)
	for i, w := range transitions {
		if i > 0 && (w.op != "edit" || w.message != "m2") {
			t.Errorf("write %d = %s %s, want an edit of the live message m2", i, w.op, w.message)
		}
		if !w.at.Equal(want[i]) {
			t.Errorf("transition %d written at %v, planned %v", i, w.at.Sub(epoch), want[i].Sub(epoch))
		}
		if i < len(lobby.Session.Plan) && (w.view.Step != i || !w.view.StepStart.Equal(want[i]) || !w.view.StepEnd.Equal(want[i+1])) {
			t.Errorf("transition %d view: step %d %v..%v", i, w.view.Step, w.view.StepStart.Sub(epoch), w.view.StepEnd.Sub(epoch))
		}
	}
	summary := writes[len(writes)-1].view
	if summary.Session.Status != Finished || summary.RealDuration != 100*time.Second || len(summary.Credits) != 2 {
		t.Errorf("summary = status %s, duration %v, credits %+v", summary.Session.Status, summary.RealDuration, summary.Credits)
	}
	stored := h.store.load(t, id)
	if stored.Status != Finished || !stored.EndedAt.Equal(want[len(want)-1]) {
		t.Errorf("stored = %s ended %v", stored.Status, stored.EndedAt.Sub(epoch))
	}
	credits := h.store.creditsOf(id)
	if len(credits) != 2 || credits["host"].Active != 100*time.Second || credits["u2"].Active != 100*time.Second {
		t.Errorf("credits = %+v", credits)
	}
	if _, err := h.eng.Status(bg, "c1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Status after the end: %v, want ErrNotFound", err)
	}
	if v, err := h.eng.Lookup(bg, id); err != nil || v.Session.Status != Finished || len(v.Credits) != 2 {
		t.Errorf("Lookup of the ended session: %v, %s, credits %v", err, v.Session.Status, v.Credits)
	}
	if _, err := h.eng.Lookup(bg, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Lookup(999): %v, want ErrNotFound", err)
	}
}

// TestZeroDriftOverThirtyMinutes advances the clock in odd-sized chunks through a 30-minute
// routine: every transition must still land exactly on its planned deadline.
func TestZeroDriftOverThirtyMinutes(t *testing.T) {
	h := newHarness(t)
	var items []RoutineItem
	for i := range 5 {
		items = append(items, RoutineItem{ExerciseID: string(rune('a' + i)), Name: "ex", Hold: 100 * time.Second, Reps: 3, Rest: 30 * time.Second})
	}
	v := h.start("c1", 0, items)
	plan := v.Session.Plan
	if plan.Total() != 30*time.Minute+40*time.Second {
		t.Fatalf("routine is %v, want 30m40s", plan.Total())
	}
	for range 400 {
		h.clk.Advance(7*time.Second + 3*time.Millisecond)
	}
	want := boundaries(plan, epoch)
	writes := h.poster.channelWrites("c1")
	if len(writes) != len(want) { // the first step is written by Start, then one per transition
		t.Fatalf("got %d writes, want %d", len(writes), len(want))
	}
	var maxDrift time.Duration
	for i, w := range writes {
		maxDrift = max(maxDrift, w.at.Sub(want[i]).Abs())
	}
	if maxDrift != 0 {
		t.Errorf("max drift = %v, want 0", maxDrift)
	}
	if got := h.store.load(t, v.Session.ID).EndedAt; !got.Equal(epoch.Add(plan.Total())) {
		t.Errorf("ended at %v, want exactly %v", got.Sub(epoch), plan.Total())
	}
}

func TestPauseResumeShiftsDeadlinesByPausedTime(t *testing.T) {
	h := newHarness(t)
	v := h.start("c1", 0, shortRoutine())
	id, plan := v.Session.ID, v.Session.Plan
	h.clk.Advance(15 * time.Second)
	paused := h.must(h.eng.Pause(bg, id, host))
	if paused.Session.Status != Paused || paused.Remaining != 15*time.Second || paused.Step != 0 {
		t.Fatalf("paused view: %s step %d remaining %v", paused.Session.Status, paused.Step, paused.Remaining)
	}
	const pause = 7*time.Minute + 13*time.Second
	h.clk.Advance(pause)
	resumed := h.must(h.eng.Resume(bg, id, host))
	if !resumed.StepEnd.Equal(epoch.Add(30*time.Second + pause)) {
		t.Errorf("resumed step ends at %v, want %v", resumed.StepEnd.Sub(epoch), 30*time.Second+pause)
	}
	h.clk.Advance(time.Hour)

	writes := h.poster.channelWrites("c1")
	// post (step 0), pause edit, resume edit, 4 transitions, summary.
	if len(writes) != 8 {
		t.Fatalf("got %d writes, want 8", len(writes))
	}
	want := boundaries(plan, epoch.Add(pause))
	for i, w := range writes[3:] {
		if !w.at.Equal(want[i+1]) {
			t.Errorf("transition %d at %v, want %v", i+1, w.at.Sub(epoch), want[i+1].Sub(epoch))
		}
	}
	s := h.store.load(t, id)
	if s.PausedTotal != pause || s.Status != Finished || s.EndedAt.Sub(s.StartedAt) != plan.Total()+pause {
		t.Errorf("stored: paused %v, status %s, real duration %v", s.PausedTotal, s.Status, s.EndedAt.Sub(s.StartedAt))
	}
	if len(h.store.creditsOf(id)) != 1 {
		t.Errorf("credits = %v, want the host", h.store.creditsOf(id))
	}
}

func TestSkip(t *testing.T) {
	tests := []struct {
		name        string
		skips       []time.Duration // clock offsets (from start) at which to skip
		wantStatus  Status
		wantCredits int
		wantSkipped time.Duration
	}{
		{name: "one skip mid-step, the rest runs", skips: []time.Duration{12 * time.Second}, wantStatus: Finished, wantCredits: 1, wantSkipped: 18 * time.Second},
		{name: "skipping through everything credits nobody", skips: []time.Duration{time.Second, time.Second, time.Second, time.Second, time.Second},
			wantStatus: Finished, wantCredits: 0, wantSkipped: 99 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			v := h.start("c1", 0, shortRoutine())
			id := v.Session.ID
			for _, at := range tt.skips {
				h.clk.Set(epoch.Add(at))
				before := h.must(h.eng.Status(bg, "c1"))
				after := h.must(h.eng.Skip(bg, id, host))
				if after.Session.Status.Active() && (after.Step != before.Step+1 || !after.StepStart.Equal(epoch.Add(at))) {
					t.Errorf("skip at %v: step %d -> %d starting %v", at, before.Step, after.Step, after.StepStart.Sub(epoch))
				}
			}
			h.clk.Advance(time.Hour)
			s := h.store.load(t, id)
			if s.Status != tt.wantStatus || s.SkippedTotal != tt.wantSkipped || len(h.store.creditsOf(id)) != tt.wantCredits {
				t.Errorf("got %s skipped %v credits %d", s.Status, s.SkippedTotal, len(h.store.creditsOf(id)))
			}
		})
	}
}

func TestSkipMovesTheNextDeadline(t *testing.T) {
	h := newHarness(t)
	v := h.start("c1", 0, shortRoutine())
	h.clk.Advance(12 * time.Second)
	h.must(h.eng.Skip(bg, v.Session.ID, host))
	next, ok := h.clk.NextDeadline()
	if !ok || !next.Equal(epoch.Add(22*time.Second)) { // the 10s rest starts at 12s
		t.Fatalf("next deadline %v, want 22s", next.Sub(epoch))
	}
	h.clk.Advance(10 * time.Second)
	w := h.poster.channelWrites("c1")
	if last := w[len(w)-1]; last.view.Step != 2 || !last.at.Equal(epoch.Add(22*time.Second)) {
		t.Errorf("after the skipped rest: step %d at %v", last.view.Step, last.at.Sub(epoch))
	}
}

func TestStop(t *testing.T) {
	tests := []struct {
		name        string
		at          time.Duration
		pauseAt     time.Duration // 0: not paused
		wantCredits int
	}{
		{"before half credits nobody", 49 * time.Second, 0, 0},
		{"at half credits", 50 * time.Second, 0, 1},
		{"paused before half, stopped much later, credits nobody", 70 * time.Minute, 40 * time.Second, 0},
		{"paused after half, then stopped", 59 * time.Minute, 60 * time.Second, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			id := h.start("c1", 0, shortRoutine()).Session.ID
			if tt.pauseAt > 0 {
				h.clk.Set(epoch.Add(tt.pauseAt))
				h.must(h.eng.Pause(bg, id, host))
			}
			h.clk.Set(epoch.Add(tt.at))
			v, err := h.eng.Stop(bg, id, host)
			if tt.at >= time.Hour && tt.pauseAt > 0 {
				// A pause longer than LateCutoff already stopped it on its own.
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("Stop after an hour-long pause: %v, want ErrNotFound", err)
				}
			} else if err != nil || v.Session.Status != Stopped {
				t.Fatalf("Stop: %v, status %s", err, v.Session.Status)
			}
			if got := len(h.store.creditsOf(id)); got != tt.wantCredits {
				t.Errorf("credits = %d, want %d", got, tt.wantCredits)
			}
			if st := h.store.load(t, id).Status; st != Stopped {
				t.Errorf("stored status %s, want stopped", st)
			}
		})
	}
}

// phase drives a fresh session (lobby 1 minute, then 100s of steps) into one phase.
type phase struct {
	name    string
	setup   func(h *harness, id int64)
	ended   bool // Join/Leave must answer ErrNotFound
	credits bool // a member who joins now and stays is credited
}

func phases() []phase {
	at := func(d time.Duration) func(h *harness, id int64) {
		return func(h *harness, id int64) { h.clk.Set(epoch.Add(d)) }
	}
	return []phase{
		{"lobby", at(10 * time.Second), false, true},
		{"first step", at(65 * time.Second), false, true},
		{"paused", func(h *harness, id int64) { h.clk.Set(epoch.Add(65 * time.Second)); h.must(h.eng.Pause(bg, id, host)) }, false, true},
		{"prep before the last exercise", at(60*time.Second + 75*time.Second), false, true},
		{"last step", at(60*time.Second + 85*time.Second), false, false},
		{"ended", at(time.Hour), true, false},
	}
}

func TestJoinAtEveryPhase(t *testing.T) {
	for _, p := range phases() {
		t.Run(p.name, func(t *testing.T) {
			h := newHarness(t)
			id := h.start("c1", time.Minute, shortRoutine()).Session.ID
			p.setup(h, id)
			v, err := h.eng.Join(bg, id, member)
			if p.ended {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("Join after the end: %v, want ErrNotFound", err)
				}
				return
			}
			if err != nil || v.Session.participant("u2") < 0 {
				t.Fatalf("Join: %v, participants %+v", err, v.Session.Participants)
			}
			if h.store.load(t, id).participant("u2") < 0 {
				t.Error("join was not persisted")
			}
			finishSession(h, id)
			if _, got := h.store.creditsOf(id)["u2"]; got != p.credits {
				t.Errorf("member credited = %v, want %v", got, p.credits)
			}
		})
	}
}

func TestLeaveAtEveryPhase(t *testing.T) {
	for _, p := range phases() {
		t.Run(p.name, func(t *testing.T) {
			h := newHarness(t)
			id := h.start("c1", time.Minute, shortRoutine()).Session.ID
			h.must(h.eng.Join(bg, id, member))
			p.setup(h, id)
			v, err := h.eng.Leave(bg, id, member)
			if p.ended {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("Leave after the end: %v, want ErrNotFound", err)
				}
				if _, ok := h.store.creditsOf(id)["u2"]; !ok {
					t.Error("a member present at the end lost credit by clicking Leave afterwards")
				}
				return
			}
			if err != nil || v.Session.Participants[v.Session.participant("u2")].Present() {
				t.Fatalf("Leave: %v, participants %+v", err, v.Session.Participants)
			}
			finishSession(h, id)
			if _, ok := h.store.creditsOf(id)["u2"]; ok {
				t.Error("a member who left was credited")
			}
		})
	}
}

// finishSession resumes the session if paused and runs it to its end.
func finishSession(h *harness, id int64) {
	h.t.Helper()
	if v, err := h.eng.Status(bg, "c1"); err == nil && v.Session.Status == Paused {
		h.must(h.eng.Resume(bg, id, host))
	}
	h.clk.Advance(2 * time.Hour)
	if st := h.store.load(h.t, id).Status; st.Active() {
		h.t.Fatalf("session still %s", st)
	}
}

func TestRejoinKeepsFirstJoin(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", time.Minute, shortRoutine()).Session.ID
	h.must(h.eng.Join(bg, id, member))
	h.clk.Advance(65 * time.Second)
	h.must(h.eng.Leave(bg, id, member))
	h.clk.Advance(80 * time.Second) // into the last step
	v := h.must(h.eng.Join(bg, id, member))
	p := v.Session.Participants[v.Session.participant("u2")]
	if p.JoinedStep != -1 || !p.JoinedAt.Equal(epoch) || !p.Present() || len(v.Session.Participants) != 2 {
		t.Fatalf("rejoined participant = %+v", p)
	}
	h.clk.Advance(time.Hour)
	if _, ok := h.store.creditsOf(id)["u2"]; !ok {
		t.Error("a member back before the end was not credited")
	}
}

func TestDoubleClicks(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", time.Minute, shortRoutine()).Session.ID
	h.must(h.eng.Join(bg, id, member))
	saves := h.store.saves
	h.must(h.eng.Join(bg, id, member))
	if h.store.saves != saves {
		t.Error("a second Join wrote to the store")
	}
	h.must(h.eng.Leave(bg, id, other)) // never joined: nothing to do
	h.must(h.eng.StartNow(bg, id, host))
	if _, err := h.eng.StartNow(bg, id, host); !errors.Is(err, ErrWrongPhase) {
		t.Errorf("second StartNow: %v, want ErrWrongPhase", err)
	}
	h.must(h.eng.Pause(bg, id, host))
	if _, err := h.eng.Pause(bg, id, host); !errors.Is(err, ErrWrongPhase) {
		t.Errorf("second Pause: %v, want ErrWrongPhase", err)
	}
	h.must(h.eng.Resume(bg, id, host))
	if _, err := h.eng.Resume(bg, id, host); !errors.Is(err, ErrWrongPhase) {
		t.Errorf("second Resume: %v, want ErrWrongPhase", err)
	}
	writes := h.poster.count()
	h.must(h.eng.Stop(bg, id, host))
	if _, err := h.eng.Stop(bg, id, host); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Stop: %v, want ErrNotFound", err)
	}
	if _, err := h.eng.Join(bg, id, member); !errors.Is(err, ErrNotFound) {
		t.Errorf("Join after Stop: %v, want ErrNotFound", err)
	}
	if h.poster.count() != writes+1 || h.store.finishes != 1 {
		t.Errorf("Stop twice: %d writes, %d finishes; want 1 and 1", h.poster.count()-writes, h.store.finishes)
	}
}

func TestPermissionsAndPhases(t *testing.T) {
	type op func(*Engine, context.Context, int64, Actor) (View, error)
	ops := map[string]op{
		"start now": (*Engine).StartNow, "cancel": (*Engine).Cancel, "pause": (*Engine).Pause,
		"resume": (*Engine).Resume, "skip": (*Engine).Skip, "stop": (*Engine).Stop,
	}
	tests := []struct {
		op      string
		running bool // false: in the lobby
		actor   Actor
		want    error
	}{
		{"pause", true, member, ErrNotHost},
		{"stop", true, member, ErrNotHost},
		{"cancel", false, member, ErrNotHost},
		{"pause", true, mod, nil},
		{"skip", true, mod, nil},
		{"stop", true, host, nil},
		{"cancel", false, mod, nil},
		{"start now", false, host, nil},
		{"pause", false, host, ErrWrongPhase},
		{"skip", false, host, ErrWrongPhase},
		{"stop", false, host, ErrWrongPhase},
		{"resume", true, host, ErrWrongPhase},
		{"cancel", true, host, ErrWrongPhase},
		{"start now", true, host, ErrWrongPhase},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.actor.UserID, func(t *testing.T) {
			h := newHarness(t)
			delay := time.Minute
			if tt.running {
				delay = 0
			}
			id := h.start("c1", delay, shortRoutine()).Session.ID
			_, err := ops[tt.op](h.eng, bg, id, tt.actor)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("%s by %s: %v, want %v", tt.op, tt.actor.UserID, err, tt.want)
			}
		})
	}
	t.Run("unknown session", func(t *testing.T) {
		h := newHarness(t)
		if _, err := h.eng.Pause(bg, 999, host); !errors.Is(err, ErrNotFound) {
			t.Errorf("Pause(999): %v, want ErrNotFound", err)
		}
	})
	t.Run("bots cannot join or host", func(t *testing.T) {
		h := newHarness(t)
		id := h.start("c1", time.Minute, shortRoutine()).Session.ID
		bot := Actor{UserID: "b", IsBot: true}
		if _, err := h.eng.Join(bg, id, bot); !errors.Is(err, ErrBot) {
			t.Errorf("bot Join: %v", err)
		}
		if _, err := h.eng.Start(bg, StartRequest{ChannelID: "c2", Host: bot, Routine: shortRoutine()}); !errors.Is(err, ErrBot) {
			t.Errorf("bot Start: %v", err)
		}
	})
}

func TestCancelInLobby(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", time.Minute, shortRoutine()).Session.ID
	h.must(h.eng.Join(bg, id, member))
	v := h.must(h.eng.Cancel(bg, id, host))
	if v.Session.Status != Cancelled || len(v.Credits) != 0 {
		t.Fatalf("cancelled view: %s credits %v", v.Session.Status, v.Credits)
	}
	h.clk.Advance(time.Hour)
	if n := h.poster.count(); n != 2 { // lobby post, cancel edit; the start timer never fired
		t.Errorf("%d writes, want 2", n)
	}
	h.start("c1", time.Minute, shortRoutine()) // the channel is free again
}

func TestSecondSessionInChannelRefused(t *testing.T) {
	h := newHarness(t)
	first := h.start("c1", time.Minute, shortRoutine())
	_, err := h.eng.Start(bg, StartRequest{GuildID: "g1", ChannelID: "c1", Host: member, Routine: shortRoutine()})
	var busy *BusyError
	if !errors.As(err, &busy) || !errors.Is(err, ErrChannelBusy) {
		t.Fatalf("second Start: %v, want a BusyError", err)
	}
	if busy.Session.ID != first.Session.ID || busy.Session.LiveMessageID != "m1" {
		t.Errorf("BusyError carries session %d message %q, want %d m1", busy.Session.ID, busy.Session.LiveMessageID, first.Session.ID)
	}
	h.start("c2", time.Minute, shortRoutine()) // other channels are unaffected

	// The store is the authority: a session it knows about but this engine does not (another
	// engine instance) is refused too.
	h.store.sessions[99] = &Session{ID: 99, ChannelID: "c3", Status: Running}
	if _, err := h.eng.Start(bg, StartRequest{ChannelID: "c3", Host: host, Routine: shortRoutine()}); !errors.As(err, &busy) || busy.Session.ID != 99 {
		t.Errorf("Start in a channel busy in the store: %v", err)
	}
}

func TestTypeSevenReplyIsTheWrite(t *testing.T) {
	h := newHarness(t)
	id := h.start("c1", 0, shortRoutine()).Session.ID
	n := h.poster.count()
	clicked := host
	clicked.MessageID = "m1" // the live message
	h.must(h.eng.Pause(bg, id, clicked))
	if h.poster.count() != n {
		t.Errorf("a click on the live message also made %d Poster writes", h.poster.count()-n)
	}
	h.must(h.eng.Resume(bg, id, host)) // slash command: the engine writes
	if h.poster.count() != n+1 {
		t.Errorf("a slash command made %d Poster writes, want 1", h.poster.count()-n)
	}
	old := host
	old.MessageID = "m0" // a click on an older message: the live one must still be updated
	h.must(h.eng.Skip(bg, id, old))
	if h.poster.count() != n+2 {
		t.Errorf("a click on an old message made %d Poster writes in total, want 2", h.poster.count()-n)
	}
}

func TestGoneEndsOnlyThatSession(t *testing.T) {
	h := newHarness(t)
	h.poster.fail = func(op, channel, _ string) error {
		if channel == "gone" && op == "edit" {
			return errors.Join(ErrGone, errors.New("403 Missing Access"))
		}
		return nil
	}
	gone := h.start("gone", time.Minute, shortRoutine()).Session.ID
	fine := h.start("fine", time.Minute, shortRoutine()).Session.ID
	h.clk.Advance(time.Hour)
	if s := h.store.load(t, gone); s.Status != Aborted || len(h.store.creditsOf(gone)) != 0 {
		t.Errorf("gone session: %s, credits %v", s.Status, h.store.creditsOf(gone))
	}
	if w := h.poster.channelWrites("gone"); len(w) != 4 {
		t.Errorf("gone channel saw %d writes, want 4 (lobby post, start post, refused pointer edit, refused step edit)", len(w))
	}
	if s := h.store.load(t, fine); s.Status != Finished || len(h.store.creditsOf(fine)) != 1 {
		t.Errorf("other session: %s, credits %v", s.Status, h.store.creditsOf(fine))
	}
	if !strings.Contains(h.logs.String(), "Missing Access") {
		t.Error("the reason was not logged")
	}
	h.poster.fail = func(string, string, string) error { return ErrGone }
	if _, err := h.eng.Start(bg, StartRequest{ChannelID: "gone", Host: host, Routine: shortRoutine()}); !errors.Is(err, ErrGone) {
		t.Errorf("Start where the bot cannot post: %v, want ErrGone", err)
	}
}

func TestPostFailureAtStartFreesTheChannel(t *testing.T) {
	h := newHarness(t)
	h.poster.fail = func(string, string, string) error { return errors.New("503 after retries") }
	v, err := h.eng.Start(bg, StartRequest{ChannelID: "c1", Host: host, Routine: shortRoutine(), Delay: time.Minute})
	if err == nil || v.Session.Status != Aborted {
		t.Fatalf("Start with a failing Poster: %v, status %s", err, v.Session.Status)
	}
	h.poster.fail = nil
	h.start("c1", time.Minute, shortRoutine())
}

func TestTooOldEditPostsANewMessage(t *testing.T) {
	h := newHarness(t)
	refused := false
	h.poster.fail = func(op, _, message string) error {
		if op == "edit" && message == "m2" && !refused {
			refused = true
			return ErrTooOld
		}
		return nil
	}
	id := h.start("c1", time.Minute, shortRoutine()).Session.ID
	h.clk.Advance(time.Minute)      // the start: post m2, point m1 to it
	h.clk.Advance(30 * time.Second) // next transition: the edit of m2 is refused, m3 is posted
	w := h.poster.channelWrites("c1")
	if len(w) != 5 || w[3].op != "edit" || w[4].op != "post" || w[4].view.Step != 1 {
		t.Fatalf("writes = %+v", w)
	}
	if s := h.store.load(t, id); s.LiveMessageID != "m3" || !s.LiveMessagePostedAt.Equal(epoch.Add(90*time.Second)) {
		t.Errorf("stored live message %q posted %v, want m3 at 1m30s", s.LiveMessageID, s.LiveMessagePostedAt.Sub(epoch))
	}
	h.clk.Advance(10 * time.Second)
	if w := h.poster.channelWrites("c1"); w[len(w)-1].op != "edit" || w[len(w)-1].message != "m3" {
		t.Errorf("next transition = %s %s, want an edit of m3", w[len(w)-1].op, w[len(w)-1].message)
	}
}

func TestOldLiveMessageIsReplacedNotEdited(t *testing.T) {
	h := newHarness(t)
	routine := []RoutineItem{{Name: "long", Hold: 40 * time.Minute, Reps: 2, Rest: time.Minute}}
	h.start("c1", 0, routine)
	h.clk.Advance(2 * time.Hour)
	var ops []string
	for _, w := range h.poster.channelWrites("c1") {
		ops = append(ops, w.op)
	}
	// Posted at 0m; the transitions at 40m and 41m edit it; the summary at 81m would edit an
	// 81-minute-old message, so it is posted instead, and the old one points to it.
	want := []string{"post", "edit", "edit", "post", "edit"}
	if !slices.Equal(ops, want) {
		t.Fatalf("writes = %v, want %v", ops, want)
	}
	writes := h.poster.channelWrites("c1")
	if last := writes[4]; last.message != "m1" || last.view.MovedTo != writes[3].message {
		t.Errorf("the last write edits %s to point to %q; want m1 pointed to the summary %s", last.message, last.view.MovedTo, writes[3].message)
	}
}

func TestStoreFailureRetriesTransition(t *testing.T) {
	h := newHarness(t)
	failing := true
	h.store.failSave = func(s *Session) error {
		if failing && s.Status == Running {
			return errors.New("database is locked")
		}
		return nil
	}
	id := h.start("c1", time.Minute, shortRoutine()).Session.ID
	h.clk.Advance(time.Minute)
	if s := h.store.load(t, id); s.Status != Lobby || len(h.poster.channelWrites("c1")) != 1 {
		t.Fatalf("after a failed save: %s with %d writes; nothing may be announced unsaved", s.Status, len(h.poster.channelWrites("c1")))
	}
	failing = false
	h.clk.Advance(DefaultRetryDelay)
	s := h.store.load(t, id)
	if s.Status != Running || !s.StartedAt.Equal(epoch.Add(time.Minute+DefaultRetryDelay)) {
		t.Errorf("after the retry: %s started %v", s.Status, s.StartedAt.Sub(epoch))
	}
}
