package storage

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Scheduled backups are named by the database and the time; listing finds only those,
// oldest first, and pruning deletes the oldest until keep remain, never another file.
func TestScheduledBackupsRotate(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(t.TempDir(), "stretchbot.db")
	start := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	var made []string
	for day := range 5 {
		path := ScheduledBackupPath(dir, dbPath, start.AddDate(0, 0, day))
		made = append(made, path)
		writeTestFile(t, path)
	}
	if want := filepath.Join(dir, "stretchbot-20261201T030000Z.db"); made[0] != want {
		t.Fatalf("ScheduledBackupPath = %s, want %s", made[0], want)
	}
	others := []string{"notes.txt", "stretchbot-latest.db", "other-20261201T030000Z.db", "stretchbot-20261201T030000Z.db.tmp"}
	for _, name := range others {
		writeTestFile(t, filepath.Join(dir, name))
	}

	listed, err := ScheduledBackups(dir, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, b := range listed {
		paths = append(paths, b.Path)
	}
	if !slices.Equal(paths, made) {
		t.Fatalf("ScheduledBackups = %v, want %v", paths, made)
	}
	if !listed[4].At.Equal(start.AddDate(0, 0, 4)) {
		t.Errorf("the newest backup's time = %v", listed[4].At)
	}

	removed, err := PruneBackups(dir, dbPath, 2)
	if err != nil || !slices.Equal(removed, made[:3]) {
		t.Fatalf("PruneBackups = %v, %v; want the three oldest removed", removed, err)
	}
	for _, path := range append(made[3:], others...) {
		if !strings.Contains(path, string(filepath.Separator)) {
			path = filepath.Join(dir, path)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s was deleted: %v", path, err)
		}
	}
	if removed, err := PruneBackups(dir, dbPath, 2); err != nil || len(removed) != 0 {
		t.Errorf("a second prune removed %v, %v; want nothing", removed, err)
	}
	if listed, err := ScheduledBackups(filepath.Join(dir, "absent"), dbPath); err != nil || len(listed) != 0 {
		t.Errorf("a missing folder lists %v, %v; want none", listed, err)
	}
}

func TestPrepareBackupDir(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file")
	writeTestFile(t, file)
	readOnly := filepath.Join(base, "ro")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	type dirCase struct {
		name    string
		dir     string
		create  bool
		wantErr string
	}
	tests := []dirCase{
		{name: "existing", dir: base},
		{name: "created beside", dir: filepath.Join(base, "backups"), create: true},
		{name: "to be created", dir: filepath.Join(base, "later"), create: false},
		{name: "no parent", dir: filepath.Join(base, "a", "b"), wantErr: "neither it nor its parent folder exists"},
		{name: "no parent, creating", dir: filepath.Join(base, "a", "b"), create: true, wantErr: "cannot create it"},
		{name: "a file", dir: file, wantErr: "is a file, not a folder"},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		tests = append(tests, dirCase{name: "read-only", dir: readOnly, wantErr: "is not writable by the bot's user"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := PrepareBackupDir(tt.dir, tt.create)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("PrepareBackupDir(%s) = %v", tt.dir, err)
				}
				if tt.create {
					if info, err := os.Stat(tt.dir); err != nil || !info.IsDir() {
						t.Fatalf("%s was not created", tt.dir)
					}
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "storage.backup.dir") {
				t.Fatalf("PrepareBackupDir(%s) = %v; want a sentence naming storage.backup.dir and %q", tt.dir, err, tt.wantErr)
			}
		})
	}
}

func writeTestFile(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
}
