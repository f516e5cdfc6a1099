package bot

import (
	"context"

	"steady/flows"
	"steady/store/redisstore"
)

// tellWorkerUnreachable queues a note to the client's worker that a message
// could not reach the client (e.g. their DMs are closed), with an audit
// record. It runs inside Flush, so it commits directly rather than through
// run (which would flush again, around the message still at the head).
func (e *Engine) tellWorkerUnreachable(ctx context.Context, clientID string, m Outgoing, why ErrUnreachable) error {
	for attempt := 1; ; attempt++ {
		st, err := e.store.Load(ctx, clientID)
		if err != nil {
			return err
		}
		fc, err := e.flowContext(st.Client)
		if err != nil {
			return err
		}
		d := decision{effects: []flows.Effect{
			auditNow(fc, "client.unreachable", "", why.Reason),
			flows.Send{To: flows.ToWorker, Key: m.Key + "/unreachable", Message: flows.Message{
				Text: e.cat.T("client.unreachable", map[string]any{"Name": st.Client.DisplayName, "Reason": why.Reason}),
			}},
		}}
		_, err = e.commit(ctx, st, fc, d)
		if redisstore.IsConflict(err) && attempt < e.cfg.MaxAttempts {
			continue
		}
		return err
	}
}
