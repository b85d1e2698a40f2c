package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/commands"
	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/internal/syncbuf"
	"github.com/stretchbot/stretchbot/jobs"
	"github.com/stretchbot/stretchbot/session"
	"github.com/stretchbot/stretchbot/storage"
)

// The fuzz targets drive the real bot (router, option checks, guard, responder) over every
// command of commands.All, built on a real catalog, a SQLite file and a session engine
// on a fake clock. Run each for a minute with
//
//	go test -run '^$' -fuzz=FuzzComponentRouter -fuzztime=60s ./bot/
//	go test -run '^$' -fuzz=FuzzCommandOptions -fuzztime=60s ./bot/
//
// and plain `go test` runs their seeds.

const (
	fuzzGuild   = "100000000000000001"
	fuzzChannel = "100000000000000002"
	fuzzOther   = "100000000000000009"
	fuzzMember  = "200000000000000001"
	fuzzMember2 = "200000000000000002"
	fuzzRole    = "300000000000000001"
)

// fuzzSender stands in for bot.Messenger under the session engine: every write succeeds.
type fuzzSender struct {
	mu sync.Mutex
	n  int
}

func (s *fuzzSender) Send(_ context.Context, channelID string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return &discordgo.Message{ID: fmt.Sprintf("4000000000000000%02d", s.n%100), ChannelID: channelID, Embeds: msg.Embeds}, nil
}

func (s *fuzzSender) Edit(_ context.Context, edit *discordgo.MessageEdit, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	return &discordgo.Message{ID: edit.ID, ChannelID: edit.Channel, Embeds: *edit.Embeds}, nil
}

// okTransport answers every REST call (follow-ups) with an empty message.
type okTransport struct{}

