package fakediscord

import (
	"math"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"
	"weak"
)

// Discord's limit on edits of messages older than an hour: "Messages older than 1 hour may
// only be edited 3 times per 6-second window per channel" (discord-userdoccers,
// pages/resources/message.mdx, Edit Message). Over it Discord answers 429 with JSON error
// code 30046 ("Maximum number of edits to messages older than 1 hour reached. Try again
// later", opcodes-and-status-codes.mdx), not a 400: a discord.py traceback in
// aikaterna/aikaterna-cogs#302 reads "429 Too Many Requests (error code: 30046)".
const (
	oldEditsPerWindow = 3
	oldEditWindow     = 6 * time.Second
	codeOldEditLimit  = 30046
)

// channelRules is what the fake knows of the bot's standing in each channel beyond state:
// where it lacks Embed Links, and its recent edits of hour-old messages. Guarded by
// Server.mu like state.
type channelRules struct {
	noEmbeds map[string]bool        // channel IDs where the bot lacks Embed Links (DenyEmbeds)
	oldEdits map[string][]time.Time // channel ID -> accepted edits of hour-old messages, oldest first
}

// rulesByServer holds each Server's channelRules beside state (record.go), only because
// this file was added without changing the shared state (events.go's eventStores does the
// same for scheduled events).
var rulesByServer = perServer[channelRules]{fresh: func() *channelRules {
	return &channelRules{noEmbeds: map[string]bool{}, oldEdits: map[string][]time.Time{}}
}}

// rules returns s's channelRules. Callers hold s.mu.
func (s *Server) rules() *channelRules { return rulesByServer.of(s) }

// perServer keeps one T per Server. Keys are weak and a cleanup drops the entry, so a
// Server nobody references takes its T with it.
type perServer[T any] struct {
	mu    sync.Mutex
	m     map[weak.Pointer[Server]]*T
	fresh func() *T
}

// of returns s's T, making it with fresh on first use.
func (p *perServer[T]) of(s *Server) *T {
	key := weak.Make(s)
	p.mu.Lock()
	defer p.mu.Unlock()
	if v, ok := p.m[key]; ok {
		return v
	}
	if p.m == nil {
		p.m = map[weak.Pointer[Server]]*T{}
	}
	v := p.fresh()
	p.m[key] = v
	runtime.AddCleanup(s, func(k weak.Pointer[Server]) {
		p.mu.Lock()
		defer p.mu.Unlock()
		delete(p.m, k)
	}, key)
	return v
}

// DenyEmbeds takes Embed Links from the bot in channelID, as a channel override denying it
// does. Discord then neither refuses nor warns: a message the bot posts or edits there is
// stored, and answered (200), without its embeds. Interaction responses, which are sent
// through the application's webhook, keep theirs.
func (s *Server) DenyEmbeds(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules().noEmbeds[channelID] = true
}

// AllowEmbeds undoes DenyEmbeds.
func (s *Server) AllowEmbeds(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.rules().noEmbeds, channelID)
}

// withoutDeniedEmbeds drops m's embeds when the bot lacks Embed Links in its channel, as
// Discord does silently. Callers hold s.mu.
func (s *Server) withoutDeniedEmbeds(m Message) Message {
	if s.rules().noEmbeds[m.ChannelID] {
		m.Embeds = nil
	}
	return m
}

// oldEditRefused answers 429 with code 30046 when channelID already had oldEditsPerWindow
// accepted edits of hour-old messages within the oldEditWindow before now, which is the
// fake's clock (SetNow), like the hour itself: a test that holds the clock still holds the
// window too. Callers hold s.mu.
func (s *Server) oldEditRefused(channelID string, now time.Time) (reply, bool) {
	r := s.rules()
	recent := r.oldEdits[channelID]
	for len(recent) > 0 && now.Sub(recent[0]) >= oldEditWindow {
		recent = recent[1:]
	}
	r.oldEdits[channelID] = recent
	if len(recent) < oldEditsPerWindow {
		return reply{}, false
	}
	return oldEditLimited(recent[0].Add(oldEditWindow).Sub(now), channelID), true
}

// recordOldEdit counts an accepted edit of an hour-old message in channelID. Callers hold
// s.mu.
func (s *Server) recordOldEdit(channelID string, now time.Time) {
	r := s.rules()
	r.oldEdits[channelID] = append(r.oldEdits[channelID], now)
}

// oldEditLimited is Discord's 429 for the hour-old edit limit. It is a per-resource (the
// channel's) limit, so it is shaped as rate-limits.mdx's "Exceeded Resource Rate Limit
// Response": Retry-After and retry_after give the limit's wait, X-RateLimit-Scope is
// "shared", and the other X-RateLimit-* headers are the route's own bucket, which this
// refusal did not empty (a client that reads them keeps editing younger messages at once).
// Unlike a plain rate limit its body carries the error code (the docs' optional "code").
func oldEditLimited(after time.Duration, channelID string) reply {
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(after.Seconds()))))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "4")
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(5*time.Second).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", "5.000")
	h.Set("X-RateLimit-Bucket", bucketID("PATCH /channels/"+channelID+"/messages"))
	h.Set("X-RateLimit-Scope", "shared")
	body := map[string]any{
		"message":     "Maximum number of edits to messages older than 1 hour reached. Try again later",
		"code":        codeOldEditLimit,
		"retry_after": after.Seconds(),
		"global":      false,
	}
	return reply{status: http.StatusTooManyRequests, body: body, header: h}
}
