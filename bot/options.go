package bot

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/commands"
	"github.com/stretchbot/stretchbot/render"
)

type (
	dataOption     = discordgo.ApplicationCommandInteractionDataOption
	declaredOption = discordgo.ApplicationCommandOption
)

// maxSafeInteger bounds integer and number options, as Discord does (-2^53 to 2^53).
const maxSafeInteger = 1 << 53

// shownNameMax cuts a name the member sent before it is quoted back; Discord's own names
// have at most 32 characters.
const shownNameMax = 32

// checkOptions checks a slash command's options against the command's definition, as
// Discord would have, so that a handler only ever sees the shape it declared: the
// subcommand path exists, every option given is declared there with the same type and is
// given once, its value is of that type and within the declared range, length and choices,
// and every required option is there. The first misfit is a commands.UserError naming the
// option and what to fix. On nil, opts is the tree flattenOptions reads: one subcommand (or
// group) per level down to the leaves, and no nil entries.
func checkOptions(def *discordgo.ApplicationCommand, opts []*dataOption) error {
	sub, declared, leaves, err := walkSubcommands(def, opts)
	if err != nil {
		return err
	}
	path := strings.TrimSpace("/" + def.Name + " " + sub)
	seen := make(map[string]bool, len(leaves))
	for _, o := range leaves {
		if o == nil {
			return emptyOption(path)
		}
		d := findLeaf(declared, o.Name)
		if d == nil {
			return undeclared(path, o)
		}
		if seen[d.Name] {
			return commands.Userf("The option %s was given twice; give it once.", d.Name)
		}
		seen[d.Name] = true
		if err := checkValue(d, o); err != nil {
			return err
		}
	}
	for _, d := range declared {
		if d != nil && d.Required && !seen[d.Name] {
			return commands.Userf("The option %s is required.", d.Name)
		}
	}
	return nil
}

// completionOptions is flattenOptions for autocomplete, checked against the definition
// but never refusing: Discord sends what the member has typed so far, so the focused
// option may be partial (and is a string whatever its declared type), and others may be
// missing or out of range. It keeps the leaves whose value has their declared type (the
// focused one converted to a number when it reads as one) and drops the rest, so that the
// Request accessors cannot trip over a value of another kind. ok is false when the
// subcommand path is not the command's: then there is nothing to complete.
func completionOptions(def *discordgo.ApplicationCommand, opts []*dataOption) (path string, leaves map[string]*dataOption, focused string, ok bool) {
	path, declared, given, err := walkSubcommands(def, opts)
	if err != nil {
		return "", nil, "", false
	}
	leaves = map[string]*dataOption{}
	for _, o := range given {
		if o == nil {
			continue
		}
		d := findLeaf(declared, o.Name)
		if d == nil || leaves[d.Name] != nil {
			continue
		}
		if o.Focused && focused == "" {
			focused = d.Name
			if v, ok := partialNumber(d, o); ok {
				c := *o
				c.Type, c.Value = d.Type, v
				leaves[d.Name] = &c
				continue
			}
		}
		if o.Type == d.Type && valueHasType(d.Type, o.Value) {
			leaves[d.Name] = o
		}
	}
	return path, leaves, focused, true
}

// walkSubcommands follows opts down the command's subcommand groups and subcommands and
// returns the subcommand path as flattenOptions does ("group sub"), the options declared
// at its end and the options given there.
func walkSubcommands(def *discordgo.ApplicationCommand, opts []*dataOption) (path string, declared []*declaredOption, given []*dataOption, err error) {
	var names []string
	declared, given = def.Options, opts
	for hasSubcommands(declared) {
		shown := strings.Join(append([]string{"/" + def.Name}, names...), " ")
		switch {
		case len(given) == 0:
			return "", nil, nil, commands.Userf("%s needs a subcommand: %s. Try /help.", shown, subcommandNames(declared))
		case len(given) > 1:
			return "", nil, nil, commands.Userf("%s takes one subcommand at a time: %s. Try /help.", shown, subcommandNames(declared))
		case given[0] == nil:
			return "", nil, nil, emptyOption(shown)
		}
		o := given[0]
		d := findSubcommand(declared, o.Name)
		if d == nil || d.Type != o.Type {
			return "", nil, nil, commands.Userf("%s has no subcommand %s; try /help.", shown, quotedName(o.Name))
		}
		names = append(names, d.Name)
		declared, given = d.Options, o.Options
	}
	return strings.Join(names, " "), declared, given, nil
}

