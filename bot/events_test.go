package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

const (
	eventGuild       = "400000000000000004"
	eventPatchRoute  = "PATCH /guilds/{guild}/scheduled-events/{event}"
	eventGetRoute    = "GET /guilds/{guild}/scheduled-events/{event}"
	eventUsersRoute  = "GET /guilds/{guild}/scheduled-events/{event}/users"
	eventCreateRoute = "POST /guilds/{guild}/scheduled-events"
)

// plannedEvent is an occurrence an hour from now, lasting 30 minutes.
func plannedEvent() guild.Event {
	start := time.Now().Add(time.Hour).Truncate(time.Second)
	return guild.Event{Name: "Morning decompression", Description: "Ten minutes of hangs", Location: "#stretching", Start: start, End: start.Add(30 * time.Minute)}
}

// startEventFixture returns a Messenger over a fake Discord in which it created
// plannedEvent in eventGuild, and that event's id.
func startEventFixture(t *testing.T) (*Messenger, *fakediscord.Server, string, guild.Event) {
	t.Helper()
	m, fake := startDMFixture(t)
	e := plannedEvent()
	id, err := m.CreateEvent(context.Background(), eventGuild, e)
	if err != nil {
		t.Fatal(err)
	}
	return m, fake, id, e
}

// storedEvent returns the fake's only event in eventGuild.
func storedEvent(t *testing.T, fake *fakediscord.Server) fakediscord.ScheduledEvent {
	t.Helper()
	evs := fake.ScheduledEvents(eventGuild)
	if len(evs) != 1 {
		t.Fatalf("%d events stored, want 1", len(evs))
	}
	return evs[0]
}

// routeCalls returns the calls to route that came after the first skip calls.
func routeCalls(fake *fakediscord.Server, route string, skip int) []fakediscord.Call {
	var out []fakediscord.Call
	for _, c := range fake.Calls()[skip:] {
		if c.Route == route {
			out = append(out, c)
		}
	}
	return out
}

// sentStatuses returns the statuses the PATCH calls after the first skip calls set.
func sentStatuses(t *testing.T, fake *fakediscord.Server, skip int) []discordgo.GuildScheduledEventStatus {
	t.Helper()
	var out []discordgo.GuildScheduledEventStatus
	for _, c := range routeCalls(fake, eventPatchRoute, skip) {
		var body struct {
			Status discordgo.GuildScheduledEventStatus `json:"status"`
		}
		if err := c.Decode(&body); err != nil {
			t.Fatal(err)
		}
		out = append(out, body.Status)
	}
	return out
}

