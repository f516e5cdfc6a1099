package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
)

// EscalationConfig is the service's incident timing and routing. Zero fields
// take flows.Policy's defaults (30 min, 2 h, 15 min, 14 days, always at work).
type EscalationConfig struct {
	RenotifyAfter       time.Duration
	EscalateAfter       time.Duration
	UrgentRenotifyAfter time.Duration
	// EscalatedRenotifyAfter: reminders of a non-urgent incident the lead
	// already has (default 24 h).
	EscalatedRenotifyAfter time.Duration
	StaleAfter             time.Duration
	// DefaultHours are the working hours of staff who have none of their
	// own, e.g. "mon-fri 09:00-17:00" (flows.ParseHours). Empty: always.
	DefaultHours string
	// PeerApproval holds every peer nudge until a moderator approves it.
	PeerApproval bool
}

// Validate reports a setting that cannot be used.
func (c EscalationConfig) Validate() error {
	if c.DefaultHours != "" {
		if _, err := flows.ParseHours(c.DefaultHours); err != nil {
			return err
		}
	}
	for _, d := range []time.Duration{c.RenotifyAfter, c.EscalateAfter, c.UrgentRenotifyAfter, c.EscalatedRenotifyAfter, c.StaleAfter} {
		if d < 0 || d > 0 && d < time.Minute {
			return fmt.Errorf("escalation timers must be at least a minute, got %s", d)
		}
	}
	return nil
}

func (c EscalationConfig) policy(log *slog.Logger) flows.Policy {
	p := flows.Policy{
		RenotifyAfter: c.RenotifyAfter, EscalateAfter: c.EscalateAfter,
		UrgentRenotifyAfter: c.UrgentRenotifyAfter, EscalatedRenotifyAfter: c.EscalatedRenotifyAfter,
		StaleAfter: c.StaleAfter, PeerApproval: c.PeerApproval,
	}
	if c.DefaultHours != "" {
		h, err := flows.ParseHours(c.DefaultHours)
		if err != nil {
			// Fail towards reaching people sooner: unknown hours count as always at work.
			log.Error("default working hours unreadable; treating staff as always at work", "err", err)
		}
		p.DefaultHours = h
	}
	return p.WithDefaults()
}

// lateStillMatters are kinds that must still act when they fall due while
// Steady was down: an escalation nobody sees is worse than a late one.
var lateStillMatters = map[string]bool{
	flows.KindIncidentRenotify: true,
	flows.KindIncidentEscalate: true,
	flows.KindIncidentStale:    true,
	flows.KindIncidentNews:     true,
	// A digest nobody received leaves words nobody reads.
	KindReadDigest:   true,
	KindReadReminder: true,
	KindReadLead:     true,
}

