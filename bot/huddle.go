package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"steady/flows"
	"steady/scheduler"
	"steady/store"
)

// KindHuddle is the weekly caseload huddle, a service-level series.
const KindHuddle = "huddle"

// ServiceID is the client id that service-level series and the service's own
// outbox and audit log use: nothing in it belongs to any one client.
const ServiceID = "_service"

// Defaults for service-level schedules.
const (
	DefaultServiceZone = "Europe/London"
	DefaultHuddleAt    = "weekly mon 09:30"
)

func (e *Engine) serviceZone() string {
	if e.cfg.ServiceZone != "" {
		return e.cfg.ServiceZone
	}
	return DefaultServiceZone
}

// ScheduleService puts the service-level series (the weekly huddle) in the
// scheduler. Safe to call at every start: the series is replaced, not doubled.
// It also puts the nightly retention sweep, the backstop that erases
// discharged clients whose own retention occurrence was lost or outlived a
// shortened retention period.
func (e *Engine) ScheduleService(ctx context.Context) error {
	sweep := scheduler.Series{Client: ServiceID, Kind: KindRetentionSweep, Zone: e.serviceZone(), Rule: retentionSweepAt}
	if err := e.sched.PutSeries(ctx, sweep); err != nil {
		return err
	}
	key := scheduler.SeriesKey(ServiceID, KindHuddle, "")
	rule := e.cfg.HuddleAt
	switch strings.TrimSpace(rule) {
	case "off":
		return e.sched.RemoveSeries(ctx, key)
	case "":
		rule = DefaultHuddleAt
	}
	return e.sched.PutSeries(ctx, scheduler.Series{Client: ServiceID, Kind: KindHuddle, Zone: e.serviceZone(), Rule: rule})
}

func (e *Engine) fireHuddle(ctx context.Context, o scheduler.Occurrence) error {
	return e.postHuddle(ctx, o.ID)
}

// PostHuddle posts the caseload huddle now (a worker asked for it).
func (e *Engine) PostHuddle(ctx context.Context) error {
	return e.postHuddle(ctx, "asked-"+e.clock.Now().UTC().Format("2006-01-02T15:04"))
}

// postHuddle gathers the week for every client and posts the digest: counts
// to the staff channel, each worker's own caseload to them, everything to
// the lead. key names this huddle, so a retried occurrence posts it once.
func (e *Engine) postHuddle(ctx context.Context, key string) error {
	if done, err := e.store.Seen(ctx, "huddle/"+key); err != nil || done {
		if err != nil {
			return err
		}
		return e.Flush(ctx, ServiceID)
	}
	loc, err := time.LoadLocation(e.serviceZone())
	if err != nil {
		return fmt.Errorf("bot: service zone: %w", err)
	}
	now := e.clock.Now()
	ids, err := e.store.ClientIDs(ctx)
	if err != nil {
		return err
	}
	var rows []flows.HuddleClient
	for _, id := range ids {
		row, err := e.huddleRow(ctx, id, now)
		if errors.Is(err, store.ErrNotFound) {
			continue // erased since it was listed
		}
		if err != nil {
			return err
		}
		if row.Client.Status != store.StatusStopped || len(row.Open) > 0 {
			rows = append(rows, row)
		}
	}
	workers, err := e.store.Workers(ctx)
	if err != nil {
		return err
	}
	staff := map[string]store.Worker{}
	for _, w := range workers {
		staff[w.ID] = w
	}
	d := flows.Huddle(e.cat, now, loc, rows, workers, e.cfg.LeadID)

	var outs []Outgoing
	if e.cfg.StaffChannel != "" {
		outs = append(outs, Outgoing{Audience: flows.ToStaff, ChannelID: e.cfg.StaffChannel, Text: d.Staff.Text, Key: "huddle/" + key + "/staff"})
	}
	// Each worker's copy names their clients, so it goes to them privately,
	// like their pings; the lead's covers everyone.
	for id, m := range d.PerWorker {
		if w, ok := staff[id]; ok && w.DiscordID != "" && id != e.cfg.LeadID {
			outs = append(outs, Outgoing{Audience: flows.ToWorker, Staff: w.DiscordID, StaffName: w.Name, Text: m.Text, Key: "huddle/" + key + "/" + id})
		}
	}
	if lead, ok := staff[e.cfg.LeadID]; ok && lead.DiscordID != "" && d.Lead.Text != "" {
		outs = append(outs, Outgoing{Audience: flows.ToLead, Staff: lead.DiscordID, StaffName: lead.Name, Text: d.Lead.Text, Key: "huddle/" + key + "/lead"})
	}
	if err := e.commitService(ctx, outs, store.AuditEvent{At: now, Actor: "steady", Action: "huddle.posted",
		Reason: fmt.Sprintf("%d clients, %d messages [%s]", len(rows), len(outs), key)}); err != nil {
		return err
	}
	// Remembered after the commit: a crash in between posts it again on the
	// occurrence's retry, and each message's delivery key keeps Discord from
	// showing it twice.
	return e.store.MarkSeen(ctx, "huddle/"+key, seenFor)
}

