package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"steady/flows"
	"steady/store"
)

// historyNights is how far back a night's assessment looks: the personal
// median's window plus room for the run of disrupted nights before it.
const historyNights = flows.MedianNights + 16

// assessSleep decides whether a finished night was disrupted and whether a
// rule fires. It returns the effects to commit in place of the raw entry and,
// when a new incident opens, the plan check to leave open for the client.
func (e *Engine) assessSleep(ctx context.Context, fc flows.Context, entry store.SleepEntry) ([]flows.Effect, *store.Conversation, error) {
	night, err := time.Parse(time.DateOnly, entry.Night)
	if err != nil {
		return nil, nil, fmt.Errorf("bot: sleep entry night %q: %w", entry.Night, err)
	}
	history, err := e.store.SleepEntries(ctx, fc.Client.ID, night.AddDate(0, 0, -historyNights).Format(time.DateOnly))
	if err != nil {
		return nil, nil, err
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
	firing, fired := flows.ConsecutiveDisrupted(fc, nights, 2)
	if !fired {
		return effects, nil, nil
	}
	id := flows.IncidentID(fc.Client.ID, firing.Rule, firing.Episode)
	var existing *store.Incident
	switch in, err := e.store.Incident(ctx, fc.Client.ID, id); {
	case err == nil:
		existing = &in
	case !errors.Is(err, store.ErrNotFound):
		return nil, nil, err
	}
	worker, err := e.store.Worker(ctx, fc.Client.WorkerID)
	if err != nil {
		return nil, nil, fmt.Errorf("bot: worker of client %s: %w", fc.Client.ID, err)
	}
	raised := flows.Raise(fc, firing, existing, worker)
	effects = append(effects, raised...)
	if existing == nil {
		for _, ef := range raised {
			if s, ok := ef.(flows.SaveIncident); ok {
				conv := flows.StartPlanCheck(fc, s.Incident)
				return effects, &conv, nil
			}
		}
	}
	return effects, nil, nil
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
