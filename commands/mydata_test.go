package commands

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/storage"
)

// TestMyDataSendsTheMembersOwnData: /my-data answers privately with a JSON file of the
// caller's rows in this server, and a summary in words; a member with nothing kept is told
// so.
func TestMyDataSendsTheMembersOwnData(t *testing.T) {
	db := openDMStore(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
	if _, err := db.CreditActivity(ctx, "g1", []storage.ActivityCredit{{UserID: "u1", Source: storage.SourceSolo}}, at); err != nil {
		t.Fatal(err)
	}
	cmd := myDataCommand(db)
	tests := []struct {
		guild, member string
		wantText      string
		wantDays      int
	}{
		{"g1", "u1", "in the attached file: 1 counted day, 1 streak record", 1},
		{"g2", "u1", "I keep nothing about you in this server.", 0}, // another server's rows are not read
		{"g1", "u2", "I keep nothing about you in this server.", 0},
	}
	for _, tt := range tests {
		reply, err := cmd.Handle(ctx, &Request{GuildID: tt.guild, Member: Member{ID: tt.member}, Received: at})
		if err != nil {
			t.Fatal(err)
		}
		if !reply.Ephemeral || !strings.Contains(reply.Content, tt.wantText) || !strings.Contains(reply.Content, "/forget-me") {
			t.Errorf("%s in %s: %q (ephemeral %v); want %q", tt.member, tt.guild, reply.Content, reply.Ephemeral, tt.wantText)
		}
		if len(reply.Files) != 1 || reply.Files[0].Name != myDataFile {
			t.Fatalf("files = %+v; want %s", reply.Files, myDataFile)
		}
		raw, _ := io.ReadAll(reply.Files[0].Reader)
		var file struct {
			Server, Member string
			Data           map[string][]map[string]any
		}
		if err := json.Unmarshal(raw, &file); err != nil {
			t.Fatalf("the file is not JSON: %v", err)
		}
		if file.Server != tt.guild || file.Member != tt.member || len(file.Data["counted_days"]) != tt.wantDays {
			t.Errorf("%s in %s: file for %s/%s with %d days; want %d", tt.member, tt.guild, file.Server, file.Member,
				len(file.Data["counted_days"]), tt.wantDays)
		}
	}
}
