package session

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/stretchbot/stretchbot/clock"
)

// benchPrepGap is the benchmarks' get-ready gap, as config.example.yaml sets it.
const benchPrepGap = 10 * time.Second

// benchStore keeps nothing in memory, like a SQLite store, so the memory figure is the
// engine's own.
type benchStore struct {
	ids     atomic.Int64
	credits atomic.Int64
	ended   atomic.Int64
}

var _ Store = (*benchStore)(nil)

func (s *benchStore) CreateSession(context.Context, *Session) (int64, error) {
	return s.ids.Add(1), nil
}
func (s *benchStore) SaveSession(context.Context, *Session) error { return nil }
func (s *benchStore) ActiveSessions(context.Context) ([]*Session, error) {
	return nil, nil
}
func (s *benchStore) FinishSession(_ context.Context, _ *Session, c []Credit) ([]Credit, error) {
	s.ended.Add(1)
	s.credits.Add(int64(len(c)))
	return c, nil
}
func (s *benchStore) LoadSession(context.Context, int64) (*Session, error) { return nil, ErrNotFound }

// pacedPoster stands in for the bot's REST layer: every write passes one shared
// rate.Limiter at Discord's global 50 requests/second, driven by the fake clock. Reserve
// models the limiter's queue: the write reaches Discord at its reservation time, which the
// poster records, while the call returns at once (a fake clock cannot move while a
// callback blocks). The engine's timing cannot see that delay; lateness below checks it.
type pacedPoster struct {
	clk     *clock.Fake
	limiter *rate.Limiter

	mu        sync.Mutex
	nextID    int64
	sentAt    []time.Time     // when each write reaches Discord
	queued    []time.Duration // limiter queueing per write
	lateness  []time.Duration // transition writes: call time − planned deadline
	realAt    []time.Time     // wall clock at each transition write, for burst cost
	fakeAt    []time.Time     // fake clock at each transition write
	lobbies   int
	tooLate   int // edits of messages older than Discord allows: must stay 0
	postedAt  map[string]time.Time
	deadlines map[int64][]time.Duration // per session: planned offset of each step, then the end
}

func newPacedPoster(clk *clock.Fake, limit rate.Limit, burst, writes int) *pacedPoster {
	return &pacedPoster{clk: clk, limiter: rate.NewLimiter(limit, burst),
		sentAt: make([]time.Time, 0, writes), queued: make([]time.Duration, 0, writes),
		lateness: make([]time.Duration, 0, writes), realAt: make([]time.Time, 0, writes),
		fakeAt: make([]time.Time, 0, writes), postedAt: map[string]time.Time{}}
}

func (p *pacedPoster) Post(_ context.Context, _ string, v View) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.pace(v)
	p.nextID++
	id := fmt.Sprint(p.nextID)
	p.postedAt[id] = now
	return id, nil
}

func (p *pacedPoster) Edit(_ context.Context, _, messageID string, v View) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.pace(v)
	if now.Sub(p.postedAt[messageID]) >= time.Hour {
		p.tooLate++
	}
	return nil
}

// pace reserves a slot in the limiter and records the figures. Caller holds p.mu.
func (p *pacedPoster) pace(v View) time.Time {
	now := p.clk.Now()
	delay := p.limiter.ReserveN(now, 1).DelayFrom(now)
	p.sentAt = append(p.sentAt, now.Add(delay))
	p.queued = append(p.queued, delay)
	if v.Session.Status == Lobby {
		p.lobbies++
		return now
	}
	// Planned deadline computed here from the plan, independently of Session.Position:
	// the start of the shown step, or the end of the plan for the summary.
	var offset time.Duration
	for _, st := range v.Session.Plan[:min(v.Step, len(v.Session.Plan))] {
		offset += st.Duration
	}
	p.lateness = append(p.lateness, now.Sub(v.Session.StartedAt.Add(offset)))
	p.realAt = append(p.realAt, time.Now())
	p.fakeAt = append(p.fakeAt, now)
	return now
}

// benchRoutine is 30m40s: five exercises of 3 × 100 s holds with 30 s rests, and 10 s prep
// gaps between exercises: 29 steps.
func benchRoutine() []RoutineItem {
	var items []RoutineItem
	for i := range 5 {
		items = append(items, RoutineItem{ExerciseID: fmt.Sprintf("ex-%d", i), Name: "Seated twist",
			Instructions: "Sit tall.\nTwist from the ribs.", Hold: 100 * time.Second, Reps: 3, Rest: 30 * time.Second})
	}
	return items
}

