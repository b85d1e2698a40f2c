package storage

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/session"
)

// The SIGKILL test: a child process (this test binary, run again) finishes a session of
// crashMembers members and is killed inside FinishSession's transaction; the parent then
// reopens the database as a restarted bot would and finishes the session again.
const (
	crashMembers = 300
	// crashDBEnv carries the database path to the child, crashStageEnv the stage of
	// creditHook to stop at (after half the members).
	crashDBEnv    = "STRETCHBOT_STORAGE_CRASH_DB"
	crashStageEnv = "STRETCHBOT_STORAGE_CRASH_STAGE"
	// crashMarker is what the child prints once it is stopped mid-transaction.
	crashMarker = "stopped inside the transaction"
)

// crashSessionStart is when the crash test's session started; it ends two minutes later.
var crashSessionStart = time.Date(2026, 5, 4, 7, 30, 0, 0, time.UTC)

// finishedCopy is s finished as the engine would finish it, with the credits the engine
// would record.
func finishedCopy(s *session.Session) (*session.Session, []session.Credit) {
	f := s.Clone()
	f.Status, f.EndedAt = session.Finished, crashSessionStart.Add(2*time.Minute)
	return f, session.Attendance(f)
}

// TestFinishSessionSurvivesSIGKILL kills a process in the middle of the transaction that
// finishes a session and credits 300 members, at two points: halfway through the session
// credits, and after the streak activity log was credited while the streaks are being
// written beside the credits. After each kill the database must show the session still
// active and nobody credited (the transaction rolled back as a whole); finishing it again,
// as Restore does, credits everyone exactly once, and a third finish changes nothing.
func TestFinishSessionSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, stage := range []string{"credit", "streak"} {
		t.Run("killed at "+stage, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bot.db")
			id := createCrashSession(t, path)
			killMidFinish(t, path, stage)

			ctx := context.Background()
			db, err := Open(ctx, path, fixedNow)
			if err != nil {
				t.Fatalf("reopening after SIGKILL: %v", err)
			}
			defer db.Close()
			active, err := db.ActiveSessions(ctx)
			if err != nil || len(active) != 1 || active[0].ID != id || active[0].Status != session.Running {
				t.Fatalf("after SIGKILL: active sessions %+v, %v; want session %d still running", active, err, id)
			}
			for _, table := range []string{"session_credits", "activity", "member_streaks"} {
				if n := countRows(t, db, `SELECT COUNT(*) FROM `+table); n != 0 {
					t.Fatalf("after SIGKILL %s has %d rows: the killed transaction left part of its work", table, n)
				}
			}

			s, credits := finishedCopy(active[0])
			if len(credits) != crashMembers {
				t.Fatalf("%d credits, want %d", len(credits), crashMembers)
			}
			if _, err := db.FinishSession(ctx, s, credits); err != nil {
				t.Fatalf("finishing after the restart: %v", err)
			}
			assertCreditedOnce(t, db, id)
			before := dumpCrashTables(t, db)
			if _, err := db.FinishSession(ctx, s, credits); err != nil {
				t.Fatalf("finishing a third time: %v", err)
			}
			if after := dumpCrashTables(t, db); after != before {
				t.Fatalf("a third finish changed the database:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// createCrashSession stores a running session of crashMembers members and returns its id.
func createCrashSession(t *testing.T, path string) int64 {
	t.Helper()
	ctx := context.Background()
	db := openAt(t, path)
	defer db.Close()
	s := &session.Session{GuildID: "g1", ChannelID: "c1", HostID: crashMember(0), RoutineName: "Floor flow",
		Plan: testPlan(t), Status: session.Lobby, CreatedAt: crashSessionStart.Add(-time.Minute), StartAt: crashSessionStart}
	for i := range crashMembers {
		s.Participants = append(s.Participants, session.Participant{UserID: crashMember(i), Name: fmt.Sprintf("member %d", i),
			JoinedAt: crashSessionStart.Add(-time.Minute), JoinedStep: -1})
	}
	var err error
	if s.ID, err = db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	s.Status, s.StartedAt = session.Running, crashSessionStart
	if err := db.SaveSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func crashMember(i int) string { return fmt.Sprintf("4%017d", i) }

// killMidFinish runs TestHelperFinishSessionChild, waits until it has stopped inside the
// transaction at stage, and kills it with SIGKILL.
func killMidFinish(t *testing.T, path, stage string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperFinishSessionChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+path, crashStageEnv+"="+stage)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan bool, 1)
	var output strings.Builder
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if lines.Text() == crashMarker {
				stopped <- true
				return
			}
			output.WriteString(lines.Text() + "\n")
		}
		stopped <- false // the child exited without stopping: it failed
	}()
	var ok bool
	select {
	case ok = <-stopped:
	case <-time.After(2 * time.Minute):
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
		t.Fatal(err)
	}
	waitErr := cmd.Wait()
	if !ok {
		t.Fatalf("the child did not stop inside the transaction (exit: %v):\n%s%s", waitErr, output.String(), stderr.String())
	}
}

// TestHelperFinishSessionChild is the child of TestFinishSessionSurvivesSIGKILL; it does
// nothing unless that test started it. It finishes the stored session, stops inside the
// transaction after half the members at the requested stage of recordCredits, says so on
// stdout and waits for its SIGKILL.
func TestHelperFinishSessionChild(t *testing.T) {
	path := os.Getenv(crashDBEnv)
	if path == "" {
		t.Skip("run by TestFinishSessionSurvivesSIGKILL")
	}
	stage := os.Getenv(crashStageEnv)
	ctx := context.Background()
	db := openAt(t, path)
	active, err := db.ActiveSessions(ctx)
	if err != nil || len(active) != 1 {
		t.Fatalf("active sessions: %d, %v", len(active), err)
	}
	s, credits := finishedCopy(active[0])
	creditHook = func(at string, i int) {
		if at == stage && i == crashMembers/2 {
			fmt.Println(crashMarker)
			select {} // until SIGKILL
		}
	}
	_, err = db.FinishSession(ctx, s, credits)
	t.Fatalf("FinishSession returned (%v) instead of stopping at stage %q", err, stage)
}

// assertCreditedOnce checks that every member of session id has one session credit, one
// activity-log day with one session, and a summary counting one session.
func assertCreditedOnce(t *testing.T, db *DB, id int64) {
	t.Helper()
	credits, err := db.SessionCredits(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(credits) != crashMembers {
		t.Fatalf("%d session credits, want %d", len(credits), crashMembers)
	}
	for i, c := range credits {
		if c.UserID != crashMember(i) || c.Minutes != 2 || c.StreakDays != 1 || !c.StreakGrew {
			t.Fatalf("credit %d = %+v; want %s, 2 minutes, a streak of 1 that grew", i, c, crashMember(i))
		}
	}
	rows, err := db.read.Query(`SELECT a.user_id, COUNT(*), SUM(a.sessions), SUM(a.minutes), MAX(m.total_sessions), MAX(m.run)
		FROM activity a JOIN member_streaks m USING (guild_id, user_id) GROUP BY a.guild_id, a.user_id ORDER BY a.user_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var user string
		var days, sessions, minutes, totalSessions, run int
		if err := rows.Scan(&user, &days, &sessions, &minutes, &totalSessions, &run); err != nil {
			t.Fatal(err)
		}
		if user != crashMember(i) || days != 1 || sessions != 1 || minutes != 2 || totalSessions != 1 || run != 1 {
			t.Fatalf("member %s: %d log days, %d sessions, %d minutes, summary %d sessions, run %d; want %s credited once",
				user, days, sessions, minutes, totalSessions, run, crashMember(i))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != crashMembers {
		t.Fatalf("%d members in the activity log, want %d", i, crashMembers)
	}
}

// dumpCrashTables renders the session and everything its finish writes, for comparison.
func dumpCrashTables(t *testing.T, db *DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT status, ended_at FROM sessions`,
		`SELECT user_id, minutes, active_ns, credited_at, streak_days, streak_grew FROM session_credits ORDER BY user_id`,
		`SELECT user_id, day, sessions, solo, minutes, updated_at FROM activity ORDER BY user_id, day`,
		`SELECT user_id, last_day, run, best, total_days, total_sessions, total_minutes FROM member_streaks ORDER BY user_id`,
	} {
		b.WriteString(dumpRows(t, db, q))
	}
	return b.String()
}

func dumpRows(t *testing.T, db *DB, query string) string {
	t.Helper()
	rows, err := db.read.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, vals...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
