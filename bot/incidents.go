package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"steady/flows"
	"steady/store"
	"steady/store/redisstore"
)

// ClientOfIncident returns the client id an incident id belongs to.
func ClientOfIncident(incidentID string) (string, bool) {
	id, _, ok := strings.Cut(incidentID, ".")
	return id, ok && id != ""
}

// Acknowledge records that a member of staff (the client's worker or a lead)
// has taken an incident on; its re-notify and lead timers stop. It returns a
// short sentence for them.
func (e *Engine) Acknowledge(ctx context.Context, incidentID, workerID string) (string, error) {
	return e.incidentStep(ctx, incidentID, workerID, func(fc flows.Context, in store.Incident, w store.Worker) ([]flows.Effect, bool) {
		_, effects, ok := flows.Acknowledge(fc, in, w)
		return effects, ok
	})
}

// Resolve closes an incident with an outcome note.
func (e *Engine) Resolve(ctx context.Context, incidentID, workerID, outcome string) (string, error) {
	if msg := e.overLimit(limited{"the outcome", outcome, MaxOutcomeRunes}); msg != "" {
		return msg, nil
	}
	if strings.TrimSpace(outcome) == "" {
		return "Please add a short outcome note: what was done, or why nothing was needed.", nil
	}
	return e.incidentStep(ctx, incidentID, workerID, func(fc flows.Context, in store.Incident, w store.Worker) ([]flows.Effect, bool) {
		_, effects, ok := flows.Resolve(fc, in, w, outcome)
		return effects, ok
	})
}

func (e *Engine) incidentStep(ctx context.Context, incidentID, workerID string,
	act func(flows.Context, store.Incident, store.Worker) ([]flows.Effect, bool)) (string, error) {
	clientID, ok := ClientOfIncident(incidentID)
	if !ok {
		return "That incident doesn't exist.", nil
	}
	reply, err := e.staffStep(ctx, workerID, clientID, func(st redisstore.State, fc flows.Context, w store.Worker) (string, []flows.Effect, error) {
		in, err := e.store.Incident(ctx, clientID, incidentID)
		if errors.Is(err, store.ErrNotFound) {
			return noIncident, nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		effects, ok := act(fc, in, w)
		if !ok {
			return fmt.Sprintf("Nothing to do: that incident is already %s.", strings.ReplaceAll(in.State, "_", " ")), nil, nil
		}
		return "Done.", effects, nil
	})
	if reply == e.cat.T("staff.no_client", nil) {
		return noIncident, err
	}
	return reply, err
}

const noIncident = "That incident doesn't exist."

// AcknowledgeOpen acknowledges every incident of a client still waiting for
// staff. It returns how many it acknowledged.
func (e *Engine) AcknowledgeOpen(ctx context.Context, clientID, workerID string) (int, error) {
	incidents, err := e.store.Incidents(ctx, clientID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, in := range incidents {
		if in.Closed() || in.State == store.IncidentAcknowledged {
			continue
		}
		reply, err := e.Acknowledge(ctx, in.ID, workerID)
		if err != nil {
			return n, err
		}
		if reply == "Done." {
			n++
		}
	}
	return n, nil
}

// ResolveOpen resolves every live incident of a client with the same outcome
// note. It returns how many it resolved.
func (e *Engine) ResolveOpen(ctx context.Context, clientID, workerID, outcome string) (int, string, error) {
	incidents, err := e.store.Incidents(ctx, clientID)
	if err != nil {
		return 0, "", err
	}
	n := 0
	reply := "No open incident to resolve."
	for _, in := range incidents {
		if in.Closed() {
			continue
		}
		if reply, err = e.Resolve(ctx, in.ID, workerID, outcome); err != nil {
			return n, reply, err
		}
		if reply == "Done." {
			n++
		}
	}
	return n, reply, nil
}
