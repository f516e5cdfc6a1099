package flows

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
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

// IncidentID names an incident when the caller gives no id of its own
// (RaiseInput.NewID): deterministic per client, rule and episode, and
// opaque — an incident id reaches Redis keys, scheduler entries and
// buttons, so it names no client, rule or date. The service gives each new
// incident a random id instead (nothing can be guessed from it at all); an
// episode's incident is found by its rule and episode, never by its id.
func IncidentID(client, rule, episode string) string {
	sum := sha256.Sum256([]byte(client + "\x00" + rule + "\x00" + episode))
	return "i" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:]))[:20]
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
	// KindIncidentNews sends evidence that arrived moments after staff were
	// last pinged, gathered into one message (see Policy.NewsEvery).
	KindIncidentNews = "incident_news"
)

// RuleTalk is a client asking to talk to their worker ("talk to my
// worker", or that choice on an incident's options). It is not a threshold
// rule: a request opens one incident, so the worker gets one ping, reminders
// until someone acknowledges and the lead if nobody does; asking again while
// it is open adds to it and pings nobody twice.
const RuleTalk = "talk_request"

// TalkRequest is the client asking to talk to their worker (key names the
// request; during, the flow it came in, if any): a firing of RuleTalk, which
// opens the request's incident or joins the one already open.
func TalkRequest(c Context, key, during string) Effect {
	return Escalate{Firing: Firing{Rule: RuleTalk, Evidence: []store.Evidence{{At: c.Now, Key: "talk:" + key,
		Summary: c.Catalog.T("evidence.talk", map[string]any{"When": c.Local().Format("Mon 2 Jan 15:04"), "During": during})}}}}
}

