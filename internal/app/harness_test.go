package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
	"github.com/stretchbot/stretchbot/internal/syncbuf"
)

// waitLimit bounds every wait in the end-to-end tests; a healthy run needs
// milliseconds, a slow CI machine a little more.
const waitLimit = 15 * time.Second

// Fixed IDs of the test server; they only have to look like snowflakes.
const (
	testGuild   = "100000000000000001"
	testChannel = "100000000000000002"
)

// Members used across the end-to-end tests. Admin holds Manage Server.
var (
	alice = fakediscord.Member{ID: "200000000000000001", Username: "alice", GlobalName: "Alice",
		Permissions: discordgo.PermissionViewChannel | discordgo.PermissionSendMessages}
	bob = fakediscord.Member{ID: "200000000000000002", Username: "bob", GlobalName: "Bob",
		Permissions: discordgo.PermissionViewChannel | discordgo.PermissionSendMessages}
	admin = fakediscord.Member{ID: "200000000000000003", Username: "admin", GlobalName: "Admin",
		Permissions: discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionManageGuild | discordgo.PermissionManageMessages}
)

// harness runs the real app (app.Start, as `stretchbot run` does) against a fake
// Discord, with its database in a temp folder.
type harness struct {
	t      *testing.T
	fake   *fakediscord.Server
	app    *app.App
	cfg    *config.Config
	opts   app.Options
	logs   *syncbuf.Buffer
	closed bool
	db     *sql.DB // the app's database opened beside it, for counting rows (counter)
}

// harnessOption adjusts the app's options or config before start.
type harnessOption func(*app.Options, *config.Config)

// withOptions lets a test inject seams such as a fake clock.
func withOptions(change func(*app.Options)) harnessOption {
	return func(o *app.Options, _ *config.Config) { change(o) }
}

// withConfig lets a test change the config, e.g. the database path.
func withConfig(change func(*config.Config)) harnessOption {
	return func(_ *app.Options, c *config.Config) { change(c) }
}

// newHarness starts a fake Discord, closed when the test ends, and a log sink that is
// printed if the test failed. It starts no bot: see startHarness.
func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessWith(t, fakediscord.Options{})
}

// newHarnessWith is newHarness with a fake Discord set up by opts (shards, say).
func newHarnessWith(t *testing.T, opts fakediscord.Options) *harness {
	t.Helper()
	fake, err := fakediscord.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	h := &harness{t: t, fake: fake, logs: &syncbuf.Buffer{}}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("bot log:\n%s", h.logs.String())
		}
	})
	return h
}

// startHarness starts a fake Discord and the app connected to it. Both are closed
// when the test ends; the captured log is printed if the test failed.
func startHarness(t *testing.T, options ...harnessOption) *harness {
	t.Helper()
	h := newHarness(t)
	h.cfg = h.config(filepath.Join(t.TempDir(), "stretchbot.db"))
	h.opts = h.defaultOptions()
	for _, o := range options {
		o(&h.opts, h.cfg)
	}
	h.start()
	return h
}

// defaultOptions log to the harness's buffer and defer after one second.
func (h *harness) defaultOptions() app.Options {
	return app.Options{Logger: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		DeferAfter: time.Second}
}