// BenchmarkTenThousandSessions runs 10,000 sessions of a 30m40s routine on the fake clock.
//
// Staggering: lobbies are opened at uniformly random seconds over 20 minutes with the
// default 1-minute lobby, so all 10,000 sessions are running at once from minute 21 to
// minute 31. A quarter of them are opened exactly on a whole minute (groups that meet "at
// :00"): about 125 sessions start at the same instant at each minute mark and, running the
// same routine, transition together at every step — the thundering herd the limiter must
// absorb. The seed is fixed, so runs are comparable.
//
// The limiter is the bot's own (bot.Messenger: 40/s with a burst of 5, mirrored here
// because session cannot import bot), which keeps any sliding second under Discord's 50.
// A limiter set to exactly 50/s would not: rate.Limiter truncates its delays to whole
// nanoseconds, so 51 sends can fit in one sliding second.
//
// Metrics: lateness of transitions against their planned deadlines (fake time, so this
// checks the scheduling arithmetic, not CPU speed); writes per transition; the peak number
// of writes reaching Discord in any sliding second and the limiter queueing; the real CPU
// time per transition and for the largest simultaneous burst; heap per running session.
func BenchmarkTenThousandSessions(b *testing.B) {
	const sessions = 10_000
	plan, err := BuildPlan(benchRoutine(), benchPrepGap, 0)
	if err != nil {
		b.Fatal(err)
	}
	transitions := sessions * (len(plan) + 1) // each step start plus the summary
	for _, pace := range []struct {
		limit rate.Limit
		burst int
	}{{limit: 40, burst: 5}} {
		limit, burst := pace.limit, pace.burst
		b.Run(fmt.Sprintf("limit=%v/burst=%d", limit, burst), func(b *testing.B) {
			for b.Loop() {
				r := runTenThousand(b, sessions, limit, burst, transitions+sessions)
				if r.credits != sessions || r.ended != sessions {
					b.Fatalf("ended %d sessions with %d credits, want %d and %d", r.ended, r.credits, sessions, sessions)
				}
				if r.p.tooLate != 0 {
					b.Fatalf("%d edits of messages older than an hour", r.p.tooLate)
				}
				report(b, r, transitions)
			}
		})
	}
}

type benchResult struct {
	p              *pacedPoster
	credits, ended int64
	heapPerSession float64
	elapsed        time.Duration
}

func runTenThousand(b *testing.B, sessions int, limit rate.Limit, burst, writes int) benchResult {
	clk := clock.NewFake(epoch)
	store := &benchStore{}
	poster := newPacedPoster(clk, limit, burst, writes)
	eng := New(Config{PrepGap: benchPrepGap, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, store, poster, clk)
	rng := rand.New(rand.NewPCG(4, 2))
	opens := make([]time.Duration, sessions)
	for i := range opens {
		opens[i] = time.Duration(rng.Int64N(int64(20 * time.Minute)))
		if i%4 == 0 {
			opens[i] = opens[i].Truncate(time.Minute)
		}
	}
	slices.Sort(opens)
	routine := benchRoutine()
	before := heapAlloc()
	began := time.Now()
	for i, at := range opens {
		clk.Set(epoch.Add(at))
		_, err := eng.Start(context.Background(), StartRequest{GuildID: "g", ChannelID: fmt.Sprintf("c%d", i),
			Host: Actor{UserID: fmt.Sprintf("u%d", i)}, RoutineName: "bench", Routine: routine, Delay: time.Minute})
		if err != nil {
			b.Fatal(err)
		}
	}
	clk.Set(epoch.Add(22 * time.Minute)) // every session is running
	heap := heapAlloc() - before
	clk.Advance(2 * time.Hour)
	elapsed := time.Since(began)
	if err := eng.Shutdown(context.Background()); err != nil {
		b.Fatal(err)
	}
	return benchResult{p: poster, credits: store.credits.Load(), ended: store.ended.Load(),
		heapPerSession: float64(heap) / float64(sessions), elapsed: elapsed}
}

func report(b *testing.B, r benchResult, transitions int) {
	p := r.p
	slices.Sort(p.lateness)
	slices.Sort(p.queued)
	b.ReportMetric(pct(p.lateness, 0.50).Seconds()*1e3, "late-p50-ms")
	b.ReportMetric(pct(p.lateness, 0.99).Seconds()*1e3, "late-p99-ms")
	b.ReportMetric(float64(len(p.lateness))/float64(transitions), "writes/transition")
	b.ReportMetric(float64(peakPerSecond(p.sentAt)), "peak-writes/s")
	b.ReportMetric(pct(p.queued, 0.50).Seconds(), "queue-p50-s")
	b.ReportMetric(pct(p.queued, 0.99).Seconds(), "queue-p99-s")
	b.ReportMetric(p.queued[len(p.queued)-1].Seconds(), "queue-max-s")
	b.ReportMetric(float64(r.elapsed.Nanoseconds())/float64(len(p.lateness)+p.lobbies), "cpu-ns/write")
	b.ReportMetric(burstMillis(p.fakeAt, p.realAt), "max-burst-cpu-ms")
	b.ReportMetric(r.heapPerSession, "heap-B/session")
}

func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func pct(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(q*float64(len(sorted)-1))]
}

// peakPerSecond is the largest number of sends within any sliding one-second window.
func peakPerSecond(sent []time.Time) int {
	slices.SortFunc(sent, func(a, b time.Time) int { return a.Compare(b) })
	peak, lo := 0, 0
	for hi := range sent {
		for sent[hi].Sub(sent[lo]) >= time.Second {
			lo++
		}
		peak = max(peak, hi-lo+1)
	}
	return peak
}

// burstMillis is the longest real time between the first and the last write of
// transitions due at the same fake instant: how far behind the last session of the largest
// herd would be if one goroutine processed it.
func burstMillis(fakeAt, realAt []time.Time) float64 {
	var worst time.Duration
	start := 0
	for i := 1; i <= len(fakeAt); i++ {
		if i == len(fakeAt) || !fakeAt[i].Equal(fakeAt[start]) {
			worst = max(worst, realAt[i-1].Sub(realAt[start]))
			start = i
		}
	}
	return worst.Seconds() * 1e3
}
