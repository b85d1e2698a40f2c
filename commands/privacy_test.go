package commands

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/storage"
)

// fakeSessionForgetter records Forget calls; forget answers them.
type fakeSessionForgetter struct {
	forget func(guildID, userID string) (int, error)
	calls  []string
}

func (f *fakeSessionForgetter) Forget(_ context.Context, guildID, userID string) (int, error) {
	f.calls = append(f.calls, guildID+"/"+userID)
	return f.forget(guildID, userID)
}

var _ sessionForgetter = (*fakeSessionForgetter)(nil)

func TestForgetMe(t *testing.T) {
	tests := []struct {
		name      string
		forgotten storage.Forgotten
		sessions  int
		want      string
	}{
		{"everything", storage.Forgotten{Days: 12, Streak: true, Settings: true, SessionCredits: 3}, 1,
			"Deleted: 12 counted days, your streak and freezes, your settings and 3 session credits. " +
				"You were taken out of 1 session still running here, so it won't credit you."},
		{"little", storage.Forgotten{Days: 1, Streak: true}, 0,
			"Deleted: 1 counted day, your streak and freezes, no settings (there were none) and 0 session credits. Anything"},
		{"reminders and notices", storage.Forgotten{Days: 2, Reminders: 2, Notices: 1}, 0,
			"Deleted: 2 counted days, no streak and freezes (there were none), no settings (there were none), 0 session credits, " +
				"2 reminders and your Notify me on 1 schedule."},
		{"two sessions", storage.Forgotten{}, 2,
			"taken out of 2 sessions still running here, so they won't credit you."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newFake()
			store.forgotten = tt.forgotten
			sessions := &fakeSessionForgetter{forget: func(string, string) (int, error) { return tt.sessions, nil }}
			cmd := forgetMeCommand(store, sessions)
			r, err := cmd.Handle(context.Background(), request(""))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(r.Content, "takes you out of any group session still running") {
				t.Errorf("the confirm text does not say running sessions lose the member: %q", r.Content)
			}
			id := r.Components[0].(discordgo.ActionsRow).Components[0].(discordgo.Button).CustomID
			if id != "forget/g1/u1/confirm" || !r.Ephemeral {
				t.Fatalf("confirm button %q (ephemeral %v), want forget/g1/u1/confirm, ephemeral", id, r.Ephemeral)
			}
			click := request("")
			click.Params = map[string]string{"guild": "g1", "user": "u1"}
			click.Member.ID = "u2"
			_, err = cmd.Components[0].Handle(context.Background(), click)
			checkAnswer(t, err, "Only the member who asked can confirm")
			if store.forgot != "" || len(sessions.calls) != 0 {
				t.Fatalf("someone else's click deleted %q and left sessions %v", store.forgot, sessions.calls)
			}
			click.Member.ID = "u1"
			r, err = cmd.Components[0].Handle(context.Background(), click)
			if err != nil {
				t.Fatal(err)
			}
			if store.forgot != "u1" || strings.Join(sessions.calls, ",") != "g1/u1" || !strings.Contains(r.Content, tt.want) ||
				!r.Update || len(r.Components) != 0 {
				t.Errorf("forgot %q, sessions %v, reply %q; want u1 forgotten everywhere and the message replaced by %q",
					store.forgot, sessions.calls, r.Content, tt.want)
			}
		})
	}
}

func TestForgetMeKeepsDataWhenSessionsFail(t *testing.T) {
	store := newFake()
	cmd := forgetMeCommand(store, &fakeSessionForgetter{forget: func(string, string) (int, error) {
		return 0, errors.New("database is locked")
	}})
	click := request("")
	click.Params = map[string]string{"guild": "g1", "user": "u1"}
	if _, err := cmd.Components[0].Handle(context.Background(), click); err == nil {
		t.Fatal("a failure to leave running sessions was not reported")
	}
	if store.forgot != "" {
		t.Errorf("data of %s was deleted although a running session could still credit them", store.forgot)
	}
}
