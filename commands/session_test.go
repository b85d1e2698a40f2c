package commands

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/session"
	"github.com/stretchbot/stretchbot/storage"
)

var sessionT0 = time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)

// sent is one message write the fake poster received, rendered as Discord would get it.
type sent struct {
	op, channel, message string
	embed                *discordgo.MessageEmbed
}

// fakePoster is the engine's Poster for these tests: it renders each View with
// render.SessionMessage, as the bot's does, records it, and answers with fresh message IDs.
type fakePoster struct {
	mu     sync.Mutex
	writes []sent
}

var _ session.Poster = (*fakePoster)(nil)

func (f *fakePoster) Post(_ context.Context, channelID string, v session.View) (string, error) {
	return f.record("send", channelID, "", v), nil
}

func (f *fakePoster) Edit(_ context.Context, channelID, messageID string, v session.View) error {
	f.record("edit", channelID, messageID, v)
	return nil
}

func (f *fakePoster) record(op, channel, message string, v session.View) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if op == "send" {
		message = fmt.Sprintf("m%d", len(f.writes)+1)
	}
	embed, _ := render.SessionMessage(v)
	f.writes = append(f.writes, sent{op, channel, message, embed})
	return message
}

func (f *fakePoster) all() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sent(nil), f.writes...)
}

type sessionFixture struct {
	t      *testing.T
	clk    *clock.Fake
	db     *storage.DB
	sender *fakePoster
	engine *session.Engine
	cmd    Command
}

var (
	hostMember  = Member{ID: "u1", Name: "Hana"}
	plainMember = Member{ID: "u2", Name: "Mo"}
	modMember   = Member{ID: "u3", Name: "Mod", Permissions: discordgo.PermissionManageMessages}
	roleMember  = Member{ID: "u4", Name: "Rol", Roles: []string{"hosts"}}
)

// newSessionFixture wires /session to a real engine and database with a fake clock and a
// fake Discord sender. The server has a custom routine "Quick" (2 × 5 s, no prep gap).
func newSessionFixture(t *testing.T) *sessionFixture {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(sessionT0)
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "bot.db"), clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cat := loadCatalog(t)
	if _, err := db.CreateRoutine(ctx, guild.Routine{GuildID: "g", Name: "Quick", Steps: "childs-pose 10s x2", CreatedBy: "u1"}, 50); err != nil {
		t.Fatal(err)
	}
	f := &sessionFixture{t: t, clk: clk, db: db, sender: &fakePoster{}}
	f.engine = session.New(session.Config{}, db, f.sender, clk)
	t.Cleanup(func() { f.engine.Shutdown(ctx) })
	f.cmd = sessionCommandFor(Deps{Catalog: cat, Store: db, Sessions: f.engine})
	return f
}

func (f *sessionFixture) slash(m Member, sub string, opts ...*discordgo.ApplicationCommandInteractionDataOption) (*Reply, error) {
	req := &Request{GuildID: "g", ChannelID: "c", Member: m, BotPermissions: canPost, Subcommand: sub, Options: map[string]*discordgo.ApplicationCommandInteractionDataOption{}}
	for _, o := range opts {
		req.Options[o.Name] = o
	}
	return f.cmd.Handle(context.Background(), req)
}

func (f *sessionFixture) start(m Member, routine string) (*Reply, error) {
	return f.slash(m, "start", &discordgo.ApplicationCommandInteractionDataOption{Name: "routine",
		Type: discordgo.ApplicationCommandOptionString, Value: routine})
}

// click presses button action of session 1 on message messageID.
func (f *sessionFixture) click(m Member, messageID, action string) (*Reply, error) {
	for _, c := range f.cmd.Components {
		if c.Pattern == "session/{id}/"+action {
			return c.Handle(context.Background(), &Request{GuildID: "g", ChannelID: "c", Member: m,
				Params: map[string]string{"id": "1"}, MessageID: messageID})
		}
	}
	f.t.Fatalf("no component for %s", action)
	return nil, nil
}

