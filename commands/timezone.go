package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/storage"
	"github.com/stretchbot/stretchbot/streak"
)

// loadZone loads a zone by name, once per name: autocomplete shows the time in 25 zones
// on every keystroke.
func loadZone(name string) (*time.Location, error) {
	if loc, ok := loadedZones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := streak.ResolveZone(name, "", "")
	if err != nil {
		return nil, err
	}
	loadedZones.Store(name, loc)
	return loc, nil
}

var loadedZones sync.Map // name -> *time.Location

// resolveZoneName returns the zone a member typed, spelled as the zone database spells it,
// or a user error that says what to type instead. It accepts a zone's name, a city (the
// last part of a zone's name, or one of cityZones), an abbreviation (abbreviationZones and
// fixedZones), and a UTC offset of whole hours ("UTC+2" is Etc/GMT-2). now is when the
// member asked: an offset with minutes is answered with the zones at that offset then.
func resolveZoneName(typed string, now time.Time) (string, error) {
	key, words := zoneKey(typed), zoneWords(typed)
	if key == "" {
		return "", Userf("Type a time zone: a city such as Berlin or New York, or an offset such as UTC+2.")
	}
	for _, e := range zoneEntries() {
		if e.key == key {
			return e.zone, nil
		}
	}
	if offset, ok := parseOffset(typed); ok {
		if name, ok := offsetZone(offset); ok {
			return name, nil
		}
		return "", offsetWithMinutes(offset, now)
	}
	if f, ok := fixedZones[words]; ok {
		return f.name, nil
	}
	if name, ok := abbreviationZones[words]; ok {
		return name, nil
	}
	if a, ok := ambiguousZones[words]; ok {
		return "", Userf("%s can mean %s, so it names no zone: type your city, or pick one of %s.",
			strings.ToUpper(words), a.meaning, strings.Join(a.zones, ", "))
	}
	for _, e := range zoneEntries() {
		if words != "" && e.city == words {
			return e.zone, nil
		}
	}
	// Names outside the list (old links such as Asia/Calcutta) are still valid zones.
	name := strings.TrimSpace(typed)
	if _, err := loadZone(name); err == nil && name != "Factory" {
		return name, nil
	}
	suggestions := matchZones(typed, suggestionsShown)
	if len(suggestions) == 0 {
		suggestions = closestZones(typed, suggestionsShown)
	}
	shown := make([]string, len(suggestions))
	for i, m := range suggestions {
		shown[i] = m.zone
		if m.via != "" {
			shown[i] += " (" + m.via + ")"
		}
	}
	return "", notFound("time zone", typed, shown, "Start typing a city, such as Berlin or New York, and pick a zone from the list.")
}

// offsetWithMinutes answers an offset such as UTC+5:30, which the zone database has no
// fixed zone for, with the zones at that offset now.
func offsetWithMinutes(offset int, now time.Time) error {
	zones := zonesAtOffset(offset, now, suggestionsShown)
	if len(zones) == 0 {
		return Userf("No zone is at %s now: type your city instead.", offsetLabel(offset))
	}
	return Userf("%s has no fixed zone of its own: type your city, or pick one of the zones at %s now: %s.",
		offsetLabel(offset), offsetLabel(offset), strings.Join(zones, ", "))
}