func TestCreateEventWritesAnExternalEvent(t *testing.T) {
	m, fake := startDMFixture(t)
	// A server error is retried like every Messenger write.
	fake.FailNext(http.MethodPost, "/guilds/"+eventGuild+"/scheduled-events", http.StatusInternalServerError, 0, 1)
	e := plannedEvent()
	id, err := m.CreateEvent(context.Background(), eventGuild, e)
	if err != nil {
		t.Fatal(err)
	}
	got := storedEvent(t, fake)
	if got.ID != id || got.Name != e.Name || got.Description != e.Description || got.Location != e.Location ||
		!got.Start.Equal(e.Start) || !got.End.Equal(e.End) || got.Status != discordgo.GuildScheduledEventStatusScheduled {
		t.Fatalf("stored %+v, want %+v with id %s", got, e, id)
	}
	call, err := fake.WaitForCall(func(c fakediscord.Call) bool { return c.Route == eventCreateRoute && c.Status == http.StatusOK }, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := call.Body.(map[string]any)
	channel, sent := body["channel_id"]
	if !sent || channel != nil || body["entity_type"] != 3.0 || body["privacy_level"] != 2.0 {
		t.Fatalf("create body %s: want channel_id null, entity_type 3, privacy_level 2", call.RawBody)
	}
	if n := fake.RouteCounts()[eventCreateRoute]; n != 2 {
		t.Fatalf("%d create requests, want the 500 and its retry", n)
	}
}

func TestEditEvent(t *testing.T) {
	type setup func(t *testing.T, m *Messenger, fake *fakediscord.Server, id string, e guild.Event)
	var (
		started setup = func(_ *testing.T, _ *Messenger, fake *fakediscord.Server, _ string, e guild.Event) {
			fake.SetNow(func() time.Time { return e.Start.Add(time.Minute) })
		}
		ended setup = func(_ *testing.T, _ *Messenger, fake *fakediscord.Server, _ string, e guild.Event) {
			fake.SetNow(func() time.Time { return e.End.Add(time.Minute) })
		}
		canceled setup = func(t *testing.T, m *Messenger, _ *fakediscord.Server, id string, _ guild.Event) {
			if err := m.CancelEvent(context.Background(), eventGuild, id); err != nil {
				t.Fatal(err)
			}
		}
	)
	later := func(e guild.Event) guild.Event {
		return guild.Event{Name: "Evening hangs", Description: "Twenty minutes", Location: "#hangs", Start: e.Start.Add(time.Hour), End: e.End.Add(time.Hour)}
	}
	cases := []struct {
		name       string
		setup      setup
		edit       func(e guild.Event) guild.Event
		wantErr    error
		wantStatus discordgo.GuildScheduledEventStatus
		sendsStart bool // the PATCH carries scheduled_start_time
	}{
		{name: "scheduled: everything changes", edit: later, wantStatus: discordgo.GuildScheduledEventStatusScheduled, sendsStart: true},
		{name: "an empty description removes it; the same start is not sent", edit: func(e guild.Event) guild.Event {
			e.Description = ""
			return e
		}, wantStatus: discordgo.GuildScheduledEventStatusScheduled},
		{name: "active: the start stays", setup: started, edit: later, wantStatus: discordgo.GuildScheduledEventStatusActive},
		{name: "completed", setup: ended, edit: later, wantErr: guild.ErrEventGone},
		{name: "canceled", setup: canceled, edit: later, wantErr: guild.ErrEventGone},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, fake, id, planned := startEventFixture(t)
			if tc.setup != nil {
				tc.setup(t, m, fake, id, planned)
			}
			before := storedEvent(t, fake)
			edit := tc.edit(planned)
			err := m.EditEvent(context.Background(), eventGuild, id, edit)
			got := storedEvent(t, fake)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !reflect.DeepEqual(got, before) {
					t.Fatalf("err %v, stored %+v; want %v and no change", err, got, tc.wantErr)
				}
				return
			}
			wantStart := planned.Start
			if tc.sendsStart {
				wantStart = edit.Start
			}
			patches := routeCalls(fake, eventPatchRoute, 0)
			body, _ := patches[len(patches)-1].Body.(map[string]any)
			if _, sent := body["scheduled_start_time"]; sent != tc.sendsStart {
				t.Errorf("PATCH %s: scheduled_start_time sent %v, want %v", patches[len(patches)-1].RawBody, sent, tc.sendsStart)
			}
			if err != nil || got.Name != edit.Name || got.Description != edit.Description || got.Location != edit.Location ||
				!got.End.Equal(edit.End) || !got.Start.Equal(wantStart) || got.Status != tc.wantStatus {
				t.Fatalf("err %v, stored %+v; want %+v with start %v and status %d", err, got, edit, wantStart, tc.wantStatus)
			}
		})
	}
}

// hookTransport calls after once each response has arrived, before the caller sees it.
type hookTransport struct {
	parent http.RoundTripper
	after  func(*http.Request)
}

func (h hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := h.parent.RoundTrip(r)
	if err == nil {
		h.after(r)
	}
	return resp, err
}

func TestEditEventRetriesWhenTheEventBeganMeanwhile(t *testing.T) {
	m, fake, id, planned := startEventFixture(t)
	var once sync.Once
	// Discord starts the event between the Messenger's read and its write.
	m.session.Client.Transport = hookTransport{parent: m.session.Client.Transport, after: func(r *http.Request) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/scheduled-events/") {
			once.Do(func() { fake.SetNow(func() time.Time { return planned.Start.Add(time.Second) }) })
		}
	}}
	edit := planned
	edit.Start, edit.End = planned.Start.Add(10*time.Minute), planned.End.Add(10*time.Minute)
	if err := m.EditEvent(context.Background(), eventGuild, id, edit); err != nil {
		t.Fatal(err)
	}
	got := storedEvent(t, fake)
	if !got.Start.Equal(planned.Start) || !got.End.Equal(edit.End) || got.Status != discordgo.GuildScheduledEventStatusActive {
		t.Fatalf("stored %+v: want the planned start kept, the new end, ACTIVE", got)
	}
	var seen []string
	for _, c := range fake.Calls() {
		if c.Route == eventGetRoute || c.Route == eventPatchRoute {
			seen = append(seen, fmt.Sprintf("%s %d", c.Method, c.Status))
		}
	}
	if want := []string{"GET 200", "PATCH 400", "GET 200", "PATCH 200"}; !slices.Equal(seen, want) {
		t.Fatalf("requests %v, want %v", seen, want)
	}
}

