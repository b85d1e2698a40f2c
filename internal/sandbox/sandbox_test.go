package sandbox

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
	"github.com/stretchbot/stretchbot/internal/syncbuf"
)

func TestSandboxScript(t *testing.T) {
	cfg, err := config.Load(filepath.Join(t.TempDir(), "absent.yaml"), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	script := strings.Join([]string{
		"/help",
		"as @sam /help",
		"/no-such-command",
		"press Nothing",
		"frobnicate",
		"quit",
		"/help", // never read: quit stops the loop
	}, "\n")
	var out syncbuf.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = Run(ctx, Options{Config: cfg, DBPath: filepath.Join(t.TempDir(), "sandbox.db"), In: strings.NewReader(script), Out: &out, Log: io.Discard})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"stretchbot sandbox",
		"── bot posted (only the member sees) ──",
		"What stretchbot does and every command it has",
		"! the bot has no /no-such-command command; try /help",
		`! no message in #stretching has a "Nothing" button`,
		`! unknown console command "frobnicate"; type help`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "What stretchbot does"); n != 2 {
		t.Errorf("/help was answered %d times, want 2 (once for @you, once for @sam; none after quit)", n)
	}
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"/exercise name:cat", []string{"/exercise", "name:cat"}},
		{`/routine create name:"my flow" steps:"cat-stretch 20s, childs-pose 30s"`, []string{"/routine", "create", "name:my flow", "steps:cat-stretch 20s, childs-pose 30s"}},
		{"  spaced   out  ", []string{"spaced", "out"}},
		{`name:""`, []string{"name:"}},
	}
	for _, tt := range tests {
		got := splitWords(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("splitWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMembersHaveStableIDs(t *testing.T) {
	c := newConsole((*fakediscord.Server)(nil), io.Discard)
	sam := c.member("sam")
	if again := c.member("sam"); again.ID != sam.ID {
		t.Fatalf("sam's ID changed: %s then %s", sam.ID, again.ID)
	}
	if other := c.member("kim"); other.ID == sam.ID {
		t.Fatal("two members share an ID")
	}
	if c.members["you"].Permissions&adminPermissions != adminPermissions {
		t.Fatal("@you should be an admin")
	}
}

func TestReadableTimestamp(t *testing.T) {
	future := time.Now().Add(90 * time.Second).Unix()
	got := discordTimestamp.ReplaceAllStringFunc(fmt.Sprintf("ends <t:%d:R>.", future), readableTimestamp)
	if !strings.HasPrefix(got, "ends ⏱ in 1m") || !strings.HasSuffix(got, ".") {
		t.Fatalf("got %q", got)
	}
	if got := discordTimestamp.ReplaceAllStringFunc("<t:0:R>", readableTimestamp); !strings.HasSuffix(got, " ago") {
		t.Fatalf("got %q", got)
	}
}
