package redisstore_test

import (
	"strings"
	"testing"
	"time"

	"steady/store"
)

// The recent messages and the to-read list hold a client's own words: they
// are sealed like every record, committed with the step, and the recent
// ones carry a TTL and come back with Load (and with a snapshot kept
// between steps, without a read).
func TestRecentAndToReadRoundTripSealed(t *testing.T) {
	b := setup(t) // alex
	st, err := b.store.Load(b.ctx, "alex")
	if err != nil || len(st.Recent) != 0 {
		t.Fatalf("a new client's recent messages: %+v %v", st.Recent, err)
	}
	recent := []store.RecentMessage{{At: t0, Key: "m1", Text: "i want to"}}
	items := []store.ReadItem{
		{ID: "r2", At: t0, Step: 2, Text: "second WORDS", Why: store.ReadNotUnderstood},
		{ID: "r1", At: t0, Step: 1, Text: "first WORDS", Why: store.ReadWorry},
	}
	bt := b.store.Batch("alex")
	bt.Guard(st)
	bt.SetRecent(recent, 10*time.Minute)
	for _, it := range items {
		bt.PutReadItem(it)
	}
	v, err := bt.Commit(b.ctx, st.Conversation.Version)
	if err != nil {
		t.Fatal(err)
	}
	rdb := b.store.Redis()
	key := b.store.Prefix() + ":{c:alex}:recent"
	if ttl := rdb.PTTL(b.ctx, key).Val(); ttl <= 9*time.Minute || ttl > 10*time.Minute {
		t.Errorf("recent messages TTL %v", ttl)
	}
	if raw := rdb.Get(b.ctx, key).Val(); strings.Contains(raw, "want") {
		t.Error("recent messages stored in the clear")
	}
	for _, raw := range rdb.HGetAll(b.ctx, b.store.Prefix()+":{c:alex}:toread").Val() {
		if strings.Contains(raw, "WORDS") {
			t.Error("a to-read item stored in the clear")
		}
	}
	loaded, err := b.store.Load(b.ctx, "alex")
	if err != nil || len(loaded.Recent) != 1 || loaded.Recent[0].Text != "i want to" {
		t.Fatalf("Load's recent messages: %+v %v", loaded.Recent, err)
	}
	next, ok := bt.Next(st, v)
	if !ok {
		t.Fatal("no snapshot after the commit")
	}
	opened, err := b.store.Open(next)
	if err != nil || len(opened.Recent) != 1 || opened.Recent[0].Key != "m1" {
		t.Fatalf("the snapshot's recent messages: %+v %v", opened.Recent, err)
	}
	got, err := b.store.ReadItems(b.ctx, "alex")
	if err != nil || len(got) != 2 || got[0].ID != "r1" || got[1].ID != "r2" {
		t.Fatalf("ReadItems (same instant, ordered by step): %+v %v", got, err)
	}
	all, err := b.store.ReadItemsOf(b.ctx, []string{"alex", "nobody"})
	if err != nil || len(all) != 1 || len(all["alex"]) != 2 {
		t.Fatalf("ReadItemsOf: %+v %v", all, err)
	}

	// Read, the item leaves the list; an empty recent list deletes the key.
	bt = b.store.Batch("alex")
	bt.DropReadItem("r1")
	bt.SetRecent(nil, time.Minute)
	if _, err := bt.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.store.ReadItems(b.ctx, "alex"); len(got) != 1 || got[0].ID != "r2" {
		t.Errorf("after dropping r1: %+v", got)
	}
	if rdb.Exists(b.ctx, key).Val() != 0 {
		t.Error("an empty recent list left its key")
	}
	// Both are the client's own data: exported with everything else.
	exp, err := b.store.ExportClient(b.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := exp["toread"]; !ok {
		t.Errorf("the export lacks the to-read list: %v", exp)
	}
}
