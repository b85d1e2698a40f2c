package commands

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/streak"
)

// winter and summer are instants when Berlin is at UTC+01:00 and at UTC+02:00.
var (
	winter = time.Date(2026, 1, 15, 13, 5, 0, 0, time.UTC)
	summer = time.Date(2026, 7, 15, 13, 5, 0, 0, time.UTC)
)

func TestResolveTypedZones(t *testing.T) {
	tests := []struct {
		typed, want string
	}{
		{"Europe/Berlin", "Europe/Berlin"},
		{"Berlin", "Europe/Berlin"},
		{"berlin", "Europe/Berlin"},
		{"new york", "America/New_York"},
		{"New_York", "America/New_York"},
		{"sao paulo", "America/Sao_Paulo"},
		{"san francisco", "America/Los_Angeles"},
		{"San Francisco", "America/Los_Angeles"},
		{"seattle", "America/Los_Angeles"},
		{"Washington, D.C.", "America/New_York"},
		{"st petersburg", "Europe/Moscow"},
		{"Mumbai", "Asia/Kolkata"},
		{"munich", "Europe/Berlin"},
		{"beijing", "Asia/Shanghai"},
		{"PST", "America/Los_Angeles"},
		{"pdt", "America/Los_Angeles"},
		{"CET", "Europe/Berlin"},
		{"GMT", "GMT"},
		{"EST", "EST"},
		{"est", "EST"},
		{"utc", "UTC"},
		{"UTC+2", "Etc/GMT-2"}, // the database writes the sign the other way round
		{"utc -5", "Etc/GMT+5"},
		{"GMT+1", "Etc/GMT-1"},
		{"+02:00", "Etc/GMT-2"},
		{"UTC−3", "Etc/GMT+3"}, // a typographic minus
		{"UTC+14", "Etc/GMT-14"},
		{"UTC-12", "Etc/GMT+12"},
		{"UTC+0", "UTC"},
		{"Asia/Calcutta", "Asia/Calcutta"},
	}
	for _, tt := range tests {
		got, err := resolveZoneName(tt.typed, winter)
		if err != nil || got != tt.want {
			t.Errorf("resolveZoneName(%q) = %q, %v; want %s", tt.typed, got, err, tt.want)
			continue
		}
		if _, err := streak.ResolveZone(got, "", ""); err != nil {
			t.Errorf("%q resolved to %s, which does not load: %v", tt.typed, got, err)
		}
	}
}

func TestResolveTypedZonesRefusesWithAWayOut(t *testing.T) {
	tests := []struct {
		typed string
		want  []string
	}{
		{"IST", []string{"India", "Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"}},
		{"cst", []string{"America/Chicago", "Asia/Shanghai"}},
		{"UTC+5:30", []string{"UTC+05:30 has no fixed zone", "Asia/Kolkata"}},
		{"UTC+15", []string{`No time zone called "UTC+15"`}},
		{"san fransisco", []string{"America/Los_Angeles (San Francisco)"}},
		{"Factory", []string{`No time zone called "Factory"`}},
		{"  ", []string{"Type a time zone"}},
	}
	for _, tt := range tests {
		_, err := resolveZoneName(tt.typed, winter)
		msg := userErrorText(t, err)
		for _, w := range tt.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%q: %q lacks %q", tt.typed, msg, w)
			}
		}
	}
}

