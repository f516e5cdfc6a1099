package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"steady/flows"
	"steady/flows/report"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
)

// A worker's records of a client: the plan, the adjustments register and job
// status. Each method checks that the member of staff may act for the client
// (their own caseload, or a lead), runs the pure decision in flows, commits
// it through run, and returns one short sentence for them. Reads are audited.

// staffAccess loads a member of staff and says whether they may see or act
// for the client; reply is the sentence to show when they may not.
func (e *Engine) staffAccess(ctx context.Context, staffID string, c store.Client) (store.Worker, string, error) {
	w, err := e.store.Worker(ctx, staffID)
	if errors.Is(err, store.ErrNotFound) {
		return w, e.cat.T("staff.not_staff", nil), nil
	}
	if err != nil {
		return w, "", err
	}
	if c.WorkerID != w.ID && !w.Lead {
		// The same sentence as for an id nobody has: a worker learns nothing
		// about which clients exist outside their caseload.
		return w, e.cat.T("staff.no_client", nil), nil
	}
	return w, "", nil
}

// staffStep runs a staff member's change to one client's records: access is
// checked against the freshly loaded client inside the step, so a reassigned
// client cannot be edited by their former worker in a race.
func (e *Engine) staffStep(ctx context.Context, staffID, clientID string,
	decide func(st redisstore.State, fc flows.Context, w store.Worker) (reply string, effects []flows.Effect, err error)) (string, error) {
	reply := ""
	err := e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		w, deny, err := e.staffAccess(ctx, staffID, st.Client)
		if err != nil || deny != "" {
			reply = deny
			return decision{}, err
		}
		r, effects, err := decide(st, fc, w)
		reply = r
		d := decision{effects: effects}
		for _, ef := range effects {
			if _, ok := ef.(flows.SaveClient); ok {
				// Re-saving the conversation bumps its version, so two profile
				// changes made at once (a plan edit and a rule change, say)
				// cannot both commit from the same read: one re-reads instead
				// of overwriting the other.
				conv := st.Conversation
				d.conv = &conv
			}
		}
		return d, err
	})
	if errors.Is(err, store.ErrNotFound) {
		return e.cat.T("staff.no_client", nil), nil
	}
	return reply, err
}

// auditRead records that a member of staff read a client's records. Reads
// are audited before the data is returned, so a failed audit means no read.
func (e *Engine) auditRead(ctx context.Context, clientID, staffID, what string) error {
	b := e.store.Batch(clientID)
	b.Audit(store.AuditEvent{At: e.clock.Now(), Actor: staffID, Action: "records.viewed", Reason: what})
	_, err := b.Commit(ctx, -1)
	return err
}

// staffRead loads a client for a member of staff and audits the read.
// deny is the sentence to show instead when they may not see it.
func (e *Engine) staffRead(ctx context.Context, staffID, clientID, what string) (store.Client, string, error) {
	c, err := e.store.Client(ctx, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return c, e.cat.T("staff.no_client", nil), nil
	}
	if err != nil {
		return c, "", err
	}
	_, deny, err := e.staffAccess(ctx, staffID, c)
	if err != nil || deny != "" {
		return c, deny, err
	}
	return c, "", e.auditRead(ctx, clientID, staffID, what)
}

func planAudit(fc flows.Context, by, action, reason string) flows.Effect {
	return flows.Audit{Event: store.AuditEvent{At: fc.Now, Actor: by, Action: action, Reason: reason}}
}

