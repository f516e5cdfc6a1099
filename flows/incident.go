package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"

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

// Choices on a staff ping.
const (
	ChoiceAck     = "ack"
	ChoiceResolve = "resolve"
)

// Raise decides what a rule firing does. existing is the client's incident
// for the same rule and episode, if one was ever opened.
//
// A new incident contacts the client first, with their plan's options, then
// pings their worker with the evidence, the plan and what the client has
// agreed about their supervisor, and nudges the peer group only as the
// client's peer consent allows. A firing in an episode that already has an
// incident adds its new evidence and pings no one again.
func Raise(c Context, f Firing, existing *store.Incident, worker store.Worker) []Effect {
	if existing != nil {
		return addEvidence(c, *existing, f)
	}
	in := store.Incident{
		ID: IncidentID(c.Client.ID, f.Rule, f.Episode), ClientID: c.Client.ID, Rule: f.Rule,
		Episode: f.Episode, State: store.IncidentOpen, Urgent: f.Urgent, OpenedAt: c.Now,
		Evidence: f.Evidence,
	}
	audit := func(action, reason string) Effect {
		return Audit{Event: store.AuditEvent{At: c.Now, Actor: "steady", Action: action, Incident: in.ID, Rule: in.Rule, Reason: reason}}
	}
	effects := []Effect{audit("incident.opened", fmt.Sprintf("%d pieces of evidence", len(in.Evidence)))}

	transition(&in, evContact)
	effects = append(effects, Send{To: ToClient, Message: clientContact(c, in), Key: in.ID + "/client"},
		audit("client.contacted", "plan options offered"))

	transition(&in, evNotify)
	in.NotifiedAt, in.Notices = c.Now, 1
	effects = append(effects, Send{To: ToWorker, Message: WorkerPing(c, in, worker), Key: in.ID + "/worker/1"},
		audit("worker.notified", "worker "+worker.ID))

	effects = append(effects, peerNudge(c, in)...)
	return append([]Effect{SaveIncident{Incident: in}}, effects...)
}

func addEvidence(c Context, in store.Incident, f Firing) []Effect {
	have := map[string]bool{}
	for _, e := range in.Evidence {
		have[e.Key] = true
	}
	var added int
	for _, e := range f.Evidence {
		if !have[e.Key] {
			in.Evidence = append(in.Evidence, e)
			added++
		}
	}
	if added == 0 {
		return nil
	}
	return []Effect{
		SaveIncident{Incident: in},
		Audit{Event: store.AuditEvent{At: c.Now, Actor: "steady", Action: "incident.evidence_added", Incident: in.ID, Rule: in.Rule,
			Reason: fmt.Sprintf("%d new, same episode; no new incident", added)}},
	}
}

// Plan-check choices offered to the client when an incident opens.
const (
	ChoiceTalk  = "talk"
	ChoicePause = "pause_script"
	ChoiceOK    = "ok"
)

func clientContact(c Context, in store.Incident) Message {
	cat := c.Catalog
	data := map[string]any{
		"Name": c.Client.DisplayName, "Rule": cat.T("rule."+in.Rule+".client", nil),
		"Actions": strings.Join(c.Client.Plan.ActionsFor(in.Rule), "; "),
	}
	choices := []Choice{{cat.T("choice.talk", nil), ChoiceTalk}}
	if c.Client.Plan.PauseScript != "" {
		choices = append(choices, Choice{cat.T("choice.pause_script", nil), ChoicePause})
	}
	choices = append(choices, Choice{cat.T("choice.ok", nil), ChoiceOK})
	return Message{Text: cat.T("incident.client_contact", data), Choices: choices, Prompt: PlanCheckPrompt(in.ID)}
}

// PlanCheckPrompt is the prompt id of the options offered to the client for an incident.
func PlanCheckPrompt(incidentID string) string { return "plan:" + incidentID }

// WorkerPing is the staff message for an incident: who, which rule, the
// evidence, the plan's actions and the supervisor-consent status.
func WorkerPing(c Context, in store.Incident, worker store.Worker) Message {
	cat := c.Catalog
	var ev []string
	for _, e := range in.Evidence {
		ev = append(ev, e.Summary)
	}
	actions := c.Client.Plan.ActionsFor(in.Rule)
	data := map[string]any{
		"Worker": worker.Name, "Name": c.Client.DisplayName, "Rule": cat.T("rule."+in.Rule+".staff", nil),
		"Evidence": ev, "Actions": actions, "Supervisor": SupervisorStatus(c, c.Client.Consents),
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

// peerNudge posts to the peer group only as consented: anonymous carries no
// name, named carries the display name; neither ever carries a figure, a
// diagnosis or the client's words. Without consent it only records why not.
func peerNudge(c Context, in store.Incident) []Effect {
	audit := func(action, reason string) Effect {
		return Audit{Event: store.AuditEvent{At: c.Now, Actor: "steady", Action: action, Incident: in.ID, Rule: in.Rule, Reason: reason}}
	}
	var text string
	switch c.Client.Consents.Peer {
	case store.PeerAnonymous:
		text = c.Catalog.T("peer.nudge_anonymous", nil)
	case store.PeerNamed:
		text = c.Catalog.T("peer.nudge_named", map[string]any{"Name": c.Client.DisplayName})
	default:
		return []Effect{audit("peer.suppressed", "no peer-group consent")}
	}
	return []Effect{
		Send{To: ToPeer, Message: Message{Text: text}, Key: in.ID + "/peer"},
		audit("peer.nudged", "consent: "+string(c.Client.Consents.Peer)),
	}
}

// Acknowledge records that a member of staff has taken the incident on. It
// reports false, with a message for them, if it was not open to acknowledge.
func Acknowledge(c Context, in store.Incident, by store.Worker) (store.Incident, []Effect, bool) {
	if !transition(&in, evAck) || in.State != store.IncidentAcknowledged {
		return in, nil, false
	}
	in.AckBy, in.AckAt = by.ID, c.Now
	return in, []Effect{
		SaveIncident{Incident: in},
		Audit{Event: store.AuditEvent{At: c.Now, Actor: by.ID, Action: "incident.acknowledged", Incident: in.ID, Rule: in.Rule, Reason: "by " + by.ID}},
		Send{To: ToWorker, Message: Message{Text: c.Catalog.T("incident.acknowledged", map[string]any{
			"Name": c.Client.DisplayName, "By": by.Name, "Rule": c.Catalog.T("rule."+in.Rule+".staff", nil),
		})}, Key: in.ID + "/ack"},
	}, true
}

// Resolve closes an incident with an outcome note (stored for the audit
// sample; never posted anywhere but the staff view).
func Resolve(c Context, in store.Incident, by store.Worker, outcome string) (store.Incident, []Effect, bool) {
	if !transition(&in, evResolve) || in.State != store.IncidentResolved {
		return in, nil, false
	}
	in.ResolvedBy, in.ResolvedAt, in.Outcome = by.ID, c.Now, outcome
	return in, []Effect{
		SaveIncident{Incident: in},
		Audit{Event: store.AuditEvent{At: c.Now, Actor: by.ID, Action: "incident.resolved", Incident: in.ID, Rule: in.Rule, Reason: "outcome recorded"}},
	}, true
}