func TestParseOffset(t *testing.T) {
	tests := []struct {
		typed string
		want  int // minutes east of UTC
		ok    bool
	}{
		{"UTC+2", 120, true}, {"utc + 2", 120, true}, {"GMT-5", -300, true}, {"+02:00", 120, true},
		{"-0330", -210, true}, {"UTC+5:30", 330, true}, {"UTC–3", -180, true}, {"UTC+14", 14 * 60, true},
		{"UTC-12", -12 * 60, true}, {"UTC-13", 0, false}, {"UTC+2:7", 0, false}, {"UTC+2:60", 0, false},
		{"UTC", 0, false}, {"2", 0, false}, {"UTC+", 0, false}, {"UTC+x", 0, false}, {"UTC+530", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseOffset(tt.typed)
		if ok != tt.ok || (ok && got != tt.want*60) {
			t.Errorf("parseOffset(%q) = %d s, %v; want %d min, %v", tt.typed, got, ok, tt.want, tt.ok)
		}
	}
}

// TestOffsetZonesKeepTheirOffset checks the reversed sign of Etc/GMT±N: the zone for UTC+2
// is two hours east of UTC, in winter and in summer.
func TestOffsetZonesKeepTheirOffset(t *testing.T) {
	for h := -12; h <= 14; h++ {
		name, ok := offsetZone(h * 3600)
		if !ok {
			t.Fatalf("no zone for %+d h", h)
		}
		loc, err := streak.ResolveZone(name, "", "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, at := range []time.Time{winter, summer} {
			if got := offsetAt(loc, at); got != h*3600 {
				t.Errorf("%s is at %s on %s, want %s", name, offsetLabel(got), at.Format(time.DateOnly), offsetLabel(h*3600))
			}
		}
		if back, ok := etcOffset(name); h != 0 && (!ok || back != h*3600) {
			t.Errorf("etcOffset(%s) = %d, %v", name, back, ok)
		}
	}
	if _, ok := offsetZone(330 * 60); ok {
		t.Error("UTC+5:30 has no Etc zone")
	}
}

func TestZoneTablesNameZonesThatLoad(t *testing.T) {
	listed := map[string]bool{}
	for _, name := range zoneNames() {
		listed[name] = true
	}
	check := func(what, name string) {
		if !listed[name] {
			t.Errorf("%s: %s is not a listed zone", what, name)
		}
	}
	seen := map[string]bool{}
	for _, c := range cityZones {
		key := zoneWords(c.city)
		check(c.city, c.zone)
		if seen[key] {
			t.Errorf("city %q is listed twice", c.city)
		}
		seen[key] = true
		for _, e := range zoneEntries() {
			if e.via == "" && e.city == key {
				t.Errorf("city %q is already the zone %s", c.city, e.zone)
			}
		}
	}
	for abbr, name := range abbreviationZones {
		check(abbr, name)
	}
	for abbr, a := range ambiguousZones {
		for _, name := range a.zones {
			check(abbr, name)
		}
	}
	for abbr, f := range fixedZones {
		check(abbr, f.usual)
		if _, err := streak.ResolveZone(f.name, "", ""); err != nil {
			t.Errorf("%s: %v", abbr, err)
		}
	}
	for _, name := range wellKnownZones {
		check("well-known", name)
	}
}

func TestTimezoneWarnsAboutFixedZones(t *testing.T) {
	tests := []struct {
		typed string
		want  []string
		avoid []string
	}{
		{"UTC+2", []string{"Your time zone is now UTC+02:00 (it is Thu 15:05 there now)", "fixed offset",
			"A city follows daylight saving and an offset does not", "Europe/Athens"}, []string{"Etc/GMT"}},
		{"EST", []string{"EST (it is Thu 08:05 there now)", "EST is UTC-05:00 all year", "never changes for summer", "America/New_York"}, nil},
		{"GMT", []string{"GMT is UTC+00:00 all year", "Europe/London"}, nil},
		{"berlin", []string{"Europe/Berlin (it is Thu 14:05 there now)"}, []string{"Note"}},
		{"PST", []string{"America/Los_Angeles (it is Thu 05:05 there now)"}, []string{"Note"}},
		{"UTC", []string{"UTC (it is Thu 13:05 there now)"}, []string{"Note"}},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			req := request("", str("zone", tt.typed))
			req.Received = winter
			r, err := timezoneCommand(newFake()).Handle(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			checkText(t, r.Content, tt.want, tt.avoid)
		})
	}
}

func TestZoneAutocompleteShowsOffsetAndLocalTime(t *testing.T) {
	tests := []struct {
		typed     string
		at        time.Time
		first     string // value
		firstName string
	}{
		{"berl", winter, "Europe/Berlin", "Europe/Berlin · UTC+01:00 · 14:05"},
		{"berl", summer, "Europe/Berlin", "Europe/Berlin · UTC+02:00 · 15:05"},
		{"new y", winter, "America/New_York", "America/New York · UTC-05:00 · 08:05"},
		{"san fr", winter, "America/Los_Angeles", "America/Los Angeles (San Francisco) · UTC-08:00 · 05:05"},
		{"pst", summer, "America/Los_Angeles", "America/Los Angeles (PST) · UTC-07:00 · 06:05"},
		{"utc+2", winter, "Etc/GMT-2", "UTC+02:00 · fixed, no summer time · 15:05"},
		{"UTC+5:30", winter, "Asia/Kolkata", "Asia/Kolkata · UTC+05:30 · 18:35"},
		{"est", winter, "EST", "EST · UTC-05:00 all year, no summer time · 08:05"},
		{"ist", winter, "Asia/Kolkata", "Asia/Kolkata (IST?) · UTC+05:30 · 18:35"},
		{"kirit", winter, "Pacific/Kiritimati", "Pacific/Kiritimati · UTC+14:00 · 03:05"},
		{"", winter, "Africa/Abidjan", "Africa/Abidjan · UTC+00:00 · 13:05"},
	}
	for _, tt := range tests {
		req := autocompleteRequest("", "zone", tt.typed)
		req.Received = tt.at
		choices, err := timezoneCommand(newFake()).Complete(context.Background(), req)
		if err != nil || len(choices) == 0 || len(choices) > 25 {
			t.Fatalf("%q: %d choices, %v", tt.typed, len(choices), err)
		}
		if choices[0].Value != tt.first || choices[0].Name != tt.firstName {
			t.Errorf("%q at %s: first choice %q = %v, want %q = %s", tt.typed, tt.at.Format(time.DateOnly),
				choices[0].Name, choices[0].Value, tt.firstName, tt.first)
		}
		values := map[any]bool{}
		for _, c := range choices {
			if n := utf8.RuneCountInString(c.Name); n > catalog.MaxChoiceName {
				t.Errorf("%q: choice name of %d characters: %q", tt.typed, n, c.Name)
			}
			if _, err := streak.ResolveZone(c.Value.(string), "", ""); err != nil {
				t.Errorf("%q: choice %v does not load", tt.typed, c.Value)
			}
			if values[c.Value] {
				t.Errorf("%q: %v offered twice", tt.typed, c.Value)
			}
			values[c.Value] = true
		}
	}
}

