package render

import (
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// NotifyPattern routes the Notify me button of a schedule's announcement and lobbies.
const NotifyPattern = "schedule/{id}/notify"

// NotifyButton is the Notify me toggle of schedule scheduleID: a member who pressed it is
// DMed before each of the schedule's lobbies opens.
func NotifyButton(scheduleID int64) discordgo.Button {
	return discordgo.Button{Label: "Notify me", Style: discordgo.SecondaryButton,
		CustomID: FillID(NotifyPattern, strconv.FormatInt(scheduleID, 10))}
}

// ChannelLink is a link that opens a server channel in the Discord client, for messages
// outside the server (DMs), where a <#id> mention does not resolve.
func ChannelLink(guildID, channelID string) string {
	return "https://discord.com/channels/" + guildID + "/" + channelID
}
