package flows

import (
	"strings"
	"time"

	"steady/store"
)

// Registry finds a flow by its name (the bot's flowsByName).
type Registry map[string]Flow

// Flow names.
const (
	FlowOnboarding       = "onboarding"
	FlowCheckIn          = "checkin"
	FlowDebrief          = "debrief"
	FlowAdjustmentReview = "adjustment_review"
	FlowConsent          = "consent"
)

// Occurrence kinds that conversations arm as one-off timers.
const (
	// KindSnooze asks a snoozed prompt again (ref = prompt id).
	KindSnooze = "snooze"
	// KindPauseEnd ends a pause on its date and says welcome back.
	KindPauseEnd = "pause_end"
)

// LateAnswerWindow is how long after a prompt closed unanswered a typed
// message is taken as a late answer to it.
const LateAnswerWindow = 12 * time.Hour

// Handle decides what one input from a client does, in this order: a
// redelivered input changes nothing; the crisis interceptor reads every
// typed message before anything else; a tap on a prompt that has closed is
// told so; an aside (are you safe? snooze or pause for how long?) takes its
// answer; a control (help, skip, snooze, pause, resume, stop, back, talk to
// my worker) does what it says in any state; anything else answers the open
// question, or gets a short reply when nothing is open.
//
// It returns the conversation to store and the effects. No effects and an
// unchanged conversation mean nothing happened (a duplicate).
func Handle(c Context, conv store.Conversation, in Input, reg Registry) (store.Conversation, []Effect) {
	if conv.SeenInput(in.Key) {
		return conv, nil
	}
	conv.Remember(in.Key)
	flow, inFlow := reg[conv.Flow]
	inFlow = inFlow && conv.Flow != ""

	if in.Text != "" {
		switch d := DetectCrisis(in.Text); {
		case d.Concern == Crisis:
			return crisisStop(c, conv, in, d, reg)
		case d.Concern == Worry && conv.Hold == store.HoldSafety:
			// Asked directly whether they are safe, they answered with more
			// distress: that is not a yes.
			return crisisStop(c, conv, in, Detection{Concern: Crisis, Kind: d.Kind}, reg)
		case d.Concern == Worry:
			return safetyCheck(c, conv, in, d, reg)
		}
	}
	if in.Throttle != NotThrottled && conv.Hold != store.HoldSafety {
		// Read, and nothing in it calls for an answer: over the limit, it
		// gets none (the first time, a kind word on why).
		if in.Throttle == ThrottledFirst {
			return conv, []Effect{
				say(c, "inbound.throttled", map[string]any{"Contacts": contactLines(c)}, "throttled/"+in.Key),
				steadyAudit(c, ActionThrottled, "", "messages faster than Steady answers; replies paused until they slow down (crisis language is still read)"),
			}
		}
		return conv, nil
	}
	if in.Prompt != "" && in.Prompt != conv.PromptID && !strings.HasPrefix(in.Choice, controlChoice) {
		// The client has been told it closed; what they type next is new talk.
		conv.Lapsed, conv.LapsedAt = "", time.Time{}
		return conv, []Effect{Closed(c, in)}
	}
	if conv.Hold != "" {
		if cmd, ok := ParseCommand(c, in, inFlow); ok && conv.Hold != store.HoldSafety {
			conv.Hold = ""
			return Control(c, conv, cmd, in.Key, reg)
		}
		return answerHold(c, conv, in, reg)
	}
	if cmd, ok := ParseCommand(c, in, inFlow); ok {
		return Control(c, conv, cmd, in.Key, reg)
	}
	if inFlow {
		// "debrief" typed while an old sleep log waits: if it does not answer
		// the question, it asks for the other flow.
		if cmd, ok := ParseCommand(c, in, false); ok && cmd.Control == CtlStart && cmd.Flow != conv.Flow && !flow.accepts(c, conv, in) {
			closed := conv.Close()
			next, effects := Control(c, closed, cmd, in.Key, reg)
			return next, append([]Effect{audit(c, "prompt.superseded", conv.Flow, "the client asked for "+cmd.Flow)}, effects...)
		}
	}
	if c.Client.Status == store.StatusStopped {
		return conv, []Effect{say(c, "control.stopped_idle", nil, "stopped/"+in.Key)}
	}
	if !inFlow {
		key := "idle"
		if in.Prompt != "" {
			return conv, []Effect{Closed(c, in)}
		}
		// Whatever comes first after a prompt lapsed is told it closed, once;
		// anything after that is ordinary idle talk.
		lapsed, recent := conv.Lapsed, c.Now.Sub(conv.LapsedAt) < LateAnswerWindow
		conv.Lapsed, conv.LapsedAt = "", time.Time{}
		if lapsed != "" && recent {
			// An answer typed after its prompt closed: say so once, plainly,
			// rather than "nothing to answer", and record nothing.
			return conv, []Effect{say(c, "prompt.closed_late", map[string]any{"Flow": c.Catalog.T("flowname."+lapsed, nil)}, "late/"+in.Key)}
		}
		if c.Client.Status == store.StatusPaused {
			key = "idle.paused"
		}
		return conv, []Effect{say(c, key, map[string]any{"Until": pausedUntil(c)}, "idle/"+in.Key)}
	}
	return flow.Step(c, conv, in)
}

