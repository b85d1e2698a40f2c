package bot

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"golang.org/x/time/rate"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
	"github.com/stretchbot/stretchbot/session"
)

// failingSender answers every write with err.
type failingSender struct{ err error }

func (f failingSender) Send(context.Context, string, *discordgo.MessageSend) (*discordgo.Message, error) {
	return nil, f.err
}

func (f failingSender) Edit(context.Context, *discordgo.MessageEdit, ...discordgo.RequestOption) (*discordgo.Message, error) {
	return nil, f.err
}

// discordError is the error discordgo returns for a refused request.
func discordError(status, code int) error {
	return &discordgo.RESTError{Response: &http.Response{StatusCode: status, Status: http.StatusText(status)},
		Message: &discordgo.APIErrorMessage{Code: code}}
}

func TestSessionPosterMapsDiscordRefusals(t *testing.T) {
	tests := []struct {
		err  error
		want error
	}{
		{discordError(403, codeMissingPerms), session.ErrGone},
		{discordError(403, codeMissingAccess), session.ErrGone},
		{discordError(404, codeUnknownChannel), session.ErrGone},
		{discordError(404, codeUnknownMessage), session.ErrGone},
		{discordError(429, codeEditTooOld), session.ErrTooOld},
		// Without its retry discordgo returns a 429 as a RateLimitError, which has no code.
		{&discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{TooManyRequests: &discordgo.TooManyRequests{}}}, nil},
		{discordError(500, 0), nil},
		{errors.New("connection reset"), nil},
	}
	for _, tt := range tests {
		p := NewSessionPoster(failingSender{tt.err})
		v := session.View{Session: session.Session{ID: 1, Status: session.Cancelled}}
		_, postErr := p.Post(context.Background(), "c", v)
		editErr := p.Edit(context.Background(), "c", "m", v)
		for _, err := range []error{postErr, editErr} {
			if !errors.Is(err, tt.err) || (tt.want != nil) != errors.Is(err, tt.want) ||
				tt.want == nil && (errors.Is(err, session.ErrGone) || errors.Is(err, session.ErrTooOld)) {
				t.Errorf("%v became %v, want it wrapped with %v", tt.err, err, tt.want)
			}
		}
	}
}

// recordingSender keeps what it is asked to send.
type recordingSender struct{ sent []*discordgo.MessageSend }

func (r *recordingSender) Send(_ context.Context, _ string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	r.sent = append(r.sent, msg)
	return &discordgo.Message{ID: "1", Embeds: msg.Embeds}, nil
}

func (r *recordingSender) Edit(_ context.Context, edit *discordgo.MessageEdit, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	return &discordgo.Message{ID: "1", Embeds: *edit.Embeds}, nil
}

func TestSessionPosterPingsOnlyWhoOptedIn(t *testing.T) {
	s := session.Session{ID: 1, Status: session.Lobby}
	tests := []struct {
		name      string
		view      session.View
		wantUsers []string
		wantRoles []string
		content   string
	}{
		{"a plain lobby pings nobody", session.View{Session: s, Step: -1}, nil, nil, ""},
		{"a scheduled lobby pings its role", session.View{Session: s, Step: -1, PingRole: "77"}, nil, []string{"77"}, "<@&77>"},
		{"the start pings who joined", session.View{Session: s, Step: -1, Ping: []string{"5", "6"}}, []string{"5", "6"}, nil, "<@5> <@6>"},
	}
	for _, tt := range tests {
		sender := &recordingSender{}
		if _, err := NewSessionPoster(sender).Post(context.Background(), "c", tt.view); err != nil {
			t.Fatal(err)
		}
		msg := sender.sent[0]
		am := msg.AllowedMentions
		if tt.content == "" && am != nil || tt.content != "" && (am == nil || len(am.Parse) != 0 ||
			!slices.Equal(am.Users, tt.wantUsers) || !slices.Equal(am.Roles, tt.wantRoles) || !strings.Contains(msg.Content, tt.content)) {
			t.Errorf("%s: content %q, allowed_mentions %+v", tt.name, msg.Content, am)
		}
	}
}

