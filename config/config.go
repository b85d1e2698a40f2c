// Package config loads stretchbot's settings once at start: a YAML file (optional)
// overlaid by STRETCHBOT_* environment variables, unmarshalled into a typed Config
// and validated, so the rest of the program never sees an unchecked value.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/viper"
)

// EnvPrefix is the prefix of every environment variable that overrides a key:
// discord.token is STRETCHBOT_DISCORD_TOKEN.
const EnvPrefix = "STRETCHBOT"

// DefaultPath is the config file read when --config is not given. It may be absent.
const DefaultPath = "config.yaml"

// Secret holds a credential. Every way of printing it prints a placeholder, so a
// Config can be logged or wrapped into an error without leaking the token.
type Secret string

// String hides the secret from fmt's %s and %v.
func (Secret) String() string { return "[redacted]" }

// GoString hides the secret from fmt's %#v.
func (Secret) GoString() string { return `"[redacted]"` }

// LogValue hides the secret from log/slog.
func (Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// Reveal returns the secret itself; call it only where the credential is used.
func (s Secret) Reveal() string { return string(s) }

// Config is the validated configuration. Durations are Go durations ("10s", "1h").
type Config struct {
	Discord struct {
		Token   Secret `mapstructure:"token"`
		GuildID string `mapstructure:"guild_id"`
		APIURL  string `mapstructure:"api_url"`
		// ShardCount is the total number of shards; 0 asks Discord (GET /gateway/bot).
		ShardCount int `mapstructure:"shard_count"`
		// ShardIDs are the shards this process runs (ShardIDs reads them); empty: all.
		ShardIDs string `mapstructure:"shard_ids"`
	} `mapstructure:"discord"`
	Storage struct {
		Path   string `mapstructure:"path"`
		Backup struct {
			// Every is how often the running bot backs the database up; 0 turns it off.
			Every time.Duration `mapstructure:"every"`
			// Keep is how many of its scheduled backups it keeps; older ones are deleted.
			Keep int `mapstructure:"keep"`
			// Dir is where scheduled backups go; empty means a "backups" folder beside
			// the database.
			Dir string `mapstructure:"dir"`
		} `mapstructure:"backup"`
	} `mapstructure:"storage"`
	Metrics struct {
		// Listen is the host:port of /metrics, /healthz and /readyz; empty turns them off.
		Listen string `mapstructure:"listen"`
	} `mapstructure:"metrics"`
	Log struct {
		Level  string `mapstructure:"level"`
		Format string `mapstructure:"format"`
	} `mapstructure:"log"`
	Defaults struct {
		Timezone string `mapstructure:"timezone"`
	} `mapstructure:"defaults"`
	Catalog struct {
		ExtraPath string `mapstructure:"extra_path"`
	} `mapstructure:"catalog"`
	Session struct {
		PrepGap    time.Duration `mapstructure:"prep_gap"`
		LateCutoff time.Duration `mapstructure:"late_cutoff"`
	} `mapstructure:"session"`
}

// defaults lists every key with its default. Registering every key is what lets an
// environment variable reach a nested key that the file does not mention (viper#761),
// and it is also the list of known keys that typo detection compares against.
var defaults = map[string]any{
	"discord.token":        "",
	"discord.guild_id":     "",
	"discord.api_url":      "https://discord.com",
	"discord.shard_count":  0,
	"discord.shard_ids":    "",
	"storage.path":         "./stretchbot.db",
	"storage.backup.every": "0s",
	"storage.backup.keep":  7,
	"storage.backup.dir":   "",
	"metrics.listen":       "",
	"log.level":            "info",
	"log.format":           "text",
	"defaults.timezone":    "UTC",
	"catalog.extra_path":   "",
	"session.prep_gap":     "10s",
	"session.late_cutoff":  "1h",
}

// Keys lists every config key, sorted.
func Keys() []string {
	keys := make([]string, 0, len(defaults))
	for key := range defaults {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}

// EnvName returns the environment variable that overrides key.
func EnvName(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Load reads path (when explicit is false a missing file is fine), overlays the
// environment, and returns a Config that has not yet been validated: `sandbox` runs
// without a token, so validation is a separate step.
//
// Unknown keys and durations that do not parse are all reported at once, in the error,
// beside a Config (with defaults in place of the bad durations) that Validate can still
// check for the rest, so check-config names every problem in one run. A file that cannot
// be read or parsed returns a nil Config.
func Load(path string, explicit bool, environ []string) (*Config, error) {
	v := viper.New()
	for key, value := range defaults {
		v.SetDefault(key, value)
	}
	v.SetConfigType("yaml")
	if err := readFile(v, path, explicit); err != nil {
		return nil, err
	}
	problems := checkKnownKeys(v, path)
	applyEnv(v, environ)
	problems = append(problems, checkDurations(v, path, environ)...)

	var cfg Config
	if err := v.Unmarshal(&cfg); err != nil {
		return nil, errors.Join(append(problems, fmt.Errorf("%s: %w", path, simplifyDecodeError(err)))...)
	}
	cfg.Discord.Token = Secret(strings.TrimSpace(strings.TrimPrefix(cfg.Discord.Token.Reveal(), "Bot ")))
	return &cfg, errors.Join(problems...)
}

func readFile(v *viper.Viper, path string, explicit bool) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read config file %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	raw, err := io.ReadAll(f)
	if err != nil {
		return fmt.Errorf("cannot read config file %s: %w", path, err)
	}
	if line := tabIndentedLine(raw); line > 0 {
		return fmt.Errorf("config file %s: tabs are not allowed for indentation in YAML; use spaces (line %d)", path, line)
	}
	if err := v.ReadConfig(bytes.NewReader(raw)); err != nil {
		return fmt.Errorf("config file %s is not valid YAML: %s", path, yamlReason(err))
	}
	return nil
}

// tabIndentedLine is the number of the first line indented with a tab, or 0: YAML refuses
// tabs there with a message that does not say so plainly.
func tabIndentedLine(raw []byte) int {
	for i, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " "), "\t") {
			return i + 1
		}
	}
	return 0
}

