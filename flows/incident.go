package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/looplab/fsm"

	"steady/store"
)

// Incident events.
const (
	evContact = "contact"
	evNotify  = "notify"
	evAck     = "acknowledge"
	evResolve = "resolve"
	evStale   = "stale"
)

// incidentMachine is the incident lifecycle: open → client contacted → worker
// notified (again, while unacknowledged) → acknowledged → resolved; or stale.
func incidentMachine(state string) *fsm.FSM {
	live := []string{store.IncidentOpen, store.IncidentClientContacted, store.IncidentWorkerNotified, store.IncidentAcknowledged}
	return fsm.NewFSM(state, []fsm.EventDesc{
		{Name: evContact, Src: []string{store.IncidentOpen}, Dst: store.IncidentClientContacted},
		{Name: evNotify, Src: []string{store.IncidentOpen, store.IncidentClientContacted, store.IncidentWorkerNotified}, Dst: store.IncidentWorkerNotified},
		{Name: evAck, Src: []string{store.IncidentOpen, store.IncidentClientContacted, store.IncidentWorkerNotified}, Dst: store.IncidentAcknowledged},
		{Name: evResolve, Src: live, Dst: store.IncidentResolved},
		{Name: evStale, Src: live, Dst: store.IncidentStale},
	}, nil)
}

// transition moves an incident by one event. It reports false when the event
// does not apply in the incident's state (e.g. acknowledging twice).
func transition(in *store.Incident, event string) bool {
	m := incidentMachine(in.State)
	// Re-notifying keeps the state, which looplab/fsm reports as NoTransitionError.
	if err := m.Event(context.Background(), event); err != nil && !errors.As(err, new(fsm.NoTransitionError)) {
		return false
	}
	in.State = m.Current()
	return true
}

// IncidentID is deterministic per client, rule and episode, so the same
// episode can never open two incidents.
func IncidentID(client, rule, episode string) string {
	return client + "." + rule + "." + episode
}

// IncidentPrompt is the prompt id that a staff ping's buttons carry.
func IncidentPrompt(id string) string { return "inc:" + id }

// PeerPrompt is the prompt id that a held peer nudge's buttons carry.
func PeerPrompt(id string) string { return "peer:" + id }

// Choices on a staff ping and on a held peer nudge.
const (
	ChoiceAck     = "ack"
	ChoiceResolve = "resolve"
	ChoiceApprove = "approve"
	ChoiceDecline = "decline"
)

// Occurrence kinds of an incident's timers (ref = incident id).
const (
	KindIncidentRenotify = "incident_renotify"
	KindIncidentEscalate = "incident_escalate"
	KindIncidentStale    = "incident_stale"
)

// Policy is the service's escalation timing and routing. Zero fields take
// the defaults named on each.
type Policy struct {
	// RenotifyAfter: an unacknowledged incident pings staff again this often (30 min).
	RenotifyAfter time.Duration
	// EscalateAfter: still unacknowledged this long after the worker was told,
	// it goes to the lead / on-call too (2 h).
	EscalateAfter time.Duration
	// UrgentRenotifyAfter: an urgent incident pings worker and lead again this often (15 min).
	UrgentRenotifyAfter time.Duration
	// EscalatedRenotifyAfter: once a non-urgent incident has gone to the lead,
	// worker and lead are reminded this often until one acknowledges (24 h).
	// Every 30 minutes for days would teach staff to mute Steady.
	EscalatedRenotifyAfter time.Duration
	// StaleAfter: acknowledged with no outcome recorded this long, an incident
	// is closed as stale and the worker told (14 days).
	StaleAfter time.Duration
	// DefaultHours apply to staff with no hours of their own (zero: always at work).
	DefaultHours Hours
	// PeerApproval holds every peer nudge for a moderator to approve or decline.
	PeerApproval bool
	// CrisisHold: after crisis language, routine prompts wait this long at
	// most for staff to acknowledge it (DefaultCrisisHold; see CrisisHold).
	CrisisHold time.Duration
}