func (h *harness) config(dbPath string) *config.Config {
	h.t.Helper()
	cfg, err := config.Load(filepath.Join(h.t.TempDir(), "absent.yaml"), false, []string{
		"STRETCHBOT_DISCORD_TOKEN=test-token-not-real",
		"STRETCHBOT_DISCORD_API_URL=" + h.fake.URL(),
		"STRETCHBOT_DISCORD_GUILD_ID=" + testGuild,
		"STRETCHBOT_STORAGE_PATH=" + dbPath,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	if err := cfg.Validate(true); err != nil {
		h.t.Fatal(err)
	}
	return cfg
}

// start (re)starts the app on the same fake and database.
func (h *harness) start() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	a, err := app.Start(ctx, h.cfg, h.opts)
	if err != nil {
		h.t.Fatalf("app.Start: %v", err)
	}
	h.app, h.closed = a, false
	h.t.Cleanup(h.stop)
}

// stop shuts the app down gracefully (idempotent).
func (h *harness) stop() {
	if h.closed {
		return
	}
	h.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := h.app.Close(ctx); err != nil {
		h.t.Errorf("app.Close: %v", err)
	}
}

// in is the interaction context of member in the test channel.
func in(m fakediscord.Member) fakediscord.InteractionContext {
	return fakediscord.InteractionContext{GuildID: testGuild, ChannelID: testChannel, ChannelName: "stretching", Member: m}
}

// answer is what the bot did with one interaction: its callback and the message
// the member finally sees (after any deferred edit).
type answer struct {
	Response fakediscord.Response
	Message  fakediscord.Message
}

// text is everything a member reads in the answer: content, embeds and button labels.
func (a answer) text() string {
	return messageText(a.Message)
}

func messageText(m fakediscord.Message) string {
	var b strings.Builder
	b.WriteString(m.Content)
	for _, e := range m.Embeds {
		fmt.Fprintf(&b, "\n%s\n%s", e.Title, e.Description)
		for _, f := range e.Fields {
			fmt.Fprintf(&b, "\n%s: %s", f.Name, f.Value)
		}
		if e.Footer != nil {
			fmt.Fprintf(&b, "\n%s", e.Footer.Text)
		}
	}
	for _, label := range buttonLabels(m) {
		fmt.Fprintf(&b, "\n[%s]", label)
	}
	return b.String()
}

// buttonLabels lists a message's buttons, row by row.
func buttonLabels(m fakediscord.Message) []string {
	var labels []string
	for _, row := range m.Components {
		if r, ok := row.(*discordgo.ActionsRow); ok {
			for _, c := range r.Components {
				if btn, ok := c.(*discordgo.Button); ok {
					labels = append(labels, btn.Label)
				}
			}
		}
	}
	return labels
}

// buttonID returns the custom ID of the button labelled label on m.
func buttonID(t *testing.T, m fakediscord.Message, label string) string {
	t.Helper()
	for _, row := range m.Components {
		if r, ok := row.(*discordgo.ActionsRow); ok {
			for _, c := range r.Components {
				if btn, ok := c.(*discordgo.Button); ok && btn.Label == label {
					return btn.CustomID
				}
			}
		}
	}
	t.Fatalf("message %s has no button %q (buttons: %v)", m.ID, label, buttonLabels(m))
	return ""
}

// slash runs a slash command as member and waits for the answer.
func (h *harness) slash(m fakediscord.Member, name string, opts ...fakediscord.Option) answer {
	h.t.Helper()
	return h.interact(h.fake.SlashCommand(in(m), name, opts...))
}

// click presses the button customID on message messageID as member.
func (h *harness) click(m fakediscord.Member, messageID, customID string) answer {
	h.t.Helper()
	i, err := h.fake.ComponentClick(in(m), messageID, customID)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.interact(i)
}

// autocomplete types value into option focused and returns the offered choices.
func (h *harness) autocomplete(m fakediscord.Member, name, focused, value string, opts ...fakediscord.Option) []*discordgo.ApplicationCommandOptionChoice {
	h.t.Helper()
	i := h.fake.Autocomplete(in(m), name, focused, value, opts...)
	if err := h.fake.Interact(i); err != nil {
		h.t.Fatal(err)
	}
	return h.response(i.ID).Choices
}

// interact dispatches i and waits until the member sees the final answer.
func (h *harness) interact(i *discordgo.Interaction) answer {
	h.t.Helper()
	if err := h.fake.Interact(i); err != nil {
		h.t.Fatal(err)
	}
	resp := h.response(i.ID)
	switch resp.Type {
	case discordgo.InteractionResponseDeferredChannelMessageWithSource:
		h.waitForWebhook(i.Token, "")
	case discordgo.InteractionResponseDeferredMessageUpdate:
		h.waitForWebhook(i.Token, i.ID)
	}
	msg := h.latestForInteraction(i.ID, resp.MessageID)
	return answer{Response: resp, Message: msg}
}

func (h *harness) response(interactionID string) fakediscord.Response {
	h.t.Helper()
	_, err := h.fake.WaitForCall(func(c fakediscord.Call) bool {
		return strings.Contains(c.Path, "/interactions/"+interactionID+"/") && c.Status < 300
	}, waitLimit)
	if err != nil {
		h.t.Fatalf("the bot never answered interaction %s: %v", interactionID, err)
	}
	resp, ok := h.fake.Response(interactionID)
	if !ok {
		h.t.Fatalf("interaction %s: callback recorded but no response stored", interactionID)
	}
	return resp
}

// waitForWebhook waits for the edit or follow-up that completes a deferred answer. A
// click acknowledged with type 6 may also be complete as it is, when the bot logged that a
// newer state of its message is on its way (bot's acknowledgedOnly, with clickID).
func (h *harness) waitForWebhook(token, clickID string) {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !h.answeredByWebhook(token) {
		if clickID != "" && strings.Contains(grepLine(h.logs.String(), "interaction="+clickID), "click acknowledged only") {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("a deferred answer was never completed")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// answeredByWebhook reports whether an edit or follow-up of the interaction token landed.
func (h *harness) answeredByWebhook(token string) bool {
	for _, c := range h.fake.Calls() {
		if strings.Contains(c.Path, "/webhooks/") && strings.Contains(c.Path, token) &&
			(c.Method == "PATCH" || c.Method == "POST") && c.Status < 300 {
			return true
		}
	}
	return false
}

// latestForInteraction returns the newest message belonging to the interaction (a
// follow-up replaces a deleted deferral), or the message the response named.
func (h *harness) latestForInteraction(interactionID, messageID string) fakediscord.Message {
	h.t.Helper()
	msgs := h.fake.Messages(testChannel)
	for j := len(msgs) - 1; j >= 0; j-- {
		if msgs[j].InteractionID == interactionID {
			return msgs[j]
		}
	}
	if m, ok := h.fake.Message(messageID); ok {
		return m
	}
	h.t.Fatalf("no message for interaction %s", interactionID)
	return fakediscord.Message{}
}

// awaitText waits until message messageID reads every one of wants, and returns its text.
// Writes the bot makes on its own after a click (it writes the newest state once a click's
// answer is out) land a moment after the click is answered.
func (h *harness) awaitText(what, messageID string, wants ...string) string {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		text := messageText(h.message(messageID))
		missing := ""
		for _, w := range wants {
			if !strings.Contains(text, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return text
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s lacks %q:\n%s", what, missing, text)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// startClocked starts the app on a fake clock (2026-03-01 18:00 UTC) with no prep gap, so
// a routine lasts exactly as long as its holds and runs as fast as the test moves the clock.
func startClocked(t *testing.T, options ...harnessOption) (*harness, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC))
	options = append([]harnessOption{withOptions(func(o *app.Options) { o.Clock = clk }),
		withConfig(func(c *config.Config) { c.Session.PrepGap = 0 })}, options...)
	return startHarness(t, options...), clk
}
