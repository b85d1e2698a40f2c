package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// checkMessage refuses what Discord refuses: an empty message (50006) or one over its
// documented limits (50035 with the fields named).
func checkMessage(m Message) (reply, bool) {
	if m.Content == "" && len(m.Embeds) == 0 && len(m.Components) == 0 && len(m.Attachments) == 0 {
		return apiError(http.StatusBadRequest, 50006, "Cannot send an empty message"), true
	}
	errs := formErrors{}
	if n := utf8.RuneCountInString(m.Content); n > 2000 {
		errs.add("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
	}
	checkEmbeds(m.Embeds, errs)
	checkComponents(m.Components, errs)
	if len(errs) > 0 {
		return invalidForm(errs), true
	}
	return reply{}, false
}

// maxLen adds an error when s is longer than limit characters.
func maxLen(errs formErrors, path, s string, limit int) int {
	n := utf8.RuneCountInString(s)
	if n > limit {
		errs.add(path, "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", limit)
	}
	return n
}

func checkEmbeds(embeds []*discordgo.MessageEmbed, errs formErrors) {
	if len(embeds) > 10 {
		errs.add("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
	}
	total := 0
	for i, e := range embeds {
		total += checkEmbed(e, fmt.Sprintf("embeds.%d.", i), errs)
	}
	if total > 6000 {
		errs.add("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
	}
}

// checkEmbed checks one embed's limits and returns the characters it counts toward the
// 6,000 shared by all embeds of a message.
func checkEmbed(e *discordgo.MessageEmbed, at string, errs formErrors) int {
	n := maxLen(errs, at+"title", e.Title, 256) + maxLen(errs, at+"description", e.Description, 4096)
	if e.Footer != nil {
		n += maxLen(errs, at+"footer.text", e.Footer.Text, 2048)
	}
	if e.Author != nil {
		n += maxLen(errs, at+"author.name", e.Author.Name, 256)
	}
	if len(e.Fields) > 25 {
		errs.add(at+"fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	for j, f := range e.Fields {
		fat := fmt.Sprintf("%sfields.%d.", at, j)
		if f.Name == "" || f.Value == "" {
			errs.add(fat+"value", "BASE_TYPE_REQUIRED", "This field is required")
		}
		n += maxLen(errs, fat+"name", f.Name, 256) + maxLen(errs, fat+"value", f.Value, 1024)
	}
	return n
}

// checkComponents checks the classic layout limits: at most 5 action rows of at most 5
// components, custom IDs of 1–100 characters, unique within the message. It reads the
// JSON form, so every component type discordgo knows is covered.
func checkComponents(components []discordgo.MessageComponent, errs formErrors) {
	var rows []map[string]any
	if b, err := json.Marshal(components); err != nil || json.Unmarshal(b, &rows) != nil {
		errs.add("components", "COMPONENT_INVALID", "Components could not be read")
		return
	}
	if len(rows) > 5 {
		errs.add("components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
	}
	seen := map[string]bool{}
	for i, row := range rows {
		children, _ := row["components"].([]any)
		at := fmt.Sprintf("components.%d.components", i)
		if row["type"] == float64(discordgo.ActionsRowComponent) && len(children) > 5 {
			errs.add(at, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
		}
		for j, c := range children {
			checkCustomID(c, fmt.Sprintf("%s.%d.custom_id", at, j), seen, errs)
		}
	}
}

func checkCustomID(c any, at string, seen map[string]bool, errs formErrors) {
	obj, _ := c.(map[string]any)
	id, has := obj["custom_id"].(string)
	if !has {
		return
	}
	if n := utf8.RuneCountInString(id); n < 1 || n > 100 {
		errs.add(at, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
	}
	if seen[id] {
		errs.add(at, "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated")
	}
	seen[id] = true
}

// commandName is Discord's pattern for chat-input command and option names.
func commandName() *regexp.Regexp { return regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`) }

// commandSizeMax is the most characters of names, descriptions and choice values one slash
// command may have, its options and choices included (application-commands.mdx).
const commandSizeMax = 8000

// validateCommands checks a bulk overwrite as Discord does: names, descriptions, option
// counts and order, choices (1–100 characters, none beside autocomplete), unique names per
// command type, at most 100 slash commands of at most 8,000 characters each, and known
// integration_types and contexts.
func validateCommands(cmds []*discordgo.ApplicationCommand) formErrors {
	errs := formErrors{}
	names := map[string]bool{}
	slash := 0
	name := commandName()
	for i, c := range cmds {
		at := fmt.Sprintf("%d.", i)
		key := fmt.Sprintf("%d/%s", c.Type, c.Name)
		if names[key] {
			errs.add(at+"name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
		}
		names[key] = true
		if c.Type != discordgo.ChatApplicationCommand && c.Type != 0 {
			maxLen(errs, at+"name", c.Name, 32)
			continue
		}
		slash++
		checkNamed(at, c.Name, c.Description, name, errs)
		checkOptions(at+"options", c.Options, name, errs)
		if n := commandSize(c); n > commandSizeMax {
			errs.add(at[:len(at)-1], "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (%d)", commandSizeMax)
		}
		checkPlaces(at, c, errs)
	}
	if slash > 100 {
		errs.add("_", "APPLICATION_COMMANDS_TOO_MANY", "Maximum number of application commands reached (100)")
	}
	return errs
}

// checkNamed checks a slash command's or option's lowercase name and its description.
func checkNamed(at, name, description string, pattern *regexp.Regexp, errs formErrors) {
	if !pattern.MatchString(name) || strings.ToLower(name) != name {
		errs.add(at+"name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
	}
	if n := utf8.RuneCountInString(description); n < 1 || n > 100 {
		errs.add(at+"description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
	}
}

func checkOptions(at string, opts []*discordgo.ApplicationCommandOption, pattern *regexp.Regexp, errs formErrors) {
	if len(opts) > 25 {
		errs.add(at, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	optional := false
	for j, o := range opts {
		oat := fmt.Sprintf("%s.%d.", at, j)
		checkNamed(oat, o.Name, o.Description, pattern, errs)
		if len(o.Choices) > 25 {
			errs.add(oat+"choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
		}
		if o.Autocomplete && len(o.Choices) > 0 {
			errs.add(oat+"autocomplete", "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE", "Autocomplete cannot be set if choices are present.")
		}
		checkChoices(oat+"choices", o.Choices, errs)
		if o.Required && optional {
			errs.add(oat+"required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options")
		}
		optional = optional || !o.Required
		checkOptions(oat+"options", o.Options, pattern, errs)
	}
}

// checkChoices checks choices as Discord does, in a definition or an autocomplete answer:
// names of 1–100 characters, string values of 1–100.
func checkChoices(at string, choices []*discordgo.ApplicationCommandOptionChoice, errs formErrors) {
	for k, c := range choices {
		cat := fmt.Sprintf("%s.%d.", at, k)
		if n := utf8.RuneCountInString(c.Name); n < 1 || n > 100 {
			errs.add(cat+"name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		if v, ok := c.Value.(string); ok {
			if n := utf8.RuneCountInString(v); n < 1 || n > 100 {
				errs.add(cat+"value", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
			}
		}
	}
}

// commandSize counts what Discord counts toward a command's 8,000 characters: the names,
// descriptions and choice names and values of the command and all its options.
func commandSize(c *discordgo.ApplicationCommand) int {
	n := utf8.RuneCountInString(c.Name) + utf8.RuneCountInString(c.Description)
	var walk func([]*discordgo.ApplicationCommandOption)
	walk = func(opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			n += utf8.RuneCountInString(o.Name) + utf8.RuneCountInString(o.Description)
			for _, ch := range o.Choices {
				n += utf8.RuneCountInString(ch.Name) + utf8.RuneCountInString(fmt.Sprint(ch.Value))
			}
			walk(o.Options)
		}
	}
	walk(c.Options)
	return n
}

// checkPlaces refuses integration_types and contexts Discord does not know (install
// types 0–1, interaction contexts 0–2) and a list naming one twice.
func checkPlaces(at string, c *discordgo.ApplicationCommand, errs formErrors) {
	if c.IntegrationTypes != nil {
		checkEnumList(at+"integration_types", *c.IntegrationTypes, discordgo.ApplicationIntegrationUserInstall, errs)
	}
	if c.Contexts != nil {
		checkEnumList(at+"contexts", *c.Contexts, discordgo.InteractionContextPrivateChannel, errs)
	}
}

func checkEnumList[T ~uint](at string, values []T, highest T, errs formErrors) {
	seen := map[T]bool{}
	for k, v := range values {
		if v > highest {
			errs.add(fmt.Sprintf("%s.%d", at, k), "ENUM_TYPE_COERCE", "Value \"%d\" is not a valid enum value.", v)
		}
		if seen[v] {
			errs.add(fmt.Sprintf("%s.%d", at, k), "BASE_TYPE_DUPLICATE", "Values must be unique.")
		}
		seen[v] = true
	}
}
