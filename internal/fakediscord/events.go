package fakediscord

// Guild scheduled events, as discord-api-docs' resources/guild-scheduled-event.mdx describes
// them. Only entity type EXTERNAL (3) is modelled, the kind the bot creates: a body asking
// for a stage or voice event is refused, so a test notices instead of passing on a shape the
// fake never checked.

import (
	"cmp"
	"encoding/json"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"weak"

	"github.com/bwmarrin/discordgo"
)

const (
	// maxOpenEvents is how many SCHEDULED or ACTIVE events a guild may have (error 30038).
	maxOpenEvents = 100
	// maxEventUsers is the largest page of GET .../users, and its default.
	maxEventUsers = 100
	// eventTimeLayout is how Discord writes an event's ISO8601 times.
	eventTimeLayout = "2006-01-02T15:04:05.000000+00:00"
)

// ScheduledEvent is a snapshot of a guild scheduled event as the fake stores it.
type ScheduledEvent struct {
	ID          string
	GuildID     string
	CreatorID   string // always the bot: the fake stores only what the bot creates
	Name        string
	Description string // "" when the event has none
	Location    string // entity_metadata.location
	Start, End  time.Time
	Status      discordgo.GuildScheduledEventStatus
	// Interested are the IDs of the users who pressed "Interested", in ascending order.
	Interested []string
}

// storedEvent is an event and when each interested user pressed "Interested".
type storedEvent struct {
	ScheduledEvent
	interested map[string]time.Time
}

// settle applies what Discord does on its own to an EXTERNAL event, lazily, at now: it
// becomes ACTIVE at its scheduled start and COMPLETED at its scheduled end
// ("Guild Scheduled Event Status Update Automation"). Every route and helper settles an
// event before reading or changing it, so nobody sees a state Discord would have left.
func (e *storedEvent) settle(now time.Time) {
	if e.Status == discordgo.GuildScheduledEventStatusScheduled && !now.Before(e.Start) {
		e.Status = discordgo.GuildScheduledEventStatusActive
	}
	if e.Status == discordgo.GuildScheduledEventStatusActive && !now.Before(e.End) {
		e.Status = discordgo.GuildScheduledEventStatusCompleted
	}
}

func (e *storedEvent) open() bool {
	return e.Status == discordgo.GuildScheduledEventStatusScheduled || e.Status == discordgo.GuildScheduledEventStatusActive
}

// snapshot copies the event, with its interested users in ascending order.
func (e *storedEvent) snapshot() ScheduledEvent {
	out := e.ScheduledEvent
	out.Interested = e.interestedIDs()
	return out
}

func (e *storedEvent) interestedIDs() []string {
	ids := make([]string, 0, len(e.interested))
	for id := range e.interested {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, compareSnowflakes)
	return ids
}

// compareSnowflakes orders decimal snowflakes numerically: a shorter one is smaller.
func compareSnowflakes(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

// eventStore is one Server's scheduled events, guarded by Server.mu like state.
type eventStore struct {
	byID   map[string]*storedEvent
	denied map[string]bool // guild IDs where the bot may not write events (DenyEvents)
}

// eventStores finds each Server's eventStore. It lives beside state (record.go) rather than
// in it only because this file was added without changing the shared state; the key is weak
// and a cleanup drops the entry, so a Server nobody references takes its events with it.
var eventStores = struct {
	sync.Mutex
	m map[weak.Pointer[Server]]*eventStore
}{m: map[weak.Pointer[Server]]*eventStore{}}

// events returns s's eventStore, making it on first use.
func (s *Server) events() *eventStore {
	key := weak.Make(s)
	eventStores.Lock()
	defer eventStores.Unlock()
	st, ok := eventStores.m[key]
	if !ok {
		st = &eventStore{byID: map[string]*storedEvent{}, denied: map[string]bool{}}
		eventStores.m[key] = st
		runtime.AddCleanup(s, func(k weak.Pointer[Server]) {
			eventStores.Lock()
			defer eventStores.Unlock()
			delete(eventStores.m, k)
		}, key)
	}
	return st
}

// DenyEvents makes every scheduled-event write in guildID (create, modify, delete) answer
// 403 {"message":"Missing Permissions","code":50013}, as when the bot has neither Create
// Events nor Manage Events there. Reads still work: EXTERNAL events need no permission to
// read.
func (s *Server) DenyEvents(guildID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events().denied[guildID] = true
}

// ScheduledEvents returns the guild's scheduled events, oldest first, with their status as
// Discord would show it on the fake's clock now.
func (s *Server) ScheduledEvents(guildID string) []ScheduledEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ScheduledEvent
	for _, e := range s.guildEvents(guildID, s.clock()) {
		out = append(out, e.snapshot())
	}
	return out
}

