package render

import "github.com/bwmarrin/discordgo"

// Help renders /help: text lists what the bot does and every command; the footer repeats
// the safety rule.
func Help(text, safetyNote string) *discordgo.MessageEmbed {
	return fitEmbed(&discordgo.MessageEmbed{
		Title:       "stretchbot",
		Description: text,
		Color:       colorInfo,
		Footer:      footer("Safety first: " + safetyNote),
	})
}

// Settings renders a server's settings, one line each ("**name:** value"), under title.
func Settings(title string, lines []string) *discordgo.MessageEmbed {
	return fitEmbed(&discordgo.MessageEmbed{
		Title:       title,
		Description: linesWithin(lines, EmbedDescriptionMax),
		Color:       colorInfo,
	})
}
