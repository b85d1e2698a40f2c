package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/storage"
)

// memberDataReader reads everything kept about a member in a server; *storage.DB is one.
type memberDataReader interface {
	MemberData(ctx context.Context, guildID, userID string) (storage.MemberData, error)
}

var _ memberDataReader = (*storage.DB)(nil)

// myDataFile is the name of /my-data's attachment.
const myDataFile = "stretchbot-my-data.json"

// myDataCommand is /my-data: everything kept about the caller in this server, privately,
// as a JSON attachment and a summary in words; the counterpart of /forget-me.
func myDataCommand(store memberDataReader) Command {
	return inServer(Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "my-data",
			Description: "Everything stretchbot keeps about you in this server, sent only to you",
		},
		Handle: func(ctx context.Context, req *Request) (*Reply, error) {
			data, err := store.MemberData(ctx, req.GuildID, req.Member.ID)
			if err != nil {
				return nil, err
			}
			file, err := json.MarshalIndent(struct {
				Server     string             `json:"server"`
				Member     string             `json:"member"`
				ExportedAt string             `json:"exported_at"`
				Data       storage.MemberData `json:"data"`
			}{req.GuildID, req.Member.ID, req.Received.UTC().Format(time.RFC3339), data}, "", "  ")
			if err != nil {
				return nil, err
			}
			return &Reply{Content: myDataSummary(data), Ephemeral: true,
				Files: []*discordgo.File{{Name: myDataFile, ContentType: "application/json", Reader: bytes.NewReader(file)}}}, nil
		},
		Private: true,
	})
}

// myDataSummary says in words what the attachment holds.
func myDataSummary(data storage.MemberData) string {
	kinds := []struct{ key, noun string }{ // nouns that take an s
		{"counted_days", "counted day"}, {"streak", "streak record"}, {"settings", "settings record"},
		{"session_credits", "session credit"}, {"session_places", "group-session place"},
		{"sessions_hosted", "hosted session"}, {"reminders", "reminder"},
		{"schedule_notify", "Notify me subscription"}, {"schedule_notices_sent", "schedule notice"},
	}
	var parts []string
	for _, k := range kinds {
		if n := len(data[k.key]); n > 0 {
			parts = append(parts, render.Plural(n, k.noun))
		}
	}
	text := "I keep nothing about you in this server."
	if len(parts) > 0 {
		text = fmt.Sprintf("Everything I keep about you in this server is in the attached file: %s.", strings.Join(parts, ", "))
	}
	if len(data["dms_closed"]) > 0 {
		text += " I also remember that your DMs refused me, so I don't DM you until you use a command."
	}
	return text + " /forget-me deletes it."
}
