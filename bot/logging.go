package bot

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"
)

var bridgeOnce sync.Once

// bridgeDiscordgoLogs sends discordgo's own log lines to slog.Default(), each made safe
// by safeLogLine first. discordgo exposes only a package-level hook, so it is installed
// once per process.
func bridgeDiscordgoLogs() {
	bridgeOnce.Do(func() {
		discordgo.Logger = func(level, _ int, format string, args ...any) {
			msg := safeLogLine(fmt.Sprintf(format, args...))
			lvl := discordgoLevel(level)
			if strings.Contains(msg, errToResumeURL.Error()) {
				// The dial the bot refused on purpose to resume at the resume URL (resume.go),
				// which discordgo reports as a failed connection: not an error.
				lvl = slog.LevelDebug
			}
			slog.Default().Log(context.Background(), lvl, msg, slog.String("component", "discordgo"))
		}
	})
}

func discordgoLevel(level int) slog.Level {
	switch level {
	case discordgo.LogError:
		return slog.LevelError
	case discordgo.LogWarning:
		return slog.LevelWarn
	case discordgo.LogInformational:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

// payloadDropped stands in for a value discordgo dumped into a log line.
const payloadDropped = "[payload dropped]"

// payloadStart finds where discordgo starts dumping a whole value into a line: Go syntax
// from %#v ("&discordgo.Event{", "discordgo.Identify{", "json.RawMessage{0x7b, ..."), JSON
// from %s (`{"id":...`, `[{...`) or bytes from %v ("[123 34 105 ..."). Such dumps hold
// interaction tokens, the bot token (Identify) and member data, and are kilobytes long:
// discordgo prints them when the first frame after a resume is not READY/RESUMED (Discord
// replays missed events before RESUMED), for unknown events and ops, and at debug level.
var payloadStart = regexp.MustCompile(`(?:&|\[\])?[\w.]+\{|\{\s*"|\[\s*\{|\[\d{1,3}(?: \d{1,3}){15}`)

// secrets are the token shapes scrubbed from what is left of a line, in this order.
var secrets = []struct {
	re   *regexp.Regexp
	with string
}{
	// An Authorization header value: discordgo prints request headers at debug level.
	{regexp.MustCompile(`Bot [\w.\-]+`), "Bot [redacted]"},
	// Webhook and interaction-callback URLs carry the interaction token as a path segment.
	{regexp.MustCompile(`(/(?:webhooks|interactions)/\d+/)[^/\s?"]+`), "${1}[redacted]"},
	// A token field, in JSON ("token":"...") or Go syntax (Token:"...").
	{regexp.MustCompile(`(?i)("?token"?\s*:\s*)"[^"]*"`), `${1}"[redacted]"`},
	// A bare bot token: three base64url parts joined by dots.
	{regexp.MustCompile(`[\w-]{20,}\.[\w-]{5,}\.[\w-]{20,}`), "[redacted]"},
	// Interaction tokens are long base64url runs ("aW50ZXJhY3Rpb246..."); a hex-encoded
	// secret is a run of the same alphabet, so this covers hex too.
	{regexp.MustCompile(`[\w-]{60,}`), "[redacted]"},
}

// safeLogLine returns a discordgo log line fit to keep: a dumped payload is cut off and
// replaced by payloadDropped, and tokens are scrubbed from the rest.
func safeLogLine(msg string) string {
	if loc := payloadStart.FindStringIndex(msg); loc != nil {
		msg = strings.TrimSpace(strings.TrimSpace(msg[:loc[0]]) + " " + payloadDropped)
	}
	return scrubToken(msg)
}

// scrubToken replaces every secret shape in msg.
func scrubToken(msg string) string {
	for _, s := range secrets {
		msg = s.re.ReplaceAllString(msg, s.with)
	}
	return msg
}

// Scrubbing wraps h so that every message and attribute it records is passed through the
// same token scrubbing as discordgo's lines: an error from an interaction callback quotes
// its URL, which holds the interaction token, and no token may reach a log.
func Scrubbing(h slog.Handler) slog.Handler { return scrubHandler{h} }

type scrubHandler struct{ slog.Handler }

func (h scrubHandler) Handle(ctx context.Context, r slog.Record) error {
	clean := slog.NewRecord(r.Time, r.Level, scrubToken(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		clean.AddAttrs(scrubAttr(a))
		return true
	})
	return h.Handler.Handle(ctx, clean)
}

func (h scrubHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = scrubAttr(a)
	}
	return scrubHandler{h.Handler.WithAttrs(clean)}
}

func (h scrubHandler) WithGroup(name string) slog.Handler {
	return scrubHandler{h.Handler.WithGroup(name)}
}

// scrubAttr scrubs strings, and values that print as strings (errors), in a and its groups.
func scrubAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, scrubToken(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = scrubAttr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		return slog.String(a.Key, scrubToken(fmt.Sprint(v.Any())))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