// WithDefaults fills unset fields.
func (p Policy) WithDefaults() Policy {
	if p.RenotifyAfter <= 0 {
		p.RenotifyAfter = 30 * time.Minute
	}
	if p.EscalateAfter <= 0 {
		p.EscalateAfter = 2 * time.Hour
	}
	if p.UrgentRenotifyAfter <= 0 {
		p.UrgentRenotifyAfter = 15 * time.Minute
	}
	if p.EscalatedRenotifyAfter <= 0 {
		p.EscalatedRenotifyAfter = 24 * time.Hour
	}
	if p.StaleAfter <= 0 {
		p.StaleAfter = 14 * 24 * time.Hour
	}
	if p.DefaultHours.IsZero() {
		p.DefaultHours = Always
	}
	if p.CrisisHold <= 0 {
		p.CrisisHold = DefaultCrisisHold
	}
	return p
}

// Staff are who an incident can reach: the client's worker and the lead /
// on-call (zero ID: none configured).
type Staff struct {
	Worker store.Worker
	Lead   store.Worker
}

// HoursOf returns a member of staff's working hours and zone. Hours that do
// not parse fall back to the service's, so a typo can only make Steady reach
// someone sooner, never later.
func HoursOf(c Context, w store.Worker) (Hours, *time.Location) {
	p := c.Policy.WithDefaults()
	loc := c.Loc
	if w.TimeZone != "" {
		if l, err := time.LoadLocation(w.TimeZone); err == nil {
			loc = l
		}
	}
	h := p.DefaultHours
	if strings.TrimSpace(w.Hours) != "" {
		if parsed, err := ParseHours(w.Hours); err == nil {
			h = parsed
		}
	}
	return h, loc
}

// RaiseInput is what Raise needs besides the firing: the incident this rule
// already has in this episode (nil: none), who to tell, and whether the
// client's peer group has already had a nudge today.
type RaiseInput struct {
	Existing  *store.Incident
	Staff     Staff
	PeerToday bool
}

func auditOf(c Context, in store.Incident, actor, action, reason string) Effect {
	return Audit{Event: store.AuditEvent{At: c.Now, Actor: actor, Action: action, Incident: in.ID, Rule: in.Rule, Reason: reason}}
}

// Raise decides what a rule firing does.
//
// A new incident contacts the client first, with their plan's options. Then,
// within the worker's working hours (or at any hour when urgent), it pings the
// worker with the evidence, the plan and what the client has agreed about
// their supervisor, and arms the re-notify and lead timers; outside them it
// tells the client when to expect contact, with self-help and crisis contacts,
// and waits for the next start. Urgent incidents go to the lead / on-call at
// once as well. The peer group is nudged only as the client's consent and the
// daily cap allow. A firing in an episode that already has an incident adds
// its new evidence and pings no one again.
func Raise(c Context, f Firing, ri RaiseInput) []Effect {
	if ri.Existing != nil {
		return addEvidence(c, *ri.Existing, f, ri.Staff)
	}
	p := c.Policy.WithDefaults()
	in := store.Incident{
		ID: IncidentID(c.Client.ID, f.Rule, f.Episode), ClientID: c.Client.ID, Rule: f.Rule,
		Episode: f.Episode, State: store.IncidentOpen, Urgent: f.Urgent, OpenedAt: c.Now,
		Evidence: f.Evidence,
	}
	urgency := "non-urgent"
	if in.Urgent {
		urgency = "urgent"
	}
	effects := []Effect{auditOf(c, in, "steady", "incident.opened", fmt.Sprintf("rule fired (%s): %s", urgency, plural(len(in.Evidence), "piece", "pieces")+" of evidence"))}

	transition(&in, evContact)
	if in.Urgent {
		effects = append(effects, Send{To: ToClient, Message: Message{Text: c.Catalog.T("incident.client_contact_urgent", map[string]any{"Name": c.Client.DisplayName})}, Key: in.ID + "/client"},
			auditOf(c, in, "steady", "client.contacted", "told staff have been alerted"))
		effects = append(effects, notifyStaff(c, &in, ri.Staff, true)...)
		effects = append(effects, auditOf(c, in, "steady", "peer.suppressed", "urgent incidents go to staff only"))
		return append([]Effect{SaveIncident{Incident: in}}, effects...)
	}

	hours, loc := HoursOf(c, ri.Staff.Worker)
	start, later := hours.NextStart(c.Now, loc)
	later = later && start.After(c.Now)
	away := ""
	if later {
		// Said inside the contact, before its question, so the question is
		// the last thing the client reads.
		away = c.Catalog.T("incident.client_out_of_hours", map[string]any{
			"Worker": ri.Staff.Worker.Name, "When": start.In(c.Loc).Format("Mon 2 Jan 15:04"), "SelfHelp": selfHelp(c),
		})
	}
	effects = append(effects, Send{To: ToClient, Message: clientContact(c, in, away), Key: in.ID + "/client"},
		auditOf(c, in, "steady", "client.contacted", "plan options offered"))
	if later {
		in.RenotifyAt = start.Truncate(time.Minute)
		in.EscalateAt = in.RenotifyAt.Add(p.EscalateAfter)
		effects = append(effects,
			auditOf(c, in, "steady", "worker.notify_deferred", fmt.Sprintf("outside the worker's working hours (%s); worker told at %s", hours, start.In(loc).Format("Mon 2 Jan 15:04 MST"))),
			Timer{Kind: KindIncidentRenotify, Ref: in.ID, Due: in.RenotifyAt},
			Timer{Kind: KindIncidentEscalate, Ref: in.ID, Due: in.EscalateAt},
		)
	} else {
		effects = append(effects, notifyStaff(c, &in, ri.Staff, false)...)
	}
	effects = append(effects, peerNudge(c, &in, ri.PeerToday)...)
	return append([]Effect{SaveIncident{Incident: in}}, effects...)
}

