package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"steady/bot"
	"steady/flows"
	"steady/scheduler"
	"steady/store/redisstore"
	"steady/store/redistest"
)

// gatedMessenger records every delivery attempt. A DM whose key is in gate
// blocks until the gate's channel closes and then fails as unreachable (the
// client closed their DMs), so a test can hold one replica mid-delivery.
type gatedMessenger struct {
	mu       sync.Mutex
	attempts map[string]int // delivery key → attempts
	sent     []string       // keys delivered
	gate     map[string]chan struct{}
	entered  chan string
}

func newGated() *gatedMessenger {
	return &gatedMessenger{attempts: map[string]int{}, gate: map[string]chan struct{}{}, entered: make(chan string, 8)}
}

func (g *gatedMessenger) try(m bot.Outgoing) (bot.MessageRef, error) {
	g.mu.Lock()
	g.attempts[m.Key]++
	wait := g.gate[m.Key]
	g.mu.Unlock()
	if wait != nil {
		g.entered <- m.Key
		<-wait
		return bot.MessageRef{}, bot.ErrUnreachable{Reason: "their Discord DMs are closed to Steady (50007)"}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sent = append(g.sent, m.Key)
	return bot.MessageRef{MessageID: m.Key}, nil
}

func (g *gatedMessenger) SendDM(_ context.Context, _ string, m bot.Outgoing) (bot.MessageRef, error) {
	return g.try(m)
}
func (g *gatedMessenger) SendStaff(_ context.Context, _ string, m bot.Outgoing) (bot.MessageRef, error) {
	return g.try(m)
}
func (g *gatedMessenger) Post(_ context.Context, _ string, m bot.Outgoing) (bot.MessageRef, error) {
	return g.try(m)
}
func (g *gatedMessenger) Update(context.Context, bot.MessageRef, bot.Outgoing) error { return nil }
func (g *gatedMessenger) UpdateSent(context.Context, string, bot.Outgoing) error     { return nil }
func (g *gatedMessenger) Delete(context.Context, bot.MessageRef) error               { return nil }
func (g *gatedMessenger) OpenThread(_ context.Context, ch, _ string) (string, error) {
	return ch, nil
}

func (g *gatedMessenger) tries(key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.attempts[key]
}

func (g *gatedMessenger) total() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, c := range g.attempts {
		n += c
	}
	return n
}

// replica is one engine of a fleet sharing a Redis.
func replica(st *redisstore.Store, sched *scheduler.Scheduler, clock scheduler.Clock, m bot.Messenger) *bot.Engine {
	return bot.New(bot.Deps{Store: st, Scheduler: sched, Messenger: m, Clock: clock,
		Config: bot.Config{StaffChannel: "staff", PeerChannel: "peer", LeadID: "jo"}})
}

// Issue 13: two replicas on one Redis never deliver one client's outbox at
// the same time. While one is stuck sending a message that then fails (the
// client's DMs are closed), the other's flushes, its sweep and its own step
// leave the outbox alone: the failing message is tried once and the worker
// told once, and the message the other replica committed meanwhile is
// delivered by the replica holding the outbox, without waiting for a sweep.
func TestOneFlushPerClientAcrossReplicas(t *testing.T) {
	rdb, prefix := redistest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clock := scheduler.NewFakeClock(time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC))
	st := redisstore.New(rdb, prefix)
	sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: prefix})
	ma, mb := newGated(), newGated()
	a, b := replica(st, sched, clock, ma), replica(st, sched, clock, mb)
	p, err := bot.ParseProfile([]byte(profileYAML))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Enrol(ctx, p, "sam"); err != nil {
		t.Fatal(err)
	}
	before := ma.total()

	ma.gate["k1"] = make(chan struct{})
	stepped := make(chan error, 1)
	go func() {
		stepped <- a.StepForTest(ctx, "alex", flows.Send{To: flows.ToClient, Key: "k1", Message: flows.Message{Text: "first"}})
	}()
	select {
	case <-ma.entered:
	case <-ctx.Done():
		t.Fatal("replica A never started delivering")
	}

	// Replica B, while A is mid-delivery: a flush, a sweep, and a step of its own.
	if err := b.Flush(ctx, "alex"); err != nil {
		t.Fatal(err)
	}
	if err := b.FlushAll(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.StepForTest(ctx, "alex", flows.Send{To: flows.ToClient, Key: "k2", Message: flows.Message{Text: "second"}}); err != nil {
		t.Fatal(err)
	}
	if n := mb.total(); n != 0 {
		t.Fatalf("replica B made %d delivery attempts while A held the outbox", n)
	}

	close(ma.gate["k1"])
	if err := <-stepped; err != nil {
		t.Fatal(err)
	}
	if n := ma.tries("k1"); n != 1 {
		t.Fatalf("the failing message was tried %d times, want once", n)
	}
	if n := ma.tries("k2"); n != 1 {
		t.Fatalf("B's message was tried %d times by A, want once (A delivers what was queued while it held the outbox)", n)
	}
	if n := ma.tries("k1/unreachable"); n != 1 {
		t.Fatalf("the worker was told %d times, want once", n)
	}
	events, err := st.Audit(ctx, "alex", "")
	if err != nil {
		t.Fatal(err)
	}
	reported := 0
	for _, ev := range events {
		if ev.Action == "client.unreachable" {
			reported++
		}
	}
	if reported != 1 {
		t.Fatalf("%d client.unreachable audit events, want 1", reported)
	}
	if items, _ := st.Outbox(ctx, "alex", 10); len(items) != 0 {
		t.Fatalf("%d messages left queued", len(items))
	}
	// Nothing is held now: B flushes freely again.
	if err := b.StepForTest(ctx, "alex", flows.Send{To: flows.ToClient, Key: "k3", Message: flows.Message{Text: "third"}}); err != nil {
		t.Fatal(err)
	}
	if n := mb.tries("k3"); n != 1 || ma.total() != before+3 {
		t.Fatalf("after A finished: B tried k3 %d times; A made %d attempts in all", n, ma.total()-before)
	}
}

