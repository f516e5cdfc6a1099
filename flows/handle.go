package flows

import (
	"fmt"
	"hash/fnv"
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
// typed message before anything else, together with the client's messages
// of the last few minutes (in.Recent); a tap on a prompt that has closed is
// told so; an aside (are you safe? snooze or pause for how long?) takes its
// answer; a control (help, skip, snooze, pause, resume, stop, back, talk to
// my worker) does what it says in any state; anything else answers the open
// question, or gets a short reply when nothing is open.
//
// A typed message that was not clearly routine — a crisis, danger, a worry,
// words of distress, anything Steady did not understand — also goes on the
// worker's "to read" list (SaveReadItem): no part of safety rests on
// matching words alone.
//
// It returns the conversation to store and the effects. No effects and an
// unchanged conversation mean nothing happened (a duplicate).
func Handle(c Context, conv store.Conversation, in Input, reg Registry) (store.Conversation, []Effect) {
	if conv.SeenInput(in.Key) {
		return conv, nil
	}
	conv.Remember(in.Key)
	before := conv
	next, effects, note := handle(c, conv, in, reg)
	return next, withReadItem(c, before, in, note, effects)
}

// readNote says why a typed message goes on the "to read" list and what
// Steady did with it; an empty why: it was routine, unless it holds words
// of distress.
type readNote struct{ why, did, kind string }

func handle(c Context, conv store.Conversation, in Input, reg Registry) (store.Conversation, []Effect, readNote) {
	flow, inFlow := reg[conv.Flow]
	inFlow = inFlow && conv.Flow != ""

	if in.Text != "" {
		if next, effects, note, ok := intercept(c, conv, in, c.detect(in.Recent, in.Text), reg); ok {
			return next, effects, note
		}
	}
	if in.Throttle != NotThrottled && conv.Hold != store.HoldSafety {
		// Read, and nothing in it calls for an answer: over the limit, it
		// gets none (the first time, a kind word on why).
		if in.Throttle == ThrottledFirst {
			return conv, []Effect{
				say(c, "inbound.throttled", map[string]any{"Contacts": contactLines(c)}, "throttled/"+in.Key),
				steadyAudit(c, ActionThrottled, "", "messages faster than Steady answers; replies paused until they slow down (crisis language is still read)"),
			}, readNote{did: store.DidNothing}
		}
		// Unanswered, it still reaches the worker's to-read list if it holds
		// words of distress (withReadItem).
		return conv, nil, readNote{did: store.DidNothing}
	}
	if in.Prompt != "" && in.Prompt != conv.PromptID && !strings.HasPrefix(in.Choice, controlChoice) {
		// The client has been told it closed; what they type next is new talk.
		conv.Lapsed, conv.LapsedAt = "", time.Time{}
		return conv, []Effect{Closed(c, in)}, readNote{did: store.DidClosed}
	}
	if conv.Hold != "" {
		if cmd, ok := ParseCommand(c, in, inFlow); ok && conv.Hold != store.HoldSafety {
			conv.Hold = ""
			next, effects := Control(c, conv, cmd, in.Key, reg)
			return next, effects, readNote{did: store.DidControl}
		}
		next, effects, reasked := answerHold(c, conv, in, reg)
		if reasked {
			return next, effects, readNote{why: store.ReadNotUnderstood, did: store.DidAskedAgain}
		}
		return next, effects, readNote{did: store.DidTookAnswer}
	}
	if cmd, ok := ParseCommand(c, in, inFlow); ok {
		next, effects := Control(c, conv, cmd, in.Key, reg)
		return next, effects, readNote{did: store.DidControl}
	}
	if inFlow {
		// "debrief" typed while an old sleep log waits: if it does not answer
		// the question, it asks for the other flow.
		if cmd, ok := ParseCommand(c, in, false); ok && cmd.Control == CtlStart && cmd.Flow != conv.Flow && !flow.accepts(c, conv, in) {
			closed := conv.Close()
			next, effects := Control(c, closed, cmd, in.Key, reg)
			return next, append([]Effect{audit(c, "prompt.superseded", conv.Flow, "the client asked for "+cmd.Flow)}, effects...), readNote{did: store.DidControl}
		}
	}
	if c.Client.Status == store.StatusStopped {
		return conv, []Effect{say(c, "control.stopped_idle", nil, "stopped/"+in.Key)}, notUnderstoodIdle(in)
	}
	if !inFlow {
		key := "idle"
		if in.Prompt != "" {
			return conv, []Effect{Closed(c, in)}, readNote{did: store.DidClosed}
		}
		// Whatever comes first after a prompt lapsed is told it closed, once;
		// anything after that is ordinary idle talk.
		lapsed, recent := conv.Lapsed, c.Now.Sub(conv.LapsedAt) < LateAnswerWindow
		conv.Lapsed, conv.LapsedAt = "", time.Time{}
		if lapsed != "" && recent {
			// An answer typed after its prompt closed: say so once, plainly,
			// rather than "nothing to answer", and record nothing.
			return conv, []Effect{say(c, "prompt.closed_late", map[string]any{"Flow": c.Catalog.T("flowname."+lapsed, nil)}, "late/"+in.Key)}, readNote{did: store.DidClosed}
		}
		switch {
		case c.Client.Status == store.StatusPaused:
			key = "idle.paused"
		case conv.IsDone(HeldMark, c.Now):
			key = "idle.held"
		}
		return conv, []Effect{say(c, key, map[string]any{"Until": pausedUntil(c)}, "idle/"+in.Key)}, notUnderstoodIdle(in)
	}
	next, effects, reasked := flow.step(c, conv, in)
	if reasked {
		return next, effects, readNote{why: store.ReadNotUnderstood, did: store.DidAskedAgain}
	}
	return next, effects, readNote{did: store.DidTookAnswer}
}

// notUnderstoodIdle is the note for words typed when nothing was open to
// answer: a person reads them, unless they are a pleasantry.
func notUnderstoodIdle(in Input) readNote {
	if in.Text == "" || Pleasantry(in.Text) {
		return readNote{did: store.DidNothingOpen}
	}
	return readNote{why: store.ReadNotUnderstood, did: store.DidNothingOpen}
}

// intercept is the crisis interceptor: a crisis or danger stops whatever is
// open and answers at once; a worrying message gets "are you safe?"; more
// distress in answer to that is taken as not safe. ok is false when the
// message is not the interceptor's to answer.
func intercept(c Context, conv store.Conversation, in Input, d Detection, reg Registry) (store.Conversation, []Effect, readNote, bool) {
	switch {
	case d.Concern == Crisis && d.Kind == KindDanger:
		next, effects := dangerStop(c, conv, in)
		return next, effects, readNote{why: store.ReadDanger, did: store.DidDangerContacts, kind: d.Kind}, true
	case d.Concern == Crisis:
		next, effects := crisisStop(c, conv, in, d, reg)
		return next, effects, readNote{why: store.ReadCrisis, did: store.DidCrisisContacts, kind: d.Kind}, true
	case d.Concern == Worry && conv.Hold == store.HoldSafety:
		// Asked directly whether they are safe, they answered with more
		// distress: that is not a yes.
		if d.Kind == KindDanger || conv.SafetyKind == KindDanger {
			next, effects := dangerStop(c, conv, in)
			return next, effects, readNote{why: store.ReadWorry, did: store.DidNotSafe, kind: KindDanger}, true
		}
		next, effects := crisisStop(c, conv, in, Detection{Concern: Crisis, Kind: d.Kind}, reg)
		return next, effects, readNote{why: store.ReadWorry, did: store.DidNotSafe, kind: d.Kind}, true
	case d.Concern == Worry:
		next, effects := safetyCheck(c, conv, in, d, reg)
		return next, effects, readNote{why: store.ReadWorry, did: store.DidAskedSafe, kind: d.Kind}, true
	}
	return conv, nil, readNote{}, false
}

// ReadWords reads words that answer nothing — an edited message, the text of a
// slash command's option — with the crisis interceptor and the human
// backstop only: a crisis, danger or a worry is answered as it would be in
// a message, and anything not clearly routine goes on the "to read" list.
// in.Before, when set, is what an edited message said until now: the edit
// is acted on only if it reads as more worrying than that. acted reports
// whether the interceptor answered, so a command does not carry on as if
// nothing had been said.
func ReadWords(c Context, conv store.Conversation, in Input, reg Registry) (next store.Conversation, effects []Effect, acted bool) {
	if conv.SeenInput(in.Key) || in.Text == "" {
		return conv, nil, false
	}
	conv.Remember(in.Key)
	before := conv
	d := c.detect(in.Recent, in.Text)
	if in.Before != "" && d.Concern <= c.detect(in.Recent, in.Before).Concern {
		// Nothing new: what it said before was answered then.
		d = Detection{}
	}
	next, effects, note, acted := intercept(c, conv, in, d, reg)
	if !acted {
		next, note = conv, readNote{did: store.DidNothing}
	}
	return next, withReadItem(c, before, in, note, effects), acted
}

// withReadItem adds the "to read" item a typed message calls for, if any.
func withReadItem(c Context, conv store.Conversation, in Input, note readNote, effects []Effect) []Effect {
	if in.Text == "" {
		return effects
	}
	if note.why == "" {
		if !DistressWords(in.Text) {
			return effects
		}
		note.why = store.ReadDistress
	}
	if note.did == "" {
		note.did = store.DidNothing
	}
	source := in.Source
	if source == "" {
		source = store.FromMessage
	}
	text := in.Text
	if r := []rune(text); len(r) > MaxReadRunes {
		text = string(r[:MaxReadRunes]) + "…"
	}
	item := store.ReadItem{
		ID: ReadItemID(in.Key), At: c.Now, Step: conv.Version, Text: text, Why: note.why, Did: note.did, Kind: note.kind,
		Flow: conv.Flow, Source: source, Urgent: note.why == store.ReadCrisis || note.why == store.ReadDanger || note.did == store.DidNotSafe,
	}
	return append(effects, SaveReadItem{Item: item},
		steadyAudit(c, "toread.added", "", "on the worker's to-read list: "+note.why+"; "+note.did))
}

// MaxReadRunes bounds the words kept on the "to read" list: enough for any
// message a person types on a phone.
const MaxReadRunes = 2000

// ReadItemID names the "to read" item of an input: the same input always
// makes the same item, so a retried step adds it once. It carries nothing
// of the words.
func ReadItemID(inputKey string) string {
	h := fnv.New64a()
	h.Write([]byte(inputKey))
	return fmt.Sprintf("r%016x", h.Sum64())
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
		contacts = catalogueLines(c, "crisis.contacts")
	}
	return append(append([]string(nil), contacts...), c.Client.Plan.CrisisContacts...)
}

