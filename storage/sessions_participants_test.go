package storage

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/session"
)

// TestSaveSessionWritesOnlyChangedParticipants saves a running session again with its
// participant list changed in one way each, and checks that the stored session is the
// saved one while only the rows that differ were written: the session row plus one write
// per changed, new or removed participant, counted by SQLite's total_changes(). A save
// that rewrote the whole list would write every row twice (delete and insert).
func TestSaveSessionWritesOnlyChangedParticipants(t *testing.T) {
	tests := []struct {
		name string
		// change edits the list; writes is how many participant rows that must write.
		change func(ps []session.Participant) []session.Participant
		writes int64
	}{
		{"unchanged", func(ps []session.Participant) []session.Participant { return ps }, 0},
		{"one left", func(ps []session.Participant) []session.Participant {
			ps[1].LeftAt = sessionEpoch.Add(90 * time.Second)
			return ps
		}, 1},
		{"one renamed", func(ps []session.Participant) []session.Participant {
			ps[0].Name = "Hana B."
			return ps
		}, 1},
		{"one removed", func(ps []session.Participant) []session.Participant { return append(ps[:1:1], ps[2:]...) }, 2},
		{"one joined", func(ps []session.Participant) []session.Participant {
			return append(ps, session.Participant{UserID: "u4", Name: "Ivo", JoinedAt: sessionEpoch.Add(99 * time.Second),
				JoinedStep: 2, JoinedActive: 12 * time.Second})
		}, 1},
		{"two swapped", func(ps []session.Participant) []session.Participant {
			ps[1], ps[2] = ps[2], ps[1]
			return ps
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTemp(t)
			ctx := context.Background()
			s := running(mustCreate(t, db, newTestSession(t, "c1")))
			if err := db.SaveSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			changed := s.Clone()
			changed.Participants = tt.change(changed.Participants)
			before := totalChanges(t, db)
			if err := db.SaveSession(ctx, changed); err != nil {
				t.Fatal(err)
			}
			if got := totalChanges(t, db) - before; got != 1+tt.writes {
				t.Errorf("the save wrote %d rows, want %d: the session row and %d participant rows", got, 1+tt.writes, tt.writes)
			}
			got, err := db.LoadSession(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Participants, changed.Participants) {
				t.Fatalf("stored participants:\n got %+v\nwant %+v", got.Participants, changed.Participants)
			}
		})
	}
}

// totalChanges is SQLite's count of rows written on the writer's one connection so far.
func totalChanges(t *testing.T, db *DB) int64 {
	t.Helper()
	var n int64
	if err := db.write.QueryRowContext(context.Background(), `SELECT total_changes()`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