// notifyStaff sends the first ping and arms the timers. Urgent incidents go to
// the lead at the same time, whatever the hour.
func notifyStaff(c Context, in *store.Incident, s Staff, urgent bool) []Effect {
	p := c.Policy.WithDefaults()
	transition(in, evNotify)
	in.NotifiedAt, in.LastNotice, in.Notices = c.Now, c.Now, 1
	effects := []Effect{
		Send{To: ToWorker, Message: WorkerPing(c, *in, s.Worker, ""), Key: in.ID + "/worker/1"},
		auditOf(c, *in, "steady", "worker.notified", "worker "+s.Worker.ID),
	}
	if urgent {
		in.Escalated = true
		effects = append(effects, leadNotice(c, *in, s, c.Catalog.T("incident.header_urgent_lead", map[string]any{"Worker": s.Worker.Name}), "urgent: lead / on-call told at once, any hour")...)
		in.RenotifyAt = c.Now.Add(p.UrgentRenotifyAfter).Truncate(time.Minute)
		return append(effects, Timer{Kind: KindIncidentRenotify, Ref: in.ID, Due: in.RenotifyAt})
	}
	in.RenotifyAt = c.Now.Add(p.RenotifyAfter).Truncate(time.Minute)
	in.EscalateAt = c.Now.Add(p.EscalateAfter).Truncate(time.Minute)
	return append(effects,
		Timer{Kind: KindIncidentRenotify, Ref: in.ID, Due: in.RenotifyAt},
		Timer{Kind: KindIncidentEscalate, Ref: in.ID, Due: in.EscalateAt})
}

func leadNotice(c Context, in store.Incident, s Staff, header, reason string) []Effect {
	if s.Lead.ID == "" {
		return []Effect{auditOf(c, in, "steady", "lead.unreachable", "no lead / on-call configured; the worker is re-notified until someone acknowledges")}
	}
	return []Effect{
		Send{To: ToLead, Message: WorkerPing(c, in, s.Lead, header), Key: fmt.Sprintf("%s/lead/%d", in.ID, in.Notices)},
		auditOf(c, in, "steady", "lead.notified", reason),
	}
}

