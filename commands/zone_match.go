package commands

import (
	"cmp"
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/stretchbot/stretchbot/catalog"
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

// zoneWords folds a city or abbreviation: lower case, every run of other characters than
// letters and digits one space ("St. Petersburg" and "st petersburg" agree, as do
// "new_york" and "New York").
func zoneWords(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// zoneEntry is one name a zone is found by: a listed zone's own name, or a city of
// cityZones.
type zoneEntry struct {
	zone string // the zone's name, as the database spells it
	key  string // zoneKey of the zone's name, "" for a city alias
	city string // zoneWords of the city: "new york" of America/New_York, "san francisco"
	via  string // the alias as written ("San Francisco"), "" for a listed zone
}

// zoneEntries are the listed zones in list order, then the city aliases.
var zoneEntries = sync.OnceValue(func() []zoneEntry {
	var out []zoneEntry
	for _, name := range zoneNames() {
		key := zoneKey(name)
		out = append(out, zoneEntry{zone: name, key: key, city: zoneWords(key[strings.LastIndex(key, "/")+1:])})
	}
	for _, c := range cityZones {
		out = append(out, zoneEntry{zone: c.zone, city: zoneWords(c.city), via: c.city})
	}
	return out
})

// zoneMatch is a zone found for a query, and the alias it was found by ("" for its own name).
type zoneMatch struct {
	zone, via string
}

// rankZones returns up to limit zones by score, highest first (entry order among equals),
// each once, leaving out those scoring below least.
func rankZones(limit int, least float64, score func(zoneEntry) float64) []zoneMatch {
	type scored struct {
		zoneMatch
		score float64
	}
	var found []scored
	for _, e := range zoneEntries() {
		if s := score(e); s >= least {
			found = append(found, scored{zoneMatch{e.zone, e.via}, s})
		}
	}
	slices.SortStableFunc(found, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	out := make([]zoneMatch, 0, min(limit, len(found)))
	seen := map[string]bool{}
	for _, f := range found {
		if len(out) == limit {
			break
		}
		if !seen[f.zone] {
			seen[f.zone] = true
			out = append(out, f.zoneMatch)
		}
	}
	return out
}

// matchZones returns up to limit zones matching query, best first: the city it names, the
// city starting with it, then the zone name starting with it, then the name containing
// it. An empty query matches every listed zone.
func matchZones(query string, limit int) []zoneMatch {
	q, words := zoneKey(query), zoneWords(query)
	return rankZones(limit, 1, func(e zoneEntry) float64 {
		switch {
		case words != "" && e.city == words:
			return 4
		case strings.HasPrefix(e.city, words) && (words != "" || e.key != ""):
			return 3
		case e.key == "":
			return 0
		case strings.HasPrefix(e.key, q):
			return 2
		case strings.Contains(e.key, q):
			return 1
		}
		return 0
	})
}

// closestZones returns up to limit zones a name that matched nothing is a typo of: those
// whose name or city is within catalog.TypoBudget edits of it, fewest edits first (swapped
// letters count as one edit).
func closestZones(query string, limit int) []zoneMatch {
	q := zoneKey(query)
	budget := catalog.TypoBudget(utf8.RuneCountInString(q))
	return rankZones(limit, -float64(budget), func(e zoneEntry) float64 {
		d := catalog.Distance(q, strings.ReplaceAll(e.city, " ", "_"))
		if e.key != "" {
			d = min(d, catalog.Distance(q, e.key))
		}
		return -float64(d)
	})
}