func isSubcommand(t discordgo.ApplicationCommandOptionType) bool {
	return t == discordgo.ApplicationCommandOptionSubCommand || t == discordgo.ApplicationCommandOptionSubCommandGroup
}

// hasSubcommands reports whether this level of a definition holds subcommands or groups
// (Discord allows no leaves beside them).
func hasSubcommands(declared []*declaredOption) bool {
	for _, d := range declared {
		if d != nil && isSubcommand(d.Type) {
			return true
		}
	}
	return false
}

func findSubcommand(declared []*declaredOption, name string) *declaredOption {
	for _, d := range declared {
		if d != nil && isSubcommand(d.Type) && d.Name == name {
			return d
		}
	}
	return nil
}

func findLeaf(declared []*declaredOption, name string) *declaredOption {
	for _, d := range declared {
		if d != nil && !isSubcommand(d.Type) && d.Name == name {
			return d
		}
	}
	return nil
}

func subcommandNames(declared []*declaredOption) string {
	var names []string
	for _, d := range declared {
		if d != nil && isSubcommand(d.Type) {
			names = append(names, d.Name)
		}
	}
	return strings.Join(names, ", ")
}

func emptyOption(path string) error {
	return commands.Userf("%s got an empty option; try again, or see /help.", path)
}

// undeclared refuses an option (or subcommand) the command does not have at this level.
func undeclared(path string, o *dataOption) error {
	if isSubcommand(o.Type) {
		return commands.Userf("%s has no subcommand %s; try /help.", path, quotedName(o.Name))
	}
	return commands.Userf("%s has no option %s; try /help.", path, quotedName(o.Name))
}

// quotedName quotes a name the member sent, for a message: cut short, with invisible and
// control characters written as escapes and Discord markdown neutralized.
func quotedName(name string) string {
	return render.Escape(strconv.Quote(render.Truncate(name, shownNameMax)))
}

// checkValue checks one leaf against its declaration.
func checkValue(d *declaredOption, o *dataOption) error {
	if o.Type != d.Type || !valueHasType(d.Type, o.Value) {
		return commands.Userf("The option %s must be %s.", d.Name, OptionKind(d.Type))
	}
	switch d.Type {
	case discordgo.ApplicationCommandOptionString:
		s := o.Value.(string)
		if n := utf8.RuneCountInString(s); !lengthFits(d, n) {
			return commands.Userf("The option %s must be %s long; that one has %d.", d.Name, lengthRange(d), n)
		}
		if len(d.Choices) > 0 && !hasChoice(d.Choices, func(v any) bool { c, ok := v.(string); return ok && c == s }) {
			return notAChoice(d)
		}
	case discordgo.ApplicationCommandOptionInteger, discordgo.ApplicationCommandOptionNumber:
		v := o.Value.(float64)
		if (d.MinValue != nil && v < *d.MinValue) || (d.MaxValue != 0 && v > d.MaxValue) {
			return commands.Userf("The option %s must be %s.", d.Name, valueRange(d))
		}
		if len(d.Choices) > 0 && !hasChoice(d.Choices, func(c any) bool { f, ok := toFloat(c); return ok && f == v }) {
			return notAChoice(d)
		}
	}
	return nil
}