func selfHelp(c Context) string {
	var parts []string
	if c.Client.Plan.PauseScript != "" {
		parts = append(parts, c.Catalog.T("incident.self_help_pause", map[string]any{"Script": c.Client.Plan.PauseScript}))
	}
	if c.Client.Plan.Grounding != "" {
		parts = append(parts, c.Catalog.T("incident.self_help_grounding", map[string]any{"Grounding": c.Client.Plan.Grounding}))
	}
	if len(parts) == 0 {
		parts = append(parts, c.Catalog.T("incident.self_help_default", nil))
	}
	return strings.Join(parts, "\n")
}

// TimerDue reports whether a fired timer is the incident's current one of
// that kind. A timer left behind by an acknowledgement, a retried step or an
// earlier reschedule does nothing.
func TimerDue(in store.Incident, kind string, due time.Time) bool {
	var want time.Time
	switch kind {
	case KindIncidentRenotify:
		want = in.RenotifyAt
	case KindIncidentEscalate:
		want = in.EscalateAt
	case KindIncidentStale:
		want = in.StaleAt
	}
	return !want.IsZero() && want.Truncate(time.Minute).Equal(due.Truncate(time.Minute))
}

// awaitingAck reports whether staff still have to take the incident on.
func awaitingAck(in store.Incident) bool {
	return in.State == store.IncidentOpen || in.State == store.IncidentClientContacted || in.State == store.IncidentWorkerNotified
}

// Renotify handles an incident's re-notify timer: the worker (and the lead,
// once brought in) is pinged again and the next re-notify armed, until
// someone acknowledges. A non-urgent incident outside the worker's hours
// waits for their next start; its first notice, deferred by Raise, goes out then.
func Renotify(c Context, in store.Incident, s Staff) []Effect {
	if !awaitingAck(in) {
		return nil
	}
	p := c.Policy.WithDefaults()
	in.RenotifyAt = time.Time{}
	if !in.Urgent {
		hours, loc := HoursOf(c, s.Worker)
		if start, ok := hours.NextStart(c.Now, loc); ok && start.After(c.Now) {
			in.RenotifyAt = start.Truncate(time.Minute)
			if in.EscalateAt.Before(in.RenotifyAt) && !in.EscalateAt.IsZero() {
				// The lead is brought in a full EscalateAfter into the worker's day, not at its first minute.
				in.EscalateAt = in.RenotifyAt.Add(p.EscalateAfter)
			}
			effects := []Effect{SaveIncident{Incident: in},
				auditOf(c, in, "steady", "worker.notify_deferred", fmt.Sprintf("outside the worker's working hours (%s); next at %s", hours, start.In(loc).Format("Mon 2 Jan 15:04 MST"))),
				Timer{Kind: KindIncidentRenotify, Ref: in.ID, Due: in.RenotifyAt}}
			if !in.EscalateAt.IsZero() {
				effects = append(effects, Timer{Kind: KindIncidentEscalate, Ref: in.ID, Due: in.EscalateAt})
			}
			return effects
		}
	}
	if in.State != store.IncidentWorkerNotified {
		// The first notice, deferred to the start of working hours.
		effects := notifyStaff(c, &in, s, in.Urgent)
		if !in.EscalateAt.IsZero() {
			effects = append(effects, Timer{Kind: KindIncidentEscalate, Ref: in.ID, Due: in.EscalateAt})
		}
		return append([]Effect{SaveIncident{Incident: in}}, effects...)
	}
	in.Notices++
	in.LastNotice = c.Now
	every := p.RenotifyAfter
	switch {
	case in.Urgent:
		every = p.UrgentRenotifyAfter
	case in.Escalated:
		every = p.EscalatedRenotifyAfter
	}
	in.RenotifyAt = c.Now.Add(every).Truncate(time.Minute)
	header := c.Catalog.T("incident.header_reminder", map[string]any{"N": in.Notices, "Since": FormatMinutes(int(c.Now.Sub(in.NotifiedAt).Minutes()))})
	effects := []Effect{
		Send{To: ToWorker, Message: WorkerPing(c, in, s.Worker, header), Key: fmt.Sprintf("%s/worker/%d", in.ID, in.Notices)},
		auditOf(c, in, "steady", "worker.renotified", fmt.Sprintf("notice %d; not acknowledged after %s", in.Notices, FormatMinutes(int(c.Now.Sub(in.NotifiedAt).Minutes())))),
	}
	if in.Escalated {
		effects = append(effects, leadNotice(c, in, s, header, fmt.Sprintf("notice %d to the lead / on-call", in.Notices))...)
	}
	effects = append(effects, Timer{Kind: KindIncidentRenotify, Ref: in.ID, Due: in.RenotifyAt})
	return append([]Effect{SaveIncident{Incident: in}}, effects...)
}

