package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"steady/store"
	"steady/store/redisstore"
	"steady/store/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

type bundle struct {
	ctx   context.Context
	store *redisstore.Store
}

// setup returns a store with alex enrolled: a batch commits only for a
// client who exists.
func setup(t *testing.T) bundle {
	t.Helper()
	rdb, prefix := redistest.New(t)
	b := bundle{ctx: context.Background(), store: redisstore.New(rdb, prefix)}
	if err := b.store.Enrol(b.ctx, client("alex")); err != nil {
		t.Fatal(err)
	}
	return b
}

var t0 = time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC)

func client(id string) store.Client {
	return store.Client{ID: id, DisplayName: "Alex", DiscordID: "d-" + id, TimeZone: "Europe/London", WorkerID: "sam", Status: store.StatusActive}
}

func TestEnrolIndexesDiscordUser(t *testing.T) {
	b := setup(t) // alex, Discord user d-alex
	id, err := b.store.ClientIDByDiscord(b.ctx, "d-alex")
	if err != nil || id != "alex" {
		t.Fatalf("ClientIDByDiscord = %q, %v", id, err)
	}
	if _, err := b.store.ClientIDByDiscord(b.ctx, "stranger"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stranger: err = %v, want ErrNotFound", err)
	}
	other := client("bea")
	other.DiscordID = "d-alex"
	if err := b.store.Enrol(b.ctx, other); err == nil {
		t.Fatal("enrolled a second client under the same Discord user")
	}
}

