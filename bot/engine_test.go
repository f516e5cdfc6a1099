package bot_test

import (
	"context"
	"errors"
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

func TestMain(m *testing.M) { redistest.Main(m) }

// recorder is a Messenger that records deliveries and can be told to fail.
// dest[i] says where sent[i] went: "dm:<user>", "staff:<user>" (privately
// to a member of staff) or "channel:<id>"; rewrites of earlier messages are
// kept apart, in edits.
type recorder struct {
	mu    sync.Mutex
	sent  []bot.Outgoing
	dest  []string
	edits []bot.Outgoing
	fail  error
	// failUnless, if set, fails every delivery it does not accept.
	failUnless func(bot.Outgoing) bool
}

func (r *recorder) SendDM(ctx context.Context, userID string, m bot.Outgoing) (bot.MessageRef, error) {
	return r.record("dm:"+userID, m)
}
func (r *recorder) SendStaff(ctx context.Context, userID string, m bot.Outgoing) (bot.MessageRef, error) {
	return r.record("staff:"+userID, m)
}
func (r *recorder) Post(ctx context.Context, channelID string, m bot.Outgoing) (bot.MessageRef, error) {
	return r.record("channel:"+channelID, m)
}
func (r *recorder) Update(ctx context.Context, ref bot.MessageRef, m bot.Outgoing) error { return nil }
func (r *recorder) UpdateSent(ctx context.Context, key string, m bot.Outgoing) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.edits = append(r.edits, m)
	return nil
}
func (r *recorder) OpenThread(ctx context.Context, channelID, name string) (string, error) {
	return channelID, nil
}
func (r *recorder) Delete(ctx context.Context, ref bot.MessageRef) error { return nil }
func (r *recorder) record(dest string, m bot.Outgoing) (bot.MessageRef, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return bot.MessageRef{}, r.fail
	}
	if r.failUnless != nil && !r.failUnless(m) {
		return bot.MessageRef{}, errors.New("delivery stuck")
	}
	r.sent = append(r.sent, m)
	r.dest = append(r.dest, dest)
	return bot.MessageRef{MessageID: m.Key}, nil
}
func (r *recorder) texts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.sent {
		out = append(out, string(m.Audience)+": "+m.Text)
	}
	return out
}

type bundle struct {
	ctx    context.Context
	engine *bot.Engine
	store  *redisstore.Store
	sched  *scheduler.Scheduler
	clock  *scheduler.FakeClock
	msg    *recorder
}

func setup(t *testing.T) (*bundle, func(pattern string) []string) {
	t.Helper()
	rdb, prefix := redistest.New(t)
	clock := scheduler.NewFakeClock(time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC))
	st := redisstore.New(rdb, prefix)
	sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: prefix})
	msg := &recorder{}
	e := bot.New(bot.Deps{Store: st, Scheduler: sched, Messenger: msg, Clock: clock,
		Config: bot.Config{StaffChannel: "staff", PeerChannel: "peer", LeadID: "jo"}})
	b := &bundle{ctx: context.Background(), engine: e, store: st, sched: sched, clock: clock, msg: msg}
	keys := func(pattern string) []string { return rdb.Keys(b.ctx, prefix+pattern).Val() }
	return b, keys
}

const profileYAML = `
client: {id: alex, name: Alex, discord_id: "u-alex", time_zone: Europe/London}
worker: {id: sam, name: Sam, discord_id: "u-sam"}
lead: {id: jo, name: Jo, discord_id: "u-jo"}
consents: {worker_sees_answers: true, peer_group: "off", supervisor_liaison: none}
schedules: {sleep_log: "07:30"}
`

func enrol(t *testing.T, b *bundle) {
	t.Helper()
	p, err := bot.ParseProfile([]byte(profileYAML))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.engine.Enrol(b.ctx, p, "sam"); err != nil {
		t.Fatal(err)
	}
}

