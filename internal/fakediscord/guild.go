package fakediscord

import (
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// roleInfo is a role the fake knows, with the server it belongs to.
type roleInfo struct {
	guildID string
	role    discordgo.Role
}

// AddRole makes role known in guildID (adding it again replaces it): a role option naming
// its ID then carries the role in data.resolved.roles as Discord sends it, name,
// mentionable and all. A role the fake does not know resolves to a mentionable
// placeholder named role-<id>. Give a member a role by listing its ID in Member.Roles.
func (s *Server) AddRole(guildID string, role discordgo.Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.roles[role.ID] = roleInfo{guildID: guildID, role: role}
}

// AddChannel makes a text channel of guildID known by its ID and name (adding it again
// renames it): GET /channels/{id} answers with it, and a channel option naming it carries
// it in data.resolved.channels. Channels the fake does not know still accept messages.
func (s *Server) AddChannel(guildID, channelID, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.channels[channelID] = channelInfo{ID: channelID, GuildID: guildID, Name: name, Type: discordgo.ChannelTypeGuildText}
}

// resolveRoles and resolveChannels fill data.resolved for the roles and channels that
// options name.
func (s *Server) resolveRoles(guildID string, r *discordgo.ApplicationCommandInteractionDataResolved, ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if r.Roles == nil {
			r.Roles = map[string]*discordgo.Role{}
		}
		role := discordgo.Role{ID: id, Name: "role-" + id, Mentionable: true}
		if known, ok := s.state.roles[id]; ok && known.guildID == guildID {
			role = known.role
		}
		r.Roles[id] = &role
	}
}

func (s *Server) resolveChannels(r *discordgo.ApplicationCommandInteractionDataResolved, ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if r.Channels == nil {
			r.Channels = map[string]*discordgo.Channel{}
		}
		ch := s.channel(id)
		r.Channels[id] = &discordgo.Channel{ID: ch.ID, Name: ch.Name, Type: ch.Type}
	}
}

// partialChannel is a resolved channel as Discord sends it: id, name, type and the
// invoking member's permissions there (a decimal string). discordgo's Channel has no
// permissions field, so the payload is written by hand.
func partialChannel(ch *discordgo.Channel, memberPerms int64) map[string]any {
	return map[string]any{"id": ch.ID, "name": ch.Name, "type": ch.Type, "permissions": strconv.FormatInt(memberPerms, 10)}
}
