package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

const (
	eventGuild = "400000000000000004"
	otherGuild = "400000000000000044"
)

// eventStart is the fake's clock in these tests: a fixed instant each test moves by hand.
var eventStart = time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)

// at sets the fake's clock to t.
func at(srv *Server, t time.Time) { srv.SetNow(func() time.Time { return t }) }

// externalEvent is a valid EXTERNAL event an hour from eventStart, lasting 30 minutes.
func externalEvent() *discordgo.GuildScheduledEventParams {
	start, end := eventStart.Add(time.Hour), eventStart.Add(90*time.Minute)
	return &discordgo.GuildScheduledEventParams{
		Name: "Morning decompression", Description: "Ten minutes of hangs", ScheduledStartTime: &start, ScheduledEndTime: &end,
		PrivacyLevel: discordgo.GuildScheduledEventPrivacyLevelGuildOnly, EntityType: discordgo.GuildScheduledEventEntityTypeExternal,
		EntityMetadata: &discordgo.GuildScheduledEventEntityMetadata{Location: "#stretching"},
	}
}

// eventFixture starts a fake at eventStart and a client, and creates externalEvent in
// eventGuild.
func eventFixture(t *testing.T) (*Server, *discordgo.Session, *discordgo.GuildScheduledEvent) {
	t.Helper()
	srv := start(t, Options{})
	at(srv, eventStart)
	dg := client(t, srv)
	ev, err := dg.GuildScheduledEventCreate(eventGuild, externalEvent())
	if err != nil {
		t.Fatal(err)
	}
	return srv, dg, ev
}

// wantRefusal fails unless err is Discord's answer with status and code.
func wantRefusal(t *testing.T, what string, err error, status, code int) *discordgo.RESTError {
	t.Helper()
	re := restError(t, err)
	if re.Response.StatusCode != status || re.Message.Code != code {
		t.Fatalf("%s: %d %s, want %d with code %d", what, re.Response.StatusCode, re.ResponseBody, status, code)
	}
	return re
}