func (okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"id":"500000000000000001"}`)), Request: r}, nil
}

// fuzzFixture is a Bot whose callbacks are counted instead of sent.
type fuzzFixture struct {
	bot       *Bot
	cmds      []commands.Command
	logs      *syncbuf.Buffer
	callbacks int
	last      *discordgo.InteractionResponse
}

func newFuzzFixture(tb testing.TB) *fuzzFixture {
	tb.Helper()
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC))
	cat, err := catalog.Load("")
	if err != nil {
		tb.Fatal(err)
	}
	db, err := storage.Open(ctx, filepath.Join(tb.TempDir(), "fuzz.db"), clk.Now)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	fx := &fuzzFixture{logs: &syncbuf.Buffer{}}
	logger := slog.New(slog.NewTextHandler(fx.logs, nil))
	engine := session.New(session.Config{Logger: logger}, db, NewSessionPoster(&fuzzSender{}), clk)
	tb.Cleanup(func() { engine.Shutdown(ctx) })
	scheduler, err := jobs.New(jobs.Config{Store: db, Clock: clk, Log: logger})
	if err != nil {
		tb.Fatal(err)
	}
	fx.cmds = commands.All(commands.Deps{Catalog: cat, Store: db, Sessions: engine, PrepGap: 10 * time.Second,
		Jobs: scheduler, Notes: &fuzzSender{}, DefaultZone: "UTC"})
	if fx.bot, err = New(Options{Token: "fuzz-token-not-real", APIURL: "http://127.0.0.1:1", Logger: logger, Now: clk.Now,
		DeferAfter: time.Minute, Transport: okTransport{}}); err != nil {
		tb.Fatal(err)
	}
	if fx.bot.router, err = newRouter(fx.cmds); err != nil {
		tb.Fatal(err)
	}
	fx.bot.respond = func(_ *discordgo.Interaction, resp *discordgo.InteractionResponse, _ ...discordgo.RequestOption) error {
		fx.callbacks++
		fx.last = resp
		return nil
	}
	// Something for the buttons to act on: a server routine and a session in its lobby.
	if _, err := db.CreateRoutine(ctx, guild.Routine{GuildID: fuzzGuild, Name: "Quick", Steps: "childs-pose 10s x2", CreatedBy: fuzzMember}, 50); err != nil {
		tb.Fatal(err)
	}
	fx.dispatch(tb, fx.slash(0, "session", []*dataOption{sub("start", text("routine", "Quick"), integer("delay", 5.0))}))
	if !strings.Contains(fx.last.Data.Content, "Session posted") {
		tb.Fatalf("the fixture's session did not start: %+v", fx.last.Data)
	}
	return fx
}

// place puts an interaction somewhere, as someone, chosen by who.
func place(i *discordgo.Interaction, who uint8) {
	i.ID, i.AppID, i.Token = "600000000000000001", "700000000000000001", "fuzz-interaction-token"
	i.GuildID, i.ChannelID = fuzzGuild, fuzzChannel
	i.AppPermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks
	user := &discordgo.User{ID: fuzzMember, Username: "sam"}
	member := &discordgo.Member{User: user, Permissions: discordgo.PermissionViewChannel | discordgo.PermissionSendMessages}
	switch who % 6 {
	case 1: // an admin
		member.Permissions |= discordgo.PermissionManageGuild | discordgo.PermissionManageMessages
	case 2: // another member, with a role
		user.ID, member.Roles = fuzzMember2, []string{fuzzRole}
	case 3: // a direct message
		i.GuildID, i.User, member = "", user, nil
	case 4: // another channel of the server
		i.ChannelID = fuzzOther
	case 5: // a bot
		user.Bot = true
	}
	i.Member = member
	// The app is installed in the server, as Discord says of it (or a DM with the bot).
	i.AuthorizingIntegrationOwners = map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationGuildInstall: i.GuildID}
}

func (fx *fuzzFixture) slash(who uint8, name string, opts []*dataOption) *discordgo.Interaction {
	i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand,
		Data: discordgo.ApplicationCommandInteractionData{Name: name, Options: opts, Resolved: &discordgo.ApplicationCommandInteractionDataResolved{
			Users:   map[string]*discordgo.User{fuzzMember2: {ID: fuzzMember2, Username: "mo"}, fuzzRole: nil},
			Members: map[string]*discordgo.Member{fuzzMember2: {Nick: "Mo"}, fuzzMember: nil},
		}}}
	place(i, who)
	return i
}

// dispatch delivers i as discordgo would and fails on anything but exactly one answer and
// a log free of panics and internal errors: a bad shape is the member's mistake.
func (fx *fuzzFixture) dispatch(tb testing.TB, i *discordgo.Interaction) {
	tb.Helper()
	fx.callbacks, fx.last = 0, nil
	func() {
		defer func() {
			if p := recover(); p != nil {
				tb.Fatalf("onInteraction panicked (this would end the bot): %v", p)
			}
		}()
		fx.bot.onInteraction(nil, &discordgo.InteractionCreate{Interaction: i})
	}()
	logged := fx.logs.Take()
	if strings.Contains(logged, "panic") || strings.Contains(logged, "handler failed") || strings.Contains(logged, "level=ERROR") {
		tb.Fatalf("logged:\n%s", logged)
	}
	if fx.callbacks != 1 || fx.last.Data == nil || fx.last.Data.AllowedMentions == nil {
		tb.Fatalf("%d callbacks, last %+v", fx.callbacks, fx.last)
	}
	if d := fx.last.Data; d.Content == "" && len(d.Embeds) == 0 {
		tb.Fatalf("an empty answer: %+v", d)
	}
}

func FuzzComponentRouter(f *testing.F) {
	for _, id := range []string{
		"session/1/join", "session/1/leave", "session/1/start", "session/1/pause", "session/1/resume",
		"session/1/skip", "session/1/stop", "session/1/cancel", "session/+1/join", "session/01/join",
		"session/1e0/join", "session/-1/join", "session/99999999999999999999/join", "session//join",
		"session/1/join/", "/session/1/join", "session/1\x00/join", "session/١/join",
		"exercises/page/2/-/-", "exercises/page/-1/-/-", "exercises/page/99999999999/-/-", "exercises/page/1/nope/-",
		"exercises/page/1/-/pull-up-bar", "exercises/page/1/-/\u202e",
		"forget/" + fuzzGuild + "/" + fuzzMember + "/confirm", "forget/" + fuzzOther + "/" + fuzzMember + "/confirm",
		"forget//" + fuzzMember + "/confirm", "", "/", "//", strings.Repeat("a/", 60),
	} {
		for who := uint8(0); who < 6; who++ {
			f.Add(id, who, uint8(who%4))
		}
	}
	fx := newFuzzFixture(f)
	f.Fuzz(func(t *testing.T, customID string, who, where uint8) {
		i := &discordgo.Interaction{Type: discordgo.InteractionMessageComponent,
			Data: discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}}
		place(i, who)
		switch where % 4 {
		case 0:
			i.Message = &discordgo.Message{ID: "400000000000000001", ChannelID: i.ChannelID}
		case 1:
			i.Message = &discordgo.Message{ID: "400000000000000001", ChannelID: fuzzOther}
		case 2:
			i.Message = &discordgo.Message{ID: customID}
		}
		fx.dispatch(t, i)
	})
}

func FuzzCommandOptions(f *testing.F) {
	seeds := []struct {
		shape  []byte
		w1, w2 string
	}{
		{[]byte{0, 0, 0, 0, 0, 0, 0, 0}, "desk-break", "5"},
		{[]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, "Quick", "cat"},
		{[]byte{255, 255, 255}, "nope", "\u202eevil"},
		{[]byte{2, 6, 0, 9, 1, 2, 3}, "a\x00b", "Europe/Paris"},
		{[]byte{5, 7, 1, 4, 254, 3, 3, 3}, strings.Repeat("x", 300), ""},
		{[]byte{3, 1, 1, 1, 1, 2, 2, 2, 2}, "\u200b", fuzzGuild},
	}
	for c := uint8(0); c < 16; c++ {
		for j, s := range seeds {
			f.Add(c, uint8(j), s.shape, s.w1, s.w2, float64(j)*2.5, j%2 == 0)
		}
	}
	fx := newFuzzFixture(f)
	f.Fuzz(func(t *testing.T, which, who uint8, shape []byte, w1, w2 string, number float64, autocomplete bool) {
		cmd := fx.cmds[int(which)%len(fx.cmds)]
		g := &treeGen{b: shape, words: [2]string{w1, w2}, number: number, focus: autocomplete}
		opts := g.level(cmd.Definition.Options, 0)
		if autocomplete {
			complete(t, fx, cmd, who, opts)
			return
		}
		name := cmd.Definition.Name
		if which >= 240 {
			name = w1 // a command the bot does not have
		}
		fx.dispatch(t, fx.slash(who, name, opts))
	})
}

// complete runs autocomplete for opts the way onAutocomplete should: through
// completionOptions, then the command's Complete.
func complete(t *testing.T, fx *fuzzFixture, cmd commands.Command, who uint8, opts []*dataOption) {
	t.Helper()
	path, leaves, focused, ok := completionOptions(cmd.Definition, opts)
	if !ok || cmd.Complete == nil {
		return
	}
	i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete}
	place(i, who)
	req := fx.bot.request(i)
	req.Subcommand, req.Options, req.Focused = path, leaves, focused
	ctx, cancel := context.WithTimeout(context.Background(), autocompleteBudget)
	defer cancel()
	choices, err := safeComplete(ctx, cmd, req)
	if err != nil {
		t.Fatalf("/%s autocomplete failed: %v", cmd.Definition.Name, err)
	}
	if len(choices) > 25 {
		t.Fatalf("/%s offered %d choices", cmd.Definition.Name, len(choices))
	}
}

// treeGen builds an option tree from the fuzzer's bytes. It mostly follows the command's
// definition (declared names and types), so that enough trees pass the checks to reach
// the handlers, and otherwise sends other names, other types, values of other kinds
// (missing, objects, lists, fractions, NaN), nil entries, stray nesting and focus.
type treeGen struct {
	b      []byte
	words  [2]string
	number float64
	focus  bool
}

func (g *treeGen) next() byte {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return c
}

// counts biases the number of options per level towards one (a subcommand level needs it).
var counts = [8]int{1, 1, 1, 2, 0, 3, 1, 2}

func (g *treeGen) level(declared []*declaredOption, depth int) []*dataOption {
	n := counts[g.next()%8]
	out := make([]*dataOption, 0, n)
	for range n {
		c := g.next()
		if c == 255 {
			out = append(out, nil)
			continue
		}
		var d *declaredOption
		name := g.words[c&1]
		if c%8 < 6 && len(declared) > 0 {
			d = declared[int(g.next())%len(declared)]
			name = d.Name
		}
		t := discordgo.ApplicationCommandOptionType(g.next() % 24)
		if d != nil && t < 12 {
			t = d.Type
		} else {
			t %= 13 // 0 and 12 are no option type
		}
		o := &dataOption{Name: name, Type: t}
		if isSubcommand(t) && depth < 3 {
			var inner []*declaredOption
			if d != nil {
				inner = d.Options
			}
			o.Options = g.level(inner, depth+1)
		} else {
			o.Value = g.value(t, d)
			if depth < 3 && g.next() == 254 {
				o.Options = g.level(nil, depth+1)
			}
		}
		o.Focused = g.focus && g.next()%3 == 0
		out = append(out, o)
	}
	return out
}

// value is mostly of the kind Discord sends for type t, else of any kind.
func (g *treeGen) value(t discordgo.ApplicationCommandOptionType, d *declaredOption) any {
	c := g.next()
	if c%16 < 10 {
		switch t {
		case discordgo.ApplicationCommandOptionString:
			if d != nil && len(d.Choices) > 0 && c%2 == 0 {
				return d.Choices[int(g.next())%len(d.Choices)].Value
			}
			return g.words[c&1]
		case discordgo.ApplicationCommandOptionInteger:
			if c%3 == 0 {
				return math.Trunc(g.number)
			}
			return float64(int8(g.next()))
		case discordgo.ApplicationCommandOptionNumber:
			return g.number
		case discordgo.ApplicationCommandOptionBoolean:
			return c&1 == 1
		case discordgo.ApplicationCommandOptionUser, discordgo.ApplicationCommandOptionRole,
			discordgo.ApplicationCommandOptionMentionable, discordgo.ApplicationCommandOptionChannel,
			discordgo.ApplicationCommandOptionAttachment:
			return []string{fuzzMember, fuzzMember2, fuzzRole, fuzzGuild, fuzzChannel, g.words[0]}[int(g.next())%6]
		}
	}
	switch g.next() % 9 {
	case 0:
		return nil
	case 1:
		return g.words[0]
	case 2:
		return g.words[1]
	case 3:
		return g.number
	case 4:
		return c&1 == 1
	case 5:
		return map[string]any{"value": g.words[0]}
	case 6:
		return []any{g.number, g.words[1]}
	case 7:
		return math.NaN()
	}
	return float64(int8(g.next())) + 0.5
}
