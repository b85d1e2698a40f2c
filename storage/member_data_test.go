package storage

import (
	"context"
	"strings"
	"testing"
)

func TestMemberDataIsTheMembersInThisServerOnly(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	at := mustTime(t, "2024-06-01T12:00:00Z")
	for _, g := range []string{testGuild, otherGuild} {
		creditOne(t, db, g, "u1", SourceSolo, 0, at)
		creditOne(t, db, g, "u2", SourceSolo, 0, at)
		setMemberZone(t, db, g, "u1", "Europe/Berlin")
	}
	creditOne(t, db, testGuild, "u1", SourceSession, 10, at.AddDate(0, 0, 1))
	sched := createTestSchedule(t, db)
	if _, err := db.ToggleScheduleNotify(ctx, testGuild, sched.ID, "u1"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkDMsClosed(ctx, "u1", at); err != nil {
		t.Fatal(err)
	}
	data, err := db.MemberData(ctx, testGuild, "u1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"counted_days": 2, "streak": 1, "settings": 1, "schedule_notify": 1, "dms_closed": 1, "reminders": 0}
	for kind, n := range want {
		if got := len(data[kind]); got != n {
			t.Errorf("%s: %d rows, want %d (%v)", kind, got, n, data[kind])
		}
	}
	for _, row := range data["counted_days"] {
		if row["guild_id"] != testGuild || row["user_id"] != "u1" {
			t.Errorf("a counted day of another server or member: %v", row)
		}
	}
	if tz := data["settings"][0]["timezone"]; tz != "Europe/Berlin" {
		t.Errorf("settings timezone = %v, want text Europe/Berlin", tz)
	}
	if other, err := db.MemberData(ctx, otherGuild, "u1"); err != nil || len(other["counted_days"]) != 1 || len(other["schedule_notify"]) != 0 {
		t.Errorf("the other server's data = %v, %v; want its one day and no Notify me", other, err)
	}
}

// TestMemberDataCoversEveryMemberTable: every table that keeps rows about a member (a
// user_id column) is read by /my-data, so a table added later is not forgotten there. A
// query covers the tables it names and those of the views it names (activity reads
// activity_log and activity_recent).
func TestMemberDataCoversEveryMemberTable(t *testing.T) {
	db := openTemp(t)
	tables := namesOf(t, db, `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
		WHERE m.type = 'table' AND c.name = 'user_id' ORDER BY m.name`)
	if len(tables) < 5 {
		t.Fatalf("found only %v; the schema query is wrong", tables)
	}
	views := map[string]string{}
	for _, name := range namesOf(t, db, `SELECT name FROM sqlite_master WHERE type = 'view'`) {
		// Spaces for line breaks, and one at the end: names end with a space below.
		views[name] = strings.Join(strings.Fields(strings.Join(namesOf(t, db, `SELECT sql FROM sqlite_master WHERE name = ?`, name), " ")), " ") + " "
	}
	for _, table := range tables {
		covered := false
		for _, k := range memberKinds {
			covered = covered || strings.Contains(k.query, " "+table+" ")
			for view, sql := range views {
				covered = covered || strings.Contains(k.query, " "+view+" ") && strings.Contains(sql, " "+table+" ")
			}
		}
		if !covered {
			t.Errorf("table %s keeps member rows but MemberData does not read it", table)
		}
	}
}

// namesOf reads the one text column of query's rows.
func namesOf(t *testing.T, db *DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.read.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