// MarkInterested records that userIDs pressed "Interested" on the event, as members do in
// the client; the event users route then lists them. Users the fake met in an interaction
// keep their names, others are named "user-<id>". An unknown event, or one of another
// guild, is ignored.
func (s *Server) MarkInterested(guildID, eventID string, userIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.events().byID[eventID]
	if !ok || e.GuildID != guildID {
		return
	}
	for _, id := range userIDs {
		e.interested[id] = s.clock()
	}
}

// guildEvents returns the guild's events, settled at now, oldest first. Callers hold s.mu.
func (s *Server) guildEvents(guildID string, now time.Time) []*storedEvent {
	var out []*storedEvent
	for _, e := range s.events().byID {
		if e.GuildID == guildID {
			e.settle(now)
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *storedEvent) int { return compareSnowflakes(a.ID, b.ID) })
	return out
}

// eventWrites refuses writes in a guild under DenyEvents before h runs. Discord checks the
// bot's guild-level permissions first: an EXTERNAL event has no channel to check.
func eventWrites(h func(*Server, *request) reply) func(*Server, *request) reply {
	return func(s *Server, r *request) reply {
		if s.events().denied[r.params["guild"]] {
			return apiError(http.StatusForbidden, 50013, "Missing Permissions")
		}
		return h(s, r)
	}
}

// scheduledEvent finds the route's event, settled at the request's time. An event of
// another guild is as unknown as one that never existed. Callers hold s.mu.
func (s *Server) scheduledEvent(r *request) (*storedEvent, reply, bool) {
	e, ok := s.events().byID[r.params["event"]]
	if !ok || e.GuildID != r.params["guild"] {
		return nil, apiError(http.StatusNotFound, 10070, "Unknown Guild Scheduled Event"), false
	}
	e.settle(r.now)
	return e, reply{}, true
}

func (s *Server) createScheduledEvent(r *request) reply {
	f, err := parseEventFields(r.raw)
	if err != nil {
		return bodyError(err)
	}
	guildID := r.params["guild"]
	e := storedEvent{
		ScheduledEvent: ScheduledEvent{GuildID: guildID, CreatorID: s.bot.ID, Status: discordgo.GuildScheduledEventStatusScheduled},
		interested:     map[string]time.Time{},
	}
	if errs := f.apply(&e.ScheduledEvent, true, r.now); len(errs) > 0 {
		return invalidForm(errs)
	}
	running := 0
	for _, other := range s.guildEvents(guildID, r.now) {
		if other.open() {
			running++
		}
	}
	if running >= maxOpenEvents {
		return apiError(http.StatusBadRequest, 30038, "Maximum number of uncompleted guild scheduled events reached (100)")
	}
	e.ID = s.newID()
	s.events().byID[e.ID] = &e
	return jsonOK(s.eventJSON(&e, r))
}

func (s *Server) listScheduledEvents(r *request) reply {
	out := []map[string]any{}
	for _, e := range s.guildEvents(r.params["guild"], r.now) {
		out = append(out, s.eventJSON(e, r))
	}
	return jsonOK(out)
}

func (s *Server) getScheduledEvent(r *request) reply {
	e, rep, found := s.scheduledEvent(r)
	if !found {
		return rep
	}
	return jsonOK(s.eventJSON(e, r))
}

// editScheduledEvent applies a partial update, all or nothing. A finished event (COMPLETED
// or CANCELED) takes no change at all: 400 code 180000 "Cannot update a finished event".
// Status moves only SCHEDULED→ACTIVE, ACTIVE→COMPLETED or SCHEDULED→CANCELED ("Valid Guild
// Scheduled Event Status Transitions"); sending the current status changes nothing.
func (s *Server) editScheduledEvent(r *request) reply {
	e, rep, found := s.scheduledEvent(r)
	if !found {
		return rep
	}
	if !e.open() {
		return apiError(http.StatusBadRequest, 180000, "Cannot update a finished event")
	}
	f, err := parseEventFields(r.raw)
	if err != nil {
		return bodyError(err)
	}
	updated := e.ScheduledEvent
	errs := f.apply(&updated, false, r.now)
	if f.Status != nil {
		to := discordgo.GuildScheduledEventStatus(*f.Status)
		if to != e.Status && !validTransition(e.Status, to) {
			errs.add("status", "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION", "Cannot change status from %d to %d", e.Status, to)
		}
		updated.Status = to
	}
	if len(errs) > 0 {
		return invalidForm(errs)
	}
	e.ScheduledEvent = updated
	// A new end already past completes the event at once, as the end time passing would.
	e.settle(r.now)
	return jsonOK(s.eventJSON(e, r))
}

