package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Discord's interaction deadlines: the first answer within 3 s, then the token (for
// @original edits and follow-ups) lives 15 minutes.
const (
	answerWindow = 3 * time.Second
	tokenLife    = 15 * time.Minute
)

// interaction is the fake's memory of one dispatched interaction. Guarded by Server.mu.
type interaction struct {
	id, token          string
	kind               discordgo.InteractionType
	channelID, guildID string
	created            time.Time
	responded          bool
	sourceMsgID        string // the message a component (or its modal) sits on
	originalID         string // what @original names once answered
	// notInstalled marks an interaction in a server the app is not installed in; Discord
	// then holds public answers to the member's permissions (memberPerms).
	notInstalled bool
	memberPerms  int64
}

// Response is an interaction callback as the fake understood it.
type Response struct {
	InteractionID string
	Type          discordgo.InteractionResponseType
	// MessageID is the message the response created (types 4 and 5) or names as
	// @original (types 6 and 7, the message the component sits on).
	MessageID  string
	Choices    []*discordgo.ApplicationCommandOptionChoice // type 8
	CustomID   string                                      // type 9
	Title      string                                      // type 9
	Components []discordgo.MessageComponent                // type 9
	Time       time.Time
}

// Responses returns every accepted interaction callback, in order.
func (s *Server) Responses() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.state.responses)
}

// Response returns the accepted callback of an interaction, if there was one.
func (s *Server) Response(interactionID string) (Response, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.state.responses {
		if r.InteractionID == interactionID {
			return r, true
		}
	}
	return Response{}, false
}

// Interact dispatches i as INTERACTION_CREATE on the gateway session. It fills, in place,
// a missing ID, token, application ID and version (1), and adds what Discord sends beyond
// discordgo's struct (the partial channel and guild, entitlements, context); a component
// interaction whose Message is stored here carries that message in full. The answer
// window (3 s) starts now. While the client is disconnected the event waits in the
// session's backlog and is replayed when the client resumes; ErrNoSession means no client
// has identified yet.
func (s *Server) Interact(i *discordgo.Interaction) error {
	payload, err := s.prepare(i)
	if err != nil {
		return err
	}
	if err := s.gw.dispatch("INTERACTION_CREATE", payload); err != nil {
		s.forget(i)
		return err
	}
	return nil
}

// prepare fills and remembers i and renders its payload. It remembers i before the
// dispatch because the bot may answer before dispatch returns.
func (s *Server) prepare(i *discordgo.Interaction) (map[string]any, error) {
	s.fillInteraction(i)
	s.mu.Lock()
	defer s.mu.Unlock()
	payload, err := s.interactionPayload(i)
	if err == nil {
		s.remember(i)
	}
	return payload, err
}

// forget drops an interaction that was never delivered.
func (s *Server) forget(i *discordgo.Interaction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.state.interactions, i.ID)
	delete(s.state.byToken, i.Token)
}

func (s *Server) fillInteraction(i *discordgo.Interaction) {
	if i.ID == "" {
		i.ID = s.newID()
	}
	if i.Token == "" {
		i.Token = "fake-interaction-token-" + i.ID + "-" + randomHex(8)
	}
	if i.AppID == "" {
		i.AppID = s.opts.ApplicationID
	}
	if i.Version == 0 {
		i.Version = 1
	}
}

