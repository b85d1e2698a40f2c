package app_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

func TestNoTokensInLogsAfterResume(t *testing.T) {
	// discordgo logs through slog.Default(): send it into the harness's log as well.
	restoreDefaultLogger(t)
	h := startHarness(t, withOptions(func(o *app.Options) { slog.SetDefault(o.Logger) }))

	if !h.fake.DropGateway() {
		t.Fatal("no gateway connection to drop")
	}
	// discordgo waits about a second before it resumes; these wait in the session and are
	// replayed before RESUMED, so the first frame after the Resume is an interaction.
	var queued []*discordgo.Interaction
	for n, m := range []fakediscord.Member{alice, bob, admin} {
		i := h.fake.SlashCommand(in(m), "help")
		i.Token = fmt.Sprintf("test-interaction-token-%03d-not-real-%s", n, strings.Repeat("0", 40))
		if err := h.fake.Interact(i); err != nil {
			t.Fatal(err)
		}
		queued = append(queued, i)
	}
	for _, i := range queued {
		h.response(i.ID)
	}
	if h.fake.Resumes() == 0 {
		t.Fatal("the bot reconnected without resuming, so nothing was replayed")
	}
	// discordgo logs the whole first event replayed after a resume ("Expected READY/RESUMED,
	// instead got: &discordgo.Event{...}"); the log must keep only a summary of it.
	waitForLog(t, h, "Expected READY/RESUMED")
	h.stop() // so the shutdown's lines are checked too
	logs := h.logs.String()
	if want := "Expected READY/RESUMED, instead got: [payload dropped]"; !strings.Contains(logs, want) {
		t.Errorf("the log does not contain %q", want)
	}

	secrets := map[string]string{"bot token": h.cfg.Discord.Token.Reveal()}
	for _, i := range queued {
		secrets["token of interaction "+i.ID] = i.Token
	}
	for what, secret := range secrets {
		for _, form := range encodings(secret) {
			if strings.Contains(logs, form) {
				t.Errorf("the log holds the %s as %q", what, form)
			}
		}
	}
	for _, dump := range []string{"RawData", "json.RawMessage{", "&discordgo."} {
		if strings.Contains(logs, dump) {
			t.Errorf("the log holds an event dump (%q)", dump)
		}
	}
}

// restoreDefaultLogger puts back slog's default logger, and the log package's output that
// slog.SetDefault redirects, when the test ends.
func restoreDefaultLogger(t *testing.T) {
	prev, out, flags := slog.Default(), log.Writer(), log.Flags()
	t.Cleanup(func() {
		slog.SetDefault(prev)
		log.SetOutput(out)
		log.SetFlags(flags)
	})
}

// waitForLog waits until the captured log contains want. discordgo logs the line after
// it has handed the first event to the bot, so the answer can come first.
func waitForLog(t *testing.T, h *harness, want string) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !strings.Contains(h.logs.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the log never contained %q", want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// encodings are the forms a secret takes in a log line: plain, hex, and the byte lists
// fmt prints for a []byte with %#v and %v.
func encodings(secret string) []string {
	b := []byte(secret)
	return []string{
		secret,
		hex.EncodeToString(b),
		strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%#v", b), "[]byte{"), "}"),
		strings.Trim(fmt.Sprint(b), "[]"),
	}
}

// TestJSONLogHasOneLinePerInteraction: with log.format json at debug (what `run` builds
// from the config), every interaction is one JSON line naming its kind, command, server,
// channel, latency and outcome, by id; no member's name and no token is in the log.
func TestJSONLogHasOneLinePerInteraction(t *testing.T) {
	h := newHarness(t)
	h.cfg = h.config(filepath.Join(t.TempDir(), "stretchbot.db"))
	h.opts = h.defaultOptions()
	h.opts.Logger = slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.start()
	help := h.fake.SlashCommand(in(alice), "help")
	h.interact(help)
	bad := h.fake.SlashCommand(in(bob), "session", fakediscord.Subcommand("stop"))
	h.interact(bad)
	waitForLog(t, h, `"interaction":"`+bad.ID+`"`)

	byID := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(h.logs.String()), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("a log line is not JSON: %q (%v)", line, err)
		}
		if entry["msg"] == "interaction" {
			byID[fmt.Sprint(entry["interaction"])] = entry
		}
	}
	wants := map[string]map[string]any{
		help.ID: {"kind": "command", "command": "help", "outcome": "ok", "guild": testGuild, "channel": testChannel, "level": "DEBUG"},
		bad.ID:  {"kind": "command", "command": "session", "outcome": "user_error", "guild": testGuild, "channel": testChannel},
	}
	for id, want := range wants {
		entry, ok := byID[id]
		if !ok {
			t.Fatalf("no interaction line for %s", id)
		}
		for key, value := range want {
			if entry[key] != value {
				t.Errorf("interaction %s: %s = %v, want %v", id, key, entry[key], value)
			}
		}
		if latency, ok := entry["latency"].(float64); !ok || latency <= 0 {
			t.Errorf("interaction %s: latency = %v, want a positive duration", id, entry["latency"])
		}
	}
	logs := h.logs.String()
	for _, secret := range []string{alice.GlobalName, alice.Username, bob.GlobalName, bob.Username, help.Token, bad.Token, h.cfg.Discord.Token.Reveal()} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}
