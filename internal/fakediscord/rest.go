package fakediscord

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Flags a sender may set: on a channel message, on an interaction reply or follow-up, and
// in an edit (Discord lets edits toggle only embed suppression).
const (
	sendFlags        = discordgo.MessageFlagsSuppressEmbeds | discordgo.MessageFlagsSuppressNotifications
	interactionFlags = sendFlags | discordgo.MessageFlagsEphemeral
	editFlags        = discordgo.MessageFlagsSuppressEmbeds
)

// editWindow is how old a message may be before its edits count against Discord's limit on
// edits of hour-old messages (permissions.go, error 30046).
const editWindow = time.Hour

// routeTable lists the REST routes the bot uses. Handlers run with s.mu held.
func routeTable() []route {
	bot := func(method, pattern string, h func(*Server, *request) reply) route {
		return route{method: method, pattern: pattern, handle: requireBot(h)}
	}
	token := func(method, pattern string, h func(*Server, *request) reply) route {
		return route{method: method, pattern: pattern, handle: h, interactionToken: true}
	}
	return []route{
		{method: http.MethodGet, pattern: "/gateway", handle: (*Server).getGateway},
		bot(http.MethodGet, "/gateway/bot", (*Server).getGatewayBot),
		bot(http.MethodGet, "/users/@me", (*Server).getMe),
		bot(http.MethodPost, "/users/@me/channels", (*Server).createDM),
		bot(http.MethodGet, "/oauth2/applications/@me", (*Server).getApplication),
		bot(http.MethodGet, "/applications/{app}/commands", (*Server).getCommands),
		bot(http.MethodPut, "/applications/{app}/commands", (*Server).putCommands),
		bot(http.MethodGet, "/applications/{app}/guilds/{guild}/commands", (*Server).getCommands),
		bot(http.MethodPut, "/applications/{app}/guilds/{guild}/commands", (*Server).putCommands),
		token(http.MethodPost, "/interactions/{interaction}/{token}/callback", (*Server).callback),
		token(http.MethodPost, "/webhooks/{app}/{token}", (*Server).followup),
		token(http.MethodGet, "/webhooks/{app}/{token}/messages/{message}", (*Server).getWebhookMessage),
		token(http.MethodPatch, "/webhooks/{app}/{token}/messages/{message}", (*Server).editWebhookMessage),
		token(http.MethodDelete, "/webhooks/{app}/{token}/messages/{message}", (*Server).deleteWebhookMessage),
		bot(http.MethodGet, "/channels/{channel}", (*Server).getChannel),
		bot(http.MethodPost, "/channels/{channel}/messages", (*Server).postMessage),
		bot(http.MethodGet, "/channels/{channel}/messages/{message}", (*Server).getMessage),
		bot(http.MethodPatch, "/channels/{channel}/messages/{message}", (*Server).editMessage),
		bot(http.MethodDelete, "/channels/{channel}/messages/{message}", (*Server).deleteChannelMessage),
		bot(http.MethodPost, "/guilds/{guild}/scheduled-events", eventWrites((*Server).createScheduledEvent)),
		bot(http.MethodGet, "/guilds/{guild}/scheduled-events", (*Server).listScheduledEvents),
		bot(http.MethodGet, "/guilds/{guild}/scheduled-events/{event}", (*Server).getScheduledEvent),
		bot(http.MethodPatch, "/guilds/{guild}/scheduled-events/{event}", eventWrites((*Server).editScheduledEvent)),
		bot(http.MethodDelete, "/guilds/{guild}/scheduled-events/{event}", eventWrites((*Server).deleteScheduledEvent)),
		bot(http.MethodGet, "/guilds/{guild}/scheduled-events/{event}/users", (*Server).scheduledEventUsers),
	}
}

func (s *Server) getGateway(*request) reply {
	return jsonOK(map[string]any{"url": s.GatewayURL()})
}

func (s *Server) getGatewayBot(*request) reply {
	limit := map[string]any{"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": s.opts.MaxConcurrency}
	return jsonOK(map[string]any{"url": s.GatewayURL(), "shards": s.opts.Shards, "session_start_limit": limit})
}

func (s *Server) getMe(*request) reply {
	return jsonOK(s.botUserJSON())
}

// botUserJSON is the bot's user object as /users/@me and READY carry it.
func (s *Server) botUserJSON() map[string]any {
	u := toWireUser(s.bot)
	return map[string]any{
		"id": u.ID, "username": u.Username, "discriminator": u.Discriminator, "global_name": u.GlobalName,
		"avatar": nil, "bot": true, "verified": true, "mfa_enabled": false, "flags": 0, "email": nil,
	}
}