// promptWhileDiscordIsDown fires the 07:30 sleep-log prompt while every
// delivery fails: the prompt is committed and stays in the outbox.
func promptWhileDiscordIsDown(t *testing.T, b *bundle) {
	t.Helper()
	b.msg.fail = errors.New("discord is down")
	b.clock.Set(time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC))
	if _, err := b.sched.Tick(b.ctx, b.engine); err == nil {
		t.Fatal("tick reported success although the prompt could not be delivered")
	}
}

// fireSleepLog moves the clock to 07:30 and lets the scheduler fire the prompt.
func fireSleepLog(t *testing.T, b *bundle) {
	t.Helper()
	b.clock.Set(time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC))
	if n, err := b.sched.Tick(b.ctx, b.engine); err != nil || n != 1 {
		t.Fatalf("tick: %d, %v", n, err)
	}
}

func TestStrangerGetsExplanationAndNothingIsStored(t *testing.T) {
	b, keys := setup(t)
	before := len(keys("*"))
	if err := b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-stranger", Key: "m1", Text: "hi, I'm Pat, I feel awful"}); err != nil {
		t.Fatal(err)
	}
	got := b.msg.texts()
	if len(got) != 1 || !strings.Contains(got[0], "not signed up") {
		t.Fatalf("stranger got %q", got)
	}
	if after := len(keys("*")); after != before {
		t.Errorf("a stranger's message changed Redis: %d keys before, %d after", before, after)
	}
}

func TestDuplicateInputChangesNothing(t *testing.T) {
	b, _ := setup(t)
	enrol(t, b)
	fireSleepLog(t, b)
	in := bot.Inbound{UserID: "u-alex", Key: "m1", Text: "11pm"}
	for i := 0; i < 3; i++ {
		if err := b.engine.HandleMessage(b.ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	st, err := b.store.Load(b.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	if st.Conversation.State != "latency" || len(st.Conversation.Asked) != 1 {
		t.Fatalf("after one answer delivered three times: state %q asked %v", st.Conversation.State, st.Conversation.Asked)
	}
	if n := strings.Count(strings.Join(b.msg.texts(), "\n"), "how long did it take"); n != 1 {
		t.Errorf("next question sent %d times, want 1", n)
	}
}

// Two replicas handling two different answers to the same question at once:
// exactly one is taken for it, and the other lands on the next question
// (the conversation's version check makes the loser reload and re-step).
func TestConcurrentAnswersNeverCorruptTheConversation(t *testing.T) {
	b, _ := setup(t)
	enrol(t, b)
	fireSleepLog(t, b)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for i, text := range []string{"11pm", "20 mins"} {
		wg.Add(1)
		go func(key, text string) {
			defer wg.Done()
			errs <- b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-alex", Key: key, Text: text})
		}(string(rune('a'+i)), text)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st, err := b.store.Load(b.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	// Whichever came first answered the bedtime; the other was either a valid
	// latency ("20 mins") or re-asked; never both written to the same question.
	if len(st.Conversation.Asked) == 0 || st.Conversation.Asked[0] != "bedtime" {
		t.Fatalf("asked = %v", st.Conversation.Asked)
	}
	if st.Conversation.Answers["bedtime"] != "23:00" && st.Conversation.Answers["bedtime"] != "" {
		t.Errorf("bedtime = %q", st.Conversation.Answers["bedtime"])
	}
}

func TestUndeliveredMessageStaysQueuedUntilDelivered(t *testing.T) {
	b, _ := setup(t)
	enrol(t, b)
	promptWhileDiscordIsDown(t, b)
	st, _ := b.store.Load(b.ctx, "alex")
	if st.Conversation.Flow != flows.FlowSleep {
		t.Fatalf("prompt state not committed: %+v", st.Conversation)
	}
	b.msg.fail = nil
	if err := b.engine.FlushAll(b.ctx); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(b.msg.texts(), "\n")
	if strings.Count(got, "What time did you go to bed") != 1 {
		t.Fatalf("after recovery: %q", got)
	}
	if ids, _ := b.store.OutboxClients(b.ctx); len(ids) != 0 {
		t.Errorf("outbox still indexed after delivery: %v", ids)
	}
}
