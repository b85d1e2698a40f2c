package commands

import (
	"time"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/storage"
)

// Deps are what the commands need; main wires them explicitly.
type Deps struct {
	Catalog *catalog.Catalog
	Store   *storage.DB
	// Now is the injected clock's reading.
	Now func() time.Time
	// DefaultTimezone is defaults.timezone, for members and servers that set none.
	DefaultTimezone string
}

// All returns every slash command, in the order /help lists them. The same list is
// registered with Discord and routed by the bot.
func All(d Deps) []Command {
	var cmds []Command
	return append(cmds, help(cmds))
}
