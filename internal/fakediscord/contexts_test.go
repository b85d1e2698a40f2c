package fakediscord

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestValidateCommandsChecksChoicesSizeAndPlaces(t *testing.T) {
	long := strings.Repeat("x", 101)
	cmd := func(change func(c *discordgo.ApplicationCommand)) []*discordgo.ApplicationCommand {
		c := &discordgo.ApplicationCommand{Name: "pick", Description: "Pick one", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "what", Description: "What",
				Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "A", Value: "a"}}}}}
		change(c)
		return []*discordgo.ApplicationCommand{c}
	}
	install := func(v ...discordgo.ApplicationIntegrationType) *[]discordgo.ApplicationIntegrationType { return &v }
	contexts := func(v ...discordgo.InteractionContextType) *[]discordgo.InteractionContextType { return &v }
	tests := []struct {
		name string
		cmds []*discordgo.ApplicationCommand
		want string // the error code, "" for none
	}{
		{"valid", cmd(func(c *discordgo.ApplicationCommand) {
			c.IntegrationTypes, c.Contexts = install(0, 1), contexts(0, 1, 2)
		}), ""},
		{"autocomplete with choices", cmd(func(c *discordgo.ApplicationCommand) { c.Options[0].Autocomplete = true }),
			"APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE"},
		{"empty choice name", cmd(func(c *discordgo.ApplicationCommand) { c.Options[0].Choices[0].Name = "" }), "BASE_TYPE_BAD_LENGTH"},
		{"long choice value", cmd(func(c *discordgo.ApplicationCommand) { c.Options[0].Choices[0].Value = long }), "BASE_TYPE_BAD_LENGTH"},
		{"over 8,000 characters", cmd(func(c *discordgo.ApplicationCommand) {
			for i := 0; i < 25; i++ {
				c.Options[0].Choices = append(c.Options[0].Choices, &discordgo.ApplicationCommandOptionChoice{
					Name: strings.Repeat("n", 100), Value: strings.Repeat("v", 100)})
			}
			c.Options = append(c.Options, c.Options[0], c.Options[0])
			c.Options[1] = &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "b",
				Description: "B", Choices: c.Options[0].Choices}
			c.Options[2] = &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "c",
				Description: "C", Choices: c.Options[0].Choices}
			c.Options[0].Choices = c.Options[0].Choices[1:]
		}), "APPLICATION_COMMAND_TOO_LARGE"},
		{"unknown integration type", cmd(func(c *discordgo.ApplicationCommand) { c.IntegrationTypes = install(2) }), "ENUM_TYPE_COERCE"},
		{"unknown context", cmd(func(c *discordgo.ApplicationCommand) { c.Contexts = contexts(0, 3) }), "ENUM_TYPE_COERCE"},
		{"a context twice", cmd(func(c *discordgo.ApplicationCommand) { c.Contexts = contexts(0, 0) }), "BASE_TYPE_DUPLICATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(validateCommands(tt.cmds))
			if err != nil {
				t.Fatal(err)
			}
			got := string(b)
			if tt.want == "" && got != "{}" {
				t.Fatalf("errors %s, want none", got)
			}
			if tt.want != "" && !strings.Contains(got, tt.want) {
				t.Fatalf("errors %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCommandSizeCountsNamesDescriptionsAndChoices(t *testing.T) {
	c := &discordgo.ApplicationCommand{Name: "ab", Description: "cde", Options: []*discordgo.ApplicationCommandOption{
		{Name: "f", Description: "gh", Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "i", Value: 12}},
			Options: []*discordgo.ApplicationCommandOption{{Name: "j", Description: "k"}}}}}
	if got := commandSize(c); got != 2+3+1+2+1+2+1+1 {
		t.Fatalf("commandSize = %d, want 13", got)
	}
}

func TestAutocompleteAnswerChoiceLengths(t *testing.T) {
	tests := []struct {
		name, data string
		refused    bool
	}{
		{"fine", `{"choices":[{"name":"Cat stretch","value":"cat-stretch"}]}`, false},
		{"a number value", `{"choices":[{"name":"Ten","value":10}]}`, false},
		{"empty name", `{"choices":[{"name":"","value":"x"}]}`, true},
		{"empty value", `{"choices":[{"name":"x","value":""}]}`, true},
		{"long name", `{"choices":[{"name":"` + strings.Repeat("é", 101) + `","value":"x"}]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp Response
			rep, failed := decodeChoices(json.RawMessage(tt.data), &resp)
			if failed != tt.refused {
				t.Fatalf("refused = %v (%d), want %v", failed, rep.status, tt.refused)
			}
		})
	}
}

func TestInteractionsSayWhoInstalledTheApp(t *testing.T) {
	srv := start(t, Options{})
	dm := InteractionContext{ChannelID: "600000000000000006", Member: sam()}
	userInGuild := guildCtx()
	userInGuild.Install = UserInstalled
	userInDM := dm
	userInDM.Install = UserInstalled
	tests := []struct {
		name    string
		ctx     InteractionContext
		owners  map[string]any
		context float64
	}{
		{"the server installed it", guildCtx(), map[string]any{"0": "400000000000000004"}, 0},
		{"a DM with the bot", dm, map[string]any{"0": "0"}, 1},
		{"a member installed it in a server", userInGuild, map[string]any{"1": sam().ID}, 0},
		{"a member installed it, in a DM", userInDM, map[string]any{"1": sam().ID}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload, err := srv.prepare(srv.SlashCommand(tt.ctx, "tips"))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(payload)
			var m struct {
				Owners  map[string]any `json:"authorizing_integration_owners"`
				Context float64        `json:"context"`
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if len(m.Owners) != len(tt.owners) || m.Context != tt.context {
				t.Fatalf("owners %v context %v, want %v %v", m.Owners, m.Context, tt.owners, tt.context)
			}
			for k, v := range tt.owners {
				if m.Owners[k] != v {
					t.Fatalf("owners %v, want %v", m.Owners, tt.owners)
				}
			}
		})
	}
}

func TestPublicAnswersOfAUserInstallFollowTheMembersRights(t *testing.T) {
	const send, apps = discordgo.PermissionSendMessages, discordgo.PermissionUseExternalApps
	tests := []struct {
		name          string
		in            interaction
		flags         discordgo.MessageFlags
		wantEphemeral bool
		wantStatus    int // 0 when accepted
	}{
		{"installed in the server", interaction{memberPerms: 0}, 0, false, 0},
		{"user install, all rights", interaction{notInstalled: true, memberPerms: send | apps}, 0, false, 0},
		{"user install, no Use External Apps", interaction{notInstalled: true, memberPerms: send}, 0, true, 0},
		{"user install, no Send Messages", interaction{notInstalled: true, memberPerms: apps}, 0, false, http.StatusForbidden},
		{"user install, no Send Messages, ephemeral", interaction{notInstalled: true, memberPerms: apps}, discordgo.MessageFlagsEphemeral, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Message{Flags: tt.flags}
			rep, refused := tt.in.holdToMember(m)
			if refused != (tt.wantStatus != 0) || (refused && rep.status != tt.wantStatus) {
				t.Fatalf("refused = %v (status %d), want status %d", refused, rep.status, tt.wantStatus)
			}
			if got := m.Flags&discordgo.MessageFlagsEphemeral != 0; !refused && got != tt.wantEphemeral {
				t.Fatalf("ephemeral = %v, want %v", got, tt.wantEphemeral)
			}
		})
	}
}
