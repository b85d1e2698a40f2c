package app_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/bot"
	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// sessionPosts is where the bot posts session messages in the test channel.
const sessionPosts = "/channels/" + testChannel + "/messages"

// stormedHarness starts the app with a storm transport under it (nothing storms yet).
func stormedHarness(t *testing.T) (*harness, *fakediscord.Storms) {
	t.Helper()
	h := newHarness(t)
	storms := h.fake.Storms(nil)
	h.cfg = h.config(filepath.Join(t.TempDir(), "stretchbot.db"))
	h.opts = h.defaultOptions()
	h.opts.Transport = storms
	return h, storms
}

// TestRateLimitStormsOnSessionPostsStayPaced: while Discord answers every session post with
// a 429 (Cloudflare's without retry_after, one with retry_after 0, a global one), discordgo
// would resend thousands of times a second; through the guard the route gets under 2
// requests a second, and the member still gets an answer.
func TestRateLimitStormsOnSessionPostsStayPaced(t *testing.T) {
	for _, tt := range []struct {
		name string
		kind fakediscord.StormKind
	}{
		{"429 without retry_after", fakediscord.Storm429NoRetryAfter},
		{"429 with retry_after 0", fakediscord.Storm429ZeroRetryAfter},
		{"global 429", fakediscord.StormGlobal429},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, storms := stormedHarness(t)
			h.start()
			h.createQuickRoutine()
			storms.Start(http.MethodPost, sessionPosts, tt.kind)
			began := time.Now()
			a := h.slash(alice, "session", fakediscord.Subcommand("start",
				fakediscord.StringOption("routine", "Quick"), fakediscord.IntegerOption("delay", 5)))
			if a.text() == "" {
				t.Error("/session start got an empty answer during the storm")
			}
			// Watch the route a while longer: the session engine retries the post by itself.
			time.Sleep(2 * time.Second)
			hits := storms.Hits()
			elapsed := time.Since(began)
			t.Logf("%s: %d session posts in %v (%.2f/s), at most %d in one second",
				tt.name, len(hits), elapsed.Round(time.Millisecond), float64(len(hits))/elapsed.Seconds(), fakediscord.MostInOneSecond(hits))
			if len(hits) == 0 {
				t.Fatal("no session post reached Discord: the storm was not exercised")
			}
			if most := fakediscord.MostInOneSecond(hits); most >= 2 {
				t.Errorf("%d session posts in one second during a %s storm, want under 2", most, tt.name)
			}
		})
	}
}

// TestRevokedBotTokenEndsRun: the first 401 to the bot token ends `stretchbot run` with
// bot.ErrTokenRevoked (so the process exits non-zero), and nothing else reaches Discord
// after it.
func TestRevokedBotTokenEndsRun(t *testing.T) {
	h, storms := stormedHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, h.cfg, h.opts) }()
	if _, err := h.fake.WaitForCall(func(c fakediscord.Call) bool {
		return c.Method == http.MethodPut && strings.Contains(c.Path, "/commands")
	}, waitLimit); err != nil {
		t.Fatalf("the bot never registered its commands: %v", err)
	}
	h.createQuickRoutine()
	storms.Start("", "/channels/", fakediscord.Storm401)
	if err := h.fake.Interact(h.fake.SlashCommand(in(alice), "session", fakediscord.Subcommand("start",
		fakediscord.StringOption("routine", "Quick"), fakediscord.IntegerOption("delay", 5)))); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(waitLimit):
		t.Fatal("Run kept running after Discord refused the bot token")
	}
	if !errors.Is(err, bot.ErrTokenRevoked) {
		t.Fatalf("Run returned %v, want bot.ErrTokenRevoked", err)
	}
	if n := len(storms.Hits()); n != 1 {
		t.Errorf("%d requests met the 401, want 1", n)
	}
	calls := h.fake.Calls()
	for i, c := range calls {
		if c.Status == http.StatusUnauthorized && i != len(calls)-1 {
			t.Errorf("requests reached Discord after the 401: %+v", calls[i+1:])
		}
	}
}
