package flows

import (
	"fmt"
	"strings"
	"time"

	"steady/store"
)

// Onboarding and consent questions, by state.
const (
	qIntro      = "intro"
	qWorker     = "worker"
	qPeer       = "peer"
	qSupervisor = "supervisor"
	qItems      = "supervisor_items"
	qWhich      = "which"
)

// answerAgain marks onboarding opened again by "start" after the client
// declined (or withdrew) their worker seeing answers: the introduction is
// not repeated.
const answerAgain = "again"

// Consent change choices.
const (
	changeNothing = "nothing"
	keepWorker    = "keep"
	withdraw      = "withdraw"
	introOK       = "ok"
)

// Onboarding tells the client what Steady is and is not (not a crisis
// service), who sees what, and asks for each consent separately: the worker
// seeing their answers (needed to use Steady), peer-group nudges (off,
// anonymous or named) and supervisor liaison through the worker (none,
// functional needs only, or named items they choose). Each choice is
// recorded, dated, the moment it is made.
var Onboarding = Flow{
	Name:     FlowOnboarding,
	Title:    "title.onboarding",
	Required: true,
	Questions: []Question{
		{
			State: qIntro,
			When:  func(c Context, conv store.Conversation) bool { return conv.Answers[answerAgain] == "" },
			Ask: func(c Context, conv store.Conversation) Message {
				return Message{Text: c.Catalog.T("onboarding.intro", map[string]any{
					"Name": c.Client.DisplayName, "Contacts": contactLines(c),
				}), Choices: []Choice{{c.Catalog.T("onboarding.intro_ok", nil), introOK}}}
			},
			Answer: func(c Context, in Input) (string, string) {
				// Its one button, tapped, typed or picked by its number.
				if _, ok := ParseChoice(answerText(in), []Choice{{c.Catalog.T("onboarding.intro_ok", nil), introOK}}); ok {
					return introOK, ""
				}
				if yes, ok := ParseYesNo(answerText(in)); ok && yes {
					return introOK, ""
				}
				return "", "onboarding.reask_intro"
			},
		},
		workerConsent(),
		when(peerConsent(), workerAgreed),
		when(supervisorConsent(), workerAgreed),
		when(supervisorItems(), func(c Context, conv store.Conversation) bool {
			return workerAgreed(c, conv) && conv.Answers[qSupervisor] == string(store.SupervisorNamed)
		}),
	},
	Finish: func(c Context, conv store.Conversation) []Effect {
		if conv.Answers[qWorker] != store.Yes {
			return []Effect{say(c, "onboarding.declined", map[string]any{"Contacts": contactLines(c)}, conv.PromptID+"/done")}
		}
		cs := consentsAfter(c, conv)
		return []Effect{
			steadyAudit(c, "onboarding.completed", "", "consents given in chat"),
			say(c, "onboarding.done", map[string]any{"Summary": ConsentSummary(c, cs)}, conv.PromptID+"/done"),
			Send{To: ToWorker, Message: Message{Text: c.Catalog.T("onboarding.worker_done", map[string]any{
				"Name": c.Client.DisplayName, "Summary": StaffConsentSummary(c, cs),
			})}, Key: conv.PromptID + "/worker"},
		}
	},
}

// ConsentChange lets the client change any consent, one at a time, at any
// time; each change is recorded with its date and the worker is told.
var ConsentChange = Flow{
	Name:  FlowConsent,
	Title: "title.consent",
	Questions: []Question{
		pick(qWhich, "consent.which", func(c Context, conv store.Conversation) map[string]any {
			return map[string]any{"Summary": ConsentSummary(c, c.Client.Consents)}
		}, func(c Context) []Choice {
			return choices(c, "consent.which.", qPeer, qSupervisor, qWorker, changeNothing)
		}, "reask.choice"),
		when(peerConsent(), chose(qPeer)),
		when(supervisorConsent(), chose(qSupervisor)),
		when(supervisorItems(), func(c Context, conv store.Conversation) bool {
			return conv.Answers[qWhich] == qSupervisor && conv.Answers[qSupervisor] == string(store.SupervisorNamed)
		}),
		when(withdrawWorker(), chose(qWorker)),
	},
	Finish: func(c Context, conv store.Conversation) []Effect {
		if conv.Answers[qWhich] == changeNothing || conv.Answers[qWorker] == keepWorker {
			return []Effect{say(c, "consent.unchanged", nil, conv.PromptID+"/done")}
		}
		if conv.Answers[qWorker] == withdraw {
			return []Effect{say(c, "consent.withdrawn", map[string]any{"Contacts": contactLines(c)}, conv.PromptID+"/done")}
		}
		return []Effect{say(c, "consent.done", map[string]any{"Summary": ConsentSummary(c, consentsAfter(c, conv))}, conv.PromptID+"/done")}
	},
}

func workerAgreed(c Context, conv store.Conversation) bool { return conv.Answers[qWorker] == store.Yes }