// EscalateToLead handles an incident's lead timer: still unacknowledged, it
// goes to the lead / on-call (within their hours for a non-urgent one), and
// from then on every re-notify reaches them too.
func EscalateToLead(c Context, in store.Incident, s Staff) []Effect {
	if !awaitingAck(in) || in.Escalated {
		return nil
	}
	p := c.Policy.WithDefaults()
	in.EscalateAt = time.Time{}
	if s.Lead.ID == "" {
		return []Effect{SaveIncident{Incident: in},
			auditOf(c, in, "steady", "lead.unreachable", "no lead / on-call configured; the worker is re-notified until someone acknowledges")}
	}
	if !in.Urgent {
		hours, loc := HoursOf(c, s.Lead)
		if start, ok := hours.NextStart(c.Now, loc); ok && start.After(c.Now) {
			in.EscalateAt = start.Truncate(time.Minute)
			return []Effect{SaveIncident{Incident: in},
				auditOf(c, in, "steady", "lead.escalation_deferred", fmt.Sprintf("outside the lead's working hours (%s); next at %s", hours, start.In(loc).Format("Mon 2 Jan 15:04 MST"))),
				Timer{Kind: KindIncidentEscalate, Ref: in.ID, Due: in.EscalateAt}}
		}
	}
	in.Escalated = true
	since := "not yet told"
	if !in.NotifiedAt.IsZero() {
		since = FormatMinutes(int(c.Now.Sub(in.NotifiedAt).Minutes()))
	}
	// The lead's first ping is this escalation; the worker is reminded at the
	// same moment, and the re-notify cycle restarts so neither gets two at once.
	effects := []Effect{auditOf(c, in, "steady", "incident.escalated", "not acknowledged after "+since)}
	if !in.RenotifyAt.IsZero() {
		effects = append(effects, CancelTimer{Kind: KindIncidentRenotify, Ref: in.ID, Due: in.RenotifyAt})
	}
	every := p.RenotifyAfter
	if in.Urgent {
		every = p.UrgentRenotifyAfter
	}
	in.RenotifyAt = c.Now.Add(every).Truncate(time.Minute)
	if c.Now.Sub(in.LastNotice) >= time.Minute {
		// Not when the worker was reminded this very minute (timers caught up after downtime).
		in.Notices++
		in.LastNotice = c.Now
		reminder := c.Catalog.T("incident.header_reminder", map[string]any{"N": in.Notices, "Since": since})
		effects = append(effects,
			Send{To: ToWorker, Message: WorkerPing(c, in, s.Worker, reminder+" "+c.Catalog.T("incident.header_now_with_lead", map[string]any{"Lead": s.Lead.Name})), Key: fmt.Sprintf("%s/worker/%d", in.ID, in.Notices)},
			auditOf(c, in, "steady", "worker.renotified", fmt.Sprintf("notice %d; not acknowledged after %s", in.Notices, since)))
	}
	header := c.Catalog.T("incident.header_escalated", map[string]any{"Worker": s.Worker.Name, "Since": since})
	effects = append(effects, leadNotice(c, in, s, header, "escalated to the lead / on-call")...)
	effects = append(effects, Timer{Kind: KindIncidentRenotify, Ref: in.ID, Due: in.RenotifyAt})
	return append([]Effect{SaveIncident{Incident: in}}, effects...)
}

// disarm cancels an incident's pending timers.
func disarm(in *store.Incident) []Effect {
	var effects []Effect
	for _, t := range []struct {
		kind string
		at   *time.Time
	}{{KindIncidentRenotify, &in.RenotifyAt}, {KindIncidentEscalate, &in.EscalateAt}, {KindIncidentStale, &in.StaleAt}} {
		if !t.at.IsZero() {
			effects = append(effects, CancelTimer{Kind: t.kind, Ref: in.ID, Due: *t.at})
			*t.at = time.Time{}
		}
	}
	return effects
}

