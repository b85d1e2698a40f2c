package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestBackupWhileTheBotWrites copies the database while another connection keeps
// crediting members: the copy passes its integrity check, holds a consistent count of
// counted days (every day written before the copy, none half-written), and says what it
// holds; a backup never overwrites a file.
func TestBackupWhileTheBotWrites(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "bot.db")
	db := openAt(t, src)
	defer db.Close()
	at := mustTime(t, "2024-06-01T12:00:00Z")
	for i := range 50 {
		creditOne(t, db, testGuild, fmt.Sprint("u", i), SourceSolo, 0, at)
	}
	createTestSchedule(t, db)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	writeErr := make(chan error, 1)
	wg.Add(1)
	go func() { // the running bot, crediting on
		defer wg.Done()
		for day := 1; ; day++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := db.CreditActivity(context.Background(), testGuild, []ActivityCredit{{UserID: "u0", Source: SourceSolo}},
				at.AddDate(0, 0, day)); err != nil {
				writeErr <- err
				return
			}
		}
	}()
	dest := filepath.Join(dir, "backup.db")
	summary, err := Backup(context.Background(), src, dest)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-writeErr:
		t.Fatalf("the bot's write failed during the backup: %v", err)
	default:
	}
	if summary.Members != 50 || summary.CountedDays < 50 || summary.Schedules != 1 {
		t.Errorf("summary = %+v; want 50 members, at least their 50 days, 1 schedule", summary)
	}
	copied := openAt(t, dest)
	defer copied.Close()
	if n := countRows(t, copied, `SELECT COUNT(*) FROM activity`); n != summary.CountedDays {
		t.Errorf("the copy holds %d days, its summary says %d", n, summary.CountedDays)
	}

	if _, err := Backup(context.Background(), src, dest); err == nil || !strings.Contains(err.Error(), "never overwrites") {
		t.Errorf("a second backup onto the same file: %v; want a refusal", err)
	}
	if _, err := Backup(context.Background(), src, filepath.Join(dir, "gone", "b.db")); err == nil ||
		!strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a backup into a missing folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "gone")); !os.IsNotExist(err) {
		t.Error("the refused backup left something behind")
	}
}

// TestRestoreBringsBackTheBackup: a backup restored in place of a database that moved on
// holds the backup's days again; the replaced database is kept beside it; a restore is
// refused while a bot holds the database, and a broken backup changes nothing.
func TestRestoreBringsBackTheBackup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bot.db")
	ctx := context.Background()
	db := openAt(t, path)
	at := mustTime(t, "2024-06-01T12:00:00Z")
	creditOne(t, db, testGuild, "u1", SourceSolo, 0, at)
	backupPath := filepath.Join(dir, "backup.db")
	if _, err := Backup(ctx, path, backupPath); err != nil {
		t.Fatal(err)
	}
	creditOne(t, db, testGuild, "u1", SourceSolo, 0, at.AddDate(0, 0, 1)) // after the backup

	if _, _, err := Restore(ctx, path, backupPath, at); err == nil || !strings.Contains(err.Error(), "a bot is running on") {
		t.Fatalf("restore while the bot holds the database: %v; want a refusal", err)
	}
	db.Close()
	broken := filepath.Join(dir, "broken.db")
	if err := os.WriteFile(broken, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Restore(ctx, path, broken, at); err == nil || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("restore of a broken backup: %v; want a refusal that changed nothing", err)
	}

	summary, kept, err := Restore(ctx, path, backupPath, at)
	if err != nil {
		t.Fatal(err)
	}
	if summary.CountedDays != 1 || !strings.HasPrefix(kept, path+".before-restore-") {
		t.Errorf("restore = %+v, kept as %q; want the backup's 1 day, the old file kept beside", summary, kept)
	}
	restored := openAt(t, path)
	defer restored.Close()
	if n := countRows(t, restored, `SELECT COUNT(*) FROM activity`); n != 1 {
		t.Errorf("the restored database holds %d days, want the backup's 1", n)
	}
	old := openAt(t, kept)
	defer old.Close()
	if n := countRows(t, old, `SELECT COUNT(*) FROM activity`); n != 2 {
		t.Errorf("the kept database holds %d days, want its 2", n)
	}
}
