// Package seedtest finds the source texts of the catalog for tests. They live outside the
// repository, in shared/seeds beside the repository's folder (../shared/seeds from the root
// that holds go.mod), and may be absent, in which case the tests that need them skip.
package seedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the seeds folder and whether it exists: <repo>/../shared/seeds, where <repo>
// is the nearest folder above the working directory that holds go.mod.
func Dir() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			seeds := filepath.Join(filepath.Dir(dir), "shared", "seeds")
			info, err := os.Stat(seeds)
			return seeds, err == nil && info.IsDir()
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Texts reads every seeds/*.txt and returns their contents. It skips the test when the
// folder or its texts are absent, and fails it when they cannot be read.
func Texts(t testing.TB) []string {
	t.Helper()
	dir, ok := Dir()
	if !ok {
		t.Skip("the source texts (../shared/seeds beside the repository) are absent")
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Skipf("no source texts in %s", dir)
	}
	texts := make([]string, len(paths))
	for i, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("read a source text: %v", err)
		}
		texts[i] = string(data)
	}
	return texts
}
