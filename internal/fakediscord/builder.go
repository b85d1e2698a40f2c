package fakediscord

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DefaultAppPermissions are the bot's permissions in a channel when an
// InteractionContext sets none: view channel, send messages, embed links, attach files,
// read message history, use external emojis, add reactions.
const DefaultAppPermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles | discordgo.PermissionReadMessageHistory |
	discordgo.PermissionUseExternalEmojis | discordgo.PermissionAddReactions

// Member is the person who acts in an InteractionContext.
type Member struct {
	ID         string
	Username   string
	GlobalName string // display name; "" when unset
	Nick       string // guild nickname; "" when unset
	Bot        bool
	Roles      []string
	// Permissions are the member's computed permissions in the channel, sent as
	// member.permissions (a decimal string on the wire).
	Permissions int64
}

// InteractionContext is where and by whom an interaction happens.
type InteractionContext struct {
	GuildID     string // "" for a DM with the bot: the payload then has user, not member
	ChannelID   string
	ChannelName string
	Member      Member
	Locale      discordgo.Locale // the member's client locale; en-US when empty
	// AppPermissions are the bot's permissions in the channel; DefaultAppPermissions when 0.
	AppPermissions int64
	// Install is how the app is installed where this happens; it sets the interaction's
	// authorizing_integration_owners and context.
	Install Install
	// Thread makes ChannelID a public thread, the first time the channel is seen.
	Thread bool
}

// Install says who installed the app, as an interaction's authorizing_integration_owners
// tells it.
type Install int

const (
	// GuildInstalled, the zero value, is the bot added to the server: {"0": guild ID}, or
	// {"0": "0"} in a DM with the bot.
	GuildInstalled Install = iota
	// UserInstalled is the app installed by the member only, not by the server (or the
	// bot not in it): {"1": member ID}. Discord then holds public answers to the
	// member's own rights in the channel.
	UserInstalled
)

// owners is the authorizing_integration_owners of an interaction in ctx.
func (ctx InteractionContext) owners() map[discordgo.ApplicationIntegrationType]string {
	if ctx.Install == UserInstalled {
		return map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationUserInstall: ctx.Member.ID}
	}
	guild := ctx.GuildID
	if guild == "" {
		guild = "0"
	}
	return map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationGuildInstall: guild}
}

// context is the interaction context type of ctx: a server, else a DM with the bot.
func (ctx InteractionContext) context() discordgo.InteractionContextType {
	if ctx.GuildID != "" {
		return discordgo.InteractionContextGuild
	}
	return discordgo.InteractionContextBotDM
}

// Option is one option of a slash command as a member filled it in; build it with
// StringOption, IntegerOption, NumberOption, BoolOption, UserOption, Subcommand or
// SubcommandGroup.
type Option struct {
	opt      *discordgo.ApplicationCommandInteractionDataOption
	users    []Member // users named by user options, for data.resolved
	roles    []string // roles named by role options, for data.resolved
	channels []string // channels named by channel options, for data.resolved
}

func valueOption(name string, t discordgo.ApplicationCommandOptionType, v any) Option {
	return Option{opt: &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: t, Value: v}}
}

// StringOption is a string option.
func StringOption(name, value string) Option {
	return valueOption(name, discordgo.ApplicationCommandOptionString, value)
}

// IntegerOption is an integer option.
func IntegerOption(name string, value int64) Option {
	return valueOption(name, discordgo.ApplicationCommandOptionInteger, value)
}

// NumberOption is a number (double) option.
func NumberOption(name string, value float64) Option {
	return valueOption(name, discordgo.ApplicationCommandOptionNumber, value)
}

// BoolOption is a boolean option.
func BoolOption(name string, value bool) Option {
	return valueOption(name, discordgo.ApplicationCommandOptionBoolean, value)
}

// UserOption is a user option: the value is the user's ID and the user (and, in a guild,
// the member) appears in data.resolved, as Discord sends it.
func UserOption(name string, u Member) Option {
	o := valueOption(name, discordgo.ApplicationCommandOptionUser, u.ID)
	o.users = []Member{u}
	return o
}

// RoleOption is a role option: the value is the role's ID and the role appears in
// data.resolved.roles, as Discord sends it.
func RoleOption(name, roleID string) Option {
	o := valueOption(name, discordgo.ApplicationCommandOptionRole, roleID)
	o.roles = []string{roleID}
	return o
}

// ChannelOption is a channel option: the value is the channel's ID and the channel
// appears in data.resolved.channels (id, name, type and the member's permissions there),
// as Discord sends it. Name the channel first with AddChannel, or it resolves as
// channel-<id>.
func ChannelOption(name, channelID string) Option {
	o := valueOption(name, discordgo.ApplicationCommandOptionChannel, channelID)
	o.channels = []string{channelID}
	return o
}

// Subcommand wraps options in a subcommand.
func Subcommand(name string, opts ...Option) Option {
	return nested(name, discordgo.ApplicationCommandOptionSubCommand, opts)
}

// SubcommandGroup wraps subcommands in a group.
func SubcommandGroup(name string, subcommands ...Option) Option {
	return nested(name, discordgo.ApplicationCommandOptionSubCommandGroup, subcommands)
}