func TestCompleteAndCancelEvent(t *testing.T) {
	const (
		active    = discordgo.GuildScheduledEventStatusActive
		completed = discordgo.GuildScheduledEventStatusCompleted
		canceled  = discordgo.GuildScheduledEventStatusCanceled
	)
	complete, cancel := (*Messenger).CompleteEvent, (*Messenger).CancelEvent
	cases := []struct {
		name     string
		from     []discordgo.GuildScheduledEventStatus // set on the fake first
		finish   func(*Messenger, context.Context, string, string) error
		wantSent []discordgo.GuildScheduledEventStatus
		want     discordgo.GuildScheduledEventStatus // 0: the event is deleted
		wantErr  error
	}{
		{name: "complete a scheduled event", finish: complete, wantSent: []discordgo.GuildScheduledEventStatus{active, completed}, want: completed},
		{name: "complete an active event", from: []discordgo.GuildScheduledEventStatus{active}, finish: complete, wantSent: []discordgo.GuildScheduledEventStatus{completed}, want: completed},
		{name: "cancel a scheduled event", finish: cancel, wantSent: []discordgo.GuildScheduledEventStatus{canceled}, want: canceled},
		{name: "cancel an active event deletes it", from: []discordgo.GuildScheduledEventStatus{active}, finish: cancel},
		{name: "complete a completed event", from: []discordgo.GuildScheduledEventStatus{active, completed}, finish: complete, want: completed, wantErr: guild.ErrEventGone},
		{name: "complete a canceled event", from: []discordgo.GuildScheduledEventStatus{canceled}, finish: complete, want: canceled, wantErr: guild.ErrEventGone},
		{name: "cancel a canceled event", from: []discordgo.GuildScheduledEventStatus{canceled}, finish: cancel, want: canceled, wantErr: guild.ErrEventGone},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, fake, id, _ := startEventFixture(t)
			for _, st := range tc.from {
				if _, err := m.session.GuildScheduledEventEdit(eventGuild, id, &discordgo.GuildScheduledEventParams{Status: st}); err != nil {
					t.Fatal(err)
				}
			}
			skip := len(fake.Calls())
			err := tc.finish(m, context.Background(), eventGuild, id)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if sent := sentStatuses(t, fake, skip); !slices.Equal(sent, tc.wantSent) {
				t.Errorf("statuses sent %v, want %v", sent, tc.wantSent)
			}
			if tc.want == 0 {
				if evs := fake.ScheduledEvents(eventGuild); len(evs) != 0 {
					t.Errorf("still stored: %+v", evs)
				}
			} else if st := storedEvent(t, fake).Status; st != tc.want {
				t.Errorf("status %d, want %d", st, tc.want)
			}
		})
	}
}

func TestDeletedEventIsGone(t *testing.T) {
	m, fake, id, planned := startEventFixture(t)
	ctx := context.Background()
	if err := m.DeleteEvent(ctx, eventGuild, id); err != nil {
		t.Fatal(err)
	}
	if evs := fake.ScheduledEvents(eventGuild); len(evs) != 0 {
		t.Fatalf("still stored: %+v", evs)
	}
	calls := map[string]func() error{
		"edit":       func() error { return m.EditEvent(ctx, eventGuild, id, planned) },
		"complete":   func() error { return m.CompleteEvent(ctx, eventGuild, id) },
		"cancel":     func() error { return m.CancelEvent(ctx, eventGuild, id) },
		"delete":     func() error { return m.DeleteEvent(ctx, eventGuild, id) },
		"interested": func() error { _, err := m.EventInterested(ctx, eventGuild, id); return err },
	}
	for name, call := range calls {
		err := call()
		if _, code := restErrorCode(err); !errors.Is(err, guild.ErrEventGone) || code != codeUnknownEvent {
			t.Errorf("%s of a deleted event: %v, want guild.ErrEventGone over code %d", name, err, codeUnknownEvent)
		}
	}
}

