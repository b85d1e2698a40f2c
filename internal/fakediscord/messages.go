package fakediscord

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Message is a message as the fake stores it: channel messages, interaction responses
// (which @original then names) and follow-ups. Values handed out are snapshots: an edit
// stores a new value and never changes the slices of one already returned, so treat them
// as read-only.
type Message struct {
	ID        string
	ChannelID string
	GuildID   string
	Author    discordgo.User // always the bot: the fake stores only what the bot sends
	Type      discordgo.MessageType
	Content   string
	Embeds    []*discordgo.MessageEmbed
	// Components are decoded with discordgo.MessageComponentFromJSON, so they are pointers
	// (*discordgo.ActionsRow holding *discordgo.Button, ...).
	Components      []discordgo.MessageComponent
	Attachments     []Attachment
	Flags           discordgo.MessageFlags
	AllowedMentions *discordgo.MessageAllowedMentions
	Created         time.Time
	Edited          time.Time // zero until the first edit
	// InteractionID is set on interaction responses and follow-ups; webhook routes may
	// only touch messages of their own interaction.
	InteractionID string
}

// Ephemeral reports whether only the invoking member can see the message.
func (m Message) Ephemeral() bool { return m.Flags&discordgo.MessageFlagsEphemeral != 0 }

// Attachment is a file sent with a message as multipart form data.
type Attachment struct {
	ID          string
	Filename    string
	ContentType string
	Size        int
	Content     []byte
}

// Messages returns the messages stored for a channel, oldest first, ephemeral ones
// included (check Ephemeral).
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, id := range s.state.channelMsgs[channelID] {
		if m, ok := s.state.messages[id]; ok {
			out = append(out, *m)
		}
	}
	return out
}

// DirectMessages returns the messages the bot sent to userID in their DM channel, oldest
// first; none when no DM channel with them was opened.
func (s *Server) DirectMessages(userID string) []Message {
	s.mu.Lock()
	var channelID string
	for _, ch := range s.state.channels {
		if ch.Recipient != nil && ch.Recipient.ID == userID {
			channelID = ch.ID
		}
	}
	s.mu.Unlock()
	if channelID == "" {
		return nil
	}
	return s.Messages(channelID)
}

// Message returns a stored message by ID; false once it is deleted or if it never existed.
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.state.messages[id]
	if !ok {
		return Message{}, false
	}
	return *m, true
}

// storeMessage adds a new message. Callers hold s.mu.
func (s *Server) storeMessage(m *Message) {
	s.state.messages[m.ID] = m
	s.state.channelMsgs[m.ChannelID] = append(s.state.channelMsgs[m.ChannelID], m.ID)
}

// deleteMessage removes a message. Callers hold s.mu.
func (s *Server) deleteMessage(m *Message) {
	delete(s.state.messages, m.ID)
	ids := s.state.channelMsgs[m.ChannelID]
	s.state.channelMsgs[m.ChannelID] = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == m.ID })
}

// newBotMessage starts a message the bot sends now into channelID.
func (s *Server) newBotMessage(channelID, guildID string, now time.Time) *Message {
	return &Message{ID: s.newID(), ChannelID: channelID, GuildID: guildID, Author: s.bot, Created: now}
}

// payload is a decoded message body: its JSON fields by key (so an edit can tell an absent
// field from a null one) and the files of a multipart body.
type payload struct {
	fields map[string]json.RawMessage
	files  []Attachment
}

// parsePayload decodes a JSON object body; an empty body is an empty payload.
func parsePayload(raw []byte, files []Attachment) (payload, error) {
	p := payload{fields: map[string]json.RawMessage{}, files: files}
	if len(raw) == 0 {
		return p, nil
	}
	if err := json.Unmarshal(raw, &p.fields); err != nil {
		return p, fmt.Errorf("body is not a JSON object: %w", err)
	}
	return p, nil
}

// apply returns a copy of m with the payload applied as Discord applies an edit: a present
// key replaces the field (null clears it), an absent key keeps it, new files are appended
// to the attachments kept. allowedFlags masks the flags a sender may set.
func (p payload) apply(m Message, allowedFlags discordgo.MessageFlags) (Message, error) {
	steps := []struct {
		key string
		set func(json.RawMessage) error
	}{
		{"content", func(r json.RawMessage) error { m.Content = ""; return decodeNullable(r, &m.Content) }},
		{"embeds", func(r json.RawMessage) error { m.Embeds = nil; return decodeNullable(r, &m.Embeds) }},
		{"components", func(r json.RawMessage) (err error) { m.Components, err = decodeComponents(r); return err }},
		{"allowed_mentions", func(r json.RawMessage) error { m.AllowedMentions = nil; return decodeNullable(r, &m.AllowedMentions) }},
		{"flags", func(r json.RawMessage) error { return applyFlags(r, &m, allowedFlags) }},
		{"attachments", func(r json.RawMessage) (err error) {
			m.Attachments, err = keptAttachments(r, m.Attachments)
			return err
		}},
	}
	for _, st := range steps {
		if raw, ok := p.fields[st.key]; ok {
			if err := st.set(raw); err != nil {
				return m, fmt.Errorf("%s: %w", st.key, err)
			}
		}
	}
	m.Attachments = append(slices.Clone(m.Attachments), p.files...)
	return m, nil
}

