package flows

import (
	"context"
	"fmt"

	"github.com/looplab/fsm"

	"steady/store"
)

// Question is one step of a flow.
type Question struct {
	// State names the question; it is the conversation's state while asked.
	State string
	// Ask builds the question.
	Ask func(c Context, conv store.Conversation) Message
	// Answer reads the client's input. It returns the value to store, or a
	// re-ask message key when the input does not answer the question.
	Answer func(c Context, in Input) (value string, reask string)
}

// Flow is a conversation: questions asked in order, then a finish that turns
// the answers into effects.
type Flow struct {
	Name      string
	Questions []Question
	Finish    func(c Context, conv store.Conversation) []Effect
}

// Conversation states shared by every flow.
const (
	StateDone = "done"
)

// Events of the flow machines.
const (
	evAnswer = "answer" // the current question was answered: go to the next
)

// machine builds the flow's looplab/fsm machine positioned at state. The
// machine is rebuilt for every step from the stored state, so nothing of it
// lives in memory between inputs.
func (f Flow) machine(state string) *fsm.FSM {
	var events []fsm.EventDesc
	for i, q := range f.Questions {
		next := StateDone
		if i+1 < len(f.Questions) {
			next = f.Questions[i+1].State
		}
		events = append(events, fsm.EventDesc{Name: evAnswer, Src: []string{q.State}, Dst: next})
	}
	return fsm.NewFSM(state, events, nil)
}

func (f Flow) question(state string) (Question, bool) {
	for _, q := range f.Questions {
		if q.State == state {
			return q, true
		}
	}
	return Question{}, false
}

// Start opens the flow for a prompt and asks its first question.
func (f Flow) Start(c Context, promptID string, answers map[string]string) (store.Conversation, []Effect) {
	conv := store.Conversation{
		Flow: f.Name, State: f.Questions[0].State, PromptID: promptID,
		Answers: map[string]string{}, OpenedAt: c.Now,
	}
	for k, v := range answers {
		conv.Answers[k] = v
	}
	return conv, []Effect{f.ask(c, conv, "")}
}

// Ask repeats the question the conversation waits on, e.g. after a restart.
func (f Flow) Ask(c Context, conv store.Conversation) []Effect {
	return []Effect{f.ask(c, conv, "")}
}

func (f Flow) ask(c Context, conv store.Conversation, lead string) Effect {
	q, _ := f.question(conv.State)
	m := q.Ask(c, conv)
	if lead != "" {
		m.Text = lead + "\n" + m.Text
	}
	m.Prompt = conv.PromptID
	return Send{To: ToClient, Message: m, Key: fmt.Sprintf("%s/%s/%d", conv.PromptID, conv.State, len(conv.Asked))}
}

// Step applies one input to the conversation and returns its new state and
// what should happen. It does no I/O.
func (f Flow) Step(c Context, conv store.Conversation, in Input) (store.Conversation, []Effect) {
	if conv.SeenInput(in.Key) {
		return conv, nil
	}
	conv.Remember(in.Key)
	if in.Prompt != "" && in.Prompt != conv.PromptID {
		return conv, []Effect{Closed(c, in)}
	}
	q, ok := f.question(conv.State)
	if !ok {
		// A state this build does not know (an older deploy's flow): close rather than trap the client.
		conv.Flow = ""
		return conv, []Effect{Send{To: ToClient, Message: Message{Text: c.Catalog.T("flow.unknown", nil)}, Key: in.Key}}
	}
	value, reask := q.Answer(c, in)
	if reask != "" {
		// A re-ask is a new message, not a retry of the question: its key names
		// the input it answers, or an adapter that refuses to send a key twice
		// would swallow it.
		ask := f.ask(c, conv, c.Catalog.T(reask, nil)).(Send)
		ask.Key += "/reask/" + in.Key
		return conv, []Effect{ask}
	}
	if conv.Answers == nil {
		conv.Answers = map[string]string{}
	}
	conv.Answers[q.State] = value
	conv.Asked = append(conv.Asked, q.State)
	m := f.machine(conv.State)
	if err := m.Event(context.Background(), evAnswer); err != nil {
		// Only a malformed flow definition gets here; tests cover every flow.
		panic(fmt.Sprintf("flows: %s: %v", f.Name, err))
	}
	conv.State = m.Current()
	if conv.State == StateDone {
		effects := f.Finish(c, conv)
		conv.Flow, conv.State = "", ""
		return conv, effects
	}
	return conv, []Effect{f.ask(c, conv, "")}
}

// Closed answers input that arrives for a prompt that is no longer open.
func Closed(c Context, in Input) Effect {
	return Send{To: ToClient, Message: Message{Text: c.Catalog.T("prompt.closed", nil)}, Key: "closed/" + in.Key}
}
