package commands

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestHelpListsEveryCommandAndSubcommand(t *testing.T) {
	others := []Command{
		{Definition: &discordgo.ApplicationCommand{Name: "exercise", Description: "Show how to do one exercise"}},
		{Definition: &discordgo.ApplicationCommand{Name: "routine", Description: "Routines", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", Description: "List the routines"},
			{Type: discordgo.ApplicationCommandOptionString, Name: "not-a-sub", Description: "an option"},
		}}},
	}
	h := help(others)
	reply, err := h.Handle(context.Background(), &Request{})
	if err != nil {
		t.Fatal(err)
	}
	embed := reply.Embeds[0]
	for _, want := range []string{"**/exercise** Show how to do one exercise", "**/routine list** List the routines", "**/help**"} {
		if !strings.Contains(embed.Description, want) {
			t.Errorf("help lacks %q:\n%s", want, embed.Description)
		}
	}
	if strings.Contains(embed.Description, "not-a-sub") {
		t.Error("help listed a plain option as a subcommand")
	}
	if !strings.Contains(embed.Footer.Text, "healthcare professional") {
		t.Errorf("help lacks the safety note: %q", embed.Footer.Text)
	}
	if len(others) != 2 {
		t.Error("help changed the caller's list")
	}
}
