package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/session"
)

// sessionEpoch has nanoseconds on purpose: a store that rounded to milliseconds would lose
// them and every deadline after a restart would move.
var sessionEpoch = time.Date(2026, 3, 1, 18, 0, 0, 123456789, time.UTC)

func testPlan(t *testing.T) session.Plan {
	t.Helper()
	plan, err := session.BuildPlan([]session.RoutineItem{
		{ExerciseID: "cat-stretch", Name: "Cat stretch", Instructions: "Round your back.\nBreathe.", Hold: 20 * time.Second, Reps: 2, Rest: 10 * time.Second},
		{ExerciseID: "dead-hang", Name: "Dead hang", Hold: 30 * time.Second, Reps: 1, Side: "left"},
	}, 10*time.Second, 0)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func newTestSession(t *testing.T, channel string) *session.Session {
	return &session.Session{GuildID: "g1", ChannelID: channel, HostID: "host", RoutineName: "Floor flow",
		Plan: testPlan(t), Status: session.Lobby, CreatedAt: sessionEpoch, StartAt: sessionEpoch.Add(time.Minute),
		Participants: []session.Participant{{UserID: "host", Name: "Hana", JoinedAt: sessionEpoch, JoinedStep: -1}}}
}

func mustCreate(t *testing.T, db *DB, s *session.Session) *session.Session {
	t.Helper()
	id, err := db.CreateSession(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Clone()
	c.ID = id
	return c
}

// running turns s into a paused session mid-routine with every field set, including a
// member who left.
func running(s *session.Session) *session.Session {
	r := s.Clone()
	r.Status = session.Paused
	r.StartedAt = sessionEpoch.Add(61 * time.Second)
	r.PausedAt = sessionEpoch.Add(95*time.Second + 7)
	r.PausedTotal = 3*time.Second + 11
	r.SkippedTotal = 4 * time.Second
	r.LiveMessageID, r.LiveMessagePostedAt = "m42", sessionEpoch.Add(61*time.Second+999)
	r.Participants = append(r.Participants,
		session.Participant{UserID: "u2", Name: "Mo", JoinedAt: sessionEpoch.Add(70 * time.Second), JoinedStep: 1,
			JoinedActive: 9*time.Second + 1},
		session.Participant{UserID: "u3", Name: "Oz", JoinedAt: sessionEpoch.Add(2 * time.Second), JoinedStep: -1,
			LeftAt: sessionEpoch.Add(80 * time.Second)})
	return r
}

func TestSessionRoundTripIsExact(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	s := mustCreate(t, db, newTestSession(t, "c1"))
	if got, err := db.LoadSession(ctx, s.ID); err != nil || !reflect.DeepEqual(got, s) {
		t.Fatalf("after create:\n got %+v, %v\nwant %+v", got, err, s)
	}
	r := running(s)
	if err := db.SaveSession(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := db.LoadSession(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("after save:\n got %+v\nwant %+v", got, r)
	}
	// Equal times mean equal deadlines: the step and its end come out the same.
	now := sessionEpoch.Add(2 * time.Hour)
	p1, p2 := got.Position(now), r.Position(now)
	i1, s1, e1, d1 := p1.Step, p1.Start, p1.End, p1.Done
	i2, s2, e2, d2 := p2.Step, p2.Start, p2.End, p2.Done
	if i1 != i2 || !s1.Equal(s2) || !e1.Equal(e2) || d1 != d2 {
		t.Fatalf("position drifted after reload: %d %v %v %v vs %d %v %v %v", i1, s1, e1, d1, i2, s2, e2, d2)
	}
}

func TestSecondActiveSessionInChannelIsRefused(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	first := mustCreate(t, db, newTestSession(t, "c1"))

	_, err := db.CreateSession(ctx, newTestSession(t, "c1"))
	var busy *session.BusyError
	if !errors.As(err, &busy) || busy.Session.ID != first.ID || len(busy.Session.Participants) != 1 {
		t.Fatalf("second start in c1: err = %v, want *BusyError carrying session %d", err, first.ID)
	}
	mustCreate(t, db, newTestSession(t, "c2")) // other channels are free

	ended := first.Clone()
	ended.Status, ended.EndedAt = session.Cancelled, sessionEpoch.Add(time.Second)
	if _, err := db.FinishSession(ctx, ended, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateSession(ctx, newTestSession(t, "c1")); err != nil {
		t.Fatalf("start after the first ended: %v", err)
	}
}

func TestUniqueIndexRefusesTwoActiveSessionsEvenWithoutTheCheck(t *testing.T) {
	db := openTemp(t)
	mustCreate(t, db, newTestSession(t, "c1"))
	_, err := db.write.Exec(`INSERT INTO sessions (guild_id, channel_id, host_id, routine_name, plan_json, status,
		created_at, start_at) VALUES ('g1', 'c1', 'h', 'r', '[]', 'running', 'x', 'x')`)
	if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("direct insert of a second active session: %v, want a UNIQUE violation", err)
	}
}

func TestFinishSessionTwiceCreditsOnce(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	s := running(mustCreate(t, db, newTestSession(t, "c1")))
	s.Status, s.PausedAt, s.EndedAt = session.Finished, time.Time{}, sessionEpoch.Add(5*time.Minute)
	credits := []session.Credit{{UserID: "host", Name: "Hana", Active: 150 * time.Second}, {UserID: "u2", Name: "Mo", Active: 90 * time.Second}}

	for range 2 {
		if _, err := db.FinishSession(ctx, s, credits); err != nil {
			t.Fatal(err)
		}
	}
	later := s.Clone()
	later.Status = session.Stopped
	recorded, err := db.FinishSession(ctx, later, append(credits, session.Credit{UserID: "u9"}))
	if err != nil {
		t.Fatal(err)
	}
	// The first finish wins, and every finish answers with the credits recorded, each with
	// the member's streak after it; so does loading the ended session.
	wantRecorded := []session.Credit{
		{UserID: "host", Name: participantName(s, "host"), Active: 150 * time.Second, Streak: &session.StreakAfter{Days: 1, Grew: true}},
		{UserID: "u2", Name: participantName(s, "u2"), Active: 90 * time.Second, Streak: &session.StreakAfter{Days: 1, Grew: true}},
	}
	if !reflect.DeepEqual(recorded, wantRecorded) {
		t.Errorf("FinishSession returned %+v, want %+v", recorded, wantRecorded)
	}
	loaded, err := db.LoadSession(ctx, s.ID)
	if err != nil || !reflect.DeepEqual(loaded.Credits, wantRecorded) {
		t.Errorf("LoadSession credits %+v (%v), want %+v", loaded.Credits, err, wantRecorded)
	}

	got, err := db.SessionCredits(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []SessionCredit{
		{SessionID: s.ID, GuildID: "g1", UserID: "host", Name: participantName(s, "host"), Minutes: 3, Active: 150 * time.Second, CreditedAt: s.EndedAt, StreakDays: 1, StreakGrew: true},
		{SessionID: s.ID, GuildID: "g1", UserID: "u2", Name: participantName(s, "u2"), Minutes: 2, Active: 90 * time.Second, CreditedAt: s.EndedAt, StreakDays: 1, StreakGrew: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("credits:\n got %+v\nwant %+v", got, want)
	}
	// The streak log was credited in the same transaction, once however often the
	// session was finished.
	v, err := db.StreakOf(ctx, "g1", "host", s.EndedAt)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status.Current != 1 || v.Sessions != 1 || v.Minutes != 3 || len(v.Recent) != 1 {
		t.Fatalf("host's streak after a thrice-finished session: %+v", v)
	}
	if loaded, _ := db.LoadSession(ctx, s.ID); loaded.Status != session.Finished {
		t.Fatalf("status = %v, the first finish should win", loaded.Status)
	}
	if err := db.SaveSession(ctx, running(s)); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("saving an ended session: %v, want ErrNotFound", err)
	}
}

func TestActiveSessionsAfterReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	ctx := context.Background()
	db := openAt(t, path)
	lobby := mustCreate(t, db, newTestSession(t, "c1"))
	paused := running(mustCreate(t, db, newTestSession(t, "c2")))
	if err := db.SaveSession(ctx, paused); err != nil {
		t.Fatal(err)
	}
	ended := mustCreate(t, db, newTestSession(t, "c3"))
	ended.Status, ended.EndedAt = session.Cancelled, sessionEpoch
	if _, err := db.FinishSession(ctx, ended, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db = openAt(t, path)
	defer db.Close()
	got, err := db.ActiveSessions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []*session.Session{lobby, paused}; !reflect.DeepEqual(got, want) {
		t.Fatalf("active sessions after reopen:\n got %+v\nwant %+v", got, want)
	}
}

func TestLoadUnknownSession(t *testing.T) {
	db := openTemp(t)
	if _, err := db.LoadSession(context.Background(), 99); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("LoadSession(99) = %v, want ErrNotFound", err)
	}
}

func TestActiveStatusesMatchDomain(t *testing.T) {
	var active []string
	for st := session.Lobby; st <= session.Aborted; st++ {
		if st.Active() {
			active = append(active, "'"+st.String()+"'")
		}
	}
	if want := "(" + strings.Join(active, ", ") + ")"; activeStatuses != want {
		t.Fatalf("activeStatuses = %s, session says %s", activeStatuses, want)
	}
}

// TestUnreadableSessionsAreAbortedAtRestore corrupts stored sessions with raw SQL, each in
// a different column, and checks that ActiveSessions returns the readable ones, marks each
// unreadable active one aborted (ended now) in the database and logs a line naming it,
// leaves an unreadable ended session alone, and that LoadSession explains the bad row.
func TestUnreadableSessionsAreAbortedAtRestore(t *testing.T) {
	var logs bytes.Buffer
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "bot.db"), fixedNow,
		WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()

	lobby := mustCreate(t, db, newTestSession(t, "c1"))
	paused := running(mustCreate(t, db, newTestSession(t, "c2")))
	if err := db.SaveSession(ctx, paused); err != nil {
		t.Fatal(err)
	}
	corrupt := []struct {
		channel, sql, wantErr string
	}{
		{"c3", `UPDATE sessions SET plan_json = '[{"kind": "exercise", "duration_ns": 20' WHERE id = ?`, "plan: unexpected end of JSON input"},
		{"c4", `UPDATE sessions SET started_at = 'yesterday at six' WHERE id = ?`, `started_at: parsing time "yesterday at six"`},
		{"c5", `UPDATE session_participants SET joined_at = '2026-13-01T00:00:00Z' WHERE session_id = ?`, "participant host: joined_at: parsing time"},
		{"c6", `UPDATE sessions SET paused_total_ns = 'a while' WHERE id = ?`, "paused_total_ns: a while (string) is not an integer"},
		{"c7", `UPDATE sessions SET plan_json = '[{"kind": "yoga", "duration_ns": 1}]' WHERE id = ?`, `plan step 1: unknown step kind "yoga"`},
	}
	bad := map[int64]string{} // session id -> expected decode error
	for _, c := range corrupt {
		s := running(mustCreate(t, db, newTestSession(t, c.channel)))
		if err := db.SaveSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		if _, err := db.write.Exec(c.sql, s.ID); err != nil {
			t.Fatal(err)
		}
		bad[s.ID] = c.wantErr
	}
	// An ended session with a bad plan is no business of restore's.
	ended := mustCreate(t, db, newTestSession(t, "c8"))
	ended.Status, ended.EndedAt = session.Cancelled, sessionEpoch
	if _, err := db.FinishSession(ctx, ended, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec(`UPDATE sessions SET plan_json = 'not json' WHERE id = ?`, ended.ID); err != nil {
		t.Fatal(err)
	}

	// A failing query is not a bad row: nothing is aborted, the error comes back.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.ActiveSessions(cancelled); err == nil {
		t.Fatal("ActiveSessions with a cancelled context succeeded")
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM sessions WHERE status = 'aborted'`); n != 0 || logs.Len() != 0 {
		t.Fatalf("a cancelled read aborted %d sessions and logged %q", n, logs.String())
	}

	got, err := db.ActiveSessions(ctx)
	if err != nil {
		t.Fatalf("ActiveSessions with unreadable rows: %v", err)
	}
	if want := []*session.Session{lobby, paused}; !reflect.DeepEqual(got, want) {
		t.Fatalf("readable active sessions:\n got %+v\nwant %+v", got, want)
	}

	for id := range bad {
		var status string
		var endedAt *string
		if err := db.read.QueryRow(`SELECT status, ended_at FROM sessions WHERE id = ?`, id).Scan(&status, &endedAt); err != nil {
			t.Fatal(err)
		}
		if want := fixedNow().Format(time.RFC3339Nano); status != "aborted" || endedAt == nil || *endedAt != want {
			t.Errorf("session %d after restore: status %s, ended_at %v; want aborted at %s", id, status, endedAt, want)
		}
	}
	var endedStatus string
	db.read.QueryRow(`SELECT status FROM sessions WHERE id = ?`, ended.ID).Scan(&endedStatus)
	if endedStatus != "cancelled" {
		t.Errorf("the ended unreadable session became %s", endedStatus)
	}

	logged := map[int64]bool{}
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec struct {
			Level, Msg, Guild, Channel, Err string
			Session                         int64
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		want, ok := bad[rec.Session]
		if !ok || logged[rec.Session] || rec.Level != "WARN" || rec.Msg != "session row unreadable; aborted" ||
			rec.Guild != "g1" || rec.Channel == "" || !strings.Contains(rec.Err, want) ||
			!strings.Contains(rec.Err, fmt.Sprintf("session %d cannot be read", rec.Session)) {
			t.Errorf("log line %s; want one Warn per unreadable session naming it and %q", line, want)
		}
		logged[rec.Session] = true
	}
	if len(logged) != len(bad) {
		t.Errorf("logged sessions %v, want %d lines:\n%s", logged, len(bad), logs.String())
	}

	// Done once: the next restore finds only the readable ones and logs nothing.
	logs.Reset()
	if again, err := db.ActiveSessions(ctx); err != nil || len(again) != 2 || logs.Len() != 0 {
		t.Fatalf("second restore: %d sessions, %v, logs %q", len(again), err, logs.String())
	}
	for id, want := range bad {
		_, err := db.LoadSession(ctx, id)
		if !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadSession(%d) = %v; want ErrUnreadable saying %q", id, err, want)
		}
	}
	// The aborted sessions no longer hold their channels.
	if _, err := db.CreateSession(ctx, newTestSession(t, "c3")); err != nil {
		t.Fatalf("new session in the channel of an aborted one: %v", err)
	}
}

// participantName is the name userID joined s with, "" if they did not.
func participantName(s *session.Session, userID string) string {
	for _, p := range s.Participants {
		if p.UserID == userID {
			return p.Name
		}
	}
	return ""
}
