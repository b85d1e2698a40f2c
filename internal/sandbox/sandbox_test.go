package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/syncbuf"
)

// wait bounds every wait for the bot in these tests; generous for a loaded machine.
const wait = 20 * time.Second

func testConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Load(filepath.Join(t.TempDir(), "absent.yaml"), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// sandboxFor starts the sandbox (fake Discord and bot) for a test that types lines with
// c.execute and reads out.
func sandboxFor(t *testing.T, opts Options) (*console, *syncbuf.Buffer) {
	t.Helper()
	out := &syncbuf.Buffer{}
	opts.Config, opts.Out, opts.Log = testConfig(t), out, io.Discard
	if opts.DBPath == "" {
		opts.DBPath = filepath.Join(t.TempDir(), "sandbox.db")
	}
	if opts.OutDir == "" {
		opts.OutDir = t.TempDir()
	}
	c, stop, err := start(context.Background(), opts, newScreen(strings.NewReader(""), out))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return c, out
}

// eventually waits until out holds want.
func eventually(t *testing.T, out *syncbuf.Buffer, want string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("output lacks %q after %v:\n%s", want, wait, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSandboxScript(t *testing.T) {
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
	err := Run(ctx, Options{Config: testConfig(t), DBPath: filepath.Join(t.TempDir(), "sandbox.db"), OutDir: t.TempDir(),
		In: strings.NewReader(script), Out: &out, Log: io.Discard})
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
	if strings.Contains(got, "\033") {
		t.Error("output that is not a terminal holds escape codes")
	}
}

// A line Discord's client would refuse to send is a console error, and nothing reaches
// the bot.
func TestConsoleChecksLikeDiscord(t *testing.T) {
	c, out := sandboxFor(t, Options{})
	tests := []struct {
		line, want string
	}{
		{"/session", "! /session needs a subcommand: start, stop, status (see options /session)"},
		{"/session start", "! /session start needs the option routine (required)"},
		{`/schedule create routine:"Desk break"`, "! /schedule create needs the options time and days (required)"},
		{"/session begin", `! /session has no subcommand "begin"; see options /session`},
		{"/settings nope:1", `! /settings has no option "nope"; see options /settings`},
		{"/settings day-start-hour:25", "! day-start-hour must be between 0 and 23, not 25"},
		{"/settings day-start-hour:soon", `! day-start-hour: "soon" is not a whole number`},
		{"/settings solo-logs:maybe", `! solo-logs: "maybe" is not true or false`},
		{"/settings clear:nope", `! clear must be one of "timezone: back to the bot's default", "host-role: none, only Manage Messages controls sessions", not "nope" (see options /settings)`},
		{"/settings host-role:hosts", "! host-role takes a role: write it as @name, e.g. host-role:@hosts"},
		{"/settings freezes:true freezes:false", "! /settings: the option freezes is given twice"},
		{`/schedule create routine:x time:07:00 days:daily channel:yoga`, "! channel takes a channel: write it as #name, e.g. channel:#stretching"},
		{"complete /session routine:d", "! /session needs a subcommand"},
		{"complete /settings solo-logs:t", "! /settings's option solo-logs has no suggestions from the bot"},
		{"complete /settings", "! usage: complete /command option:partial"},
		{"press", `! usage: press <button label>, e.g. press Join or press "Start now"`},
		{"+role hosts", "! usage: +role @role or -role @role"},
		{"as @sam +role @everyone", "! every member has @everyone"},
		{"wait soon", `! usage: wait <duration>, e.g. wait 90s or wait 4m (got "soon")`},
		{"options", "! usage: options /command"},
		{"as @sam /settings freezes:false", "! @sam does not see /settings: Discord offers it only to members with Manage Server"},
		{"as @sam complete /settings timezone:eu", "! @sam does not see /settings"},
		{"as", "! usage: as @name <command>, e.g. as @sam press Join"},
		{"as @sam", "! usage: as @name <command>"},
		{"options /nope", "! the bot has no /nope command; try /help"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			before := len(c.fake.Responses())
			out.Take()
			c.execute(context.Background(), tt.line)
			if got := out.Take(); !strings.Contains(got, tt.want) {
				t.Errorf("%s\n got: %s\nwant: %s", tt.line, got, tt.want)
			}
			if after := len(c.fake.Responses()); after != before {
				t.Errorf("%s reached the bot (%d answers, was %d)", tt.line, after, before)
			}
		})
	}
}

func TestOptionsListing(t *testing.T) {
	c, out := sandboxFor(t, Options{})
	tests := []struct {
		line string
		want []string
	}{
		{"options /session", []string{
			"/session — ",
			"\n  start — ",
			"\n    routine: text, required, the bot suggests values (complete) — ",
			"\n    delay: a whole number between 0 and 60 — ",
			"\n  stop — ",
		}},
		{"options settings", []string{
			"host-role: a role (@name) — ",
			"clear: text, one of — ",
			`"timezone: back to the bot's default"  (timezone)`,
		}},
		{"options /schedule", []string{"channel: a channel (#name) — ", "ping_role: a role (@name) — "}},
		{"options /help", []string{"/help — "}},
	}
	for _, tt := range tests {
		out.Take()
		c.execute(context.Background(), tt.line)
		got := out.Take()
		for _, want := range tt.want {
			if !strings.Contains(got, want) {
				t.Errorf("%s lacks %q:\n%s", tt.line, want, got)
			}
		}
	}
}

// The walk-through of the issue: a host role set by mention, given to @sam, who may then
// start the session with a quoted label; a schedule in another channel pinging the role.
func TestRolesChannelsAndQuotedPress(t *testing.T) {
	c, out := sandboxFor(t, Options{})
	ctx := context.Background()
	run := func(line, want string) {
		t.Helper()
		out.Take()
		c.execute(ctx, line)
		eventually(t, out, want)
	}
	run("/settings host-role:@everyone", "@everyone can't be the host role")
	run("/settings host-role:@hosts", "**host-role:** @hosts")
	run(`/session start routine:"Desk break"`, "[Start now]")
	run(`as @sam press "Start now"`, "Only the host, or members with Manage Messages or the server's host role, can start this session.")
	run("as @sam +role @hosts", "@sam now has @hosts")
	run(`as @sam press "Start now"`, "we're starting")
	run("as @sam +role @hosts", "@sam already has @hosts")
	run("as @sam -role @hosts", "@sam no longer has @hosts")
	run(`/schedule create routine:"Desk break" time:07:00 days:daily channel:#yoga ping_role:@hosts`, "── bot posted in #yoga (everyone sees) ──")
	eventually(t, out, "in #yoga, the lobby opening 10 minutes before, mentioning @hosts")

	hosts := c.names.role("hosts")
	if m := c.names.member("sam"); len(m.Roles) != 0 {
		t.Errorf("@sam's roles after -role: %v", m.Roles)
	}
	var setRole, schedule bool
	for _, call := range c.fake.Calls() {
		body := fmt.Sprint(call.Body)
		setRole = setRole || strings.Contains(body, "<@&"+hosts+">")
		schedule = schedule || (strings.Contains(call.Path, "/channels/"+c.names.channel("yoga")+"/messages") && call.Method == "POST")
	}
	if !setRole || !schedule {
		t.Errorf("the bot's calls: host role shown %v, posted in #yoga %v", setRole, schedule)
	}
}

// Attachments are saved in the files folder, and the printed path opens the file.
func TestAttachmentsAreSaved(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "files")
	c, out := sandboxFor(t, Options{OutDir: dir})
	for range 2 {
		c.execute(context.Background(), "/stats")
	}
	eventually(t, out, "heatmap-2.png")
	paths := regexp.MustCompile(`📎 heatmap\.png \(\d+ bytes\): (\S+)`).FindAllStringSubmatch(out.String(), -1)
	if len(paths) != 2 {
		t.Fatalf("want two heatmaps printed with their paths:\n%s", out.String())
	}
	for i, want := range []string{"heatmap.png", "heatmap-2.png"} {
		path := paths[i][1]
		if path != filepath.Join(dir, want) {
			t.Errorf("heatmap %d saved as %s, want %s", i+1, path, filepath.Join(dir, want))
		}
		b, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("%s is not the PNG: %v", path, err)
		}
	}
}

