// Package sandbox runs the real bot against the in-process fake Discord and gives a
// newcomer a line-based console: type a slash command as in Discord, press a button
// by its label, act as another member, and read every message the bot posts or
// edits as plain text. No token and no network are needed.
package sandbox

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

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

// Options configure a sandbox run.
type Options struct {
	// Config is the loaded config; token, API URL and server are replaced.
	Config *config.Config
	// DBPath keeps the database; empty uses a throwaway one.
	DBPath string
	In     io.Reader
	Out    io.Writer
	// Log receives the bot's warnings and errors.
	Log io.Writer
}

// Run starts the fake Discord and the bot, then reads console lines until "quit",
// end of input or ctx is cancelled.
func Run(ctx context.Context, opts Options) error {
	fake, err := fakediscord.Start(fakediscord.Options{BotName: "stretchbot"})
	if err != nil {
		return err
	}
	defer fake.Close()

	cfg, cleanup, err := sandboxConfig(opts, fake.URL())
	if err != nil {
		return err
	}
	defer cleanup()

	logger := slog.New(slog.NewTextHandler(opts.Log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Start(ctx, cfg, app.Options{Logger: logger})
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		a.Close(closeCtx)
	}()

	c := newConsole(fake, opts.Out)
	unsubscribe := fake.Subscribe(c.show)
	defer unsubscribe()
	c.greet(cfg.Storage.Path, opts.DBPath == "")
	return c.loop(ctx, opts.In)
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

// console reads commands and prints what the bot does.
type console struct {
	fake *fakediscord.Server
	out  io.Writer
	mu   sync.Mutex // serialises writes from the event feed and the prompt
	// members are the people typed as "@name", created on first use.
	members map[string]fakediscord.Member
}

func newConsole(fake *fakediscord.Server, out io.Writer) *console {
	c := &console{fake: fake, out: out, members: map[string]fakediscord.Member{}}
	you := c.member("you")
	you.Permissions |= adminPermissions
	c.members["you"] = you
	return c
}

func (c *console) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, format, args...)
}

func (c *console) greet(dbPath string, throwaway bool) {
	where := "database " + dbPath
	if throwaway {
		where = "a throwaway database"
	}
	c.printf("stretchbot sandbox: the real bot against a fake Discord, with %s.\n"+
		"You are @you (a server admin) in #%s. Type `help` for the console's commands, `/help` for the bot's.\n", where, channelName)
}

func (c *console) loop(ctx context.Context, in io.Reader) error {
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		scanner := bufio.NewScanner(in)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
		readErr <- scanner.Err()
		close(lines)
	}()
	for {
		c.printf("> ")
		select {
		case <-ctx.Done():
			c.printf("\n")
			return nil
		case line, ok := <-lines:
			if !ok {
				c.printf("\n")
				return <-readErr
			}
			if quit := c.execute(line); quit {
				return nil
			}
		}
	}
}

// execute runs one console line and reports whether the user asked to quit.
func (c *console) execute(line string) bool {
	line = strings.TrimSpace(line)
	actor := c.members["you"]
	if rest, ok := strings.CutPrefix(line, "as "); ok {
		name, cmd, _ := strings.Cut(strings.TrimSpace(rest), " ")
		actor = c.member(strings.TrimPrefix(name, "@"))
		line = strings.TrimSpace(cmd)
	}
	var err error
	switch word, rest, _ := strings.Cut(line, " "); {
	case line == "":
	case line == "quit" || line == "exit":
		return true
	case line == "help":
		c.printf("%s", consoleHelp)
	case strings.HasPrefix(line, "/"):
		err = c.slash(actor, line)
	case word == "press":
		err = c.press(actor, strings.TrimSpace(rest))
	case word == "complete":
		err = c.complete(actor, strings.TrimSpace(rest))
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
  press <label>                                 press the newest button with that label, e.g. press Join
  complete /command option:partial              show autocomplete choices, e.g. complete /exercise name:ch
  as @name <any of the above>                   act as another member, e.g. as @sam press Join
  quit                                          leave (also Ctrl-D)
`

// dispatch sends an interaction and waits until the bot has answered it fully:
// its callback, and for a deferred answer the edit or follow-up that completes it.
func (c *console) dispatch(i *discordgo.Interaction) error {
	if err := c.fake.Interact(i); err != nil {
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

func (c *console) ctx(m fakediscord.Member) fakediscord.InteractionContext {
	return fakediscord.InteractionContext{GuildID: guildID, ChannelID: channelID, ChannelName: channelName, Member: m}
}