func chose(which string) func(Context, store.Conversation) bool {
	return func(c Context, conv store.Conversation) bool { return conv.Answers[qWhich] == which }
}

func workerConsent() Question {
	q := pick(qWorker, "onboarding.worker", func(c Context, conv store.Conversation) map[string]any {
		return map[string]any{"Worker": workerName(c)}
	}, func(c Context) []Choice {
		return []Choice{{c.Catalog.T("onboarding.worker.yes", nil), store.Yes}, {c.Catalog.T("onboarding.worker.no", nil), store.No}}
	}, "reask.yes_no")
	answer := q.Answer
	q.Answer = func(c Context, in Input) (string, string) {
		if v, r := answer(c, in); r == "" {
			return v, ""
		}
		if yes, ok := ParseYesNo(answerText(in)); ok {
			return map[bool]string{true: store.Yes, false: store.No}[yes], ""
		}
		return "", "reask.yes_no"
	}
	q.Then = func(c Context, conv store.Conversation, v string) []Effect {
		return recordConsent(c, store.PurposeWorker, v, nil, conv.Flow != FlowOnboarding)
	}
	return q
}

func peerConsent() Question {
	q := pick(qPeer, "onboarding.peer", nil, func(c Context) []Choice {
		return choices(c, "onboarding.peer.", string(store.PeerOff), string(store.PeerAnonymous), string(store.PeerNamed))
	}, "reask.choice")
	q.Then = func(c Context, conv store.Conversation, v string) []Effect {
		return recordConsent(c, store.PurposePeer, v, nil, conv.Flow != FlowOnboarding)
	}
	return q
}

func supervisorConsent() Question {
	q := pick(qSupervisor, "onboarding.supervisor", nil, func(c Context) []Choice {
		return choices(c, "onboarding.supervisor.", string(store.SupervisorNone), string(store.SupervisorFunctional), string(store.SupervisorNamed))
	}, "reask.choice")
	q.Then = func(c Context, conv store.Conversation, v string) []Effect {
		if v == string(store.SupervisorNamed) {
			return nil // recorded with the items the client names next
		}
		return recordConsent(c, store.PurposeSupervisor, v, nil, conv.Flow != FlowOnboarding)
	}
	return q
}

func supervisorItems() Question {
	return Question{
		State: qItems,
		Ask: func(c Context, conv store.Conversation) Message {
			return Message{Text: c.Catalog.T("onboarding.supervisor_items", nil)}
		},
		Answer: func(c Context, in Input) (string, string) {
			items := splitItems(answerText(in))
			if len(items) == 0 {
				return "", "onboarding.reask_items"
			}
			return strings.Join(items, "\n"), ""
		},
		Then: func(c Context, conv store.Conversation, v string) []Effect {
			return recordConsent(c, store.PurposeSupervisor, string(store.SupervisorNamed), lines(v), conv.Flow != FlowOnboarding)
		},
	}
}

func withdrawWorker() Question {
	q := pick(qWorker, "consent.worker", func(c Context, conv store.Conversation) map[string]any {
		return map[string]any{"Worker": workerName(c)}
	}, func(c Context) []Choice {
		return choices(c, "consent.worker.", keepWorker, withdraw)
	}, "reask.choice")
	q.Then = func(c Context, conv store.Conversation, v string) []Effect {
		if v != withdraw {
			return nil
		}
		effects := recordConsent(c, store.PurposeWorker, store.No, nil, true)
		client := effects[0].(SaveClient).Client
		client.Status = store.StatusStopped
		effects[0] = SaveClient{Client: client}
		return append(effects, audit(c, "client.stopped", "", "worker consent withdrawn"))
	}
	return q
}

// splitItems reads a list the client types: commas, semicolons, "and" or
// new lines between items.
func splitItems(s string) []string {
	s = strings.NewReplacer(";", ",", "\n", ",", " and ", ",", " & ", ",").Replace(s)
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(strings.Trim(strings.TrimSpace(p), ".-•*"))
		if p == "" || none[normaliseLabel(p)] {
			continue
		}
		if r := []rune(p); len(r) > 120 {
			p = string(r[:120])
		}
		out = append(out, p)
		if len(out) == 10 {
			break
		}
	}
	return out
}

// recordConsent records one consent as the client gives it, dated, and
// (outside onboarding, which sends one summary at the end) tells the worker
// what they may now do.
func recordConsent(c Context, purpose, value string, items []string, tellWorker bool) []Effect {
	client := c.Client
	cs := client.Consents
	cs.History = append([]store.ConsentChange(nil), cs.History...)
	if purpose == store.PurposeSupervisor {
		cs.SupervisorItems = items
	}
	cs.Set(purpose, value, "client", "given in chat", c.Now)
	client.Consents = cs
	// The items are the client's own words: the profile keeps them, the
	// audit log only how many.
	reason := purpose + "=" + value
	if len(items) > 0 {
		reason += fmt.Sprintf(" (%d items)", len(items))
	}
	effects := []Effect{SaveClient{Client: client}, audit(c, "consent.recorded", "", reason)}
	if tellWorker {
		effects = append(effects, Send{To: ToWorker, Message: Message{Text: c.Catalog.T("consent.worker_changed", map[string]any{
			"Name": c.Client.DisplayName, "What": staffConsentLine(c, purpose, cs),
		})}, Key: "consent/" + purpose + "/" + c.Now.UTC().Format(time.RFC3339Nano)})
	}
	return effects
}