func TestEventInterestedReadsEveryPage(t *testing.T) {
	cases := []struct {
		users, requests int
	}{
		{0, 1}, {99, 1}, {100, 2}, {250, 3},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.users), func(t *testing.T) {
			m, fake, id, _ := startEventFixture(t)
			want := make([]string, tc.users)
			for i := range want {
				want[i] = fmt.Sprint(200000000000000000 + i)
			}
			fake.MarkInterested(eventGuild, id, want...)
			got, err := m.EventInterested(context.Background(), eventGuild, id)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%d users, want %d", len(got), len(want))
			}
			var afters []string
			for _, c := range fake.Calls() {
				if c.Route == eventUsersRoute {
					afters = append(afters, c.Query.Get("after"))
					if c.Query.Get("limit") != "100" {
						t.Errorf("limit %q, want 100", c.Query.Get("limit"))
					}
				}
			}
			if len(afters) != tc.requests || afters[0] != "" {
				t.Fatalf("after values %q, want %d requests, the first without after", afters, tc.requests)
			}
			for i, after := range afters[1:] {
				if after != want[(i+1)*100-1] {
					t.Errorf("page %d after %s, want %s", i+2, after, want[(i+1)*100-1])
				}
			}
		})
	}
}

func TestEventWritesWithoutPermission(t *testing.T) {
	m, fake, id, planned := startEventFixture(t)
	ctx := context.Background()
	fake.DenyEvents(eventGuild)
	writes := map[string]func() error{
		"create":   func() error { _, err := m.CreateEvent(ctx, eventGuild, plannedEvent()); return err },
		"edit":     func() error { return m.EditEvent(ctx, eventGuild, id, planned) },
		"complete": func() error { return m.CompleteEvent(ctx, eventGuild, id) },
		"cancel":   func() error { return m.CancelEvent(ctx, eventGuild, id) },
		"delete":   func() error { return m.DeleteEvent(ctx, eventGuild, id) },
	}
	for name, write := range writes {
		err := write()
		if status, code := restErrorCode(err); !errors.Is(err, guild.ErrNoEventPermission) || status != http.StatusForbidden || code != codeMissingPerms {
			t.Errorf("%s without permission: %v, want guild.ErrNoEventPermission over a 403", name, err)
		}
	}
	if _, err := m.EventInterested(ctx, eventGuild, id); err != nil {
		t.Fatalf("reading needs no permission: %v", err)
	}
	if got := storedEvent(t, fake); got.Status != discordgo.GuildScheduledEventStatusScheduled || got.ID != id {
		t.Fatalf("stored %+v", got)
	}
}

// TestEveryInitiativeIsShedOverTheBudget: past the guard's budget of refusals, every
// request the bot makes on its own initiative fails fast with ErrShed, events, DMs and
// channel lookups included, and none reaches Discord.
func TestEveryInitiativeIsShedOverTheBudget(t *testing.T) {
	fake, err := fakediscord.Start(fakediscord.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	b, err := New(Options{Token: "test-token-not-real", APIURL: fake.URL(), Logger: slog.New(slog.DiscardHandler),
		Guard: GuardConfig{Budget: 2, Floor: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	m := b.NewMessenger()
	ctx := context.Background()
	const guildID = "100000000000000001"
	fake.DenyEvents(guildID)
	start := time.Now().Add(time.Hour)
	event := guild.Event{Name: "Quick", Location: "#stretching", Start: start, End: start.Add(time.Minute)}
	for range 2 { // two 403s: the budget is spent
		if _, err := m.CreateEvent(ctx, guildID, event); !errors.Is(err, guild.ErrNoEventPermission) {
			t.Fatalf("CreateEvent while denied: %v", err)
		}
	}
	before := len(fake.Calls())
	calls := map[string]func() error{
		"CreateEvent": func() error { _, err := m.CreateEvent(ctx, guildID, event); return err },
		"DM": func() error {
			_, err := m.DM(ctx, "200000000000000001", &discordgo.MessageSend{Content: "Time to move"})
			return err
		},
		"ChannelName": func() error { _, err := m.ChannelName(ctx, "100000000000000002"); return err },
		"Send": func() error {
			_, err := m.Send(ctx, "100000000000000002", &discordgo.MessageSend{Content: "hi"})
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrShed) {
			t.Errorf("%s over the budget: %v, want ErrShed", name, err)
		}
	}
	if n := len(fake.Calls()) - before; n != 0 {
		t.Errorf("%d requests reached Discord over the budget; want none", n)
	}
}
