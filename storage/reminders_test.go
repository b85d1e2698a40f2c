package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/reminders"
)

func mustMove(t *testing.T, guildID, userID string, every int64, from, to, days string) reminders.Reminder {
	t.Helper()
	r, err := reminders.ParseMove(every, from, to, days)
	if err != nil {
		t.Fatal(err)
	}
	r.GuildID, r.UserID = guildID, userID
	return r
}

func TestRemindersArePerMemberServerAndKind(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	move := mustMove(t, testGuild, "u1", 30, "09:00", "17:00", "weekdays")
	streak, err := reminders.ParseStreak("21:30")
	if err != nil {
		t.Fatal(err)
	}
	streak.GuildID, streak.UserID = testGuild, "u1"
	for _, r := range []reminders.Reminder{move, streak, mustMove(t, otherGuild, "u1", 60, "08:00", "12:00", "daily")} {
		if err := db.SetReminder(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Reminders(ctx, testGuild, "u1")
	if err != nil || len(got) != 2 || got[0] != move || got[1] != streak {
		t.Fatalf("Reminders = %+v, %v; want %+v and %+v", got, err, move, streak)
	}
	if _, err := db.Reminder(ctx, testGuild, "u2", reminders.Move); !errors.Is(err, reminders.ErrNotFound) {
		t.Errorf("another member's reminder: %v", err)
	}

	// Setting again replaces the rule and drops a snooze and a pause, keeping what was sent.
	due := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)
	if _, ok, err := db.ClaimReminderDM(ctx, testGuild, "u1", reminders.Move, due, due.Add(-reminders.MinEvery), ""); !ok || err != nil {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	if err := db.HoldMove(ctx, testGuild, "u1", due.Add(10*time.Minute), due.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	edited := mustMove(t, testGuild, "u1", 45, "10:00", "16:00", "daily")
	if err := db.SetReminder(ctx, edited); err != nil {
		t.Fatal(err)
	}
	r, err := db.Reminder(ctx, testGuild, "u1", reminders.Move)
	if err != nil || r.Every != 45*time.Minute || !r.SnoozedUntil.IsZero() || !r.PausedUntil.IsZero() ||
		!r.LastSent.Equal(due) || r.Sent != 1 {
		t.Errorf("after an edit: %+v, %v", r, err)
	}

	// Off for one kind, then for all; the other server keeps its own.
	if n, err := db.DeleteReminders(ctx, testGuild, "u1", reminders.Streak); n != 1 || err != nil {
		t.Errorf("delete streak = %d, %v", n, err)
	}
	if n, err := db.DeleteReminders(ctx, testGuild, "u1", ""); n != 1 || err != nil {
		t.Errorf("delete all = %d, %v", n, err)
	}
	if err := db.HoldMove(ctx, testGuild, "u1", due, time.Time{}); !errors.Is(err, reminders.ErrNotFound) {
		t.Errorf("hold of a deleted reminder: %v", err)
	}
	if left, err := db.Reminders(ctx, otherGuild, "u1"); err != nil || len(left) != 1 {
		t.Errorf("the other server's reminders: %+v, %v", left, err)
	}
}

// TestReminderClaimsKeepTheQuietRules claims DMs as the job handlers do: a move DM within
// the quiet gap of the last one, a second streak DM on the same local day, and a rerun of a
// claimed DM are refused; a released claim can be made again.
func TestReminderClaimsKeepTheQuietRules(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if err := db.SetReminder(ctx, mustMove(t, testGuild, "u1", 20, "09:00", "17:00", "daily")); err != nil {
		t.Fatal(err)
	}
	streak, _ := reminders.ParseStreak("21:00")
	streak.GuildID, streak.UserID = testGuild, "u1"
	if err := db.SetReminder(ctx, streak); err != nil {
		t.Fatal(err)
	}
	nine := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)
	claim := func(kind reminders.Kind, due time.Time, gap time.Duration, day string) (reminders.Reminder, bool) {
		t.Helper()
		prev, ok, err := db.ClaimReminderDM(ctx, testGuild, "u1", kind, due, due.Add(-gap), day)
		if err != nil {
			t.Fatal(err)
		}
		return prev, ok
	}
	tests := []struct {
		name string
		kind reminders.Kind
		due  time.Time
		gap  time.Duration
		day  string
		want bool
	}{
		{"first move DM", reminders.Move, nine, reminders.MinEvery, "", true},
		{"the same slot again (a rerun)", reminders.Move, nine, reminders.MinEvery, "", false},
		{"a slot within the quiet gap", reminders.Move, nine.Add(10 * time.Minute), reminders.MinEvery, "", false},
		{"a snooze ten minutes on", reminders.Move, nine.Add(10 * time.Minute), reminders.SnoozeFor, "", true},
		{"the next slot after the snooze", reminders.Move, nine.Add(20 * time.Minute), reminders.MinEvery, "", false},
		{"the slot after that", reminders.Move, nine.Add(40 * time.Minute), reminders.MinEvery, "", true},
		{"first streak DM of the day", reminders.Streak, nine.Add(12 * time.Hour), 0, "2026-06-10", true},
		{"a second one that day", reminders.Streak, nine.Add(12*time.Hour + time.Minute), 0, "2026-06-10", false},
		{"the next day's", reminders.Streak, nine.Add(36 * time.Hour), 0, "2026-06-11", true},
	}
	for _, tt := range tests {
		if _, ok := claim(tt.kind, tt.due, tt.gap, tt.day); ok != tt.want {
			t.Errorf("%s: claimed %v, want %v", tt.name, ok, tt.want)
		}
	}

	// A DM that could not be sent is released, and then claimed again with the same count.
	due := nine.Add(time.Hour)
	prev, ok := claim(reminders.Move, due, reminders.MinEvery, "")
	if !ok || prev.Sent != 3 {
		t.Fatalf("claim = %v, sent before %d; want 3", ok, prev.Sent)
	}
	if err := db.ReleaseReminderDM(ctx, prev, due); err != nil {
		t.Fatal(err)
	}
	if again, ok := claim(reminders.Move, due, reminders.MinEvery, ""); !ok || again.Sent != 3 || !again.LastSent.Equal(prev.LastSent) {
		t.Errorf("after release: claimed %v with %+v", ok, again)
	}
	if _, ok, err := db.ClaimReminderDM(ctx, otherGuild, "u1", reminders.Move, due.Add(time.Hour), due, ""); ok || err != nil {
		t.Errorf("claimed a reminder the other server does not have: %v, %v", ok, err)
	}
}

func TestForgetMemberDeletesReminders(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	for _, g := range []string{testGuild, otherGuild} {
		if err := db.SetReminder(ctx, mustMove(t, g, "u1", 30, "09:00", "17:00", "daily")); err != nil {
			t.Fatal(err)
		}
	}
	f, err := db.ForgetMember(ctx, testGuild, "u1")
	if err != nil || f.Reminders != 1 {
		t.Fatalf("ForgetMember = %+v, %v; want one reminder deleted", f, err)
	}
	if left, _ := db.Reminders(ctx, testGuild, "u1"); len(left) != 0 {
		t.Errorf("reminders left: %+v", left)
	}
	if left, _ := db.Reminders(ctx, otherGuild, "u1"); len(left) != 1 {
		t.Errorf("the other server lost its reminder: %+v", left)
	}
}