// escalate raises a fired rule: it finds any incident the rule already has in
// this episode, the client's staff and whether the peer group was nudged for
// them today, and lets flows.Raise decide. A firing without an episode (a
// crisis) joins the rule's open incident, if there is one. When a new
// non-urgent incident opens and the client has no other flow open, the plan
// check is left waiting for their answer. decided are the effects the same
// step has already decided: a second firing in one step (a check-in with low
// coping and a rights concern) sees the first one's incident. before is the
// conversation the step was decided on, for when conv is nil.
func (e *Engine) escalate(ctx context.Context, fc flows.Context, f flows.Firing, conv *store.Conversation, before store.Conversation, decided []flows.Effect) ([]flows.Effect, *store.Conversation, error) {
	stored, err := e.store.Incidents(ctx, fc.Client.ID)
	if err != nil {
		return nil, nil, err
	}
	incidents := withDecided(stored, decided)
	joining := f.Episode == ""
	if joining {
		// Joins the rule's live incident, if any; else starts an episode now.
		f.Episode = fc.Local().Format("2006-01-02T15:04")
		for _, in := range incidents {
			if in.Rule == f.Rule && !in.Closed() {
				f.Episode = in.Episode
			}
		}
	}
	// An episode's incident is found by its rule and episode: ids are
	// random (newIncidentID), so they say nothing about either.
	var in flows.RaiseInput
	for i := range incidents {
		if incidents[i].Rule == f.Rule && incidents[i].Episode == f.Episode {
			in.Existing = &incidents[i]
		}
	}
	if in.Existing != nil && in.Existing.Closed() && joining {
		// A crisis (or a request to talk) after its incident was resolved is
		// a new episode, never folded into a closed one.
		f.Episode = fc.Local().Format("2006-01-02T15:04:05")
		in.Existing = nil
	}
	id := ""
	if in.Existing != nil {
		id = in.Existing.ID
	} else {
		in.NewID = redisstore.NewIncidentID()
	}
	in.PeerToday = peerNudgedToday(fc, incidents, id)
	staff, err := e.staffFor(ctx, fc.Client)
	if err != nil {
		return nil, nil, err
	}
	in.Staff = flows.Staff{Worker: staff.worker, Lead: staff.lead}
	raised := flows.Raise(fc, f, in)
	if in.Existing != nil || f.Urgent || f.Rule == flows.RuleTalk || (conv != nil && conv.Active()) {
		return raised, nil, nil
	}
	for _, ef := range raised {
		if s, ok := ef.(flows.SaveIncident); ok {
			base := before
			if conv != nil {
				base = *conv
			}
			check := base.Carry(flows.StartPlanCheck(fc, s.Incident))
			return raised, &check, nil
		}
	}
	return raised, nil, nil
}

// withDecided overlays incidents saved earlier in the same step on the stored ones.
func withDecided(stored []store.Incident, decided []flows.Effect) []store.Incident {
	out := append([]store.Incident(nil), stored...)
	for _, ef := range decided {
		s, ok := ef.(flows.SaveIncident)
		if !ok {
			continue
		}
		replaced := false
		for i := range out {
			if out[i].ID == s.Incident.ID {
				out[i], replaced = s.Incident, true
			}
		}
		if !replaced {
			out = append(out, s.Incident)
		}
	}
	return out
}

// peerNudgedToday reports whether any other incident of the client nudged
// (or queued a nudge for) the peer group on the client's today.
func peerNudgedToday(fc flows.Context, incidents []store.Incident, except string) bool {
	today := fc.Local().Format(time.DateOnly)
	for _, in := range incidents {
		if in.ID == except || in.PeerAt.IsZero() {
			continue
		}
		if (in.Peer == store.PeerNudgePosted || in.Peer == store.PeerNudgeHeld) && in.PeerAt.In(fc.Loc).Format(time.DateOnly) == today {
			return true
		}
	}
	return false
}

// timerOccurrence names a timer's one-off occurrence. The id is deterministic
// (client, kind, ref, civil minute), so arming twice stores it once and a
// cancel finds it.
func timerOccurrence(fc flows.Context, kind, ref string, due time.Time) (scheduler.Occurrence, error) {
	return scheduler.After(fc.Client.ID, kind, ref, fc.Client.TimeZone, due, 0)
}

// armTimers stores a step's timers before the step commits: a crash in
// between leaves a timer whose handler finds nothing to do (flows.TimerDue),
// never an incident without its re-notify.
func (e *Engine) armTimers(ctx context.Context, fc flows.Context, effects []flows.Effect) error {
	var occs []scheduler.Occurrence
	for _, ef := range effects {
		if t, ok := ef.(flows.Timer); ok {
			o, err := timerOccurrence(fc, t.Kind, t.Ref, t.Due)
			if err != nil {
				return err
			}
			occs = append(occs, o)
		}
	}
	if len(occs) == 0 {
		return nil
	}
	return e.sched.Add(ctx, occs...)
}

// cancelTimers takes back the timers a step armed (armTimers) when its
// commit was refused.
func (e *Engine) cancelTimers(ctx context.Context, fc flows.Context, effects []flows.Effect) error {
	var timers []flows.Timer
	for _, ef := range effects {
		if t, ok := ef.(flows.Timer); ok {
			timers = append(timers, t)
		}
	}
	return e.cancelEach(ctx, fc, timers)
}