// A session started before a restart carries on after it and finishes, on a clock
// 100 times faster than real time (the routine's 3 min 40 s take about 2 s).
func TestRestartKeepsSessions(t *testing.T) {
	c, out := sandboxFor(t, Options{Fast: 100})
	ctx := context.Background()
	c.execute(ctx, `/session start routine:"Desk break" delay:0`)
	eventually(t, out, "Get ready: Overhead stretch")
	out.Take()
	c.execute(ctx, "restart")
	got := out.String()
	if !strings.Contains(got, "restarting the bot on the same database") || !strings.Contains(got, "the bot is back") || strings.Contains(got, "! ") {
		t.Fatalf("restart said:\n%s", got)
	}
	if n := c.fake.Identifies(); n != 2 {
		t.Errorf("the bot identified %d times, want 2 (start and restart)", n)
	}
	eventually(t, out, "Session complete: Desk break")
	eventually(t, out, "you: streak 1 day")
	out.Take()
	c.execute(ctx, "/help") // the restarted bot answers commands too
	eventually(t, out, "What stretchbot does")
}

func TestWaitRunsOnTheBotsClock(t *testing.T) {
	c := newConsole(nil, newScreen(strings.NewReader(""), io.Discard))
	c.speed = 1000
	start := time.Now()
	if err := c.wait(context.Background(), "10s"); err != nil { // 10 ms of real time
		t.Fatal(err)
	}
	if took := time.Since(start); took < 10*time.Millisecond {
		t.Fatalf("wait 10s at ×1000 took %v, less than 10 ms", took)
	}
}