// durationKeys are the keys read as Go durations.
var durationKeys = []string{"session.prep_gap", "session.late_cutoff", "storage.backup.every"}

// checkDurations names every duration that does not parse, with where it came from (the
// environment variable or the file) and how to write it, and puts the default in its place
// so the rest of the config can still be checked.
func checkDurations(v *viper.Viper, path string, environ []string) []error {
	var problems []error
	for _, key := range durationKeys {
		value := v.GetString(key)
		if _, err := time.ParseDuration(value); err == nil {
			continue
		}
		v.Set(key, defaults[key])
		from := "from " + path
		if slices.ContainsFunc(environ, func(kv string) bool { return strings.HasPrefix(kv, EnvName(key)+"=") }) {
			from = "from " + EnvName(key)
		}
		problems = append(problems, fmt.Errorf("%s = %q (%s): not a duration; write it like 1h or 90m", key, value, from))
	}
	return problems
}

// applyEnv copies STRETCHBOT_* variables onto their keys. It reads the given
// environment instead of os.Getenv so tests can run in parallel without t.Setenv.
func applyEnv(v *viper.Viper, environ []string) {
	values := map[string]string{}
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if ok {
			values[name] = value
		}
	}
	for key := range defaults {
		if value, ok := values[EnvName(key)]; ok {
			v.Set(key, value)
		}
	}
}

// checkKnownKeys turns every typo in the file into an error that names the key, instead
// of silently ignoring it and running with the default. A section given a value
// (`discord: token`) and a nested key written at the top (`token:`) are explained.
func checkKnownKeys(v *viper.Viper, path string) []error {
	var unknown []string
	for _, key := range v.AllKeys() {
		if _, ok := defaults[key]; !ok {
			unknown = append(unknown, key)
		}
	}
	sort.Strings(unknown)
	var problems []error
	for _, key := range unknown {
		problems = append(problems, fmt.Errorf("config file %s: %s", path, explainUnknownKey(key)))
	}
	return problems
}

