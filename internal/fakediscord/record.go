package fakediscord

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// state is everything the fake remembers; guarded by Server.mu.
type state struct {
	messages     map[string]*Message
	channelMsgs  map[string][]string // channel ID -> message IDs, oldest first
	interactions map[string]*interaction
	byToken      map[string]*interaction
	channels     map[string]channelInfo
	roles        map[string]roleInfo // role ID -> role (AddRole)
	users        map[string]discordgo.User
	commands     map[string][]*discordgo.ApplicationCommand // guild ID ("" = global) -> commands
	responses    []Response
	calls        []Call
	callAdded    chan struct{} // closed and replaced whenever a call is recorded
	subs         map[int]func(Event)
	nextSub      int
	faults       []*fault
	forbidden    map[string]bool
	deleted      map[string]bool
	dmsClosed    map[string]bool // user IDs whose DMs refuse the bot (CloseDMs)
	dmThrottle   int             // DM opens still to refuse with 40003 (ThrottleDMOpens)
	rate         rateMeter
	routeCounts  map[string]int
}

func newState() state {
	return state{
		messages: map[string]*Message{}, channelMsgs: map[string][]string{},
		interactions: map[string]*interaction{}, byToken: map[string]*interaction{},
		channels: map[string]channelInfo{}, roles: map[string]roleInfo{}, users: map[string]discordgo.User{},
		commands: map[string][]*discordgo.ApplicationCommand{}, callAdded: make(chan struct{}),
		subs: map[int]func(Event){}, forbidden: map[string]bool{}, deleted: map[string]bool{},
		routeCounts: map[string]int{}, dmsClosed: map[string]bool{},
	}
}

// Call is one REST request the fake received, with the status it answered.
type Call struct {
	Method string
	Path   string // as requested, with the /api/v{N} prefix, without the query
	// Route names the matched route, e.g. "POST /channels/{channel}/messages"; for an
	// unknown route it is the method and path.
	Route string
	Query url.Values
	// Body is the decoded JSON body, or the payload_json part of a multipart body:
	// map[string]any, []any, or nil when there was none.
	Body any
	// RawBody is the JSON that Body was decoded from.
	RawBody []byte
	Files   []Attachment // the files of a multipart body
	Status  int
	Time    time.Time // on the fake's clock
}

// Decode unmarshals the call's JSON body into v, e.g. a *discordgo.MessageSend.
func (c Call) Decode(v any) error {
	if len(c.RawBody) == 0 {
		return errors.New("fakediscord: call has no body")
	}
	return json.Unmarshal(c.RawBody, v)
}

// Calls returns every REST call so far, in arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.state.calls)
}

// WaitForCall returns the earliest recorded call, past or future, for which match returns
// true, or an error once timeout has passed without one. match runs without locks held.
func (s *Server) WaitForCall(match func(Call) bool, timeout time.Duration) (Call, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	seen := 0
	for {
		s.mu.Lock()
		calls, added := s.state.calls[seen:], s.state.callAdded
		s.mu.Unlock()
		for _, c := range calls {
			if match(c) {
				return c, nil
			}
		}
		seen += len(calls)
		select {
		case <-added:
		case <-deadline.C:
			return Call{}, fmt.Errorf("fakediscord: no matching call within %v (%d calls seen)", timeout, seen)
		}
	}
}

// record appends a call and wakes WaitForCall. Callers hold s.mu.
func (s *Server) record(c Call) {
	s.state.calls = append(s.state.calls, c)
	close(s.state.callAdded)
	s.state.callAdded = make(chan struct{})
}

// EventKind says what changed.
type EventKind int

// The kinds of Event.
const (
	MessageCreated EventKind = iota + 1
	MessageEdited
	MessageDeleted
	InteractionResponded
)

func (k EventKind) String() string {
	switch k {
	case MessageCreated:
		return "message created"
	case MessageEdited:
		return "message edited"
	case MessageDeleted:
		return "message deleted"
	case InteractionResponded:
		return "interaction responded"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one change the bot made, for a live feed such as the sandbox console.
type Event struct {
	Kind EventKind
	// Message is the message after the change (before it, for MessageDeleted); zero for
	// InteractionResponded, which is followed by MessageCreated or MessageEdited when the
	// response made or changed a message.
	Message  Message
	Response Response // set for InteractionResponded
}

// Subscribe calls fn for every event from now on, in the order the changes happened, on
// the goroutine that serves the request, before that request is recorded as a Call (so a
// WaitForCall that sees the call finds its events delivered). fn must return quickly and
// must not send REST requests to this server (that would deadlock); it may read Messages,
// Calls and the like.
// The returned function unsubscribes.
func (s *Server) Subscribe(fn func(Event)) (unsubscribe func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.state.nextSub
	s.state.nextSub++
	s.state.subs[id] = fn
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.state.subs, id)
	}
}

// emit delivers events to the subscribers. Callers hold s.handleMu, not s.mu.
func (s *Server) emit(events []Event) {
	if len(events) == 0 {
		return
	}
	s.mu.Lock()
	subs := slices.Collect(maps.Values(s.state.subs))
	s.mu.Unlock()
	for _, e := range events {
		for _, fn := range subs {
			fn(e)
		}
	}
}

// rateMeter tracks requests in a sliding one-second window of real time.
type rateMeter struct {
	window []time.Time
	peak   int
}

func (r *rateMeter) add(t time.Time) {
	r.window = append(r.window, t)
	cut := 0
	for cut < len(r.window) && t.Sub(r.window[cut]) >= time.Second {
		cut++
	}
	r.window = r.window[cut:]
	r.peak = max(r.peak, len(r.window))
}

// PeakRequestsPerSecond returns the most requests seen within any one-second window of
// real time, leaving out requests authenticated by an interaction token (callbacks and
// /webhooks/{app}/{token} routes): Discord exempts those from the global rate limit of
// 50 requests per second, so only the rest must be paced by the bot.
func (s *Server) PeakRequestsPerSecond() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.rate.peak
}

// RouteCounts returns how many requests each route received, keyed like Call.Route.
func (s *Server) RouteCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.state.routeCounts)
}