// Without a terminal, lines are read plainly and messages written after a line break,
// with no control characters.
func TestPlainScreen(t *testing.T) {
	var b bytes.Buffer
	s := newScreen(strings.NewReader("/help\n"), &b)
	line, err := s.readLine()
	if err != nil || line != "/help" {
		t.Fatalf("readLine = %q, %v", line, err)
	}
	s.message("── bot posted ──\n")
	if _, err := s.readLine(); !errors.Is(err, io.EOF) {
		t.Fatalf("readLine at the end = %v, want io.EOF", err)
	}
	if want := "> \n── bot posted ──\n> "; b.String() != want {
		t.Fatalf("wrote %q, want %q", b.String(), want)
	}
}

// In a terminal, a message that arrives while a line is typed is written above it, and
// the prompt and what was typed so far are drawn again below it: the line is not broken
// and nothing typed is hidden. The typed line is then read whole.
func TestEditingScreenKeepsTheTypedLine(t *testing.T) {
	keys, typing := io.Pipe()
	var shown syncbuf.Buffer
	s := newEditingScreen(struct {
		io.Reader
		io.Writer
	}{keys, &shown})
	read := make(chan string, 1)
	go func() {
		line, _ := s.readLine()
		read <- line
	}()
	if _, err := typing.Write([]byte("/hel")); err != nil {
		t.Fatal(err)
	}
	eventually(t, &shown, "> /hel")
	s.message("── bot posted ──\n")
	eventually(t, &shown, "── bot posted ──\r\n> /hel")
	if _, err := typing.Write([]byte("p\r")); err != nil {
		t.Fatal(err)
	}
	select {
	case line := <-read:
		if line != "/help" {
			t.Fatalf("the line read = %q, want /help", line)
		}
	case <-time.After(wait):
		t.Fatal("the typed line was never read")
	}
	if strings.Contains(shown.String(), "/hel── bot") {
		t.Fatalf("the message landed in the middle of the typed line:\n%q", shown.String())
	}
}

