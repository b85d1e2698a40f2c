package render

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/streak"
)

func TestMinutesText(t *testing.T) {
	for _, tt := range []struct {
		minutes int
		want    string
	}{{0, "0 min"}, {1, "1 min"}, {59, "59 min"}, {60, "1 h"}, {295, "4 h 55 min"}, {120, "2 h"}} {
		if got := minutesText(tt.minutes); got != tt.want {
			t.Errorf("minutesText(%d) = %q, want %q", tt.minutes, got, tt.want)
		}
	}
}

func TestMemberNameIsSafeAndShort(t *testing.T) {
	if got, want := MemberName("  *Sam*\n @everyone "), `\*Sam\* @`+"\u200b"+`everyone`; got != want {
		t.Errorf("MemberName = %q, want %q", got, want)
	}
	if got := MemberName(strings.Repeat("a", 200)); len([]rune(got)) != memberNameMax {
		t.Errorf("a long name is %d characters, want %d", len([]rune(got)), memberNameMax)
	}
}

// TestStreakEmbedsFitDiscordsLimits renders /streak, /stats and /leaderboard at their
// worst: the longest names, every recent day busy, and years of days covered by freezes.
func TestStreakEmbedsFitDiscordsLimits(t *testing.T) {
	today := streak.Date(2026, 12, 3)
	name := strings.Repeat("@everyone *", 20)
	st := streak.Status{Current: 9999, Best: 9999, FreezesHeld: 3, TotalDays: 9999}
	for i := range 1000 {
		st.FrozenDays = append(st.FrozenDays, today.AddDays(-i))
	}
	standing := streak.Standing{Status: st, Today: today, TodayEnds: time.Unix(1e9, 0), Zone: time.UTC, Sessions: 99999, Minutes: 999999}
	v := streak.View{Standing: standing}
	for i := range streak.RecentDays {
		v.Recent = append(v.Recent, streak.DayActivity{Day: today.AddDays(-i), Sessions: 99, Solo: 1, Minutes: 9999})
	}
	for _, l := range []Look{{Name: name, Self: true, Zone: "America/Argentina/ComodRivadavia"}, {Name: name, Private: true}} {
		e := Streak(l, v)
		checkLimits(t, "streak", one(e), nil)
		if len(e.Fields) != 2 || !strings.HasSuffix(e.Fields[1].Value, "…") {
			t.Errorf("the days covered by freezes should be cut to fit, not dropped: %d fields", len(e.Fields))
		}
		checkLimits(t, "stats", one(Stats(l, streak.StatsView{Standing: standing, SoloDays: 9999})), nil)
	}
	b := streak.Board{Caller: &streak.Ranked{Rank: 10000, Name: name, Value: 9999}}
	for i := range 10 {
		b.Top = append(b.Top, streak.Ranked{Rank: i + 1, Name: name, Value: 9999})
	}
	checkLimits(t, "leaderboard", one(Leaderboard("Current streak", b, 9999, 100)), nil)
	if got := LeaderboardCaller("Current streak", b); !strings.Contains(got, "#10000 by current streak") {
		t.Errorf("caller line %q", got)
	}
}
