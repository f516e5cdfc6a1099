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

// clientOfIncident returns the client an incident id belongs to, from the
// store's index of opaque ids. An id from before ids were opaque
// ("<client>.<rule>.<episode>", on buttons posted then) names its client.
func (e *Engine) clientOfIncident(ctx context.Context, incidentID string) (string, bool, error) {
	id, err := e.store.ClientOfIncident(ctx, incidentID)
	switch {
	case err == nil:
		return id, true, nil
	case !errors.Is(err, store.ErrNotFound):
		return "", false, err
	}
	id, _, ok := strings.Cut(incidentID, ".")
	return id, ok && id != "", nil
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
	clientID, ok, err := e.clientOfIncident(ctx, incidentID)
	if err != nil || !ok {
		return noIncident, err
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
