package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/stretchbot/stretchbot/guild"
)

func fixedNow() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }

// openTemp opens a fresh database file in the test's temp dir.
func openTemp(t *testing.T, opts ...Option) *DB {
	t.Helper()
	db := openAt(t, filepath.Join(t.TempDir(), "test.db"), opts...)
	t.Cleanup(func() { db.Close() })
	return db
}

// openAt opens the database at path, failing the test if it cannot; the caller closes it.
func openAt(t testing.TB, path string, opts ...Option) *DB {
	t.Helper()
	db, err := Open(context.Background(), path, fixedNow, opts...)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return db
}

func TestOpenMigratesAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	ctx := context.Background()
	db := openAt(t, path)
	migrations, _ := loadMigrations()
	want := migrations[len(migrations)-1].version
	if v, err := db.SchemaVersion(ctx); err != nil || v != want {
		t.Fatalf("schema version = %d, %v; want %d", v, err, want)
	}
	db.Close()
	// A second open must not re-apply anything (it would fail on CREATE TABLE).
	db = openAt(t, path)
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
		{"path is a folder", aFolder, "cannot write database " + aFolder + ": check that the file and its folder exist"},
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
	if err != nil || s != guild.Defaults("g1") {
		t.Fatalf("defaults = %+v, %v", s, err)
	}
	if _, err := db.UpdateGuildSettings(ctx, "g1", func(s *guild.Settings) { s.Timezone = "Europe/Berlin" }); err != nil {
		t.Fatal(err)
	}
	got, err := db.UpdateGuildSettings(ctx, "g1", func(s *guild.Settings) { s.DayStartHour = 4 })
	if err != nil || got.Timezone != "Europe/Berlin" || got.DayStartHour != 4 || !got.SoloLogs {
		t.Fatalf("after two updates = %+v, %v", got, err)
	}
	if _, err := db.UpdateGuildSettings(ctx, "g1", func(s *guild.Settings) { s.DayStartHour = 25 }); err == nil {
		t.Fatal("day_start_hour 25 was stored; the CHECK constraint should refuse it")
	}
	m, err := db.UpdateMemberSettings(ctx, "g1", "u1", func(m *guild.MemberSettings) { m.Timezone = "Asia/Tokyo" })
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
	db := openAt(t, path)
	// Pretend migration 1 never ran although later ones did (a lower number added
	// on another branch): reopening must apply it, not skip it.
	if _, err := db.write.Exec(`DROP TABLE guild_settings; DROP TABLE member_settings; DELETE FROM schema_migrations WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = openAt(t, path)
	defer db.Close()
	if _, err := db.GuildSettings(ctx, "g"); err != nil {
		t.Fatalf("migration 1 was not re-applied: %v", err)
	}
}

// TestOpenProbeWriteReachesTheWAL: reopening an up-to-date database migrates nothing, so
// only the write probe can show that writes work; it must append a frame to the WAL (a
// rolled-back or empty transaction writes none) and leave user_version as it was.
func TestOpenProbeWriteReachesTheWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	db := openAt(t, path)
	db.write.Exec(`PRAGMA user_version = 6`)
	db.Close()
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the WAL outlived Close (%v): this test needs a fresh one", err)
	}
	db = openAt(t, path)
	defer db.Close()
	var busy, frames, checkpointed, version int
	if err := db.write.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &checkpointed); err != nil {
		t.Fatal(err)
	}
	if frames < 1 || checkpointed != frames {
		t.Fatalf("after reopening, the WAL has %d frames, %d checkpointed; want the probe's write, checkpointed", frames, checkpointed)
	}
	if err := db.write.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != 6 {
		t.Fatalf("user_version = %d, %v; the probe must restore it", version, err)
	}
}

// TestExplainMapsSQLiteErrors checks the sentence for each SQLite error code that means
// "cannot write". The scenarios behind most of them run for real in
// TestOpenRefusesReadOnlyMountAndFullDisk and TestOpenRefusesUnwritableFileOrFolder; a
// generic I/O error (a failing disk) is tested only here.
func TestExplainMapsSQLiteErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db") // a writable folder: the folder check passes
	db := &DB{path: path}
	tests := []struct {
		err  sqlite3.Error
		want string
	}{
		{sqlite3.Error{Code: sqlite3.ErrReadonly}, "database " + path + " is read-only: give the bot's user write access to the file and its folder, or mount it read-write"},
		{sqlite3.Error{Code: sqlite3.ErrPerm}, "database " + path + " is read-only"},
		{sqlite3.Error{Code: sqlite3.ErrFull}, "the disk holding " + path + " is full: free space and start again"},
		{sqlite3.Error{Code: sqlite3.ErrIoErr, SystemErrno: syscall.ENOSPC}, "the disk holding " + path + " is full"},
		{sqlite3.Error{Code: sqlite3.ErrIoErr, SystemErrno: syscall.EDQUOT}, "the disk holding " + path + " is full"},
		{sqlite3.Error{Code: sqlite3.ErrIoErr, SystemErrno: syscall.EROFS}, "database " + path + " is on a read-only file system: mount it read-write"},
		{sqlite3.Error{Code: sqlite3.ErrCantOpen, SystemErrno: syscall.EROFS}, "database " + path + " is on a read-only file system"},
		{sqlite3.Error{Code: sqlite3.ErrIoErr, SystemErrno: syscall.EIO}, "cannot write database " + path + ": the disk reported an I/O error; check the disk"},
		{sqlite3.Error{Code: sqlite3.ErrCantOpen}, "cannot write database " + path + ": check that the file and its folder exist and are writable"},
		{sqlite3.Error{Code: sqlite3.ErrNotADB}, path + " is not a stretchbot SQLite database"},
		{sqlite3.Error{Code: sqlite3.ErrCorrupt}, path + " is not a stretchbot SQLite database"},
	}
	for _, tt := range tests {
		cause := fmt.Errorf("migration 0001_settings.sql: %w", tt.err)
		got := db.explain(cause)
		if !strings.HasPrefix(got.Error(), tt.want) {
			t.Errorf("explain(%v, errno %v) = %q, want a sentence starting %q", tt.err.Code, tt.err.SystemErrno, got, tt.want)
		}
		var back sqlite3.Error
		if !errors.As(got, &back) || back.Code != tt.err.Code {
			t.Errorf("explain(%v) lost the SQLite error: %v", tt.err.Code, got)
		}
	}
	busy := sqlite3.Error{Code: sqlite3.ErrBusy}
	if got := db.explain(busy); !errors.Is(got, busy) || got.Error() != busy.Error() {
		t.Errorf("explain(SQLITE_BUSY) = %v, want it unchanged", got)
	}
}

// Child processes: the tests below run their scenario in a copy of the test binary that
// needs a privilege the test process lacks or must not use (a mount namespace of its own,
// another user). childEnv names the test to run there; dirEnv passes its folder.
const (
	childEnv = "STRETCHBOT_STORAGE_TEST_CHILD"
	dirEnv   = "STRETCHBOT_STORAGE_TEST_DIR"
)

// inChild reports whether this process is the child of test t.
func inChild(t *testing.T) bool { return os.Getenv(childEnv) == t.Name() }

// runChild runs test t again in the binary bin, under the command prefix wrap (may be
// empty) with attributes attr (may be nil), in folder dir. A child that failed fails t; one
// that skipped (any part) skips t with its reason; the child's output is logged.
func runChild(t *testing.T, bin string, wrap []string, attr *syscall.SysProcAttr, dir string) {
	t.Helper()
	args := append(append([]string{}, wrap...), bin, "-test.run=^"+t.Name()+"$", "-test.v", "-test.count=1")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name(), dirEnv+"="+dir)
	cmd.Dir = dir
	cmd.SysProcAttr = attr
	out, err := cmd.CombinedOutput()
	switch {
	case err != nil && attr != nil && attr.Credential != nil && errors.Is(err, syscall.EPERM):
		t.Skipf("cannot start a child as another user: %v", err)
	case err != nil:
		t.Fatalf("child %v: %v\n%s", args, err, out)
	case strings.Contains(string(out), "--- SKIP"):
		t.Skipf("the child skipped (in part):\n%s", out)
	}
	t.Logf("child:\n%s", out)
}

// mustRun runs a command in the child, skipping if it is missing or not permitted.
func mustRun(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Skipf("%s %s: %v %s", name, strings.Join(args, " "), err, out)
	}
}

// assertRefused opens path through Open and through SQLite alone (open, which skips the
// folder check, to see SQLite's own error explained) and wants both refused with want,
// which names the path.
func assertRefused(t *testing.T, path, want string) {
	t.Helper()
	for name, openFn := range map[string]func(context.Context, string, func() time.Time, ...Option) (*DB, error){"Open": Open, "SQLite alone": open} {
		db, err := openFn(context.Background(), path, fixedNow)
		if err == nil {
			db.Close()
			t.Errorf("%s(%s) succeeded, want %q", name, path, want)
			continue
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s(%s) = %q, want one sentence saying %q", name, path, err, want)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

// createDB creates a migrated database at path and closes it.
func createDB(t *testing.T, path string) {
	t.Helper()
	db := openAt(t, path)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOpenRefusesReadOnlyMountAndFullDisk runs, for real, in a child with a mount namespace
// of its own (util-linux unshare; root, or a kernel that allows it): a read-only mount of
// the database's folder, a read-only bind mount of the database file alone, and a full
// tmpfs, for an existing and a new database. It skips where namespaces or mounts are not
// permitted.
func TestOpenRefusesReadOnlyMountAndFullDisk(t *testing.T) {
	if inChild(t) {
		mountScenarios(t, os.Getenv(dirEnv))
		return
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs util-linux unshare for a mount namespace")
	}
	wrap := []string{unshare, "--mount", "--propagation", "private"}
	if out, err := exec.Command(unshare, "--mount", "--propagation", "private", "true").CombinedOutput(); err != nil {
		t.Skipf("cannot create a mount namespace here: %v %s", err, out)
	}
	runChild(t, os.Args[0], wrap, nil, t.TempDir())
}

func mountScenarios(t *testing.T, dir string) {
	ro := filepath.Join(dir, "ro")
	roFile := filepath.Join(dir, "rofile")
	full := filepath.Join(dir, "full")
	for _, d := range []string{ro, roFile, full} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The mounts vanish with this process's namespace.
	mustRun(t, "mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", ro)
	mustRun(t, "mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", roFile)
	mustRun(t, "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", full)

	t.Run("read-only mount", func(t *testing.T) {
		path := filepath.Join(ro, "bot.db")
		createDB(t, path)
		mustRun(t, "mount", "-o", "remount,ro", ro)
		assertRefused(t, path, "database "+path+" is on a read-only file system: mount it read-write, or change storage.path")
	})
	t.Run("read-only file", func(t *testing.T) {
		path := filepath.Join(roFile, "bot.db")
		createDB(t, path)
		mustRun(t, "mount", "--bind", path, path)
		mustRun(t, "mount", "-o", "remount,bind,ro", path)
		// The folder is writable, so only SQLite sees this one, both ways.
		assertRefused(t, path, "database "+path+" is read-only: give the bot's user write access to the file and its folder, or mount it read-write")
	})
	t.Run("full disk", func(t *testing.T) {
		path := filepath.Join(full, "bot.db")
		createDB(t, path)
		filler, err := os.Create(filepath.Join(full, "filler"))
		if err != nil {
			t.Fatal(err)
		}
		for err == nil { // a short write fills the last pages, the next one fails
			_, err = filler.Write(make([]byte, 64<<10))
		}
		filler.Close()
		if !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("filling the tmpfs: %v", err)
		}
		want := "the disk holding %s is full: free space and start again"
		assertRefused(t, path, fmt.Sprintf(want, path))
		fresh := filepath.Join(full, "new.db")
		assertRefused(t, fresh, fmt.Sprintf(want, fresh))
	})
}

// TestOpenRefusesUnwritableFileOrFolder runs, for real, a database file its user may not
// write and a folder its user may not create files in. Root may write anything, so as root
// the scenarios run in a child as the user nobody (uid and gid 65534); as another user they
// run in this process.
func TestOpenRefusesUnwritableFileOrFolder(t *testing.T) {
	if inChild(t) {
		unwritableScenarios(t, os.Getenv(dirEnv))
		return
	}
	// A folder the other user can reach: t.TempDir's parents are private to this user.
	dir, err := os.MkdirTemp("", "stretchbot-unwritable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && info.IsDir() {
				os.Chmod(p, 0o755) // so that a non-root user can remove the read-only folder
			}
			return nil
		})
		os.RemoveAll(dir)
	})
	readOnlyFile := filepath.Join(dir, "file", "bot.db")
	readOnlyFolder := filepath.Join(dir, "folder", "bot.db")
	for _, p := range []string{readOnlyFile, readOnlyFolder} {
		if err := os.Mkdir(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		createDB(t, p)
	}
	if os.Geteuid() != 0 {
		must(t, os.Chmod(readOnlyFile, 0o444))
		must(t, os.Chmod(filepath.Dir(readOnlyFolder), 0o555))
		unwritableScenarios(t, dir)
		return
	}
	const nobody = 65534
	must(t, os.Chmod(dir, 0o755))
	// The file's folder and file belong to nobody, the file read-only; the other folder
	// stays root's, the file in it nobody's and writable.
	must(t, os.Chown(filepath.Dir(readOnlyFile), nobody, nobody))
	must(t, os.Chown(readOnlyFile, nobody, nobody))
	must(t, os.Chmod(readOnlyFile, 0o444))
	must(t, os.Chown(readOnlyFolder, nobody, nobody))
	// A copy of the test binary nobody may run: go test builds it in a private folder.
	bin := filepath.Join(dir, "storage.test")
	must(t, copyFile(os.Args[0], bin))
	must(t, os.Chmod(bin, 0o755))
	runChild(t, bin, nil, &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}, dir)
}

func unwritableScenarios(t *testing.T, dir string) {
	t.Run("read-only file", func(t *testing.T) {
		path := filepath.Join(dir, "file", "bot.db")
		assertRefused(t, path, "database "+path+" is read-only: give the bot's user write access to the file and its folder, or mount it read-write")
	})
	t.Run("unwritable folder", func(t *testing.T) {
		path := filepath.Join(dir, "folder", "bot.db")
		assertRefused(t, path, "cannot write database "+path+": its folder "+filepath.Dir(path)+" is not writable by the bot's user")
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCheckPathNamesWhatRunWouldRefuse(t *testing.T) {
	dir := t.TempDir()
	notAFolder := filepath.Join(dir, "file")
	existing := filepath.Join(dir, "existing.db")
	for _, p := range []string{notAFolder, existing} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		path, want string // want "" for no problem
	}{
		{filepath.Join(dir, "new.db"), ""},
		{existing, ""},
		{filepath.Join(dir, "gone", "bot.db"), "does not exist; create it or change storage.path"},
		{filepath.Join(notAFolder, "bot.db"), "is not a folder; change storage.path"},
	}
	for _, tt := range tests {
		err := CheckPath(tt.path)
		if (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckPath(%s) = %v, want %q", tt.path, err, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "new.db")); !os.IsNotExist(err) {
		t.Errorf("CheckPath created the database file: %v", err)
	}
}

// TestFailedUpgradeLeavesTheDatabaseAsItWas: when one of several pending migrations fails,
// none of them stays applied, so the database is exactly what the previous version left.
func TestFailedUpgradeLeavesTheDatabaseAsItWas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	db := openAt(t, path)
	migrations, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	last := migrations[len(migrations)-1]
	// Migration 1 is pending (its tables gone) and so is the last, whose objects still exist,
	// so running it again fails.
	if _, err := db.write.Exec(`DROP TABLE guild_settings; DROP TABLE member_settings;
		DELETE FROM schema_migrations WHERE version IN (1, ?)`, last.version); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(context.Background(), path, fixedNow); err == nil || !strings.Contains(err.Error(), "migration "+last.name) ||
		!strings.Contains(err.Error(), "the database was left as it was") {
		t.Fatalf("Open with a failing migration = %v; want its name and that nothing changed", err)
	}
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var tables, recorded int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'guild_settings'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE version = 1`).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if tables != 0 || recorded != 0 {
		t.Fatalf("after the failed upgrade migration 1 left %d tables and %d records; want none (all or nothing)", tables, recorded)
	}
}
