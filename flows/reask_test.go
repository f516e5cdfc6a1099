package flows

import "testing"

// An adapter refuses to deliver a message key twice (bot/discord does), so a
// re-ask must not reuse the key of the question it repeats, nor of another re-ask.
func TestReasksHaveTheirOwnDeliveryKeys(t *testing.T) {
	c := testContext(t)
	conv, start := SleepLog.Start(c, "p1", map[string]string{AnswerNight: "2026-11-28"})
	keys := map[string]bool{start[0].(Send).Key: true}
	for _, in := range []Input{{Key: "m1", Text: "no idea"}, {Key: "m2", Text: "still no idea"}} {
		var effects []Effect
		conv, effects = SleepLog.Step(c, conv, in)
		if len(effects) != 1 {
			t.Fatalf("%q: %d effects, want one re-ask", in.Text, len(effects))
		}
		key := effects[0].(Send).Key
		if keys[key] {
			t.Fatalf("re-ask of %q reuses delivery key %q", in.Text, key)
		}
		keys[key] = true
	}
}
