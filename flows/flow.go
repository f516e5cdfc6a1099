package flows

import (
	"context"
	"fmt"
	"slices"
	"time"

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
	// When, if set, says whether the question is asked at all, given the
	// answers so far. It must not depend on the question's own answer.
	When func(c Context, conv store.Conversation) bool
	// Skippable questions can be passed over with "skip" and are recorded as
	// skipped. Skipping any other question skips the whole prompt.
	Skippable bool
	// Then returns effects due as soon as the question is answered: a
	// consent is recorded when the client gives it, not when the flow ends.
	Then func(c Context, conv store.Conversation, value string) []Effect
}

// Flow is a conversation: questions asked in order, then a finish that turns
// the answers into effects.
type Flow struct {
	Name      string
	Questions []Question
	// Plan, if set, lists the questions in place of Questions, for flows whose
	// questions depend on the client (one set per adjustment due).
	Plan   func(c Context, conv store.Conversation) []Question
	Finish func(c Context, conv store.Conversation) []Effect
	// Title is the catalogue key of the flow's name as the client reads it
	// ("your weekly check-in").
	Title string
	// Intro, if set, is the catalogue key of a line that opens the flow
	// ("Morning Alex. Time for your sleep log…"): it goes before the first
	// question when the prompt arrives, and never again with a re-ask.
	Intro string
	// Required flows cannot be skipped as a whole (onboarding: Steady cannot
	// work without the client's consents).
	Required bool
}

// Conversation states shared by every flow.
const (
	StateDone = "done"
)

// Events of the flow machines.
const (
	evAnswer = "answer" // the current question was answered or skipped: go to the next
	evBack   = "back"   // "change my last answer": go to the question answered last
)

// sequence is the questions the flow asks this client, given the answers so far.
func (f Flow) sequence(c Context, conv store.Conversation) []Question {
	all := f.Questions
	if f.Plan != nil {
		all = f.Plan(c, conv)
	}
	var out []Question
	for _, q := range all {
		if q.When == nil || q.When(c, conv) {
			out = append(out, q)
		}
	}
	return out
}

// machine builds the flow's looplab/fsm machine positioned at state: each
// question answers on to the next one this client is asked, and can go back
// to the one answered before it. The machine is rebuilt for every step from
// the stored conversation, so nothing of it lives in memory between inputs.
func (f Flow) machine(c Context, conv store.Conversation) *fsm.FSM {
	seq := f.sequence(c, conv)
	var events []fsm.EventDesc
	for i, q := range seq {
		next := StateDone
		if i+1 < len(seq) {
			next = seq[i+1].State
		}
		events = append(events, fsm.EventDesc{Name: evAnswer, Src: []string{q.State}, Dst: next})
	}
	if n := len(conv.Asked); n > 0 {
		events = append(events, fsm.EventDesc{Name: evBack, Src: []string{conv.State}, Dst: conv.Asked[n-1]})
	}
	return fsm.NewFSM(conv.State, events, nil)
}

func (f Flow) question(c Context, conv store.Conversation, state string) (Question, bool) {
	all := f.Questions
	if f.Plan != nil {
		all = f.Plan(c, conv)
	}
	for _, q := range all {
		if q.State == state {
			return q, true
		}
	}
	return Question{}, false
}

// Start opens the flow for a prompt and asks its first question. A flow
// with nothing to ask this client finishes at once.
func (f Flow) Start(c Context, promptID string, answers map[string]string) (store.Conversation, []Effect) {
	return f.start(c, promptID, answers, f.Intro)
}

// StartNext is Start for a prompt that follows straight on from another the
// client has just finished, in the same message: its opening line is the
// Intro's "_next" form where the catalogue has one ("One more while you're
// here: your weekly check-in…"), not a fresh greeting.
func (f Flow) StartNext(c Context, promptID string, answers map[string]string) (store.Conversation, []Effect) {
	intro := f.Intro
	if intro != "" && c.Catalog.Has(intro+"_next") {
		intro += "_next"
	}
	return f.start(c, promptID, answers, intro)
}

func (f Flow) start(c Context, promptID string, answers map[string]string, introKey string) (store.Conversation, []Effect) {
	conv := store.Conversation{Flow: f.Name, PromptID: promptID, Answers: map[string]string{}, OpenedAt: c.Now}
	for k, v := range answers {
		conv.Answers[k] = v
	}
	seq := f.sequence(c, conv)
	if len(seq) == 0 {
		return conv.Close(), f.Finish(c, conv)
	}
	conv.State = seq[0].State
	intro := ""
	if introKey != "" {
		intro = c.Catalog.T(introKey, map[string]any{"Name": c.Client.DisplayName})
	}
	return conv, []Effect{f.ask(c, conv, intro, "start")}
}

// Ask repeats the question the conversation waits on (after a restart, a
// snooze or an aside). why makes the message's outbox key unique.
func (f Flow) Ask(c Context, conv store.Conversation, lead, why string) []Effect {
	return []Effect{f.ask(c, conv, lead, why)}
}

func (f Flow) ask(c Context, conv store.Conversation, lead, why string) Effect {
	q, ok := f.question(c, conv, conv.State)
	if !ok {
		return Send{To: ToClient, Message: Message{Text: c.Catalog.T("flow.unknown", nil)}, Key: conv.PromptID + "/unknown/" + why}
	}
	m := q.Ask(c, conv)
	if lead != "" {
		m.Text = lead + "\n" + m.Text
	}
	m.Prompt = conv.PromptID
	return Send{To: ToClient, Message: m, Key: fmt.Sprintf("%s/%s/%s", conv.PromptID, conv.State, why)}
}

