package streak

import (
	"testing"
	"time"
)

// step is one credit or status read of a member: at an instant, in a zone.
type step struct {
	at   string // RFC 3339
	zone string
}

func TestTravel(t *testing.T) {
	const pago, kiri, berlin, utc = "Pacific/Pago_Pago", "Pacific/Kiritimati", "Europe/Berlin", "UTC"
	tests := []struct {
		name    string
		hour    int
		credits []step
		days    []string // the day each credit counts for
		bridged []bool
		run     int // streak length after the last credit, freezes off
	}{
		{
			name: "UTC-11 to UTC+14 just before midnight skips a calendar day",
			credits: []step{
				{"2024-06-15T07:00:00Z", pago}, // 06-14 20:00 in Pago Pago
				{"2024-06-15T10:30:00Z", kiri}, // 06-14 23:30 there, 06-16 00:30 in Kiritimati
			},
			days: []string{"2024-06-14", "2024-06-16"}, bridged: []bool{false, true}, run: 2,
		},
		{
			name: "UTC-11 to UTC+14 after landing, then daily",
			credits: []step{
				{"2024-06-15T07:00:00Z", pago}, // 06-14 20:00
				{"2024-06-15T19:00:00Z", kiri}, // 06-16 09:00; in Pago Pago still 06-15 08:00
				{"2024-06-16T19:00:00Z", kiri}, // 06-17 09:00
			},
			days: []string{"2024-06-14", "2024-06-16", "2024-06-17"}, bridged: []bool{false, true, false}, run: 3,
		},
		{
			name: "moving east after the old zone's next day ended is a real miss",
			credits: []step{
				{"2024-06-15T07:00:00Z", pago}, // 06-14 20:00; 06-15 ends 06-16 11:00Z there
				{"2024-06-16T12:00:00Z", kiri}, // 06-17 02:00
			},
			days: []string{"2024-06-14", "2024-06-17"}, bridged: []bool{false, false}, run: 1,
		},
		{
			name: "a missed day without travel breaks",
			credits: []step{
				{"2024-06-14T12:00:00Z", utc},
				{"2024-06-16T00:30:00Z", utc},
			},
			days: []string{"2024-06-14", "2024-06-16"}, bridged: []bool{false, false}, run: 1,
		},
		{
			name: "UTC+14 to UTC-11: today is yesterday again and counts once",
			credits: []step{
				{"2024-06-14T20:00:00Z", kiri}, // 06-15 10:00
				{"2024-06-14T21:00:00Z", pago}, // 06-14 10:00: before the last day
				{"2024-06-15T12:00:00Z", pago}, // 06-15 01:00: the last day again
				{"2024-06-16T12:00:00Z", pago}, // 06-16 01:00
			},
			days: []string{"2024-06-15", "2024-06-15", "2024-06-15", "2024-06-16"}, bridged: []bool{false, false, false, false}, run: 2,
		},
		{
			name: "moving west cannot refill a missed day",
			credits: []step{
				{"2024-06-12T20:00:00Z", kiri}, // 06-13 10:00
				{"2024-06-14T20:00:00Z", kiri}, // 06-15 10:00: 06-14 missed
				{"2024-06-14T21:00:00Z", pago}, // 06-14 10:00 in Pago Pago
			},
			days: []string{"2024-06-13", "2024-06-15", "2024-06-15"}, bridged: []bool{false, false, false}, run: 1,
		},
		{
			name: "Berlin to Kiritimati with day start 4",
			hour: 4,
			credits: []step{
				{"2024-06-15T01:00:00Z", berlin}, // 03:00 on 06-15 local: counts for 06-14
				{"2024-06-15T15:00:00Z", kiri},   // 06-16 05:00: day 06-16; Berlin's 06-15 runs to 06-16 02:00Z
			},
			days: []string{"2024-06-14", "2024-06-16"}, bridged: []bool{false, true}, run: 2,
		},
		{
			name: "Samoa skipping 2011-12-30 in place",
			credits: []step{
				{"2011-12-29T22:00:00Z", "Pacific/Apia"}, // 12-29 12:00 (UTC-10)
				{"2011-12-30T22:00:00Z", "Pacific/Apia"}, // 12-31 12:00 (UTC+14)
			},
			days: []string{"2011-12-29", "2011-12-31"}, bridged: []bool{false, true}, run: 2,
		},
		{
			name: "DST fall back does not double a day",
			credits: []step{
				{"2024-11-03T05:30:00Z", "America/New_York"}, // 01:30 EDT
				{"2024-11-03T06:30:00Z", "America/New_York"}, // 01:30 EST, same day
				{"2024-11-04T05:30:00Z", "America/New_York"}, // 00:30 EST next day
			},
			days: []string{"2024-11-03", "2024-11-03", "2024-11-04"}, bridged: []bool{false, false, false}, run: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				s       Summary
				log     []Credit
				lastLoc *time.Location
			)
			for i, st := range tt.credits {
				loc := mustZone(t, st.zone)
				c := NewCredit(mustTime(t, st.at), loc, tt.hour, s.LastDay, lastLoc)
				if c.Day.String() != tt.days[i] || c.Bridged != tt.bridged[i] {
					t.Fatalf("credit %d = %s bridged %v, want %s bridged %v", i, c.Day, c.Bridged, tt.days[i], tt.bridged[i])
				}
				if !s.Apply(c, Rules{}) {
					t.Fatalf("Apply(%+v) refused a NewCredit entry", c)
				}
				log, lastLoc = append(log, c), loc
			}
			if s.Run != tt.run || !sameSummary(s, Compute(log, Rules{})) {
				t.Errorf("run %d (summary %+v), want %d and equal to Compute %+v", s.Run, s, tt.run, Compute(log, Rules{}))
			}
		})
	}
}

// TestStatusAfterMovingEast checks that a member who moved east sees their streak alive
// before they credit the new day, and that today counts once done.
func TestStatusAfterMovingEast(t *testing.T) {
	pago, kiri := mustZone(t, "Pacific/Pago_Pago"), mustZone(t, "Pacific/Kiritimati")
	first := NewCredit(mustTime(t, "2024-06-15T07:00:00Z"), pago, 0, 0, nil)
	s := Compute([]Credit{first}, Rules{})
	landed := mustTime(t, "2024-06-15T19:00:00Z") // 06-16 09:00 in Kiritimati
	now := NewCredit(landed, kiri, 0, s.LastDay, pago)
	if st := s.At(now, Rules{}); st.Current != 1 || st.TodayDone {
		t.Errorf("after landing: %+v, want current 1, today not done", st)
	}
	late := mustTime(t, "2024-06-16T12:00:00Z") // Pago Pago's 06-15 is over
	if st := s.At(NewCredit(late, kiri, 0, s.LastDay, pago), Rules{}); st.Current != 0 {
		t.Errorf("after the old zone's next day: %+v, want the streak lost", st)
	}
}
