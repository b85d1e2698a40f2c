package sandbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// changeRole gives the member called actor the role named in arg ("@hosts"), or takes it
// away. Their next interaction carries the changed roles.
func (c *console) changeRole(actor string, give bool, arg string) error {
	words := splitWords(arg)
	if len(words) != 1 || !strings.HasPrefix(words[0], "@") {
		return fmt.Errorf("usage: +role @role or -role @role, e.g. as @sam +role @hosts")
	}
	name := strings.TrimPrefix(words[0], "@")
	if name == "everyone" {
		return fmt.Errorf("every member has @everyone; name another role, e.g. @hosts")
	}
	changed := c.names.setRole(actor, c.names.role(name), give)
	switch {
	case give && changed:
		c.printf("@%s now has @%s\n", actor, name)
	case give:
		c.printf("@%s already has @%s\n", actor, name)
	case changed:
		c.printf("@%s no longer has @%s\n", actor, name)
	default:
		c.printf("@%s does not have @%s\n", actor, name)
	}
	return nil
}

// slash parses "/name [sub [sub]] key:value ...", checks it as Discord's client does
// (a subcommand chosen, every required option given), and sends it. A line Discord's
// client would not send is a console error and nothing reaches the bot.
func (c *console) slash(actor fakediscord.Member, line string) error {
	inv, err := c.parseCommand(splitWords(line))
	if err != nil {
		return err
	}
	if err := inv.ready(); err != nil {
		return err
	}
	if err := inv.visibleTo(actor); err != nil {
		return err
	}
	return c.dispatch(c.fake.SlashCommand(c.ctx(actor), inv.name, inv.options()...))
}

// complete shows the choices the bot offers for the last option of the line.
func (c *console) complete(actor fakediscord.Member, line string) error {
	words := splitWords(line)
	if len(words) < 2 {
		return fmt.Errorf("usage: complete /command option:partial")
	}
	last := words[len(words)-1]
	focused, value, ok := strings.Cut(last, ":")
	if !ok {
		return fmt.Errorf("the last word must be option:partial, e.g. name:ch")
	}
	inv, err := c.parseCommand(words[:len(words)-1])
	if err != nil {
		return err
	}
	if err := inv.chosen(); err != nil {
		return err
	}
	if err := inv.visibleTo(actor); err != nil {
		return err
	}
	def := findOption(inv.defs, focused)
	switch {
	case def == nil:
		return fmt.Errorf("%s has no option %q; see options /%s", inv.title(), focused, inv.name)
	case !def.Autocomplete:
		return fmt.Errorf("%s's option %s has no suggestions from the bot; see options /%s for what it takes", inv.title(), focused, inv.name)
	}
	i := c.fake.Autocomplete(c.ctx(actor), inv.name, focused, value, inv.options()...)
	if err := c.dispatch(i); err != nil {
		return err
	}
	resp, _ := c.fake.Response(i.ID)
	if len(resp.Choices) == 0 {
		c.printf("  (no choices)\n")
	}
	for _, ch := range resp.Choices {
		c.printf("  %s  (%v)\n", ch.Name, ch.Value)
	}
	return nil
}

// invocation is a console line read against the command's registered definition.
type invocation struct {
	name string
	// path is the subcommand group and subcommand chosen, in order.
	path []string
	// defs are the options that can follow the path: subcommands while none is chosen.
	defs   []*discordgo.ApplicationCommandOption
	leaves []fakediscord.Option
	given  []string // names of the leaves, in order
	// needs are the command's default member permissions: Discord's client shows the
	// command only to members who hold them all (0: everyone).
	needs int64
}

// permissionNames name the permissions a command may require of members.
var permissionNames = []struct {
	bit  int64
	name string
}{
	{discordgo.PermissionManageGuild, "Manage Server"},
	{discordgo.PermissionManageMessages, "Manage Messages"},
}

// visibleTo fails for a member who lacks the command's default member permissions:
// Discord's client does not offer them the command at all.
func (inv invocation) visibleTo(m fakediscord.Member) error {
	missing := inv.needs &^ m.Permissions
	if missing == 0 {
		return nil
	}
	var names []string
	for _, p := range permissionNames {
		if missing&p.bit != 0 {
			names = append(names, p.name)
		}
	}
	if len(names) == 0 {
		names = append(names, fmt.Sprintf("permissions %d", missing))
	}
	return fmt.Errorf("@%s does not see /%s: Discord offers it only to members with %s", m.Username, inv.name, strings.Join(names, " and "))
}

// title names the command as Discord shows it: "/schedule create".
func (inv invocation) title() string {
	return "/" + strings.Join(append([]string{inv.name}, inv.path...), " ")
}

