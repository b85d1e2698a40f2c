package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/jobs"
)

func TestCannotPingWarnsWhenTheRolePingWouldNotNotify(t *testing.T) {
	role := func(mentionable bool) *discordgo.ApplicationCommandInteractionDataResolved {
		return &discordgo.ApplicationCommandInteractionDataResolved{Roles: map[string]*discordgo.Role{"r1": {ID: "r1", Mentionable: mentionable}}}
	}
	tests := []struct {
		name  string
		req   Request
		role  string
		warns bool
	}{
		{"no ping role", Request{}, "", false},
		{"a mentionable role", Request{Resolved: role(true)}, "r1", false},
		{"a role nobody may mention", Request{Resolved: role(false)}, "r1", true},
		{"the bot may mention everyone", Request{Resolved: role(false), BotPermissions: discordgo.PermissionMentionEveryone}, "r1", false},
		{"the role is not resolved", Request{}, "r1", true},
	}
	for _, tt := range tests {
		got := cannotPing(&tt.req, tt.role)
		if (got != "") != tt.warns || tt.warns && !strings.Contains(got, "<@&r1> is not mentionable") {
			t.Errorf("%s: %q", tt.name, got)
		}
	}
}

// TestOpenLobbyRunsOncePerOccurrence runs the lobby job of one occurrence twice, as a
// restart after a crash between opening the lobby and completing the job would: the second
// run opens nothing and posts no "already running" note, and the next occurrence is queued.
func TestOpenLobbyRunsOncePerOccurrence(t *testing.T) {
	f := newSessionFixture(t)
	ctx := context.Background()
	queue := &recordingQueue{}
	notes := &recordingNotes{}
	s := &schedules{store: f.db, queue: queue, notes: notes, sessions: sessionsFor(Deps{Catalog: loadCatalog(t), Store: f.db,
		Sessions: f.engine}), log: slog.New(slog.DiscardHandler)}
	sc, err := f.db.CreateSchedule(ctx, guild.Schedule{GuildID: "g", ChannelID: "c", Routine: "Quick", At: "18:05",
		Days: "daily", Zone: "UTC", Lobby: 5 * time.Minute, CreatedBy: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	start := f.clk.Now().Add(5 * time.Minute).Truncate(time.Second)
	payload, _ := json.Marshal(lobbyPayload{GuildID: "g", ScheduleID: sc.ID, Start: start.Unix()})
	job := jobs.Job{Kind: LobbyJob, Key: "lobby/1", GuildID: "g", Payload: payload}
	for run := 1; run <= 2; run++ {
		outcome, err := s.openLobby(ctx, job, f.clk.Now())
		if _, skipped := outcome.Skipped(); err != nil || skipped {
			t.Fatalf("run %d: %+v, %v; want done", run, outcome, err)
		}
	}
	if posts := len(f.sender.all()); posts != 1 {
		t.Errorf("%d session messages after two runs; want the one lobby", posts)
	}
	if len(notes.sent) != 0 {
		t.Errorf("the rerun posted notes: %v", notes.sent)
	}
	if !slices.ContainsFunc(queue.added, func(j jobs.Job) bool {
		return j.Kind == LobbyJob && j.Key == fmt.Sprintf("lobby/%d/%d", sc.ID, start.Add(24*time.Hour).Unix())
	}) {
		t.Errorf("the next occurrence was not queued: %+v", queue.added)
	}
}

// recordingQueue is a jobQueue that keeps what was added.
type recordingQueue struct{ added []jobs.Job }

func (q *recordingQueue) Add(_ context.Context, j jobs.Job) (bool, error) {
	q.added = append(q.added, j)
	return true, nil
}

// recordingNotes is a noteSender that keeps what was sent.
type recordingNotes struct{ sent []string }

func (n *recordingNotes) Send(_ context.Context, _ string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	n.sent = append(n.sent, msg.Content)
	return &discordgo.Message{ID: "n"}, nil
}
