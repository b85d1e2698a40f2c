package config

import (
	"fmt"
	"strings"
	"testing"
)

func TestShardIDs(t *testing.T) {
	tests := []struct {
		spec    string
		count   int
		want    string
		wantErr string
	}{
		{"", 1, "[0]", ""},
		{"", 4, "[0 1 2 3]", ""},
		{"0-3", 8, "[0 1 2 3]", ""},
		{" 4-5, 0 ,2,2 ", 8, "[0 2 4 5]", ""},
		{"7", 8, "[7]", ""},
		{"8", 8, "", "shard 8 is outside the shard count 8 (ids run from 0 to 7)"},
		{"0-9", 8, "", "shard 9 is outside the shard count 8"},
		{"3-1", 8, "", `"3-1" is not a shard id or range`},
		{"-1", 8, "", `"-1" is not a shard id or range`},
		{"one", 8, "", `"one" is not a shard id or range; write ids and ranges like 0-3,5`},
		{"0,,1", 8, "", `"" is not a shard id or range`},
		{"", 0, "", "the shard count 0 is not a positive number"},
	}
	for _, tt := range tests {
		got, err := ShardIDs(tt.spec, tt.count)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ShardIDs(%q, %d) error = %v, want %q", tt.spec, tt.count, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || fmt.Sprint(got) != tt.want):
			t.Errorf("ShardIDs(%q, %d) = %v, %v; want %s", tt.spec, tt.count, got, err, tt.want)
		}
	}
}
