package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"steady/bot"
	"steady/scheduler"
	"steady/store/redisstore"
	"steady/store/redistest"
)

// A step's reply is delivered from memory only when nothing older waits in
// the client's outbox: a prompt that could not be delivered still goes
// first, and once.
func TestReplyNeverOvertakesAnOlderQueuedMessage(t *testing.T) {
	b, _ := setup(t)
	enrol(t, b)
	promptWhileDiscordIsDown(t, b)
	b.msg.fail = nil
	if err := b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-alex", Key: "m1", Text: "11pm"}); err != nil {
		t.Fatal(err)
	}
	got := b.msg.texts()
	if len(got) != 2 || !strings.Contains(got[0], "What time did you go to bed") || !strings.Contains(got[1], "how long did it take") {
		t.Fatalf("delivered %q, want the queued prompt and then the reply", got)
	}
	if ids, _ := b.store.OutboxClients(b.ctx); len(ids) != 0 {
		t.Errorf("outbox still indexed after delivery: %v", ids)
	}
}

// Replica A remembers which client a Discord user is. Replica B erases that
// client and the client id is reused for somebody else: A must treat the
// old user as a stranger, and neither store their words for the new client
// nor send the new client anything.
func TestRememberedUserNeverReachesAnotherClient(t *testing.T) {
	a, _ := setup(t)
	enrol(t, a)
	fireSleepLog(t, a)
	if err := a.engine.HandleMessage(a.ctx, bot.Inbound{UserID: "u-alex", Key: "m1", Text: "11pm"}); err != nil {
		t.Fatal(err)
	}
	// Replica B shares the Redis.
	replicaB := bot.New(bot.Deps{Store: a.store, Scheduler: a.sched, Messenger: &recorder{}, Clock: a.clock,
		Config: bot.Config{StaffChannel: "staff", LeadID: "jo"}})
	if err := a.store.EraseClient(a.ctx, "alex", "sam", "client request", a.clock.Now()); err != nil {
		t.Fatal(err)
	}
	p, err := bot.ParseProfile([]byte(strings.Replace(profileYAML, `discord_id: "u-alex"`, `discord_id: "u-other"`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := replicaB.Enrol(a.ctx, p, "sam"); err != nil {
		t.Fatal(err)
	}
	before, err := a.store.Load(a.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	a.msg.sent = nil
	if err := a.engine.HandleMessage(a.ctx, bot.Inbound{UserID: "u-alex", Key: "m2", Text: "20 mins"}); err != nil {
		t.Fatal(err)
	}
	for _, m := range a.msg.sent {
		if m.UserID != "u-alex" || !strings.Contains(m.Text, "not signed up") {
			t.Errorf("sent %s to %q, want only the stranger's explanation to u-alex", m.Text, m.UserID)
		}
	}
	if len(a.msg.sent) != 1 {
		t.Errorf("sent %d messages, want the stranger's explanation", len(a.msg.sent))
	}
	after, err := a.store.Load(a.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	if after.Conversation.Version != before.Conversation.Version || len(after.Conversation.Answers) != 0 {
		t.Errorf("the new client's conversation changed: %+v → %+v", before.Conversation, after.Conversation)
	}
	if items, _ := a.store.Outbox(a.ctx, "alex", 10); len(items) != 0 {
		t.Errorf("queued for the new client: %d messages", len(items))
	}

	// And the same Discord user enrolled again, as a new client id, is found.
	p, err = bot.ParseProfile([]byte(strings.Replace(profileYAML, "id: alex,", "id: alex2,", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := replicaB.Enrol(a.ctx, p, "sam"); err != nil {
		t.Fatal(err)
	}
	a.msg.sent = nil
	if err := a.engine.HandleMessage(a.ctx, bot.Inbound{UserID: "u-alex", Key: "m3", Text: "help"}); err != nil {
		t.Fatal(err)
	}
	if len(a.msg.sent) == 0 || a.msg.sent[0].UserID != "u-alex" || strings.Contains(a.msg.sent[0].Text, "not signed up") {
		t.Errorf("re-enrolled user got %+v, want their client's reply", a.msg.sent)
	}
}

// Replica A remembers alex's state after a step; replica B then takes the
// next answer. A's next step must not be decided on what it remembers: the
// commit's check sends it back to Redis, and the answer lands on the
// question B's step moved on to, without overwriting B's answer.
func TestRememberedStateYieldsToAnotherReplicasStep(t *testing.T) {
	a, _ := setup(t)
	enrol(t, a)
	fireSleepLog(t, a)
	replicaB := bot.New(bot.Deps{Store: a.store, Scheduler: a.sched, Messenger: &recorder{}, Clock: a.clock,
		Config: bot.Config{StaffChannel: "staff", LeadID: "jo"}})
	for _, step := range []struct {
		engine *bot.Engine
		key    string
		text   string
	}{
		{a.engine, "m1", "11pm"},   // bedtime, on A: A now remembers "latency"
		{replicaB, "m2", "20"},     // latency, on B
		{a.engine, "m3", "2"},      // awakenings, on A, whose memory is stale
		{a.engine, "m4", "6:45am"}, // wake, on A again
	} {
		if err := step.engine.HandleMessage(a.ctx, bot.Inbound{UserID: "u-alex", Key: step.key, Text: step.text}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := a.store.Load(a.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"bedtime": "23:00", "latency": "20", "awakenings": "2", "wake": "06:45"}
	for q, v := range want {
		if st.Conversation.Answers[q] != v {
			t.Errorf("answer to %s = %q, want %q (answers %v)", q, st.Conversation.Answers[q], v, st.Conversation.Answers)
		}
	}
	if st.Conversation.State != "quality" {
		t.Errorf("state = %q, want quality", st.Conversation.State)
	}
}

// BenchmarkHandleMessage is one client's typed sleep-log answers, each a
// full step: the answer handed to the engine, its reply committed to the
// durable outbox and delivered (bench/outbox runs the same over many
// clients and concurrent handlers). Reports Redis round trips per answer.
func BenchmarkHandleMessage(b *testing.B) {
	rdb, prefix := redistest.New(b)
	clock := scheduler.NewFakeClock(time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC))
	st := redisstore.New(rdb, prefix)
	sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: prefix})
	// Every answer comes at the same simulated instant: the inbound limit
	// would answer only the first few, and it is the answer path this measures.
	e := bot.New(bot.Deps{Store: st, Scheduler: sched, Messenger: &recorder{}, Clock: clock,
		Config: bot.Config{StaffChannel: "staff", PeerChannel: "peer", LeadID: "jo", Inbound: bot.InboundLimit{Burst: 1 << 30}}})
	ctx := context.Background()
	p, err := bot.ParseProfile([]byte(profileYAML))
	if err != nil {
		b.Fatal(err)
	}
	if err := e.Enrol(ctx, p, "sam"); err != nil {
		b.Fatal(err)
	}
	clock.Set(time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC))
	if _, err := sched.Tick(ctx, e); err != nil {
		b.Fatal(err)
	}
	// A finished log is opened again by asking for one, so every input is a
	// routine step of an open flow (idle talk would go on the worker's
	// to-read list, a different path: BenchmarkHandleMessageNotUnderstood).
	inputs := []string{"23:00", "20", "1", "07:00", "4", "sleep log"}
	hook := &redistest.RoundTrips{}
	rdb.AddHook(hook)
	for i := 0; b.Loop(); i++ {
		in := bot.Inbound{UserID: "u-alex", Key: "m" + strconv.Itoa(i), Text: inputs[i%len(inputs)]}
		if err := e.HandleMessage(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(hook.N())/float64(b.N), "roundtrips/op")
}

// BenchmarkHandleMessageNotUnderstood is the human backstop's path: typed
// words with nothing open, which go on the worker's to-read list (the item
// sealed and committed with the reply, the worker's digest armed).
func BenchmarkHandleMessageNotUnderstood(b *testing.B) {
	rdb, prefix := redistest.New(b)
	clock := scheduler.NewFakeClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	st := redisstore.New(rdb, prefix)
	sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: prefix})
	e := bot.New(bot.Deps{Store: st, Scheduler: sched, Messenger: &recorder{}, Clock: clock,
		Config: bot.Config{StaffChannel: "staff", PeerChannel: "peer", LeadID: "jo"}})
	ctx := context.Background()
	p, err := bot.ParseProfile([]byte(profileYAML))
	if err != nil {
		b.Fatal(err)
	}
	if err := e.Enrol(ctx, p, "sam"); err != nil {
		b.Fatal(err)
	}
	hook := &redistest.RoundTrips{}
	rdb.AddHook(hook)
	for i := 0; b.Loop(); i++ {
		in := bot.Inbound{UserID: "u-alex", Key: "m" + strconv.Itoa(i), Text: "work was long today"}
		if err := e.HandleMessage(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(hook.N())/float64(b.N), "roundtrips/op")
}
