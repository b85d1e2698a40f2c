package fakediscord

import (
	"net/http"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestDMChannelIsOnePerRecipient(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	first, err := dg.UserChannelCreate(sam().ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := dg.UserChannelCreate(sam().ID)
	if err != nil || again.ID != first.ID {
		t.Fatalf("second open: channel %+v %v, want the same channel %s", again, err, first.ID)
	}
	other, err := dg.UserChannelCreate("200000000000000009")
	if err != nil || other.ID == first.ID || other.Recipients[0].ID != "200000000000000009" {
		t.Fatalf("another member's DM channel %+v %v", other, err)
	}
	if first.Type != discordgo.ChannelTypeDM || first.GuildID != "" || len(first.Recipients) != 1 || first.Recipients[0].ID != sam().ID {
		t.Fatalf("DM channel %+v", first)
	}
	msg, err := dg.ChannelMessageSend(first.ID, "time to move")
	if err != nil || msg.ChannelID != first.ID || msg.GuildID != "" {
		t.Fatalf("send to DM: %+v %v", msg, err)
	}
	if got := srv.Messages(first.ID); len(got) != 1 || got[0].Content != "time to move" || got[0].GuildID != "" {
		t.Fatalf("stored DM messages %+v", got)
	}
	ch, err := dg.Channel(first.ID)
	if err != nil || ch.Type != discordgo.ChannelTypeDM || ch.LastMessageID != msg.ID {
		t.Fatalf("GET DM channel %+v %v", ch, err)
	}
	_, err = dg.Request(http.MethodPost, discordgo.EndpointUserChannels("@me"), map[string]any{})
	if re := restError(t, err); re.Response.StatusCode != http.StatusBadRequest || re.Message.Code != 50035 {
		t.Fatalf("open without recipient_id: %s", re.ResponseBody)
	}
}

func TestClosedDMsRefuseMessagesWith50007(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	srv.CloseDMs(sam().ID)
	dm, err := dg.UserChannelCreate(sam().ID)
	if err != nil {
		t.Fatalf("opening a closed member's DM channel still succeeds on Discord: %v", err)
	}
	_, err = dg.ChannelMessageSend(dm.ID, "time to move")
	re := restError(t, err)
	if re.Response.StatusCode != http.StatusForbidden || re.Message.Code != 50007 || re.Message.Message != "Cannot send messages to this user" {
		t.Fatalf("send to closed DMs: %d %s", re.Response.StatusCode, re.ResponseBody)
	}
	if string(re.ResponseBody) != `{"code":50007,"message":"Cannot send messages to this user"}` {
		t.Fatalf("body %s", re.ResponseBody)
	}
	if got := srv.Messages(dm.ID); len(got) != 0 {
		t.Fatalf("a refused DM was stored: %+v", got)
	}
	// Other members and guild channels are unaffected.
	other, err := dg.UserChannelCreate("200000000000000009")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dg.ChannelMessageSend(other.ID, "hi"); err != nil {
		t.Fatalf("another member's DMs: %v", err)
	}
	if _, err := dg.ChannelMessageSend("500000000000000005", "hi"); err != nil {
		t.Fatalf("a guild channel: %v", err)
	}
	srv.OpenDMs(sam().ID)
	if _, err := dg.ChannelMessageSend(dm.ID, "time to move"); err != nil {
		t.Fatalf("after OpenDMs: %v", err)
	}
}

func TestThrottledDMOpensAnswer40003(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	srv.ThrottleDMOpens(1)
	_, err := dg.UserChannelCreate(sam().ID)
	if re := restError(t, err); re.Response.StatusCode != http.StatusForbidden || re.Message.Code != 40003 {
		t.Fatalf("throttled open: %d %s", re.Response.StatusCode, re.ResponseBody)
	}
	if _, err := dg.UserChannelCreate(sam().ID); err != nil {
		t.Fatalf("the throttle covers one open only: %v", err)
	}
}
