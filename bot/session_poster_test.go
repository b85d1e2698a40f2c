package bot

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/session"
)

// failingSender answers every write with err.
type failingSender struct{ err error }

func (f failingSender) Send(context.Context, string, *discordgo.MessageSend) (*discordgo.Message, error) {
	return nil, f.err
}

func (f failingSender) Edit(context.Context, *discordgo.MessageEdit) (*discordgo.Message, error) {
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
	return &discordgo.Message{ID: "1"}, nil
}

func (r *recordingSender) Edit(context.Context, *discordgo.MessageEdit) (*discordgo.Message, error) {
	return &discordgo.Message{ID: "1"}, nil
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
