package session

import (
	"testing"
	"time"
)

func TestAttendance(t *testing.T) {
	m := time.Minute
	plan := Plan{ // 10 minutes, last step starts at 8m
		{Kind: Exercise, Duration: 4 * m}, {Kind: Rest, Duration: 4 * m}, {Kind: Exercise, Duration: 2 * m},
	}
	early := Participant{UserID: "early", JoinedStep: -1}
	late := Participant{UserID: "late", JoinedStep: 1, JoinedActive: 5 * m}
	lastStep := Participant{UserID: "last", JoinedStep: 2, JoinedActive: 9 * m}
	left := Participant{UserID: "left", JoinedStep: -1, LeftAt: epoch.Add(3 * m)}
	all := []Participant{early, late, lastStep, left}
	ended := func(status Status, ranFor, paused, skipped time.Duration) Session {
		return Session{Plan: plan, Status: status, StartedAt: epoch, PausedTotal: paused, SkippedTotal: skipped,
			EndedAt: epoch.Add(ranFor + paused), Participants: all}
	}
	tests := []struct {
		name string
		sess Session
		want map[string]time.Duration // credited member -> Active
	}{
		{"finished: lobby and mid-run joiners present at the end", ended(Finished, 10*m, 0, 0), map[string]time.Duration{"early": 10 * m, "late": 5 * m}},
		{"pauses do not count as run time", ended(Finished, 10*m, 30*m, 0), map[string]time.Duration{"early": 10 * m, "late": 5 * m}},
		{"stopped at exactly half credits", ended(Stopped, 5*m, 0, 0), map[string]time.Duration{"early": 5 * m, "late": 0}},
		{"stopped before half credits nobody", ended(Stopped, 5*m-time.Second, 0, 0), nil},
		{"skipped time counts as not run", ended(Finished, 4*m, 0, 6*m), nil},
		{"aborted after half credits like a stop", ended(Aborted, 6*m, 0, 0), map[string]time.Duration{"early": 6 * m, "late": m}},
		{"cancelled in the lobby credits nobody", Session{Plan: plan, Status: Cancelled, EndedAt: epoch, Participants: all}, nil},
		{"expired credits nobody", ended(Expired, 10*m, 0, 0), nil},
		{"active session credits nobody", Session{Plan: plan, Status: Running, StartedAt: epoch, Participants: all}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Attendance(&tt.sess)
			if len(got) != len(tt.want) {
				t.Fatalf("credited %+v, want %v", got, tt.want)
			}
			for _, c := range got {
				want, ok := tt.want[c.UserID]
				if !ok || c.Active != want {
					t.Errorf("credit %s = %v, want present=%v %v", c.UserID, c.Active, ok, want)
				}
			}
		})
	}
}

func TestCreditMinutes(t *testing.T) {
	tests := []struct {
		active time.Duration
		want   int
	}{{0, 1}, {29 * time.Second, 1}, {90 * time.Second, 2}, {29*time.Minute + 29*time.Second, 29}}
	for _, tt := range tests {
		if got := (Credit{Active: tt.active}).Minutes(); got != tt.want {
			t.Errorf("Minutes(%v) = %d, want %d", tt.active, got, tt.want)
		}
	}
}