// explainUnknownKey says what an unknown key probably is and how to write it.
func explainUnknownKey(key string) string {
	if example, ok := sectionExample(key); ok {
		return fmt.Sprintf("%q is a section, not a value; write its keys on the lines below it, indented by two spaces (%s)", key, example)
	}
	near := cmp.Or(nestedKeyNamed(key), nearestKey(key))
	if near == "" {
		return fmt.Sprintf("unknown key %q; see config.example.yaml for every key", key)
	}
	if section, leaf, _ := strings.Cut(near, "."); !strings.Contains(key, ".") {
		// Written at the top: the key belongs in a section.
		return fmt.Sprintf("unknown key %q (did you mean %q? it goes under %s:, indented: %s:, then   %s: on the next line)", key, near, section, section, leaf)
	}
	return fmt.Sprintf("unknown key %q (did you mean %q?); see config.example.yaml for every key", key, near)
}

// sectionExample returns how the section named key is written, when key is one.
func sectionExample(key string) (string, bool) {
	var first string
	for known := range defaults {
		if rest, ok := strings.CutPrefix(known, key+"."); ok && (first == "" || rest < first) {
			first = rest
		}
	}
	if first == "" {
		return "", false
	}
	return fmt.Sprintf("%s:, then   %s: …", key, strings.ReplaceAll(first, ".", ":, then     ")), true
}

// nestedKeyNamed is the one known key whose last part is key, written without its
// section (`token` for discord.token); "" when none or several.
func nestedKeyNamed(key string) string {
	found := ""
	for known := range defaults {
		if strings.HasSuffix(known, "."+key) {
			if found != "" {
				return ""
			}
			found = known
		}
	}
	return found
}

// nearestKey is the known key closest to key, as written whole or by its last part
// (`tokn` is near discord.token), or "" when none is close.
func nearestKey(key string) string {
	best, bestDist := "", 4
	for known := range defaults {
		leaf := known[strings.LastIndex(known, ".")+1:]
		d := min(editDistance(key, known), editDistance(key, leaf)+1)
		if d < bestDist || (d == bestDist && known < best) {
			best, bestDist = known, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance; config keys are short, so the
// quadratic table is fine.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func yamlReason(err error) string {
	reason := err.Error()
	var parseErr viper.ConfigParseError
	if errors.As(err, &parseErr) {
		if inner := parseErr.Unwrap(); inner != nil {
			reason = inner.Error()
		}
	}
	if strings.Contains(reason, "mapping values are not allowed") {
		reason += "; a key and its nested key may not share a line (discord: token: …): put the nested key on the next line, indented by two spaces"
	}
	return reason
}

func unwrapPathError(err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err
	}
	return err
}

// simplifyDecodeError drops mapstructure's "decoding failed due to the following
// error(s):" preamble so the message stays one sentence.
func simplifyDecodeError(err error) error {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, "error(s):"); ok {
		msg = strings.TrimSpace(rest)
	}
	return errors.New(msg)
}