func (s *Server) getApplication(*request) reply {
	owner := wireUser{ID: "100000000000000001", Username: "owner", Discriminator: "0"}
	return jsonOK(map[string]any{
		"id": s.opts.ApplicationID, "name": s.bot.Username, "icon": nil, "description": "",
		"bot_public": true, "bot_require_code_grant": false, "verify_key": randomHex(32),
		"flags": 0, "owner": owner, "team": nil, "summary": "", "bot": toWireUser(s.bot),
	})
}

// channelInfo is what the fake knows of a channel. Every channel ID not deleted exists:
// unknown ones are guild text channels without a guild the fake knows.
type channelInfo struct {
	ID        string
	GuildID   string
	Name      string
	Type      discordgo.ChannelType
	Recipient *discordgo.User // DM channels only
}

// channel returns the known channel or a plain text channel. Callers hold s.mu.
func (s *Server) channel(id string) channelInfo {
	if ch, ok := s.state.channels[id]; ok {
		return ch
	}
	return channelInfo{ID: id, Name: "channel-" + id, Type: discordgo.ChannelTypeGuildText}
}

func (s *Server) channelJSON(ch channelInfo) map[string]any {
	var last any
	if ids := s.state.channelMsgs[ch.ID]; len(ids) > 0 {
		last = ids[len(ids)-1]
	}
	if ch.Type == discordgo.ChannelTypeDM {
		return map[string]any{"id": ch.ID, "type": ch.Type, "last_message_id": last, "flags": 0, "recipients": []wireUser{toWireUser(*ch.Recipient)}}
	}
	out := map[string]any{
		"id": ch.ID, "type": ch.Type, "name": ch.Name, "position": 0, "permission_overwrites": []any{},
		"topic": nil, "nsfw": false, "last_message_id": last, "rate_limit_per_user": 0, "parent_id": nil, "flags": 0,
	}
	if ch.GuildID != "" {
		out["guild_id"] = ch.GuildID
	}
	return out
}

func (s *Server) getChannel(r *request) reply {
	if rep, ok := s.channelGuard(r); !ok {
		return rep
	}
	return jsonOK(s.channelJSON(s.channel(r.params["channel"])))
}

// createDM opens (or returns the existing) DM channel with recipient_id: the same channel
// for the same recipient, as on Discord. Opening succeeds even when the member's DMs are
// closed (CloseDMs); Discord refuses only the messages sent there.
func (s *Server) createDM(r *request) reply {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := json.Unmarshal(r.raw, &body); err != nil || body.RecipientID == "" {
		errs := formErrors{}
		errs.add("recipient_id", "BASE_TYPE_REQUIRED", "This field is required")
		return invalidForm(errs)
	}
	if rep, throttled := s.dmOpenThrottled(); throttled {
		return rep
	}
	for _, ch := range s.state.channels {
		if ch.Recipient != nil && ch.Recipient.ID == body.RecipientID {
			return jsonOK(s.channelJSON(ch))
		}
	}
	u, known := s.state.users[body.RecipientID]
	if !known {
		u = discordgo.User{ID: body.RecipientID, Username: "user-" + body.RecipientID}
	}
	ch := channelInfo{ID: s.newID(), Type: discordgo.ChannelTypeDM, Recipient: &u}
	s.state.channels[ch.ID] = ch
	return jsonOK(s.channelJSON(ch))
}

func (s *Server) postMessage(r *request) reply {
	if rep, ok := s.channelGuard(r); !ok {
		return rep
	}
	p, err := parsePayload(r.raw, r.files)
	if err != nil {
		return bodyError(err)
	}
	ch := s.channel(r.params["channel"])
	if rep, ok := s.dmGuard(ch); !ok {
		return rep
	}
	m, err := p.apply(*s.newBotMessage(ch.ID, ch.GuildID, r.now), sendFlags)
	if err != nil {
		return bodyError(err)
	}
	if rep, bad := checkMessage(m); bad {
		return rep
	}
	m = s.withoutDeniedEmbeds(m)
	s.storeMessage(&m)
	return reply{status: http.StatusOK, body: s.wire(m), events: []Event{{Kind: MessageCreated, Message: m}}}
}

// channelMessage finds a message the channel routes may see: not deleted, in that
// channel, and not ephemeral (those exist only behind the interaction's webhook).
func (s *Server) channelMessage(r *request) (*Message, reply, bool) {
	if rep, ok := s.channelGuard(r); !ok {
		return nil, rep, false
	}
	m, found := s.state.messages[r.params["message"]]
	if !found || m.ChannelID != r.params["channel"] || m.Ephemeral() {
		return nil, unknownMessage(), false
	}
	return m, reply{}, true
}