// disarmTimers cancels timers after the step that made them moot committed.
func (e *Engine) disarmTimers(ctx context.Context, fc flows.Context, effects []flows.Effect) error {
	var timers []flows.Timer
	for _, ef := range effects {
		if t, ok := ef.(flows.CancelTimer); ok {
			timers = append(timers, flows.Timer(t))
		}
	}
	return e.cancelEach(ctx, fc, timers)
}

// cancelEach cancels the occurrence each timer was armed as.
func (e *Engine) cancelEach(ctx context.Context, fc flows.Context, timers []flows.Timer) error {
	for _, t := range timers {
		o, err := timerOccurrence(fc, t.Kind, t.Ref, t.Due)
		if err != nil {
			return err
		}
		if err := e.sched.Cancel(ctx, o.ID); err != nil {
			return err
		}
	}
	return nil
}

// fireIncidentTimer handles an incident's re-notify, lead and stale timers.
// A timer that is no longer the incident's current one does nothing.
func (e *Engine) fireIncidentTimer(ctx context.Context, o scheduler.Occurrence) error {
	err := e.run(ctx, o.Client, func(st redisstore.State, fc flows.Context) (decision, error) {
		in, err := e.store.Incident(ctx, o.Client, o.Ref)
		if errors.Is(err, store.ErrNotFound) {
			return decision{}, nil
		}
		if err != nil {
			return decision{}, err
		}
		if !flows.TimerDue(in, o.Kind, o.Due) {
			return decision{}, nil
		}
		staff, err := e.staffFor(ctx, st.Client)
		if err != nil {
			return decision{}, err
		}
		s := flows.Staff{Worker: staff.worker, Lead: staff.lead}
		switch o.Kind {
		case flows.KindIncidentRenotify:
			return decision{effects: flows.Renotify(fc, in, s)}, nil
		case flows.KindIncidentEscalate:
			return decision{effects: flows.EscalateToLead(fc, in, s)}, nil
		case flows.KindIncidentStale:
			return decision{effects: flows.CloseStale(fc, in, s)}, nil
		case flows.KindIncidentNews:
			return decision{effects: flows.News(fc, in, s)}, nil
		}
		return decision{}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil // the client was erased
	}
	return err
}

// ruleWindowDays is how far back rules over check-ins and debriefs look: long
// enough for any run a worker would set (weekly check-ins) and the stress window.
const ruleWindowDays = 56

// assessCheckIn evaluates the rules a check-in feeds, over the client's
// recent check-ins with this one in place of any earlier answer to the same prompt.
func (e *Engine) assessCheckIn(ctx context.Context, fc flows.Context, ci store.CheckIn) ([]flows.Effect, error) {
	from, to := ruleWindow(ci.Date)
	history, err := e.store.CheckIns(ctx, fc.Client.ID, from, to)
	if err != nil {
		return nil, err
	}
	all := withFresh(ci, history, func(c store.CheckIn) string { return c.ID })
	return escalations(flows.CheckInRules(fc, all)), nil
}

// assessDebrief evaluates the rules a debrief feeds.
func (e *Engine) assessDebrief(ctx context.Context, fc flows.Context, d store.Debrief) ([]flows.Effect, error) {
	from, to := ruleWindow(d.Date)
	history, err := e.store.Debriefs(ctx, fc.Client.ID, from, to)
	if err != nil {
		return nil, err
	}
	all := withFresh(d, history, func(d store.Debrief) string { return d.ID })
	return escalations(flows.DebriefRules(fc, all)), nil
}

// withFresh returns history with fresh in place of any earlier record of the same id.
func withFresh[T any](fresh T, history []T, id func(T) string) []T {
	out := []T{fresh}
	for _, h := range history {
		if id(h) != id(fresh) {
			out = append(out, h)
		}
	}
	return out
}

func ruleWindow(date string) (string, string) {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date, date
	}
	return d.AddDate(0, 0, -ruleWindowDays).Format(time.DateOnly), date
}

func escalations(fs []flows.Firing) []flows.Effect {
	var out []flows.Effect
	for _, f := range fs {
		out = append(out, flows.Escalate{Firing: f})
	}
	return out
}