func replyText(r *Reply) string {
	var b strings.Builder
	b.WriteString(r.Content)
	for _, e := range r.Embeds {
		fmt.Fprintf(&b, "\n%s\n%s", e.Title, e.Description)
		for _, fl := range e.Fields {
			fmt.Fprintf(&b, "\n%s: %s", fl.Name, fl.Value)
		}
	}
	return b.String()
}

func (f *sessionFixture) must(r *Reply, err error) *Reply {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func wantUserError(t *testing.T, err error, fragment string) {
	t.Helper()
	u, ok := AsUserError(err)
	if !ok || !strings.Contains(u.Message, fragment) {
		t.Fatalf("error = %v, want a user error containing %q", err, fragment)
	}
}

func TestSessionRunsFromSlashCommandToSummary(t *testing.T) {
	f := newSessionFixture(t)
	r := f.must(f.start(hostMember, "quick"))
	if !r.Ephemeral || !strings.Contains(r.Content, "https://discord.com/channels/g/c/m1") {
		t.Fatalf("start reply = %+v, want a private link to the lobby", r)
	}
	if w := f.sender.all(); len(w) != 1 || w[0].op != "send" || !strings.Contains(w[0].embed.Title, "Quick") {
		t.Fatalf("writes after start = %+v, want one lobby post", w)
	}

	// Join on the live message: a full type-7 update, and no write of our own; twice is once.
	for range 2 {
		r = f.must(f.click(plainMember, "m1", "join"))
		if !r.Update || len(r.Components) == 0 || !strings.Contains(replyText(r), "Joined (2)") {
			t.Fatalf("join reply = %s, want an update listing two members", replyText(r))
		}
	}
	_, err := f.click(plainMember, "m1", "start")
	wantUserError(t, err, "Only the host")

	// Manage Messages may control. The start is a new message, which notifies the members,
	// and the lobby points to it; the click is answered privately with its link.
	r = f.must(f.click(modMember, "m1", "start"))
	if text := replyText(r); r.Update || !r.Ephemeral || !strings.Contains(text, "https://discord.com/channels/g/c/m2") {
		t.Fatalf("start-now reply = %s, want a private link to the running session", text)
	}
	if w := f.sender.all(); len(w) != 3 || w[1].op != "send" || !strings.Contains(w[1].embed.Footer.Text, "rep 1 of 2") ||
		w[2].op != "edit" || w[2].message != "m1" {
		t.Fatalf("writes after the start = %+v, want the first step posted and the lobby pointed to it", w)
	}
	if _, err := f.db.UpdateGuildSettings(context.Background(), "g", func(s *guild.Settings) { s.HostRoleID = "hosts" }); err != nil {
		t.Fatal(err)
	}
	r = f.must(f.click(roleMember, "m2", "pause")) // so may the host role
	if !strings.Contains(replyText(r), "Paused") {
		t.Fatalf("pause reply = %s", replyText(r))
	}
	f.must(f.click(hostMember, "m2", "resume"))
	if n := len(f.sender.all()); n != 3 {
		t.Fatalf("%d writes; clicks on the live message must be answered by the click's update alone", n)
	}

	f.clk.Advance(20 * time.Second)
	w := f.sender.all()
	last := w[len(w)-1]
	if last.op != "edit" || last.message != "m2" || !strings.Contains(last.embed.Title, "Session complete") {
		t.Fatalf("last write = %+v, want the summary edited into m2", last)
	}
	credits, err := f.db.SessionCredits(context.Background(), 1)
	if err != nil || len(credits) != 2 {
		t.Fatalf("credits = %+v, %v; want host and member", credits, err)
	}

	// A click after the end shows the final state instead of failing.
	r = f.must(f.click(plainMember, "m1", "join"))
	if !r.Update || len(r.Components) != 0 || !strings.Contains(replyText(r), "Session complete") {
		t.Fatalf("click after the end = %s, want the summary without buttons", replyText(r))
	}
}

func TestSecondStartLinksTheRunningSession(t *testing.T) {
	f := newSessionFixture(t)
	f.must(f.start(hostMember, "desk-break"))
	_, err := f.start(plainMember, "Quick")
	wantUserError(t, err, "already running in this channel: https://discord.com/channels/g/c/m1")
}

func TestSessionStopStatusAndMistakes(t *testing.T) {
	f := newSessionFixture(t)
	_, err := f.slash(hostMember, "status")
	wantUserError(t, err, "no session running")
	_, err = f.start(hostMember, "quik strech")
	wantUserError(t, err, "No routine called")
	_, err = f.start(Member{ID: "b", Name: "Bot", IsBot: true}, "Quick")
	wantUserError(t, err, "Bots can't")

	f.must(f.start(hostMember, "Quick"))
	r := f.must(f.slash(plainMember, "status"))
	if !r.Ephemeral || len(r.Components) != 0 || !strings.Contains(replyText(r), "Group session: Quick") {
		t.Fatalf("status = %+v", r)
	}
	_, err = f.slash(plainMember, "stop")
	wantUserError(t, err, "can cancel this session")

	r = f.must(f.slash(hostMember, "stop")) // in the lobby, stop cancels
	if !strings.Contains(r.Content, "cancelled") {
		t.Fatalf("stop in lobby = %q", r.Content)
	}
	w := f.sender.all()
	if last := w[len(w)-1]; last.op != "edit" || !strings.Contains(last.embed.Title, "cancelled") {
		t.Fatalf("last write = %+v, want the live message edited to cancelled", last)
	}
	// The channel is free again.
	f.must(f.start(hostMember, "Quick"))
}

func TestClickOnAnOlderMessageConfirmsPrivately(t *testing.T) {
	f := newSessionFixture(t)
	f.must(f.start(hostMember, "Quick"))
	r := f.must(f.click(plainMember, "an-old-message", "join"))
	if r.Update || !r.Ephemeral || !strings.Contains(r.Content, "/m1") {
		t.Fatalf("reply = %+v, want a private confirmation linking the live message", r)
	}
}

func TestRoutineAutocompleteOffersCustomAndBuiltIn(t *testing.T) {
	f := newSessionFixture(t)
	req := &Request{GuildID: "g", Subcommand: "start", Focused: "routine", Options: map[string]*discordgo.ApplicationCommandInteractionDataOption{
		"routine": {Name: "routine", Type: discordgo.ApplicationCommandOptionString, Value: ""}}}
	choices, err := f.cmd.Complete(context.Background(), req)
	if err != nil || len(choices) < 2 || choices[0].Name != "Quick" {
		t.Fatalf("choices = %+v, %v; want the server's routine first, then built-in ones", choices, err)
	}
}

// TestSessionErrorsAreSentences: each refusal of the engine is one sentence naming what
// to do; anything else stays an internal error.
func TestSessionErrorsAreSentences(t *testing.T) {
	tests := []struct {
		err  error
		want string // "" for an internal error, passed on as it is
	}{
		{fmt.Errorf("session: post session message: %w", session.ErrNoEmbeds), "I'm missing Embed Links in this channel"},
		{session.ErrNotHost, "Only the host, or members with Manage Messages"},
		{session.ErrClosed, "I'm restarting"},
		{errors.New("disk I/O error"), ""},
	}
	for _, tt := range tests {
		got := sessionError(tt.err, "stop")
		u, isUser := AsUserError(got)
		switch {
		case tt.want == "" && isUser:
			t.Errorf("%v became a member's error: %q", tt.err, u.Message)
		case tt.want != "" && (!isUser || !strings.Contains(u.Message, tt.want)):
			t.Errorf("%v = %v, want a sentence with %q", tt.err, got, tt.want)
		}
	}
}
