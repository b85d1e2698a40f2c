package storage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func fixedNow() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }

// openTemp opens a fresh database file in the test's temp dir.
func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenMigratesAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	ctx := context.Background()
	db, err := Open(ctx, path, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	migrations, _ := loadMigrations()
	want := migrations[len(migrations)-1].version
	if v, err := db.SchemaVersion(ctx); err != nil || v != want {
		t.Fatalf("schema version = %d, %v; want %d", v, err, want)
	}
	db.Close()
	// A second open must not re-apply anything (it would fail on CREATE TABLE).
	db, err = Open(ctx, path, fixedNow)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	db.Close()
}

func TestOpenFailuresNameThePath(t *testing.T) {
	dir := t.TempDir()
	notADB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notADB, []byte(strings.Repeat("this is not sqlite\n", 400)), 0o600)

	newer := filepath.Join(dir, "newer.db")
	db, err := Open(context.Background(), newer, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	db.write.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future.sql', 'x')`)
	db.Close()

	aFolder := filepath.Join(dir, "folder.db")
	os.Mkdir(aFolder, 0o700)

	tests := []struct {
		name, path, want string
	}{
		{"missing folder", filepath.Join(dir, "no", "such", "bot.db"), "does not exist"},
		{"not a database", notADB, "is not a stretchbot SQLite database"},
		{"newer schema", newer, "has schema version 9999 but this stretchbot knows only up to"},
		{"path is a folder", aFolder, "cannot write database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(context.Background(), tt.path, fixedNow)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.path) && !strings.Contains(err.Error(), filepath.Dir(tt.path)) {
				t.Fatalf("error = %v, want %q naming the path", err, tt.want)
			}
		})
	}
}

func TestGuildAndMemberSettings(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	s, err := db.GuildSettings(ctx, "g1")
	if err != nil || s != DefaultGuildSettings("g1") {
		t.Fatalf("defaults = %+v, %v", s, err)
	}
	if _, err := db.UpdateGuildSettings(ctx, "g1", func(s *GuildSettings) { s.Timezone = "Europe/Berlin" }); err != nil {
		t.Fatal(err)
	}
	got, err := db.UpdateGuildSettings(ctx, "g1", func(s *GuildSettings) { s.DayStartHour = 4 })
	if err != nil || got.Timezone != "Europe/Berlin" || got.DayStartHour != 4 || !got.SoloLogs {
		t.Fatalf("after two updates = %+v, %v", got, err)
	}
	if _, err := db.UpdateGuildSettings(ctx, "g1", func(s *GuildSettings) { s.DayStartHour = 25 }); err == nil {
		t.Fatal("day_start_hour 25 was stored; the CHECK constraint should refuse it")
	}
	m, err := db.UpdateMemberSettings(ctx, "g1", "u1", func(m *MemberSettings) { m.Timezone = "Asia/Tokyo" })
	if err != nil || m.Timezone != "Asia/Tokyo" {
		t.Fatalf("member = %+v, %v", m, err)
	}
	if m, _ := db.MemberSettings(ctx, "g2", "u1"); m.Timezone != "" {
		t.Fatalf("settings leaked across servers: %+v", m)
	}
}

func TestMissingLowerMigrationIsApplied(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	ctx := context.Background()
	db, err := Open(ctx, path, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	// Pretend migration 1 never ran although later ones did (a lower number added
	// on another branch): reopening must apply it, not skip it.
	if _, err := db.write.Exec(`DROP TABLE guild_settings; DROP TABLE member_settings; DELETE FROM schema_migrations WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, path, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.GuildSettings(ctx, "g"); err != nil {
		t.Fatalf("migration 1 was not re-applied: %v", err)
	}
}
