package bot

import (
	"context"

	"github.com/bwmarrin/discordgo"
)

// ChannelName is the name of a server channel, from the gateway's cache when it holds the
// channel, else asked of Discord (paced and retried like the bot's other requests).
func (m *Messenger) ChannelName(ctx context.Context, channelID string) (string, error) {
	ctx = asInitiative(ctx)
	if ch, err := m.session.State.Channel(channelID); err == nil {
		return ch.Name, nil
	}
	var ch *discordgo.Channel
	_, err := m.do(ctx, func() (*discordgo.Message, error) {
		var getErr error
		ch, getErr = m.session.Channel(channelID, discordgo.WithContext(ctx))
		return nil, getErr
	})
	if err != nil {
		return "", err
	}
	return ch.Name, nil
}
