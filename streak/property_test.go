package streak

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// simZones span UTC−11 to UTC+14, with DST both ways and non-hour offsets. Zones that
// skipped a date are left out: the travel invariant below assumes every date exists.
func simZones(t *testing.T) []*time.Location {
	names := []string{
		"Pacific/Pago_Pago", "America/New_York", "UTC", "Europe/Berlin", "Asia/Kathmandu",
		"Australia/Sydney", "Australia/Lord_Howe", "Pacific/Chatham", "Pacific/Kiritimati",
	}
	zones := make([]*time.Location, len(names))
	for i, name := range names {
		zones[i] = mustZone(t, name)
	}
	return zones
}

// member is one simulated member as the storage layer would keep them: a log, the
// incrementally maintained summary, and the zone of their last credit.
type member struct {
	t       *testing.T
	rules   Rules
	hour    int
	now     time.Time
	loc     *time.Location
	log     []Credit
	sum     Summary
	lastLoc *time.Location
	// kept is false once a credit came after the deadline that the travel rule promises
	// to honour; until then the streak must never have broken.
	kept bool
	seen *coverage
}

// coverage counts what the generated sequences exercised, so that the property test
// cannot pass by never reaching the interesting cases.
type coverage struct{ bridged, frozen, broken, clamped, kept int }

// simulate replays ops, two bytes each: a zone change, or a wait of up to 60 hours then a
// credit; it checks every invariant after each step.
func simulate(t *testing.T, rules Rules, hour int, ops []byte, seen *coverage) {
	zones := simZones(t)
	m := &member{t: t, rules: rules, hour: hour, now: mustTime(t, "2024-01-01T00:00:00Z"), loc: zones[0], kept: true, seen: seen}
	for i := 0; i+1 < len(ops); i += 2 {
		if ops[i]%4 == 0 {
			m.loc = zones[int(ops[i+1])%len(zones)]
		} else {
			m.now = m.now.Add(time.Duration(int(ops[i])<<8|int(ops[i+1])) % (60 * 60) * time.Minute)
			m.credit()
		}
		m.check()
	}
}

func (m *member) credit() {
	if m.lastLoc != nil && !m.now.Before(DayEnd(m.sum.LastDay+1, m.lastLoc, m.hour)) {
		m.kept = false
	}
	c := NewCredit(m.now, m.loc, m.hour, m.sum.LastDay, m.lastLoc)
	if len(m.log) > 0 && c.Day < m.log[len(m.log)-1].Day {
		m.t.Fatalf("credit %+v goes back before %s", c, m.log[len(m.log)-1].Day)
	}
	before := m.sum
	m.log, m.lastLoc = append(m.log, c), m.loc
	if !m.sum.Apply(c, m.rules) {
		m.t.Fatalf("Apply refused %+v from NewCredit on %+v", c, m.sum)
	}
	m.count(before, c)
}

func (m *member) count(before Summary, c Credit) {
	switch {
	case before.TotalDays > 0 && c.Day == before.LastDay:
		m.seen.clamped++
	case c.Bridged:
		m.seen.bridged++
	case len(m.sum.FrozenDays) > len(before.FrozenDays):
		m.seen.frozen++
	case before.TotalDays > 0 && m.sum.Run == 1:
		m.seen.broken++
	}
	if m.kept && m.sum.Run > 20 {
		m.seen.kept++
	}
}

func (m *member) check() {
	want := Compute(m.log, m.rules)
	if !sameSummary(m.sum, want) {
		m.t.Fatalf("incremental %+v != Compute %+v over %v", m.sum, want, m.log)
	}
	now := NewCredit(m.now, m.loc, m.hour, m.sum.LastDay, m.lastLoc)
	got, ref := m.sum.At(now, m.rules), reference(m.log, now, m.rules)
	if !sameStatus(got, ref, ref.FrozenDays) {
		m.t.Fatalf("At(%+v) = %+v, reference %+v, log %v", now, got, ref, m.log)
	}
	if distinct := len(normalize(m.log)); m.sum.TotalDays != distinct || m.sum.Run > distinct {
		m.t.Fatalf("doubled: %+v from %d distinct days", m.sum, distinct)
	}
	if m.kept && m.sum.Run != m.sum.TotalDays {
		m.t.Fatalf("streak broke although every credit came in time: %+v, log %v", m.sum, m.log)
	}
}