// A buffer or a file is no terminal: the console falls back to plain lines.
func TestTerminalScreenNeedsATerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		name string
		in   io.Reader
		out  io.Writer
	}{
		{"buffers", strings.NewReader(""), &bytes.Buffer{}},
		{"regular files", f, f},
	}
	for _, tt := range tests {
		if _, _, ok := terminalScreen(tt.in, tt.out); ok {
			t.Errorf("%s: terminalScreen took them for a terminal", tt.name)
		}
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
		{`"Start now"`, []string{"Start now"}},
	}
	for _, tt := range tests {
		got := splitWords(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("splitWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDirectory(t *testing.T) {
	d := newDirectory(nil)
	sam := d.member("sam")
	if again := d.member("sam"); again.ID != sam.ID {
		t.Fatalf("sam's ID changed: %s then %s", sam.ID, again.ID)
	}
	if other := d.member("kim"); other.ID == sam.ID {
		t.Fatal("two members share an ID")
	}
	if d.member("you").Permissions&adminPermissions != adminPermissions {
		t.Fatal("@you should be an admin")
	}
	if d.role("hosts") == d.channel("hosts") {
		t.Fatal("a role and a channel of the same name share an ID")
	}
	if d.role("everyone") != guildID {
		t.Fatal("@everyone's ID is not the server's")
	}
	tests := []struct {
		in, want string
	}{
		{fmt.Sprintf("<@%s> and <@!%s>", sam.ID, sam.ID), "@sam and @sam"},
		{"ping <@&" + d.role("hosts") + ">", "ping @hosts"},
		{"<@&" + guildID + ">", "@everyone"},
		{"in <#" + d.channel("yoga") + "> and <#" + channelID + ">", "in #yoga and #stretching"},
		{"<@123> <#456> <@&789>", "<@123> <#456> <@&789>"}, // unknown: left as is
	}
	for _, tt := range tests {
		if got := d.mentions(tt.in); got != tt.want {
			t.Errorf("mentions(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTimestamps(t *testing.T) {
	now := time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC)
	at := now.Add(90 * time.Second)
	r := renderer{now: now}
	tests := []struct {
		in, want string
	}{
		{fmt.Sprintf("ends <t:%d:R>.", at.Unix()), "ends ⏱ in 1m30s."},
		{fmt.Sprintf("<t:%d:R>", now.Add(-time.Minute).Unix()), "⏱ 1m0s ago"},
		{fmt.Sprintf("<t:%d:R>", now.Unix()), "⏱ now"},
		{fmt.Sprintf("at <t:%d:t>", at.Unix()), "at " + at.In(time.Local).Format("15:04")},
		{fmt.Sprintf("<t:%d:D>", at.Unix()), at.In(time.Local).Format("2 January 2006")},
		{fmt.Sprintf("<t:%d>", at.Unix()), at.In(time.Local).Format("2 January 2006 15:04")},
	}
	for _, tt := range tests {
		var b strings.Builder
		r.indented(&b, tt.in)
		if got := strings.TrimSpace(b.String()); got != tt.want {
			t.Errorf("%q rendered %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, want string
	}{
		{"heatmap.png", "heatmap.png"},
		{"heatmap.png", "heatmap-2.png"},
		{"heatmap.png", "heatmap-3.png"},
		{"../../escape.json", "escape.json"},
		{"", "attachment"},
	}
	for _, tt := range tests {
		path, err := writeNew(dir, tt.name, []byte("x"))
		if err != nil || path != filepath.Join(dir, tt.want) {
			t.Errorf("writeNew(%q) = %s, %v; want %s", tt.name, path, err, filepath.Join(dir, tt.want))
		}
	}
}
