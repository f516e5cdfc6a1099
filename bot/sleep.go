package bot

import (
	"context"
	"fmt"
	"time"

	"steady/flows"
	"steady/store"
)

// historyNights is how far back a night's assessment looks: the personal
// median's window plus room for the run of disrupted nights before it.
const historyNights = flows.MedianNights + 16

// assessSleep decides whether a finished night was disrupted and whether a
// rule fires. It returns the effects to commit in place of the raw entry.
func (e *Engine) assessSleep(ctx context.Context, fc flows.Context, entry store.SleepEntry) ([]flows.Effect, error) {
	night, err := time.Parse(time.DateOnly, entry.Night)
	if err != nil {
		return nil, fmt.Errorf("bot: sleep entry night %q: %w", entry.Night, err)
	}
	history, err := e.store.SleepEntries(ctx, fc.Client.ID, night.AddDate(0, 0, -historyNights).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	entry = flows.AssessNight(entry, fc.Client.SleepThresholds, history)
	effects := []flows.Effect{flows.SaveSleep{Entry: entry}}
	if entry.Disrupted {
		effects = append(effects, flows.Audit{Event: store.AuditEvent{At: fc.Now, Actor: "steady", Action: "night.disrupted",
			Rule: flows.RuleTwoDisruptedNights, Reason: joinReasons(entry.Reasons)}})
	}

	// The rule sees the new night in place of any earlier log of the same night.
	nights := []store.SleepEntry{entry}
	for _, h := range history {
		if h.Night != entry.Night {
			nights = append(nights, h)
		}
	}
	firing, fired := flows.DisruptedNights(fc, nights)
	if !fired {
		return effects, nil
	}
	return append(effects, flows.Escalate{Firing: firing}), nil
}

func joinReasons(r []string) string {
	out := ""
	for i, s := range r {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}
