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

// ClientOfIncident returns the client an incident id belongs to, from the
// store's index of opaque ids (a button carries only the id). An id from
// before ids were opaque ("<client>.<rule>.<episode>", on buttons posted
// then) names its client.
func (e *Engine) ClientOfIncident(ctx context.Context, incidentID string) (string, bool, error) {
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
// has taken an incident on; its re-notify and lead timers stop, and every
// copy of its pings loses the Acknowledge button. It returns a short
// sentence for them.
func (e *Engine) Acknowledge(ctx context.Context, incidentID, workerID string) (string, error) {
	reply, _, err := e.incidentStep(ctx, incidentID, workerID, func(fc flows.Context, in store.Incident, w store.Worker, s flows.Staff) ([]flows.Effect, bool) {
		_, effects, ok := flows.Acknowledge(fc, in, w, s)
		return effects, ok
	})
	return reply, err
}

// Resolve closes an incident with an outcome note.
func (e *Engine) Resolve(ctx context.Context, incidentID, workerID, outcome string) (string, error) {
	if msg := e.overLimit(limited{"the outcome", outcome, MaxOutcomeRunes}); msg != "" {
		return msg, nil
	}
	if strings.TrimSpace(outcome) == "" {
		return needOutcome, nil
	}
	reply, _, err := e.incidentStep(ctx, incidentID, workerID, func(fc flows.Context, in store.Incident, w store.Worker, s flows.Staff) ([]flows.Effect, bool) {
		_, effects, ok := flows.Resolve(fc, in, w, outcome, s)
		return effects, ok
	})
	return reply, err
}

const (
	noIncident  = "That incident doesn't exist."
	needOutcome = "Please add a short outcome note: what was done, or why nothing was needed."
)

// incidentStep runs a member of staff's action on one incident. done says
// whether it did something (the reply is then "Done.").
func (e *Engine) incidentStep(ctx context.Context, incidentID, workerID string,
	act func(flows.Context, store.Incident, store.Worker, flows.Staff) ([]flows.Effect, bool)) (string, bool, error) {
	clientID, ok, err := e.ClientOfIncident(ctx, incidentID)
	if err != nil || !ok {
		return noIncident, false, err
	}
	done := false
	reply, err := e.staffStep(ctx, workerID, clientID, func(st redisstore.State, fc flows.Context, w store.Worker) (string, []flows.Effect, error) {
		done = false
		in, err := e.store.Incident(ctx, clientID, incidentID)
		if errors.Is(err, store.ErrNotFound) {
			return noIncident, nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		staff, err := e.staffFor(ctx, st.Client)
		if err != nil {
			return "", nil, err
		}
		effects, ok := act(fc, in, w, flows.Staff{Worker: staff.worker, Lead: staff.lead})
		if !ok {
			return fmt.Sprintf("Nothing to do: that incident is already %s.", strings.ReplaceAll(in.State, "_", " ")), nil, nil
		}
		done = true
		return "Done.", effects, nil
	})
	if reply == e.cat.T("staff.no_client", nil) {
		// Another worker's client, or none: the same answer either way, so
		// an incident id reveals nothing about whose it is.
		return noIncident, false, err
	}
	return reply, done && err == nil, err
}

// openIncidents returns a client's incidents for a member of staff who may
// act for them; deny is the sentence to show instead when they may not (the
// same one whether the client is someone else's or does not exist).
func (e *Engine) openIncidents(ctx context.Context, clientID, workerID string) ([]store.Incident, string, error) {
	c, err := e.store.Client(ctx, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, e.cat.T("staff.no_client", nil), nil
	}
	if err != nil {
		return nil, "", err
	}
	if _, deny, err := e.staffAccess(ctx, workerID, c); err != nil || deny != "" {
		return nil, deny, err
	}
	incidents, err := e.store.Incidents(ctx, clientID)
	if err != nil {
		return nil, "", err
	}
	var open []store.Incident
	for _, in := range incidents {
		if !in.Closed() {
			open = append(open, in)
		}
	}
	return open, "", nil
}

// AcknowledgeOpen acknowledges every incident of a client still waiting for
// staff. It returns how many it acknowledged, or the sentence to show
// instead when the member of staff may not act for the client.
func (e *Engine) AcknowledgeOpen(ctx context.Context, clientID, workerID string) (int, string, error) {
	open, deny, err := e.openIncidents(ctx, clientID, workerID)
	if err != nil || deny != "" {
		return 0, deny, err
	}
	n := 0
	for _, in := range open {
		if in.State == store.IncidentAcknowledged {
			continue
		}
		_, done, err := e.incidentStep(ctx, in.ID, workerID, func(fc flows.Context, in store.Incident, w store.Worker, s flows.Staff) ([]flows.Effect, bool) {
			_, effects, ok := flows.Acknowledge(fc, in, w, s)
			return effects, ok
		})
		if err != nil {
			return n, "", err
		}
		if done {
			n++
		}
	}
	return n, "", nil
}

// ResolveOpen resolves every live incident of a client with the same outcome
// note. It returns how many it resolved, or the sentence to show instead
// (no outcome note, or a client the member of staff may not act for).
func (e *Engine) ResolveOpen(ctx context.Context, clientID, workerID, outcome string) (int, string, error) {
	if strings.TrimSpace(outcome) == "" {
		return 0, needOutcome, nil
	}
	open, deny, err := e.openIncidents(ctx, clientID, workerID)
	if err != nil || deny != "" {
		return 0, deny, err
	}
	n := 0
	for _, in := range open {
		_, done, err := e.incidentStep(ctx, in.ID, workerID, func(fc flows.Context, in store.Incident, w store.Worker, s flows.Staff) ([]flows.Effect, bool) {
			_, effects, ok := flows.Resolve(fc, in, w, outcome, s)
			return effects, ok
		})
		if err != nil {
			return n, "", err
		}
		if done {
			n++
		}
	}
	return n, "", nil
}