// ActionThrottled is the audit action of telling a client they are sending
// faster than Steady answers.
const ActionThrottled = "inbound.throttled"

// say is a client message from the catalogue.
func say(c Context, key string, data any, outboxKey string) Effect {
	return Send{To: ToClient, Message: Message{Text: c.Catalog.T(key, data)}, Key: outboxKey}
}

func audit(c Context, action, rule, reason string) Effect {
	return Audit{Event: store.AuditEvent{At: c.Now, Actor: "client", Action: action, Rule: rule, Reason: reason}}
}

func steadyAudit(c Context, action, rule, reason string) Effect {
	return Audit{Event: store.AuditEvent{At: c.Now, Actor: "steady", Action: action, Rule: rule, Reason: reason}}
}

// staffTitle names the open flow for staff ("the shift debrief").
func staffTitle(c Context, conv store.Conversation) string {
	if conv.Flow == "" {
		return ""
	}
	return c.Catalog.T("flowname."+conv.Flow, nil)
}

// title names the open flow for the client ("your weekly check-in").
func title(c Context, conv store.Conversation, reg Registry) string {
	if f, ok := reg[conv.Flow]; ok && f.Title != "" {
		return c.Catalog.T(f.Title, nil)
	}
	return ""
}

// CrisisContacts are the numbers a client in crisis is given: the service's
// (configured, or the catalogue's UK defaults) then any their plan adds.
func CrisisContacts(c Context) []string {
	contacts := c.CrisisContacts
	if len(contacts) == 0 {
		for _, l := range strings.Split(c.Catalog.T("crisis.contacts", nil), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				contacts = append(contacts, l)
			}
		}
	}
	return append(append([]string(nil), contacts...), c.Client.Plan.CrisisContacts...)
}

func contactLines(c Context) string {
	var b strings.Builder
	for i, l := range CrisisContacts(c) {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("- " + l)
	}
	return b.String()
}

