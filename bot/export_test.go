package bot

import (
	"context"

	"steady/flows"
	"steady/store/redisstore"
)

// RaiseForTest fires a rule for a client as a flow would, through the same
// run → expand → commit path, so tests can raise rules whose flows are not
// driven by the test.
func (e *Engine) RaiseForTest(ctx context.Context, clientID string, f flows.Firing) error {
	return e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		return decision{effects: []flows.Effect{flows.Escalate{Firing: f}}}, nil
	})
}
