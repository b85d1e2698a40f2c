package fakediscord

import (
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// fault is one FailNext rule.
type fault struct {
	method     string
	pathPrefix string
	status     int
	retryAfter time.Duration
	left       int
}

// FailNext makes the next count requests whose method equals method ("" for any) and
// whose path, without the /api/v{N} prefix, starts with pathPrefix (e.g.
// "/channels/42/messages") fail with status before any route runs, leaving no trace but
// the recorded call.
//
// A 429 answers like a per-route Discord rate limit: body
// {"message":"You are being rate limited.","retry_after":<seconds>,"global":false} and the
// Retry-After (whole seconds, rounded up) and X-RateLimit-* headers, so discordgo waits
// retryAfter and retries. Other statuses answer {"message":"<status>: <text>","code":0};
// discordgo retries a 502 up to Session.MaxRestRetries times and returns the others as a
// *discordgo.RESTError. Rules are tried in the order they were added; a count below 1
// adds none.
func (s *Server) FailNext(method, pathPrefix string, status int, retryAfter time.Duration, count int) {
	if count < 1 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.faults = append(s.state.faults, &fault{method: method, pathPrefix: pathPrefix, status: status, retryAfter: retryAfter, left: count})
}

// ForbidChannel makes every write (POST, PATCH, PUT, DELETE) to /channels/{channelID}/...
// answer 403 {"message":"Missing Permissions","code":50013}, as when the bot lacks Send
// Messages there. Reads still work.
func (s *Server) ForbidChannel(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.forbidden[channelID] = true
}

// DeleteChannel makes every /channels/{channelID}/... request answer 404
// {"message":"Unknown Channel","code":10003} and forgets the channel's messages.
func (s *Server) DeleteChannel(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.deleted[channelID] = true
	for _, id := range s.state.channelMsgs[channelID] {
		delete(s.state.messages, id)
	}
	delete(s.state.channelMsgs, channelID)
}

// injectedFault consumes the first matching FailNext rule. Callers hold s.mu.
func (s *Server) injectedFault(r *request) (reply, bool) {
	for i, f := range s.state.faults {
		if (f.method != "" && f.method != r.method) || !strings.HasPrefix(r.path, f.pathPrefix) {
			continue
		}
		f.left--
		if f.left <= 0 {
			s.state.faults = append(s.state.faults[:i:i], s.state.faults[i+1:]...)
		}
		if f.status == http.StatusTooManyRequests {
			return rateLimited(f.retryAfter, r.path), true
		}
		return apiError(f.status, 0, fmt.Sprintf("%d: %s", f.status, http.StatusText(f.status))), true
	}
	return reply{}, false
}

// rateLimited is Discord's answer to a request over a per-route limit.
func rateLimited(after time.Duration, bucket string) reply {
	secs := retryAfterSeconds(after)
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(after.Seconds()))))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(after).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", secs)
	h.Set("X-RateLimit-Bucket", bucketID(bucket))
	h.Set("X-RateLimit-Scope", "user")
	body := map[string]any{"message": "You are being rate limited.", "retry_after": after.Seconds(), "global": false}
	return reply{status: http.StatusTooManyRequests, body: body, header: h}
}

// bucketID gives each route a stable opaque bucket ID, as Discord's hashes are.
func bucketID(route string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(route)) // hash writes never fail.
	return fmt.Sprintf("%x", h.Sum64())
}

// channelGuard answers for a deleted or forbidden channel; ok means the request may go on.
// Callers hold s.mu.
func (s *Server) channelGuard(r *request) (reply, bool) {
	ch := r.params["channel"]
	if s.state.deleted[ch] {
		return apiError(http.StatusNotFound, 10003, "Unknown Channel"), false
	}
	if r.method != http.MethodGet && s.state.forbidden[ch] {
		return apiError(http.StatusForbidden, 50013, "Missing Permissions"), false
	}
	return reply{}, true
}

// retryAfterSeconds renders d as Discord's fractional seconds.
func retryAfterSeconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}

// CloseDMs makes the member userID refuse direct messages from the bot, as when they turned
// off "Direct messages from server members" or share no server with it: opening the DM
// channel still succeeds, but every POST /channels/{dm}/messages there answers 403
// {"message":"Cannot send messages to this user","code":50007}.
func (s *Server) CloseDMs(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.dmsClosed[userID] = true
}

// OpenDMs undoes CloseDMs.
func (s *Server) OpenDMs(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.state.dmsClosed, userID)
}

// ThrottleDMOpens makes the next count POST /users/@me/channels answer 403
// {"message":"You are opening direct messages too fast","code":40003}, Discord's refusal
// (403 with that code, as clients report it) when a bot opens DMs faster than it allows.
func (s *Server) ThrottleDMOpens(count int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.dmThrottle += max(count, 0)
}

// dmOpenThrottled consumes one ThrottleDMOpens refusal. Callers hold s.mu.
func (s *Server) dmOpenThrottled() (reply, bool) {
	if s.state.dmThrottle <= 0 {
		return reply{}, false
	}
	s.state.dmThrottle--
	return apiError(http.StatusForbidden, 40003, "You are opening direct messages too fast"), true
}

// dmGuard refuses a message to a DM channel whose recipient closed their DMs. Callers hold
// s.mu.
func (s *Server) dmGuard(ch channelInfo) (reply, bool) {
	if ch.Type == discordgo.ChannelTypeDM && ch.Recipient != nil && s.state.dmsClosed[ch.Recipient.ID] {
		return apiError(http.StatusForbidden, 50007, "Cannot send messages to this user"), false
	}
	return reply{}, true
}
