// Package sandbox runs the real bot against the in-process fake Discord and gives a
// newcomer a line-based console: type a slash command as in Discord, press a button
// by its label, act as another member, and read every message the bot posts or
// edits as plain text. No token and no network are needed.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/bot"
	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// The sandbox's pretend server and channel.
const (
	guildID     = "900000000000000001"
	channelID   = "900000000000000002"
	channelName = "stretching"
)

// answerWait bounds how long the console waits for the bot to answer one line.
const answerWait = 10 * time.Second

// DefaultFast is the speed-up of --fast without a number: a 3-minute routine in 18 s.
const DefaultFast = 10

// Options configure a sandbox run.
type Options struct {
	// Config is the loaded config; token, API URL and server are replaced.
	Config *config.Config
	// DBPath keeps the database; empty uses a throwaway one.
	DBPath string
	// OutDir receives the files the bot attaches (the heatmap); empty makes a new
	// temporary folder, which is kept after the sandbox ends so the files can be opened.
	OutDir string
	// Fast runs the bot's clock that many times faster than real time; 0 or 1 is real
	// time. The fake Discord keeps real time: its 3-second answer deadline judges how
	// fast the bot really answers.
	Fast int
	In   io.Reader
	// Out receives the console; when it is a terminal the bot's messages that arrive
	// while a line is being typed are drawn above the prompt (see screen).
	Out io.Writer
	// Log receives the bot's warnings and errors.
	Log io.Writer
}

// Run starts the fake Discord and the bot, then reads console lines until "quit",
// end of input or ctx is cancelled.
func Run(ctx context.Context, opts Options) error {
	scr, restore, editing := terminalScreen(opts.In, opts.Out)
	if editing {
		defer restore()
	} else {
		scr = newScreen(opts.In, opts.Out)
	}
	c, stop, err := start(ctx, opts, scr)
	if err != nil {
		return err
	}
	defer stop()
	return c.loop(ctx)
}

// start starts the fake Discord and the bot and greets on a console (scr) wired to both;
// stop stops them in order and removes a throwaway database.
func start(ctx context.Context, opts Options, scr *screen) (c *console, stop func(), err error) {
	if opts.Fast < 0 {
		return nil, nil, fmt.Errorf("--fast must be a speed-up of 1 or more (e.g. --fast=%d), not %d", DefaultFast, opts.Fast)
	}
	outDir, err := filesFolder(opts.OutDir)
	if err != nil {
		return nil, nil, err
	}
	fake, err := fakediscord.Start(fakediscord.Options{BotName: "stretchbot"})
	if err != nil {
		return nil, nil, err
	}
	cfg, cleanup, err := sandboxConfig(opts, fake.URL())
	if err != nil {
		fake.Close()
		return nil, nil, err
	}
	clk := clock.Real()
	if opts.Fast > 1 {
		clk = clock.Scaled(opts.Fast)
	}
	logOut := opts.Log
	if scr.editing() {
		logOut = scr // a terminal in raw mode needs the editor's line endings, and its prompt kept
	}
	logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	proc := &botProcess{cfg: cfg, opts: app.Options{Logger: logger, Clock: clk}}
	if err := proc.start(ctx); err != nil {
		cleanup()
		fake.Close()
		return nil, nil, err
	}
	c = newConsole(fake, scr)
	c.clock, c.speed, c.outDir, c.bot = clk, max(opts.Fast, 1), outDir, proc
	unsubscribe := fake.Subscribe(c.show)
	c.greet(cfg.Storage.Path, opts.DBPath == "")
	return c, func() {
		unsubscribe()
		if err := proc.stop(); err != nil {
			logger.Warn("the bot did not stop cleanly", "err", err)
		}
		cleanup()
		fake.Close()
	}, nil
}

// sandboxConfig points the config at the fake and at the chosen database.
func sandboxConfig(opts Options, apiURL string) (*config.Config, func(), error) {
	cfg := *opts.Config
	cfg.Discord.Token = config.Secret("sandbox-token-not-real")
	cfg.Discord.APIURL = apiURL
	cfg.Discord.GuildID = guildID
	if opts.DBPath != "" {
		cfg.Storage.Path = opts.DBPath
		return &cfg, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "stretchbot-sandbox-")
	if err != nil {
		return nil, nil, fmt.Errorf("cannot create a temporary folder for the sandbox database: %w", err)
	}
	cfg.Storage.Path = filepath.Join(dir, "sandbox.db")
	return &cfg, func() { os.RemoveAll(dir) }, nil
}

