package commands

import (
	"regexp"
	"strconv"
)

// canonicalID is a stored row id as the bot writes it into custom IDs: decimal, no sign,
// no leading zero. Anything else ("+1", "01", "1e3") names no row, so that one row has
// exactly one custom ID and a forged variant cannot pass for it.
var canonicalID = regexp.MustCompile(`^[1-9][0-9]{0,17}$`)

// parseID reads a row id from a custom ID segment; ok is false unless it is canonical.
func parseID(segment string) (id int64, ok bool) {
	if !canonicalID.MatchString(segment) {
		return 0, false
	}
	id, err := strconv.ParseInt(segment, 10, 64)
	return id, err == nil
}
