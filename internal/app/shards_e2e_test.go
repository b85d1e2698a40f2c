package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
	"github.com/stretchbot/stretchbot/internal/syncbuf"
)

// guildOnShard is a guild id of Discord's shard shard of count: (id >> 22) % count.
func guildOnShard(shard, count int) string {
	return strconv.FormatInt(int64(5000*count+shard)<<22|1, 10)
}

// placeOnShard is a channel of a guild on shard shard of 2, seen by member m.
func placeOnShard(shard int, m fakediscord.Member) fakediscord.InteractionContext {
	g := guildOnShard(shard, 2)
	return fakediscord.InteractionContext{GuildID: g, ChannelID: g[:len(g)-1] + "7", ChannelName: "stretching", Member: m}
}

// TestOneProcessRunsEveryShardDiscordRecommends: with discord.shard_count 0 the bot asks
// Discord (GET /gateway/bot: 2 shards), connects both, and answers an interaction on each.
func TestOneProcessRunsEveryShardDiscordRecommends(t *testing.T) {
	h := newHarnessWith(t, fakediscord.Options{Shards: 2, MaxConcurrency: 1})
	h.cfg = h.config(filepath.Join(t.TempDir(), "stretchbot.db"))
	h.opts = h.defaultOptions()
	h.opts.IdentifyInterval = 10 * time.Millisecond
	h.start()
	if got := fmt.Sprint(h.fake.ConnectedShards()); got != "[0 1]" {
		t.Fatalf("connected shards %s; want [0 1]", got)
	}
	if got := fmt.Sprint(h.fake.IdentifyIntents()); got != "[0 0]" {
		t.Errorf("the shards identified with intents %s; want none: interactions need no intent", got)
	}
	for shard := range 2 {
		a := h.interact(h.fake.SlashCommand(placeOnShard(shard, admin), "settings"))
		if a.text() == "" || strings.Contains(a.text(), "went wrong") {
			t.Errorf("shard %d: /settings answered %q", shard, a.text())
		}
	}
}

// TestTwoProcessesShareOneDatabase runs shard 0 and shard 1 in two processes on one SQLite
// file: each answers its guilds' interactions and runs their sessions, and after a restart
// each resumes only its own session.
func TestTwoProcessesShareOneDatabase(t *testing.T) {
	h := newHarnessWith(t, fakediscord.Options{Shards: 2})
	path := filepath.Join(t.TempDir(), "stretchbot.db")
	type process struct {
		cfg  *config.Config
		opts app.Options
		logs *syncbuf.Buffer
		app  *app.App
	}
	procs := make([]*process, 2)
	start := func(p *process) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		a, err := app.Start(ctx, p.cfg, p.opts)
		if err != nil {
			t.Fatalf("app.Start: %v", err)
		}
		p.app = a
	}
	stop := func(p *process) {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		if err := p.app.Close(ctx); err != nil {
			t.Errorf("app.Close: %v", err)
		}
	}
	for shard := range procs {
		p := &process{cfg: h.config(path), logs: &syncbuf.Buffer{}}
		p.cfg.Discord.ShardCount, p.cfg.Discord.ShardIDs = 2, strconv.Itoa(shard)
		p.opts = app.Options{Logger: slog.New(slog.NewTextHandler(p.logs, nil)), DeferAfter: time.Second}
		procs[shard] = p
		start(p)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("shard %d's log:\n%s", shard, p.logs.String())
			}
		})
	}
	if got := fmt.Sprint(h.fake.ConnectedShards()); got != "[0 1]" {
		t.Fatalf("connected shards %s; want [0 1]", got)
	}
	for shard := range procs {
		a := h.interact(h.fake.SlashCommand(placeOnShard(shard, alice), "session", fakediscord.Subcommand("start",
			fakediscord.StringOption("routine", "desk-break"), fakediscord.IntegerOption("delay", 30))))
		if !strings.Contains(a.text(), "https://discord.com/channels/"+guildOnShard(shard, 2)) {
			t.Fatalf("shard %d: /session start answered %q", shard, a.text())
		}
	}
	for shard, p := range procs {
		if n := strings.Count(p.logs.String(), `msg="session created"`); n != 1 {
			t.Errorf("shard %d's process created %d sessions; want its own one", shard, n)
		}
		stop(p)
	}
	for shard, p := range procs {
		p.logs.Take()
		start(p)
		defer stop(p)
		if !strings.Contains(p.logs.String(), "found=2 resumed=1 other_shards=1") {
			t.Errorf("shard %d after the restart: %q; want its own session resumed and the other left", shard,
				grepLine(p.logs.String(), "sessions restored"))
		}
	}
}

// grepLine is the first line of text holding want.
func grepLine(text, want string) string {
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, want) {
			return line
		}
	}
	return ""
}
