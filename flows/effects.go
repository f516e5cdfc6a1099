package flows

import (
	"time"

	"steady/store"
)

// Context is what a step may know besides the conversation and the input.
// The bot loads it; flows never fetch anything.
type Context struct {
	Now     time.Time
	Loc     *time.Location // the client's zone
	Client  store.Client
	Catalog *Catalog
	// ServiceRules are the service's changes to DefaultRules, by rule id.
	ServiceRules map[string]store.RuleOverride
	// Policy is the service's escalation timing and routing.
	Policy Policy
	// CrisisContacts are the service's crisis numbers, one per line as the
	// client reads them; empty: the catalogue's (UK defaults).
	CrisisContacts []string
	// DangerContacts are the service's numbers for someone in danger from
	// another person, one per line; empty: the catalogue's (UK defaults).
	DangerContacts []string
	// Detect reads a message for risk, with the client's earlier messages of
	// the last few minutes (oldest first). Nil: DetectInContext.
	Detect func(recent []string, text string) Detection
	// Adjustments are the client's adjustments register, for the questions
	// that ask about them.
	Adjustments []store.Adjustment
	// WorkerName is the client's worker's name, as consent questions use it.
	WorkerName string
}

// Local returns the time now on the client's clock.
func (c Context) Local() time.Time { return c.Now.In(c.Loc) }

// Input is one thing the client did: typed a message or tapped a choice.
type Input struct {
	// Key identifies this delivery (a message or interaction id). A redelivery
	// carries the same key and changes nothing.
	Key string
	// Text is what the client typed, if they typed.
	Text string
	// Choice is the value of the button or menu item tapped, if they tapped.
	Choice string
	// Values are the items picked in a multi-select menu, if that was used.
	Values []string
	// Prompt is the prompt a tapped choice belonged to; a tap on an old prompt
	// is answered "that check-in has closed".
	Prompt string
	// Recent are the client's other typed messages of the last few minutes,
	// oldest first: the interceptor reads Text together with them.
	Recent []string
	// Before is what an edited message said until now (Read only; "" when
	// unknown): an edit is acted on only for what it adds.
	Before string
	// Source says where typed words came from (store.From*; "" a message).
	Source string
	// Throttle says the client is sending faster than Steady answers (the
	// bot's per-person inbound limit): the crisis interceptor still reads
	// the input, and anything it flags, or an answer to "are you safe?", is
	// handled as usual; the rest is not answered.
	Throttle Throttle
}

// detect reads a message with the context's detector.
func (c Context) detect(recent []string, text string) Detection {
	if c.Detect != nil {
		return c.Detect(recent, text)
	}
	return DetectInContext(recent, text)
}

// Throttle is what the inbound limit decided about one input.
type Throttle int

const (
	// NotThrottled: within the limit.
	NotThrottled Throttle = iota
	// ThrottledFirst: the first input over the limit; the client is told,
	// once, that Steady will answer again when they slow down.
	ThrottledFirst
	// Throttled: over the limit and already told.
	Throttled
)

// Audience is who a message is for. The bot turns it into a DM or a channel.
type Audience string

const (
	ToClient Audience = "client"
	ToWorker Audience = "worker"
	ToLead   Audience = "lead"
	ToPeer   Audience = "peer"
	// ToModerator is the peer group's moderators (held nudges, crisis alerts).
	ToModerator Audience = "moderator"
	// ToStaff is the staff channel as a whole (the weekly huddle).
	ToStaff Audience = "staff"
)

// Choice is one button or menu item.
type Choice struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Message is what someone receives.
type Message struct {
	Text    string   `json:"text"`
	Choices []Choice `json:"choices,omitempty"`
	// Prompt names what the choices answer, so a tap can be matched to it later.
	Prompt string `json:"prompt,omitempty"`
	// Multi says the client may pick several choices (a multi-select menu).
	Multi bool `json:"multi,omitempty"`
	// ValueChoices says the choices are shortcuts for values the client may
	// as well type (a time, a count, a rating): they are shown without
	// positions, and a typed number is read as the value, never as "the
	// second button". Other choices are numbered, and a typed number picks
	// by position, in Discord and in `steady try` alike.
	ValueChoices bool `json:"value_choices,omitempty"`
}

