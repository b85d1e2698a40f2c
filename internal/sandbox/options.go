package sandbox

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/bot"
)

// showOptions prints what Discord's UI shows while a member fills in a command: its
// subcommands, and for each option its kind, whether it is required, its range or
// choices, and its description.
func (c *console) showOptions(arg string) error {
	name := strings.TrimPrefix(arg, "/")
	if name == "" || strings.Contains(name, " ") {
		return fmt.Errorf("usage: options /command, e.g. options /session")
	}
	def := c.definition(name)
	if def == nil {
		return fmt.Errorf("the bot has no /%s command; try /help", name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "/%s — %s\n", def.Name, def.Description)
	if len(def.Options) == 0 {
		b.WriteString("  (no options)\n")
	}
	writeOptions(&b, def.Options, "  ")
	c.printf("%s", b.String())
	return nil
}

func writeOptions(b *strings.Builder, opts []*discordgo.ApplicationCommandOption, indent string) {
	for _, o := range opts {
		switch o.Type {
		case discordgo.ApplicationCommandOptionSubCommand, discordgo.ApplicationCommandOptionSubCommandGroup:
			fmt.Fprintf(b, "%s%s — %s\n", indent, o.Name, o.Description)
			writeOptions(b, o.Options, indent+"  ")
		default:
			fmt.Fprintf(b, "%s%s: %s — %s\n", indent, o.Name, optionTraits(o), o.Description)
			for _, ch := range o.Choices {
				fmt.Fprintf(b, "%s    %q  (%v)\n", indent, ch.Name, ch.Value)
			}
		}
	}
}

// optionTraits describes an option's value: "a whole number 0 to 60, required".
func optionTraits(o *discordgo.ApplicationCommandOption) string {
	traits := []string{kindName(o.Type)}
	if r := valueRange(o); r != "" {
		traits[0] += " " + r
	}
	if o.Type == discordgo.ApplicationCommandOptionString && (o.MinLength != nil || o.MaxLength > 0) {
		traits[0] += ", " + lengthRange(o) + " long"
	}
	if o.Required {
		traits = append(traits, "required")
	}
	if o.Autocomplete {
		traits = append(traits, "the bot suggests values (complete)")
	}
	if len(o.Choices) > 0 {
		traits = append(traits, "one of")
	}
	return strings.Join(traits, ", ")
}

// kindName says what kind of value an option takes, and how the console writes a member,
// a channel or a role.
func kindName(t discordgo.ApplicationCommandOptionType) string {
	switch t {
	case discordgo.ApplicationCommandOptionUser, discordgo.ApplicationCommandOptionRole:
		return bot.OptionKind(t) + " (@name)"
	case discordgo.ApplicationCommandOptionChannel:
		return bot.OptionKind(t) + " (#name)"
	}
	return bot.OptionKind(t)
}

// valueRange says a number option's bounds ("0 to 60", "at least 1"), or "" when it
// has none. discordgo cannot tell a max_value of 0 from none; it is read as none.
func valueRange(o *discordgo.ApplicationCommandOption) string {
	if o.Type != discordgo.ApplicationCommandOptionInteger && o.Type != discordgo.ApplicationCommandOptionNumber {
		return ""
	}
	switch {
	case o.MinValue != nil && o.MaxValue != 0:
		return "between " + number(*o.MinValue) + " and " + number(o.MaxValue)
	case o.MinValue != nil:
		return "at least " + number(*o.MinValue)
	case o.MaxValue != 0:
		return "at most " + number(o.MaxValue)
	}
	return ""
}

// lengthRange says a text option's length bounds in characters.
func lengthRange(o *discordgo.ApplicationCommandOption) string {
	switch {
	case o.MinLength != nil && o.MaxLength > 0:
		return fmt.Sprintf("%d to %d characters", *o.MinLength, o.MaxLength)
	case o.MinLength != nil:
		return fmt.Sprintf("at least %d characters", *o.MinLength)
	}
	return fmt.Sprintf("at most %d characters", o.MaxLength)
}

func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