func nested(name string, t discordgo.ApplicationCommandOptionType, opts []Option) Option {
	o := Option{opt: &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: t}}
	for _, c := range opts {
		o.opt.Options = append(o.opt.Options, c.opt)
		o.gather(c)
	}
	return o
}

// gather adds the users, roles and channels that c names to o's, for data.resolved.
func (o *Option) gather(c Option) {
	o.users = append(o.users, c.users...)
	o.roles = append(o.roles, c.roles...)
	o.channels = append(o.channels, c.channels...)
}

// SlashCommand builds a chat-input command interaction (type 2) for Interact. The command
// ID is the one the bot's last bulk overwrite got (guild commands first), else a fresh one.
func (s *Server) SlashCommand(ctx InteractionContext, name string, opts ...Option) *discordgo.Interaction {
	return s.commandInteraction(ctx, discordgo.InteractionApplicationCommand, name, opts)
}

// Autocomplete builds an autocomplete interaction (type 4) for Interact: the member is
// typing value into focusedOption. The focused option goes into the innermost subcommand
// among opts, if any, and is sent as a string whatever its declared type, as Discord does.
func (s *Server) Autocomplete(ctx InteractionContext, name, focusedOption, value string, opts ...Option) *discordgo.Interaction {
	focused := &discordgo.ApplicationCommandInteractionDataOption{
		Name: focusedOption, Type: s.optionType(ctx.GuildID, name, focusedOption), Value: value, Focused: true,
	}
	i := s.commandInteraction(ctx, discordgo.InteractionApplicationCommandAutocomplete, name, opts)
	data := i.Data.(discordgo.ApplicationCommandInteractionData)
	data.Options = appendInnermost(data.Options, focused)
	i.Data = data
	return i
}

// appendInnermost appends o to the options of the deepest subcommand, or at top level.
func appendInnermost(opts []*discordgo.ApplicationCommandInteractionDataOption, o *discordgo.ApplicationCommandInteractionDataOption) []*discordgo.ApplicationCommandInteractionDataOption {
	for _, c := range opts {
		if c.Type == discordgo.ApplicationCommandOptionSubCommand || c.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
			c.Options = appendInnermost(c.Options, o)
			return opts
		}
	}
	return append(opts, o)
}

func (s *Server) commandInteraction(ctx InteractionContext, t discordgo.InteractionType, name string, opts []Option) *discordgo.Interaction {
	data := discordgo.ApplicationCommandInteractionData{ID: s.commandID(ctx.GuildID, name), Name: name, CommandType: discordgo.ChatApplicationCommand}
	var all Option
	for _, o := range opts {
		data.Options = append(data.Options, o.opt)
		all.gather(o)
	}
	if len(all.users) > 0 || len(all.roles) > 0 || len(all.channels) > 0 {
		data.Resolved = resolved(ctx.GuildID != "", all.users)
		s.resolveRoles(ctx.GuildID, data.Resolved, all.roles)
		s.resolveChannels(data.Resolved, all.channels)
	}
	i := s.baseInteraction(ctx, t)
	i.Data = data
	return i
}

func resolved(inGuild bool, users []Member) *discordgo.ApplicationCommandInteractionDataResolved {
	r := &discordgo.ApplicationCommandInteractionDataResolved{Users: map[string]*discordgo.User{}}
	if inGuild {
		r.Members = map[string]*discordgo.Member{}
	}
	for _, u := range users {
		r.Users[u.ID] = u.user()
		if inGuild {
			m := u.member()
			m.User = nil // resolved members are partial: the user sits in resolved.users
			r.Members[u.ID] = m
		}
	}
	return r
}

// ComponentClick builds a button or select click (type 3) on a stored message for
// Interact. It fails when the message is unknown or has no enabled component with that
// custom ID, since a member cannot click what is not there. The channel is the message's.
func (s *Server) ComponentClick(ctx InteractionContext, messageID, customID string) (*discordgo.Interaction, error) {
	m, ok := s.Message(messageID)
	if !ok {
		return nil, fmt.Errorf("fakediscord: no message %s to click on", messageID)
	}
	comp, err := findComponent(m.Components, customID)
	if err != nil {
		return nil, fmt.Errorf("fakediscord: message %s: %w", messageID, err)
	}
	if ctx.ChannelID != m.ChannelID {
		ctx.ChannelID, ctx.ChannelName = m.ChannelID, ""
	}
	i := s.baseInteraction(ctx, discordgo.InteractionMessageComponent)
	i.Message = &discordgo.Message{ID: m.ID, ChannelID: m.ChannelID}
	i.Data = discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: comp.Type}
	return i, nil
}

// ForgedClick builds a click (type 3) as a hostile client could send it: any custom ID,
// from any server and channel (ctx), claiming the message messageID in messageChannelID.
// Neither the message nor the button need exist; a stored message is sent as stored, as
// ComponentClick does. Tests use it to show that the bot checks where a click comes from.
func (s *Server) ForgedClick(ctx InteractionContext, messageID, messageChannelID, customID string) *discordgo.Interaction {
	i := s.baseInteraction(ctx, discordgo.InteractionMessageComponent)
	i.Message = &discordgo.Message{ID: messageID, ChannelID: messageChannelID}
	i.Data = discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}
	return i
}

