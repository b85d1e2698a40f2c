package app_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// The SIGKILL test runs the bot in a child process (this test binary, run again with
// childBotEnv set), makes a schedule through it, kills it with SIGKILL (no shutdown at
// all), and starts the bot again in this process on the same database.
const (
	childBotEnv   = "STRETCHBOT_E2E_CHILD_BOT"
	childClockEnv = "STRETCHBOT_E2E_CHILD_CLOCK" // the child's fixed time, unix seconds
	childReady    = "child bot ready"
)

// TestChildBot is the child process: it starts the real app from the environment's
// config and serves until it is killed. It does nothing in a normal test run.
func TestChildBot(t *testing.T) {
	if os.Getenv(childBotEnv) == "" {
		t.Skip("runs only as the child of TestScheduledLobbySurvivesSIGKILL")
	}
	cfg, err := config.Load(filepath.Join(t.TempDir(), "absent.yaml"), false, os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	unix, err := strconv.ParseInt(os.Getenv(childClockEnv), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Session.PrepGap = 0
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if _, err := app.Start(ctx, cfg, app.Options{Clock: clock.NewFake(time.Unix(unix, 0).UTC()), DeferAfter: time.Second}); err != nil {
		t.Fatal(err)
	}
	fmt.Println(childReady)
	select {} // until SIGKILL
}

// TestScheduledLobbySurvivesSIGKILL: a schedule is made through a bot that is then killed
// before its lobby opens; the restarted bot opens the lobby at its minute exactly once, and
// a second restart opens nothing more.
func TestScheduledLobbySurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	h := newHarness(t)
	h.cfg = h.config(filepath.Join(t.TempDir(), "stretchbot.db"))
	t0 := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
	child := h.startChildBot(t0)

	h.createQuickRoutine()
	assertTextHas(t, "/schedule create", h.slash(admin, "schedule", fakediscord.Subcommand("create",
		fakediscord.StringOption("routine", "Quick"), fakediscord.StringOption("time", "18:10"),
		fakediscord.StringOption("days", "daily"), fakediscord.StringOption("timezone", "UTC"),
		fakediscord.IntegerOption("lobby", 5))).text(), "Scheduled #1")
	if err := child.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = child.Wait() // "signal: killed" is the point
	for deadline := time.Now().Add(waitLimit); h.fake.Connected(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the fake still sees the killed bot connected")
		}
	}

	clk := clock.NewFake(t0.Add(time.Minute))
	h.opts = h.defaultOptions()
	h.opts.Clock = clk
	h.cfg.Session.PrepGap = 0
	h.start()
	clk.Advance(4*time.Minute - time.Second) // 18:04:59: not yet
	h.awaitDueJobs(clk.Now())
	if n := h.countLobbies(); n != 0 {
		t.Fatalf("%d lobbies before the lobby's minute", n)
	}
	clk.Advance(time.Second) // 18:05: the lobby opens
	h.awaitSessionMessage("the lobby after SIGKILL", "Group session: Quick")
	h.stop()
	h.start()
	clk.Advance(time.Second)
	h.awaitDueJobs(clk.Now())
	if n := h.countLobbies(); n != 1 {
		t.Errorf("%d lobbies after SIGKILL and two restarts; want exactly one", n)
	}
}

// startChildBot starts the bot in a child process on the harness's fake Discord and
// database, its clock fixed at now, and returns once it is connected.
func (h *harness) startChildBot(now time.Time) *exec.Cmd {
	h.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildBot$", "-test.v")
	cmd.Env = append(os.Environ(), childBotEnv+"=1", childClockEnv+"="+strconv.FormatInt(now.Unix(), 10),
		"STRETCHBOT_DISCORD_TOKEN=test-token-not-real", "STRETCHBOT_DISCORD_API_URL="+h.fake.URL(),
		"STRETCHBOT_DISCORD_GUILD_ID="+testGuild, "STRETCHBOT_STORAGE_PATH="+h.cfg.Storage.Path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		h.t.Fatal(err)
	}
	cmd.Stderr = h.logs
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan bool, 1)
	go func() {
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			h.logs.Write(append(lines.Bytes(), '\n'))
			if strings.Contains(lines.Text(), childReady) {
				ready <- true
			}
		}
		close(ready)
	}()
	select {
	case ok := <-ready:
		if !ok {
			h.t.Fatal("the child bot exited before it was ready")
		}
	case <-time.After(waitLimit):
		h.t.Fatal("the child bot did not start")
	}
	return cmd
}
