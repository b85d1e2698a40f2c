package streak

// The read models of streaks: what /streak, /stats and /leaderboard show. storage fills
// them; commands and render read them.

import "time"

// Standing is a member's streak as of an instant, in their zone.
type Standing struct {
	Status Status
	// Today is the member's local day and TodayEnds the instant it ends, in Zone.
	Today     Day
	TodayEnds time.Time
	Zone      *time.Location
	// Sessions, Active and Minutes are the totals over all days; Minutes is Active
	// rounded to the nearest minute, once.
	Sessions, Minutes int
	Active            time.Duration
}

// RecentDays is how many counted days StreakOf lists.
const RecentDays = 14

// DayActivity is what one counted day of the log holds.
type DayActivity struct {
	Day      Day
	Sessions int // group sessions credited
	Solo     int // solo logs
	// Active is the day's active time; Minutes is Active rounded to the nearest minute.
	Minutes int
	Active  time.Duration
}

// View is what /streak shows: the standing and the latest counted days.
type View struct {
	Standing
	// Recent are the last RecentDays counted days, newest first.
	Recent []DayActivity
}

// StatsWeeks is how many weeks of days Stats returns.
const StatsWeeks = 26

// StatsView is what /stats shows.
type StatsView struct {
	Standing
	// SoloDays counts the days with a solo log.
	SoloDays int
	// Days are the counted days of the last StatsWeeks weeks up to today, oldest first.
	Days []DayActivity
}

// Ranking is what a leaderboard orders members by.
type Ranking string

const (
	// RankCurrent orders by the current streak, as of now in each member's zone.
	RankCurrent Ranking = "current"
	// RankBest orders by the longest streak ever.
	RankBest Ranking = "best"
	// RankTotal orders by the number of counted days.
	RankTotal Ranking = "total"
)

// Ranked is one place on a leaderboard.
type Ranked struct {
	// Rank is 1 plus the number of members with a higher value: ties share a rank.
	Rank   int
	UserID string
	Name   string // display name at the latest credit, as typed: escape it to show it
	Value  int
}

// Board is a leaderboard and the caller's place on it. Members who opted out and members
// whose value is 0 are not on it.
type Board struct {
	Top []Ranked
	// Caller is the caller's place; nil when they opted out or have nothing to rank.
	Caller         *Ranked
	CallerOptedOut bool
}