// applyFlags sets the flags a sender may change and keeps the others (ephemeral, loading).
func applyFlags(raw json.RawMessage, m *Message, allowed discordgo.MessageFlags) error {
	var f discordgo.MessageFlags
	if err := decodeNullable(raw, &f); err != nil {
		return err
	}
	m.Flags = m.Flags&^allowed | f&allowed
	return nil
}

// decodeNullable unmarshals raw into v, leaving v as it is for a JSON null.
func decodeNullable(raw json.RawMessage, v any) error {
	if string(raw) == "null" {
		return nil
	}
	return json.Unmarshal(raw, v)
}

// decodeComponents decodes a components array into discordgo's component types.
func decodeComponents(raw json.RawMessage) ([]discordgo.MessageComponent, error) {
	var items []json.RawMessage
	if err := decodeNullable(raw, &items); err != nil {
		return nil, err
	}
	out := make([]discordgo.MessageComponent, 0, len(items))
	for _, item := range items {
		c, err := discordgo.MessageComponentFromJSON(item)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// keptAttachments returns the existing attachments whose IDs the edit's attachments array
// lists; entries for new files carry an index instead of a known ID and are ignored here.
func keptAttachments(raw json.RawMessage, existing []Attachment) ([]Attachment, error) {
	var refs []struct {
		ID json.RawMessage `json:"id"`
	}
	if err := decodeNullable(raw, &refs); err != nil {
		return nil, err
	}
	var kept []Attachment
	for _, a := range existing {
		for _, r := range refs {
			var id string
			if json.Unmarshal(r.ID, &id) == nil && id == a.ID {
				kept = append(kept, a)
			}
		}
	}
	return kept, nil
}

// wireMessage is a message in Discord's JSON shape.
type wireMessage struct {
	ID              string                       `json:"id"`
	Type            discordgo.MessageType        `json:"type"`
	ChannelID       string                       `json:"channel_id"`
	Author          wireUser                     `json:"author"`
	Content         string                       `json:"content"`
	Timestamp       time.Time                    `json:"timestamp"`
	EditedTimestamp *time.Time                   `json:"edited_timestamp"`
	TTS             bool                         `json:"tts"`
	MentionEveryone bool                         `json:"mention_everyone"`
	Mentions        []wireUser                   `json:"mentions"`
	MentionRoles    []string                     `json:"mention_roles"`
	Attachments     []wireAttachment             `json:"attachments"`
	Embeds          []*discordgo.MessageEmbed    `json:"embeds"`
	Components      []discordgo.MessageComponent `json:"components"`
	Pinned          bool                         `json:"pinned"`
	Flags           discordgo.MessageFlags       `json:"flags"`
	WebhookID       string                       `json:"webhook_id,omitempty"`
	ApplicationID   string                       `json:"application_id,omitempty"`
}

type wireAttachment struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	Size        int    `json:"size"`
	URL         string `json:"url"`
	ProxyURL    string `json:"proxy_url"`
	ContentType string `json:"content_type,omitempty"`
}

// wireUser is a user in Discord's JSON shape (discordgo.User would add email and token).
type wireUser struct {
	ID            string  `json:"id"`
	Username      string  `json:"username"`
	Discriminator string  `json:"discriminator"`
	GlobalName    *string `json:"global_name"`
	Avatar        *string `json:"avatar"`
	Bot           bool    `json:"bot,omitempty"`
	PublicFlags   int     `json:"public_flags"`
}

func toWireUser(u discordgo.User) wireUser {
	w := wireUser{ID: u.ID, Username: u.Username, Discriminator: "0", Bot: u.Bot}
	if u.GlobalName != "" {
		w.GlobalName = &u.GlobalName
	}
	return w
}

// wire renders m as Discord would answer it. Interaction responses and follow-ups come
// from the application's webhook, as on Discord.
func (s *Server) wire(m Message) wireMessage {
	w := wireMessage{
		ID: m.ID, Type: m.Type, ChannelID: m.ChannelID, Author: toWireUser(m.Author),
		Content: m.Content, Timestamp: m.Created, Flags: m.Flags,
		Mentions: []wireUser{}, MentionRoles: []string{}, Attachments: []wireAttachment{},
		Embeds: m.Embeds, Components: m.Components,
	}
	if w.Embeds == nil {
		w.Embeds = []*discordgo.MessageEmbed{}
	}
	if w.Components == nil {
		w.Components = []discordgo.MessageComponent{}
	}
	if !m.Edited.IsZero() {
		w.EditedTimestamp = &m.Edited
	}
	if m.InteractionID != "" {
		w.WebhookID, w.ApplicationID = s.opts.ApplicationID, s.opts.ApplicationID
	}
	for _, a := range m.Attachments {
		url := fmt.Sprintf("https://cdn.discordapp.com/attachments/%s/%s/%s", m.ChannelID, a.ID, a.Filename)
		w.Attachments = append(w.Attachments, wireAttachment{ID: a.ID, Filename: a.Filename, Size: a.Size, URL: url, ProxyURL: url, ContentType: a.ContentType})
	}
	return w
}
