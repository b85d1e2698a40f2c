package commands

import "testing"

func TestParseID(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1, true},
		{"42", 42, true},
		{"999999999999999999", 999999999999999999, true},
		{"01", 0, false},
		{"+1", 0, false},
		{"-1", 0, false},
		{"0", 0, false},
		{"1e3", 0, false},
		{" 1", 0, false},
		{"1\x00", 0, false},
		{"١", 0, false}, // Arabic-Indic digit one
		{"9999999999999999999", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseID(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
