package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDockerignoreKeepsSecretsOut: the Dockerfile's `COPY . .` must not carry the token
// (.env, config.yaml), a database or the repository's history into the build stage. The
// patterns are matched as Docker matches them, for these plain names: a pattern matches a
// path, or the top folder the path lies in.
func TestDockerignoreKeepsSecretsOut(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, strings.TrimPrefix(line, "/"))
		}
	}
	ignored := func(path string) bool {
		top, _, _ := strings.Cut(path, "/")
		for _, p := range patterns {
			for _, candidate := range []string{path, top} {
				if ok, _ := filepath.Match(p, candidate); ok {
					return true
				}
			}
		}
		return false
	}
	for _, secret := range []string{".env", ".env.local", "config.yaml", "stretchbot.db", "stretchbot.db-wal",
		"stretchbot.db-shm", "stretchbot.db.bak", ".git/config", "stretchbot"} {
		if !ignored(secret) {
			t.Errorf("%s would be copied into the image build; add it to .dockerignore", secret)
		}
	}
	for _, needed := range []string{"go.mod", "go.sum", "cmd/stretchbot/main.go", "config.example.yaml", "catalog/data"} {
		if ignored(needed) {
			t.Errorf("%s is needed by the build but .dockerignore leaves it out", needed)
		}
	}
}
