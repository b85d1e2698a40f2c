package commands

// Deps are what the commands need; main wires them explicitly.
type Deps struct{}

// All returns every slash command, in the order /help lists them. The same list is
// registered with Discord and routed by the bot.
func All(d Deps) []Command {
	var cmds []Command
	return append(cmds, help(cmds))
}
