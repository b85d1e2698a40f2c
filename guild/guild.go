// Package guild holds a server's settings and its members' own choices in it: the values
// commands read and change, and storage keeps.
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