// EditPlan sets one field of a client's plan (see flows.PlanFields) and
// records the new version with the reason.
func (e *Engine) EditPlan(ctx context.Context, staffID, clientID, field, value, reason string) (string, error) {
	if msg := e.overLimit(limited{"the field", field, MaxSettingRunes}, limited{"the value", value, MaxPlanValueRunes}); msg != "" {
		return msg, nil
	}
	return e.staffStep(ctx, staffID, clientID, func(st redisstore.State, fc flows.Context, w store.Worker) (string, []flows.Effect, error) {
		versions, err := e.store.PlanVersions(ctx, clientID)
		if err != nil {
			return "", nil, err
		}
		var effects []flows.Effect
		if len(versions) == 0 {
			// Clients enrolled before plans were versioned: keep what they had as version 1.
			first := flows.InitialPlanVersion(st.Client, st.Client.WorkerID)
			versions = append(versions, first)
			effects = append(effects, flows.SavePlanVersion{Version: first})
		}
		client, v, why := flows.EditPlan(fc, versions[len(versions)-1].Version, w.ID, field, value, reason)
		if why != "" {
			return why, nil, nil
		}
		fields := make([]string, len(v.Changes))
		for i, ch := range v.Changes {
			fields[i] = ch.Field
		}
		effects = append(effects, flows.SaveClient{Client: client}, flows.SavePlanVersion{Version: v},
			planAudit(fc, w.ID, "plan.changed", fmt.Sprintf("version %d: %s", v.Version, strings.Join(fields, ", "))))
		return e.cat.T("plan.saved", map[string]any{"Name": client.DisplayName, "Version": v.Version, "Changed": strings.Join(fields, ", ")}), effects, nil
	})
}

// PlanHistory returns a client's plan versions for a member of staff, audited.
func (e *Engine) PlanHistory(ctx context.Context, staffID, clientID string) ([]store.PlanVersion, string, error) {
	_, deny, err := e.staffRead(ctx, staffID, clientID, "plan history")
	if err != nil || deny != "" {
		return nil, deny, err
	}
	vs, err := e.store.PlanVersions(ctx, clientID)
	return vs, "", err
}

// AddAdjustment adds a reasonable adjustment to a client's register. Vague
// wording is refused with an example of a measurable one.
func (e *Engine) AddAdjustment(ctx context.Context, staffID, clientID string, d flows.AdjustmentDraft) (string, error) {
	if msg := e.overLimit(limited{"what", d.What, flows.MaxAdjustmentRunes}, limited{"when", d.When, flows.MaxAdjustmentRunes},
		limited{"from", d.From, MaxSettingRunes}, limited{"for", d.For, MaxSettingRunes}, limited{"review", d.Review, MaxSettingRunes},
		limited{"the notes", d.Notes, MaxNoteRunes}); msg != "" {
		return msg, nil
	}
	var added *store.Adjustment
	reply, err := e.staffStep(ctx, staffID, clientID, func(st redisstore.State, fc flows.Context, w store.Worker) (string, []flows.Effect, error) {
		existing, err := e.store.Adjustments(ctx, clientID)
		if err != nil {
			return "", nil, err
		}
		id := fmt.Sprintf("%s.adj%d", clientID, len(existing)+1)
		a, why := flows.NewAdjustment(fc, id, w.ID, d)
		if why != "" {
			return why, nil, nil
		}
		added = &a
		return e.cat.T("adjustment.added", map[string]any{"ID": a.ID, "Name": st.Client.DisplayName, "Line": flows.AdjustmentLine(a), "Review": a.ReviewOn}),
			[]flows.Effect{flows.SaveAdjustment{Adjustment: a}, planAudit(fc, w.ID, "adjustment.added", a.ID+", review "+a.ReviewOn)}, nil
	})
	if err != nil || added == nil {
		return reply, err
	}
	return reply, e.scheduleReview(ctx, *added)
}

// ChangeAdjustment changes one field of an adjustment, with a reason.
func (e *Engine) ChangeAdjustment(ctx context.Context, staffID, clientID, id, field, value, reason string) (string, error) {
	if msg := e.overLimit(limited{"the value", value, MaxNoteRunes}, limited{"the reason", reason, MaxNoteRunes}); msg != "" {
		return msg, nil
	}
	return e.adjustmentStep(ctx, staffID, clientID, id, func(fc flows.Context, a store.Adjustment, w store.Worker) (store.Adjustment, string, []flows.Effect) {
		a, why := flows.ChangeAdjustment(fc, a, w.ID, field, value, reason)
		if why != "" {
			return a, why, nil
		}
		shown := a.History[len(a.History)-1].To
		if field == "notes" {
			shown = "updated"
		}
		return a, e.cat.T("adjustment.changed", map[string]any{"ID": id, "Field": field, "Value": shown}),
			[]flows.Effect{planAudit(fc, w.ID, "adjustment.changed", id+": "+field)}
	})
}