func addEvidence(c Context, in store.Incident, f Firing, s Staff) []Effect {
	have := map[string]bool{}
	for _, e := range in.Evidence {
		have[e.Key] = true
	}
	var added int
	for _, e := range f.Evidence {
		if !have[e.Key] {
			in.Evidence = append(in.Evidence, e)
			have[e.Key] = true
			added++
		}
	}
	if added == 0 {
		return nil
	}
	effects := []Effect{auditOf(c, in, "steady", "incident.evidence_added", fmt.Sprintf("%d new, same episode; no new incident", added))}
	if in.Urgent && !in.Closed() && s.Worker.ID != "" {
		// Another crisis message is news to whoever holds the incident, even
		// once acknowledged: they hear of it at once, not at the next reminder.
		in.Notices++
		in.LastNotice = c.Now
		header := c.Catalog.T("incident.header_new_evidence", nil)
		if in.Rule == RuleDanger {
			header = c.Catalog.T("incident.header_new_evidence_danger", nil)
		}
		effects = append(effects,
			Send{To: ToWorker, Message: WorkerPing(c, in, s.Worker, header), Key: fmt.Sprintf("%s/worker/%d", in.ID, in.Notices)},
			auditOf(c, in, "steady", "worker.renotified", fmt.Sprintf("notice %d: new evidence on an urgent incident", in.Notices)))
		effects = append(effects, leadNotice(c, in, s, header, fmt.Sprintf("notice %d to the lead / on-call: new evidence", in.Notices))...)
	}
	return append([]Effect{SaveIncident{Incident: in}}, effects...)
}

// Plan-check choices offered to the client when an incident opens.
const (
	ChoiceTalk  = "talk"
	ChoicePause = "pause_script"
	ChoiceOK    = "ok"
)

// clientContact is the client's side of an incident: the rule in their
// words, their plan's actions for it (if it has any), when their worker
// will see it (away, when they are not at work), and the plan's options.
func clientContact(c Context, in store.Incident, away string) Message {
	cat := c.Catalog
	data := map[string]any{
		"Name": c.Client.DisplayName, "Rule": cat.T("rule."+in.Rule+".client", nil),
		"Actions": strings.Join(PlanActions(c, in.Rule), "; "), "Away": away,
	}
	return Message{Text: cat.T("incident.client_contact", data), Choices: planOptions(c), Prompt: PlanCheckPrompt(in.ID)}
}

// planOptions are what the client is offered when an incident opens.
func planOptions(c Context) []Choice {
	choices := []Choice{{c.Catalog.T("choice.talk", nil), ChoiceTalk}}
	if c.Client.Plan.PauseScript != "" {
		choices = append(choices, Choice{c.Catalog.T("choice.pause_script", nil), ChoicePause})
	}
	return append(choices, Choice{c.Catalog.T("choice.ok", nil), ChoiceOK})
}

// PlanCheckPrompt is the prompt id of the options offered to the client for an incident.
func PlanCheckPrompt(incidentID string) string { return "plan:" + incidentID }

// WorkerPing is the staff message for an incident: who, which rule, the
// evidence, the plan's actions and the supervisor-consent status, under an
// optional header (a reminder, an escalation).
func WorkerPing(c Context, in store.Incident, to store.Worker, header string) Message {
	cat := c.Catalog
	var ev []string
	for _, e := range in.Evidence {
		ev = append(ev, e.Summary)
	}
	data := map[string]any{
		"Header": header, "Worker": to.Name, "Name": c.Client.DisplayName, "Rule": cat.T("rule."+in.Rule+".staff", nil),
		"Evidence": ev, "Actions": PlanActions(c, in.Rule), "Supervisor": SupervisorStatus(c, c.Client.Consents),
		"Urgent": in.Urgent,
	}
	return Message{
		Text:    cat.T("incident.worker_ping", data),
		Choices: []Choice{{cat.T("choice.ack", nil), ChoiceAck}, {cat.T("choice.resolve", nil), ChoiceResolve}},
		Prompt:  IncidentPrompt(in.ID),
	}
}

