package bot_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"steady/bot"
)

// A step's reply is delivered from memory only when nothing older waits in
// the client's outbox: a prompt that could not be delivered still goes
// first, and once.
func TestReplyNeverOvertakesAnOlderQueuedMessage(t *testing.T) {
	b, _ := setup(t)
	enrol(t, b)
	b.msg.fail = errors.New("discord is down")
	b.clock.Set(time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC))
	if _, err := b.sched.Tick(b.ctx, b.engine); err == nil {
		t.Fatal("tick reported success although the prompt could not be delivered")
	}
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
