package bot

import (
	"context"

	"steady/flows"
	"steady/store/redisstore"
)

// StepForTest carries out effects for a client as a flow's step would,
// through the same run → expand → commit path, so tests can feed the rules
// records (a debrief, a fired rule) without driving a whole conversation.
func (e *Engine) StepForTest(ctx context.Context, clientID string, effects ...flows.Effect) error {
	return e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		return decision{effects: effects}, nil
	})
}

// RaiseForTest fires a rule for a client.
func (e *Engine) RaiseForTest(ctx context.Context, clientID string, f flows.Firing) error {
	return e.StepForTest(ctx, clientID, flows.Escalate{Firing: f})
}

// UseFlowForTest registers a flow under a name until the returned restore
// is called, for schedules whose conversations live elsewhere.
func UseFlowForTest(name string, f flows.Flow) (restore func()) {
	old, had := flowsByName[name]
	flowsByName[name] = f
	return func() {
		if had {
			flowsByName[name] = old
		} else {
			delete(flowsByName, name)
		}
	}
}
