package sandbox

import (
	"hash/fnv"
	"regexp"
	"slices"
	"strconv"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// Everyone may view and post in the sandbox channel; @you is also an admin.
const (
	memberPermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionReadMessageHistory
	adminPermissions  = discordgo.PermissionManageGuild | discordgo.PermissionManageMessages
)

// directory is the sandbox server's members ("@sam"), roles ("@hosts") and channels
// ("#yoga"). Each is created the first time it is named, with an ID derived from its
// name, so a name keeps its ID across runs that share a database (--db). New roles and
// channels are made known to the fake Discord, which resolves them in options. It is
// safe for concurrent use: show reads it on the fake's goroutine to name mentions.
type directory struct {
	fake     *fakediscord.Server // nil in tests that need no Discord
	mu       sync.Mutex
	members  map[string]fakediscord.Member
	roles    map[string]string // name -> ID
	channels map[string]string // name -> ID
}

func newDirectory(fake *fakediscord.Server) *directory {
	d := &directory{fake: fake, members: map[string]fakediscord.Member{}, roles: map[string]string{},
		channels: map[string]string{channelName: channelID}}
	you := d.member("you")
	you.Permissions |= adminPermissions
	d.members["you"] = you
	if fake != nil {
		fake.AddChannel(guildID, channelID, channelName)
		fake.AddRole(guildID, discordgo.Role{ID: guildID, Name: "@everyone"})
	}
	return d
}

// stableID derives a snowflake from key.
func stableID(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return strconv.FormatUint(300000000000000000+h.Sum64()%100000000000000000, 10)
}

// member returns the member called name (without @), creating them on first use.
func (d *directory) member(name string) fakediscord.Member {
	d.mu.Lock()
	defer d.mu.Unlock()
	if m, ok := d.members[name]; ok {
		return m
	}
	m := fakediscord.Member{ID: stableID(name), Username: name, GlobalName: name, Permissions: memberPermissions}
	d.members[name] = m
	return m
}

// setRole gives the member called name the role roleID, or takes it away; it reports
// whether that changed anything. Their next interaction carries their roles.
func (d *directory) setRole(name, roleID string, give bool) bool {
	m := d.member(name)
	d.mu.Lock()
	defer d.mu.Unlock()
	if slices.Contains(m.Roles, roleID) == give {
		return false
	}
	if give {
		m.Roles = append(slices.Clone(m.Roles), roleID)
	} else {
		m.Roles = slices.DeleteFunc(slices.Clone(m.Roles), func(r string) bool { return r == roleID })
	}
	d.members[name] = m
	return true
}

// role returns the ID of the role called name (without @), creating a mentionable role
// on first use. @everyone is the role whose ID is the server's, as in Discord.
func (d *directory) role(name string) string {
	if name == "everyone" {
		return guildID
	}
	id, created := d.intern(d.roles, "role:", name)
	if created && d.fake != nil {
		d.fake.AddRole(guildID, discordgo.Role{ID: id, Name: name, Mentionable: true})
	}
	return id
}

// channel returns the ID of the text channel called name (without #), creating it on
// first use.
func (d *directory) channel(name string) string {
	id, created := d.intern(d.channels, "channel:", name)
	if created && d.fake != nil {
		d.fake.AddChannel(guildID, id, name)
	}
	return id
}

// intern finds name in names, or adds it with an ID derived from kind and name.
func (d *directory) intern(names map[string]string, kind, name string) (id string, created bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if id, ok := names[name]; ok {
		return id, false
	}
	id = stableID(kind + name)
	names[name] = id
	return id, true
}

// channelName returns the name of a channel the sandbox knows, or "".
func (d *directory) channelName(id string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return nameOf(d.channels, id)
}

func nameOf(names map[string]string, id string) string {
	for name, known := range names {
		if known == id {
			return name
		}
	}
	return ""
}

// mention matches Discord's mention markup: <@id> and <@!id> (a member), <@&id> (a role),
// <#id> (a channel).
var mention = regexp.MustCompile(`<(@!?|@&|#)(\d+)>`)

// mentions shows the mentions in text as a Discord client does, by name: @sam, @hosts,
// #yoga. Mentions of IDs the sandbox does not know are left as they are.
func (d *directory) mentions(text string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return mention.ReplaceAllStringFunc(text, func(m string) string {
		parts := mention.FindStringSubmatch(m)
		kind, id := parts[1], parts[2]
		var name, sigil string
		switch kind {
		case "@&":
			name, sigil = nameOf(d.roles, id), "@"
			if id == guildID {
				name = "everyone"
			}
		case "#":
			name, sigil = nameOf(d.channels, id), "#"
		default:
			for n, mem := range d.members {
				if mem.ID == id {
					name = n
				}
			}
			sigil = "@"
		}
		if name == "" {
			return m
		}
		return sigil + name
	})
}