// zonesAtOffset returns up to limit listed zones whose offset at now is offset, the
// well-known ones first.
func zonesAtOffset(offset int, now time.Time, limit int) []string {
	var out []string
	for _, names := range [][]string{wellKnownZones, zoneNames()} {
		for _, name := range names {
			if len(out) == limit {
				return out
			}
			if loc, err := loadZone(name); err == nil && offsetAt(loc, now) == offset && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// zoneShown names a zone for members: an Etc/GMT±N zone by its offset ("UTC+02:00"),
// whose database name has the sign reversed; any other by its name.
func zoneShown(name string) string {
	if offset, ok := etcOffset(name); ok {
		return offsetLabel(offset)
	}
	return name
}

// localClock describes the time now in a zone, so a member can check they chose right.
func localClock(name string, now time.Time) string {
	loc, err := loadZone(name)
	if err != nil {
		return name
	}
	return fmt.Sprintf("%s (it is %s there now)", zoneShown(name), now.In(loc).Format("Mon 15:04"))
}

// fixedZoneNote warns about a zone that keeps one offset all year although it names no
// place: an offset (Etc/GMT-2) or a fixed abbreviation (EST). Members in places that
// change their clocks for summer would count their days an hour off half the year. It is
// "" for any other zone.
func fixedZoneNote(name string, now time.Time) string {
	for _, f := range fixedZones {
		if f.name == name {
			loc, err := loadZone(name)
			if err != nil {
				return ""
			}
			return fmt.Sprintf("Note: %s is %s all year: it never changes for summer time. %s",
				name, offsetLabel(offsetAt(loc, now)), f.hint)
		}
	}
	offset, ok := etcOffset(name)
	if !ok {
		return ""
	}
	note := fmt.Sprintf("Note: %s is a fixed offset. A city follows daylight saving and an offset does not: "+
		"if your clocks change for summer, pick your city instead", offsetLabel(offset))
	if zones := zonesAtOffset(offset, now, 3); len(zones) > 0 {
		note += fmt.Sprintf(" (at %s now: %s)", offsetLabel(offset), strings.Join(zones, ", "))
	}
	return note + "."
}

// completeZones answers autocomplete for a zone option: the zone an offset or abbreviation
// names first, then the zones whose city or name matches. Each choice shows the zone's
// offset and local time at now, the moment of the request.
func completeZones(query string, now time.Time) []*discordgo.ApplicationCommandOptionChoice {
	var matches []zoneMatch
	add := func(ms ...zoneMatch) {
		for _, m := range ms {
			if !slices.ContainsFunc(matches, func(x zoneMatch) bool { return x.zone == m.zone }) {
				matches = append(matches, m)
			}
		}
	}
	words := zoneWords(query)
	if offset, ok := parseOffset(query); ok {
		if name, ok := offsetZone(offset); ok {
			add(zoneMatch{zone: name})
		}
		for _, name := range zonesAtOffset(offset, now, catalog.MaxChoices) {
			add(zoneMatch{zone: name})
		}
	}
	if f, ok := fixedZones[words]; ok {
		add(zoneMatch{zone: f.name}, zoneMatch{zone: f.usual})
	}
	if name, ok := abbreviationZones[words]; ok {
		add(zoneMatch{zone: name, via: strings.ToUpper(words)})
	}
	if a, ok := ambiguousZones[words]; ok {
		for _, name := range a.zones {
			add(zoneMatch{zone: name, via: strings.ToUpper(words) + "?"})
		}
	}
	add(matchZones(query, catalog.MaxChoices)...)
	matches = matches[:min(len(matches), catalog.MaxChoices)]
	out := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(matches))
	for _, m := range matches {
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: zoneChoiceName(m, now), Value: m.zone})
	}
	return out
}

// zoneChoiceName is a zone as autocomplete lists it: "Europe/Berlin · UTC+01:00 · 14:05",
// "America/Los Angeles (San Francisco) · UTC-08:00 · 05:05", "UTC+02:00 · fixed, no summer
// time · 15:05".
func zoneChoiceName(m zoneMatch, now time.Time) string {
	loc, err := loadZone(m.zone)
	if err != nil {
		return render.Truncate(m.zone, catalog.MaxChoiceName)
	}
	offset, clock := offsetAt(loc, now), now.In(loc).Format("15:04")
	var name string
	switch _, etc := etcOffset(m.zone); {
	case etc:
		name = fmt.Sprintf("%s · fixed, no summer time · %s", offsetLabel(offset), clock)
	case fixedZoneNote(m.zone, now) != "":
		name = fmt.Sprintf("%s · %s all year, no summer time · %s", m.zone, offsetLabel(offset), clock)
	default:
		name = strings.ReplaceAll(m.zone, "_", " ")
		if m.via != "" {
			name += " (" + m.via + ")"
		}
		name = fmt.Sprintf("%s · %s · %s", name, offsetLabel(offset), clock)
	}
	return render.Truncate(name, catalog.MaxChoiceName)
}

// zoneOption is a string option naming a zone, with autocomplete.
func zoneOption(name, description string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name,
		Description: description, Required: required, Autocomplete: true, MaxLength: queryMax}
}