// crisisStop is what a crisis message does, in any state: the flow stops,
// the client gets the crisis contacts at once, and an urgent escalation goes
// to the rule layer. Nothing of the message's words is kept: the evidence
// and the audit say what kind of risk, when, and in which flow.
func crisisStop(c Context, conv store.Conversation, in Input, d Detection, reg Registry) (store.Conversation, []Effect) {
	during := staffTitle(c, conv)
	effects := []Effect{
		Send{To: ToClient, Message: Message{Text: c.Catalog.T("crisis.message", map[string]any{
			"Name": c.Client.DisplayName, "Contacts": contactLines(c),
		})}, Key: "crisis/" + in.Key, Urgent: true},
		steadyAudit(c, "crisis.detected", RuleCrisis, "kind "+d.Kind+flowNote(conv)),
	}
	if conv.Flow != "" {
		effects = append(effects, steadyAudit(c, "prompt.stopped", conv.Flow, "crisis language; the flow stops"))
	}
	effects = append(effects, Escalate{Firing: Firing{Rule: RuleCrisis, Urgent: true, Evidence: []store.Evidence{{
		At: c.Now, Key: "crisis:" + in.Key,
		Summary: c.Catalog.T("evidence.crisis", map[string]any{
			"When": c.Local().Format("Mon 2 Jan 15:04"), "Kind": c.Catalog.T("crisis.kind."+d.Kind, nil), "During": during,
		}),
	}}}})
	return conv.Close(), effects
}

func flowNote(conv store.Conversation) string {
	if conv.Flow == "" {
		return "; outside any flow"
	}
	return "; during " + conv.Flow + " at " + conv.State
}

// safetyCheck answers a worrying but unclear message: the contacts, and a
// direct question the next input answers. The worker hears that Steady asked,
// never what was said.
func safetyCheck(c Context, conv store.Conversation, in Input, d Detection, reg Registry) (store.Conversation, []Effect) {
	conv.Hold = store.HoldSafety
	return conv, []Effect{
		Send{To: ToClient, Message: safetyQuestion(c, conv, "safety.ask"), Key: "safety/" + in.Key},
		steadyAudit(c, "safety.asked", RuleCrisis, "worrying message (kind "+d.Kind+")"+flowNote(conv)),
		Send{To: ToWorker, Message: Message{Text: c.Catalog.T("safety.worker_asked", map[string]any{
			"Name": c.Client.DisplayName, "During": staffTitle(c, conv),
		})}, Key: "safety/" + in.Key + "/worker"},
	}
}

// Answers to "are you safe right now?".
const (
	safeYes  = "safe"
	safeNo   = "not_safe"
	safeTalk = "talk"
)

func safetyQuestion(c Context, conv store.Conversation, key string) Message {
	return Message{
		Text: c.Catalog.T(key, map[string]any{"Contacts": contactLines(c)}),
		Choices: []Choice{
			{c.Catalog.T("safety.choice_safe", nil), safeYes},
			{c.Catalog.T("safety.choice_not_safe", nil), safeNo},
			{c.Catalog.T("choice.talk", nil), safeTalk},
		},
		Prompt: conv.PromptID,
	}
}

func readSafety(in Input) string {
	if in.Choice != "" {
		return in.Choice
	}
	t := normaliseLabel(in.Text)
	switch {
	case strings.Contains(t, "not safe") || strings.Contains(t, "unsafe") || strings.Contains(t, "not ok") || strings.Contains(t, "not okay"):
		return safeNo
	case strings.Contains(t, "talk") || strings.Contains(t, "worker"):
		return safeTalk
	case strings.Contains(t, "safe"):
		return safeYes
	}
	if yes, ok := ParseYesNo(in.Text); ok {
		if yes {
			return safeYes
		}
		return safeNo
	}
	for _, w := range []string{"im ok", "i m ok", "i am ok", "im fine", "i m fine", "i am fine", "im alright", "i am alright", "fine", "alright"} {
		if t == w {
			return safeYes
		}
	}
	return ""
}

func answerHold(c Context, conv store.Conversation, in Input, reg Registry) (store.Conversation, []Effect) {
	switch conv.Hold {
	case store.HoldSafety:
		return answerSafety(c, conv, in, reg)
	case store.HoldSnooze:
		until, ok := readSnooze(c, answerText(in))
		if !ok {
			return conv, []Effect{Send{To: ToClient, Message: snoozeQuestion(c, conv, "control.snooze_reask"), Key: "snooze/" + in.Key}}
		}
		conv.Hold = ""
		return snooze(c, conv, until, in.Key, reg)
	case store.HoldPause:
		until, forever, ok := readPause(c, answerText(in))
		if !ok {
			return conv, []Effect{Send{To: ToClient, Message: pauseQuestion(c, conv, "control.pause_reask"), Key: "pause/" + in.Key}}
		}
		conv.Hold = ""
		return pause(c, conv, until, forever, in.Key)
	}
	conv.Hold = ""
	return conv, resumeFlow(c, conv, "", in.Key, reg)
}

