package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/guild"
)

func TestSchedulesAreKeptPerServer(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	s := guild.Schedule{GuildID: testGuild, ChannelID: "c1", Routine: "Desk break", At: "15:00", Days: "weekdays",
		Zone: "Europe/Berlin", Lobby: 10 * time.Minute, PingRoleID: "r1", Event: true, CreatedBy: "u1"}
	created, err := db.CreateSchedule(ctx, s)
	if err != nil || created.ID == 0 || created.CreatedAt.IsZero() {
		t.Fatalf("CreateSchedule = %+v, %v", created, err)
	}
	got, err := db.Schedule(ctx, testGuild, created.ID)
	if err != nil || got != created {
		t.Fatalf("Schedule = %+v, %v; want %+v", got, err, created)
	}
	// Another server cannot read, skip or delete it by its id.
	if _, err := db.Schedule(ctx, otherGuild, created.ID); !errors.Is(err, guild.ErrScheduleNotFound) {
		t.Errorf("read from another server: %v", err)
	}
	if err := db.DeleteSchedule(ctx, otherGuild, created.ID); !errors.Is(err, guild.ErrScheduleNotFound) {
		t.Errorf("delete from another server: %v", err)
	}
	if err := db.SkipScheduleUntil(ctx, otherGuild, created.ID, time.Now()); !errors.Is(err, guild.ErrScheduleNotFound) {
		t.Errorf("skip from another server: %v", err)
	}

	until := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	if err := db.SkipScheduleUntil(ctx, testGuild, created.ID, until); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Schedule(ctx, testGuild, created.ID); !got.SkipBefore.Equal(until) {
		t.Errorf("skip before %v, want %v", got.SkipBefore, until)
	}
	if list, err := db.Schedules(ctx, testGuild); err != nil || len(list) != 1 {
		t.Errorf("Schedules = %+v, %v", list, err)
	}
	if err := db.DeleteSchedule(ctx, testGuild, created.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := db.Schedules(ctx, testGuild); len(list) != 0 {
		t.Errorf("after delete: %+v", list)
	}
}

func TestScheduleLimit(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	s := guild.Schedule{GuildID: testGuild, ChannelID: "c1", Routine: "r", At: "07:30", Days: "daily", Zone: "UTC", CreatedBy: "u1"}
	for range guild.MaxSchedules {
		if _, err := db.CreateSchedule(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	var limit *guild.ScheduleLimitError
	if _, err := db.CreateSchedule(ctx, s); !errors.As(err, &limit) || limit.Limit != guild.MaxSchedules {
		t.Fatalf("schedule %d: %v, want the limit", guild.MaxSchedules+1, err)
	}
	s.GuildID = otherGuild
	if _, err := db.CreateSchedule(ctx, s); err != nil {
		t.Errorf("another server is limited by this one's schedules: %v", err)
	}
}
