package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// TestTimezoneAcceptsWhatPeopleType sets a zone the ways members type one (a city that is
// not a zone name, an abbreviation, an offset, a fixed zone), through the real bot, then
// clears it. Thursday 2026-01-15 23:30 UTC is already Friday at UTC+2.
func TestTimezoneAcceptsWhatPeopleType(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 15, 23, 30, 0, 0, time.UTC))
	h := startHarness(t, withOptions(func(o *app.Options) { o.Clock = clk }))

	for _, tt := range []struct{ typed, value, name string }{
		{"san francisco", "America/Los_Angeles", "America/Los Angeles (San Francisco) · UTC-08:00 · 15:30"},
		{"PST", "America/Los_Angeles", "America/Los Angeles (PST) · UTC-08:00 · 15:30"},
		{"UTC+2", "Etc/GMT-2", "UTC+02:00 · fixed, no summer time · 01:30"},
		{"EST", "EST", "EST · UTC-05:00 all year, no summer time · 18:30"},
	} {
		choices := h.autocomplete(alice, "timezone", "zone", tt.typed)
		if len(choices) == 0 || choices[0].Value != tt.value || choices[0].Name != tt.name {
			t.Errorf("autocomplete %q offered %+v first; want %q = %s", tt.typed, choices, tt.name, tt.value)
		}
	}

	for _, tt := range []struct {
		typed string
		want  []string
		avoid []string
	}{
		{"san francisco", []string{"Your time zone is now America/Los_Angeles (it is Thu 15:30 there now)"}, []string{"Note"}},
		{"PST", []string{"Your time zone is now America/Los_Angeles (it is Thu 15:30 there now)"}, []string{"Note"}},
		{"EST", []string{"Your time zone is now EST (it is Thu 18:30 there now)", "EST is UTC-05:00 all year",
			"never changes for summer time", "America/New_York"}, nil},
		{"UTC+2", []string{"Your time zone is now UTC+02:00 (it is Fri 01:30 there now)",
			"A city follows daylight saving and an offset does not"}, []string{"Etc/GMT"}},
	} {
		text := h.slash(alice, "timezone", fakediscord.StringOption("zone", tt.typed)).text()
		assertTextHas(t, "/timezone zone:"+tt.typed, text, tt.want...)
		for _, a := range tt.avoid {
			if strings.Contains(text, a) {
				t.Errorf("/timezone zone:%s shows %q:\n%s", tt.typed, a, text)
			}
		}
	}
	// The last zone set, UTC+2, counts the day: it is Friday there.
	h.slash(alice, "done")
	assertTextHas(t, "/streak at UTC+2", h.slash(alice, "streak").text(), "2026-01-16 · solo")

	assertTextHas(t, "/timezone clear", h.slash(alice, "timezone", fakediscord.BoolOption("clear", true)).text(),
		"Your time zone is unset", "the bot's default zone")
	assertTextHas(t, "/timezone after clearing", h.slash(alice, "timezone").text(), "You have set no time zone")
	assertTextHas(t, "/timezone clear again", h.slash(alice, "timezone", fakediscord.BoolOption("clear", true)).text(),
		"You had no time zone set, so nothing changed")

	assertTextHas(t, "/settings timezone:Berlin", h.slash(admin, "settings", fakediscord.StringOption("timezone", "Berlin")).text(),
		"timezone:** Europe/Berlin")
	assertTextHas(t, "/timezone with the server's zone", h.slash(alice, "timezone").text(),
		"the server's zone, Europe/Berlin (it is Fri 00:30 there now)")
	assertTextHas(t, "/settings clear:timezone", h.slash(admin, "settings", fakediscord.StringOption("clear", "timezone")).text(),
		"timezone:** not set")
}
