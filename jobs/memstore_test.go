package jobs

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// memStore is an in-memory Store for the scheduler's tests, with the same rules as
// storage's: (kind, key) unique, claims exclusive, attempts counted at claim.
type memStore struct {
	mu   sync.Mutex
	rows []*memRow
	// failClaim, when set, is returned by Claim.
	failClaim error
	nexts     int // calls of Next
}

type memRow struct {
	job       Job
	claimed   bool
	completed bool
}

func (m *memStore) Add(_ context.Context, j Job) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.rows {
		if r.job.Kind == j.Kind && r.job.Key == j.Key {
			return false, nil
		}
	}
	j.ID, j.Attempts = int64(len(m.rows)+1), 0
	m.rows = append(m.rows, &memRow{job: j})
	return true, nil
}

func (m *memStore) pending(scope Scope) []*memRow {
	var out []*memRow
	for _, r := range m.rows {
		if !r.claimed && !r.completed && scope.Owns(r.job.GuildID) {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b *memRow) int {
		return cmp.Or(a.job.Due.Compare(b.job.Due), cmp.Compare(a.job.ID, b.job.ID))
	})
	return out
}

func (m *memStore) Next(_ context.Context, scope Scope) (time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nexts++
	p := m.pending(scope)
	if len(p) == 0 {
		return time.Time{}, false, nil
	}
	return p[0].job.Due, true, nil
}

func (m *memStore) Claim(_ context.Context, scope Scope, now time.Time, limit int) ([]Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failClaim != nil {
		return nil, m.failClaim
	}
	var out []Job
	for _, r := range m.pending(scope) {
		if len(out) == limit || r.job.Due.After(now) {
			break
		}
		r.claimed = true
		r.job.Attempts++
		out = append(out, r.job)
	}
	return out, nil
}

func (m *memStore) claimedRow(id int64) (*memRow, error) {
	for _, r := range m.rows {
		if r.job.ID == id && r.claimed && !r.completed {
			return r, nil
		}
	}
	return nil, errors.New("not claimed")
}

func (m *memStore) Complete(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, err := m.claimedRow(id)
	if err == nil {
		r.completed = true
	}
	return err
}

func (m *memStore) Retry(_ context.Context, id int64, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, err := m.claimedRow(id)
	if err == nil {
		r.claimed, r.job.Due = false, at
	}
	return err
}

func (m *memStore) Release(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, err := m.claimedRow(id)
	if err == nil {
		r.claimed = false
		r.job.Attempts--
	}
	return err
}

func (m *memStore) Recover(_ context.Context, scope Scope) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, r := range m.rows {
		if r.claimed && !r.completed && scope.Owns(r.job.GuildID) {
			r.claimed = false
			n++
		}
	}
	return n, nil
}

// state returns the job of key and whether it is claimed and completed.
func (m *memStore) state(key string) (j Job, claimed, completed bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.rows {
		if r.job.Key == key {
			return r.job, r.claimed, r.completed
		}
	}
	return Job{}, false, false
}
