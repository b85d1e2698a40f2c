package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/stretchbot/stretchbot/config"
)

// composeFile is the part of docker-compose.yml the bot depends on.
type composeFile struct {
	Services map[string]struct {
		Build       string            `yaml:"build"`
		Restart     string            `yaml:"restart"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		Volumes     []string          `yaml:"volumes"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// TestComposeFileFitsTheImage checks docker-compose.yml without a Docker engine (none runs
// here): it is YAML of the compose shape, every STRETCHBOT_ variable names a config key,
// the token is required from .env and never written in, the data volume is mounted where
// the image keeps its database and declared, the service restarts by itself, and the
// metrics port is the one metrics.listen names, published to this host only.
func TestComposeFileFitsTheImage(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose composeFile
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("docker-compose.yml is not valid YAML of the compose shape: %v", err)
	}
	svc, ok := compose.Services["stretchbot"]
	if !ok {
		t.Fatal("docker-compose.yml has no stretchbot service")
	}
	if svc.Build != "." {
		t.Errorf("build = %q; want . (the Dockerfile beside it)", svc.Build)
	}
	if svc.Restart != "unless-stopped" && svc.Restart != "always" {
		t.Errorf("restart = %q; the bot exits non-zero on a revoked token and expects to be restarted", svc.Restart)
	}

	keys := map[string]bool{}
	for _, key := range config.Keys() {
		keys[config.EnvName(key)] = true
	}
	for name := range svc.Environment {
		if strings.HasPrefix(name, config.EnvPrefix+"_") && !keys[name] {
			t.Errorf("environment %s names no config key", name)
		}
	}
	if token := svc.Environment["STRETCHBOT_DISCORD_TOKEN"]; !regexp.MustCompile(`^\$\{STRETCHBOT_DISCORD_TOKEN:\?.+\}$`).MatchString(token) {
		t.Errorf("STRETCHBOT_DISCORD_TOKEN = %q; want it required from the environment or .env (${STRETCHBOT_DISCORD_TOKEN:?…}), never written in", token)
	}

	dataMounted := false
	for _, v := range svc.Volumes {
		source, target, _ := strings.Cut(v, ":")
		if strings.HasPrefix(target, "/data") {
			dataMounted = true
			if !strings.ContainsAny(source, "./") {
				if _, declared := compose.Volumes[source]; !declared {
					t.Errorf("volume %s is used but not declared under volumes:", source)
				}
			}
		}
	}
	if !dataMounted {
		t.Error("nothing is mounted at /data, where the image keeps the database: it would be lost with the container")
	}

	listen := svc.Environment["STRETCHBOT_METRICS_LISTEN"]
	_, port, _ := strings.Cut(listen, ":")
	if listen == "" || port == "" {
		t.Fatalf("STRETCHBOT_METRICS_LISTEN = %q; the image's HEALTHCHECK needs metrics on", listen)
	}
	if !slices.Contains(svc.Ports, "127.0.0.1:"+port+":"+port) {
		t.Errorf("ports = %v; want the metrics port %s published to 127.0.0.1 only (metrics are not for the internet)", svc.Ports, port)
	}
}

// TestDockerfileHealthcheck: the image asks its own binary for readiness (it has no curl),
// with metrics on by default so that the check has something to ask.
func TestDockerfileHealthcheck(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, want := range []string{`CMD ["stretchbot", "health"]`, "STRETCHBOT_METRICS_LISTEN=:9090", "USER stretchbot", "VOLUME /data"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Dockerfile lacks %q", want)
		}
	}
}
