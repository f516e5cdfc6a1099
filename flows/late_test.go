package flows

import (
	"strings"
	"testing"
	"time"

	"steady/store"
)

func TestLateTypedAnswerIsToldItsPromptClosed(t *testing.T) {
	c := testContext(t)
	reg := Registry{FlowSleep: SleepLog}
	lapsed := store.Conversation{Lapsed: FlowSleep, LapsedAt: c.Now.Add(-30 * time.Minute)}
	tests := []struct {
		name string
		conv store.Conversation
		want string
	}{
		{"soon after it closed", lapsed, "the sleep log had closed"},
		{"long after it closed", store.Conversation{Lapsed: FlowSleep, LapsedAt: c.Now.Add(-LateAnswerWindow - time.Minute)}, "nothing open"},
		{"nothing ever lapsed", store.Conversation{}, "nothing open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, effects := Handle(c, tt.conv, Input{Key: "k1", Text: "11pm"}, reg)
			if s := sendsOf(effects); len(s) != 1 || !strings.Contains(s[0].Message.Text, tt.want) {
				t.Fatalf("effects %+v, want a reply containing %q", effects, tt.want)
			}
			for _, e := range effects {
				if _, ok := e.(SaveSleep); ok {
					t.Fatal("a late answer was recorded")
				}
			}
			if next.Lapsed != "" {
				t.Errorf("lapsed prompt still remembered after the reply: %+v", next)
			}
		})
	}
	// Said once: the next message gets the ordinary reply.
	next, _ := Handle(c, lapsed, Input{Key: "k1", Text: "11pm"}, reg)
	_, effects := Handle(c, next, Input{Key: "k2", Text: "20 mins"}, reg)
	if s := sendsOf(effects); len(s) != 1 || strings.Contains(s[0].Message.Text, "had closed") {
		t.Errorf("second late message: %+v", effects)
	}
}

// A tap on the lapsed prompt's button is told it closed; what the client
// types after that is not told again.
func TestTapOnLapsedPromptThenTextIsToldOnce(t *testing.T) {
	c := testContext(t)
	reg := Registry{FlowSleep: SleepLog}
	lapsed := store.Conversation{Lapsed: FlowSleep, LapsedAt: c.Now.Add(-time.Hour)}
	next, effects := Handle(c, lapsed, Input{Key: "k1", Prompt: "old-prompt", Choice: "2"}, reg)
	if len(effects) != 1 || !strings.Contains(effects[0].(Send).Message.Text, "has closed") {
		t.Fatalf("tap on the closed prompt: %+v", effects)
	}
	_, effects = Handle(c, next, Input{Key: "k2", Text: "sorry, was asleep"}, reg)
	if s := sendsOf(effects); len(s) != 1 || strings.Contains(s[0].Message.Text, "closed") {
		t.Errorf("text after the tap was told again it closed: %+v", effects)
	}
}

// sendsOf are the messages among a step's effects.
func sendsOf(effects []Effect) []Send {
	var out []Send
	for _, e := range effects {
		if s, ok := e.(Send); ok {
			out = append(out, s)
		}
	}
	return out
}
