package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const fakeToken = "test-token-not-real"

func writeFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadAndValidate(t *testing.T) {
	tests := []struct {
		name     string
		file     string // empty: no file
		env      []string
		wantErr  string // substring; empty means success
		validate bool
		check    func(t *testing.T, c *Config)
	}{
		{
			name: "defaults without a file",
			check: func(t *testing.T, c *Config) {
				if c.Discord.APIURL != "https://discord.com" || c.Storage.Path != "./stretchbot.db" ||
					c.Defaults.Timezone != "UTC" || c.Session.LateCutoff != time.Hour || c.Session.PrepGap != 10*time.Second {
					t.Errorf("unexpected defaults: %+v", c)
				}
			},
		},
		{
			name: "env reaches nested keys the file does not mention",
			file: "log:\n  level: debug\n",
			env:  []string{"STRETCHBOT_DISCORD_TOKEN=Bot " + fakeToken, "STRETCHBOT_STORAGE_PATH=/data/x.db", "STRETCHBOT_SESSION_PREP_GAP=5s"},
			check: func(t *testing.T, c *Config) {
				if c.Discord.Token.Reveal() != fakeToken {
					t.Errorf("token = %q, want the Bot prefix stripped", c.Discord.Token.Reveal())
				}
				if c.Storage.Path != "/data/x.db" || c.Log.Level != "debug" || c.Session.PrepGap != 5*time.Second {
					t.Errorf("env not applied: %+v", c)
				}
			},
		},
		{name: "typo in a key", file: "discord:\n  tokn: abc\n", wantErr: `unknown key "discord.tokn" (did you mean "discord.token"?)`},
		{name: "malformed yaml", file: "discord: [\n", wantErr: "is not valid YAML"},
		{name: "missing token", validate: true, wantErr: "STRETCHBOT_DISCORD_TOKEN"},
		{name: "bad timezone", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken, "STRETCHBOT_DEFAULTS_TIMEZONE=Mars/Olympus"}, validate: true, wantErr: `defaults.timezone (env STRETCHBOT_DEFAULTS_TIMEZONE): "Mars/Olympus" is not an IANA timezone`},
		{name: "bad api url", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken, "STRETCHBOT_DISCORD_API_URL=discord.com"}, validate: true, wantErr: "discord.api_url"},
		{name: "bad guild id", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken, "STRETCHBOT_DISCORD_GUILD_ID=my-server"}, validate: true, wantErr: "discord.guild_id"},
		{name: "bad log format", file: "log:\n  format: xml\n", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken}, validate: true, wantErr: "log.format"},
		{name: "bad duration", file: "session:\n  prep_gap: soon\n", wantErr: `session.prep_gap = "soon" (from `},
		{name: "bad durations, all at once", env: []string{"STRETCHBOT_SESSION_LATE_CUTOFF=banana", "STRETCHBOT_SESSION_PREP_GAP=10"},
			wantErr: `session.prep_gap = "10" (from STRETCHBOT_SESSION_PREP_GAP): not a duration; write it like 1h or 90m` + "\n" +
				`session.late_cutoff = "banana" (from STRETCHBOT_SESSION_LATE_CUTOFF): not a duration; write it like 1h or 90m`},
		{name: "a tab for indentation", file: "discord:\n  guild_id: \"\"\n\ttoken: x\n", wantErr: "tabs are not allowed for indentation in YAML; use spaces (line 3)"},
		{name: "negative shard count", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken, "STRETCHBOT_DISCORD_SHARD_COUNT=-1"}, validate: true, wantErr: "discord.shard_count (env STRETCHBOT_DISCORD_SHARD_COUNT): -1 is not a shard count"},
		{name: "shard ids past the count", file: "discord:\n  shard_count: 4\n  shard_ids: 2-5\n", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken}, validate: true, wantErr: "discord.shard_ids (env STRETCHBOT_DISCORD_SHARD_IDS): shard 5 is outside the shard count 4"},
		{name: "shard ids garbled", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken, "STRETCHBOT_DISCORD_SHARD_IDS=first"}, validate: true, wantErr: `"first" is not a shard id or range`},
		{name: "shards", file: "discord:\n  shard_count: 4\n  shard_ids: 0-1\n", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken}, validate: true,
			check: func(t *testing.T, c *Config) {
				if c.Discord.ShardCount != 4 || c.Discord.ShardIDs != "0-1" {
					t.Errorf("shards = %d %q", c.Discord.ShardCount, c.Discord.ShardIDs)
				}
			}},
		{name: "a section given a value", file: "discord: token\n",
			wantErr: `"discord" is a section, not a value; write its keys on the lines below it, indented by two spaces (discord:, then   api_url: …)`},
		{name: "a nested key at the top", file: "token: abc\n",
			wantErr: `unknown key "token" (did you mean "discord.token"? it goes under discord:, indented: discord:, then   token: on the next line)`},
		{name: "a key and its nested key on one line", file: "discord: token: abc\n",
			wantErr: "a key and its nested key may not share a line (discord: token: …): put the nested key on the next line, indented by two spaces"},
		{name: "every problem in the file at once", file: "tokn: x\nlisten: 1\nsession:\n  prep_gap: soon\n",
			wantErr: `config file %s: unknown key "listen" (did you mean "metrics.listen"? it goes under metrics:, indented: metrics:, then   listen: on the next line)` + "\n" +
				`config file %s: unknown key "tokn" (did you mean "discord.token"? it goes under discord:, indented: discord:, then   token: on the next line)` + "\n" +
				`session.prep_gap = "soon" (from %s): not a duration`},
		{name: "backups too often", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken, "STRETCHBOT_STORAGE_BACKUP_EVERY=10m"}, validate: true,
			wantErr: "storage.backup.every (env STRETCHBOT_STORAGE_BACKUP_EVERY): 10m0s is too often; use 0 for no scheduled backups, or at least 1h"},
		{name: "backups keep none", file: "storage:\n  backup:\n    every: 24h\n    keep: 0\n", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken}, validate: true,
			wantErr: "storage.backup.keep (env STRETCHBOT_STORAGE_BACKUP_KEEP): 0 keeps no backup; keep at least 1"},
		{name: "backup interval garbled", env: []string{"STRETCHBOT_STORAGE_BACKUP_EVERY=daily"},
			wantErr: `storage.backup.every = "daily" (from STRETCHBOT_STORAGE_BACKUP_EVERY): not a duration`},
		{name: "backups", file: "storage:\n  backup:\n    every: 24h\n    dir: /backups\n", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken}, validate: true,
			check: func(t *testing.T, c *Config) {
				if b := c.Storage.Backup; b.Every != 24*time.Hour || b.Keep != 7 || b.Dir != "/backups" {
					t.Errorf("backup = %+v; want every 24h, keep 7 (the default), dir /backups", b)
				}
			}},
		{name: "metrics listen without port", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken, "STRETCHBOT_METRICS_LISTEN=localhost"}, validate: true,
			wantErr: `metrics.listen (env STRETCHBOT_METRICS_LISTEN): "localhost" is not host:port; use e.g. 127.0.0.1:9090`},
		{name: "metrics listen with a named port", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken, "STRETCHBOT_METRICS_LISTEN=:http"}, validate: true,
			wantErr: `":http" has no port number`},
		{name: "metrics", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken, "STRETCHBOT_METRICS_LISTEN=:9090"}, validate: true,
			check: func(t *testing.T, c *Config) {
				if c.Metrics.Listen != ":9090" {
					t.Errorf("metrics.listen = %q", c.Metrics.Listen)
				}
			}},
		{name: "valid", env: []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken, "STRETCHBOT_DISCORD_GUILD_ID=123456789012345678"}, validate: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, explicit := filepath.Join(t.TempDir(), "absent.yaml"), false
			if tt.file != "" {
				path, explicit = writeFile(t, tt.file), true
			}
			cfg, err := Load(path, explicit, tt.env)
			if err == nil && tt.validate {
				err = cfg.Validate(true)
			}
			if tt.wantErr != "" {
				if strings.Contains(tt.wantErr, "%s") {
					tt.wantErr = strings.ReplaceAll(tt.wantErr, "%s", path)
				}
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.check != nil {
				tt.check(t, cfg)
			}
		})
	}
}

func TestExplicitMissingFileIsAnError(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), true, nil)
	if err == nil || !strings.Contains(err.Error(), "cannot read config file") {
		t.Fatalf("error = %v", err)
	}
}

func TestTokenNeverPrinted(t *testing.T) {
	cfg, err := Load(filepath.Join(t.TempDir(), "absent.yaml"), false, []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(format, cfg); strings.Contains(out, fakeToken) {
			t.Errorf("%s printed the token: %s", format, out)
		}
	}
}

func TestExampleConfigIsValidAndComplete(t *testing.T) {
	raw, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Load("../config.example.yaml", true, []string{"STRETCHBOT_DISCORD_TOKEN=" + fakeToken})
	if err != nil {
		t.Fatalf("config.example.yaml does not load: %v", err)
	}
	if err := cfg.Validate(true); err != nil {
		t.Fatalf("config.example.yaml does not validate: %v", err)
	}
	for key := range defaults {
		leaf := key[strings.LastIndex(key, ".")+1:]
		if !strings.Contains(string(raw), leaf+":") {
			t.Errorf("config.example.yaml does not document %s", key)
		}
	}
}