// A replica that dies holding a client's outbox delays it by at most the
// lease's life: then another replica delivers it.
func TestAFlushLeaseLeftByADeadReplicaExpires(t *testing.T) {
	rdb, prefix := redistest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clock := scheduler.NewFakeClock(time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC))
	st := redisstore.New(rdb, prefix)
	sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: prefix})
	m := newGated()
	e := replica(st, sched, clock, m)
	p, err := bot.ParseProfile([]byte(profileYAML))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Enrol(ctx, p, "sam"); err != nil {
		t.Fatal(err)
	}
	// The dead replica's hold, as it left it.
	if ok, err := st.TakeFlush(ctx, "alex", redisstore.NewFlushToken(), 300*time.Millisecond); err != nil || !ok {
		t.Fatalf("take: %v %v", ok, err)
	}
	err = e.StepForTest(ctx, "alex", flows.Send{To: flows.ToClient, Key: "k1", Message: flows.Message{Text: "hello"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := m.tries("k1"); n != 0 {
		t.Fatalf("delivered %d times under another replica's lease", n)
	}
	for m.tries("k1") == 0 {
		if ctx.Err() != nil {
			t.Fatal("the message was never delivered after the dead replica's lease expired")
		}
		if err := e.FlushAll(ctx); err != nil && !strings.Contains(err.Error(), "context") {
			t.Fatal(err)
		}
	}
	if n := m.tries("k1"); n != 1 {
		t.Fatalf("delivered %d times, want once", n)
	}
}

// Issue 13: every replica's gateway session hears every DM, so each replica
// of a fleet hands the same DM (same key) to its engine, at once or later.
// The client still gets one reply, and a crisis message opens one incident
// and pings the worker once: the engine takes each input once.
func TestADMHeardByEveryReplicaIsTakenOnce(t *testing.T) {
	tests := []struct{ name, text string }{
		{"a greeting, nothing open", "hello"},
		{"a crisis message", "i want to kill myself"},
		{"talk to my worker", "can I talk to my worker please"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rdb, prefix := redistest.New(t)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			clock := scheduler.NewFakeClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
			st := redisstore.New(rdb, prefix)
			sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: prefix})
			ms := []*gatedMessenger{newGated(), newGated(), newGated()}
			var fleet []*bot.Engine
			for _, m := range ms {
				fleet = append(fleet, replica(st, sched, clock, m))
			}
			p, err := bot.ParseProfile([]byte(profileYAML))
			if err != nil {
				t.Fatal(err)
			}
			if err := fleet[0].Enrol(ctx, p, "sam"); err != nil {
				t.Fatal(err)
			}
			before := map[string]int{}
			for _, m := range ms {
				for _, k := range m.sent {
					before[k]++
				}
			}
			in := bot.Inbound{UserID: "u-alex", Key: "msg:1", Text: tc.text}
			// Two replicas at once, the third a moment later (its session
			// was resuming).
			errs := make(chan error, 2)
			for _, e := range fleet[:2] {
				go func() { errs <- e.HandleMessage(ctx, in) }()
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			if err := fleet[2].HandleMessage(ctx, in); err != nil {
				t.Fatal(err)
			}
			sent := map[string]int{}
			total := 0
			for _, m := range ms {
				for _, k := range m.sent {
					if before[k] == 0 {
						sent[k]++
						total++
					}
				}
			}
			if total == 0 {
				t.Fatal("nothing was sent in answer")
			}
			for k, n := range sent {
				if n > 1 {
					t.Errorf("%q sent %d times", k, n)
				}
			}
			incidents, err := st.Incidents(ctx, "alex")
			if err != nil {
				t.Fatal(err)
			}
			if len(incidents) > 1 {
				t.Errorf("%d incidents opened, want at most one", len(incidents))
			}
			t.Logf("%d messages sent, %d incidents", total, len(incidents))
		})
	}
}
