package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/storage"
)

// guildSettingsStore reads and changes a server's settings.
type guildSettingsStore interface {
	GuildSettings(ctx context.Context, guildID string) (guild.Settings, error)
	UpdateGuildSettings(ctx context.Context, guildID string, change func(*guild.Settings)) (guild.Settings, error)
	// RecomputeSummaries rebuilds every streak of the server after its rules changed.
	RecomputeSummaries(ctx context.Context, guildID string) (int, error)
}

var _ guildSettingsStore = (*storage.DB)(nil)

// Limits of the numeric settings.
const (
	dayStartMax           = 23
	serverStreakThreshMax = 100
)

// setting is one option of /settings: how it reads the option into the settings and how
// it shows the stored value.
type setting struct {
	option *discordgo.ApplicationCommandOption
	// apply checks the option's value and returns the change it makes; now is when the
	// request was received.
	apply func(o *discordgo.ApplicationCommandInteractionDataOption, now time.Time) (func(*guild.Settings), error)
	show  func(g guild.Settings, now time.Time) string
	// clear, for a setting that can be unset with /settings clear:, unsets it; label
	// names the choice.
	clear func(*guild.Settings)
	label string
}

func settingsList() []setting {
	zero, one := 0.0, 1.0
	return []setting{
		{
			option: zoneOption("timezone", "The server's time zone, for members who set none", false),
			apply: func(o *discordgo.ApplicationCommandInteractionDataOption, now time.Time) (func(*guild.Settings), error) {
				text, _ := o.Value.(string)
				name, err := resolveZoneName(text, now)
				return func(g *guild.Settings) { g.Timezone = name }, err
			},
			show: func(g guild.Settings, now time.Time) string {
				if g.Timezone == "" {
					return "not set (the bot's default applies)"
				}
				if note := fixedZoneNote(g.Timezone, now); note != "" {
					return zoneShown(g.Timezone) + "\n" + note
				}
				return zoneShown(g.Timezone)
			},
			clear: func(g *guild.Settings) { g.Timezone = "" },
			label: "timezone: back to the bot's default",
		},
		{
			option: &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "day-start-hour",
				Description: "Hour (0-23) a day starts; e.g. 4 counts 00:00-03:59 for the evening before",
				MinValue:    &zero, MaxValue: dayStartMax},
			apply: intSetting(0, dayStartMax, func(g *guild.Settings, v int) { g.DayStartHour = v }),
			show:  func(g guild.Settings, _ time.Time) string { return fmt.Sprintf("%02d:00", g.DayStartHour) },
		},
		{
			option: &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionBoolean, Name: "solo-logs",
				Description: "Whether solo practice logged with /done counts"},
			apply: boolSetting(func(g *guild.Settings, v bool) { g.SoloLogs = v }),
			show:  func(g guild.Settings, _ time.Time) string { return onOff(g.SoloLogs) },
		},
		{
			option: &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionBoolean, Name: "freezes",
				Description: "Whether streaks earn freezes that cover a missed day"},
			apply: boolSetting(func(g *guild.Settings, v bool) { g.Freezes = v }),
			show:  func(g guild.Settings, _ time.Time) string { return onOff(g.Freezes) },
		},
		{
			option: &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionRole, Name: "host-role",
				Description: "A role whose members may control anyone's group session"},
			apply: func(o *discordgo.ApplicationCommandInteractionDataOption, _ time.Time) (func(*guild.Settings), error) {
				id, _ := o.Value.(string)
				return func(g *guild.Settings) { g.HostRoleID = id }, nil
			},
			show: func(g guild.Settings, _ time.Time) string {
				if g.HostRoleID == "" {
					return "none (Manage Messages still controls sessions)"
				}
				return "<@&" + g.HostRoleID + ">"
			},
			clear: func(g *guild.Settings) { g.HostRoleID = "" },
			label: "host-role: none, only Manage Messages controls sessions",
		},
		{
			option: &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "server-streak-threshold",
				Description: "Members (1-100) a day's group sessions need for the server streak",
				MinValue:    &one, MaxValue: serverStreakThreshMax},
			apply: intSetting(1, serverStreakThreshMax, func(g *guild.Settings, v int) { g.ServerStreakThreshold = v }),
			show: func(g guild.Settings, _ time.Time) string {
				return render.Plural(g.ServerStreakThreshold, "member")
			},
		},
	}
}

// everyoneHostRole refuses @everyone as the host role: every member has it, so it would
// let anyone control anyone's session and change the server's routines.
const everyoneHostRole = "@everyone can't be the host role: pick a role that only session leaders have."

// checkHostRole refuses a host-role option naming @everyone, whose role id in Discord is
// the server's own id.
func checkHostRole(req *Request) error {
	if o, ok := req.Options["host-role"]; ok {
		if id, _ := o.Value.(string); id != "" && id == req.GuildID {
			return Userf(everyoneHostRole)
		}
	}
	return nil
}