func TestCommitIsAtomicAndVersioned(t *testing.T) {
	b := setup(t)
	st, err := b.store.Load(b.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	conv := store.Conversation{Flow: "sleep", State: "latency", PromptID: "p1", Answers: map[string]string{"bedtime": "23:00"}}
	batch := b.store.Batch("alex")
	batch.SetConversation(conv)
	batch.PutSleep(store.SleepEntry{Night: "2026-11-22", AsleepMin: 300})
	batch.Audit(store.AuditEvent{At: t0, Actor: "steady", Action: "test.one"})
	v, err := batch.Commit(b.ctx, st.Conversation.Version)
	if err != nil || v != st.Conversation.Version+1 {
		t.Fatalf("commit = %d, %v", v, err)
	}

	// A second writer that read the old version is refused and writes nothing.
	stale := b.store.Batch("alex")
	stale.CloseConversation()
	stale.PutSleep(store.SleepEntry{Night: "2026-11-23", AsleepMin: 100})
	stale.Audit(store.AuditEvent{At: t0, Actor: "steady", Action: "test.stale"})
	if _, err := stale.Commit(b.ctx, st.Conversation.Version); !redisstore.IsConflict(err) {
		t.Fatalf("stale commit: err = %v, want conflict", err)
	}

	got, err := b.store.Load(b.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	if got.Conversation.State != "latency" || got.Conversation.Answers["bedtime"] != "23:00" || got.Conversation.Version != v {
		t.Fatalf("conversation = %+v", got.Conversation)
	}
	nights, err := b.store.SleepEntries(b.ctx, "alex", "2026-11-01")
	if err != nil || len(nights) != 1 || nights[0].Night != "2026-11-22" {
		t.Fatalf("sleep entries = %+v, %v", nights, err)
	}
	audit, err := b.store.Audit(b.ctx, "alex", "")
	if err != nil || len(audit) != 1 || audit[0].Action != "test.one" || audit[0].ClientID != "alex" {
		t.Fatalf("audit = %+v, %v", audit, err)
	}
}

func TestPutSleepReplacesSameNight(t *testing.T) {
	b := setup(t)
	for _, mins := range []int{300, 420} {
		batch := b.store.Batch("alex")
		batch.PutSleep(store.SleepEntry{Night: "2026-11-22", AsleepMin: mins})
		if _, err := batch.Commit(b.ctx, -1); err != nil {
			t.Fatal(err)
		}
	}
	nights, err := b.store.SleepEntries(b.ctx, "alex", "2026-11-01")
	if err != nil || len(nights) != 1 || nights[0].AsleepMin != 420 {
		t.Fatalf("sleep entries = %+v, %v", nights, err)
	}
}

func TestIncidentOpenPointerFollowsState(t *testing.T) {
	b := setup(t)
	in := store.Incident{ID: "alex.r.2026-11-22", ClientID: "alex", Rule: "r", State: store.IncidentWorkerNotified}
	batch := b.store.Batch("alex")
	batch.PutIncident(in)
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := b.store.OpenIncident(b.ctx, "alex", "r"); err != nil || !ok || got.ID != in.ID {
		t.Fatalf("open incident = %+v %v %v", got, ok, err)
	}
	in.State = store.IncidentResolved
	batch = b.store.Batch("alex")
	batch.PutIncident(in)
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := b.store.OpenIncident(b.ctx, "alex", "r"); err != nil || ok {
		t.Fatalf("resolved incident still open: %v %v", ok, err)
	}
}

func TestOutboxKeepsOrderUntilDelivered(t *testing.T) {
	b := setup(t)
	batch := b.store.Batch("alex")
	batch.Enqueue([]byte("one"))
	batch.Enqueue([]byte("two"))
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	ids, _ := b.store.OutboxClients(b.ctx)
	if len(ids) != 1 || ids[0] != "alex" {
		t.Fatalf("outbox index = %v", ids)
	}
	items, _ := b.store.Outbox(b.ctx, "alex", 10)
	if len(items) != 2 || string(items[0].Data) != "one" || string(items[1].Data) != "two" {
		t.Fatalf("outbox = %q", items)
	}
	if left, err := b.store.Delivered(b.ctx, "alex", items[:1], false); err != nil || left != 1 {
		t.Fatalf("delivered one: %d left, %v", left, err)
	}
	if rest, _ := b.store.Outbox(b.ctx, "alex", 10); len(rest) != 1 || string(rest[0].Data) != "two" {
		t.Fatalf("outbox after one delivered = %q", rest)
	}
	if ids, _ := b.store.OutboxClients(b.ctx); len(ids) != 1 {
		t.Fatalf("outbox with a message left unindexed: %v", ids)
	}
	if left, err := b.store.Delivered(b.ctx, "alex", items[1:], true); err != nil || left != 0 {
		t.Fatalf("delivered the rest: %d left, %v", left, err)
	}
	if ids, _ := b.store.OutboxClients(b.ctx); len(ids) != 0 {
		t.Fatalf("drained outbox still indexed: %v", ids)
	}
}

// A step's messages may be delivered from memory only when nothing older
// waits in the outbox; otherwise the outbox is flushed from Redis in order.
func TestQueuedIsHeadOnlyWhenNothingOlderWaits(t *testing.T) {
	b := setup(t)
	first := b.store.Batch("alex")
	first.Enqueue([]byte("one"))
	if _, err := first.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	if items, head := first.Queued(); !head || len(items) != 1 || string(items[0].Data) != "one" {
		t.Fatalf("first batch: %q head=%v, want its message at the head", items, head)
	}
	second := b.store.Batch("alex")
	second.Enqueue([]byte("two"))
	if _, err := second.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	if _, head := second.Queued(); head {
		t.Fatal("second batch claims the head while an older message waits")
	}
	conflicted := b.store.Batch("alex")
	conflicted.Enqueue([]byte("three"))
	if _, err := conflicted.Commit(b.ctx, 99); !redisstore.IsConflict(err) {
		t.Fatalf("commit at a stale version: %v, want a conflict", err)
	}
	if items, _ := b.store.Outbox(b.ctx, "alex", 10); len(items) != 2 {
		t.Fatalf("outbox after a conflict = %q, want only one and two", items)
	}
}

// Two overlapping flushes of one outbox each remove what they delivered and
// nothing else: a message queued meanwhile stays until it is sent, and the
// client stays indexed while it waits.
func TestDeliveredRemovesOnlyWhatWasSent(t *testing.T) {
	b := setup(t)
	batch := b.store.Batch("alex")
	batch.Enqueue([]byte("one"))
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	seenByA, _ := b.store.Outbox(b.ctx, "alex", 10)
	seenByB, _ := b.store.Outbox(b.ctx, "alex", 10)
	if left, err := b.store.Delivered(b.ctx, "alex", seenByA, true); err != nil || left != 0 {
		t.Fatalf("A delivered: %d left, %v", left, err)
	}
	later := b.store.Batch("alex")
	later.Enqueue([]byte("two"))
	if _, err := later.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	// B sent "one" again (the Messenger ignores the repeat) and expects an
	// empty outbox; "two" has not been sent by anyone.
	if left, err := b.store.Delivered(b.ctx, "alex", seenByB, true); err != nil || left != 1 {
		t.Fatalf("B delivered: %d left, %v; want two still queued", left, err)
	}
	if items, _ := b.store.Outbox(b.ctx, "alex", 10); len(items) != 1 || string(items[0].Data) != "two" {
		t.Fatalf("outbox = %q, want two", items)
	}
	if ids, _ := b.store.OutboxClients(b.ctx); len(ids) != 1 || ids[0] != "alex" {
		t.Fatalf("outbox index = %v, want alex while two waits", ids)
	}
}

// A Redis that has forgotten the scripts (a restart, SCRIPT FLUSH) is sent
// them again: a commit and a delivery still go in, index entry included.
func TestScriptsSurviveAScriptFlush(t *testing.T) {
	b := setup(t)
	rdb := b.store.Redis()
	if err := rdb.ScriptFlush(b.ctx).Err(); err != nil {
		t.Fatal(err)
	}
	batch := b.store.Batch("alex")
	batch.Enqueue([]byte("one"))
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatalf("commit after a script flush: %v", err)
	}
	if ids, _ := b.store.OutboxClients(b.ctx); len(ids) != 1 {
		t.Fatalf("outbox index = %v", ids)
	}
	if err := rdb.ScriptFlush(b.ctx).Err(); err != nil {
		t.Fatal(err)
	}
	items, _ := batch.Queued()
	if left, err := b.store.Delivered(b.ctx, "alex", items, true); err != nil || left != 0 {
		t.Fatalf("delivered after a script flush: %d left, %v", left, err)
	}
	if ids, _ := b.store.OutboxClients(b.ctx); len(ids) != 0 {
		t.Fatalf("drained outbox still indexed: %v", ids)
	}
}