// interactionPayload renders i in Discord's JSON shape. Callers hold s.mu.
func (s *Server) interactionPayload(i *discordgo.Interaction) (map[string]any, error) {
	b, err := json.Marshal(i)
	if err != nil {
		return nil, fmt.Errorf("fakediscord: encode interaction: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("fakediscord: re-decode interaction: %w", err)
	}
	if i.Message != nil {
		// discordgo does not encode Message.Components; the stored message has them.
		if stored, ok := s.state.messages[i.Message.ID]; ok {
			m["message"] = s.wire(*stored)
		}
	}
	tidyInteraction(m, i)
	userID := ""
	if i.Member != nil && i.Member.User != nil {
		userID = i.Member.User.ID
	}
	if i.User != nil {
		userID = i.User.ID
	}
	m["channel"] = s.channelJSON(s.channel(i.ChannelID))
	m["entitlements"] = []any{}
	if i.GuildID != "" {
		m["guild"] = map[string]any{"id": i.GuildID, "locale": "en-US", "features": []string{}}
	}
	if i.AuthorizingIntegrationOwners == nil {
		// Built by hand rather than by the builders: the bot added to the server.
		ctx := InteractionContext{GuildID: i.GuildID, Member: Member{ID: userID}}
		m["authorizing_integration_owners"], m["context"] = ctx.owners(), ctx.context()
	}
	return m, nil
}

// tidyInteraction removes what discordgo's encoding adds but Discord does not send
// (null member/user/message, empty guild_id and target_id, users with email and token
// fields) so handlers see the documented shape.
func tidyInteraction(m map[string]any, i *discordgo.Interaction) {
	prune(m, "member", "user", "message", "guild_locale", "guild_id")
	if i.Member != nil && i.Member.User != nil {
		tidyMember(m["member"].(map[string]any))
		m["member"].(map[string]any)["user"] = toWireUser(*i.Member.User)
	}
	if i.User != nil {
		m["user"] = toWireUser(*i.User)
	}
	data, _ := m["data"].(map[string]any)
	prune(data, "target_id", "values", "options")
	resolved, _ := data["resolved"].(map[string]any)
	prune(resolved, "users", "members", "roles", "channels", "messages", "attachments")
	if len(resolved) == 0 {
		delete(data, "resolved")
	}
	tidyResolved(resolved, i)
}

// tidyResolved renders resolved users and channels as Discord does and leaves resolved
// members partial.
func tidyResolved(resolved map[string]any, i *discordgo.Interaction) {
	cmd, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok || cmd.Resolved == nil {
		return
	}
	users, _ := resolved["users"].(map[string]any)
	for id, u := range cmd.Resolved.Users {
		users[id] = toWireUser(*u)
	}
	members, _ := resolved["members"].(map[string]any)
	for _, mem := range members {
		tidyMember(mem.(map[string]any))
	}
	channels, _ := resolved["channels"].(map[string]any)
	var perms int64
	if i.Member != nil {
		perms = i.Member.Permissions
	}
	for id, ch := range cmd.Resolved.Channels {
		channels[id] = partialChannel(ch, perms)
	}
}

// tidyMember drops fields a member object in an interaction does not carry and turns
// empty optional strings into the nulls Discord sends.
func tidyMember(mem map[string]any) {
	prune(mem, "guild_id", "banner", "user")
	for _, k := range []string{"nick", "avatar"} {
		if mem[k] == "" {
			mem[k] = nil
		}
	}
}

// prune deletes the keys whose value is null or "".
func prune(m map[string]any, keys ...string) {
	for _, k := range keys {
		if v, ok := m[k]; ok && (v == nil || v == "") {
			delete(m, k)
		}
	}
}

// remember stores what later callbacks and webhook calls need. Callers hold s.mu.
func (s *Server) remember(i *discordgo.Interaction) {
	in := &interaction{id: i.ID, token: i.Token, kind: i.Type, channelID: i.ChannelID, guildID: i.GuildID, created: s.clock()}
	if i.Message != nil {
		in.sourceMsgID = i.Message.ID
	}
	in.notInstalled = i.GuildID != "" && i.AuthorizingIntegrationOwners != nil &&
		i.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationGuildInstall] != i.GuildID
	if i.Member != nil {
		in.memberPerms = i.Member.Permissions
	}
	s.state.interactions[in.id] = in
	s.state.byToken[in.token] = in
	if i.Member != nil && i.Member.User != nil {
		s.state.users[i.Member.User.ID] = *i.Member.User
	}
	if i.User != nil {
		s.state.users[i.User.ID] = *i.User
	}
}

// allowedResponses lists the callback types Discord accepts per interaction type.
func allowedResponses(in *interaction) []discordgo.InteractionResponseType {
	switch in.kind {
	case discordgo.InteractionPing:
		return []discordgo.InteractionResponseType{discordgo.InteractionResponsePong}
	case discordgo.InteractionApplicationCommand:
		return []discordgo.InteractionResponseType{4, 5, 9}
	case discordgo.InteractionMessageComponent:
		return []discordgo.InteractionResponseType{4, 5, 6, 7, 9}
	case discordgo.InteractionApplicationCommandAutocomplete:
		return []discordgo.InteractionResponseType{8}
	case discordgo.InteractionModalSubmit:
		if in.sourceMsgID != "" {
			return []discordgo.InteractionResponseType{4, 5, 6, 7}
		}
		return []discordgo.InteractionResponseType{4, 5}
	}
	return nil
}

