package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// The sandbox's flags reach it: with no input it greets and ends at once.
func TestSandboxFlags(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir) // the default files folder is made, and kept, in there
	files := filepath.Join(dir, "files")
	tests := []struct {
		name    string
		args    []string
		want    []string
		wantErr string
	}{
		{name: "--fast alone is 10×", args: []string{"--fast"}, want: []string{"Time runs 10× faster for the bot: a 1-minute step takes 6s."}},
		{name: "--fast=30", args: []string{"--fast=30"}, want: []string{"Time runs 30× faster"}},
		{name: "real time, files in a new temporary folder by default", args: nil, want: []string{"Files the bot attaches are saved in " + filepath.Join(dir, "stretchbot-sandbox-files-")}},
		{name: "--out", args: []string{"--out", files}, want: []string{"Files the bot attaches are saved in " + files + "."}},
		{name: "a negative speed-up", args: []string{"--fast=-2"}, wantErr: "--fast must be a speed-up of 1 or more (e.g. --fast=10), not -2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(dir) // the default ./config.yaml must not be picked up from the repo
			args := append([]string{"sandbox", "--db", filepath.Join(t.TempDir(), "sandbox.db")}, tt.args...)
			out, err := runCLI(t, nil, args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if !strings.Contains(out, "stretchbot sandbox") {
				t.Errorf("no greeting:\n%s", out)
			}
			if tt.args == nil && strings.Contains(out, "faster") {
				t.Errorf("real time by default, but:\n%s", out)
			}
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