// filesFolder makes the folder attachments are saved in: dir (created if missing), or a
// new temporary folder when dir is empty.
func filesFolder(dir string) (string, error) {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "stretchbot-sandbox-files-")
		if err != nil {
			return "", fmt.Errorf("cannot create a temporary folder for the bot's files: %w; pass --out with a folder you can write to", err)
		}
		return tmp, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("cannot use %s for the bot's files: %w; pass --out with a folder you can write to", dir, err)
	}
	return filepath.Abs(dir)
}

// botProcess is the running bot; restart closes it and starts it again on the same
// database, clock and fake Discord, as a redeploy of the real bot would.
type botProcess struct {
	cfg  *config.Config
	opts app.Options
	app  *app.App // nil while stopped
}

func (b *botProcess) start(ctx context.Context) error {
	a, err := app.Start(ctx, b.cfg, b.opts)
	if err != nil {
		return err
	}
	b.app = a
	return nil
}

// stop closes the bot, waiting up to 10 s for what it is doing; stopping a stopped bot
// does nothing.
func (b *botProcess) stop() error {
	if b.app == nil {
		return nil
	}
	closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := b.app.Close(closeCtx)
	b.app = nil
	return err
}

// restart stops the bot and starts it again. Sessions stay active in the database while
// it is down, and app.Start resumes them.
func (b *botProcess) restart(ctx context.Context) error {
	if err := b.stop(); err != nil {
		return fmt.Errorf("the bot did not stop cleanly: %w", err)
	}
	if err := b.start(ctx); err != nil {
		return fmt.Errorf("the bot did not start again: %w; type restart to try once more", err)
	}
	return nil
}

// console reads commands and prints what the bot does.
type console struct {
	fake   *fakediscord.Server
	screen *screen
	clock  clock.Clock // the bot's clock: relative times are shown against it
	speed  int         // how many times faster than real time clock runs
	outDir string      // where attachments are saved
	bot    *botProcess
	names  *directory
	// saved maps an attachment's ID to the file it was saved as; written only by show,
	// which the fake calls one event at a time.
	saved map[string]string
}

func newConsole(fake *fakediscord.Server, s *screen) *console {
	return &console{fake: fake, screen: s, clock: clock.Real(), speed: 1, names: newDirectory(fake), saved: map[string]string{}}
}

func (c *console) printf(format string, args ...any) { c.screen.printf(format, args...) }

func (c *console) greet(dbPath string, throwaway bool) {
	where := "database " + dbPath
	if throwaway {
		where = "a throwaway database"
	}
	c.printf("stretchbot sandbox: the real bot against a fake Discord, with %s.\n"+
		"You are @you (a server admin) in #%s. Type `help` for the console's commands, `/help` for the bot's.\n"+
		"Files the bot attaches are saved in %s.\n", where, channelName, c.outDir)
	if c.speed > 1 {
		c.printf("Time runs %d× faster for the bot: a 1-minute step takes %v.\n", c.speed, time.Minute/time.Duration(c.speed))
	}
	if c.screen.editing() {
		c.printf("Messages that arrive while you type appear above your line; ↑ recalls earlier lines, Ctrl-D quits.\n")
	}
}

// loop reads and runs console lines until "quit", the end of the input, or ctx ends. A
// line is read only when the one before has run, so lines typed ahead wait in the input
// (the line editor or the pipe) and the prompt comes after the answer.
func (c *console) loop(ctx context.Context) error {
	type entered struct {
		line string
		err  error
	}
	ask, lines := make(chan struct{}), make(chan entered)
	done := make(chan struct{}) // closed on return, so the reader stops waiting to hand over
	defer close(done)
	go func() {
		for {
			select {
			case <-ask:
			case <-done:
				return
			}
			line, err := c.screen.readLine()
			select {
			case lines <- entered{line, err}:
			case <-done:
				return
			}
		}
	}()
	for {
		select {
		case ask <- struct{}{}:
		case <-ctx.Done():
			c.printf("\n")
			return nil
		}
		select {
		case <-ctx.Done():
			c.printf("\n")
			return nil
		case in := <-lines:
			if errors.Is(in.err, io.EOF) {
				c.printf("\n")
				return nil
			}
			if in.err != nil {
				return in.err
			}
			if quit := c.execute(ctx, in.line); quit {
				return nil
			}
		}
	}
}

