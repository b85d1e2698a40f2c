package storage

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/session"
)

func createTestSchedule(t *testing.T, db *DB) guild.Schedule {
	t.Helper()
	s, err := db.CreateSchedule(context.Background(), guild.Schedule{GuildID: testGuild, ChannelID: "c1", Routine: "Desk break",
		At: "15:00", Days: "daily", Zone: "Europe/Berlin", Lobby: 10 * time.Minute, Event: true, CreatedBy: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOccurrenceEventsAreKeptPerServer(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	s := createTestSchedule(t, db)
	start := time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC)
	e := guild.OccurrenceEvent{GuildID: testGuild, ScheduleID: s.ID, Start: start, EventID: "e1", End: start.Add(20 * time.Minute)}
	if err := db.SaveOccurrenceEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.OccurrenceEvent(ctx, testGuild, s.ID, start)
	if err != nil || !ok || got != e {
		t.Fatalf("OccurrenceEvent = %+v, %v, %v; want %+v", got, ok, err, e)
	}
	if _, ok, _ := db.OccurrenceEvent(ctx, otherGuild, s.ID, start); ok {
		t.Error("another server read the event")
	}
	// Another server cannot overwrite it by naming the same schedule id.
	forged := e
	forged.GuildID, forged.EventID = otherGuild, "forged"
	if err := db.SaveOccurrenceEvent(ctx, forged); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := db.OccurrenceEvent(ctx, testGuild, s.ID, start); got.EventID != "e1" {
		t.Errorf("after a forged save the event is %q", got.EventID)
	}

	e.Ended = true
	if err := db.SaveOccurrenceEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	later := e
	later.Start, later.EventID, later.Ended = start.Add(24*time.Hour), "e2", false
	if err := db.SaveOccurrenceEvent(ctx, later); err != nil {
		t.Fatal(err)
	}
	open, err := db.OpenOccurrenceEvents(ctx, testGuild, s.ID)
	if err != nil || len(open) != 1 || open[0].EventID != "e2" {
		t.Fatalf("OpenOccurrenceEvents = %+v, %v; want only e2", open, err)
	}
	if err := db.DeleteSchedule(ctx, testGuild, s.ID); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.OpenOccurrenceEvents(ctx, testGuild, s.ID); len(open) != 0 {
		t.Errorf("events kept after the schedule was deleted: %+v", open)
	}
}

func TestScheduleNotifyToggles(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	s := createTestSchedule(t, db)
	steps := []struct {
		guild, user string
		wantOn      bool
		wantErr     error
	}{
		{testGuild, "u1", true, nil},
		{testGuild, "u2", true, nil},
		{testGuild, "u1", false, nil},
		{otherGuild, "u3", false, guild.ErrScheduleNotFound}, // a schedule id from another server
		{testGuild, "u1", true, nil},
	}
	for i, st := range steps {
		on, err := db.ToggleScheduleNotify(ctx, st.guild, s.ID, st.user)
		if on != st.wantOn || !errors.Is(err, st.wantErr) {
			t.Errorf("step %d: Toggle(%s, %s) = %v, %v; want %v, %v", i, st.guild, st.user, on, err, st.wantOn, st.wantErr)
		}
	}
	members, err := db.ScheduleNotifyMembers(ctx, testGuild, s.ID)
	if err != nil || !slices.Equal(members, []string{"u1", "u2"}) {
		t.Errorf("members = %v, %v; want [u1 u2]", members, err)
	}
	if others, _ := db.ScheduleNotifyMembers(ctx, otherGuild, s.ID); len(others) != 0 {
		t.Errorf("another server sees %v", others)
	}
	if err := db.DeleteSchedule(ctx, testGuild, s.ID); err != nil {
		t.Fatal(err)
	}
	if members, _ := db.ScheduleNotifyMembers(ctx, testGuild, s.ID); len(members) != 0 {
		t.Errorf("Notify me list kept after delete: %v", members)
	}
}

func TestNoticesAreClaimedOnce(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	start := time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC)
	claims := []struct {
		release bool
		want    bool
	}{{false, true}, {false, false}, {true, false}, {false, true}}
	for i, c := range claims {
		if c.release {
			if err := db.ReleaseNotice(ctx, 7, start, "u1"); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got, err := db.ClaimNotice(ctx, 7, start, "u1"); err != nil || got != c.want {
			t.Errorf("claim %d = %v, %v; want %v", i, got, err, c.want)
		}
	}
	if n, err := db.PurgeNotices(ctx, start.Add(time.Second)); err != nil || n != 1 {
		t.Errorf("PurgeNotices = %d, %v; want 1", n, err)
	}
}

func TestClosedDMsAreRememberedUntilReopened(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC)
	if reopened, err := db.ReopenDMs(ctx, "u1"); err != nil || reopened {
		t.Fatalf("ReopenDMs before any refusal = %v, %v", reopened, err)
	}
	for range 2 { // marking twice keeps one row
		if err := db.MarkDMsClosed(ctx, "u1", at); err != nil {
			t.Fatal(err)
		}
	}
	if closed, err := db.DMsClosed(ctx, "u1"); err != nil || !closed {
		t.Fatalf("DMsClosed = %v, %v", closed, err)
	}
	if closed, _ := db.DMsClosed(ctx, "u2"); closed {
		t.Error("another member counts as closed")
	}
	if reopened, err := db.ReopenDMs(ctx, "u1"); err != nil || !reopened {
		t.Fatalf("ReopenDMs = %v, %v", reopened, err)
	}
	if closed, _ := db.DMsClosed(ctx, "u1"); closed {
		t.Error("still closed after ReopenDMs")
	}
}

func TestSessionKeepsItsOccurrence(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 13, 50, 0, 0, time.UTC)
	occ := session.Occurrence{ScheduleID: 3, Start: now.Add(10 * time.Minute)}
	s := &session.Session{GuildID: testGuild, ChannelID: "c1", RoutineName: "Desk break", Status: session.Lobby,
		Plan: session.Plan{{Kind: session.Exercise, Name: "x", Rep: 1, Reps: 1, Duration: time.Minute}}, CreatedAt: now, StartAt: occ.Start, Occurrence: occ}
	id, err := db.CreateSession(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.LoadSession(ctx, id)
	if err != nil || got.Occurrence != occ {
		t.Fatalf("LoadSession().Occurrence = %+v, %v; want %+v", got.Occurrence, err, occ)
	}
}
