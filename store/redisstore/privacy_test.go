package redisstore_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/store"
	"steady/store/redisstore"
	"steady/store/redistest"
)

// clearIn fails the test for every key or value under the prefix that holds
// one of the words.
func clearIn(t *testing.T, b bundle, words ...string) {
	t.Helper()
	for key, vals := range redistest.Dump(b.ctx, t, b.store.Redis(), b.store.Prefix()) {
		for _, v := range append(vals, key) {
			for _, w := range words {
				if strings.Contains(strings.ToLower(v), strings.ToLower(w)) {
					t.Errorf("%s holds %q in the clear: %q", key, w, v)
				}
			}
		}
	}
}

// An audit entry shows when, who and what; the rest (rule, incident,
// reason: a crisis kind, a consent value, a worker's free text) is sealed,
// and reads back whole.
func TestAuditKeepsOnlyWhenWhoAndWhatInTheClear(t *testing.T) {
	b := setup(t)
	batch := b.store.Batch("alex")
	batch.Audit(store.AuditEvent{At: t0, Actor: "steady", Action: "crisis.detected", Rule: "crisis", Incident: "i123", Reason: "suicide: worker told"})
	batch.Audit(store.AuditEvent{At: t0, Actor: "sam", Action: "client.discharged", Reason: "CANARYREASON admitted to hospital"})
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	if err := b.store.AppendServiceAudit(b.ctx, store.AuditEvent{At: t0, Actor: "jo", Action: "report.generated", Reason: "CANARYSERVICE incidents by rule"}); err != nil {
		t.Fatal(err)
	}
	clearIn(t, b, "suicide", "hospital", "CANARY", `"crisis"`, "i123")

	events, err := b.store.Audit(b.ctx, "alex", "")
	if err != nil || len(events) != 2 {
		t.Fatalf("audit = %+v, %v", events, err)
	}
	if e := events[0]; e.Action != "crisis.detected" || e.Rule != "crisis" || e.Incident != "i123" || e.Reason != "suicide: worker told" || e.ClientID != "alex" || !e.At.Equal(t0) {
		t.Errorf("first entry = %+v", e)
	}
	if e := events[1]; e.Actor != "sam" || e.Reason != "CANARYREASON admitted to hospital" {
		t.Errorf("second entry = %+v", e)
	}
	svc, err := b.store.ServiceAudit(b.ctx, "")
	if err != nil || len(svc) != 1 || svc[0].Reason != "CANARYSERVICE incidents by rule" {
		t.Fatalf("service audit = %+v, %v", svc, err)
	}

	// The sealed half is bound to its entry's clear half: moved to another
	// entry (or its action rewritten), it no longer opens.
	rdb := b.store.Redis()
	key := b.store.Prefix() + ":{c:alex}:audit"
	msgs, _ := rdb.XRange(b.ctx, key, "-", "+").Result()
	rdb.Del(b.ctx, key)
	rdb.XAdd(b.ctx, &redis.XAddArgs{Stream: key, Values: map[string]any{"at": msgs[0].Values["at"], "actor": "steady",
		"action": "prompt.sent", "s": msgs[0].Values["s"]}})
	if _, err := b.store.Audit(b.ctx, "alex", ""); !errors.Is(err, redisstore.ErrUnsealable) {
		t.Fatalf("an entry's details under another action: err = %v, want ErrUnsealable", err)
	}
}

