package bot

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/commands"
)

// BenchmarkRouteInteraction measures the in-process cost of one slash command:
// routing it to its handler, running a handler that builds an embed, and turning
// the reply into the callback body. The network send is replaced by a counter.
func BenchmarkRouteInteraction(b *testing.B) {
	bot, err := New(Options{Token: "bench-token-not-real", APIURL: "http://127.0.0.1:1", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	echo := commands.Command{
		Definition: &discordgo.ApplicationCommand{Name: "echo", Description: "echo", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "text", Description: "what to echo"}}},
		Handle: func(_ context.Context, req *commands.Request) (*commands.Reply, error) {
			return &commands.Reply{Embeds: []*discordgo.MessageEmbed{{Title: "Echo", Description: req.String("text")}}}, nil
		},
	}
	if bot.router, err = newRouter([]commands.Command{echo}); err != nil {
		b.Fatal(err)
	}
	sent := 0
	bot.respond = func(_ *discordgo.Interaction, resp *discordgo.InteractionResponse, _ ...discordgo.RequestOption) error {
		if resp.Data.AllowedMentions == nil {
			b.Fatal("reply without allowed_mentions")
		}
		if len(resp.Data.Embeds) != 1 {
			b.Fatalf("the handler did not answer: %q", resp.Data.Content)
		}
		sent++
		return nil
	}
	ic := &discordgo.InteractionCreate{Interaction: &discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand, GuildID: "1", ChannelID: "2", AuthorizingIntegrationOwners: map[discordgo.ApplicationIntegrationType]string{
			discordgo.ApplicationIntegrationGuildInstall: "1"},
		Member: &discordgo.Member{User: &discordgo.User{ID: "3", Username: "sam"}},
		Data: discordgo.ApplicationCommandInteractionData{Name: "echo", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "text", Type: discordgo.ApplicationCommandOptionString, Value: "hello @everyone"},
		}},
	}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		bot.onInteraction(nil, ic)
	}
	b.StopTimer()
	if sent != b.N {
		b.Fatalf("sent %d replies for %d interactions", sent, b.N)
	}
}
