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

// Acknowledge records that a member of staff has taken an incident on. It
// returns a short sentence for them.
func (e *Engine) Acknowledge(ctx context.Context, incidentID, workerID string) (string, error) {
	return e.staffAction(ctx, incidentID, workerID, func(fc flows.Context, in store.Incident, w store.Worker) ([]flows.Effect, bool) {
		_, effects, ok := flows.Acknowledge(fc, in, w)
		return effects, ok
	})
}

// Resolve closes an incident with an outcome note.
func (e *Engine) Resolve(ctx context.Context, incidentID, workerID, outcome string) (string, error) {
	return e.staffAction(ctx, incidentID, workerID, func(fc flows.Context, in store.Incident, w store.Worker) ([]flows.Effect, bool) {
		_, effects, ok := flows.Resolve(fc, in, w, outcome)
		return effects, ok
	})
}

func (e *Engine) staffAction(ctx context.Context, incidentID, workerID string,
	act func(flows.Context, store.Incident, store.Worker) ([]flows.Effect, bool)) (string, error) {
	clientID, ok := ClientOfIncident(incidentID)
	if !ok {
		return "That incident doesn't exist.", nil
	}
	w, err := e.store.Worker(ctx, workerID)
	if errors.Is(err, store.ErrNotFound) {
		return "Only staff can do that.", nil
	}
	if err != nil {
		return "", err
	}
	reply := ""
	err = e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		in, err := e.store.Incident(ctx, clientID, incidentID)
		if errors.Is(err, store.ErrNotFound) {
			reply = "That incident doesn't exist."
			return decision{}, nil
		}
		if err != nil {
			return decision{}, err
		}
		if st.Client.WorkerID != w.ID && !w.Lead {
			reply = "That client is not on your caseload."
			return decision{}, nil
		}
		effects, ok := act(fc, in, w)
		if !ok {
			reply = fmt.Sprintf("Nothing to do: that incident is already %s.", strings.ReplaceAll(in.State, "_", " "))
			return decision{}, nil
		}
		reply = "Done."
		return decision{effects: effects}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return "That incident doesn't exist.", nil
	}
	return reply, err
}

// AcknowledgeOpen acknowledges every open, unacknowledged incident of a client.
// It returns how many it acknowledged.
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
		if _, err := e.Acknowledge(ctx, in.ID, workerID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
