package render

import "testing"

func TestFillID(t *testing.T) {
	tests := []struct {
		pattern string
		values  []string
		want    string
	}{
		{"session/{id}/join", []string{"42"}, "session/42/join"},
		{"forget/{guild}/{user}/confirm", []string{"1", "2"}, "forget/1/2/confirm"},
		{"exercises/page/{page}/{category}/{equipment}", []string{"2", "all", "none"}, "exercises/page/2/all/none"},
		{"help", []string{"x"}, "help"},
		{"session/{id}/join", nil, "session/{id}/join"},
	}
	for _, tt := range tests {
		if got := FillID(tt.pattern, tt.values...); got != tt.want {
			t.Errorf("FillID(%q, %q) = %q, want %q", tt.pattern, tt.values, got, tt.want)
		}
	}
}
