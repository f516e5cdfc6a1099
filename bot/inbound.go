package bot

import (
	"context"
	"errors"

	"steady/flows"
	"steady/store"
	"steady/store/redisstore"
)

// Inbound is something a person sent the bot: a DM or a tapped choice.
type Inbound struct {
	UserID string // the sender's Discord user id
	// Key identifies the delivery (message or interaction id); redeliveries share it.
	Key    string
	Text   string
	Choice string
	Prompt string
}

// HandleMessage handles a client's input. A stranger gets a polite
// explanation and nothing of theirs is stored.
func (e *Engine) HandleMessage(ctx context.Context, in Inbound) error {
	clientID, err := e.store.ClientIDByDiscord(ctx, in.UserID)
	if errors.Is(err, store.ErrNotFound) {
		e.log.Info("message from someone not enrolled")
		_, err := e.msg.SendDM(ctx, in.UserID, Outgoing{
			Audience: flows.ToClient, UserID: in.UserID, Text: e.cat.T("stranger", nil), Key: "stranger/" + in.Key,
		})
		return err
	}
	if err != nil {
		return err
	}
	input := flows.Input{Key: in.Key, Text: in.Text, Choice: in.Choice, Prompt: in.Prompt}
	return e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		conv := st.Conversation
		flow, ok := flowsByName[conv.Flow]
		if !conv.Active() || !ok {
			reply := flows.Send{To: flows.ToClient, Message: flows.Message{Text: e.cat.T("idle", nil)}, Key: "idle/" + in.Key}
			if in.Prompt != "" {
				reply = flows.Closed(fc, input).(flows.Send)
			}
			return decision{effects: []flows.Effect{reply}}, nil
		}
		next, effects := flow.Step(fc, conv, input)
		if len(effects) == 0 {
			return decision{}, nil // a redelivery: nothing changes
		}
		return decision{conv: &next, effects: effects}, nil
	})
}

// Resume asks again the question a client's open flow waits on, e.g. after a
// restart of `steady try`.
func (e *Engine) Resume(ctx context.Context, clientID string) error {
	return e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		flow, ok := flowsByName[st.Conversation.Flow]
		if !st.Conversation.Active() || !ok {
			return decision{}, nil
		}
		effects := flow.Ask(fc, st.Conversation)
		for i, ef := range effects {
			if s, ok := ef.(flows.Send); ok {
				s.Message.Text = e.cat.T("resume", nil) + "\n" + s.Message.Text
				s.Key += "/resume"
				effects[i] = s
			}
		}
		return decision{effects: effects}, nil
	})
}
