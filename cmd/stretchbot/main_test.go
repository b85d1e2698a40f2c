package main

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/internal/metrics"
	"github.com/stretchbot/stretchbot/storage"
)

// runCLI runs the CLI in-process with the given environment.
func runCLI(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := newRootCommand(strings.NewReader(""), &out, &out, env)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestCheckConfig(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	os.WriteFile(broken, []byte("discord:\n  token: [\n"), 0o600)
	flat := filepath.Join(dir, "flat.yaml")
	os.WriteFile(flat, []byte("guild_id: \"123456789012345678\"\n"), 0o600)
	badCatalog := filepath.Join(dir, "extra.yaml")
	os.WriteFile(badCatalog, []byte("routines:\n  - id: x\n    name: X\n    description: d\n    steps: cat-strech 20s\n"), 0o600)
	tests := []struct {
		name    string
		env     []string
		args    []string
		wantErr string
		// wantAlso are more sentences the same error must hold.
		wantAlso []string
		wantOut  string
	}{
		{name: "no token", args: []string{"check-config"}, wantErr: "STRETCHBOT_DISCORD_TOKEN"},
		{name: "explicit missing file", args: []string{"check-config", "--config", filepath.Join(dir, "nope.yaml")}, wantErr: "cannot read config file"},
		{name: "malformed file", args: []string{"check-config", "--config", broken}, wantErr: "is not valid YAML"},
		{name: "valid", env: []string{"STRETCHBOT_DISCORD_TOKEN=test-token-not-real"}, args: []string{"check-config"}, wantOut: "config is valid"},
		{name: "broken catalog file", env: []string{"STRETCHBOT_DISCORD_TOKEN=test-token-not-real", "STRETCHBOT_CATALOG_EXTRA_PATH=" + badCatalog}, args: []string{"check-config"}, wantErr: "extra.yaml:"},
		{name: "database folder missing", env: []string{"STRETCHBOT_DISCORD_TOKEN=test-token-not-real", "STRETCHBOT_STORAGE_PATH=" + filepath.Join(dir, "gone", "bot.db")},
			args: []string{"check-config"}, wantErr: "folder " + filepath.Join(dir, "gone") + " does not exist; create it or change storage.path"},
		{name: "every problem at once", env: []string{"STRETCHBOT_DEFAULTS_TIMEZONE=Mars/Olympus", "STRETCHBOT_STORAGE_PATH=" + filepath.Join(dir, "gone", "bot.db"),
			"STRETCHBOT_CATALOG_EXTRA_PATH=" + badCatalog, "STRETCHBOT_SESSION_LATE_CUTOFF=banana"}, args: []string{"check-config", "--config", flat},
			wantErr: "STRETCHBOT_DISCORD_TOKEN", wantAlso: []string{"Mars/Olympus", "does not exist", "extra.yaml:",
				`session.late_cutoff = "banana" (from STRETCHBOT_SESSION_LATE_CUTOFF): not a duration; write it like 1h or 90m`,
				`unknown key "guild_id" (did you mean "discord.guild_id"? it goes under discord:`}},
		{name: "backup folder unusable", env: []string{"STRETCHBOT_DISCORD_TOKEN=test-token-not-real", "STRETCHBOT_STORAGE_BACKUP_EVERY=24h",
			"STRETCHBOT_STORAGE_BACKUP_DIR=" + filepath.Join(dir, "gone", "backups")}, args: []string{"check-config"},
			wantErr: "storage.backup.dir " + filepath.Join(dir, "gone", "backups") + ": neither it nor its parent folder exists"},
		{name: "version", args: []string{"version"}, wantOut: "stretchbot dev"},
		{name: "unknown subcommand", args: []string{"strech"}, wantErr: "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(dir) // the default ./config.yaml must not be picked up from the repo
			out, err := runCLI(t, tt.env, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				for _, also := range tt.wantAlso {
					if !strings.Contains(err.Error(), also) {
						t.Errorf("error = %v; it lacks %q", err, also)
					}
				}
				return
			}
			if err != nil || !strings.Contains(out, tt.wantOut) {
				t.Fatalf("out = %q, err = %v; want %q", out, err, tt.wantOut)
			}
			if strings.Contains(out, "test-token-not-real") {
				t.Fatal("the token was printed")
			}
		})
	}
}

// TestBackupCommand backs up a database through the CLI and refuses to overwrite the copy.
func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	src := filepath.Join(dir, "bot.db")
	db, err := storage.Open(context.Background(), src, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	env := []string{"STRETCHBOT_STORAGE_PATH=" + src}
	dest := filepath.Join(dir, "copy.db")
	out, err := runCLI(t, env, "backup", dest)
	if err != nil || !strings.Contains(out, "backed up "+src+" to "+dest+" (integrity ok): 0 members") {
		t.Fatalf("backup = %q, %v", out, err)
	}
	if _, err := runCLI(t, env, "backup", dest); err == nil || !strings.Contains(err.Error(), "never overwrites") {
		t.Errorf("a second backup onto the copy: %v; want a refusal", err)
	}
	out, err = runCLI(t, env, "restore", dest)
	if err != nil || !strings.Contains(out, "restored "+src+" from "+dest) || !strings.Contains(out, "kept as "+src+".before-restore-") {
		t.Errorf("restore = %q, %v", out, err)
	}
}

// TestHealthCommand asks a readiness endpoint through the CLI, as the image's HEALTHCHECK
// does: exit 0 ("ready") when it answers 200, an error with the reason otherwise.
func TestHealthCommand(t *testing.T) {
	var notReady error
	srv := httptest.NewServer(metrics.Handler(metrics.New(), func(context.Context) error { return notReady }))
	defer srv.Close()
	listen := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name     string
		listen   string
		notReady error
		wantOut  string
		wantErr  string
	}{
		{name: "ready", listen: listen, wantOut: "ready"},
		{name: "gateway down", listen: listen, notReady: errors.New("the gateway connection of shard 0 is down"),
			wantErr: "the bot is not ready (503 Service Unavailable): not ready: the gateway connection of shard 0 is down"},
		{name: "metrics off", wantErr: "metrics.listen is empty, so the bot serves no health endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			notReady = tt.notReady
			out, err := runCLI(t, []string{"STRETCHBOT_METRICS_LISTEN=" + tt.listen}, "health")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("health = %q, %v; want the error %q", out, err, tt.wantErr)
				}
				return
			}
			if err != nil || strings.TrimSpace(out) != tt.wantOut {
				t.Fatalf("health = %q, %v; want %q", out, err, tt.wantOut)
			}
		})
	}
}