// seenFor is how long a handled service event (a huddle, a peer-channel
// message) is remembered: far longer than any retry or redelivery of it.
const seenFor = 30 * 24 * time.Hour

// huddleRow gathers one client's week.
func (e *Engine) huddleRow(ctx context.Context, clientID string, now time.Time) (flows.HuddleClient, error) {
	var row flows.HuddleClient
	c, err := e.store.Client(ctx, clientID)
	if err != nil {
		return row, err
	}
	row.Client = c
	loc, err := c.Location()
	if err != nil {
		return row, err
	}
	today := now.In(loc)
	weekAgo := today.AddDate(0, 0, -7).Format(time.DateOnly)
	weekAhead := today.AddDate(0, 0, 7).Format(time.DateOnly)

	incidents, err := e.store.Incidents(ctx, clientID)
	if err != nil {
		return row, err
	}
	for _, in := range incidents {
		if !in.Closed() {
			row.Open = append(row.Open, in)
		}
	}
	nights, err := e.store.SleepEntries(ctx, clientID, weekAgo)
	if err != nil {
		return row, err
	}
	for _, n := range nights {
		if n.Disrupted && n.Night > weekAgo {
			row.DisruptedNights++
		}
	}
	checkins, err := e.store.CheckIns(ctx, clientID, weekAgo, "")
	if err != nil {
		return row, err
	}
	for _, ci := range checkins {
		if ci.Date > weekAgo && len(ci.Rights) > 0 {
			row.RightsFlags++
		}
	}
	adjustments, err := e.store.Adjustments(ctx, clientID)
	if err != nil {
		return row, err
	}
	for _, a := range adjustments {
		if a.Open() && a.ReviewOn != "" && a.ReviewOn <= weekAhead {
			row.ReviewsDue = append(row.ReviewsDue, a)
		}
	}
	missed, err := e.store.MissedPrompts(ctx, clientID, weekAgo, "")
	if err != nil {
		return row, err
	}
	for _, m := range missed {
		if m.Kind == KindWeeklyCheckIn && m.Date > weekAgo {
			row.MissedCheckins++
		}
	}
	return row, nil
}

// KindWeeklyCheckIn is the weekly check-in's occurrence kind.
const KindWeeklyCheckIn = "weekly_checkin"

// commitService commits service-level messages and an audit entry to the
// service's own outbox and log, then delivers them. Nothing in it belongs
// to a client's records.
func (e *Engine) commitService(ctx context.Context, outs []Outgoing, audit store.AuditEvent) error {
	b := e.store.ServiceBatch(ServiceID)
	if audit.Action != "" {
		b.Audit(audit)
	}
	for _, o := range outs {
		raw, err := json.Marshal(o)
		if err != nil {
			return fmt.Errorf("bot: encode outgoing: %w", err)
		}
		b.Enqueue(raw)
	}
	if _, err := b.Commit(ctx, -1); err != nil {
		return err
	}
	return e.Flush(ctx, ServiceID)
}