func validTransition(from, to discordgo.GuildScheduledEventStatus) bool {
	switch from {
	case discordgo.GuildScheduledEventStatusScheduled:
		return to == discordgo.GuildScheduledEventStatusActive || to == discordgo.GuildScheduledEventStatusCanceled
	case discordgo.GuildScheduledEventStatusActive:
		return to == discordgo.GuildScheduledEventStatusCompleted
	}
	return false
}

func (s *Server) deleteScheduledEvent(r *request) reply {
	e, rep, found := s.scheduledEvent(r)
	if !found {
		return rep
	}
	delete(s.events().byID, e.ID)
	return reply{status: http.StatusNoContent}
}

// scheduledEventUsers lists the interested users in ascending user ID. With after, the
// first limit users above it; with before (which wins over after, as documented), the last
// limit users below it, so paging backwards meets every user once.
func (s *Server) scheduledEventUsers(r *request) reply {
	e, rep, found := s.scheduledEvent(r)
	if !found {
		return rep
	}
	limit := maxEventUsers
	if v := r.query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxEventUsers {
			errs := formErrors{}
			errs.add("limit", "NUMBER_TYPE_MAX", "Must be an integer between 1 and %d.", maxEventUsers)
			return invalidForm(errs)
		}
		limit = n
	}
	ids := e.interestedIDs()
	if before := r.query.Get("before"); before != "" {
		ids = slices.DeleteFunc(ids, func(id string) bool { return compareSnowflakes(id, before) >= 0 })
		ids = ids[max(len(ids)-limit, 0):]
	} else {
		if after := r.query.Get("after"); after != "" {
			ids = slices.DeleteFunc(ids, func(id string) bool { return compareSnowflakes(id, after) <= 0 })
		}
		ids = ids[:min(len(ids), limit)]
	}
	withMember := r.query.Get("with_member") == "true"
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		entry := map[string]any{"guild_scheduled_event_id": e.ID, "user": toWireUser(s.user(id))}
		if withMember {
			// The fake keeps no guild members; this is the minimal member object, with the
			// moment they pressed Interested standing in for when they joined.
			entry["member"] = map[string]any{
				"roles": []string{}, "joined_at": e.interested[id].UTC().Format(eventTimeLayout),
				"deaf": false, "mute": false, "flags": 0, "nick": nil,
			}
		}
		out = append(out, entry)
	}
	return jsonOK(out)
}

// user is the user the fake knows by id, or a stand-in named after it. Callers hold s.mu.
func (s *Server) user(id string) discordgo.User {
	if u, ok := s.state.users[id]; ok {
		return u
	}
	return discordgo.User{ID: id, Username: "user-" + id}
}

// eventJSON is the guild scheduled event object as Discord answers it; user_count only
// when the request asks with_user_count=true.
func (s *Server) eventJSON(e *storedEvent, r *request) map[string]any {
	var description any
	if e.Description != "" {
		description = e.Description
	}
	out := map[string]any{
		"id": e.ID, "guild_id": e.GuildID, "channel_id": nil, "creator_id": e.CreatorID,
		"creator": toWireUser(s.bot), "name": e.Name, "description": description,
		"scheduled_start_time": e.Start.UTC().Format(eventTimeLayout),
		"scheduled_end_time":   e.End.UTC().Format(eventTimeLayout),
		"privacy_level":        discordgo.GuildScheduledEventPrivacyLevelGuildOnly, "status": e.Status,
		"entity_type": discordgo.GuildScheduledEventEntityTypeExternal, "entity_id": nil,
		"entity_metadata": map[string]any{"location": e.Location}, "image": nil, "recurrence_rule": nil,
	}
	if r.query.Get("with_user_count") == "true" {
		out["user_count"] = len(e.interested)
	}
	return out
}

// eventFields is a create or modify body. A pointer is nil when its field is absent or
// null; present tells those apart where it matters (a null description clears it, a null
// end or location is refused).
type eventFields struct {
	ChannelID      *string `json:"channel_id"`
	EntityType     *int    `json:"entity_type"`
	PrivacyLevel   *int    `json:"privacy_level"`
	Name           *string `json:"name"`
	Description    *string `json:"description"`
	Start          *string `json:"scheduled_start_time"`
	End            *string `json:"scheduled_end_time"`
	Status         *int    `json:"status"`
	EntityMetadata *struct {
		Location *string `json:"location"`
	} `json:"entity_metadata"`
	present map[string]json.RawMessage
}