// memberSettingsStore changes a member's own settings.
type memberSettingsStore interface {
	UpdateMemberSettings(ctx context.Context, guildID, userID string, change func(*guild.MemberSettings)) (guild.MemberSettings, error)
}

var _ memberSettingsStore = (*storage.DB)(nil)

// timezoneStore reads and changes a member's zone, and reads the server's.
type timezoneStore interface {
	memberSettingsStore
	settingsReader
	GuildSettings(ctx context.Context, guildID string) (guild.Settings, error)
}

var _ timezoneStore = (*storage.DB)(nil)

// timezoneCommand is /timezone [zone] [clear]: the zone the member's days count in. zone
// sets it, clear unsets it (the server's zone applies again), neither shows it. Changing
// it never breaks or doubles a streak (see streak.NewCredit).
func timezoneCommand(store timezoneStore) Command {
	return inServer(Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "timezone",
			Description: "Set your time zone, so your streak counts your own days",
			Options: []*discordgo.ApplicationCommandOption{
				zoneOption("zone", "Your city, zone, abbreviation (PST) or offset (UTC+2); type to search", false),
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "clear",
					Description: "Unset your time zone: your days count in the server's zone again"},
			},
		},
		Handle: func(ctx context.Context, req *Request) (*Reply, error) {
			typed, clear := req.String("zone"), req.Bool("clear", false)
			switch {
			case typed != "" && clear:
				return nil, Userf("Give a zone or clear:True, not both.")
			case clear:
				return clearMemberZone(ctx, store, req)
			case typed == "":
				return showMemberZone(ctx, store, req)
			}
			name, err := resolveZoneName(typed, req.Received)
			if err != nil {
				return nil, err
			}
			if _, err := store.UpdateMemberSettings(ctx, req.GuildID, req.Member.ID, func(m *guild.MemberSettings) { m.Timezone = name }); err != nil {
				return nil, err
			}
			lines := []string{"Your time zone is now " + localClock(name, req.Received) +
				". Your days count there from now on; your streak carries over."}
			if note := fixedZoneNote(name, req.Received); note != "" {
				lines = append(lines, note)
			}
			return Message(true, lines...), nil
		},
		Complete: func(_ context.Context, req *Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return completeZones(req.String(req.Focused), req.Received), nil
		},
		Private: true,
	})
}

// serverZoneLine names the zone a member without one of their own counts days in.
func serverZoneLine(ctx context.Context, store timezoneStore, req *Request) (string, error) {
	g, err := store.GuildSettings(ctx, req.GuildID)
	if err != nil {
		return "", err
	}
	if g.Timezone == "" {
		return "the bot's default zone (this server sets none)", nil
	}
	return "the server's zone, " + localClock(g.Timezone, req.Received), nil
}

// showMemberZone answers /timezone without options: the member's zone and how to change it.
func showMemberZone(ctx context.Context, store timezoneStore, req *Request) (*Reply, error) {
	m, err := store.MemberSettings(ctx, req.GuildID, req.Member.ID)
	if err != nil {
		return nil, err
	}
	if m.Timezone != "" {
		return Message(true, "Your time zone is "+localClock(m.Timezone, req.Received)+
			". Change it with /timezone zone:, or unset it with /timezone clear:True."), nil
	}
	server, err := serverZoneLine(ctx, store, req)
	if err != nil {
		return nil, err
	}
	return Message(true, "You have set no time zone: your days count in "+server+
		". Set yours with /timezone zone: and a city, such as Berlin or San Francisco."), nil
}

// clearMemberZone unsets the member's zone.
func clearMemberZone(ctx context.Context, store timezoneStore, req *Request) (*Reply, error) {
	m, err := store.MemberSettings(ctx, req.GuildID, req.Member.ID)
	if err != nil {
		return nil, err
	}
	server, err := serverZoneLine(ctx, store, req)
	if err != nil {
		return nil, err
	}
	if m.Timezone == "" {
		return Message(true, "You had no time zone set, so nothing changed: your days count in "+server+"."), nil
	}
	if _, err := store.UpdateMemberSettings(ctx, req.GuildID, req.Member.ID, func(m *guild.MemberSettings) { m.Timezone = "" }); err != nil {
		return nil, err
	}
	return Message(true, "Your time zone is unset. Your days count in "+server+
		" from now on; your streak carries over."), nil
}
