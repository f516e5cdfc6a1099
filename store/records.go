package store

import (
	"slices"
	"time"
)

// SleepEntry is one night's log, keyed by the local date of the morning it ended.
type SleepEntry struct {
	Night      string    `json:"night"`   // local date of the morning, 2006-01-02
	Bedtime    string    `json:"bedtime"` // local "15:04"
	LatencyMin int       `json:"latency_min"`
	Awakenings int       `json:"awakenings"`
	WakeTime   string    `json:"wake_time"` // local "15:04"
	Quality    int       `json:"quality"`   // 1–5
	AsleepMin  int       `json:"asleep_min"`
	Disrupted  bool      `json:"disrupted"`
	Reasons    []string  `json:"reasons,omitempty"` // rule-side reasons, e.g. "asleep_under_min"
	LoggedAt   time.Time `json:"logged_at"`
}

// Conversation is the client's open flow: which question it waits on and the
// answers so far. It lives in Redis so a restart resumes at the same question.
type Conversation struct {
	Flow     string            `json:"flow"`
	State    string            `json:"state"`
	PromptID string            `json:"prompt_id"` // what opened it (an occurrence id); buttons carry it
	Answers  map[string]string `json:"answers,omitempty"`
	Asked    []string          `json:"asked,omitempty"` // states answered so far, oldest first, for "change my last answer"
	OpenedAt time.Time         `json:"opened_at"`
	// Skipped are the questions the client passed over with "skip", so a
	// record can tell a skipped answer from a zero.
	Skipped []string `json:"skipped,omitempty"`
	// Hold is a short aside the next input answers before the flow resumes:
	// HoldSafety ("are you safe right now?"), HoldSnooze or HoldPause (for how long?).
	// It can be set with no flow open.
	Hold string `json:"hold,omitempty"`
	// SafetyKind is the kind of concern an "are you safe?" aside asked about
	// (flows.KindDanger gets the danger contacts, and a "not safe" answer
	// raises the danger rule).
	SafetyKind string `json:"safety_kind,omitempty"`
	// SnoozedUntil is when a snoozed prompt is asked again (zero: not snoozed).
	SnoozedUntil time.Time `json:"snoozed_until,omitzero"`
	// Seen holds the keys of recent inputs so a redelivered one changes nothing.
	// It outlives the flow, so a late duplicate of a final answer is still known.
	Seen []string `json:"seen,omitempty"`
	// Lapsed names the flow of a prompt that closed unanswered, and LapsedAt
	// when, so an answer typed soon after is told it closed instead of being
	// met with "nothing to answer". Opening or finishing any flow clears it.
	Lapsed   string    `json:"lapsed,omitempty"`
	LapsedAt time.Time `json:"lapsed_at,omitzero"`
	// Done are things already seen to outside their own occurrence, so it
	// does nothing when it comes: a prompt opened early together with
	// another ("opened:" + occurrence id), a notice sent with it ("sent:"
	// + id), a shift the client has debriefed ("debriefed:" + shift id).
	// Each is kept until it can no longer matter. It outlives flows.
	Done []Mark `json:"done,omitempty"`
	// Version increases with every saved step; a save from a stale read is refused.
	Version int64 `json:"version"`
}

// Holds: asides that wait on the client's next input.
const (
	HoldSafety = "safety"
	HoldSnooze = "snooze"
	HoldPause  = "pause"
)

// Active reports whether a flow or an aside is waiting on the client.
func (c Conversation) Active() bool { return c.Flow != "" || c.Hold != "" }

// Close ends the flow and any aside, keeping only what must outlive them:
// the keys of inputs already handled.
func (c Conversation) Close() Conversation {
	return Conversation{Seen: c.Seen, Done: c.Done, Version: c.Version}
}

// Carry gives next, a conversation that replaces c, what outlives flows:
// the inputs already handled, what is already done, and c's version.
func (c Conversation) Carry(next Conversation) Conversation {
	next.Seen, next.Done, next.Version = c.Seen, c.Done, c.Version
	return next
}

// Mark is one thing already done (Conversation.Done).
type Mark struct {
	Key   string    `json:"key"`
	Until time.Time `json:"until"`
}

// MarkDone records key as done until until, forgetting marks past theirs.
func (c *Conversation) MarkDone(key string, until, now time.Time) {
	kept := make([]Mark, 0, len(c.Done)+1)
	for _, m := range c.Done {
		if m.Until.After(now) && m.Key != key {
			kept = append(kept, m)
		}
	}
	c.Done = append(kept, Mark{Key: key, Until: until})
}

// Unmark forgets key.
func (c *Conversation) Unmark(key string) {
	c.Done = slices.DeleteFunc(slices.Clone(c.Done), func(m Mark) bool { return m.Key == key })
}

