package app_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// TestStartRefusedForShardingSaysWhatToDo: Discord closes an unsharded identify with 4011
// (2,500 servers or more); the bot does not retry and says how to fix it.
func TestStartRefusedForShardingSaysWhatToDo(t *testing.T) {
	h := newHarness(t)
	h.fake.RequireShards(2)
	h.cfg = h.config(t.TempDir() + "/stretchbot.db")
	h.opts = h.defaultOptions()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	a, err := app.Start(ctx, h.cfg, h.opts)
	if err == nil {
		a.Close(ctx)
		t.Fatal("the bot started although Discord requires sharding")
	}
	if !strings.Contains(err.Error(), "Discord requires sharding") || !strings.Contains(err.Error(), "discord.shard_count") {
		t.Errorf("Start failed with %q; want the 4011 sentence naming discord.shard_count", err)
	}
	if n := h.fake.Identifies(); n != 0 {
		t.Errorf("%d identifies accepted; want none", n)
	}
}

// TestFatalCloseWhileRunningEndsRun: Discord invalidates the session and refuses the new
// identify with 4011; the bot stops reconnecting and `stretchbot run` ends with the
// sentence, instead of identifying again and again.
func TestFatalCloseWhileRunningEndsRun(t *testing.T) {
	h := newHarness(t)
	h.cfg = h.config(t.TempDir() + "/stretchbot.db")
	h.opts = h.defaultOptions()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, h.cfg, h.opts) }()
	if err := h.fake.WaitConnected(waitLimit); err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitForCall(func(c fakediscord.Call) bool { return strings.Contains(c.Path, "/commands") }, waitLimit); err != nil {
		t.Fatal(err)
	}
	h.fake.RequireShards(2)
	h.fake.InvalidateSessions()
	var err error
	select {
	case err = <-done:
	case <-time.After(waitLimit):
		t.Fatal("Run kept running after Discord closed the gateway with 4011")
	}
	if err == nil || !strings.Contains(err.Error(), "Discord requires sharding") {
		t.Fatalf("Run returned %v; want the 4011 sentence", err)
	}
	// Run has closed the bot, so no reconnect can follow: one identify, the first.
	if n := h.fake.Identifies(); n != 1 {
		t.Errorf("%d identifies accepted; want only the first", n)
	}
}

// TestReconnectRequestIsResumed: Discord's op 7 Reconnect makes the bot close (with 1012,
// which keeps the session), reconnect and resume at READY's resume_gateway_url (another
// host than it connected to, as Discord's is); it answers commands afterwards.
func TestReconnectRequestIsResumed(t *testing.T) {
	// discordgo logs through slog.Default(): send it into the harness's log as well.
	restoreDefaultLogger(t)
	h := startHarness(t, withOptions(func(o *app.Options) { slog.SetDefault(o.Logger) }))
	resumes := h.fake.Resumes()
	h.fake.RequestReconnect()
	deadline := time.Now().Add(waitLimit)
	for h.fake.Resumes() == resumes || !h.fake.Connected() {
		if time.Now().After(deadline) {
			t.Fatal("the bot did not resume after op 7")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := h.fake.Identifies(); n != 1 {
		t.Errorf("%d identifies; want the first only (a resume, not a new session)", n)
	}
	if n := h.fake.ResumesAtResumeURL(); n != 1 {
		t.Errorf("%d resumes at resume_gateway_url; want the resume there, not where the bot first connected", n)
	}
	// The dial refused on purpose on the way there is no error for the operator.
	if line := grepLine(h.logs.String(), "resume_gateway_url"); line == "" || strings.Contains(line, "level=ERROR") {
		t.Errorf("the refused dial is logged as %q; want a debug line", line)
	}
	if a := h.slash(alice, "streak"); a.text() == "" {
		t.Error("no answer after the reconnect")
	}
}
