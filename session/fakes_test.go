package session

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/internal/syncbuf"
)

var _ Store = (*memStore)(nil)
var _ Poster = (*memPoster)(nil)

// memStore is an in-memory Store that keeps copies, like a database would, and counts
// credits per (session, member) to check exactly-once crediting.
type memStore struct {
	mu       sync.Mutex
	nextID   int64
	sessions map[int64]*Session
	credits  map[creditKey]Credit
	saves    int
	finishes int
	// failSave, when set, may refuse a SaveSession.
	failSave func(*Session) error
}

type creditKey struct {
	session int64
	user    string
}

func newMemStore() *memStore {
	return &memStore{sessions: map[int64]*Session{}, credits: map[creditKey]Credit{}}
}

func (m *memStore) CreateSession(_ context.Context, s *Session) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, old := range m.sessions {
		if old.ChannelID == s.ChannelID && old.Status.Active() {
			return 0, &BusyError{Session: old.Clone()}
		}
	}
	m.nextID++
	c := s.Clone()
	c.ID = m.nextID
	m.sessions[c.ID] = c
	return c.ID, nil
}

func (m *memStore) SaveSession(_ context.Context, s *Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failSave != nil {
		if err := m.failSave(s); err != nil {
			return err
		}
	}
	m.saves++
	m.sessions[s.ID] = s.Clone()
	return nil
}

func (m *memStore) ActiveSessions(context.Context) ([]*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*Session
	for _, s := range m.sessions {
		if s.Status.Active() {
			out = append(out, s.Clone())
		}
	}
	return out, nil
}

func (m *memStore) FinishSession(_ context.Context, s *Session, credits []Credit) ([]Credit, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finishes++
	var recorded []Credit
	for _, c := range credits {
		k := creditKey{s.ID, c.UserID}
		if _, dup := m.credits[k]; !dup {
			c.Streak = &StreakAfter{Days: 1, Grew: true}
			m.credits[k] = c
		}
		recorded = append(recorded, m.credits[k])
	}
	stored := s.Clone()
	stored.Credits = recorded
	m.sessions[s.ID] = stored
	return recorded, nil
}

func (m *memStore) LoadSession(_ context.Context, id int64) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok {
		return nil, fmt.Errorf("load %d: %w", id, ErrNotFound)
	}
	return s.Clone(), nil
}

func (m *memStore) load(t *testing.T, id int64) *Session {
	t.Helper()
	s, err := m.LoadSession(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// creditsOf returns the recorded credits of one session by member.
func (m *memStore) creditsOf(id int64) map[string]Credit {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]Credit{}
	for k, c := range m.credits {
		if k.session == id {
			out[k.user] = c
		}
	}
	return out
}

// write is one recorded Poster call.
type write struct {
	op      string // "post" or "edit"
	channel string
	message string // edited message, or the id given to a post
	view    View
	at      time.Time // fake clock reading during the call
	err     error
}

// memPoster records every call. fail, when set, decides the error of a call.
type memPoster struct {
	mu     sync.Mutex
	clock  clock.Clock
	nextID int
	writes []write
	fail   func(op, channel, message string) error
}

func (p *memPoster) Post(_ context.Context, channelID string, v View) (string, error) {
	return p.record("post", channelID, "", v)
}

func (p *memPoster) Edit(_ context.Context, channelID, messageID string, v View) error {
	_, err := p.record("edit", channelID, messageID, v)
	return err
}

func (p *memPoster) record(op, channel, message string, v View) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var err error
	if p.fail != nil {
		err = p.fail(op, channel, message)
	}
	if op == "post" && err == nil {
		p.nextID++
		message = fmt.Sprintf("m%d", p.nextID)
	}
	p.writes = append(p.writes, write{op: op, channel: channel, message: message, view: v, at: p.clock.Now(), err: err})
	if err != nil {
		return "", err
	}
	return message, nil
}

// channelWrites returns the calls made for one channel, in order.
func (p *memPoster) channelWrites(channel string) []write {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []write
	for _, w := range p.writes {
		if w.channel == channel {
			out = append(out, w)
		}
	}
	return out
}

func (p *memPoster) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.writes)
}

var epoch = time.Date(2025, 3, 1, 18, 0, 0, 0, time.UTC)

type harness struct {
	t      *testing.T
	clk    *clock.Fake
	store  *memStore
	poster *memPoster
	logs   *syncbuf.Buffer
	eng    *Engine
	cfg    Config
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	clk := clock.NewFake(epoch)
	h := &harness{t: t, clk: clk, store: newMemStore(), poster: &memPoster{clock: clk}, logs: &syncbuf.Buffer{},
		cfg: Config{PrepGap: 10 * time.Second}}
	h.cfg.Logger = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.eng = New(h.cfg, h.store, h.poster, clk)
	t.Cleanup(func() {
		if err := h.eng.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return h
}

// reboot simulates a process restart: the old engine shuts down (sessions stay active in
// the store), downtime passes, and a new engine restores from the same store.
func (h *harness) reboot(downtime time.Duration) {
	h.t.Helper()
	if err := h.eng.Shutdown(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	h.clk.Advance(downtime)
	h.eng = New(h.cfg, h.store, h.poster, h.clk)
	if err := h.eng.Restore(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

var (
	host   = Actor{UserID: "host", Name: "Hana"}
	member = Actor{UserID: "u2", Name: "Mo"}
	other  = Actor{UserID: "u3", Name: "Oz"}
	mod    = Actor{UserID: "mod", Name: "Mod", CanControl: true}
)

// shortRoutine expands (prep 10s) to: A rep1 30s, rest 10s, A rep2 30s, prep 10s, B 20s =
// 100s in five steps.
func shortRoutine() []RoutineItem {
	return []RoutineItem{
		{ExerciseID: "cat-cow", Name: "Cat-cow", Instructions: "Round, then arch.", Hold: 30 * time.Second, Reps: 2, Rest: 10 * time.Second},
		{ExerciseID: "hang", Name: "Dead hang", Instructions: "Hang loosely.", Hold: 20 * time.Second, Reps: 1},
	}
}

func (h *harness) start(channel string, delay time.Duration, routine []RoutineItem) View {
	h.t.Helper()
	v, err := h.eng.Start(context.Background(), StartRequest{GuildID: "g1", ChannelID: channel, Host: host,
		RoutineName: "test", Routine: routine, Delay: delay})
	if err != nil {
		h.t.Fatalf("Start(%s): %v", channel, err)
	}
	return v
}

func (h *harness) must(v View, err error) View {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
	return v
}
