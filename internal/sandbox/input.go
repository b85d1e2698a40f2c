package sandbox

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// Everyone may view and post in the sandbox channel; @you is also an admin.
const (
	memberPermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionReadMessageHistory
	adminPermissions  = discordgo.PermissionManageGuild | discordgo.PermissionManageMessages
)

// member returns the member called name, creating them with a stable ID.
func (c *console) member(name string) fakediscord.Member {
	if m, ok := c.members[name]; ok {
		return m
	}
	h := fnv.New64a()
	h.Write([]byte(name))
	m := fakediscord.Member{
		ID:          strconv.FormatUint(300000000000000000+h.Sum64()%100000000000000000, 10),
		Username:    name,
		GlobalName:  name,
		Permissions: memberPermissions,
	}
	c.members[name] = m
	return m
}

// slash parses "/name [sub [sub]] key:value ..." against the registered definition,
// so each value gets the option type the bot declared.
func (c *console) slash(actor fakediscord.Member, line string) error {
	opts, name, err := c.parseCommand(line, "")
	if err != nil {
		return err
	}
	return c.dispatch(c.fake.SlashCommand(c.ctx(actor), name, opts...))
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
	opts, name, err := c.parseCommand(strings.Join(words[:len(words)-1], " "), focused)
	if err != nil {
		return err
	}
	i := c.fake.Autocomplete(c.ctx(actor), name, focused, value, opts...)
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

// parseCommand turns a console line into the command name and its options. When
// focused is set (autocomplete), the subcommand path is returned without leaves
// for the fake to put the focused option into.
func (c *console) parseCommand(line, focused string) ([]fakediscord.Option, string, error) {
	words := splitWords(strings.TrimPrefix(strings.TrimSpace(line), "/"))
	if len(words) == 0 {
		return nil, "", fmt.Errorf("type a command after /, e.g. /help")
	}
	name := words[0]
	def := c.definition(name)
	if def == nil {
		return nil, "", fmt.Errorf("the bot has no /%s command; try /help", name)
	}
	defOpts := def.Options
	var path []string
	rest := words[1:]
	for len(rest) > 0 && !strings.Contains(rest[0], ":") {
		sub := findOption(defOpts, rest[0])
		if sub == nil || (sub.Type != discordgo.ApplicationCommandOptionSubCommand && sub.Type != discordgo.ApplicationCommandOptionSubCommandGroup) {
			return nil, "", fmt.Errorf("/%s has no subcommand %q", name, rest[0])
		}
		path, defOpts, rest = append(path, sub.Name), sub.Options, rest[1:]
	}
	var leaves []fakediscord.Option
	for _, w := range rest {
		key, value, _ := strings.Cut(w, ":")
		o, err := c.option(defOpts, name, key, value)
		if err != nil {
			return nil, "", err
		}
		leaves = append(leaves, o)
	}
	return nestSubcommands(path, leaves), name, nil
}

func nestSubcommands(path []string, leaves []fakediscord.Option) []fakediscord.Option {
	if len(path) == 0 {
		return leaves
	}
	if len(path) == 1 {
		return []fakediscord.Option{fakediscord.Subcommand(path[0], leaves...)}
	}
	return []fakediscord.Option{fakediscord.SubcommandGroup(path[0], fakediscord.Subcommand(path[1], leaves...))}
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
func (c *console) option(defs []*discordgo.ApplicationCommandOption, command, key, value string) (fakediscord.Option, error) {
	def := findOption(defs, key)
	if def == nil {
		return fakediscord.Option{}, fmt.Errorf("/%s has no option %q", command, key)
	}
	switch def.Type {
	case discordgo.ApplicationCommandOptionInteger:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return fakediscord.Option{}, fmt.Errorf("%s: %q is not a whole number", key, value)
		}
		return fakediscord.IntegerOption(key, n), nil
	case discordgo.ApplicationCommandOptionNumber:
		f, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fakediscord.Option{}, fmt.Errorf("%s: %q is not a number", key, value)
		}
		return fakediscord.NumberOption(key, f), nil
	case discordgo.ApplicationCommandOptionBoolean:
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fakediscord.Option{}, fmt.Errorf("%s: %q is not true or false", key, value)
		}
		return fakediscord.BoolOption(key, b), nil
	case discordgo.ApplicationCommandOptionUser:
		return fakediscord.UserOption(key, c.member(strings.TrimPrefix(value, "@"))), nil
	}
	return fakediscord.StringOption(key, value), nil
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
		return fmt.Errorf("usage: press <button label>, e.g. press Join")
	}
	msgs := c.fake.Messages(channelID)
	for j := len(msgs) - 1; j >= 0; j-- {
		for _, b := range buttons(msgs[j]) {
			if strings.EqualFold(b.Label, label) && b.CustomID != "" {
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
