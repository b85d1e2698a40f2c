package fakediscord

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// answer registers a handler that answers every interaction with reply and then passes
// the interaction on.
func answer(t *testing.T, dg *discordgo.Session, reply func(*discordgo.Interaction) *discordgo.InteractionResponse) <-chan *discordgo.Interaction {
	got := make(chan *discordgo.Interaction, 8)
	dg.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		if err := s.InteractionRespond(ic.Interaction, reply(ic.Interaction)); err != nil {
			t.Errorf("respond to %s: %v", ic.ID, err)
		}
		got <- ic.Interaction
	})
	return got
}

func say(content string) func(*discordgo.Interaction) *discordgo.InteractionResponse {
	return func(*discordgo.Interaction) *discordgo.InteractionResponse {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: content}}
	}
}

func TestInteractBeforeIdentify(t *testing.T) {
	srv := start(t, Options{})
	if err := srv.Interact(srv.SlashCommand(guildCtx(), "help")); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Interact before identify: got %v, want ErrNoSession", err)
	}
}

func TestSlashCommandRoundTrip(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{HeartbeatInterval: 50 * time.Millisecond})
	dg := client(t, srv)
	ready := make(chan *discordgo.Ready, 1)
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	got := answer(t, dg, func(*discordgo.Interaction) *discordgo.InteractionResponse {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
			Content: "Cat stretch: 10 slow reps.", Flags: discordgo.MessageFlagsEphemeral,
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		}}
	})
	open(t, dg)

	r := recv(t, ready)
	if r.User.ID != srv.BotUser().ID || r.SessionID == "" || r.Application.ID != srv.ApplicationID() {
		t.Fatalf("READY: user %q session %q application %+v", r.User.ID, r.SessionID, r.Application)
	}
	sent := srv.SlashCommand(guildCtx(), "exercise", Subcommand("show", StringOption("name", "cat-stretch"), IntegerOption("reps", 10), UserOption("buddy", sam())))
	if err := srv.Interact(sent); err != nil {
		t.Fatal(err)
	}

	in := recv(t, got)
	data := in.ApplicationCommandData()
	sub := data.Options[0]
	if data.Name != "exercise" || sub.Name != "show" || sub.Options[0].StringValue() != "cat-stretch" || sub.Options[1].IntValue() != 10 {
		t.Fatalf("command data: %+v / %+v", data, sub)
	}
	if in.Member == nil || in.Member.User.ID != sam().ID || in.Member.Permissions != discordgo.PermissionSendMessages || in.Token != sent.Token {
		t.Fatalf("member or token: %+v", in.Member)
	}
	if u := data.Resolved.Users[sam().ID]; u == nil || u.Username != "sam" {
		t.Fatalf("resolved users: %+v", data.Resolved)
	}

	call, err := srv.WaitForCall(func(c Call) bool { return c.Route == callbackRoute }, wait)
	if err != nil {
		t.Fatal(err)
	}
	var resp discordgo.InteractionResponse
	if err := call.Decode(&resp); err != nil || call.Status != 204 || resp.Type != discordgo.InteractionResponseChannelMessageWithSource {
		t.Fatalf("callback: status %d type %d err %v", call.Status, resp.Type, err)
	}
	rec, ok := srv.Response(sent.ID)
	msg, found := srv.Message(rec.MessageID)
	if !ok || !found || msg.Content != "Cat stretch: 10 slow reps." || !msg.Ephemeral() || msg.ChannelID != guildCtx().ChannelID {
		t.Fatalf("response %+v, message %+v", rec, msg)
	}

	// With a 50 ms interval discordgo would reconnect after 250 ms without acks.
	eventually(t, "eight heartbeats", func() bool { return srv.Heartbeats() >= 8 })
	if srv.Identifies() != 1 || srv.Resumes() != 0 {
		t.Fatalf("identifies %d resumes %d: heartbeats were not acknowledged", srv.Identifies(), srv.Resumes())
	}
}