// staffConsentLine says one consent as staff need it.
func staffConsentLine(c Context, purpose string, cs store.Consents) string {
	switch purpose {
	case store.PurposeWorker:
		return c.Catalog.T("consent.staff.worker", map[string]any{"Yes": cs.WorkerSeesAnswers})
	case store.PurposePeer:
		p := cs.Peer
		if p == "" {
			p = store.PeerOff
		}
		return c.Catalog.T("consent.staff.peer", map[string]any{"Peer": string(p)})
	}
	return c.Catalog.T("consent.staff.supervisor", map[string]any{"Status": SupervisorStatus(c, cs)})
}

// StaffConsentSummary says all three consents as staff need them.
func StaffConsentSummary(c Context, cs store.Consents) string {
	return strings.Join([]string{
		staffConsentLine(c, store.PurposeWorker, cs), staffConsentLine(c, store.PurposePeer, cs), staffConsentLine(c, store.PurposeSupervisor, cs),
	}, "\n")
}

// consentsAfter are the client's consents with the flow's answers applied
// (the profile in the context was loaded before this step's own change).
func consentsAfter(c Context, conv store.Conversation) store.Consents {
	cs := c.Client.Consents
	a := conv.Answers
	if v, ok := a[qWorker]; ok && (v == store.Yes || v == store.No) {
		cs.WorkerSeesAnswers = v == store.Yes
	}
	if v, ok := a[qPeer]; ok && v != "" {
		cs.Peer = store.PeerConsent(v)
	}
	if v, ok := a[qSupervisor]; ok && v != "" {
		cs.Supervisor = store.SupervisorConsent(v)
		cs.SupervisorItems = lines(a[qItems])
	}
	return cs
}

// StartAgain opens onboarding again at the consent Steady cannot work
// without, for a client who declined it (or withdrew it) and now says
// "start", as the decline told them to. A client who had stopped is
// active again.
func StartAgain(c Context, conv store.Conversation, key string) (store.Conversation, []Effect) {
	var effects []Effect
	if c.Client.Status == store.StatusStopped || c.Client.Status == store.StatusPaused {
		client := c.Client
		client.Status, client.PausedUntil = store.StatusActive, time.Time{}
		effects = append(effects, SaveClient{Client: client}, audit(c, "client.resumed", "", "was "+string(c.Client.Status)))
		c.Client = client
	}
	next, start := Onboarding.Start(c, "onboarding:again:"+key, map[string]string{answerAgain: "yes"})
	next = conv.Carry(next)
	effects = append(effects, audit(c, "prompt.requested", FlowOnboarding, "the client said start; asked for consent again"),
		say(c, "onboarding.again", nil, "again/"+key))
	return next, append(effects, start...)
}

// Welcome is the first message to a client whose worker recorded their
// consents at enrolment (given in person): what Steady is and is not, the
// crisis contacts, what was recorded, and how to change it. Without it the
// first a client would hear is a prompt from a bot they did not expect.
func Welcome(c Context) Effect {
	return say(c, "onboarding.welcome", map[string]any{
		"Name": c.Client.DisplayName, "Worker": workerName(c), "Contacts": contactLines(c),
		"Summary": ConsentSummary(c, c.Client.Consents),
	}, "welcome:"+c.Client.ID)
}

// ConsentSummary says in a few lines what the client has agreed to.
func ConsentSummary(c Context, cs store.Consents) string {
	return strings.Join([]string{
		consentLine(c, store.PurposeWorker, cs), consentLine(c, store.PurposePeer, cs), consentLine(c, store.PurposeSupervisor, cs),
	}, "\n")
}

func consentLine(c Context, purpose string, cs store.Consents) string {
	switch purpose {
	case store.PurposeWorker:
		v := store.No
		if cs.WorkerSeesAnswers {
			v = store.Yes
		}
		return c.Catalog.T("consent.line.worker."+v, map[string]any{"Worker": workerName(c)})
	case store.PurposePeer:
		p := cs.Peer
		if p == "" {
			p = store.PeerOff
		}
		return c.Catalog.T("consent.line.peer."+string(p), nil)
	}
	s := cs.Supervisor
	if s == "" {
		s = store.SupervisorNone
	}
	return c.Catalog.T("consent.line.supervisor."+string(s), map[string]any{"Items": strings.Join(cs.SupervisorItems, "; ")})
}

// workerName is the client's worker as the client knows them, if the bot
// told the flow; otherwise "your worker".
func workerName(c Context) string {
	if c.WorkerName != "" {
		return c.WorkerName
	}
	return c.Catalog.T("onboarding.your_worker", nil)
}