func parseEventFields(raw []byte) (eventFields, error) {
	var f eventFields
	if err := json.Unmarshal(raw, &f.present); err != nil {
		return f, err
	}
	return f, json.Unmarshal(raw, &f)
}

// apply validates the fields as Discord does for an EXTERNAL event and writes them into e,
// which holds the event as it is (zero when creating). Every required field must be there
// when creating; when modifying, absent fields keep their value. Status is the caller's.
func (f eventFields) apply(e *ScheduledEvent, creating bool, now time.Time) formErrors {
	errs := formErrors{}
	if f.ChannelID != nil {
		errs.add("channel_id", "GUILD_SCHEDULED_EVENT_CHANNEL_NOT_NULL", "Must be null for an event of entity type EXTERNAL.")
	}
	if (creating && f.EntityType == nil) || (f.EntityType != nil && *f.EntityType != int(discordgo.GuildScheduledEventEntityTypeExternal)) {
		errs.add("entity_type", "BASE_TYPE_CHOICES", "Value must be one of {3}: the fake models EXTERNAL events only.")
	}
	if (creating && f.PrivacyLevel == nil) || (f.PrivacyLevel != nil && *f.PrivacyLevel != int(discordgo.GuildScheduledEventPrivacyLevelGuildOnly)) {
		errs.add("privacy_level", "BASE_TYPE_CHOICES", "Value must be one of {2}.")
	}
	if _, has := f.present["name"]; has || creating {
		e.Name = requireLen(errs, "name", f.Name, 100)
	}
	if _, has := f.present["description"]; has {
		e.Description = ""
		if f.Description != nil {
			maxLen(errs, "description", *f.Description, 1000)
			e.Description = *f.Description
		}
	}
	if _, has := f.present["entity_metadata"]; has || creating {
		var location *string
		if f.EntityMetadata != nil {
			location = f.EntityMetadata.Location
		}
		e.Location = requireLen(errs, "entity_metadata.location", location, 100)
	}
	f.applyTimes(e, creating, now, errs)
	return errs
}

// applyTimes checks and sets the scheduled times: both required for EXTERNAL, the start
// not in the past and not moved once the event is ACTIVE, the end after the start.
func (f eventFields) applyTimes(e *ScheduledEvent, creating bool, now time.Time, errs formErrors) {
	if _, has := f.present["scheduled_start_time"]; has || creating {
		start, ok := requireTime(errs, "scheduled_start_time", f.Start)
		switch {
		case !ok:
		case e.Status == discordgo.GuildScheduledEventStatusActive && !start.Equal(e.Start):
			errs.add("scheduled_start_time", "GUILD_SCHEDULED_EVENT_CANNOT_UPDATE_START_TIME", "Cannot update the start time of an active event.")
		case start.Before(now) && !start.Equal(e.Start):
			errs.add("scheduled_start_time", "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST", "Cannot schedule event in the past.")
		default:
			e.Start = start
		}
	}
	if _, has := f.present["scheduled_end_time"]; has || creating {
		if end, ok := requireTime(errs, "scheduled_end_time", f.End); ok {
			e.End = end
		}
	}
	if len(errs["scheduled_start_time"]) == 0 && len(errs["scheduled_end_time"]) == 0 && !e.End.After(e.Start) {
		errs.add("scheduled_end_time", "GUILD_SCHEDULED_EVENT_END_BEFORE_START", "Cannot schedule event to end before starting.")
	}
}

// requireLen returns *v, adding an error when it is missing or not 1 to limit characters.
func requireLen(errs formErrors, path string, v *string, limit int) string {
	if v == nil {
		errs.add(path, "BASE_TYPE_REQUIRED", "This field is required")
		return ""
	}
	if n := utf8.RuneCountInString(*v); n < 1 || n > limit {
		errs.add(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and %d in length.", limit)
	}
	return *v
}

// requireTime parses *v as an ISO8601 timestamp, adding an error when it is missing or not
// one.
func requireTime(errs formErrors, path string, v *string) (time.Time, bool) {
	if v == nil {
		errs.add(path, "BASE_TYPE_REQUIRED", "This field is required")
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, *v)
	if err != nil {
		errs.add(path, "DATE_TIME_TYPE_PARSE", "Could not parse %s. Should be ISO8601.", *v)
		return time.Time{}, false
	}
	return t, true
}