// options nests the leaves in the chosen subcommands.
func (inv invocation) options() []fakediscord.Option {
	switch len(inv.path) {
	case 0:
		return inv.leaves
	case 1:
		return []fakediscord.Option{fakediscord.Subcommand(inv.path[0], inv.leaves...)}
	}
	return []fakediscord.Option{fakediscord.SubcommandGroup(inv.path[0], fakediscord.Subcommand(inv.path[1], inv.leaves...))}
}

// chosen fails when a subcommand is still to be chosen, which Discord's client does not
// let anyone skip.
func (inv invocation) chosen() error {
	var subs []string
	for _, d := range inv.defs {
		if d.Type == discordgo.ApplicationCommandOptionSubCommand || d.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
			subs = append(subs, d.Name)
		}
	}
	if len(subs) == 0 {
		return nil
	}
	return fmt.Errorf("%s needs a subcommand: %s (see options /%s)", inv.title(), strings.Join(subs, ", "), inv.name)
}

// ready fails, as Discord's client refuses to send, when a subcommand or a required
// option is missing.
func (inv invocation) ready() error {
	if err := inv.chosen(); err != nil {
		return err
	}
	var missing []string
	for _, d := range inv.defs {
		if d.Required && !slices.Contains(inv.given, d.Name) {
			missing = append(missing, d.Name)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s needs the option %s (required)", inv.title(), missing[0])
	}
	return fmt.Errorf("%s needs the options %s and %s (required)", inv.title(),
		strings.Join(missing[:len(missing)-1], ", "), missing[len(missing)-1])
}

// parseCommand reads the words of a console line ("/name", subcommands, key:value)
// against the registered definition: each value becomes the type the bot declared,
// checked as Discord's client checks it.
func (c *console) parseCommand(words []string) (invocation, error) {
	if len(words) == 0 || strings.TrimPrefix(words[0], "/") == "" {
		return invocation{}, fmt.Errorf("type a command after /, e.g. /help")
	}
	inv := invocation{name: strings.TrimPrefix(words[0], "/")}
	def := c.definition(inv.name)
	if def == nil {
		return invocation{}, fmt.Errorf("the bot has no /%s command; try /help", inv.name)
	}
	inv.defs = def.Options
	if def.DefaultMemberPermissions != nil {
		inv.needs = *def.DefaultMemberPermissions
	}
	rest := words[1:]
	for len(rest) > 0 && !strings.Contains(rest[0], ":") {
		sub := findOption(inv.defs, rest[0])
		if sub == nil || (sub.Type != discordgo.ApplicationCommandOptionSubCommand && sub.Type != discordgo.ApplicationCommandOptionSubCommandGroup) {
			return invocation{}, fmt.Errorf("%s has no subcommand %q; see options /%s", inv.title(), rest[0], inv.name)
		}
		inv.path, inv.defs, rest = append(inv.path, sub.Name), sub.Options, rest[1:]
	}
	for _, w := range rest {
		key, value, _ := strings.Cut(w, ":")
		if slices.Contains(inv.given, key) {
			return invocation{}, fmt.Errorf("%s: the option %s is given twice", inv.title(), key)
		}
		o, err := c.option(inv, key, value)
		if err != nil {
			return invocation{}, err
		}
		inv.leaves, inv.given = append(inv.leaves, o), append(inv.given, key)
	}
	return inv, nil
}

func (c *console) definition(name string) *discordgo.ApplicationCommand {
	for _, def := range c.fake.Commands(guildID) {
		if def.Name == name {
			return def
		}
	}
	return nil
}

func findOption(opts []*discordgo.ApplicationCommandOption, name string) *discordgo.ApplicationCommandOption {
	for _, o := range opts {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// option converts one key:value to the declared type, with a sentence for a mistake.
func (c *console) option(inv invocation, key, value string) (fakediscord.Option, error) {
	def := findOption(inv.defs, key)
	if def == nil || def.Type == discordgo.ApplicationCommandOptionSubCommand || def.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
		return fakediscord.Option{}, fmt.Errorf("%s has no option %q; see options /%s", inv.title(), key, inv.name)
	}
	value, err := chooseValue(def, value)
	if err != nil {
		return fakediscord.Option{}, fmt.Errorf("%w (see options /%s)", err, inv.name)
	}
	switch def.Type {
	case discordgo.ApplicationCommandOptionInteger, discordgo.ApplicationCommandOptionNumber:
		return numberOption(def, value)
	case discordgo.ApplicationCommandOptionBoolean:
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fakediscord.Option{}, fmt.Errorf("%s: %q is not true or false", key, value)
		}
		return fakediscord.BoolOption(key, b), nil
	case discordgo.ApplicationCommandOptionUser:
		return fakediscord.UserOption(key, c.names.member(strings.TrimPrefix(value, "@"))), nil
	case discordgo.ApplicationCommandOptionRole:
		if !strings.HasPrefix(value, "@") {
			return fakediscord.Option{}, fmt.Errorf("%s takes a role: write it as @name, e.g. %s:@hosts", key, key)
		}
		return fakediscord.RoleOption(key, c.names.role(strings.TrimPrefix(value, "@"))), nil
	case discordgo.ApplicationCommandOptionChannel:
		if !strings.HasPrefix(value, "#") {
			return fakediscord.Option{}, fmt.Errorf("%s takes a channel: write it as #name, e.g. %s:#%s", key, key, channelName)
		}
		if len(def.ChannelTypes) > 0 && !slices.Contains(def.ChannelTypes, discordgo.ChannelTypeGuildText) {
			return fakediscord.Option{}, fmt.Errorf("%s takes a kind of channel the sandbox does not have (it has text channels only)", key)
		}
		return fakediscord.ChannelOption(key, c.names.channel(strings.TrimPrefix(value, "#"))), nil
	case discordgo.ApplicationCommandOptionString:
		if err := checkLength(def, value); err != nil {
			return fakediscord.Option{}, err
		}
		return fakediscord.StringOption(key, value), nil
	}
	return fakediscord.Option{}, fmt.Errorf("the sandbox cannot fill %s options yet (%s)", kindName(def.Type), key)
}

// numberOption reads an integer or number option and checks its range, as Discord's
// client does before sending.
func numberOption(def *discordgo.ApplicationCommandOption, value string) (fakediscord.Option, error) {
	var f float64
	var o fakediscord.Option
	if def.Type == discordgo.ApplicationCommandOptionInteger {
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return o, fmt.Errorf("%s: %q is not a whole number", def.Name, value)
		}
		f, o = float64(n), fakediscord.IntegerOption(def.Name, n)
	} else {
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return o, fmt.Errorf("%s: %q is not a number", def.Name, value)
		}
		f, o = n, fakediscord.NumberOption(def.Name, n)
	}
	if r := valueRange(def); r != "" && ((def.MinValue != nil && f < *def.MinValue) || (def.MaxValue != 0 && f > def.MaxValue)) {
		return fakediscord.Option{}, fmt.Errorf("%s must be %s, not %s", def.Name, r, value)
	}
	return o, nil
}