// ReviewAdjustment records a worker's review of an adjustment: outcome
// (continue, step_down, change, end), whether it is being honoured, a note,
// and the next review date (a date or a length; "" takes the default).
func (e *Engine) ReviewAdjustment(ctx context.Context, staffID, clientID, id string, r store.AdjustmentReview) (string, error) {
	if msg := e.overLimit(limited{"next", r.Next, MaxSettingRunes}, limited{"the note", r.Note, MaxNoteRunes}); msg != "" {
		return msg, nil
	}
	return e.adjustmentStep(ctx, staffID, clientID, id, func(fc flows.Context, a store.Adjustment, w store.Worker) (store.Adjustment, string, []flows.Effect) {
		r.By = w.ID
		a, why := flows.ReviewAdjustment(fc, a, r)
		if why != "" {
			return a, why, nil
		}
		last := a.Reviews[len(a.Reviews)-1]
		return a, e.cat.T("adjustment.reviewed", map[string]any{"ID": id, "Outcome": last.Outcome, "Next": last.Next}),
			[]flows.Effect{planAudit(fc, w.ID, "adjustment.reviewed", id+": "+last.Outcome+" (due "+last.Due+")")}
	})
}

// adjustmentStep runs a member of staff's change to one adjustment: change
// returns the changed adjustment, the reply, and the effects to commit with
// it (none: refused, nothing is saved). The review occurrence then follows
// the adjustment's review date.
func (e *Engine) adjustmentStep(ctx context.Context, staffID, clientID, id string,
	change func(fc flows.Context, a store.Adjustment, w store.Worker) (store.Adjustment, string, []flows.Effect)) (string, error) {
	var changed *store.Adjustment
	reply, err := e.staffStep(ctx, staffID, clientID, func(st redisstore.State, fc flows.Context, w store.Worker) (string, []flows.Effect, error) {
		a, err := e.store.Adjustment(ctx, clientID, id)
		if errors.Is(err, store.ErrNotFound) {
			return e.cat.T("adjustment.refuse.unknown", map[string]any{"ID": id}), nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		a, reply, effects := change(fc, a, w)
		if len(effects) == 0 {
			return reply, nil, nil
		}
		changed = &a
		return reply, append([]flows.Effect{flows.SaveAdjustment{Adjustment: a}}, effects...), nil
	})
	if err != nil || changed == nil {
		return reply, err
	}
	return reply, e.scheduleReview(ctx, *changed)
}

// AdjustmentRegister returns a client's adjustments for a member of staff, audited.
func (e *Engine) AdjustmentRegister(ctx context.Context, staffID, clientID string) ([]store.Adjustment, string, error) {
	_, deny, err := e.staffRead(ctx, staffID, clientID, "adjustments")
	if err != nil || deny != "" {
		return nil, deny, err
	}
	as, err := e.store.Adjustments(ctx, clientID)
	return as, "", err
}

// RecordJob records that a client started or left work ("started", "left"),
// on a date ("" for today). Sustainment reports read these.
func (e *Engine) RecordJob(ctx context.Context, staffID, clientID, status, date, note string) (string, error) {
	if msg := e.overLimit(limited{"the date", date, MaxSettingRunes}); msg != "" {
		return msg, nil
	}
	return e.staffStep(ctx, staffID, clientID, func(st redisstore.State, fc flows.Context, w store.Worker) (string, []flows.Effect, error) {
		client, ev, why := flows.RecordJob(fc, w.ID, status, date, note)
		if why != "" {
			return why, nil, nil
		}
		effects := []flows.Effect{flows.SaveJobEvent{Event: ev}, planAudit(fc, w.ID, "job."+ev.Status, "on "+ev.Date)}
		if client.JobStart != st.Client.JobStart {
			effects = append(effects, flows.SaveClient{Client: client})
		}
		return e.cat.T("job.saved", map[string]any{"Name": client.DisplayName, "Status": ev.Status, "Date": ev.Date}), effects, nil
	})
}

// KindAdjustmentReview is the occurrence that puts an adjustment's review to
// the worker and the client on its review date (ref = adjustment id).
const KindAdjustmentReview = "adjustment_review"

// reviewHour is when, on the client's clock, a review date's prompt goes out.
const reviewHour = 10

// scheduleReview keeps exactly one pending review occurrence per open
// adjustment, on its review date; a moved date cancels the old one, and a
// closed adjustment has none.
func (e *Engine) scheduleReview(ctx context.Context, a store.Adjustment) error {
	c, err := e.store.Client(ctx, a.ClientID)
	if err != nil {
		return err
	}
	// One review per adjustment, kept as a one-shot series: a new date
	// replaces the pending review in the same step, and a closed adjustment
	// (or a date already past) removes it.
	sr := scheduler.Series{Client: c.ID, Kind: KindAdjustmentReview, Ref: a.ID, Zone: c.TimeZone}
	if !a.Open() || a.ReviewOn == "" {
		return e.sched.RemoveSeries(ctx, sr.Key())
	}
	if _, err := time.Parse(time.DateOnly, a.ReviewOn); err != nil {
		return fmt.Errorf("bot: review date of %s: %w", a.ID, err)
	}
	sr.Rule = fmt.Sprintf("once %s %02d:00", a.ReviewOn, reviewHour)
	return e.sched.PutSeries(ctx, sr)
}

// Summary is a client summary: short text and the sleep-and-stress chart (PNG).
type Summary struct {
	Text  string
	Chart []byte
}

// ClientSummary is the worker's view of a client: the last 14 nights' sleep
// and the debrief stress trend as a chart, recent check-ins, open incidents,
// adjustments and consents. The read is audited. When the member of staff
// may not see the client, Text says so and Chart is empty.
func (e *Engine) ClientSummary(ctx context.Context, staffID, clientID string) (Summary, error) {
	c, deny, err := e.staffRead(ctx, staffID, clientID, "summary")
	if err != nil || deny != "" {
		return Summary{Text: deny}, err
	}
	return e.summary(ctx, c, false)
}

// MySummary is a client's own summary and chart (/mydata), for the Discord
// user asking. Strangers get the usual explanation and nothing else.
func (e *Engine) MySummary(ctx context.Context, discordUserID string) (Summary, error) {
	c, ok, err := e.clientByDiscord(ctx, discordUserID)
	if err != nil || !ok {
		return Summary{Text: e.cat.T("stranger", nil)}, err
	}
	b := e.store.Batch(c.ID)
	b.Audit(store.AuditEvent{At: e.clock.Now(), Actor: "client", Action: "records.viewed", Reason: "own summary"})
	if _, err := b.Commit(ctx, -1); err != nil {
		return Summary{}, err
	}
	return e.summary(ctx, c, true)
}

func (e *Engine) clientByDiscord(ctx context.Context, discordUserID string) (store.Client, bool, error) {
	id, err := e.store.ClientIDByDiscord(ctx, discordUserID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Client{}, false, nil
	}
	if err != nil {
		return store.Client{}, false, err
	}
	c, err := e.store.Client(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, false, nil
	}
	return c, err == nil, err
}

// summaryCheckInWeeks is how far back the summary looks for check-ins.
const summaryCheckInWeeks = 8

func (e *Engine) summary(ctx context.Context, c store.Client, forClient bool) (Summary, error) {
	loc, err := c.Location()
	if err != nil {
		return Summary{}, err
	}
	local := e.clock.Now().In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	fortnight := today.AddDate(0, 0, -(report.ChartNights - 1)).Format(time.DateOnly)
	from := fortnight
	if c.JobStart != "" && c.JobStart < from {
		from = c.JobStart // the first month's trend
	}
	d := report.SummaryData{Client: c, Today: today, ForClient: forClient, WorkerName: c.WorkerID}
	if w, err := e.store.Worker(ctx, c.WorkerID); err == nil {
		d.WorkerName = w.Name
	}
	hidden := d.AnswersHidden()
	if hidden {
		// Consent withdrawn: the worker sees no answers, so none are read.
		if d.Incidents, err = e.store.Incidents(ctx, c.ID); err != nil {
			return Summary{}, err
		}
		if d.Adjustments, err = e.store.Adjustments(ctx, c.ID); err != nil {
			return Summary{}, err
		}
		return Summary{Text: report.Summary(e.cat, d)}, nil
	}
	if d.Nights, err = e.store.SleepEntries(ctx, c.ID, fortnight); err != nil {
		return Summary{}, err
	}
	if d.Debriefs, err = e.store.Debriefs(ctx, c.ID, from, ""); err != nil {
		return Summary{}, err
	}
	if d.CheckIns, err = e.store.CheckIns(ctx, c.ID, today.AddDate(0, 0, -7*summaryCheckInWeeks).Format(time.DateOnly), ""); err != nil {
		return Summary{}, err
	}
	if d.Incidents, err = e.store.Incidents(ctx, c.ID); err != nil {
		return Summary{}, err
	}
	if d.Adjustments, err = e.store.Adjustments(ctx, c.ID); err != nil {
		return Summary{}, err
	}
	png, err := report.Chart(e.cat, d.Chart())
	if err != nil {
		return Summary{}, err
	}
	return Summary{Text: report.Summary(e.cat, d), Chart: png}, nil
}

// ReportRequest is what a member of staff asks for: a report kind (see
// report.Kinds), a period, and optionally one worker's caseload.
type ReportRequest struct {
	Kind    string
	Options report.Options // From and To are required; AsOf defaults to today
}

// Report runs a service report for a member of staff. A worker sees their
// own caseload; a lead sees any worker's or the whole service. Every report
// is audited (service-wide), and the audit sample also audits each sampled
// client's records as read. deny is the sentence to show when refused.
func (e *Engine) Report(ctx context.Context, staffID string, req ReportRequest) (rep report.Report, deny string, err error) {
	w, err := e.store.Worker(ctx, staffID)
	if errors.Is(err, store.ErrNotFound) {
		return rep, e.cat.T("staff.not_staff", nil), nil
	}
	if err != nil {
		return rep, "", err
	}
	o := req.Options
	if !w.Lead {
		if o.Worker != "" && o.Worker != w.ID {
			return rep, e.cat.T("report.refuse.scope", nil), nil
		}
		o.Worker = w.ID
	}
	if o.From.IsZero() || o.To.IsZero() || o.To.Before(o.From) {
		return rep, e.cat.T("report.refuse.period", nil), nil
	}
	if o.AsOf.IsZero() {
		loc := time.UTC
		if l, err := time.LoadLocation(w.TimeZone); err == nil && w.TimeZone != "" {
			loc = l
		}
		now := e.clock.Now().In(loc)
		o.AsOf = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	}
	records, err := e.caseload(ctx, o.Worker, req.Kind)
	if err != nil {
		return rep, "", err
	}
	// Erased clients have left only a tombstone: the report says how many
	// went since the period began, so shrinking figures are not a mystery.
	tombs, err := e.store.Tombstones(ctx)
	if err != nil {
		return rep, "", err
	}
	for _, tb := range tombs {
		if !tb.At.Before(o.From) {
			o.Erased++
		}
	}
	switch req.Kind {
	case report.KindSustainment:
		rep, _ = report.Sustainment(e.cat, records, o)
	case report.KindContact:
		rep, _ = report.Contact(e.cat, records, o)
	case report.KindAdjustments:
		rep, _ = report.Adjustments(e.cat, records, o)
	case report.KindIncidents:
		rep, _ = report.Incidents(e.cat, records, o)
	case report.KindAuditSample:
		if o.SampleSize <= 0 {
			o.SampleSize = report.DefaultSampleSize
		}
		if err := e.loadSample(ctx, w.ID, records, o); err != nil {
			return rep, "", err
		}
		rep = report.AuditSample(e.cat, records, o)
	default:
		return rep, e.cat.T("report.refuse.kind", map[string]any{"Kinds": strings.Join(report.Kinds, ", ")}), nil
	}
	scope := "service"
	if o.Worker != "" {
		scope = "worker " + o.Worker
	}
	err = e.store.AppendServiceAudit(ctx, store.AuditEvent{At: e.clock.Now(), Actor: w.ID, Action: "report.generated",
		Reason: fmt.Sprintf("%s, %s, %s to %s", req.Kind, scope, o.From.Format(time.DateOnly), o.To.Format(time.DateOnly))})
	return rep, "", err
}

// caseload loads what a report kind reads for every client in scope.
func (e *Engine) caseload(ctx context.Context, worker, kind string) ([]report.ClientRecords, error) {
	ids, err := e.store.ClientIDs(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	if ws, err := e.store.Workers(ctx); err == nil {
		for _, w := range ws {
			names[w.ID] = w.Name
		}
	}
	var out []report.ClientRecords
	for _, id := range ids {
		c, err := e.store.Client(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue // erased meanwhile
		}
		if err != nil {
			return nil, err
		}
		if worker != "" && c.WorkerID != worker {
			continue
		}
		cr := report.ClientRecords{Client: c, WorkerName: names[c.WorkerID]}
		if cr.WorkerName == "" {
			cr.WorkerName = c.WorkerID
		}
		if err := e.loadForReport(ctx, &cr, kind); err != nil {
			return nil, err
		}
		out = append(out, cr)
	}
	return out, nil
}

func (e *Engine) loadForReport(ctx context.Context, cr *report.ClientRecords, kind string) error {
	var err error
	id := cr.Client.ID
	switch kind {
	case report.KindSustainment:
		if cr.CheckIns, err = e.store.CheckIns(ctx, id, "2000-01-01", ""); err != nil {
			return err
		}
		cr.Jobs, err = e.store.JobEvents(ctx, id)
	case report.KindContact:
		if cr.CheckIns, err = e.store.CheckIns(ctx, id, "2000-01-01", ""); err != nil {
			return err
		}
		if cr.Debriefs, err = e.store.Debriefs(ctx, id, "2000-01-01", ""); err != nil {
			return err
		}
		// The audit log says which prompts Steady sent or held back for a
		// pause, so an unanswered offer is not mistaken for none.
		cr.Audit, err = e.store.Audit(ctx, id, "")
	case report.KindAdjustments:
		cr.Adjustments, err = e.store.Adjustments(ctx, id)
	case report.KindIncidents:
		cr.Incidents, err = e.store.Incidents(ctx, id)
	}
	return err
}

// loadSample loads plans and audit logs for the clients the audit sample
// draws, and audits each of those reads.
func (e *Engine) loadSample(ctx context.Context, staffID string, records []report.ClientRecords, o report.Options) error {
	sampled := map[string]bool{}
	for _, cr := range report.SampleClients(records, o.SampleSize, o.Seed) {
		sampled[cr.Client.ID] = true
	}
	for i := range records {
		id := records[i].Client.ID
		if !sampled[id] {
			continue
		}
		if err := e.auditRead(ctx, id, staffID, "audit sample"); err != nil {
			return err
		}
		var err error
		if records[i].Plans, err = e.store.PlanVersions(ctx, id); err != nil {
			return err
		}
		if records[i].Audit, err = e.store.Audit(ctx, id, ""); err != nil {
			return err
		}
	}
	return nil
}