// SupervisorStatus says in one line what the worker may discuss with the supervisor.
func SupervisorStatus(c Context, cs store.Consents) string {
	switch cs.Supervisor {
	case store.SupervisorFunctional:
		return c.Catalog.T("consent.supervisor.functional", nil)
	case store.SupervisorNamed:
		return c.Catalog.T("consent.supervisor.named", map[string]any{"Items": strings.Join(cs.SupervisorItems, "; ")})
	}
	return c.Catalog.T("consent.supervisor.none", nil)
}

// PeerText is the peer-group nudge the client's consent allows, or "" for
// none: anonymous carries no name, named carries the display name; neither
// ever carries a figure, a diagnosis or the client's words.
func PeerText(c Context) string {
	switch c.Client.Consents.Peer {
	case store.PeerAnonymous:
		return c.Catalog.T("peer.nudge_anonymous", nil)
	case store.PeerNamed:
		return c.Catalog.T("peer.nudge_named", map[string]any{"Name": c.Client.DisplayName})
	}
	return ""
}

// peerNudge nudges the peer group only as consented, at most once per client
// per day, and through the moderators when the service holds nudges for
// approval. Whatever it decides is audited with the reason.
func peerNudge(c Context, in *store.Incident, alreadyToday bool) []Effect {
	text := PeerText(c)
	suppress := func(reason string) []Effect {
		in.Peer = store.PeerNudgeSuppressed
		return []Effect{auditOf(c, *in, "steady", "peer.suppressed", reason)}
	}
	switch {
	case text == "":
		return suppress("no peer-group consent")
	case alreadyToday:
		return suppress("daily cap: the group has already been nudged for this client today")
	}
	in.PeerAt = c.Now
	if c.Policy.PeerApproval {
		in.Peer = store.PeerNudgeHeld
		return []Effect{
			Send{To: ToModerator, Message: Message{
				Text:    c.Catalog.T("peer.held", map[string]any{"Text": text}),
				Choices: []Choice{{c.Catalog.T("choice.approve", nil), ChoiceApprove}, {c.Catalog.T("choice.decline", nil), ChoiceDecline}},
				Prompt:  PeerPrompt(in.ID),
			}, Key: in.ID + "/peer/held"},
			auditOf(c, *in, "steady", "peer.held", "waiting for a moderator; consent: "+string(c.Client.Consents.Peer)),
		}
	}
	in.Peer = store.PeerNudgePosted
	return []Effect{
		Send{To: ToPeer, Message: Message{Text: text}, Key: in.ID + "/peer"},
		auditOf(c, *in, "steady", "peer.nudged", "consent: "+string(c.Client.Consents.Peer)),
	}
}

// ApprovePeer posts a held nudge once a moderator approves it, checking the
// client's consent as it stands now (consent withdrawn while it waited means
// nothing is posted) and the daily cap (postedToday: another nudge for the
// client already went out today).
func ApprovePeer(c Context, in store.Incident, by string, postedToday bool) (store.Incident, []Effect, bool) {
	if in.Peer != store.PeerNudgeHeld {
		return in, nil, false
	}
	text := PeerText(c)
	suppress := func(reason string) (store.Incident, []Effect, bool) {
		in.Peer = store.PeerNudgeSuppressed
		return in, []Effect{SaveIncident{Incident: in}, auditOf(c, in, by, "peer.suppressed", "approved by "+by+", but "+reason)}, true
	}
	if text == "" {
		return suppress("peer-group consent was withdrawn while it waited")
	}
	if postedToday {
		return suppress("daily cap: another nudge for this client was posted today")
	}
	in.Peer, in.PeerAt = store.PeerNudgePosted, c.Now
	return in, []Effect{
		SaveIncident{Incident: in},
		Send{To: ToPeer, Message: Message{Text: text}, Key: in.ID + "/peer"},
		auditOf(c, in, by, "peer.approved", "by "+by+"; consent: "+string(c.Client.Consents.Peer)),
	}, true
}