// componentRef is the part of a component's JSON a click needs.
type componentRef struct {
	Type       discordgo.ComponentType `json:"type"`
	CustomID   string                  `json:"custom_id"`
	Disabled   bool                    `json:"disabled"`
	Components []componentRef          `json:"components"`
}

// findComponent looks through the message's components (rows and nested containers) for
// an enabled one with customID, reading their JSON so every component type is covered.
func findComponent(components []discordgo.MessageComponent, customID string) (componentRef, error) {
	var refs []componentRef
	b, err := json.Marshal(components)
	if err == nil {
		err = json.Unmarshal(b, &refs)
	}
	if err != nil {
		return componentRef{}, err
	}
	for len(refs) > 0 {
		c := refs[0]
		refs = append(refs[1:], c.Components...)
		if c.CustomID != customID {
			continue
		}
		if c.Disabled {
			return c, fmt.Errorf("component %q is disabled", customID)
		}
		return c, nil
	}
	return componentRef{}, fmt.Errorf("no component with custom_id %q", customID)
}

// baseInteraction fills what every interaction carries and remembers the channel and
// member for later REST answers (GET /channels/{id}, DM recipients).
func (s *Server) baseInteraction(ctx InteractionContext, t discordgo.InteractionType) *discordgo.Interaction {
	locale := ctx.Locale
	if locale == "" {
		locale = discordgo.EnglishUS
	}
	perms := ctx.AppPermissions
	if perms == 0 {
		perms = DefaultAppPermissions
	}
	i := &discordgo.Interaction{Type: t, ChannelID: ctx.ChannelID, GuildID: ctx.GuildID, Locale: locale, AppPermissions: perms,
		AuthorizingIntegrationOwners: ctx.owners(), Context: ctx.context()}
	if ctx.GuildID != "" {
		guildLocale := discordgo.EnglishUS
		i.GuildLocale = &guildLocale
		i.Member = ctx.Member.member()
	} else {
		i.User = ctx.Member.user()
	}
	s.learnChannel(ctx)
	return i
}

// learnChannel records the context's channel the first time it is seen: a guild text
// channel, or the DM channel with the member when there is no guild.
func (s *Server) learnChannel(ctx InteractionContext) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, known := s.state.channels[ctx.ChannelID]; known || ctx.ChannelID == "" {
		return
	}
	ch := channelInfo{ID: ctx.ChannelID, GuildID: ctx.GuildID, Name: ctx.ChannelName, Type: discordgo.ChannelTypeGuildText}
	if ctx.GuildID == "" {
		ch.Type, ch.Name, ch.Recipient = discordgo.ChannelTypeDM, "", ctx.Member.user()
	} else if ch.Name == "" {
		ch.Name = "channel-" + ctx.ChannelID
	}
	if ctx.Thread && ctx.GuildID != "" {
		ch.Type = discordgo.ChannelTypeGuildPublicThread
	}
	s.state.channels[ch.ID] = ch
}

func (m Member) user() *discordgo.User {
	return &discordgo.User{ID: m.ID, Username: m.Username, GlobalName: m.GlobalName, Discriminator: "0", Bot: m.Bot}
}

func (m Member) member() *discordgo.Member {
	roles := m.Roles
	if roles == nil {
		roles = []string{}
	}
	return &discordgo.Member{
		User: m.user(), Nick: m.Nick, Roles: roles, Permissions: m.Permissions,
		JoinedAt: time.Date(2024, 1, 15, 18, 30, 0, 0, time.UTC),
	}
}

// commandID finds the registered command's ID, guild commands first.
func (s *Server) commandID(guildID, name string) string {
	if c := s.registered(guildID, name); c != nil {
		return c.ID
	}
	return s.newID()
}

// optionType returns the declared type of a command's option (searched through
// subcommands), or string when the command or option is not registered.
func (s *Server) optionType(guildID, command, option string) discordgo.ApplicationCommandOptionType {
	if c := s.registered(guildID, command); c != nil {
		if t, ok := findOptionType(c.Options, option); ok {
			return t
		}
	}
	return discordgo.ApplicationCommandOptionString
}

func findOptionType(opts []*discordgo.ApplicationCommandOption, name string) (discordgo.ApplicationCommandOptionType, bool) {
	for _, o := range opts {
		if o.Name == name && o.Type != discordgo.ApplicationCommandOptionSubCommand && o.Type != discordgo.ApplicationCommandOptionSubCommandGroup {
			return o.Type, true
		}
		if t, ok := findOptionType(o.Options, name); ok {
			return t, true
		}
	}
	return 0, false
}

func (s *Server) registered(guildID, name string) *discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, scope := range []string{guildID, ""} {
		for _, c := range s.state.commands[scope] {
			if c.Name == name && c.Type == discordgo.ChatApplicationCommand {
				return c
			}
		}
	}
	return nil
}