// TestSessionPosterAgainstTheFake writes through a real Messenger to the fake Discord, which
// limits edits of hour-old messages (429, code 30046) and drops embeds without Embed Links.
func TestSessionPosterAgainstTheFake(t *testing.T) {
	const channel = "100000000000000002"
	tests := []struct {
		name string
		// prepare runs after the session message was posted, on the fake's clock.
		prepare func(t *testing.T, p *SessionPoster, fake *fakediscord.Server, clk *clock.Fake, messageID string)
		post    bool // the write is a new post rather than an edit of the message
		want    []error
	}{
		{"an edit of a young message", func(*testing.T, *SessionPoster, *fakediscord.Server, *clock.Fake, string) {}, false, nil},
		{"an hour-old edit within the channel's limit", func(_ *testing.T, _ *SessionPoster, _ *fakediscord.Server, clk *clock.Fake, _ string) {
			clk.Advance(2 * time.Hour)
		}, false, nil},
		{"an hour-old edit over the channel's limit", func(t *testing.T, p *SessionPoster, _ *fakediscord.Server, clk *clock.Fake, id string) {
			clk.Advance(2 * time.Hour)
			for range 3 { // Discord's limit: 3 edits of hour-old messages per 6 s per channel
				if err := p.Edit(context.Background(), channel, id, posterView()); err != nil {
					t.Fatal(err)
				}
			}
		}, false, []error{session.ErrTooOld}},
		{"an edit without Embed Links", func(_ *testing.T, _ *SessionPoster, fake *fakediscord.Server, _ *clock.Fake, _ string) {
			fake.DenyEmbeds(channel)
		}, false, []error{session.ErrNoEmbeds, session.ErrGone}},
		{"a post without Embed Links", func(_ *testing.T, _ *SessionPoster, fake *fakediscord.Server, _ *clock.Fake, _ string) {
			fake.DenyEmbeds(channel)
		}, true, []error{session.ErrNoEmbeds, session.ErrGone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, fake := startDMFixture(t)
			clk := clock.NewFake(time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC))
			fake.SetNow(clk.Now)
			p := NewSessionPoster(m)
			ctx := context.Background()
			id, err := p.Post(ctx, channel, posterView())
			if err != nil {
				t.Fatal(err)
			}
			tt.prepare(t, p, fake, clk, id)
			// Discord's clock stands still here, so the limit never lifts: a client that
			// waited out a 30046 and resent it would never return.
			done := make(chan error, 1)
			go func() {
				if tt.post {
					_, err := p.Post(ctx, channel, posterView())
					done <- err
					return
				}
				done <- p.Edit(ctx, channel, id, posterView())
			}()
			select {
			case err = <-done:
			case <-time.After(waitForPoster):
				t.Fatalf("the write did not return within %v (a 429 resent again and again?)", waitForPoster)
			}
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Errorf("error %v, want it to wrap %v", err, want)
				}
			}
			if tt.want == nil && err != nil {
				t.Errorf("error %v, want none", err)
			}
			if errors.Is(err, session.ErrNoEmbeds) && !strings.Contains(err.Error(), "Embed Links") {
				t.Errorf("the error does not name the permission: %v", err)
			}
		})
	}
}

// waitForPoster bounds a write against the fake; a healthy one takes milliseconds.
const waitForPoster = 15 * time.Second

// posterView is a session view that renders as one embed without buttons.
func posterView() session.View {
	return session.View{Session: session.Session{ID: 1, GuildID: "100000000000000001", ChannelID: "100000000000000002", Status: session.Cancelled}}
}

// TestTurnHoldsTheSlotForTheNextWrite: a write made with the context Turn returned uses
// the slot Turn waited for; the write after it waits for a slot of its own.
func TestTurnHoldsTheSlotForTheNextWrite(t *testing.T) {
	m, _ := startDMFixture(t)
	m.limiter = rate.NewLimiter(rate.Every(time.Hour), 1) // one slot now, the next in an hour
	ctx, err := NewSessionPoster(m).Turn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Send(ctx, "100000000000000002", &discordgo.MessageSend{Content: "step 2"}); err != nil {
		t.Fatalf("the write with its turn: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := m.Send(short, "100000000000000002", &discordgo.MessageSend{Content: "step 3"}); err == nil {
		t.Error("a second write used the same turn; it must wait for a slot of its own")
	}
}