// valueHasType reports whether v is a value Discord sends for an option of type t, so
// that discordgo's StringValue, IntValue, FloatValue and BoolValue cannot panic on it.
func valueHasType(t discordgo.ApplicationCommandOptionType, v any) bool {
	switch t {
	case discordgo.ApplicationCommandOptionString:
		_, ok := v.(string)
		return ok
	case discordgo.ApplicationCommandOptionInteger:
		f, ok := v.(float64)
		return ok && finiteSafe(f) && f == math.Trunc(f)
	case discordgo.ApplicationCommandOptionNumber:
		f, ok := v.(float64)
		return ok && finiteSafe(f)
	case discordgo.ApplicationCommandOptionBoolean:
		_, ok := v.(bool)
		return ok
	case discordgo.ApplicationCommandOptionUser, discordgo.ApplicationCommandOptionChannel,
		discordgo.ApplicationCommandOptionRole, discordgo.ApplicationCommandOptionMentionable,
		discordgo.ApplicationCommandOptionAttachment:
		s, ok := v.(string)
		return ok && isSnowflake(s)
	}
	return false
}

func finiteSafe(f float64) bool {
	return !math.IsNaN(f) && f >= -maxSafeInteger && f <= maxSafeInteger
}

// isSnowflake reports whether s is a Discord id: 1 to 20 decimal digits.
func isSnowflake(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// partialNumber reads the focused value of a number or integer option, which Discord
// sends as the text typed so far.
func partialNumber(d *declaredOption, o *dataOption) (float64, bool) {
	s, isText := o.Value.(string)
	if !isText || (d.Type != discordgo.ApplicationCommandOptionInteger && d.Type != discordgo.ApplicationCommandOptionNumber) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil && valueHasType(d.Type, f)
}

// OptionKind says what a value of an option of type t is, in words for members ("The option
// x must be a whole number."); the sandbox lists options with it too.
func OptionKind(t discordgo.ApplicationCommandOptionType) string {
	switch t {
	case discordgo.ApplicationCommandOptionString:
		return "text"
	case discordgo.ApplicationCommandOptionInteger:
		return "a whole number"
	case discordgo.ApplicationCommandOptionNumber:
		return "a number"
	case discordgo.ApplicationCommandOptionBoolean:
		return "true or false"
	case discordgo.ApplicationCommandOptionUser:
		return "a member"
	case discordgo.ApplicationCommandOptionChannel:
		return "a channel"
	case discordgo.ApplicationCommandOptionRole:
		return "a role"
	case discordgo.ApplicationCommandOptionMentionable:
		return "a member or a role"
	case discordgo.ApplicationCommandOptionAttachment:
		return "a file"
	}
	return "of the kind /help shows"
}

func lengthFits(d *declaredOption, n int) bool {
	return (d.MinLength == nil || n >= *d.MinLength) && (d.MaxLength <= 0 || n <= d.MaxLength)
}

func lengthRange(d *declaredOption) string {
	switch {
	case d.MinLength != nil && d.MaxLength > 0:
		return strconv.Itoa(*d.MinLength) + " to " + strconv.Itoa(d.MaxLength) + " characters"
	case d.MinLength != nil:
		return "at least " + render.Plural(*d.MinLength, "character")
	}
	return "at most " + render.Plural(d.MaxLength, "character")
}

func valueRange(d *declaredOption) string {
	switch {
	case d.MinValue != nil && d.MaxValue != 0:
		return "from " + number(*d.MinValue) + " to " + number(d.MaxValue)
	case d.MinValue != nil:
		return "at least " + number(*d.MinValue)
	}
	return "at most " + number(d.MaxValue)
}

func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func hasChoice(choices []*discordgo.ApplicationCommandOptionChoice, matches func(v any) bool) bool {
	for _, c := range choices {
		if c != nil && matches(c.Value) {
			return true
		}
	}
	return false
}

// notAChoice names the choices of d (at most 25, as Discord allows).
func notAChoice(d *declaredOption) error {
	names := make([]string, 0, len(d.Choices))
	for _, c := range d.Choices {
		if c != nil {
			names = append(names, c.Name)
		}
	}
	return commands.Userf("The option %s must be one of: %s.", d.Name, strings.Join(names, ", "))
}

// toFloat reads a choice value declared in Go (any numeric kind) as a float64.
func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return 0, false
}