// intSetting reads an integer option within [lo, hi]; Discord enforces the range too,
// but the bot does not rely on it.
func intSetting(lo, hi int, set func(*guild.Settings, int)) func(*discordgo.ApplicationCommandInteractionDataOption, time.Time) (func(*guild.Settings), error) {
	return func(o *discordgo.ApplicationCommandInteractionDataOption, _ time.Time) (func(*guild.Settings), error) {
		f, ok := o.Value.(float64)
		v := int(f)
		if !ok || float64(v) != f || v < lo || v > hi {
			return nil, Userf("%s must be between %d and %d.", o.Name, lo, hi)
		}
		return func(g *guild.Settings) { set(g, v) }, nil
	}
}

func boolSetting(set func(*guild.Settings, bool)) func(*discordgo.ApplicationCommandInteractionDataOption, time.Time) (func(*guild.Settings), error) {
	return func(o *discordgo.ApplicationCommandInteractionDataOption, _ time.Time) (func(*guild.Settings), error) {
		v, ok := o.Value.(bool)
		if !ok {
			return nil, Userf("%s is true or false.", o.Name)
		}
		return func(g *guild.Settings) { set(g, v) }, nil
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// settingsCommand is /settings: with no options it shows the server's settings; each
// option given changes one, and the answer shows the new values. Only members with Manage
// Server may use it: Discord hides it from others, and the bot checks again.
func settingsCommand(store guildSettingsStore) Command {
	list := settingsList()
	manage := int64(discordgo.PermissionManageGuild)
	def := &discordgo.ApplicationCommand{
		Name:                     "settings",
		Description:              "Server settings for streaks and sessions (Manage Server)",
		DefaultMemberPermissions: &manage,
	}
	for _, s := range list {
		def.Options = append(def.Options, s.option)
	}
	def.Options = append(def.Options, clearOption(list))
	return inServer(Command{
		Definition: def,
		Handle: func(ctx context.Context, req *Request) (*Reply, error) {
			if !req.Member.Can(discordgo.PermissionManageGuild) {
				return nil, Userf("Only members with Manage Server can change the server's settings.")
			}
			if err := checkHostRole(req); err != nil {
				return nil, err
			}
			return changeSettings(ctx, store, list, req)
		},
		Complete: func(_ context.Context, req *Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return completeZones(req.String(req.Focused), req.Received), nil
		},
		Private: true,
	})
}

// changeSettings applies the options given in one update, recomputes streaks when the
// rules changed, and shows the settings (only the changed ones, if any changed).
func changeSettings(ctx context.Context, store guildSettingsStore, list []setting, req *Request) (*Reply, error) {
	var changes []func(*guild.Settings)
	var changed []setting
	for _, s := range list {
		o, ok := req.Options[s.option.Name]
		if !ok {
			continue
		}
		change, err := s.apply(o, req.Received)
		if err != nil {
			return nil, err
		}
		changes, changed = append(changes, change), append(changed, s)
	}
	if s, ok, err := settingToClear(list, req); err != nil {
		return nil, err
	} else if ok {
		changes, changed = append(changes, s.clear), append(changed, s)
	}
	if len(changes) == 0 {
		g, err := store.GuildSettings(ctx, req.GuildID)
		return settingsReply("Server settings", list, g, req.Received), err
	}
	g, err := store.UpdateGuildSettings(ctx, req.GuildID, func(g *guild.Settings) {
		for _, change := range changes {
			change(g)
		}
	})
	if err != nil {
		return nil, err
	}
	// Summaries are built under the rules; recomputing reads the rules now stored, so it
	// is right even when another admin changed them in between.
	if _, ok := req.Options["freezes"]; ok {
		if _, err := store.RecomputeSummaries(ctx, req.GuildID); err != nil {
			return nil, err
		}
	}
	return settingsReply("Settings changed", changed, g, req.Received), nil
}

// clearOptionName is the /settings option that unsets a setting.
const clearOptionName = "clear"

// clearOption offers the settings that can be unset, by their option names.
func clearOption(list []setting) *discordgo.ApplicationCommandOption {
	o := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: clearOptionName,
		Description: "Unset a setting: the server's time zone or the host role"}
	for _, s := range list {
		if s.clear != nil {
			o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: s.label, Value: s.option.Name})
		}
	}
	return o
}

// settingToClear is the setting the clear option names, if it was given. Setting and
// clearing the same setting at once is refused.
func settingToClear(list []setting, req *Request) (setting, bool, error) {
	name := req.String(clearOptionName)
	if name == "" {
		return setting{}, false, nil
	}
	for _, s := range list {
		if s.option.Name != name || s.clear == nil {
			continue
		}
		if _, both := req.Options[name]; both {
			return setting{}, false, Userf("Set %s or clear it, not both.", name)
		}
		return s, true, nil
	}
	return setting{}, false, Userf("Only the time zone and the host role can be cleared.")
}

func settingsReply(title string, list []setting, g guild.Settings, now time.Time) *Reply {
	lines := make([]string, len(list))
	for i, s := range list {
		lines[i] = fmt.Sprintf("**%s:** %s", s.option.Name, s.show(g, now))
	}
	return &Reply{Embeds: []*discordgo.MessageEmbed{render.Settings(title, lines)}, Ephemeral: true}
}
