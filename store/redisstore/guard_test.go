package redisstore_test

import (
	"reflect"
	"testing"

	"steady/store"
	"steady/store/redisstore"
	"steady/store/redistest"
)

// A remembered state (Snapshot) is only a guess: a batch guarded by it
// commits only while the conversation, profile and adjustments are exactly
// as read, whoever changed them and however (a direct profile write, an
// adjustment written without a version bump, an erasure and re-enrolment).
func TestGuardedCommitNeedsTheStateAsRead(t *testing.T) {
	changes := []struct {
		name   string
		change func(t *testing.T, b bundle)
	}{
		{"profile rewritten", func(t *testing.T, b bundle) {
			c := client("alex")
			c.Consents.WorkerSeesAnswers = false
			batch := b.store.Batch("alex")
			batch.PutClient(c)
			if _, err := batch.Commit(b.ctx, -1); err != nil {
				t.Fatal(err)
			}
		}},
		{"profile replaced behind the version's back", func(t *testing.T, b bundle) {
			rdb := b.store.Redis()
			if err := rdb.Set(b.ctx, b.store.Prefix()+":{c:alex}:profile", "x", 0).Err(); err != nil {
				t.Fatal(err)
			}
		}},
		{"adjustment added behind the version's back", func(t *testing.T, b bundle) {
			rdb := b.store.Redis()
			if err := rdb.HSet(b.ctx, b.store.Prefix()+":{c:alex}:adjustments", "a3", "x").Err(); err != nil {
				t.Fatal(err)
			}
		}},
		{"adjustment changed through a batch", func(t *testing.T, b bundle) {
			batch := b.store.Batch("alex")
			batch.PutAdjustment(store.Adjustment{ID: "a1", What: "later start"})
			if _, err := batch.Commit(b.ctx, -1); err != nil {
				t.Fatal(err)
			}
		}},
		{"erased and enrolled again", func(t *testing.T, b bundle) {
			if err := b.store.EraseClient(b.ctx, "alex", "sam", "client request", t0); err != nil {
				t.Fatal(err)
			}
			if err := b.store.Enrol(b.ctx, client("alex")); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range changes {
		t.Run(tc.name, func(t *testing.T) {
			rdb, prefix := redistest.New(t)
			b := bundle{ctx: t.Context(), store: redisstore.New(rdb, prefix)}
			if err := b.store.Enrol(b.ctx, client("alex")); err != nil {
				t.Fatal(err)
			}
			seed := b.store.Batch("alex")
			seed.PutAdjustment(store.Adjustment{ID: "a1", What: "quiet desk"})
			seed.PutAdjustment(store.Adjustment{ID: "a2", What: "no early shifts"})
			if _, err := seed.Commit(b.ctx, -1); err != nil {
				t.Fatal(err)
			}
			st, err := b.store.Load(b.ctx, "alex")
			if err != nil {
				t.Fatal(err)
			}

			// Unchanged: the guarded commit goes in, and the state it leaves
			// opens to exactly what a fresh read gives.
			step := b.store.Batch("alex")
			step.Guard(st)
			step.SetConversation(store.Conversation{Flow: "sleep", State: "latency", Answers: map[string]string{"bedtime": "23:00"}})
			v, err := step.Commit(b.ctx, st.Conversation.Version)
			if err != nil {
				t.Fatalf("guarded commit on an unchanged state: %v", err)
			}
			snap, ok := step.Next(st, v)
			if !ok {
				t.Fatal("no state after a commit that wrote only the conversation")
			}
			remembered, err := b.store.Open(snap)
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := b.store.Load(b.ctx, "alex")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(remembered.Client, fresh.Client) || !reflect.DeepEqual(remembered.Conversation, fresh.Conversation) ||
				!reflect.DeepEqual(remembered.Adjustments, fresh.Adjustments) || !reflect.DeepEqual(remembered.Snapshot(), fresh.Snapshot()) {
				t.Fatalf("remembered state differs from Redis:\n%+v\n%+v", remembered, fresh)
			}

			tc.change(t, b)
			stale := b.store.Batch("alex")
			stale.Guard(remembered)
			stale.SetConversation(store.Conversation{Flow: "sleep", State: "wake"})
			if _, err := stale.Commit(b.ctx, remembered.Conversation.Version); !redisstore.IsConflict(err) {
				t.Fatalf("guarded commit after %s: %v, want a conflict", tc.name, err)
			}
		})
	}
}
