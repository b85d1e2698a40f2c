package commands

import (
	"context"

	"github.com/bwmarrin/discordgo"
)

// dmSender sends a direct message the bot writes on its own initiative (a reminder, a
// schedule's notice), paced with the bot's other writes and pinging nobody. An error
// wrapping guild.ErrDMsClosed means the member does not accept DMs from the bot: the
// caller stops trying (no retry) until the member runs a command again.
// *bot.Messenger implements it.
type dmSender interface {
	DM(ctx context.Context, userID string, msg *discordgo.MessageSend) (*discordgo.Message, error)
}