// callback answers POST /interactions/{id}/{token}/callback.
func (s *Server) callback(r *request) reply {
	in := s.state.interactions[r.params["interaction"]]
	if in == nil || in.token != r.params["token"] || r.now.Sub(in.created) > answerWindow {
		return apiError(http.StatusNotFound, 10062, "Unknown interaction")
	}
	if in.responded {
		return apiError(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
	}
	var cb struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	if err := json.Unmarshal(r.raw, &cb); err != nil {
		return bodyError(err)
	}
	if !slices.Contains(allowedResponses(in), cb.Type) {
		errs := formErrors{}
		errs.add("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Interaction response type %d is not valid for interaction type %d", cb.Type, in.kind)
		return invalidForm(errs)
	}
	resp := Response{InteractionID: in.id, Type: cb.Type, Time: r.now}
	events, rep, failed := s.applyResponse(r, in, cb.Data, &resp)
	if failed {
		return rep
	}
	in.responded, in.originalID = true, resp.MessageID
	s.state.responses = append(s.state.responses, resp)
	events = append([]Event{{Kind: InteractionResponded, Response: resp}}, events...)
	return reply{status: http.StatusNoContent, events: events}
}

// applyResponse carries out one callback type, filling resp. failed means rep is an error.
func (s *Server) applyResponse(r *request, in *interaction, data json.RawMessage, resp *Response) (events []Event, rep reply, failed bool) {
	p, err := parsePayload(nullToEmpty(data), r.files)
	if err != nil {
		return nil, bodyError(err), true
	}
	switch resp.Type {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		return s.replyMessage(r, in, p, resp)
	case discordgo.InteractionResponseDeferredMessageUpdate:
		resp.MessageID = in.sourceMsgID
	case discordgo.InteractionResponseUpdateMessage:
		return s.updateSource(r, in, data, resp)
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		rep, failed = decodeChoices(data, resp)
	case discordgo.InteractionResponseModal:
		rep, failed = decodeModal(data, resp)
	}
	if failed {
		return nil, rep, true
	}
	return nil, reply{}, false
}

func nullToEmpty(data json.RawMessage) []byte {
	if string(data) == "null" {
		return nil
	}
	return data
}

// replyMessage creates the reply (type 4) or the "thinking" placeholder (type 5) that
// @original then names.
func (s *Server) replyMessage(r *request, in *interaction, p payload, resp *Response) ([]Event, reply, bool) {
	m := s.newBotMessage(in.channelID, in.guildID, r.now)
	m.InteractionID = in.id
	if in.kind == discordgo.InteractionApplicationCommand {
		m.Type = discordgo.MessageTypeChatInputCommand
	}
	var err error
	if resp.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
		// A deferred reply keeps only the ephemeral choice; content comes with the edit.
		m.Flags = discordgo.MessageFlagsLoading
		err = p.applyOnly("flags", m, discordgo.MessageFlagsEphemeral)
	} else {
		*m, err = p.apply(*m, interactionFlags)
	}
	if err != nil {
		return nil, bodyError(err), true
	}
	if rep, bad := in.holdToMember(m); bad {
		return nil, rep, true
	}
	if resp.Type == discordgo.InteractionResponseChannelMessageWithSource {
		if rep, bad := checkMessage(*m); bad {
			return nil, rep, true
		}
	}
	s.storeMessage(m)
	resp.MessageID = m.ID
	return []Event{{Kind: MessageCreated, Message: *m}}, reply{}, false
}

// holdToMember applies what Discord does to a public answer of an app that is not
// installed in the server (a user install): it is made ephemeral without the member's Use
// External Apps, and refused without their Send Messages (application.mdx, permissions.mdx).
func (in *interaction) holdToMember(m *Message) (reply, bool) {
	if !in.notInstalled || m.Flags&discordgo.MessageFlagsEphemeral != 0 || in.memberPerms&discordgo.PermissionAdministrator != 0 {
		return reply{}, false
	}
	if in.memberPerms&discordgo.PermissionUseExternalApps == 0 {
		m.Flags |= discordgo.MessageFlagsEphemeral
		return reply{}, false
	}
	if in.memberPerms&discordgo.PermissionSendMessages == 0 {
		return apiError(http.StatusForbidden, 50013, "Missing Permissions"), true
	}
	return reply{}, false
}

// applyOnly applies a single field of the payload to m.
func (p payload) applyOnly(key string, m *Message, allowed discordgo.MessageFlags) error {
	raw, ok := p.fields[key]
	if !ok {
		return nil
	}
	updated, err := payload{fields: map[string]json.RawMessage{key: raw}}.apply(*m, allowed)
	*m = updated
	return err
}

// updateSource applies a type 7 callback to the message the component sits on. Every key
// discordgo sends replaces the field, so unset content or components clear them.
func (s *Server) updateSource(r *request, in *interaction, data json.RawMessage, resp *Response) ([]Event, reply, bool) {
	src, ok := s.state.messages[in.sourceMsgID]
	if !ok {
		return nil, unknownMessage(), true
	}
	rep := s.edit(&request{raw: nullToEmpty(data), files: r.files, now: r.now}, src, editFlags)
	if rep.status != http.StatusOK {
		return nil, rep, true
	}
	resp.MessageID = src.ID
	return rep.events, reply{}, false
}

