package session

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingAlarms is an Alarms that keeps what was set and can refuse.
type recordingAlarms struct {
	mu   sync.Mutex
	set  []time.Time
	fail bool
}

func (a *recordingAlarms) Set(_ context.Context, _ *Session, at time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail {
		return errors.New("database is locked")
	}
	a.set = append(a.set, at)
	return nil
}

func (a *recordingAlarms) last() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.set[len(a.set)-1]
}

var _ Alarms = (*recordingAlarms)(nil)

// TestDurableAlarmsDriveTheSession: every deadline is recorded once as a durable alarm; a
// wake at the alarm's time makes the due transition and records the next deadline, a wake
// before anything is due changes nothing, and an alarm the database refuses leaves the
// clock timer to wake the session.
func TestDurableAlarmsDriveTheSession(t *testing.T) {
	h := newHarness(t)
	alarms := &recordingAlarms{}
	h.cfg.Alarms = alarms
	h.eng = New(h.cfg, h.store, h.poster, h.clk)
	v := h.start("c1", time.Minute, shortRoutine())
	id := v.Session.ID
	if got, want := alarms.last(), epoch.Add(time.Minute); !got.Equal(want) {
		t.Fatalf("first alarm at %v, want the lobby's end %v", got, want)
	}

	steps := []struct {
		name      string
		at        time.Duration // from epoch
		status    Status
		nextAlarm time.Duration
	}{
		{"a wake before anything is due", 30 * time.Second, Lobby, time.Minute},
		{"the lobby ends", time.Minute, Running, time.Minute + 30*time.Second},                       // the first 30 s hold
		{"the first hold ends", time.Minute + 30*time.Second, Running, time.Minute + 40*time.Second}, // 10 s rest
	}
	for _, st := range steps {
		h.clk.StepWall(epoch.Add(st.at).Sub(h.clk.Now())) // wall time only: the engine's timer does not fire
		h.eng.Wake(id)
		if got := h.store.load(t, id).Status; got != st.status {
			t.Errorf("%s: status %v, want %v", st.name, got, st.status)
		}
		if got, want := alarms.last(), epoch.Add(st.nextAlarm); !got.Equal(want) {
			t.Errorf("%s: next alarm %v, want %v", st.name, got, want)
		}
	}
	if len(alarms.set) != 3 {
		t.Errorf("alarms recorded %v; want each of the three deadlines once", alarms.set)
	}
	h.eng.Wake(id + 100) // a session that does not exist: nothing happens

	alarms.mu.Lock()
	alarms.fail = true
	alarms.mu.Unlock()
	h.clk.StepWall(10 * time.Second)
	h.eng.Wake(id)
	h.clk.Advance(time.Hour) // the clock timers alone walk the session to its end
	if got := h.store.load(t, id).Status; got != Finished {
		t.Errorf("with the alarms refused: status %v, want Finished", got)
	}
	if !strings.Contains(h.logs.String(), "recording the next deadline in the job table failed") {
		t.Error("a refused alarm was not logged")
	}
}