// Limits on what one ping carries, so its size stays bounded however much
// evidence an incident gathers: a full ping shows the first item and the
// latest few, a news ping the latest few of the new ones.
const (
	pingLatest = 3
	newsLatest = 3
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
	// NewsEvery: new evidence on an urgent incident reaches staff at once,
	// unless they were pinged about it less than this ago; then it waits and
	// goes in one message at the end of this time (5 min). Fifty crisis
	// messages in a few minutes are one incident and a few pings, not fifty.
	NewsEvery time.Duration
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
	if p.NewsEvery <= 0 {
		p.NewsEvery = 5 * time.Minute
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

// nameOf is the name of the worker or the lead with that id ("" for anyone else).
func (s Staff) nameOf(id string) string {
	switch {
	case id == "":
		return ""
	case id == s.Worker.ID:
		return s.Worker.Name
	case id == s.Lead.ID:
		return s.Lead.Name
	}
	return ""
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
	// NewID is the id a new incident takes (default: IncidentID).
	NewID string
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
	id := ri.NewID
	if id == "" {
		id = IncidentID(c.Client.ID, f.Rule, f.Episode)
	}
	in := store.Incident{
		ID: id, ClientID: c.Client.ID, Rule: f.Rule,
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
		effects = append(effects, Send{To: ToClient, Message: Message{Text: c.Catalog.T("incident.client_contact_urgent", map[string]any{"Name": c.Client.DisplayName})}, Key: in.ID + "/client", Urgent: true},
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
	if in.Rule != RuleTalk {
		// A client who asked to talk has had their answer (Control); the
		// plan's options are for what Steady noticed on its own.
		effects = append(effects, Send{To: ToClient, Message: clientContact(c, in, away), Key: in.ID + "/client"},
			auditOf(c, in, "steady", "client.contacted", "plan options offered"))
	}
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
	if in.Rule == RuleTalk {
		in.Peer = store.PeerNudgeSuppressed
		effects = append(effects, auditOf(c, in, "steady", "peer.suppressed", "the client asked for their worker, not the group"))
	} else {
		effects = append(effects, peerNudge(c, &in, ri.PeerToday)...)
	}
	return append([]Effect{SaveIncident{Incident: in}}, effects...)
}

// notifyStaff sends the first ping and arms the timers. Urgent incidents go to
// the lead at the same time, whatever the hour.
func notifyStaff(c Context, in *store.Incident, s Staff, urgent bool) []Effect {
	p := c.Policy.WithDefaults()
	transition(in, evNotify)
	in.NotifiedAt, in.LastNotice, in.Notices = c.Now, c.Now, 1
	in.Told = len(in.Evidence)
	effects := []Effect{
		Send{To: ToWorker, Message: WorkerPing(c, *in, s.Worker, ""), Key: PingKey(in.ID, ToWorker, 1), Urgent: in.Urgent},
		auditOf(c, *in, "steady", "worker.notified", "worker "+s.Worker.ID),
	}
	if urgent {
		effects = append(effects, leadNotice(c, in, s, c.Catalog.T("incident.header_urgent_lead", map[string]any{"Worker": s.Worker.Name}), "urgent: lead / on-call told at once, any hour")...)
		effects = append(effects, staffNotice(c, *in, s))
		in.RenotifyAt = c.Now.Add(p.UrgentRenotifyAfter).Truncate(time.Minute)
		return append(effects, Timer{Kind: KindIncidentRenotify, Ref: in.ID, Due: in.RenotifyAt})
	}
	in.RenotifyAt = c.Now.Add(p.RenotifyAfter).Truncate(time.Minute)
	in.EscalateAt = c.Now.Add(p.EscalateAfter).Truncate(time.Minute)
	return append(effects,
		Timer{Kind: KindIncidentRenotify, Ref: in.ID, Due: in.RenotifyAt},
		Timer{Kind: KindIncidentEscalate, Ref: in.ID, Due: in.EscalateAt})
}

// leadNotice pings the lead / on-call with the incident (its notice
// number is the incident's current one) and marks them as brought in.
func leadNotice(c Context, in *store.Incident, s Staff, header, reason string) []Effect {
	in.Escalated = true
	if s.Lead.ID == "" {
		return []Effect{auditOf(c, *in, "steady", "lead.unreachable", "no lead / on-call configured; the worker is re-notified until someone acknowledges")}
	}
	if in.LeadSince == 0 {
		in.LeadSince = in.Notices
	}
	return []Effect{
		Send{To: ToLead, Message: WorkerPing(c, *in, s.Lead, header), Key: PingKey(in.ID, ToLead, in.Notices), Urgent: in.Urgent},
		auditOf(c, *in, "steady", "lead.notified", reason),
	}
}

// PingKey is the delivery key of an incident's nth ping to the worker or the
// lead. Every ping of an incident has one, so acknowledging it can rewrite
// each copy wherever it landed.
func PingKey(incidentID string, to Audience, n int) string {
	return fmt.Sprintf("%s/%s/%d", incidentID, to, n)
}

// staffNotice is the shared staff channel's line about an urgent incident:
// whose caseload and who has been told, and nothing about the client (not
// their name, the rule, a figure or a word), so colleagues can cover
// without the whole staff reading a client's health details.
func staffNotice(c Context, in store.Incident, s Staff) Effect {
	return Send{To: ToStaff, Urgent: true, Key: in.ID + "/staff", Message: Message{Text: c.Catalog.T("incident.staff_notice", map[string]any{
		"Worker": s.Worker.Name, "Lead": s.Lead.Name, "HasLead": s.Lead.ID != "",
	})}}
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
	case KindIncidentNews:
		want = in.NewsAt
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
	in.Told = len(in.Evidence)
	header := c.Catalog.T("incident.header_reminder", map[string]any{"N": in.Notices, "Since": FormatMinutes(int(c.Now.Sub(in.NotifiedAt).Minutes()))})
	effects := []Effect{
		Send{To: ToWorker, Message: WorkerPing(c, in, s.Worker, header), Key: PingKey(in.ID, ToWorker, in.Notices), Urgent: in.Urgent},
		auditOf(c, in, "steady", "worker.renotified", fmt.Sprintf("notice %d; not acknowledged after %s", in.Notices, FormatMinutes(int(c.Now.Sub(in.NotifiedAt).Minutes())))),
	}
	if in.Escalated {
		effects = append(effects, leadNotice(c, &in, s, header, fmt.Sprintf("notice %d to the lead / on-call", in.Notices))...)
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
	in.Told = len(in.Evidence)
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
			Send{To: ToWorker, Message: WorkerPing(c, in, s.Worker, reminder+" "+c.Catalog.T("incident.header_now_with_lead", map[string]any{"Lead": s.Lead.Name})), Key: PingKey(in.ID, ToWorker, in.Notices), Urgent: in.Urgent},
			auditOf(c, in, "steady", "worker.renotified", fmt.Sprintf("notice %d; not acknowledged after %s", in.Notices, since)))
	}
	header := c.Catalog.T("incident.header_escalated", map[string]any{"Worker": s.Worker.Name, "Since": since})
	effects = append(effects, leadNotice(c, &in, s, header, "escalated to the lead / on-call")...)
	effects = append(effects, Timer{Kind: KindIncidentRenotify, Ref: in.ID, Due: in.RenotifyAt})
	return append([]Effect{SaveIncident{Incident: in}}, effects...)
}

// disarm cancels an incident's pending timers. Acknowledging keeps the news
// timer (keepNews): crisis messages held back moments before still reach
// whoever has taken it on.
func disarm(in *store.Incident, keepNews bool) []Effect {
	var effects []Effect
	for _, t := range []struct {
		kind string
		at   *time.Time
	}{{KindIncidentRenotify, &in.RenotifyAt}, {KindIncidentEscalate, &in.EscalateAt}, {KindIncidentStale, &in.StaleAt}, {KindIncidentNews, &in.NewsAt}} {
		if keepNews && t.kind == KindIncidentNews {
			continue
		}
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
	reason := fmt.Sprintf("%d new, same episode; no new incident", added)
	if !in.Urgent || in.Closed() || s.Worker.ID == "" || in.NotifiedAt.IsZero() {
		// Staff see it with the incident's next ping (a reminder, or the
		// first notice at the start of working hours).
		return []Effect{SaveIncident{Incident: in}, auditOf(c, in, "steady", "incident.evidence_added", reason)}
	}
	// Another crisis message is news to whoever holds the incident, even
	// once acknowledged: they hear of it at once, unless they were pinged
	// moments ago, when it waits a few minutes and goes with whatever else
	// comes meanwhile.
	p := c.Policy.WithDefaults()
	if !in.NewsAt.IsZero() {
		return []Effect{SaveIncident{Incident: in}, auditOf(c, in, "steady", "incident.evidence_added", reason+"; goes with the news at "+in.NewsAt.In(c.Loc).Format("15:04"))}
	}
	if next := in.LastNotice.Add(p.NewsEvery); c.Now.Before(next) {
		in.NewsAt = next.Truncate(time.Minute)
		if !in.NewsAt.After(c.Now) {
			in.NewsAt = in.NewsAt.Add(time.Minute)
		}
		return []Effect{SaveIncident{Incident: in},
			auditOf(c, in, "steady", "incident.evidence_added", reason+"; staff were pinged "+FormatMinutes(int(c.Now.Sub(in.LastNotice).Minutes()))+" ago, so it goes at "+in.NewsAt.In(c.Loc).Format("15:04")),
			Timer{Kind: KindIncidentNews, Ref: in.ID, Due: in.NewsAt}}
	}
	effects := append([]Effect{auditOf(c, in, "steady", "incident.evidence_added", reason)}, news(c, &in, s)...)
	return append([]Effect{SaveIncident{Incident: in}}, effects...)
}

// News handles an incident's news timer: the evidence gathered since staff
// were last pinged goes out in one message, if there is any and the
// incident is still open.
func News(c Context, in store.Incident, s Staff) []Effect {
	in.NewsAt = time.Time{}
	if in.Closed() || in.Told >= len(in.Evidence) || s.Worker.ID == "" {
		return []Effect{SaveIncident{Incident: in}}
	}
	return append([]Effect{SaveIncident{Incident: in}}, news(c, &in, s)...)
}

// news pings the worker, and the lead once brought in, with the evidence
// they have not seen: the latest few items and how many more, never the
// whole history again.
func news(c Context, in *store.Incident, s Staff) []Effect {
	fresh := in.Evidence[in.Told:]
	in.Notices++
	in.LastNotice = c.Now
	in.Told = len(in.Evidence)
	msg := func(to store.Worker) Message {
		shown := fresh
		if len(shown) > newsLatest {
			shown = shown[len(shown)-newsLatest:]
		}
		var lines []string
		for _, e := range shown {
			lines = append(lines, e.Summary)
		}
		m := pingMessage(c, *in)
		m.Text = c.Catalog.T("incident.worker_news", map[string]any{
			"Name": c.Client.DisplayName, "Rule": c.Catalog.T("rule."+in.Rule+".staff", nil), "Urgent": in.Urgent,
			"New": len(fresh), "Evidence": lines, "More": len(fresh) - len(shown), "ID": c.Client.ID,
			"Acknowledged": in.State == store.IncidentAcknowledged, "By": s.nameOf(in.AckBy),
		})
		return m
	}
	effects := []Effect{
		Send{To: ToWorker, Message: msg(s.Worker), Key: PingKey(in.ID, ToWorker, in.Notices), Urgent: in.Urgent},
		auditOf(c, *in, "steady", "worker.renotified", fmt.Sprintf("notice %d: %s of new evidence", in.Notices, plural(len(fresh), "piece", "pieces"))),
	}
	if in.Escalated && s.Lead.ID != "" {
		if in.LeadSince == 0 {
			in.LeadSince = in.Notices
		}
		effects = append(effects,
			Send{To: ToLead, Message: msg(s.Lead), Key: PingKey(in.ID, ToLead, in.Notices), Urgent: in.Urgent},
			auditOf(c, *in, "steady", "lead.notified", fmt.Sprintf("notice %d to the lead / on-call: new evidence", in.Notices)))
	}
	return effects
}

// pingMessage is a ping's buttons for the incident's state: Acknowledge and
// Resolve while it waits for staff, Resolve alone once someone has it, none
// once it is closed.
func pingMessage(c Context, in store.Incident) Message {
	switch {
	case in.Closed():
		return Message{}
	case in.State == store.IncidentAcknowledged:
		return Message{Choices: []Choice{{c.Catalog.T("choice.resolve", nil), ChoiceResolve}}, Prompt: IncidentPrompt(in.ID)}
	}
	return Message{
		Choices: []Choice{{c.Catalog.T("choice.ack", nil), ChoiceAck}, {c.Catalog.T("choice.resolve", nil), ChoiceResolve}},
		Prompt:  IncidentPrompt(in.ID),
	}
}

// updateCopies rewrites every ping the incident has sent staff, wherever it
// landed, to show what became of it (acknowledged, resolved, stale) with
// only the buttons that still apply: a worker who opens an old reminder
// sees that Jo already has it, and cannot acknowledge it twice.
func updateCopies(c Context, in store.Incident, s Staff, header string) []Effect {
	var effects []Effect
	for n := 1; n <= in.Notices; n++ {
		effects = append(effects, Send{To: ToWorker, Replaces: PingKey(in.ID, ToWorker, n), Key: PingKey(in.ID, ToWorker, n) + "/" + in.State,
			Message: WorkerPing(c, in, s.Worker, header)})
		if in.LeadSince > 0 && n >= in.LeadSince {
			effects = append(effects, Send{To: ToLead, Replaces: PingKey(in.ID, ToLead, n), Key: PingKey(in.ID, ToLead, n) + "/" + in.State,
				Message: WorkerPing(c, in, s.Lead, header)})
		}
	}
	return effects
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
//
// However much evidence the incident has gathered, the ping shows the
// first item (what opened it) and the latest few, with a count of those in
// between: its size stays bounded, and /client shows everything.
func WorkerPing(c Context, in store.Incident, to store.Worker, header string) Message {
	cat := c.Catalog
	var ev []string
	for _, e := range in.Evidence {
		ev = append(ev, e.Summary)
	}
	if between := len(ev) - 1 - pingLatest; between > 1 {
		ev = append([]string{ev[0], cat.T("incident.evidence_between", map[string]any{"N": between, "ID": c.Client.ID})}, ev[len(ev)-pingLatest:]...)
	}
	data := map[string]any{
		"Header": header, "Worker": to.Name, "Name": c.Client.DisplayName, "Rule": cat.T("rule."+in.Rule+".staff", nil),
		"Evidence": ev, "Actions": PlanActions(c, in.Rule), "Supervisor": SupervisorStatus(c, c.Client.Consents),
		"Urgent": in.Urgent,
	}
	m := pingMessage(c, in)
	m.Text = cat.T("incident.worker_ping", data)
	return m
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
func Acknowledge(c Context, in store.Incident, by store.Worker, s Staff) (store.Incident, []Effect, bool) {
	if !awaitingAck(in) || !transition(&in, evAck) {
		return in, nil, false
	}
	p := c.Policy.WithDefaults()
	in.AckBy, in.AckAt = by.ID, c.Now
	effects := []Effect{
		auditOf(c, in, by.ID, "incident.acknowledged", "by "+by.ID),
	}
	effects = append(effects, disarm(&in, true)...)
	in.StaleAt = c.Now.Add(p.StaleAfter).Truncate(time.Minute)
	effects = append(effects, Timer{Kind: KindIncidentStale, Ref: in.ID, Due: in.StaleAt})
	msg := Message{Text: c.Catalog.T("incident.acknowledged", map[string]any{
		"Name": c.Client.DisplayName, "By": by.Name, "Rule": c.Catalog.T("rule."+in.Rule+".staff", nil),
	})}
	effects = append(effects, updateCopies(c, in, s, c.Catalog.T("incident.header_acknowledged", map[string]any{"By": by.Name, "At": c.Now.In(c.Loc).Format("Mon 2 Jan 15:04")}))...)
	effects = append(effects, Send{To: ToWorker, Message: msg, Key: in.ID + "/ack"})
	if in.Escalated {
		effects = append(effects, Send{To: ToLead, Message: msg, Key: in.ID + "/ack/lead"})
	}
	return in, append([]Effect{SaveIncident{Incident: in}}, effects...), true
}

// Resolve closes an incident with an outcome note (stored for the audit
// sample; the audit records that an outcome was given, never its text).
func Resolve(c Context, in store.Incident, by store.Worker, outcome string, s Staff) (store.Incident, []Effect, bool) {
	if in.Closed() || !transition(&in, evResolve) {
		return in, nil, false
	}
	in.ResolvedBy, in.ResolvedAt, in.Outcome = by.ID, c.Now, outcome
	if in.AckBy == "" {
		in.AckBy, in.AckAt = by.ID, c.Now // resolving is taking it on
	}
	effects := append([]Effect{auditOf(c, in, by.ID, "incident.resolved", "by "+by.ID+"; outcome recorded")}, disarm(&in, false)...)
	msg := Message{Text: c.Catalog.T("incident.resolved", map[string]any{
		"Name": c.Client.DisplayName, "By": by.Name, "Rule": c.Catalog.T("rule."+in.Rule+".staff", nil),
	})}
	effects = append(effects, updateCopies(c, in, s, c.Catalog.T("incident.header_resolved", map[string]any{"By": by.Name, "At": c.Now.In(c.Loc).Format("Mon 2 Jan 15:04")}))...)
	effects = append(effects, Send{To: ToWorker, Message: msg, Key: in.ID + "/resolved"})
	if in.Escalated {
		effects = append(effects, Send{To: ToLead, Message: msg, Key: in.ID + "/resolved/lead"})
	}
	return in, append([]Effect{SaveIncident{Incident: in}}, effects...), true
}

// CloseStale handles an incident's stale timer: acknowledged long ago and
// never resolved, it is closed as stale and the worker told, so nothing sits
// open forever without anyone noticing.
func CloseStale(c Context, in store.Incident, s Staff) []Effect {
	if in.State != store.IncidentAcknowledged || !transition(&in, evStale) {
		return nil
	}
	in.StaleAt = time.Time{}
	days := int(c.Now.Sub(in.AckAt).Hours() / 24)
	effects := append([]Effect{auditOf(c, in, "steady", "incident.stale", fmt.Sprintf("acknowledged by %s %d days ago; no outcome recorded", in.AckBy, days))}, disarm(&in, false)...)
	effects = append(effects, updateCopies(c, in, s, c.Catalog.T("incident.header_stale", map[string]any{"Days": days}))...)
	effects = append(effects, Send{To: ToWorker, Message: Message{Text: c.Catalog.T("incident.stale", map[string]any{
		"Name": c.Client.DisplayName, "Rule": c.Catalog.T("rule."+in.Rule+".staff", nil), "Days": days,
	})}, Key: in.ID + "/stale"})
	return append([]Effect{SaveIncident{Incident: in}}, effects...)
}

// plural writes a count with the right noun: "1 piece", "2 pieces".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