func TestTimezoneClearAndShow(t *testing.T) {
	tests := []struct {
		name        string
		mine, their string // the member's and the server's zone before
		opts        []*option
		wantZone    string
		want        []string
		wantError   string
	}{
		{name: "clear", mine: "Asia/Tokyo", their: "Europe/Berlin", opts: []*option{boolean("clear", true)},
			want: []string{"Your time zone is unset", "the server's zone, Europe/Berlin (it is Thu 14:05 there now)", "streak carries over"}},
		{name: "clear without a server zone", mine: "Asia/Tokyo", opts: []*option{boolean("clear", true)},
			want: []string{"Your time zone is unset", "the bot's default zone"}},
		{name: "clear with nothing set", their: "Europe/Berlin", opts: []*option{boolean("clear", true)},
			want: []string{"You had no time zone set, so nothing changed"}},
		{name: "clear:False shows", mine: "Asia/Tokyo", opts: []*option{boolean("clear", false)}, wantZone: "Asia/Tokyo",
			want: []string{"Your time zone is Asia/Tokyo (it is Thu 22:05 there now)", "/timezone clear:True"}},
		{name: "show", mine: "Asia/Tokyo", wantZone: "Asia/Tokyo", want: []string{"Your time zone is Asia/Tokyo"}},
		{name: "show unset", their: "Europe/Berlin", want: []string{"You have set no time zone", "Europe/Berlin"}},
		{name: "both", mine: "Asia/Tokyo", opts: []*option{str("zone", "Berlin"), boolean("clear", true)}, wantZone: "Asia/Tokyo",
			wantError: "Give a zone or clear:True, not both."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.member.Timezone, f.guild.Timezone = tt.mine, tt.their
			f.settingsOf = func(string) (guild.MemberSettings, error) { return f.member, nil }
			req := request("", tt.opts...)
			req.Received = winter
			r, err := timezoneCommand(f).Handle(context.Background(), req)
			if f.member.Timezone != tt.wantZone {
				t.Errorf("zone %q afterwards, want %q", f.member.Timezone, tt.wantZone)
			}
			if checkAnswer(t, err, tt.wantError) {
				checkText(t, r.Content, tt.want, nil)
			}
		})
	}
}

// BenchmarkZoneAutocomplete measures one keystroke of /timezone's autocomplete, which
// cannot be deferred: a city, and an offset (which looks at every zone's offset now).
func BenchmarkZoneAutocomplete(b *testing.B) {
	for _, q := range []string{"berl", "utc+2"} {
		b.Run(q, func(b *testing.B) {
			req := autocompleteRequest("", "zone", q)
			req.Received = winter
			cmd := timezoneCommand(newFake())
			for b.Loop() {
				if choices, err := cmd.Complete(context.Background(), req); err != nil || len(choices) == 0 {
					b.Fatal(choices, err)
				}
			}
		})
	}
}

// TestClosestZonesFindsTypos checks the typo suggestions, which share catalog's edit
// distance: a swapped, missing or wrong letter still finds the zone, by its name or city.
func TestClosestZonesFindsTypos(t *testing.T) {
	for _, tt := range []struct{ typed, want string }{
		{"Europe/Berln", "Europe/Berlin"}, {"tokio", "Asia/Tokyo"}, {"new yrok", "America/New_York"},
		{"Amercia/Chicago", "America/Chicago"}, {"kolkatta", "Asia/Kolkata"}, {"xyzzy", ""},
	} {
		got := closestZones(tt.typed, suggestionsShown)
		switch {
		case tt.want == "" && len(got) != 0:
			t.Errorf("closestZones(%q) = %v, want none", tt.typed, got)
		case tt.want != "" && (len(got) == 0 || got[0].zone != tt.want):
			t.Errorf("closestZones(%q) = %v, want %s first", tt.typed, got, tt.want)
		}
	}
}
