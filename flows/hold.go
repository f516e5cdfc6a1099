package flows

import (
	"time"

	"steady/store"
)

// DefaultCrisisHold is how long routine prompts wait after crisis language
// for a member of staff to acknowledge it, unless the service sets its own
// (STEADY_CRISIS_HOLD). Urgent incidents re-notify every 15 minutes and go
// to the lead at once, so acknowledgement normally comes long before; the
// limit only keeps a client who is never acknowledged from being left with
// no contact at all.
const DefaultCrisisHold = 24 * time.Hour

// HeldMark is the Conversation.Done mark a crisis leaves until the next
// prompt opens (or the hold's longest), so an idle reply meanwhile says the
// check-ins are on hold rather than "your next check-in will come as usual".
const HeldMark = "crisis-hold"

// CrisisHold reports whether routine prompts (sleep logs, check-ins,
// debriefs, reviews) wait because of a crisis: an urgent incident whose
// latest crisis came after any acknowledgement, less than hold ago. It
// returns when the hold ends at the latest.
//
// After a crisis the next thing a client hears should be a person, not
// "how did you sleep?". The crisis reply tells them so.
func CrisisHold(incidents []store.Incident, now time.Time, hold time.Duration) (time.Time, bool) {
	if hold <= 0 {
		hold = DefaultCrisisHold
	}
	var until time.Time
	for _, in := range incidents {
		if !in.Urgent || in.Closed() {
			continue
		}
		last := in.OpenedAt
		for _, ev := range in.Evidence {
			if ev.At.After(last) {
				last = ev.At
			}
		}
		if !in.AckAt.IsZero() && !in.AckAt.Before(last) {
			continue // acknowledged since the latest crisis
		}
		if end := last.Add(hold); end.After(now) && end.After(until) {
			until = end
		}
	}
	return until, !until.IsZero()
}
