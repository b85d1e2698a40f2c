package seedtest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDirIsBesideTheRepositoryRoot(t *testing.T) {
	tests := []struct {
		name      string
		withSeeds bool
	}{
		{"seeds present", true},
		{"seeds absent", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			top := t.TempDir()
			repo := filepath.Join(top, "clone")
			deep := filepath.Join(repo, "catalog", "data")
			if err := os.MkdirAll(deep, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			want := filepath.Join(top, "shared", "seeds")
			if tt.withSeeds {
				if err := os.MkdirAll(want, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(deep)
			got, ok := Dir()
			if ok != tt.withSeeds || (ok && got != want) {
				t.Errorf("Dir() = %q, %v; want %q, %v", got, ok, want, tt.withSeeds)
			}
		})
	}
}