// Step applies one answer to the conversation and returns its new state and
// what should happen. It does no I/O. Duplicates, stale taps, the crisis
// interceptor and controls are dealt with by Handle before a step.
func (f Flow) Step(c Context, conv store.Conversation, in Input) (store.Conversation, []Effect) {
	next, effects, _ := f.step(c, conv, in)
	return next, effects
}

// step is Step, also reporting whether the input did not answer the
// question and it was asked again.
func (f Flow) step(c Context, conv store.Conversation, in Input) (store.Conversation, []Effect, bool) {
	q, ok := f.question(c, conv, conv.State)
	if !ok {
		// A state this build does not know (an older deploy's flow): close rather than trap the client.
		return conv.Close(), []Effect{Send{To: ToClient, Message: Message{Text: c.Catalog.T("flow.unknown", nil)}, Key: "unknown/" + in.Key}}, true
	}
	value, reask := f.read(c, conv, q, in)
	if reask != "" {
		return conv, []Effect{f.ask(c, conv, c.Catalog.T(reask, nil), in.Key)}, true
	}
	next, effects := f.advance(c, conv, q, value, false, in.Key)
	return next, effects, false
}

// read applies the question's answer reader to in. Typing the label of one
// of a value question's buttons ("Over an hour") is tapping it, as it is
// on a numbered question, where the readers match labels themselves.
func (f Flow) read(c Context, conv store.Conversation, q Question, in Input) (string, string) {
	if in.Choice == "" && in.Text != "" {
		if m := q.Ask(c, conv); m.ValueChoices {
			if v, ok := matchLabel(in.Text, m.Choices); ok {
				in.Text, in.Choice = "", v
			}
		}
	}
	return q.Answer(c, in)
}

// accepts reports whether in answers the open question.
func (f Flow) accepts(c Context, conv store.Conversation, in Input) bool {
	q, ok := f.question(c, conv, conv.State)
	if !ok {
		return false
	}
	_, reask := f.read(c, conv, q, in)
	return reask == ""
}

// skip passes over the current question, recording it as skipped.
func (f Flow) skip(c Context, conv store.Conversation, key string) (store.Conversation, []Effect) {
	q, _ := f.question(c, conv, conv.State)
	return f.advance(c, conv, q, "", true, key)
}

func (f Flow) advance(c Context, conv store.Conversation, q Question, value string, skipped bool, key string) (store.Conversation, []Effect) {
	answers := make(map[string]string, len(conv.Answers)+1)
	for k, v := range conv.Answers {
		answers[k] = v
	}
	answers[q.State] = value
	conv.Answers = answers
	conv.Skipped = slices.DeleteFunc(slices.Clone(conv.Skipped), func(s string) bool { return s == q.State })
	if skipped {
		conv.Skipped = append(conv.Skipped, q.State)
	}
	var effects []Effect
	if q.Then != nil && !skipped {
		effects = q.Then(c, conv, value)
	}
	m := f.machine(c, conv)
	if err := m.Event(context.Background(), evAnswer); err != nil {
		// Only a malformed flow definition gets here; tests cover every flow.
		panic(fmt.Sprintf("flows: %s: answer %s: %v", f.Name, conv.State, err))
	}
	conv.Asked = append(slices.Clone(conv.Asked), q.State)
	conv.State = m.Current()
	conv.SnoozedUntil = time.Time{}
	if conv.State == StateDone {
		done := Audit{Event: store.AuditEvent{At: c.Now, Actor: "client", Action: "prompt.answered", Rule: f.Name,
			Reason: fmt.Sprintf("%d answered, %d skipped", len(conv.Asked)-len(conv.Skipped), len(conv.Skipped))}}
		return conv.Close(), append(append(effects, done), f.Finish(c, conv)...)
	}
	return conv, append(effects, f.ask(c, conv, "", key))
}

// back reopens the question answered last, forgetting its answer.
func (f Flow) back(c Context, conv store.Conversation, key string) (store.Conversation, []Effect) {
	if len(conv.Asked) == 0 {
		return conv, f.Ask(c, conv, c.Catalog.T("control.back_nothing", nil), key)
	}
	m := f.machine(c, conv)
	if err := m.Event(context.Background(), evBack); err != nil {
		panic(fmt.Sprintf("flows: %s: back from %s: %v", f.Name, conv.State, err))
	}
	prev := m.Current()
	conv.Asked = slices.Clone(conv.Asked[:len(conv.Asked)-1])
	answers := make(map[string]string, len(conv.Answers))
	for k, v := range conv.Answers {
		if k != prev {
			answers[k] = v
		}
	}
	conv.Answers = answers
	conv.Skipped = slices.DeleteFunc(slices.Clone(conv.Skipped), func(s string) bool { return s == prev })
	conv.State = prev
	return conv, f.Ask(c, conv, c.Catalog.T("control.back", nil), key)
}

// Closed answers input that arrives for a prompt that is no longer open.
func Closed(c Context, in Input) Effect {
	return Send{To: ToClient, Message: Message{Text: c.Catalog.T("prompt.closed", nil)}, Key: "closed/" + in.Key}
}

// skipped reports whether the client skipped a question of conv.
func skipped(conv store.Conversation, state string) bool { return slices.Contains(conv.Skipped, state) }