func unknownMessage() reply { return apiError(http.StatusNotFound, 10008, "Unknown Message") }

func (s *Server) getMessage(r *request) reply {
	m, rep, found := s.channelMessage(r)
	if !found {
		return rep
	}
	return jsonOK(s.wire(*m))
}

func (s *Server) editMessage(r *request) reply {
	m, rep, found := s.channelMessage(r)
	if !found {
		return rep
	}
	hourOld := r.now.Sub(m.Created) > editWindow
	if hourOld {
		if rep, refused := s.oldEditRefused(m.ChannelID, r.now); refused {
			return rep
		}
	}
	rep = s.edit(r, m, editFlags, s.withoutDeniedEmbeds)
	if hourOld && rep.status == http.StatusOK {
		s.recordOldEdit(m.ChannelID, r.now)
	}
	return rep
}

// edit applies the request's payload to m, checks it and stores it after passing it through
// each of adjust (what Discord changes silently, such as embeds without Embed Links).
// Callers hold s.mu.
func (s *Server) edit(r *request, m *Message, allowed discordgo.MessageFlags, adjust ...func(Message) Message) reply {
	p, err := parsePayload(r.raw, r.files)
	if err != nil {
		return bodyError(err)
	}
	updated, err := p.apply(*m, allowed)
	if err != nil {
		return bodyError(err)
	}
	// Any edit of a deferred reply ends the "thinking" state, as on Discord.
	updated.Flags &^= discordgo.MessageFlagsLoading
	updated.Edited = r.now
	if rep, bad := checkMessage(updated); bad {
		return rep
	}
	for _, a := range adjust {
		updated = a(updated)
	}
	s.state.messages[m.ID] = &updated
	return reply{status: http.StatusOK, body: s.wire(updated), events: []Event{{Kind: MessageEdited, Message: updated}}}
}

func (s *Server) deleteChannelMessage(r *request) reply {
	m, rep, found := s.channelMessage(r)
	if !found {
		return rep
	}
	return s.remove(m)
}

// remove deletes m and answers 204. Callers hold s.mu.
func (s *Server) remove(m *Message) reply {
	s.deleteMessage(m)
	return reply{status: http.StatusNoContent, events: []Event{{Kind: MessageDeleted, Message: *m}}}
}

// Commands returns a copy of the commands last bulk-overwritten for a guild, or of the
// global ones for guildID "", with the IDs the fake assigned.
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	b, err := json.Marshal(s.state.commands[guildID])
	s.mu.Unlock()
	var out []*discordgo.ApplicationCommand
	if err == nil {
		err = json.Unmarshal(b, &out)
	}
	if err != nil {
		// They were decoded from JSON by putCommands, so they always encode again.
		panic("fakediscord: stored commands do not round-trip: " + err.Error())
	}
	return out
}

func (s *Server) getCommands(r *request) reply {
	if r.params["app"] != s.opts.ApplicationID {
		return apiError(http.StatusForbidden, 50001, "Missing Access")
	}
	cmds := s.state.commands[r.params["guild"]]
	if cmds == nil {
		cmds = []*discordgo.ApplicationCommand{}
	}
	return jsonOK(cmds)
}

// putCommands is the bulk overwrite: the body replaces the scope's commands. Commands
// keep their ID when one with the same name and type existed, as on Discord.
func (s *Server) putCommands(r *request) reply {
	if r.params["app"] != s.opts.ApplicationID {
		return apiError(http.StatusForbidden, 50001, "Missing Access")
	}
	var cmds []*discordgo.ApplicationCommand
	if err := json.Unmarshal(r.raw, &cmds); err != nil {
		return bodyError(err)
	}
	if errs := validateCommands(cmds); len(errs) > 0 {
		return invalidForm(errs)
	}
	guild := r.params["guild"]
	old := s.state.commands[guild]
	for _, c := range cmds {
		s.assignCommand(c, guild, old)
	}
	s.state.commands[guild] = cmds
	return jsonOK(cmds)
}

func (s *Server) assignCommand(c *discordgo.ApplicationCommand, guild string, old []*discordgo.ApplicationCommand) {
	if c.Type == 0 {
		c.Type = discordgo.ChatApplicationCommand
	}
	c.ID = s.newID()
	for _, o := range old {
		if o.Name == c.Name && o.Type == c.Type {
			c.ID = o.ID
		}
	}
	c.ApplicationID, c.GuildID, c.Version = s.opts.ApplicationID, guild, s.newID()
}
