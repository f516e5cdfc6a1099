package redisstore_test

import (
	"testing"
	"time"

	"steady/store/redisstore"
)

// The flush lease is held by one token at a time, renewed only by it, and
// ended by it only once the outbox is empty: a message queued while it was
// held keeps it with its holder, who delivers that message too.
func TestFlushLeaseOneHolderEndsOnlyWhenEmpty(t *testing.T) {
	b := setup(t)
	batch := b.store.Batch("alex")
	batch.Enqueue([]byte("one"))
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	a, other := redisstore.NewFlushToken(), redisstore.NewFlushToken()
	if a == other || len(a) < 16 {
		t.Fatalf("tokens %q and %q: want distinct random tokens", a, other)
	}
	if ok, err := b.store.TakeFlush(b.ctx, "alex", a, time.Minute); err != nil || !ok {
		t.Fatalf("first take: %v %v", ok, err)
	}
	if ok, err := b.store.TakeFlush(b.ctx, "alex", other, time.Minute); err != nil || ok {
		t.Fatalf("a second replica took a held lease: %v %v", ok, err)
	}
	if ok, err := b.store.KeepFlush(b.ctx, "alex", a, time.Minute); err != nil || !ok {
		t.Fatalf("the holder could not renew: %v %v", ok, err)
	}
	if err := b.store.DropFlush(b.ctx, "alex", other); err != nil {
		t.Fatal(err)
	}
	if ok, _ := b.store.TakeFlush(b.ctx, "alex", other, time.Minute); ok {
		t.Fatal("a replica that does not hold the lease ended it")
	}

	items, _ := b.store.Outbox(b.ctx, "alex", 10)
	// Meanwhile another replica commits a message for the client.
	late := b.store.Batch("alex")
	late.Enqueue([]byte("two"))
	if _, err := late.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	left, err := b.store.FlushDelivered(b.ctx, "alex", a, items, true)
	if err != nil || left != 1 {
		t.Fatalf("delivered one of two: %d left, %v", left, err)
	}
	if ok, _ := b.store.TakeFlush(b.ctx, "alex", other, time.Minute); ok {
		t.Fatal("the lease ended while a message was still queued")
	}
	if ids, _ := b.store.OutboxClients(b.ctx); len(ids) != 1 {
		t.Fatalf("a client with a message queued left the outbox index: %v", ids)
	}
	rest, _ := b.store.Outbox(b.ctx, "alex", 10)
	if left, err := b.store.FlushDelivered(b.ctx, "alex", a, rest, true); err != nil || left != 0 {
		t.Fatalf("delivered the rest: %d left, %v", left, err)
	}
	if ok, _ := b.store.TakeFlush(b.ctx, "alex", other, time.Minute); !ok {
		t.Fatal("the lease was not ended with the outbox empty")
	}
	if ids, _ := b.store.OutboxClients(b.ctx); len(ids) != 0 {
		t.Fatalf("drained outbox still indexed: %v", ids)
	}
	if left, err := b.store.EndFlush(b.ctx, "alex", other); err != nil || left != 0 {
		t.Fatalf("end on an empty outbox: %d, %v", left, err)
	}
	if ok, _ := b.store.TakeFlush(b.ctx, "alex", a, time.Minute); !ok {
		t.Fatal("EndFlush on an empty outbox left the lease held")
	}
}

// A lease whose holder died (stopped renewing) expires, and another replica
// takes it.
func TestFlushLeaseExpires(t *testing.T) {
	b := setup(t)
	dead, next := redisstore.NewFlushToken(), redisstore.NewFlushToken()
	if ok, _ := b.store.TakeFlush(b.ctx, "alex", dead, 50*time.Millisecond); !ok {
		t.Fatal("take")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok, err := b.store.TakeFlush(b.ctx, "alex", next, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("an abandoned flush lease never expired")
		}
	}
	if ok, _ := b.store.KeepFlush(b.ctx, "alex", dead, time.Minute); ok {
		t.Fatal("the dead holder renewed a lease another replica now holds")
	}
}