// DeclinePeer drops a held nudge.
func DeclinePeer(c Context, in store.Incident, by string) (store.Incident, []Effect, bool) {
	if in.Peer != store.PeerNudgeHeld {
		return in, nil, false
	}
	in.Peer = store.PeerNudgeDeclined
	return in, []Effect{SaveIncident{Incident: in}, auditOf(c, in, by, "peer.declined", "by "+by)}, true
}

// Acknowledge records that a member of staff has taken the incident on: the
// re-notify and lead timers are disarmed, and the staff who were pinged are
// told who has it. It reports false if it was not open to acknowledge.
func Acknowledge(c Context, in store.Incident, by store.Worker) (store.Incident, []Effect, bool) {
	if !awaitingAck(in) || !transition(&in, evAck) {
		return in, nil, false
	}
	p := c.Policy.WithDefaults()
	in.AckBy, in.AckAt = by.ID, c.Now
	effects := []Effect{
		auditOf(c, in, by.ID, "incident.acknowledged", "by "+by.ID),
	}
	effects = append(effects, disarm(&in)...)
	in.StaleAt = c.Now.Add(p.StaleAfter).Truncate(time.Minute)
	effects = append(effects, Timer{Kind: KindIncidentStale, Ref: in.ID, Due: in.StaleAt})
	msg := Message{Text: c.Catalog.T("incident.acknowledged", map[string]any{
		"Name": c.Client.DisplayName, "By": by.Name, "Rule": c.Catalog.T("rule."+in.Rule+".staff", nil),
	})}
	effects = append(effects, Send{To: ToWorker, Message: msg, Key: in.ID + "/ack"})
	if in.Escalated {
		effects = append(effects, Send{To: ToLead, Message: msg, Key: in.ID + "/ack/lead"})
	}
	return in, append([]Effect{SaveIncident{Incident: in}}, effects...), true
}

// Resolve closes an incident with an outcome note (stored for the audit
// sample; the audit records that an outcome was given, never its text).
func Resolve(c Context, in store.Incident, by store.Worker, outcome string) (store.Incident, []Effect, bool) {
	if in.Closed() || !transition(&in, evResolve) {
		return in, nil, false
	}
	in.ResolvedBy, in.ResolvedAt, in.Outcome = by.ID, c.Now, outcome
	if in.AckBy == "" {
		in.AckBy, in.AckAt = by.ID, c.Now // resolving is taking it on
	}
	effects := append([]Effect{auditOf(c, in, by.ID, "incident.resolved", "by "+by.ID+"; outcome recorded")}, disarm(&in)...)
	msg := Message{Text: c.Catalog.T("incident.resolved", map[string]any{
		"Name": c.Client.DisplayName, "By": by.Name, "Rule": c.Catalog.T("rule."+in.Rule+".staff", nil),
	})}
	effects = append(effects, Send{To: ToWorker, Message: msg, Key: in.ID + "/resolved"})
	if in.Escalated {
		effects = append(effects, Send{To: ToLead, Message: msg, Key: in.ID + "/resolved/lead"})
	}
	return in, append([]Effect{SaveIncident{Incident: in}}, effects...), true
}

// CloseStale handles an incident's stale timer: acknowledged long ago and
// never resolved, it is closed as stale and the worker told, so nothing sits
// open forever without anyone noticing.
func CloseStale(c Context, in store.Incident) []Effect {
	if in.State != store.IncidentAcknowledged || !transition(&in, evStale) {
		return nil
	}
	in.StaleAt = time.Time{}
	days := int(c.Now.Sub(in.AckAt).Hours() / 24)
	return []Effect{
		SaveIncident{Incident: in},
		auditOf(c, in, "steady", "incident.stale", fmt.Sprintf("acknowledged by %s %d days ago; no outcome recorded", in.AckBy, days)),
		Send{To: ToWorker, Message: Message{Text: c.Catalog.T("incident.stale", map[string]any{
			"Name": c.Client.DisplayName, "Rule": c.Catalog.T("rule."+in.Rule+".staff", nil), "Days": days,
		})}, Key: in.ID + "/stale"},
	}
}

// plural writes a count with the right noun: "1 piece", "2 pieces".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