// decodeChoices reads an autocomplete result; Discord takes at most 25 choices, each with
// a name and (for a string) a value of 1–100 characters.
func decodeChoices(data json.RawMessage, resp *Response) (reply, bool) {
	var d struct {
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return bodyError(err), true
	}
	errs := formErrors{}
	if len(d.Choices) > 25 {
		errs.add("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	checkChoices("data.choices", d.Choices, errs)
	if len(errs) > 0 {
		return invalidForm(errs), true
	}
	resp.Choices = d.Choices
	return reply{}, false
}

func decodeModal(data json.RawMessage, resp *Response) (reply, bool) {
	var d struct {
		CustomID   string          `json:"custom_id"`
		Title      string          `json:"title"`
		Components json.RawMessage `json:"components"`
	}
	err := json.Unmarshal(data, &d)
	if err == nil {
		resp.Components, err = decodeComponents(d.Components)
	}
	if err != nil {
		return bodyError(err), true
	}
	resp.CustomID, resp.Title = d.CustomID, d.Title
	return reply{}, false
}

// webhookInteraction resolves /webhooks/{app}/{token} to a live interaction.
func (s *Server) webhookInteraction(r *request) (*interaction, reply, bool) {
	if r.params["app"] != s.opts.ApplicationID {
		return nil, apiError(http.StatusNotFound, 10015, "Unknown Webhook"), false
	}
	in := s.state.byToken[r.params["token"]]
	if in == nil || r.now.Sub(in.created) > tokenLife {
		return nil, apiError(http.StatusUnauthorized, 50027, "Invalid Webhook Token"), false
	}
	return in, reply{}, true
}

// webhookMessage resolves {message} ("@original" or a follow-up ID) for the interaction.
func (s *Server) webhookMessage(r *request) (*Message, reply, bool) {
	in, rep, ok := s.webhookInteraction(r)
	if !ok {
		return nil, rep, false
	}
	id := r.params["message"]
	if id == "@original" {
		id = in.originalID
	}
	m, found := s.state.messages[id]
	if !found || (m.InteractionID != in.id && id != in.originalID) {
		return nil, unknownMessage(), false
	}
	return m, reply{}, true
}

func (s *Server) getWebhookMessage(r *request) reply {
	m, rep, found := s.webhookMessage(r)
	if !found {
		return rep
	}
	return jsonOK(s.wire(*m))
}

func (s *Server) editWebhookMessage(r *request) reply {
	m, rep, found := s.webhookMessage(r)
	if !found {
		return rep
	}
	return s.edit(r, m, editFlags)
}

func (s *Server) deleteWebhookMessage(r *request) reply {
	m, rep, found := s.webhookMessage(r)
	if !found {
		return rep
	}
	return s.remove(m)
}

// followup answers POST /webhooks/{app}/{token}. After a deferred reply (type 5) the
// first follow-up fills the "thinking" message instead of posting a new one, as Discord
// does. The message comes back only with ?wait=true; otherwise the answer is 204.
func (s *Server) followup(r *request) reply {
	in, rep, found := s.webhookInteraction(r)
	if !found {
		return rep
	}
	if !in.responded {
		return apiError(http.StatusNotFound, 10015, "Unknown Webhook")
	}
	if orig, ok := s.state.messages[in.originalID]; ok && orig.Flags&discordgo.MessageFlagsLoading != 0 {
		rep = s.edit(r, orig, editFlags)
		if rep.status == http.StatusOK {
			rep.events[0].Kind = MessageCreated // the member sees it appear, not change
		}
	} else {
		rep = s.newFollowup(r, in)
	}
	if rep.status == http.StatusOK && r.query.Get("wait") != "true" {
		rep.status, rep.body = http.StatusNoContent, nil
	}
	return rep
}

func (s *Server) newFollowup(r *request, in *interaction) reply {
	p, err := parsePayload(r.raw, r.files)
	if err != nil {
		return bodyError(err)
	}
	m := s.newBotMessage(in.channelID, in.guildID, r.now)
	m.InteractionID = in.id
	if *m, err = p.apply(*m, interactionFlags); err != nil {
		return bodyError(err)
	}
	if rep, bad := checkMessage(*m); bad {
		return rep
	}
	s.storeMessage(m)
	return reply{status: http.StatusOK, body: s.wire(*m), events: []Event{{Kind: MessageCreated, Message: *m}}}
}