func TestResumeAfterDroppedConnection(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	got := answer(t, dg, say("ok"))
	open(t, dg)

	if !srv.DropGateway() {
		t.Fatal("no live connection to drop")
	}
	// Sent while the client is away: kept in the session and replayed on resume.
	missed := srv.SlashCommand(guildCtx(), "help")
	if err := srv.Interact(missed); err != nil {
		t.Fatal(err)
	}
	if in := recv(t, got); in.ID != missed.ID {
		t.Fatalf("replayed %s, want %s", in.ID, missed.ID)
	}
	if err := srv.WaitConnected(wait); err != nil {
		t.Fatal(err)
	}
	if srv.Resumes() != 1 || srv.Identifies() != 1 {
		t.Fatalf("resumes %d identifies %d, want 1 and 1", srv.Resumes(), srv.Identifies())
	}

	later := srv.SlashCommand(guildCtx(), "help")
	if err := srv.Interact(later); err != nil {
		t.Fatal(err)
	}
	if in := recv(t, got); in.ID != later.ID {
		t.Fatalf("got %s, want %s", in.ID, later.ID)
	}
	if _, err := srv.WaitForCall(func(c Call) bool {
		return c.Route == callbackRoute && c.Path == "/api/v9/interactions/"+later.ID+"/"+later.Token+"/callback"
	}, wait); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Responses()); n != 2 {
		t.Fatalf("%d responses, want 2", n)
	}
}

func TestComponentClickUpdatesMessage(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	got := answer(t, dg, func(in *discordgo.Interaction) *discordgo.InteractionResponse {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: &discordgo.InteractionResponseData{Content: "Sam joined"}}
	})
	open(t, dg)
	ch := guildCtx().ChannelID
	posted, err := dg.ChannelMessageSendComplex(ch, &discordgo.MessageSend{
		Content:    "Session 42 starts soon",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "Join", CustomID: "session/42/join"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan Event, 8)
	defer srv.Subscribe(func(e Event) { events <- e })()

	if _, err := srv.ComponentClick(guildCtx(), posted.ID, "session/42/leave"); err == nil {
		t.Fatal("click on a missing button succeeded")
	}
	click, err := srv.ComponentClick(guildCtx(), posted.ID, "session/42/join")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Interact(click); err != nil {
		t.Fatal(err)
	}
	in := recv(t, got)
	if in.MessageComponentData().CustomID != "session/42/join" || in.Message == nil || len(in.Message.Components) != 1 {
		t.Fatalf("click payload: %+v, message %+v", in.MessageComponentData(), in.Message)
	}
	if e := recv(t, events); e.Kind != InteractionResponded || e.Response.Type != discordgo.InteractionResponseUpdateMessage {
		t.Fatalf("first event %v %+v", e.Kind, e.Response)
	}
	e := recv(t, events)
	// discordgo sends null components for an unset field: the buttons are gone, as on Discord.
	if e.Kind != MessageEdited || e.Message.ID != posted.ID || e.Message.Content != "Sam joined" || len(e.Message.Components) != 0 {
		t.Fatalf("edit event %v %+v", e.Kind, e.Message)
	}
}

func TestDeferThenEditOriginalAndFollowUp(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	done := make(chan error, 1)
	dg.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		defer close(done)
		err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}})
		if err == nil {
			content := "Your streak: 3 days"
			_, err = s.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &content})
		}
		if err == nil {
			_, err = s.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "Keep going!"})
		}
		done <- err
	})
	open(t, dg)
	cmd := srv.SlashCommand(guildCtx(), "streak")
	if err := srv.Interact(cmd); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, done); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages(guildCtx().ChannelID)
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2: %+v", len(msgs), msgs)
	}
	orig, follow := msgs[0], msgs[1]
	if orig.Content != "Your streak: 3 days" || !orig.Ephemeral() || orig.Flags&discordgo.MessageFlagsLoading != 0 || orig.Edited.IsZero() {
		t.Fatalf("@original %+v", orig)
	}
	if follow.Content != "Keep going!" || follow.InteractionID != cmd.ID {
		t.Fatalf("follow-up %+v", follow)
	}
}

func TestAutocomplete(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	got := answer(t, dg, func(*discordgo.Interaction) *discordgo.InteractionResponse {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &discordgo.InteractionResponseData{
			Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "Cat stretch", Value: "cat-stretch"}},
		}}
	})
	open(t, dg)
	ac := srv.Autocomplete(guildCtx(), "exercise", "name", "ca", Subcommand("show"))
	if err := srv.Interact(ac); err != nil {
		t.Fatal(err)
	}
	in := recv(t, got)
	focused := in.ApplicationCommandData().Options[0].Options[0]
	if in.Type != discordgo.InteractionApplicationCommandAutocomplete || !focused.Focused || focused.StringValue() != "ca" {
		t.Fatalf("autocomplete payload: type %d option %+v", in.Type, focused)
	}
	eventually(t, "autocomplete result", func() bool { _, ok := srv.Response(ac.ID); return ok })
	if r, _ := srv.Response(ac.ID); len(r.Choices) != 1 || r.Choices[0].Value != "cat-stretch" {
		t.Fatalf("choices %+v", r.Choices)
	}
}