// Validate checks every key and returns one error per problem, each naming the key
// and its environment variable. requireToken is false for `sandbox`.
func (c *Config) Validate(requireToken bool) error {
	var problems []error
	add := func(key, format string, args ...any) {
		problems = append(problems, fmt.Errorf("%s (env %s): %s", key, EnvName(key), fmt.Sprintf(format, args...)))
	}
	if requireToken && c.Discord.Token == "" {
		add("discord.token", "no bot token is set; set %s or discord.token in config.yaml, "+
			"and create a token at https://discord.com/developers/applications (your application, Bot, Reset Token)",
			EnvName("discord.token"))
	}
	if c.Discord.GuildID != "" && !isSnowflake(c.Discord.GuildID) {
		add("discord.guild_id", "%q is not a server ID; copy it with Developer Mode on (right-click the server, Copy Server ID), or leave it empty to register commands globally", c.Discord.GuildID)
	}
	if err := checkAPIURL(c.Discord.APIURL); err != nil {
		add("discord.api_url", "%v", err)
	}
	c.checkShards(add)
	if strings.TrimSpace(c.Storage.Path) == "" {
		add("storage.path", "is empty; give the path of the SQLite file, e.g. ./stretchbot.db")
	}
	c.checkBackup(add)
	if err := checkListen(c.Metrics.Listen); err != nil {
		add("metrics.listen", "%v", err)
	}
	if _, err := ParseLevel(c.Log.Level); err != nil {
		add("log.level", "%v", err)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		add("log.format", "%q is not a log format; use text or json", c.Log.Format)
	}
	if _, err := time.LoadLocation(c.Defaults.Timezone); err != nil || c.Defaults.Timezone == "" {
		add("defaults.timezone", "%q is not an IANA timezone name; use one like UTC, Europe/Berlin or America/New_York", c.Defaults.Timezone)
	}
	if c.Session.PrepGap < 0 || c.Session.PrepGap > 2*time.Minute {
		add("session.prep_gap", "%s is out of range; use 0s to 2m", c.Session.PrepGap)
	}
	if c.Session.LateCutoff < time.Minute {
		add("session.late_cutoff", "%s is too short; use at least 1m (default 1h)", c.Session.LateCutoff)
	}
	return errors.Join(problems...)
}

// checkShards checks discord.shard_count and discord.shard_ids. With a count of 0 (ask
// Discord) the ids are checked for their form now and against the count at connect time.
func (c *Config) checkShards(add func(key, format string, args ...any)) {
	count := c.Discord.ShardCount
	if count < 0 {
		add("discord.shard_count", "%d is not a shard count; use 0 to ask Discord, or the total number of shards", count)
		return
	}
	if count == 0 {
		count = maxShardIDs // only the form can be checked before Discord answers
	}
	if _, err := ShardIDs(c.Discord.ShardIDs, count); err != nil {
		add("discord.shard_ids", "%v", err)
	}
}

// maxShardIDs bounds the shard ids accepted before Discord says how many shards there are.
const maxShardIDs = 1 << 16

// ParseLevel maps log.level to a slog level.
func ParseLevel(level string) (slog.Level, error) {
	switch strings.ToLower(level) {
	case "debug":
		return slog.LevelDebug, nil
	case "info", "":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("%q is not a log level; use debug, info, warn or error", level)
}

func checkAPIURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL; use https://discord.com unless you run a REST proxy", raw)
	}
	return nil
}

func isSnowflake(s string) bool {
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// BackupDir is where scheduled backups go: storage.backup.dir, or a "backups" folder
// beside the database.
func (c *Config) BackupDir() string {
	if c.Storage.Backup.Dir != "" {
		return c.Storage.Backup.Dir
	}
	return filepath.Join(filepath.Dir(c.Storage.Path), "backups")
}

// checkBackup checks storage.backup.*: scheduled backups are off at 0, else at least an
// hour apart (each copies the whole database), keeping at least one.
func (c *Config) checkBackup(add func(key, format string, args ...any)) {
	b := c.Storage.Backup
	if b.Every == 0 {
		return
	}
	if b.Every < time.Hour {
		add("storage.backup.every", "%s is too often; use 0 for no scheduled backups, or at least 1h (e.g. 24h)", b.Every)
	}
	if b.Keep < 1 {
		add("storage.backup.keep", "%d keeps no backup; keep at least 1 (default 7)", b.Keep)
	}
}

// checkListen checks metrics.listen: empty (off) or host:port with a numeric port.
func checkListen(listen string) error {
	if listen == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(listen)
	if err != nil || port == "" {
		return fmt.Errorf("%q is not host:port; use e.g. 127.0.0.1:9090 (this machine only) or :9090 (every interface), or leave it empty to turn metrics off", listen)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q has no port number; use e.g. 127.0.0.1:9090", listen)
	}
	return nil
}
