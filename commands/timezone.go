package commands

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/storage"
	"github.com/stretchbot/stretchbot/streak"
)

// zoneList is the IANA zone names offered by autocomplete, one a line: the time package
// can load zones but not list them. Regenerate it when the time zone database changes.
//
//go:generate sh -c "{ echo UTC; grep '^Z ' /usr/share/zoneinfo/tzdata.zi | cut -d' ' -f2 | grep / | grep -v '^Etc/'; } | LC_ALL=C sort > zones.txt"
//go:embed zones.txt
var zoneList string

// zoneNames returns the names of zoneList.
func zoneNames() []string { return strings.Fields(zoneList) }

// zoneKey folds a zone name or query for comparison: case and spaces versus underscores
// do not matter ("new york" finds America/New_York).
func zoneKey(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "_"))
}

// foldedZone is a listed zone with its name folded for matching.
type foldedZone struct {
	name, key string
	city      string // the last part of key: "new_york" of "america/new_york"
}

func foldedZones() []foldedZone {
	names := zoneNames()
	out := make([]foldedZone, len(names))
	for i, name := range names {
		key := zoneKey(name)
		out[i] = foldedZone{name: name, key: key, city: key[strings.LastIndex(key, "/")+1:]}
	}
	return out
}

// rankZones returns up to limit zone names by score, highest first (list order among
// equals), leaving out those scoring below least.
func rankZones(limit int, least float64, score func(foldedZone) float64) []string {
	type scored struct {
		name  string
		score float64
	}
	var found []scored
	for _, z := range foldedZones() {
		if s := score(z); s >= least {
			found = append(found, scored{z.name, s})
		}
	}
	slices.SortStableFunc(found, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	out := make([]string, 0, min(limit, len(found)))
	for _, f := range found[:min(limit, len(found))] {
		out = append(out, f.name)
	}
	return out
}

// matchZones returns up to limit zone names matching query, best first: the city
// starting with it, then the name starting with it, then the name containing it. An empty
// query matches every name.
func matchZones(query string, limit int) []string {
	q := zoneKey(query)
	return rankZones(limit, 1, func(z foldedZone) float64 {
		switch {
		case strings.HasPrefix(z.city, q):
			return 3
		case strings.HasPrefix(z.key, q):
			return 2
		case strings.Contains(z.key, q):
			return 1
		}
		return 0
	})
}

// closestZones returns up to limit zone names most alike to a name that matched nothing,
// by the letter pairs they share (so typos and swapped letters still find the zone).
func closestZones(query string, limit int) []string {
	q := letterPairs(zoneKey(query))
	return rankZones(limit, minZoneSimilarity, func(z foldedZone) float64 {
		return max(similarity(q, letterPairs(z.key)), similarity(q, letterPairs(z.city)))
	})
}

// minZoneSimilarity is the least similarity worth suggesting: below it, suggestions are noise.
const minZoneSimilarity = 0.4

// letterPairs counts the adjacent letter pairs of s.
func letterPairs(s string) map[string]int {
	r := []rune(s)
	pairs := make(map[string]int, len(r))
	for i := 0; i+1 < len(r); i++ {
		pairs[string(r[i:i+2])]++
	}
	return pairs
}

// similarity is the Sørensen–Dice coefficient of two pair counts: 1 for equal, 0 for
// nothing in common.
func similarity(a, b map[string]int) float64 {
	total, shared := 0, 0
	for p, n := range a {
		shared += min(n, b[p])
		total += n
	}
	for _, n := range b {
		total += n
	}
	if total == 0 {
		return 0
	}
	return 2 * float64(shared) / float64(total)
}

// resolveZoneName returns the zone name a member typed, spelled as the zone database
// spells it, or a user error with the closest names.
func resolveZoneName(typed string) (string, error) {
	key := zoneKey(typed)
	for _, name := range zoneNames() {
		if zoneKey(name) == key {
			return name, nil
		}
	}
	// Names outside the list (old links such as Asia/Calcutta) are still valid zones.
	if _, err := streak.ResolveZone(strings.TrimSpace(typed), "", ""); err == nil && key != "" {
		return strings.TrimSpace(typed), nil
	}
	suggestions := matchZones(typed, suggestionsShown)
	if len(suggestions) == 0 {
		suggestions = closestZones(typed, suggestionsShown)
	}
	return "", notFound("time zone", typed, suggestions, "Start typing a city, such as Berlin or New York, and pick a zone from the list.")
}

// completeZones answers autocomplete for a zone option.
func completeZones(query string) []*discordgo.ApplicationCommandOptionChoice {
	names := matchZones(query, render.ChoicesMax)
	out := make([]*discordgo.ApplicationCommandOptionChoice, len(names))
	for i, n := range names {
		out[i] = &discordgo.ApplicationCommandOptionChoice{Name: strings.ReplaceAll(n, "_", " "), Value: n}
	}
	return out
}

// zoneOption is a string option naming a zone, with autocomplete.
func zoneOption(name, description string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name,
		Description: description, Required: required, Autocomplete: true, MaxLength: queryMax}
}

// localClock describes the time now in a zone, so a member can check they chose right.
func localClock(name string, now time.Time) string {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return name
	}
	return fmt.Sprintf("%s (it is %s there now)", name, now.In(loc).Format("Mon 15:04"))
}

// memberSettingsStore changes a member's own settings.
type memberSettingsStore interface {
	UpdateMemberSettings(ctx context.Context, guildID, userID string, change func(*storage.MemberSettings)) (storage.MemberSettings, error)
}

var _ memberSettingsStore = (*storage.DB)(nil)

// timezoneCommand is /timezone zone:<autocomplete>: the zone the member's days count in.
// Changing it never breaks or doubles a streak (see streak.NewCredit).
func timezoneCommand(store memberSettingsStore) Command {
	return inServer(Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "timezone",
			Description: "Set your time zone, so your streak counts your own days",
			Options:     []*discordgo.ApplicationCommandOption{zoneOption("zone", "Your time zone; type a city to search", true)},
		},
		Handle: func(ctx context.Context, req *Request) (*Reply, error) {
			name, err := resolveZoneName(req.String("zone"))
			if err != nil {
				return nil, err
			}
			if _, err := store.UpdateMemberSettings(ctx, req.GuildID, req.Member.ID, func(m *storage.MemberSettings) { m.Timezone = name }); err != nil {
				return nil, err
			}
			return Message(true, "Your time zone is now "+localClock(name, req.Received)+
				". Your days count there from now on; your streak carries over."), nil
		},
		Complete: func(_ context.Context, req *Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return completeZones(req.String(req.Focused)), nil
		},
		Private: true,
	})
}
