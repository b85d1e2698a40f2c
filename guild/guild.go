// Package guild holds what belongs to one server: its settings, its members' own choices
// in it and its own routines. Commands read and change these values; storage keeps them.
package guild

// Settings are one server's choices; Defaults applies until an admin changes something.
type Settings struct {
	GuildID               string
	Timezone              string // IANA name; empty means the configured default
	DayStartHour          int
	SoloLogs              bool
	Freezes               bool
	HostRoleID            string
	ServerStreakThreshold int
}

// Defaults is what a server gets before its admins change anything.
func Defaults(guildID string) Settings {
	return Settings{GuildID: guildID, SoloLogs: true, Freezes: true, ServerStreakThreshold: 3}
}

// MemberSettings are one member's choices in one server.
type MemberSettings struct {
	Timezone          string
	LeaderboardOptOut bool
}