// formErrorAt reports whether a 50035 body names the dotted field path.
func formErrorAt(t *testing.T, body []byte, path string) bool {
	t.Helper()
	var resp struct {
		Errors map[string]any `json:"errors"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	node := resp.Errors
	for _, key := range strings.Split(path, ".") {
		child, ok := node[key].(map[string]any)
		if !ok {
			return false
		}
		node = child
	}
	_, ok := node["_errors"]
	return ok
}

func TestCreateScheduledEventStoresAnExternalEvent(t *testing.T) {
	t.Parallel()
	srv, dg, ev := eventFixture(t)
	want := externalEvent()
	if ev.ID == "" || ev.GuildID != eventGuild || ev.CreatorID != srv.BotUser().ID || ev.ChannelID != "" ||
		ev.Name != want.Name || ev.Description != want.Description || ev.EntityMetadata.Location != "#stretching" ||
		!ev.ScheduledStartTime.Equal(*want.ScheduledStartTime) || !ev.ScheduledEndTime.Equal(*want.ScheduledEndTime) ||
		ev.Status != discordgo.GuildScheduledEventStatusScheduled || ev.EntityType != discordgo.GuildScheduledEventEntityTypeExternal ||
		ev.PrivacyLevel != discordgo.GuildScheduledEventPrivacyLevelGuildOnly || ev.Creator == nil || ev.Creator.ID != srv.BotUser().ID {
		t.Fatalf("created %+v", ev)
	}
	stored := srv.ScheduledEvents(eventGuild)
	if len(stored) != 1 || stored[0].ID != ev.ID || stored[0].Location != "#stretching" || stored[0].Status != discordgo.GuildScheduledEventStatusScheduled ||
		!stored[0].Start.Equal(ev.ScheduledStartTime) || stored[0].CreatorID != srv.BotUser().ID {
		t.Fatalf("stored %+v", stored)
	}
	got, err := dg.GuildScheduledEvent(eventGuild, ev.ID, false)
	if err != nil || got.ID != ev.ID || got.Name != ev.Name {
		t.Fatalf("GET %+v %v", got, err)
	}
	list, err := dg.GuildScheduledEvents(eventGuild, true)
	if err != nil || len(list) != 1 || list[0].ID != ev.ID || list[0].UserCount != 0 {
		t.Fatalf("list %+v %v", list, err)
	}
	if list, err := dg.GuildScheduledEvents(otherGuild, false); err != nil || len(list) != 0 {
		t.Fatalf("another guild's list %+v %v", list, err)
	}
	// The wire form is Discord's: times with a +00:00 offset, a null channel.
	resp, err := dg.RequestWithBucketID(http.MethodGet, discordgo.EndpointGuildScheduledEvent(eventGuild, ev.ID), nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp), `"scheduled_start_time":"2026-12-03T19:00:00.000000+00:00"`) || !strings.Contains(string(resp), `"channel_id":null`) {
		t.Fatalf("wire form %s", resp)
	}
}

func TestCreateScheduledEventValidatesAsDiscord(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	at(srv, eventStart)
	dg := client(t, srv)
	past, before := eventStart.Add(-time.Minute), eventStart.Add(30*time.Minute)
	cases := []struct {
		name   string
		change func(p *discordgo.GuildScheduledEventParams)
		path   string // the field the 50035 names
	}{
		{"a channel", func(p *discordgo.GuildScheduledEventParams) { p.ChannelID = "500000000000000005" }, "channel_id"},
		{"no location", func(p *discordgo.GuildScheduledEventParams) { p.EntityMetadata = nil }, "entity_metadata.location"},
		{"empty location", func(p *discordgo.GuildScheduledEventParams) { p.EntityMetadata.Location = "" }, "entity_metadata.location"},
		{"long location", func(p *discordgo.GuildScheduledEventParams) { p.EntityMetadata.Location = strings.Repeat("l", 101) }, "entity_metadata.location"},
		{"no end", func(p *discordgo.GuildScheduledEventParams) { p.ScheduledEndTime = nil }, "scheduled_end_time"},
		{"end before start", func(p *discordgo.GuildScheduledEventParams) { p.ScheduledEndTime = &before }, "scheduled_end_time"},
		{"end at start", func(p *discordgo.GuildScheduledEventParams) { p.ScheduledEndTime = p.ScheduledStartTime }, "scheduled_end_time"},
		{"no start", func(p *discordgo.GuildScheduledEventParams) { p.ScheduledStartTime = nil }, "scheduled_start_time"},
		{"start in the past", func(p *discordgo.GuildScheduledEventParams) { p.ScheduledStartTime = &past }, "scheduled_start_time"},
		{"no name", func(p *discordgo.GuildScheduledEventParams) { p.Name = "" }, "name"},
		{"long name", func(p *discordgo.GuildScheduledEventParams) { p.Name = strings.Repeat("n", 101) }, "name"},
		{"long description", func(p *discordgo.GuildScheduledEventParams) { p.Description = strings.Repeat("d", 1001) }, "description"},
		{"no privacy level", func(p *discordgo.GuildScheduledEventParams) { p.PrivacyLevel = 0 }, "privacy_level"},
		{"public", func(p *discordgo.GuildScheduledEventParams) { p.PrivacyLevel = 1 }, "privacy_level"},
		{"a voice event", func(p *discordgo.GuildScheduledEventParams) {
			p.EntityType, p.ChannelID = discordgo.GuildScheduledEventEntityTypeVoice, "500000000000000005"
		}, "entity_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := externalEvent()
			tc.change(p)
			_, err := dg.GuildScheduledEventCreate(eventGuild, p)
			re := wantRefusal(t, tc.name, err, http.StatusBadRequest, 50035)
			if re.Message.Message != "Invalid Form Body" || !formErrorAt(t, re.ResponseBody, tc.path) {
				t.Fatalf("body %s does not name %s", re.ResponseBody, tc.path)
			}
		})
	}
	// Limits are inclusive: 100-character names and locations, a 1,000-character description.
	p := externalEvent()
	p.Name, p.EntityMetadata.Location, p.Description = strings.Repeat("n", 100), strings.Repeat("l", 100), strings.Repeat("d", 1000)
	if _, err := dg.GuildScheduledEventCreate(eventGuild, p); err != nil {
		t.Fatalf("an event at the limits: %v", err)
	}
	if n := len(srv.ScheduledEvents(eventGuild)); n != 1 {
		t.Fatalf("%d events stored, want only the valid one", n)
	}
}

func TestAGuildHoldsAtMost100OpenEvents(t *testing.T) {
	t.Parallel()
	srv, dg, first := eventFixture(t)
	for range maxOpenEvents - 1 {
		if _, err := dg.GuildScheduledEventCreate(eventGuild, externalEvent()); err != nil {
			t.Fatal(err)
		}
	}
	_, err := dg.GuildScheduledEventCreate(eventGuild, externalEvent())
	wantRefusal(t, "the 101st event", err, http.StatusBadRequest, 30038)
	if _, err := dg.GuildScheduledEventCreate(otherGuild, externalEvent()); err != nil {
		t.Fatalf("the limit is per guild: %v", err)
	}
	if _, err := dg.GuildScheduledEventEdit(eventGuild, first.ID, &discordgo.GuildScheduledEventParams{Status: discordgo.GuildScheduledEventStatusCanceled}); err != nil {
		t.Fatal(err)
	}
	if _, err := dg.GuildScheduledEventCreate(eventGuild, externalEvent()); err != nil {
		t.Fatalf("a canceled event no longer counts: %v", err)
	}
	if n := len(srv.ScheduledEvents(eventGuild)); n != maxOpenEvents+1 {
		t.Fatalf("%d events stored", n)
	}
}

func TestScheduledEventStatusTransitions(t *testing.T) {
	t.Parallel()
	const (
		scheduled = discordgo.GuildScheduledEventStatusScheduled
		active    = discordgo.GuildScheduledEventStatusActive
		completed = discordgo.GuildScheduledEventStatusCompleted
		canceled  = discordgo.GuildScheduledEventStatusCanceled
	)
	cases := []struct {
		name     string
		before   []discordgo.GuildScheduledEventStatus // set first, in order
		to       discordgo.GuildScheduledEventStatus
		wantCode int // 0: accepted
	}{
		{"scheduled to active", nil, active, 0},
		{"scheduled to canceled", nil, canceled, 0},
		{"scheduled to scheduled changes nothing", nil, scheduled, 0},
		{"scheduled to completed", nil, completed, 50035},
		{"active to completed", []discordgo.GuildScheduledEventStatus{active}, completed, 0},
		{"active to canceled", []discordgo.GuildScheduledEventStatus{active}, canceled, 50035},
		{"active to scheduled", []discordgo.GuildScheduledEventStatus{active}, scheduled, 50035},
		{"completed to active", []discordgo.GuildScheduledEventStatus{active, completed}, active, 180000},
		{"completed to completed", []discordgo.GuildScheduledEventStatus{active, completed}, completed, 180000},
		{"canceled to active", []discordgo.GuildScheduledEventStatus{canceled}, active, 180000},
		{"canceled to scheduled", []discordgo.GuildScheduledEventStatus{canceled}, scheduled, 180000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, dg, ev := eventFixture(t)
			for _, st := range tc.before {
				if _, err := dg.GuildScheduledEventEdit(eventGuild, ev.ID, &discordgo.GuildScheduledEventParams{Status: st}); err != nil {
					t.Fatalf("set up %d: %v", st, err)
				}
			}
			was := srv.ScheduledEvents(eventGuild)[0].Status
			got, err := dg.GuildScheduledEventEdit(eventGuild, ev.ID, &discordgo.GuildScheduledEventParams{Status: tc.to})
			now := srv.ScheduledEvents(eventGuild)[0].Status
			if tc.wantCode == 0 {
				if err != nil || got.Status != tc.to || now != tc.to {
					t.Fatalf("answer %+v %v, stored status %d, want %d", got, err, now, tc.to)
				}
				return
			}
			wantRefusal(t, tc.name, err, http.StatusBadRequest, tc.wantCode)
			if now != was {
				t.Fatalf("a refused change moved the status from %d to %d", was, now)
			}
		})
	}
}

func TestExternalEventBeginsAndEndsOnItsOwn(t *testing.T) {
	t.Parallel()
	srv, dg, ev := eventFixture(t)
	status := func() discordgo.GuildScheduledEventStatus {
		t.Helper()
		got, err := dg.GuildScheduledEvent(eventGuild, ev.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}
	at(srv, ev.ScheduledStartTime.Add(-time.Second))
	if st := status(); st != discordgo.GuildScheduledEventStatusScheduled {
		t.Fatalf("before the start: status %d", st)
	}
	at(srv, ev.ScheduledStartTime)
	if st := status(); st != discordgo.GuildScheduledEventStatusActive {
		t.Fatalf("at the start: status %d, want ACTIVE", st)
	}
	// Once active the start stays; the end may still move.
	later := ev.ScheduledStartTime.Add(5 * time.Minute)
	_, err := dg.GuildScheduledEventEdit(eventGuild, ev.ID, &discordgo.GuildScheduledEventParams{ScheduledStartTime: &later})
	if re := wantRefusal(t, "moving an active event's start", err, http.StatusBadRequest, 50035); !formErrorAt(t, re.ResponseBody, "scheduled_start_time") {
		t.Fatalf("body %s", re.ResponseBody)
	}
	end := ev.ScheduledEndTime.Add(time.Hour)
	if got, err := dg.GuildScheduledEventEdit(eventGuild, ev.ID, &discordgo.GuildScheduledEventParams{ScheduledEndTime: &end}); err != nil || !got.ScheduledEndTime.Equal(end) {
		t.Fatalf("moving an active event's end: %+v %v", got, err)
	}
	at(srv, end)
	if st := srv.ScheduledEvents(eventGuild)[0].Status; st != discordgo.GuildScheduledEventStatusCompleted {
		t.Fatalf("at the end: status %d, want COMPLETED", st)
	}
	_, err = dg.GuildScheduledEventEdit(eventGuild, ev.ID, &discordgo.GuildScheduledEventParams{Name: "again"})
	wantRefusal(t, "editing a completed event", err, http.StatusBadRequest, 180000)

	// An event nobody looked at while it ran is completed when next seen.
	second, err := dg.GuildScheduledEventCreate(eventGuild, externalEvent())
	if err == nil {
		t.Fatalf("created %+v with a start in the past", second)
	}
	at(srv, eventStart)
	second, err = dg.GuildScheduledEventCreate(eventGuild, externalEvent())
	if err != nil {
		t.Fatal(err)
	}
	at(srv, second.ScheduledEndTime.Add(time.Minute))
	if list, err := dg.GuildScheduledEvents(eventGuild, false); err != nil || len(list) != 2 || list[1].Status != discordgo.GuildScheduledEventStatusCompleted {
		t.Fatalf("list after the end: %+v %v", list, err)
	}
}

func TestEditScheduledEventIsPartialAndAllOrNothing(t *testing.T) {
	t.Parallel()
	srv, dg, ev := eventFixture(t)
	got, err := dg.GuildScheduledEventEdit(eventGuild, ev.ID, &discordgo.GuildScheduledEventParams{Name: "Evening hangs"})
	if err != nil || got.Name != "Evening hangs" || got.Description != ev.Description || got.EntityMetadata.Location != "#stretching" ||
		!got.ScheduledStartTime.Equal(ev.ScheduledStartTime) || !got.ScheduledEndTime.Equal(*ev.ScheduledEndTime) {
		t.Fatalf("renamed %+v %v", got, err)
	}
	path := discordgo.EndpointGuildScheduledEvent(eventGuild, ev.ID)
	start, end := ev.ScheduledStartTime.Add(time.Hour), ev.ScheduledEndTime.Add(time.Hour)
	body := map[string]any{"description": nil, "entity_metadata": map[string]string{"location": "#hangs"}, "scheduled_start_time": start, "scheduled_end_time": end}
	if _, err := dg.RequestWithBucketID(http.MethodPatch, path, body, path); err != nil {
		t.Fatal(err)
	}
	stored := srv.ScheduledEvents(eventGuild)[0]
	if stored.Description != "" || stored.Location != "#hangs" || !stored.Start.Equal(start) || !stored.End.Equal(end) || stored.Name != "Evening hangs" {
		t.Fatalf("after the edit %+v", stored)
	}
	refused := []struct {
		name string
		body map[string]any
		path string
	}{
		{"end before the start", map[string]any{"name": "Never", "scheduled_end_time": start.Add(-time.Minute)}, "scheduled_end_time"},
		{"null end", map[string]any{"name": "Never", "scheduled_end_time": nil}, "scheduled_end_time"},
		{"null location", map[string]any{"name": "Never", "entity_metadata": nil}, "entity_metadata.location"},
		{"start in the past", map[string]any{"name": "Never", "scheduled_start_time": eventStart.Add(-time.Minute)}, "scheduled_start_time"},
		{"a channel", map[string]any{"name": "Never", "channel_id": "500000000000000005"}, "channel_id"},
		{"empty name", map[string]any{"name": ""}, "name"},
	}
	for _, tc := range refused {
		_, err := dg.RequestWithBucketID(http.MethodPatch, path, tc.body, path)
		if re := wantRefusal(t, tc.name, err, http.StatusBadRequest, 50035); !formErrorAt(t, re.ResponseBody, tc.path) {
			t.Errorf("%s: body %s does not name %s", tc.name, re.ResponseBody, tc.path)
		}
	}
	if after := srv.ScheduledEvents(eventGuild)[0]; after.Name != "Evening hangs" {
		t.Fatalf("a refused edit changed the event: %+v", after)
	}
}

func TestScheduledEventUsersPageByUserID(t *testing.T) {
	t.Parallel()
	srv, dg, ev := eventFixture(t)
	// IDs of different lengths: the order is numeric, not by string.
	var want []string
	for i := range 250 {
		want = append(want, fmt.Sprint(uint64(9)<<(i%40)+uint64(i)))
	}
	srv.MarkInterested(eventGuild, ev.ID, want...)
	slices.SortFunc(want, compareSnowflakes)
	want = slices.Compact(want)
	if want[0] != "9" {
		t.Fatalf("fixture: smallest ID %s", want[0])
	}

	var got []string
	after := ""
	for {
		page, err := dg.GuildScheduledEventUsers(eventGuild, ev.ID, 0, false, "", after)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 100 {
			t.Fatalf("a page of %d users", len(page))
		}
		for _, u := range page {
			if u.GuildScheduledEventID != ev.ID || u.Member != nil {
				t.Fatalf("entry %+v", u)
			}
			got = append(got, u.User.ID)
		}
		if len(page) < 100 {
			break
		}
		after = page[len(page)-1].User.ID
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged after: %d users %v..., want %d %v...", len(got), got[:3], len(want), want[:3])
	}

	cases := []struct {
		name          string
		limit         int
		before, after string
		want          []string
	}{
		{"limit", 3, "", "", want[:3]},
		{"after", 2, "", want[10], want[11:13]},
		{"before takes the nearest", 2, want[10], "", want[8:10]},
		{"before wins over after", 2, want[10], want[0], want[8:10]},
		{"before the first", 5, want[0], "", nil},
		{"after the last", 5, "", want[len(want)-1], nil},
	}
	for _, tc := range cases {
		page, err := dg.GuildScheduledEventUsers(eventGuild, ev.ID, tc.limit, false, tc.before, tc.after)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, u := range page {
			ids = append(ids, u.User.ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, ids, tc.want)
		}
	}

	page, err := dg.GuildScheduledEventUsers(eventGuild, ev.ID, 1, true, "", "")
	if err != nil || len(page) != 1 || page[0].Member == nil || page[0].User.Username != "user-9" {
		t.Fatalf("with_member: %+v %v", page, err)
	}
	_, err = dg.GuildScheduledEventUsers(eventGuild, ev.ID, 101, false, "", "")
	wantRefusal(t, "limit 101", err, http.StatusBadRequest, 50035)
	if stored := srv.ScheduledEvents(eventGuild)[0]; !slices.Equal(stored.Interested, want) {
		t.Fatalf("ScheduledEvents lists %d interested users", len(stored.Interested))
	}
	if list, err := dg.GuildScheduledEvents(eventGuild, true); err != nil || list[0].UserCount != len(want) {
		t.Fatalf("with_user_count: %+v %v", list, err)
	}
}

func TestScheduledEventsOfAnotherGuildAreUnknown(t *testing.T) {
	t.Parallel()
	srv, dg, ev := eventFixture(t)
	srv.MarkInterested(otherGuild, ev.ID, "200000000000000002")
	name := "Hijacked"
	requests := []struct {
		name string
		do   func() error
	}{
		{"get", func() error { _, err := dg.GuildScheduledEvent(otherGuild, ev.ID, false); return err }},
		{"edit", func() error {
			_, err := dg.GuildScheduledEventEdit(otherGuild, ev.ID, &discordgo.GuildScheduledEventParams{Name: name})
			return err
		}},
		{"users", func() error { _, err := dg.GuildScheduledEventUsers(otherGuild, ev.ID, 0, false, "", ""); return err }},
		{"delete", func() error { return dg.GuildScheduledEventDelete(otherGuild, ev.ID) }},
		{"unknown id", func() error { _, err := dg.GuildScheduledEvent(eventGuild, "999", false); return err }},
	}
	for _, r := range requests {
		re := wantRefusal(t, r.name, r.do(), http.StatusNotFound, 10070)
		if re.Message.Message != "Unknown Guild Scheduled Event" {
			t.Fatalf("%s: %s", r.name, re.ResponseBody)
		}
	}
	stored := srv.ScheduledEvents(eventGuild)
	if len(stored) != 1 || stored[0].Name != ev.Name || len(stored[0].Interested) != 0 {
		t.Fatalf("another guild's requests changed the event: %+v", stored)
	}
	if err := dg.GuildScheduledEventDelete(eventGuild, ev.ID); err != nil {
		t.Fatal(err)
	}
	if c := callsTo(srv, "DELETE /guilds/{guild}/scheduled-events/{event}"); c[len(c)-1].Status != http.StatusNoContent {
		t.Fatalf("delete answered %d", c[len(c)-1].Status)
	}
	_, err := dg.GuildScheduledEvent(eventGuild, ev.ID, false)
	wantRefusal(t, "a deleted event", err, http.StatusNotFound, 10070)
	if stored := srv.ScheduledEvents(eventGuild); len(stored) != 0 {
		t.Fatalf("deleted event still stored: %+v", stored)
	}
}

func TestDenyEventsRefusesWritesOnly(t *testing.T) {
	t.Parallel()
	srv, dg, ev := eventFixture(t)
	srv.DenyEvents(eventGuild)
	writes := []struct {
		name string
		do   func() error
	}{
		{"create", func() error { _, err := dg.GuildScheduledEventCreate(eventGuild, externalEvent()); return err }},
		{"edit", func() error {
			_, err := dg.GuildScheduledEventEdit(eventGuild, ev.ID, &discordgo.GuildScheduledEventParams{Status: discordgo.GuildScheduledEventStatusCanceled})
			return err
		}},
		{"delete", func() error { return dg.GuildScheduledEventDelete(eventGuild, ev.ID) }},
	}
	for _, w := range writes {
		if re := wantRefusal(t, w.name, w.do(), http.StatusForbidden, 50013); re.Message.Message != "Missing Permissions" {
			t.Fatalf("%s: %s", w.name, re.ResponseBody)
		}
	}
	if got, err := dg.GuildScheduledEvent(eventGuild, ev.ID, false); err != nil || got.Status != discordgo.GuildScheduledEventStatusScheduled {
		t.Fatalf("reading under DenyEvents: %+v %v", got, err)
	}
	if _, err := dg.GuildScheduledEventUsers(eventGuild, ev.ID, 0, false, "", ""); err != nil {
		t.Fatalf("listing users under DenyEvents: %v", err)
	}
	if _, err := dg.GuildScheduledEventCreate(otherGuild, externalEvent()); err != nil {
		t.Fatalf("another guild is not denied: %v", err)
	}
	if n := len(srv.ScheduledEvents(eventGuild)); n != 1 {
		t.Fatalf("%d events in the denied guild", n)
	}
}