// DangerContacts are the numbers a client in danger from someone else is
// given: the service's (configured, or the catalogue's UK defaults: 999 and
// the national helplines). The plan's own crisis contacts are left out on
// purpose: a partner or relative named there may be the person they are in
// danger from.
func DangerContacts(c Context) []string {
	if len(c.DangerContacts) > 0 {
		return append([]string(nil), c.DangerContacts...)
	}
	return catalogueLines(c, "danger.contacts")
}

func catalogueLines(c Context, key string) []string {
	var out []string
	for _, l := range strings.Split(c.Catalog.T(key, nil), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func contactLines(c Context) string { return bullets(CrisisContacts(c)) }

func dangerLines(c Context) string { return bullets(DangerContacts(c)) }

// contactsFor are the contacts for a kind of concern.
func contactsFor(c Context, kind string) string {
	if kind == KindDanger {
		return dangerLines(c)
	}
	return contactLines(c)
}

func bullets(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("- " + l)
	}
	return b.String()
}

// crisisStop is what a crisis message does, in any state: the flow stops,
// the client gets the crisis contacts at once, and an urgent escalation goes
// to the rule layer. The evidence and the audit say what kind of risk, when,
// and in which flow, never the words (those go to the worker's "to read"
// list, sealed, for their eyes only).
func crisisStop(c Context, conv store.Conversation, in Input, d Detection, reg Registry) (store.Conversation, []Effect) {
	during := staffTitle(c, conv)
	effects := []Effect{
		// "I've stopped the questions" only when some were open; the hold
		// on routine prompts (CrisisHold) is said either way.
		Send{To: ToClient, Message: Message{Text: c.Catalog.T("crisis.message", map[string]any{
			"Name": c.Client.DisplayName, "Contacts": contactLines(c), "Stopped": conv.Flow != "",
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
	closed := conv.Close()
	closed.MarkDone(HeldMark, c.Now.Add(c.Policy.WithDefaults().CrisisHold), c.Now)
	return closed, effects
}

// dangerStop is what a message about danger from someone else does, in any
// state: the flow stops, the client gets the danger contacts at once (999,
// the domestic-abuse and sexual-violence helplines), and an urgent incident
// of its own rule goes to the worker and the lead, never the peer group.
func dangerStop(c Context, conv store.Conversation, in Input) (store.Conversation, []Effect) {
	during := staffTitle(c, conv)
	effects := []Effect{
		Send{To: ToClient, Message: Message{Text: c.Catalog.T("danger.message", map[string]any{
			"Name": c.Client.DisplayName, "Contacts": dangerLines(c), "Stopped": conv.Flow != "",
		})}, Key: "danger/" + in.Key, Urgent: true},
		steadyAudit(c, "danger.detected", RuleDanger, "danger from someone else"+flowNote(conv)),
	}
	if conv.Flow != "" {
		effects = append(effects, steadyAudit(c, "prompt.stopped", conv.Flow, "danger from someone else; the flow stops"))
	}
	effects = append(effects, Escalate{Firing: Firing{Rule: RuleDanger, Urgent: true, Evidence: []store.Evidence{{
		At: c.Now, Key: "danger:" + in.Key,
		Summary: c.Catalog.T("evidence.danger", map[string]any{
			"When": c.Local().Format("Mon 2 Jan 15:04"), "During": during,
		}),
	}}}})
	// Routine prompts wait for staff after danger as after a crisis (the
	// incident is urgent, so CrisisHold counts it): the idle reply says so.
	closed := conv.Close()
	closed.MarkDone(HeldMark, c.Now.Add(c.Policy.WithDefaults().CrisisHold), c.Now)
	return closed, effects
}

func flowNote(conv store.Conversation) string {
	if conv.Flow == "" {
		return "; outside any flow"
	}
	return "; during " + conv.Flow + " at " + conv.State
}

// safetyCheck answers a worrying but unclear message: the contacts (for
// danger from someone else, the danger contacts), and a direct question the
// next input answers. The worker hears that Steady asked, never what was
// said.
func safetyCheck(c Context, conv store.Conversation, in Input, d Detection, reg Registry) (store.Conversation, []Effect) {
	conv.Hold, conv.SafetyKind = store.HoldSafety, ""
	asked := "safety.worker_asked"
	if d.Kind == KindDanger {
		conv.SafetyKind, asked = KindDanger, "safety.worker_asked_danger"
	}
	return conv, []Effect{
		Send{To: ToClient, Message: safetyQuestion(c, conv, "safety.ask"), Key: "safety/" + in.Key},
		steadyAudit(c, "safety.asked", safetyRule(conv), "worrying message (kind "+d.Kind+")"+flowNote(conv)),
		Send{To: ToWorker, Message: Message{Text: c.Catalog.T(asked, map[string]any{
			"Name": c.Client.DisplayName, "During": staffTitle(c, conv),
		})}, Key: "safety/" + in.Key + "/worker"},
	}
}

// safetyRule is the rule an "are you safe?" aside belongs to.
func safetyRule(conv store.Conversation) string {
	if conv.SafetyKind == KindDanger {
		return RuleDanger
	}
	return RuleCrisis
}

// Answers to "are you safe right now?".
const (
	safeYes  = "safe"
	safeNo   = "not_safe"
	safeTalk = "talk"
)

func safetyQuestion(c Context, conv store.Conversation, key string) Message {
	if conv.SafetyKind == KindDanger {
		key += "_danger"
	}
	return Message{
		Text: c.Catalog.T(key, map[string]any{"Contacts": contactsFor(c, conv.SafetyKind)}),
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

// answerHold takes the answer to an aside. reasked reports that it did not
// understand the answer and asked again.
func answerHold(c Context, conv store.Conversation, in Input, reg Registry) (next store.Conversation, effects []Effect, reasked bool) {
	switch conv.Hold {
	case store.HoldSafety:
		return answerSafety(c, conv, in, reg)
	case store.HoldSnooze:
		until, ok := readSnooze(c, answerText(in))
		if !ok {
			return conv, []Effect{Send{To: ToClient, Message: snoozeQuestion(c, conv, "control.snooze_reask"), Key: "snooze/" + in.Key}}, true
		}
		conv.Hold = ""
		next, effects := snooze(c, conv, until, in.Key, reg)
		return next, effects, false
	case store.HoldPause:
		until, forever, ok := readPause(c, answerText(in))
		if !ok {
			return conv, []Effect{Send{To: ToClient, Message: pauseQuestion(c, conv, "control.pause_reask"), Key: "pause/" + in.Key}}, true
		}
		conv.Hold = ""
		next, effects := pause(c, conv, until, forever, in.Key)
		return next, effects, false
	}
	conv.Hold = ""
	return conv, resumeFlow(c, conv, "", in.Key, reg), false
}

func answerSafety(c Context, conv store.Conversation, in Input, reg Registry) (store.Conversation, []Effect, bool) {
	kind := conv.SafetyKind
	rule := safetyRule(conv)
	switch readSafety(in) {
	case safeNo:
		conv.Hold, conv.SafetyKind = "", ""
		if kind == KindDanger {
			next, effects := dangerStop(c, conv, in)
			return next, effects, false
		}
		next, effects := crisisStop(c, conv, in, Detection{Concern: Crisis, Kind: KindDistress}, reg)
		return next, effects, false
	case safeTalk:
		conv.Hold, conv.SafetyKind = "", ""
		effects := []Effect{
			audit(c, "safety.answered", rule, "asked to talk to their worker"),
			Send{To: ToWorker, Message: Message{Text: c.Catalog.T("safety.worker_talk", map[string]any{"Name": c.Client.DisplayName})}, Key: "safety/" + in.Key + "/worker"},
			say(c, "safety.talk_ack", map[string]any{"Contacts": contactsFor(c, kind)}, "safety/"+in.Key),
		}
		return conv, append(effects, resumeFlow(c, conv, "", in.Key, reg)...), false
	case safeYes:
		conv.Hold, conv.SafetyKind = "", ""
		effects := []Effect{
			audit(c, "safety.answered", rule, "said they are safe"),
			Send{To: ToWorker, Message: Message{Text: c.Catalog.T("safety.worker_safe", map[string]any{"Name": c.Client.DisplayName})}, Key: "safety/" + in.Key + "/worker"},
		}
		lead := c.Catalog.T("safety.thanks", nil)
		if conv.Flow == "" {
			return conv, append(effects, say(c, "safety.thanks", nil, "safety/"+in.Key)), false
		}
		return conv, append(effects, resumeFlow(c, conv, lead, in.Key, reg)...), false
	}
	return conv, []Effect{Send{To: ToClient, Message: safetyQuestion(c, conv, "safety.reask"), Key: "safety/" + in.Key}}, true
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
