package session

import (
	"testing"
	"time"
)

func TestPosition(t *testing.T) {
	plan, err := BuildPlan(shortRoutine(), 10*time.Second, 0) // 30,10,30,10,20 = 100s
	if err != nil {
		t.Fatal(err)
	}
	s := time.Second
	at := func(d time.Duration) time.Time { return epoch.Add(d) }
	tests := []struct {
		name      string
		sess      Session
		now       time.Duration
		wantIndex int
		wantStart time.Duration // relative to epoch
		wantEnd   time.Duration
		wantDone  bool
	}{
		{name: "lobby", sess: Session{}, now: 5 * s, wantIndex: -1},
		{name: "first instant", sess: Session{StartedAt: at(0)}, now: 0, wantIndex: 0, wantStart: 0, wantEnd: 30 * s},
		{name: "boundary belongs to the next step", sess: Session{StartedAt: at(0)}, now: 30 * s, wantIndex: 1, wantStart: 30 * s, wantEnd: 40 * s},
		{name: "mid third step", sess: Session{StartedAt: at(0)}, now: 55 * s, wantIndex: 2, wantStart: 40 * s, wantEnd: 70 * s},
		{name: "pauses shift every boundary", sess: Session{StartedAt: at(0), PausedTotal: 7 * s}, now: 55 * s, wantIndex: 2, wantStart: 47 * s, wantEnd: 77 * s},
		{name: "skips pull boundaries earlier", sess: Session{StartedAt: at(0), SkippedTotal: 20 * s}, now: 55 * s, wantIndex: 3, wantStart: 50 * s, wantEnd: 60 * s},
		{name: "paused: frozen at PausedAt, end is now+remaining", sess: Session{StartedAt: at(0), PausedAt: at(35 * s)}, now: 90 * s, wantIndex: 1, wantStart: 85 * s, wantEnd: 95 * s},
		{name: "done at the end", sess: Session{StartedAt: at(0)}, now: 100 * s, wantIndex: 5, wantDone: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sess := tt.sess
			sess.Plan = plan
			p := sess.Position(at(tt.now))
			idx, start, end, done := p.Step, p.Start, p.End, p.Done
			if idx != tt.wantIndex || done != tt.wantDone {
				t.Fatalf("Position = index %d done %v, want %d %v", idx, done, tt.wantIndex, tt.wantDone)
			}
			if idx < 0 || done {
				return
			}
			if !start.Equal(at(tt.wantStart)) || !end.Equal(at(tt.wantEnd)) {
				t.Errorf("bounds = %v..%v, want %v..%v", start.Sub(epoch), end.Sub(epoch), tt.wantStart, tt.wantEnd)
			}
		})
	}
}

func TestActiveTimeAndPlannedEnd(t *testing.T) {
	plan := Plan{{Kind: Exercise, Duration: time.Minute}}
	s := Session{Plan: plan, StartedAt: epoch, PausedTotal: 10 * time.Second, SkippedTotal: 5 * time.Second}
	if got := s.ActiveTime(epoch.Add(40 * time.Second)); got != 30*time.Second {
		t.Errorf("ActiveTime = %v, want 30s", got)
	}
	if got := s.PlannedEnd(); !got.Equal(epoch.Add(65 * time.Second)) {
		t.Errorf("PlannedEnd = %v, want epoch+65s", got.Sub(epoch))
	}
	s.EndedAt = epoch.Add(20 * time.Second)
	if got := s.ActiveTime(epoch.Add(time.Hour)); got != 10*time.Second {
		t.Errorf("ActiveTime after end = %v, want 10s (frozen at EndedAt)", got)
	}
}
