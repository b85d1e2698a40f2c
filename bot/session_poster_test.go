package bot

import (
	"context"
	"errors"
	"net/http"
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
