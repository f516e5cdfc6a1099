package bot_test

import (
	"strings"
	"testing"
	"time"

	"steady/bot"
	"steady/flows"
	"steady/store"
)

// The engine commands the slash commands call: each reaches the same
// conversation as the typed words, a retried interaction changes nothing,
// and a stranger is told they are not signed up.
func TestClientCommandsDriveTheConversation(t *testing.T) {
	b, _ := setup(t)
	enrol(t, b)
	reply, err := b.engine.CheckInNow(b.ctx, "u-alex", "int-1")
	if err != nil || reply == "" {
		t.Fatalf("CheckInNow = %q, %v", reply, err)
	}
	if got := b.msg.sentTo(flows.ToClient); len(got) != 1 || !strings.Contains(got[0], "weekly check-in") {
		t.Fatalf("check-in not started: %q", got)
	}
	if _, err := b.engine.CheckInNow(b.ctx, "u-alex", "int-1"); err != nil {
		t.Fatal(err)
	}
	if n := len(b.msg.sentTo(flows.ToClient)); n != 1 {
		t.Errorf("a retried interaction sent %d messages, want 1", n)
	}
	if _, err := b.engine.TalkToWorker(b.ctx, "u-alex", "int-2"); err != nil {
		t.Fatal(err)
	}
	if got := b.msg.sentTo(flows.ToWorker); len(got) != 1 || !strings.Contains(got[0], "Alex: asked to talk to you") {
		t.Errorf("worker not asked: %q", got)
	}
	if reply, _ := b.engine.PauseCheckIns(b.ctx, "u-alex", "int-3", "whenever"); !strings.Contains(reply, "couldn't read") {
		t.Errorf("a bad pause date: %q", reply)
	}
	if _, err := b.engine.PauseCheckIns(b.ctx, "u-alex", "int-4", "1 dec"); err != nil {
		t.Fatal(err)
	}
	c, _ := b.store.Client(b.ctx, "alex")
	if c.Status != store.StatusPaused || c.PausedUntil.Format(time.DateOnly) != "2026-12-01" {
		t.Fatalf("after PauseCheckIns: %s until %v", c.Status, c.PausedUntil)
	}
	st, _ := b.store.Load(b.ctx, "alex")
	if st.Conversation.Active() {
		t.Errorf("pausing left the check-in open")
	}
	// While paused, the morning's sleep log is not sent.
	before := len(b.msg.sentTo(flows.ToClient))
	advance(t, b, 2*time.Hour)
	if n := len(b.msg.sentTo(flows.ToClient)); n != before {
		t.Errorf("prompted while paused: %q", b.msg.sentTo(flows.ToClient)[before:])
	}
	if _, err := b.engine.ResumeCheckIns(b.ctx, "u-alex", "int-5"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.engine.StopCheckIns(b.ctx, "u-alex", "int-6"); err != nil {
		t.Fatal(err)
	}
	if c, _ := b.store.Client(b.ctx, "alex"); c.Status != store.StatusStopped {
		t.Errorf("after StopCheckIns: %s", c.Status)
	}
	if reply, err := b.engine.DebriefNow(b.ctx, "u-stranger", "int-7"); err != nil || !strings.Contains(reply, "not signed up") {
		t.Errorf("a stranger's command: %q, %v", reply, err)
	}
}

// A stranger whose words suggest risk gets the crisis numbers; still,
// nothing of theirs is kept.
func TestStrangerInCrisisGetsNumbersAndNothingIsStored(t *testing.T) {
	b, keys := setup(t)
	before := len(keys("*"))
	if err := b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-stranger", Key: "m1", Text: "i want to kill myself"}); err != nil {
		t.Fatal(err)
	}
	got := b.msg.texts()
	if len(got) != 1 || !strings.Contains(got[0], "116 123") || !strings.Contains(got[0], "85258") {
		t.Fatalf("stranger in crisis got %q", got)
	}
	if after := len(keys("*")); after != before {
		t.Errorf("a stranger's message changed Redis: %d keys before, %d after", before, after)
	}
}

// A late duplicate of a flow's last answer changes nothing, even after the
// flow has closed.
func TestDuplicateOfTheLastAnswerAfterTheFlowClosed(t *testing.T) {
	b, _ := setup(t)
	enrol(t, b)
	fireSleepLog(t, b)
	for i, a := range []string{"11pm", "20", "1", "7am", "4"} {
		if err := b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-alex", Key: "m" + string(rune('0'+i)), Text: a}); err != nil {
			t.Fatal(err)
		}
	}
	sent := len(b.msg.texts())
	if err := b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-alex", Key: "m4", Text: "4"}); err != nil {
		t.Fatal(err)
	}
	if got := b.msg.texts(); len(got) != sent {
		t.Errorf("a duplicate after the flow closed was answered: %q", got[sent:])
	}
}