// IsDone reports whether key is marked done and still matters at now.
func (c Conversation) IsDone(key string, now time.Time) bool {
	for _, m := range c.Done {
		if m.Key == key && m.Until.After(now) {
			return true
		}
	}
	return false
}

// SeenInput reports whether an input with this key was already handled.
func (c Conversation) SeenInput(key string) bool {
	if key == "" {
		return false
	}
	for _, k := range c.Seen {
		if k == key {
			return true
		}
	}
	return false
}

// MaxSeen bounds Conversation.Seen; Discord redelivers within seconds, not hundreds of inputs later.
const MaxSeen = 32

// Remember records an input key, dropping the oldest past MaxSeen.
func (c *Conversation) Remember(key string) {
	if key == "" {
		return
	}
	c.Seen = append(c.Seen, key)
	if len(c.Seen) > MaxSeen {
		c.Seen = c.Seen[len(c.Seen)-MaxSeen:]
	}
}

// Incident states (the machine itself lives in flows).
const (
	IncidentOpen            = "open"
	IncidentClientContacted = "client_contacted"
	IncidentWorkerNotified  = "worker_notified"
	IncidentAcknowledged    = "acknowledged"
	IncidentResolved        = "resolved"
	IncidentStale           = "stale"
)

// Incident is one rule firing for one client in one episode.
type Incident struct {
	ID       string     `json:"id"` // "<client id>.<sequence>"
	ClientID string     `json:"client_id"`
	Rule     string     `json:"rule"`
	Episode  string     `json:"episode"` // e.g. the first night of a run of disrupted nights
	State    string     `json:"state"`
	Urgent   bool       `json:"urgent,omitempty"`
	OpenedAt time.Time  `json:"opened_at"`
	Evidence []Evidence `json:"evidence"`

	NotifiedAt time.Time `json:"notified_at,omitzero"`
	Notices    int       `json:"notices,omitempty"` // how many times staff were pinged
	LastNotice time.Time `json:"last_notice,omitzero"`
	// Escalated is set once the lead / on-call has been brought in;
	// LeadSince is the notice that first reached them (every later notice
	// reaches them too), so a ping's copies can all be found again.
	Escalated bool `json:"escalated,omitempty"`
	LeadSince int  `json:"lead_since,omitempty"`
	// Told is how many of the evidence items staff have been shown; a news
	// ping carries only the ones after it. NewsAt is when evidence held back
	// (staff were pinged moments ago) goes out (zero: nothing held).
	Told   int       `json:"told,omitempty"`
	NewsAt time.Time `json:"news_at,omitzero"`
	// The incident's pending timers (zero: none). A timer that fires for a
	// time other than these is stale and does nothing.
	RenotifyAt time.Time `json:"renotify_at,omitzero"`
	EscalateAt time.Time `json:"escalate_at,omitzero"`
	StaleAt    time.Time `json:"stale_at,omitzero"`
	// Peer is what became of the incident's peer nudge (PeerNudge*), PeerAt when.
	Peer       string    `json:"peer,omitempty"`
	PeerAt     time.Time `json:"peer_at,omitzero"`
	AckBy      string    `json:"ack_by,omitempty"`
	AckAt      time.Time `json:"ack_at,omitzero"`
	ResolvedBy string    `json:"resolved_by,omitempty"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	Outcome    string    `json:"outcome,omitempty"`
}

// What became of an incident's peer nudge.
const (
	PeerNudgePosted     = "posted"
	PeerNudgeHeld       = "held" // waiting for a moderator
	PeerNudgeDeclined   = "declined"
	PeerNudgeSuppressed = "suppressed"
)

// Closed reports whether the incident needs nothing more from anyone.
func (i Incident) Closed() bool {
	return i.State == IncidentResolved || i.State == IncidentStale
}

// Evidence is one observation behind an incident, in figures, never the client's words.
type Evidence struct {
	At      time.Time `json:"at"`
	Key     string    `json:"key"`     // e.g. the night's date; makes adding evidence idempotent
	Summary string    `json:"summary"` // for the worker only
}

// AuditEvent is one decision Steady or a person made. It carries reasons, never
// message text or answers.
type AuditEvent struct {
	ID       string    `json:"id,omitempty"` // stream entry id, set when read back
	At       time.Time `json:"at"`
	ClientID string    `json:"client_id,omitempty"`
	Actor    string    `json:"actor"` // "steady", "client" or a worker id
	Action   string    `json:"action"`
	Incident string    `json:"incident,omitempty"`
	Rule     string    `json:"rule,omitempty"`
	Reason   string    `json:"reason,omitempty"`
}
