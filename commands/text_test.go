package commands

import (
	"strings"
	"testing"
)

func TestInvisibleRune(t *testing.T) {
	tests := []struct {
		in    string
		want  rune
		found bool
	}{
		{"Morning flow", 0, false},
		{"Étirements du matin 🌅", 0, false},
		{"", 0, false},
		{"nul\x00byte", 0, true},
		{"evil\u202Egnp.exe", '\u202E', true},
		{"zero\u200Bwidth", '\u200B', true},
		{"joiner\u200Dhere", '\u200D', true},
		{"isolate\u2066x\u2069", '\u2066', true},
		{"\uFEFFbom", '\uFEFF', true},
		{"tab\there", '\t', true},
		{"del\x7f", '\x7f', true},
		{"c1\u0085next", '\u0085', true},
		{"soft\u00ADhyphen", '\u00AD', true},
	}
	for _, tt := range tests {
		got, found := invisibleRune(tt.in)
		if found != tt.found || (found && got != tt.want) {
			t.Errorf("invisibleRune(%q) = %U, %v; want %U, %v", tt.in, got, found, tt.want, tt.found)
		}
	}
}

func TestRoutineNameRefusesInvisibleCharacters(t *testing.T) {
	tests := []struct {
		raw, want, wantError string
	}{
		{raw: "  Wake\n up\t", want: "Wake up"}, // line breaks and tabs are tidied, not refused
		{raw: "Café ☕", want: "Café ☕"},
		{raw: "Wake\x00up", wantError: "A routine name can't contain control or invisible formatting characters (found U+0000)."},
		{raw: "Wake \u202Epu", wantError: "A routine name can't contain control or invisible formatting characters (found U+202E)."},
		{raw: "Wake\u200Bup", wantError: "(found U+200B)."},
		{raw: "\u2067Wake up\u2069", wantError: "(found U+2067)."},
		{raw: "\u200B", wantError: "(found U+200B)."},
	}
	for _, tt := range tests {
		got, err := routineName(tt.raw)
		if tt.wantError == "" {
			if err != nil || got != tt.want {
				t.Errorf("routineName(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
			}
			continue
		}
		if u, ok := AsUserError(err); !ok || !strings.HasSuffix(u.Message, tt.wantError) {
			t.Errorf("routineName(%q) = %q, %v; want a user error ending %q", tt.raw, got, err, tt.wantError)
		}
	}
}