// execute runs one console line and reports whether the user asked to quit.
func (c *console) execute(ctx context.Context, line string) bool {
	line = strings.TrimSpace(line)
	actor := "you"
	if rest, ok := strings.CutPrefix(line, "as"); ok && (rest == "" || rest[0] == ' ') {
		name, cmd, _ := strings.Cut(strings.TrimSpace(rest), " ")
		actor, line = strings.TrimPrefix(name, "@"), strings.TrimSpace(cmd)
		if actor == "" || line == "" {
			c.printf("! usage: as @name <command>, e.g. as @sam press Join\n")
			return false
		}
	}
	var err error
	switch word, rest, _ := strings.Cut(line, " "); {
	case line == "":
	case line == "quit" || line == "exit":
		return true
	case line == "help":
		c.printf("%s", consoleHelp)
	case strings.HasPrefix(line, "/"):
		err = c.slash(c.names.member(actor), line)
	case word == "press":
		err = c.press(c.names.member(actor), strings.Join(splitWords(rest), " "))
	case word == "complete":
		err = c.complete(c.names.member(actor), strings.TrimSpace(rest))
	case word == "options":
		err = c.showOptions(strings.TrimSpace(rest))
	case word == "+role" || word == "-role":
		err = c.changeRole(actor, word == "+role", strings.TrimSpace(rest))
	case word == "wait":
		err = c.wait(ctx, strings.TrimSpace(rest))
	case line == "restart":
		err = c.restart(ctx)
	default:
		err = fmt.Errorf("unknown console command %q; type help", word)
	}
	if err != nil {
		c.printf("! %v\n", err)
	}
	return false
}

const consoleHelp = `Console commands:
  /command [sub] name:value name:"two words"   run a slash command, e.g. /exercise name:cat-stretch
                                                roles are @name, channels #name: /settings host-role:@hosts
  options /command                              list a command's subcommands, options and choices
  press <label>                                 press the newest button with that label, e.g. press "Start now"
  complete /command option:partial              show autocomplete choices, e.g. complete /exercise name:ch
  as @name <any of the above>                   act as another member, e.g. as @sam press Join
  +role @role, -role @role                      give or take a role, e.g. as @sam +role @hosts
  wait <duration>                               let time pass on the bot's clock, e.g. wait 4m
  restart                                       restart the bot on the same database; sessions carry on
  quit                                          leave (also Ctrl-D)
Members, roles and channels are created the first time you name them.
`

// restart restarts the bot, saying what happens.
func (c *console) restart(ctx context.Context) error {
	c.printf("restarting the bot on the same database…\n")
	if err := c.bot.restart(ctx); err != nil {
		return err
	}
	c.printf("the bot is back; running sessions were restored from the database.\n")
	return nil
}

// wait lets d pass on the bot's clock: d/speed of real time.
func (c *console) wait(ctx context.Context, arg string) error {
	d, err := time.ParseDuration(arg)
	if err != nil || d < 0 {
		return fmt.Errorf("usage: wait <duration>, e.g. wait 90s or wait 4m (got %q)", arg)
	}
	timer := time.NewTimer(d / time.Duration(c.speed))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
	return nil
}

// dispatch sends an interaction and waits until the bot has answered it fully:
// its callback, and for a deferred answer the edit or follow-up that completes it.
func (c *console) dispatch(i *discordgo.Interaction) error {
	if err := c.fake.Interact(i); err != nil {
		if errors.Is(err, fakediscord.ErrNoSession) {
			return errors.New("the bot is not connected; type restart to start it again")
		}
		return err
	}
	if err := c.waitForCall(func(call fakediscord.Call) bool {
		return strings.Contains(call.Path, "/interactions/"+i.ID+"/")
	}); err != nil {
		return err
	}
	resp, _ := c.fake.Response(i.ID)
	if resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource &&
		resp.Type != discordgo.InteractionResponseDeferredMessageUpdate {
		return nil
	}
	return c.waitForCall(func(call fakediscord.Call) bool {
		return strings.Contains(call.Path, "/webhooks/") && strings.Contains(call.Path, i.Token) && call.Method != "DELETE"
	})
}

func (c *console) waitForCall(match func(fakediscord.Call) bool) error {
	_, err := c.fake.WaitForCall(func(call fakediscord.Call) bool { return call.Status < 300 && match(call) }, answerWait)
	if err != nil {
		return fmt.Errorf("the bot did not answer within %v", answerWait)
	}
	return nil
}

// ctx is where members act: the sandbox channel, where the bot holds exactly the
// permissions its invite asks for.
func (c *console) ctx(m fakediscord.Member) fakediscord.InteractionContext {
	return fakediscord.InteractionContext{GuildID: guildID, ChannelID: channelID, ChannelName: channelName, Member: m,
		AppPermissions: bot.Permissions}
}