func answerSafety(c Context, conv store.Conversation, in Input, reg Registry) (store.Conversation, []Effect) {
	switch readSafety(in) {
	case safeNo:
		conv.Hold = ""
		return crisisStop(c, conv, in, Detection{Concern: Crisis, Kind: KindDistress}, reg)
	case safeTalk:
		conv.Hold = ""
		effects := []Effect{
			audit(c, "safety.answered", RuleCrisis, "asked to talk to their worker"),
			Send{To: ToWorker, Message: Message{Text: c.Catalog.T("safety.worker_talk", map[string]any{"Name": c.Client.DisplayName})}, Key: "safety/" + in.Key + "/worker"},
			say(c, "safety.talk_ack", map[string]any{"Contacts": contactLines(c)}, "safety/"+in.Key),
		}
		return conv, append(effects, resumeFlow(c, conv, "", in.Key, reg)...)
	case safeYes:
		conv.Hold = ""
		effects := []Effect{
			audit(c, "safety.answered", RuleCrisis, "said they are safe"),
			Send{To: ToWorker, Message: Message{Text: c.Catalog.T("safety.worker_safe", map[string]any{"Name": c.Client.DisplayName})}, Key: "safety/" + in.Key + "/worker"},
		}
		lead := c.Catalog.T("safety.thanks", nil)
		if conv.Flow == "" {
			return conv, append(effects, say(c, "safety.thanks", nil, "safety/"+in.Key))
		}
		return conv, append(effects, resumeFlow(c, conv, lead, in.Key, reg)...)
	}
	return conv, []Effect{Send{To: ToClient, Message: safetyQuestion(c, conv, "safety.reask"), Key: "safety/" + in.Key}}
}

// AskAgain repeats whatever the conversation waits on: an aside's question,
// or the open flow's (unless it is snoozed). lead goes before it.
func AskAgain(c Context, conv store.Conversation, reg Registry, lead, key string) []Effect {
	var m Message
	switch conv.Hold {
	case store.HoldSafety:
		m = safetyQuestion(c, conv, "safety.reask")
	case store.HoldSnooze:
		m = snoozeQuestion(c, conv, "control.snooze_ask")
	case store.HoldPause:
		m = pauseQuestion(c, conv, "control.pause_ask")
	default:
		if !conv.SnoozedUntil.IsZero() {
			return nil
		}
		return resumeFlow(c, conv, lead, key, reg)
	}
	if lead != "" {
		m.Text = lead + "\n" + m.Text
	}
	return []Effect{Send{To: ToClient, Message: m, Key: conv.Hold + "/" + key}}
}

// resumeFlow asks the open flow's question again after an aside.
func resumeFlow(c Context, conv store.Conversation, lead, key string, reg Registry) []Effect {
	f, ok := reg[conv.Flow]
	if !ok || conv.Flow == "" {
		if lead != "" {
			return []Effect{Send{To: ToClient, Message: Message{Text: lead}, Key: "resume/" + key}}
		}
		return nil
	}
	return f.Ask(c, conv, lead, key)
}

func pausedUntil(c Context) string {
	if c.Client.PausedUntil.IsZero() {
		return ""
	}
	return c.Client.PausedUntil.In(c.Loc).Format("Mon 2 Jan")
}

// Now returns the time the context was built at, on the client's clock, as a day.
func today(c Context) time.Time {
	l := c.Local()
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, c.Loc)
}
