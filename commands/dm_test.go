package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/storage"
)

// fakeDMs is a memoryDMs whose answers the test sets.
type fakeDMs struct {
	send     func(userID string) error
	sent     []string
	reopened []string
}

func (f *fakeDMs) DM(_ context.Context, userID string, _ *discordgo.MessageSend) (*discordgo.Message, error) {
	f.sent = append(f.sent, userID)
	if err := f.send(userID); err != nil {
		return nil, err
	}
	return &discordgo.Message{ID: "m-" + userID}, nil
}

func (f *fakeDMs) ReopenDM(userID string) { f.reopened = append(f.reopened, userID) }

var _ memoryDMs = (*fakeDMs)(nil)

func openDMStore(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "bot.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestDMMemoryStopsAtAClosedMemberUntilTheyRunACommand: a refusal is remembered in the
// database (so a new DMMemory over the same file, as after a restart, tries nothing), and
// the member's next command carries the notice once and makes DMs possible again.
func TestDMMemoryStopsAtAClosedMemberUntilTheyRunACommand(t *testing.T) {
	ctx := context.Background()
	db := openDMStore(t)
	closed := true
	sender := &fakeDMs{send: func(userID string) error {
		if userID == "closed" && closed {
			return fmt.Errorf("discord said 50007: %w", guild.ErrDMsClosed)
		}
		return nil
	}}
	memory := NewDMMemory(sender, db, time.Now, slog.New(slog.DiscardHandler))
	if _, err := memory.DM(ctx, "open", &discordgo.MessageSend{}); err != nil {
		t.Fatalf("DM to an open member: %v", err)
	}
	for range 3 {
		if _, err := memory.DM(ctx, "closed", &discordgo.MessageSend{}); !errors.Is(err, guild.ErrDMsClosed) {
			t.Fatalf("DM to a closed member: %v", err)
		}
	}
	restarted := NewDMMemory(sender, db, time.Now, slog.New(slog.DiscardHandler))
	if _, err := restarted.DM(ctx, "closed", &discordgo.MessageSend{}); !errors.Is(err, guild.ErrDMsClosed) {
		t.Fatalf("DM after a restart: %v", err)
	}
	if want := []string{"open", "closed"}; fmt.Sprint(sender.sent) != fmt.Sprint(want) {
		t.Fatalf("DMs tried = %v, want %v (one refusal, then none)", sender.sent, want)
	}

	cmds := []Command{{Handle: func(context.Context, *Request) (*Reply, error) {
		reply := Message(false, "public answer")
		reply.FollowUp = Message(true, "your rank")
		return reply, nil
	}}}
	withOwedNotices(cmds, restarted, slog.New(slog.DiscardHandler))
	cases := []struct {
		member string
		want   []string // the reply and its follow-ups, in order
	}{
		{"open", []string{"public answer", "your rank"}},
		{"closed", []string{"public answer", "your rank", dmsClosedNotice}},
		{"closed", []string{"public answer", "your rank"}}, // told once
	}
	for i, c := range cases {
		reply, err := cmds[0].Handle(ctx, &Request{Member: Member{ID: c.member}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for r := reply; r != nil; r = r.FollowUp {
			got = append(got, r.Content)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("command %d by %s answered %q, want %q", i, c.member, got, c.want)
		}
	}
	if fmt.Sprint(sender.reopened) != "[closed]" {
		t.Errorf("Messenger reopened %v, want [closed]", sender.reopened)
	}
	closed = false
	if _, err := restarted.DM(ctx, "closed", &discordgo.MessageSend{}); err != nil {
		t.Errorf("DM after the member ran a command: %v", err)
	}
}

// TestOwedNoticeWaitsWhenTheCommandFails: a failed command shows its own error; the notice
// stays owed for the next command.
func TestOwedNoticeWaitsWhenTheCommandFails(t *testing.T) {
	ctx := context.Background()
	db := openDMStore(t)
	if err := db.MarkDMsClosed(ctx, "u1", time.Now()); err != nil {
		t.Fatal(err)
	}
	memory := NewDMMemory(&fakeDMs{send: func(string) error { return nil }}, db, time.Now, slog.New(slog.DiscardHandler))
	fail := true
	cmds := []Command{{Handle: func(context.Context, *Request) (*Reply, error) {
		if fail {
			return nil, Userf("wrong option")
		}
		return Message(true, "ok"), nil
	}}}
	withOwedNotices(cmds, memory, slog.New(slog.DiscardHandler))
	if _, err := cmds[0].Handle(ctx, &Request{Member: Member{ID: "u1"}}); err == nil {
		t.Fatal("the failing command succeeded")
	}
	fail = false
	reply, err := cmds[0].Handle(ctx, &Request{Member: Member{ID: "u1"}})
	if err != nil || reply.FollowUp == nil || reply.FollowUp.Content != dmsClosedNotice {
		t.Fatalf("next command = %+v, %v; want the notice as its follow-up", reply, err)
	}
}
