package bot

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"sync"

	"github.com/bwmarrin/discordgo"
)

var bridgeOnce sync.Once

// bridgeDiscordgoLogs sends discordgo's own log lines to slog.Default(). discordgo
// exposes only a package-level hook, so it is installed once per process. Lines are
// scrubbed of anything that looks like an Authorization value: discordgo at debug
// level prints request headers.
func bridgeDiscordgoLogs() {
	bridgeOnce.Do(func() {
		discordgo.Logger = func(level, _ int, format string, args ...any) {
			msg := scrubToken(fmt.Sprintf(format, args...))
			slog.Default().Log(context.Background(), discordgoLevel(level), msg, slog.String("component", "discordgo"))
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

// botToken matches an Authorization header value as discordgo prints it.
var botToken = regexp.MustCompile(`Bot [A-Za-z0-9._\-]+`)

// scrubToken hides "Bot <token>" wherever it appears.
func scrubToken(msg string) string {
	return botToken.ReplaceAllString(msg, "Bot [redacted]")
}