// Every append trims its log of entries older than the audit retention, by
// Redis's clock: the trail lives as long as the records it explains.
func TestAuditIsTrimmedToTheRetentionPeriod(t *testing.T) {
	rdb, prefix := redistest.New(t)
	b := bundle{ctx: t.Context(), store: redisstore.New(rdb, prefix, redisstore.WithAuditRetention(48*time.Hour))}
	if err := b.store.Enrol(b.ctx, client("alex")); err != nil {
		t.Fatal(err)
	}
	now, err := rdb.Time(b.ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	// Entries from ten days ago: a hundred of them, so whole stream nodes go.
	for _, key := range []string{prefix + ":{c:alex}:audit", prefix + ":audit"} {
		old := now.Add(-10 * 24 * time.Hour).UnixMilli()
		for i := 0; i < 300; i++ {
			if err := rdb.XAdd(b.ctx, &redis.XAddArgs{Stream: key, ID: fmt.Sprintf("%d-%d", old, i), Values: []any{"at", "then", "actor", "steady", "action", "old"}}).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	batch := b.store.Batch("alex")
	batch.Audit(store.AuditEvent{At: t0, Actor: "steady", Action: "new"})
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	if err := b.store.AppendServiceAudit(b.ctx, store.AuditEvent{At: t0, Actor: "jo", Action: "new"}); err != nil {
		t.Fatal(err)
	}
	for _, read := range []func() ([]store.AuditEvent, error){
		func() ([]store.AuditEvent, error) { return b.store.Audit(b.ctx, "alex", "") },
		func() ([]store.AuditEvent, error) { return b.store.ServiceAudit(b.ctx, "") },
	} {
		events, err := read()
		if err != nil {
			t.Fatal(err)
		}
		// Trimming is approximate (whole nodes of up to 100 entries), never
		// more than that, and never the new entry.
		if len(events) > 101 || events[len(events)-1].Action != "new" {
			t.Fatalf("after an append, %d entries remain, last %+v", len(events), events[len(events)-1])
		}
	}
}

// Staff names are sealed; enrolling a client never rewrites a worker who exists.
func TestWorkersAreSealedAndKeptAsTheyAre(t *testing.T) {
	b := setup(t)
	lead := store.Worker{ID: "jo", Name: "CANARYSTAFF Joanna", DiscordID: "u-jo", Lead: true, TimeZone: "Europe/Paris", Hours: "mon-fri 08:00-16:00"}
	if err := b.store.PutWorker(b.ctx, lead); err != nil {
		t.Fatal(err)
	}
	clearIn(t, b, "CANARYSTAFF", "Joanna")
	got, err := b.store.AddWorker(b.ctx, store.Worker{ID: "jo", Name: "Jo", DiscordID: "u-jo"})
	if err != nil || got != lead {
		t.Fatalf("AddWorker over an existing worker = %+v, %v; want the record unchanged", got, err)
	}
	if w, err := b.store.Worker(b.ctx, "jo"); err != nil || w != lead {
		t.Fatalf("stored worker = %+v, %v", w, err)
	}
	// A worker record an earlier version stored as plain JSON still reads.
	b.store.Redis().HSet(b.ctx, b.store.Prefix()+":workers", "kim", `{"id":"kim","name":"Kim"}`)
	all, err := b.store.Workers(b.ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("workers = %+v, %v", all, err)
	}
}

// A profile or conversation put back from an older copy does not open; nor
// does one incident's value in another incident's field.
func TestOlderCopiesAndSwappedValuesDoNotOpen(t *testing.T) {
	b := setup(t)
	rdb, p := b.store.Redis(), b.store.Prefix()
	save := func(f func(*redisstore.Batch)) {
		t.Helper()
		batch := b.store.Batch("alex")
		f(batch)
		if _, err := batch.Commit(b.ctx, -1); err != nil {
			t.Fatal(err)
		}
	}
	// Consent withdrawn: the older profile (peer group allowed) is kept aside.
	withPeer := client("alex")
	withPeer.Consents.Peer = store.PeerNamed
	save(func(b *redisstore.Batch) { b.PutClient(withPeer) })
	older, _ := rdb.Get(b.ctx, p+":{c:alex}:profile").Result()
	save(func(b *redisstore.Batch) { b.PutClient(client("alex")) })
	rdb.Set(b.ctx, p+":{c:alex}:profile", older, 0)
	if _, err := b.store.Load(b.ctx, "alex"); !errors.Is(err, redisstore.ErrUnsealable) {
		t.Fatalf("older profile put back: Load err = %v, want ErrUnsealable", err)
	}
	if _, err := b.store.Client(b.ctx, "alex"); !errors.Is(err, redisstore.ErrUnsealable) {
		t.Fatalf("older profile put back: Client err = %v, want ErrUnsealable", err)
	}
	save(func(b *redisstore.Batch) { b.PutClient(client("alex")) })

	save(func(b *redisstore.Batch) { b.SetConversation(store.Conversation{Flow: "sleep", State: "bedtime"}) })
	olderConv, _ := rdb.HGet(b.ctx, p+":{c:alex}:conv", "data").Result()
	save(func(b *redisstore.Batch) { b.SetConversation(store.Conversation{Flow: "sleep", State: "wake"}) })
	rdb.HSet(b.ctx, p+":{c:alex}:conv", "data", olderConv)
	if _, err := b.store.Load(b.ctx, "alex"); !errors.Is(err, redisstore.ErrUnsealable) {
		t.Fatalf("older conversation put back: err = %v, want ErrUnsealable", err)
	}
	save(func(b *redisstore.Batch) { b.CloseConversation() })

	save(func(b *redisstore.Batch) {
		b.PutIncident(store.Incident{ID: "ia", ClientID: "alex", Rule: "crisis", State: store.IncidentWorkerNotified})
		b.PutIncident(store.Incident{ID: "ib", ClientID: "alex", Rule: "low_coping", State: store.IncidentResolved})
	})
	resolved, _ := rdb.HGet(b.ctx, p+":{c:alex}:incidents", "ib").Result()
	rdb.HSet(b.ctx, p+":{c:alex}:incidents", "ia", resolved)
	if _, err := b.store.Incident(b.ctx, "alex", "ia"); !errors.Is(err, redisstore.ErrUnsealable) {
		t.Fatalf("one incident's value in another's slot: err = %v, want ErrUnsealable", err)
	}
}

// From the moment an erasure begins the client is not found and nothing is
// written for them; after it, nothing of them is left to write against.
func TestErasureRefusesEveryWriteFromItsStart(t *testing.T) {
	b := setup(t)
	if ok, err := b.store.SetMarker(b.ctx, "alex", "dm", "123", 0, "9/1"); err != nil || !ok {
		t.Fatalf("marker before erasure: %v %v", ok, err)
	}
	if err := b.store.BeginErasure(b.ctx, "alex", "sam", "client request", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.Load(b.ctx, "alex"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Load while erasing: %v", err)
	}
	if _, err := b.store.Client(b.ctx, "alex"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Client while erasing: %v", err)
	}
	write := func() error {
		batch := b.store.Batch("alex")
		batch.Audit(store.AuditEvent{At: t0, Actor: "steady", Action: "late"})
		batch.Enqueue([]byte(`{"text":"late"}`))
		_, err := batch.Commit(b.ctx, -1)
		return err
	}
	if err := write(); !errors.Is(err, redisstore.ErrErased) || !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a step while erasing: %v", err)
	}
	if ok, err := b.store.SetMarker(b.ctx, "alex", "sent:x", "1/2", time.Hour, "1/2"); err != nil || ok {
		t.Fatalf("a delivery marker while erasing: %v %v", ok, err)
	}
	if err := b.store.SetErasureCode(b.ctx, "alex", "123456", time.Minute); err == nil {
		t.Fatal("an erasure code was stored while erasing")
	}
	if pending, err := b.store.UnfinishedErasures(b.ctx); err != nil || len(pending) != 1 || pending[0].ClientID != "alex" || pending[0].By != "sam" {
		t.Fatalf("unfinished erasures = %+v, %v", pending, err)
	}
	posted, err := b.store.Posted(b.ctx, "alex")
	if err != nil || len(posted) != 1 || posted[0] != "9/1" {
		t.Fatalf("posted = %q, %v", posted, err)
	}
	if err := b.store.EraseClient(b.ctx, "alex", "sam", "client request", t0); err != nil {
		t.Fatal(err)
	}
	if err := write(); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a step after erasure: %v", err)
	}
	for key := range redistest.Dump(b.ctx, t, b.store.Redis(), b.store.Prefix()) {
		if strings.Contains(key, "alex") {
			t.Errorf("after erasure: %s", key)
		}
	}
	if pending, _ := b.store.UnfinishedErasures(b.ctx); len(pending) != 0 {
		t.Fatalf("unfinished erasures after it finished: %+v", pending)
	}
}

// Something about a client kept outside their key space is recorded as a
// trace, and erasure removes it: the one way for a new key form.
func TestTracesGoWithTheClient(t *testing.T) {
	b := setup(t)
	if err := b.store.Enrol(b.ctx, client("bea")); err != nil {
		t.Fatal(err)
	}
	rdb := b.store.Redis()
	list := b.store.ServiceKey("toread:sam")
	rdb.ZAdd(b.ctx, list, redis.Z{Score: 1, Member: "item-alex"}, redis.Z{Score: 2, Member: "item-bea"})
	rdb.HSet(b.ctx, b.store.ServiceKey("index"), "k-alex", "x", "k-bea", "y")
	batch := b.store.Batch("alex")
	batch.Trace(redisstore.Trace{Kind: redisstore.TraceZSetMember, Key: list, Member: "item-alex"})
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	if err := b.store.Trace(b.ctx, "alex", redisstore.Trace{Kind: redisstore.TraceHashField, Key: b.store.ServiceKey("index"), Member: "k-alex"}); err != nil {
		t.Fatal(err)
	}
	if err := b.store.EraseClient(b.ctx, "alex", "sam", "client request", t0); err != nil {
		t.Fatal(err)
	}
	if m, _ := rdb.ZRange(b.ctx, list, 0, -1).Result(); len(m) != 1 || m[0] != "item-bea" {
		t.Errorf("to-read list after alex's erasure: %q", m)
	}
	if f, _ := rdb.HKeys(b.ctx, b.store.ServiceKey("index")).Result(); len(f) != 1 || f[0] != "k-bea" {
		t.Errorf("index after alex's erasure: %q", f)
	}
	if err := b.store.Trace(b.ctx, "alex", redisstore.Trace{Kind: redisstore.TraceKey, Key: list}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a trace for an erased client: %v", err)
	}
}

// Enrolment checks the Discord user is free and claims it in one step:
// two enrolments racing for one Discord user, or one client id, cannot both win.
func TestEnrolClaimsTheDiscordUserAtomically(t *testing.T) {
	for round := 0; round < 20; round++ {
		rdb, prefix := redistest.New(t)
		s := redisstore.New(rdb, prefix)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := client(fmt.Sprintf("c%d", i%2)) // two ids, each twice
				c.DiscordID = "same-user"
				errs[i] = s.Enrol(t.Context(), c)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, redisstore.ErrUserTaken) && !errors.Is(err, redisstore.ErrClientExists):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		ids, _ := s.ClientIDs(t.Context())
		holder, _ := s.ClientIDByDiscord(t.Context(), "same-user")
		if won != 1 || len(ids) != 1 || holder != ids[0] {
			t.Fatalf("round %d: %d enrolments won, clients %v, user held by %q", round, won, ids, holder)
		}
	}
	// A claim left by an enrolment that stopped half-way (no profile) does
	// not lock the Discord user out.
	b := setup(t)
	b.store.Redis().HSet(b.ctx, b.store.Prefix()+":users", "d-new", "ghost")
	if err := b.store.Enrol(b.ctx, client("new")); err != nil {
		t.Fatalf("enrol over a stale claim: %v", err)
	}
}