// Effect is something a step decided should happen. The bot carries them out
// in order.
type Effect interface{ isEffect() }

// Send delivers a message. Key is stable across retries of the same step so
// the outbox can refuse to send it twice.
type Send struct {
	To      Audience
	Message Message
	Key     string
	// Urgent messages (a crisis reply, an urgent incident's pings) go ahead
	// of routine ones waiting to be delivered, for any client.
	Urgent bool
	// Replaces, if set, is the key of a message delivered earlier that this
	// one rewrites in place (an acknowledged ping loses its Acknowledge
	// button everywhere it landed) instead of being sent as a new message.
	Replaces string
}

// SaveSleep records a completed night's log.
type SaveSleep struct{ Entry store.SleepEntry }

// SaveCheckIn records an answered weekly check-in. The rule layer reads it
// (low coping, rights concerns); reports read it (sustainment, contact).
type SaveCheckIn struct{ CheckIn store.CheckIn }

// SaveDebrief records an answered post-shift debrief. The rule layer reads it
// (stress, early-warning signs); reports read it (conflict and absence trend).
type SaveDebrief struct{ Debrief store.Debrief }

// SaveIncident stores an incident's new state.
type SaveIncident struct{ Incident store.Incident }

// SaveClient replaces the client's profile (a plan edit, a job start, a discharge,
// a rule change, a benefit transition flagged).
type SaveClient struct{ Client store.Client }

// SavePlanVersion records one version of the client's plan.
type SavePlanVersion struct{ Version store.PlanVersion }

// SaveAdjustment stores an adjustment's new state in the client's register.
type SaveAdjustment struct{ Adjustment store.Adjustment }

// SaveJobEvent records a change in the client's employment.
type SaveJobEvent struct{ Event store.JobEvent }

// SaveMissed records a prompt that closed unanswered or never went out, for
// the worker to see and the missed check-ins rule to count.
type SaveMissed struct{ Missed store.MissedPrompt }

// Audit records a decision.
type Audit struct{ Event store.AuditEvent }

// SaveReadItem puts a message on the worker's "to read" list, or updates it
// (marked as shown in a digest).
type SaveReadItem struct{ Item store.ReadItem }

// DropReadItem takes a message off the "to read" list: a person has read it.
type DropReadItem struct{ ID string }

// Escalate says a rule has fired. The bot looks up any incident the rule
// already has in this episode and the client's worker, then lets Raise decide.
type Escalate struct{ Firing Firing }

// Timer arms a one-off occurrence of Kind for the client at Due, about Ref
// (e.g. an incident's re-notify). The bot stores it before the step commits,
// so a crash can leave a timer with nothing to do, never a step without its
// timer; handlers check the record before acting (see TimerDue).
type Timer struct {
	Kind, Ref string
	Due       time.Time
}

// CancelTimer disarms a timer armed with the same kind, ref and due time.
// The bot cancels after the step commits; one that fires anyway finds
// nothing to do.
type CancelTimer struct {
	Kind, Ref string
	Due       time.Time
}

func (Send) isEffect()            {}
func (SaveSleep) isEffect()       {}
func (SaveIncident) isEffect()    {}
func (SaveCheckIn) isEffect()     {}
func (SaveDebrief) isEffect()     {}
func (Audit) isEffect()           {}
func (SaveClient) isEffect()      {}
func (SavePlanVersion) isEffect() {}
func (SaveAdjustment) isEffect()  {}
func (SaveJobEvent) isEffect()    {}
func (Escalate) isEffect()        {}
func (Timer) isEffect()           {}
func (SaveMissed) isEffect()      {}
func (CancelTimer) isEffect()     {}
func (SaveReadItem) isEffect()    {}
func (DropReadItem) isEffect()    {}