// chooseValue maps what was typed for an option with choices to the choice's value:
// typed as the choice's name (as picked from Discord's list, any case) or as its value.
// An option without choices takes the text as typed.
func chooseValue(def *discordgo.ApplicationCommandOption, typed string) (string, error) {
	if len(def.Choices) == 0 {
		return typed, nil
	}
	var names []string
	for _, ch := range def.Choices {
		value := fmt.Sprint(ch.Value)
		if strings.EqualFold(ch.Name, typed) || value == typed {
			return value, nil
		}
		names = append(names, strconv.Quote(ch.Name))
	}
	return "", fmt.Errorf("%s must be one of %s, not %q", def.Name, strings.Join(names, ", "), typed)
}

func checkLength(def *discordgo.ApplicationCommandOption, value string) error {
	n := len([]rune(value))
	if (def.MinLength != nil && n < *def.MinLength) || (def.MaxLength > 0 && n > def.MaxLength) {
		return fmt.Errorf("%s must be %s long, not %d", def.Name, lengthRange(def), n)
	}
	return nil
}

// splitWords splits on spaces, keeping "double-quoted text" (quotes removed) whole,
// also after a key: as in name:"child's pose".
func splitWords(line string) []string {
	var words []string
	var cur strings.Builder
	quoted, started := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, started = !quoted, true
		case r == ' ' && !quoted:
			if started {
				words = append(words, cur.String())
				cur.Reset()
				started = false
			}
		default:
			cur.WriteRune(r)
			started = true
		}
	}
	if started {
		words = append(words, cur.String())
	}
	return words
}

// press clicks the newest button labelled label (case-insensitive) in the channel.
func (c *console) press(actor fakediscord.Member, label string) error {
	if label == "" {
		return fmt.Errorf(`usage: press <button label>, e.g. press Join or press "Start now"`)
	}
	msgs := c.fake.Messages(channelID)
	for j := len(msgs) - 1; j >= 0; j-- {
		for _, b := range buttons(msgs[j]) {
			if strings.EqualFold(b.Label, label) && b.CustomID != "" {
				if b.Disabled {
					return fmt.Errorf("the newest %q button is greyed out: the bot has disabled it", b.Label)
				}
				i, err := c.fake.ComponentClick(c.ctx(actor), msgs[j].ID, b.CustomID)
				if err != nil {
					return err
				}
				return c.dispatch(i)
			}
		}
	}
	return fmt.Errorf("no message in #%s has a %q button", channelName, label)
}
