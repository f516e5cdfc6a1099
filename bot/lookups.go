package bot

import (
	"sync"
	"time"
)

// The engine keeps two in-process lookups that save an answer Redis round
// trips for facts that almost never change. Neither is a source of truth
// (DESIGN §3: a restart loses nothing); each entry is checked against, or
// bounded by, what Redis holds:
//
//   - Discord user → client id (Engine.users). The index changes only at
//     enrolment and erasure, possibly on another replica, so an entry is only
//     a guess: the step that uses it checks that the client's profile, as
//     loaded for the step, names the same Discord user, and a missing client
//     or a different user drops the entry and asks Redis again. A stale entry
//     can therefore never store for, or deliver to, another client.
//   - worker id → display name (Engine.workerNames), used for at most
//     workerNameTTL. The name only words consent questions; a rename on
//     another replica shows within that time, one on this replica at once.
//   - client id → the client's state after their last step, in stored form
//     (Engine.states, redisstore.Snapshot): a step decided on it commits
//     only if the conversation version, profile and adjustments in Redis are
//     still exactly those (Batch.Guard); see Engine.run.

// maxRemembered bounds each lookup; a full one forgets an arbitrary entry.
// Remembered states are larger (a profile and a conversation, a few KB), so
// fewer are kept: the most active clients' steps skip their read.
const (
	maxRemembered       = 100_000
	maxRememberedStates = 10_000
)

// workerNameTTL is how long a worker's name is used without re-reading it.
const workerNameTTL = time.Minute

// remembered is a bounded, concurrency-safe map.
type remembered[V any] struct {
	mu    sync.Mutex
	m     map[string]V
	limit int // 0: maxRemembered
}

func (r *remembered[V]) get(k string) (V, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.m[k]
	return v, ok
}

func (r *remembered[V]) put(k string, v V) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]V{}
	}
	limit := r.limit
	if limit == 0 {
		limit = maxRemembered
	}
	if _, ok := r.m[k]; !ok && len(r.m) >= limit {
		for old := range r.m {
			delete(r.m, old)
			break
		}
	}
	r.m[k] = v
}

func (r *remembered[V]) drop(k string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, k)
}

// nameAt is a worker's name and when it was read.
type nameAt struct {
	name string
	at   time.Time
}

func (n nameAt) fresh(now time.Time) bool {
	return !now.Before(n.at) && now.Sub(n.at) < workerNameTTL
}
