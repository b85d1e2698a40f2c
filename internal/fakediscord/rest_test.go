package fakediscord

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

const postRoute = "POST /channels/{channel}/messages"

func TestRateLimitIsWaitedOutAndRetried(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	srv.FailNext(http.MethodPost, "/channels/c1/messages", http.StatusTooManyRequests, 50*time.Millisecond, 1)

	began := time.Now()
	m, err := dg.ChannelMessageSend("c1", "Session starts in 5 minutes")
	if err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(began); waited < 50*time.Millisecond {
		t.Fatalf("retried after %v, before retry_after", waited)
	}
	calls := callsTo(srv, postRoute)
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Fatalf("calls %+v, want a 429 then a 200", calls)
	}
	if msgs := srv.Messages("c1"); len(msgs) != 1 || msgs[0].ID != m.ID || msgs[0].Content != "Session starts in 5 minutes" {
		t.Fatalf("stored %+v", msgs)
	}
}

func TestRateLimitHeaders(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	srv.FailNext("", "/channels/", http.StatusTooManyRequests, 1500*time.Millisecond, 1)
	req, err := http.NewRequest(http.MethodGet, srv.URL()+"/api/v10/channels/c1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body discordgo.TooManyRequests
	if err := (Call{RawBody: readAll(t, resp)}).Decode(&body); err != nil {
		t.Fatal(err)
	}
	h := resp.Header
	if resp.StatusCode != 429 || body.RetryAfter != 1500*time.Millisecond || h.Get("Retry-After") != "2" ||
		h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Reset-After") != "1.500" || h.Get("X-RateLimit-Bucket") == "" {
		t.Fatalf("status %d retry_after %v headers %v", resp.StatusCode, body.RetryAfter, h)
	}
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestBadGatewayIsRetried(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	srv.FailNext(http.MethodPost, "/channels/c1/messages", http.StatusBadGateway, 0, 2)
	if _, err := dg.ChannelMessageSend("c1", "hello"); err != nil {
		t.Fatal(err)
	}
	if n := len(callsTo(srv, postRoute)); n != 3 {
		t.Fatalf("%d calls, want 2 failures and a success", n)
	}
}

func TestMultipartAttachmentIsRecorded(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	png := []byte("\x89PNG\r\n\x1a\nheatmap")
	m, err := dg.ChannelMessageSendComplex("c1", &discordgo.MessageSend{
		Content: "Your month",
		Files:   []*discordgo.File{{Name: "heatmap.png", ContentType: "image/png", Reader: bytes.NewReader(png)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "heatmap.png" || m.Attachments[0].Size != len(png) {
		t.Fatalf("returned attachments %+v", m.Attachments)
	}
	stored, _ := srv.Message(m.ID)
	if len(stored.Attachments) != 1 || !bytes.Equal(stored.Attachments[0].Content, png) || stored.Attachments[0].ContentType != "image/png" {
		t.Fatalf("stored attachments %+v", stored.Attachments)
	}
	call := callsTo(srv, postRoute)[0]
	body, _ := call.Body.(map[string]any)
	if len(call.Files) != 1 || call.Files[0].Filename != "heatmap.png" || body["content"] != "Your month" {
		t.Fatalf("call files %+v body %v", call.Files, call.Body)
	}
}

func TestForbiddenAndDeletedChannels(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	srv.ForbidChannel("c2")
	_, err := dg.ChannelMessageSend("c2", "hello")
	if re := restError(t, err); re.Response.StatusCode != 403 || re.Message.Code != discordgo.ErrCodeMissingPermissions {
		t.Fatalf("forbidden channel: %d %d", re.Response.StatusCode, re.Message.Code)
	}
	if _, err := dg.Channel("c2"); err != nil {
		t.Fatalf("reading a forbidden channel: %v", err)
	}
	srv.DeleteChannel("c3")
	_, err = dg.ChannelMessageSend("c3", "hello")
	if re := restError(t, err); re.Response.StatusCode != 404 || re.Message.Code != discordgo.ErrCodeUnknownChannel {
		t.Fatalf("deleted channel: %d %d", re.Response.StatusCode, re.Message.Code)
	}
}

func TestEditLimits(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	m, err := dg.ChannelMessageSend("c1", "Step 1 of 6")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dg.ChannelMessageEdit("c1", m.ID, "Step 2 of 6"); err != nil {
		t.Fatal(err)
	}
	events := make(chan Event, 2)
	defer srv.Subscribe(func(e Event) { events <- e })()
	srv.SetNow(func() time.Time { return time.Now().Add(61 * time.Minute) })
	// An hour-old message may still be edited, a few times per channel and window (the
	// limit and its 429 with code 30046 are tested in permissions_test.go).
	if _, err := dg.ChannelMessageEdit("c1", m.ID, "Step 3 of 6"); err != nil {
		t.Fatalf("edit after an hour: %v", err)
	}
	if err := dg.ChannelMessageDelete("c1", m.ID); err != nil {
		t.Fatal(err)
	}
	if e := recv(t, events); e.Kind != MessageEdited || e.Message.Content != "Step 3 of 6" {
		t.Fatalf("event %v %+v", e.Kind, e.Message)
	}
	if e := recv(t, events); e.Kind != MessageDeleted || e.Message.Content != "Step 3 of 6" {
		t.Fatalf("event %v %+v", e.Kind, e.Message)
	}
	_, err = dg.ChannelMessage("c1", m.ID)
	if re := restError(t, err); re.Message.Code != discordgo.ErrCodeUnknownMessage {
		t.Fatalf("deleted message: code %d", re.Message.Code)
	}
}

func TestMessageLimits(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	_, err := dg.ChannelMessageSendComplex("c1", &discordgo.MessageSend{})
	if re := restError(t, err); re.Message.Code != discordgo.ErrCodeCannotSendEmptyMessage {
		t.Fatalf("empty message: code %d", re.Message.Code)
	}
	_, err = dg.ChannelMessageSendEmbed("c1", &discordgo.MessageEmbed{Title: string(bytes.Repeat([]byte("x"), 257))})
	re := restError(t, err)
	if re.Message.Code != 50035 || !bytes.Contains(re.ResponseBody, []byte(`"embeds":{"0":{"title":{"_errors"`)) {
		t.Fatalf("long title: %s", re.ResponseBody)
	}
}

func TestCommandsBulkOverwrite(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	cmds := []*discordgo.ApplicationCommand{{Name: "help", Description: "What the bot does"}}
	first, err := dg.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "g1", cmds)
	if err != nil {
		t.Fatal(err)
	}
	again, err := dg.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "g1", cmds)
	if err != nil {
		t.Fatal(err)
	}
	if first[0].ID == "" || again[0].ID != first[0].ID || again[0].GuildID != "g1" {
		t.Fatalf("ids %q then %q (guild %q)", first[0].ID, again[0].ID, again[0].GuildID)
	}
	ctx := guildCtx()
	ctx.GuildID = "g1"
	if got := srv.SlashCommand(ctx, "help").ApplicationCommandData().ID; got != first[0].ID {
		t.Fatalf("built interaction names command %q, want %q", got, first[0].ID)
	}
	_, err = dg.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", []*discordgo.ApplicationCommand{{Name: "Help Me", Description: "x"}})
	if re := restError(t, err); re.Message.Code != 50035 {
		t.Fatalf("bad name: code %d", re.Message.Code)
	}
}

func TestBotRoutesAndUnknownRoute(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{BotName: "stretchbot"})
	dg := client(t, srv)
	me, err := dg.User("@me")
	if err != nil || me.ID != srv.BotUser().ID || !me.Bot {
		t.Fatalf("users/@me: %+v %v", me, err)
	}
	if gw, err := dg.Gateway(); err != nil || gw != srv.GatewayURL()+"/" {
		t.Fatalf("gateway %q %v", gw, err)
	}
	dm, err := dg.UserChannelCreate(sam().ID)
	if err != nil || dm.Type != discordgo.ChannelTypeDM || dm.Recipients[0].ID != sam().ID {
		t.Fatalf("DM channel %+v %v", dm, err)
	}
	_, err = dg.Request(http.MethodGet, discordgo.EndpointAPI+"guilds/1/stretch-mats", nil)
	if re := restError(t, err); re.Response.StatusCode != 404 || re.Message.Message != "404: Not Found" {
		t.Fatalf("unknown route: %s", re.ResponseBody)
	}
	calls := srv.Calls()
	if last := calls[len(calls)-1]; last.Route != "GET /guilds/1/stretch-mats" || last.Status != 404 {
		t.Fatalf("unknown route recorded as %+v", last)
	}
}

func TestRequestRateIsMeasured(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	for range 3 {
		if _, err := dg.ChannelMessageSend("c1", "tick"); err != nil {
			t.Fatal(err)
		}
	}
	if peak := srv.PeakRequestsPerSecond(); peak != 3 {
		t.Fatalf("peak %d requests/s, want 3", peak)
	}
	if n := srv.RouteCounts()[postRoute]; n != 3 {
		t.Fatalf("route count %d, want 3", n)
	}
}