func TestCallbackRules(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	errs := make(chan error, 2)
	dg.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		reply := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: "hi"}}
		if ic.ApplicationCommandData().Name == "late" {
			srv.SetNow(func() time.Time { return time.Now().Add(4 * time.Second) })
		}
		first := s.InteractionRespond(ic.Interaction, reply)
		if first == nil {
			first = s.InteractionRespond(ic.Interaction, reply)
		}
		errs <- first
	})
	open(t, dg)
	if err := srv.Interact(srv.SlashCommand(guildCtx(), "twice")); err != nil {
		t.Fatal(err)
	}
	if re := restError(t, recv(t, errs)); re.Message.Code != 40060 {
		t.Fatalf("second answer: code %d, want 40060", re.Message.Code)
	}
	if err := srv.Interact(srv.SlashCommand(guildCtx(), "late")); err != nil {
		t.Fatal(err)
	}
	if re := restError(t, recv(t, errs)); re.Message.Code != 10062 || re.Response.StatusCode != 404 {
		t.Fatalf("answer after 3 s: %d %d, want 404 10062", re.Response.StatusCode, re.Message.Code)
	}
}

// READY names a resume_gateway_url other than the URL the client connected to, as
// Discord's does; a resume sent there is counted as one, and one sent where the client
// connected (what discordgo v0.29.0 does: it keeps no resume URL) is accepted but not.
func TestResumeGatewayURLDiffersFromTheConnectURL(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	if srv.ResumeGatewayURL() == srv.GatewayURL() {
		t.Fatalf("resume_gateway_url %s is the connect URL", srv.ResumeGatewayURL())
	}
	dg := client(t, srv)
	ready := make(chan *discordgo.Event, 1)
	dg.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
		if e.Type == "READY" {
			ready <- e
		}
	})
	got := answer(t, dg, say("ok"))
	open(t, dg)
	var fields struct {
		SessionID        string `json:"session_id"`
		ResumeGatewayURL string `json:"resume_gateway_url"`
	}
	if err := json.Unmarshal(recv(t, ready).RawData, &fields); err != nil || fields.ResumeGatewayURL != srv.ResumeGatewayURL() {
		t.Fatalf("READY's resume_gateway_url = %q (%v), want %s", fields.ResumeGatewayURL, err, srv.ResumeGatewayURL())
	}

	// discordgo resumes where it connected.
	if !srv.DropGateway() {
		t.Fatal("no live connection to drop")
	}
	if err := srv.WaitConnected(wait); err != nil {
		t.Fatal(err)
	}
	eventually(t, "discordgo's resume", func() bool { return srv.Resumes() == 1 })
	if n := srv.ResumesAtResumeURL(); n != 0 {
		t.Fatalf("%d resumes at the resume URL; discordgo sent its resume to the connect URL", n)
	}

	// A client that follows the docs resumes at resume_gateway_url, and the session moves there.
	ws, _, err := websocket.DefaultDialer.Dial(fields.ResumeGatewayURL+"/?v=10&encoding=json", nil)
	if err != nil {
		t.Fatalf("dial resume_gateway_url: %v", err)
	}
	defer ws.Close()
	var hello struct{ Op int }
	if err := ws.ReadJSON(&hello); err != nil || hello.Op != opHello {
		t.Fatalf("first frame op %d (%v), want Hello", hello.Op, err)
	}
	if err := ws.WriteJSON(map[string]any{"op": opResume, "d": map[string]any{
		"token": "Bot test-token-not-real", "session_id": fields.SessionID, "seq": 0}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the resume at resume_gateway_url", func() bool { return srv.ResumesAtResumeURL() == 1 })
	missed := srv.SlashCommand(guildCtx(), "help")
	if err := srv.Interact(missed); err != nil {
		t.Fatal(err)
	}
	for {
		var frame struct {
			T string
			D struct{ ID string }
		}
		if err := ws.ReadJSON(&frame); err != nil {
			t.Fatalf("reading the resumed connection: %v", err)
		}
		if frame.T == "INTERACTION_CREATE" && frame.D.ID == missed.ID {
			break // the session now lives on the resumed connection
		}
	}
	select {
	case in := <-got:
		t.Fatalf("discordgo's old connection still got interaction %s", in.ID)
	default:
	}
}