// reference recomputes a status the slow way, walking the calendar one day at a time.
func reference(log []Credit, now Credit, rules Rules) Status {
	var st Status
	counted, bridged := map[Day]bool{}, map[Day]bool{}
	entries := append(normalize(log), now)
	for i, c := range entries {
		if i < len(entries)-1 {
			counted[c.Day] = true
		}
		for k := 1; c.Bridged && k <= MaxTravelGap; k++ {
			bridged[c.Day-Day(k)] = true
		}
	}
	if len(entries) == 1 {
		return st
	}
	last := entries[len(entries)-2].Day
	run, held := 0, 0
	var frozen []Day
	for d := entries[0].Day; d < max(now.Day, last+1); d++ {
		switch {
		case counted[d]:
			run++
			st.TotalDays++
			st.Best = max(st.Best, run)
			if rules.Freezes && run%FreezeEvery == 0 && held < MaxFreezes {
				held++
			}
		case bridged[d]:
		case rules.Freezes && held > 0:
			held--
			frozen = append(frozen, d)
		default:
			run, held, frozen = 0, 0, nil
		}
	}
	st.Current, st.FreezesHeld, st.FrozenDays = run, held, frozen
	st.LastDay, st.TodayDone = last, now.Day <= last
	if !rules.Freezes {
		st.FreezesHeld = 0
	}
	return st
}

func TestPropertyIncrementalMatchesRecompute(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 2024))
	var seen coverage
	for range 300 {
		// Half the members are diligent (waits of 4 to 17 hours, whatever their travels),
		// so long streaks and the travel promise get tested; the others wait up to 60 hours.
		diligent := rng.IntN(2) == 0
		ops := make([]byte, 2*rng.IntN(150))
		for i := range ops {
			ops[i] = byte(rng.IntN(256))
			if i%2 == 0 && ops[i]%4 != 0 && diligent {
				ops[i] = byte(1 + rng.IntN(3))
			}
		}
		simulate(t, Rules{Freezes: rng.IntN(2) == 0}, rng.IntN(24), ops, &seen)
	}
	t.Logf("coverage %+v", seen)
	if seen.bridged < 10 || seen.frozen < 10 || seen.broken < 10 || seen.clamped < 10 || seen.kept < 10 {
		t.Errorf("the generator misses cases: %+v", seen)
	}
}

func FuzzSummaryMatchesRecompute(f *testing.F) {
	f.Add(true, uint8(0), []byte{1, 200, 0, 8, 2, 10, 1, 0, 0, 0, 5, 100})
	f.Add(false, uint8(4), []byte{3, 255, 0, 3, 1, 90, 0, 1, 9, 9})
	f.Add(true, uint8(23), slices.Repeat([]byte{5, 160}, 40))
	f.Fuzz(func(t *testing.T, freezes bool, hour uint8, ops []byte) {
		// Every step re-checks the whole log, so long inputs cost quadratic time; 300
		// steps span months, more than any pattern of streaks needs.
		ops = ops[:min(len(ops), 600)]
		simulate(t, Rules{Freezes: freezes}, int(hour%24), ops, &coverage{})
	})
}

func TestReferenceAgreesOnTheTable(t *testing.T) {
	// The reference model must itself reproduce the hand-written cases.
	d0 := Date(2024, 6, 1)
	log := concat(run(d0, 14), run(d0+16, 1))
	got := reference(log, Credit{Day: d0 + 16}, Rules{Freezes: true})
	if got.Current != 15 || got.FreezesHeld != 0 || !slices.Equal(got.FrozenDays, []Day{d0 + 14, d0 + 15}) {
		t.Errorf("reference = %+v", got)
	}
}
