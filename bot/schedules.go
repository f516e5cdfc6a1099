package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
)

// A client's schedules become the scheduler's series and one-offs here, and
// stay in step when a worker edits them: no restart, nothing stale left.
//
//   - sleep log and weekly check-in: series in the client's zone;
//   - debriefs: one-offs, a set time after each shift in the rota ends
//     (every shift, or only the first three of a new job);
//   - the first month's weekly minimum: a check-in in each of the first four
//     weeks after the job starts that the weekly schedule leaves empty;
//   - worker reminders: one-offs on the worker's clock;
//   - plan_ahead: a daily series, for clients with any of the dated kinds,
//     that stores the next two days' one-offs, so a weekly rota never needs
//     more than a couple of occurrences stored per client.

// Occurrence kinds the schedules create, besides sleep_log (engine.go),
// weekly_checkin (huddle.go) and adjustment_review (records.go).
const (
	KindDebrief        = "debrief"         // ref = shift id
	KindWorkerReminder = "worker_reminder" // ref = reminderRef
	KindPlanAhead      = "plan_ahead"      // daily: stores the next days' dated one-offs
	KindGrounding      = "grounding"       // before a shift, the client's own grounding (ref = shift id)
)

const (
	// planAhead is how far ahead dated one-offs are stored; plan_ahead runs
	// daily, so each is stored at least a day before it is due.
	planAhead     = 48 * time.Hour
	planAheadRule = "daily 03:00"
	// firstMonthWeeks: weekly contact at least, for the first month.
	firstMonthWeeks = 4
	// refFirstMonth marks a check-in added for the first month's minimum.
	refFirstMonth = "first-month"
	// firstMonthCheckInHour is when, on the client's clock, such a check-in comes.
	firstMonthCheckInHour = 10
	// workerReminderHour is when, on the worker's clock, their reminders come.
	workerReminderHour = 9
)

// weeklyRule turns a profile's weekly check-in ("mon 10:00", or a cron
// spec) into a scheduler rule.
func weeklyRule(s string) string {
	if strings.HasPrefix(strings.TrimSpace(s), "cron ") {
		return s
	}
	return "weekly " + s
}

// wantedSeries returns the series a client's schedules call for, by key.
func wantedSeries(c store.Client, now time.Time) map[string]scheduler.Series {
	out := map[string]scheduler.Series{}
	add := func(kind, rule string) {
		sr := scheduler.Series{Client: c.ID, Kind: kind, Zone: c.TimeZone, Rule: rule}
		out[sr.Key()] = sr
	}
	if c.Schedules.SleepLog != "" {
		add(KindSleepLog, "daily "+c.Schedules.SleepLog)
	}
	if c.Schedules.WeeklyCheckIn != "" {
		add(KindWeeklyCheckIn, weeklyRule(c.Schedules.WeeklyCheckIn))
	}
	if needsPlanning(c, now) {
		add(KindPlanAhead, planAheadRule)
	}
	return out
}

// needsPlanning reports whether a client has dated one-offs ahead: a rota,
// a first month still running or not yet started, or worker reminders to come.
func needsPlanning(c store.Client, now time.Time) bool {
	loc, err := scheduler.Zone(c.TimeZone)
	if err != nil {
		return false
	}
	today := scheduler.Civil(now, loc).Format(time.DateOnly)
	if !c.Schedules.Rota.Empty() {
		return true
	}
	if start, err := time.Parse(time.DateOnly, c.JobStart); err == nil && start.AddDate(0, 0, 7*firstMonthWeeks).Format(time.DateOnly) >= today {
		return true
	}
	for _, w := range c.Schedules.WorkerReminders {
		if day, ok := w.Day(c.JobStart); ok && day >= today {
			return true
		}
	}
	return false
}

// dated returns the one-offs a client's schedules call for that fall due in
// (from, to]: debriefs, the first month's check-ins, worker reminders (on
// workerZone's clock).
func dated(c store.Client, workerZone string, from, to time.Time) ([]scheduler.Occurrence, error) {
	loc, err := scheduler.Zone(c.TimeZone)
	if err != nil {
		return nil, err
	}
	var out []scheduler.Occurrence
	var errs []error
	keep := func(o scheduler.Occurrence, err error) {
		switch {
		case err != nil:
			errs = append(errs, err)
		case o.Due.After(from) && !o.Due.After(to):
			out = append(out, o)
		}
	}
	day := func(t time.Time) string { return scheduler.Civil(t, loc).Format(time.DateOnly) }

	if r := c.Schedules.Rota; !r.Empty() {
		first := map[string]int{}
		if c.JobStart != "" {
			for i, s := range r.First(c.JobStart, flows.FirstShiftChecks) {
				first[s.ID] = i + 1
			}
		}
		// A shift ending in the window may have started a day before it.
		for _, s := range r.Between(day(from.Add(-48*time.Hour)), day(to)) {
			if r.DebriefAll || first[s.ID] > 0 {
				keep(scheduler.At(c.ID, KindDebrief, s.ID, c.TimeZone, s.End.Add(r.DebriefAfter())))
			}
			if c.Plan.Grounding != "" {
				keep(scheduler.At(c.ID, KindGrounding, s.ID, c.TimeZone, s.Start.Add(-groundingBefore)))
			}
		}
	}

	if start, err := time.Parse(time.DateOnly, c.JobStart); err == nil {
		var rec scheduler.Recurrence
		if c.Schedules.WeeklyCheckIn != "" {
			rec, _ = scheduler.ParseRule(weeklyRule(c.Schedules.WeeklyCheckIn))
		}
		for k := 0; k < firstMonthWeeks; k++ {
			weekStart, weekEnd := start.AddDate(0, 0, 7*k), start.AddDate(0, 0, 7*(k+1))
			if rec != nil {
				if next := rec.Next(weekStart.Add(-time.Minute)); !next.IsZero() && next.Before(weekEnd) {
					continue // the weekly schedule already checks in this week
				}
			}
			last := weekEnd.AddDate(0, 0, -1)
			keep(scheduler.At(c.ID, KindWeeklyCheckIn, refFirstMonth, c.TimeZone,
				time.Date(last.Year(), last.Month(), last.Day(), firstMonthCheckInHour, 0, 0, 0, time.UTC)))
		}
	}

	for _, w := range c.Schedules.WorkerReminders {
		d, ok := w.Day(c.JobStart)
		if !ok {
			continue
		}
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			continue
		}
		keep(scheduler.At(c.ID, KindWorkerReminder, reminderRef(w), workerZone,
			time.Date(t.Year(), t.Month(), t.Day(), workerReminderHour, 0, 0, 0, time.UTC)))
	}
	return out, errors.Join(errs...)
}

// reminderRef names a worker reminder by what it is, so an edit to the
// list moves no other reminder and a removed one can be recognised.
func reminderRef(w store.WorkerReminder) string {
	h := sha256.Sum256([]byte(w.Date + "\x00" + strconv.Itoa(w.Week) + "\x00" + w.Note))
	when := w.Date
	if when == "" {
		when = "week" + strconv.Itoa(w.Week)
	}
	return when + "-" + hex.EncodeToString(h[:4])
}

func (e *Engine) workerZone(ctx context.Context, c store.Client) (string, error) {
	if c.WorkerID == "" {
		return c.TimeZone, nil
	}
	w, err := e.store.Worker(ctx, c.WorkerID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && w.TimeZone == "") {
		return c.TimeZone, nil
	}
	return w.TimeZone, err
}

// applySchedules puts the scheduler in step with a client's schedules.
// before is the client as they were (nil at enrolment): what only it called
// for is removed, so an edit leaves nothing stale behind. Handlers check too
// (stillScheduled), in case this did not run to the end.
func (e *Engine) applySchedules(ctx context.Context, before *store.Client, c store.Client) error {
	now := e.clock.Now()
	want := wantedSeries(c, now)
	for _, sr := range want {
		if err := e.sched.PutSeries(ctx, sr); err != nil {
			return err
		}
	}
	zone, err := e.workerZone(ctx, c)
	if err != nil {
		return err
	}
	next, err := dated(c, zone, now, now.Add(planAhead))
	if err != nil {
		return err
	}
	if before != nil {
		for key := range wantedSeries(*before, now) {
			if _, ok := want[key]; !ok {
				if err := e.sched.RemoveSeries(ctx, key); err != nil {
					return err
				}
			}
		}
		prev, err := dated(*before, zone, now, now.Add(planAhead))
		if err != nil {
			return err
		}
		var gone []string
		for _, o := range prev {
			if !slices.ContainsFunc(next, func(n scheduler.Occurrence) bool { return n.ID == o.ID }) {
				gone = append(gone, o.ID)
			}
		}
		if err := e.sched.Cancel(ctx, gone...); err != nil {
			return err
		}
	}
	return e.sched.Add(ctx, next...)
}

// stillScheduled reports whether an occurrence is one the client's current
// schedules call for. A schedule edited while its occurrence was pending is
// normally cancelled by applySchedules; this is the handler's own check.
func stillScheduled(c store.Client, o scheduler.Occurrence, now time.Time) bool {
	if o.Kind == KindAdjustmentReview {
		// Kept in step by scheduleReview with the adjustments register, not
		// by the client's schedules; the review flow checks the adjustment.
		return true
	}
	if o.Series != "" {
		sr, ok := wantedSeries(c, now)[o.Series]
		if !ok || sr.Zone != o.Zone {
			return false
		}
		rec, err := scheduler.ParseRule(sr.Rule)
		return err == nil && rec.Next(o.Local.Add(-time.Minute)).Equal(o.Local)
	}
	switch {
	case o.Kind == KindDebrief, o.Kind == KindGrounding, o.Kind == KindWeeklyCheckIn && o.Ref == refFirstMonth:
		loc, err := scheduler.Zone(o.Zone)
		if err != nil {
			return false
		}
		at := scheduler.Resolve(o.Local, loc)
		occs, err := dated(c, o.Zone, at.Add(-time.Minute), at)
		return err == nil && slices.ContainsFunc(occs, func(x scheduler.Occurrence) bool { return x.ID == o.ID })
	}
	return true
}

// firePrompt opens a scheduled prompt: the morning sleep log, the weekly
// check-in (the series, or a first-month one), the debrief after a rota
// shift (ref = shift id).
func (e *Engine) firePrompt(ctx context.Context, o scheduler.Occurrence) error {
	return e.openPrompt(ctx, o)
}

// fireReview opens the adjustment review flow for an adjustment whose
// review date has come (ref = adjustment id).
func (e *Engine) fireReview(ctx context.Context, o scheduler.Occurrence) error {
	if err := e.remindReview(ctx, o); err != nil {
		return err
	}
	return e.openPrompt(ctx, o)
}

// fireWorkerReminder reminds a client's worker of what they planned for
// this day. A reminder removed meanwhile does nothing.
func (e *Engine) fireWorkerReminder(ctx context.Context, o scheduler.Occurrence) error {
	err := e.run(ctx, o.Client, func(st redisstore.State, fc flows.Context) (decision, error) {
		c := st.Client
		if c.Status == store.StatusDischarged {
			return decision{}, nil
		}
		for _, w := range c.Schedules.WorkerReminders {
			if reminderRef(w) != o.Ref {
				continue
			}
			when := reminderWhen(w)
			return decision{effects: []flows.Effect{
				flows.Send{To: flows.ToWorker, Message: flows.Message{Text: e.cat.T("schedule.worker_reminder", map[string]any{
					"Name": c.DisplayName, "When": when, "Note": w.Note,
				})}, Key: o.ID},
				auditNow(fc, "worker.reminded", o.Kind, when),
			}}, nil
		}
		return decision{}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

func reminderWhen(w store.WorkerReminder) string {
	if w.Week > 0 {
		return "week " + strconv.Itoa(w.Week)
	}
	return w.Date
}

// firePlanAhead stores the next days' dated one-offs, and ends itself once
// the client has none left to come.
func (e *Engine) firePlanAhead(ctx context.Context, o scheduler.Occurrence) error {
	c, err := e.store.Client(ctx, o.Client)
	if errors.Is(err, store.ErrNotFound) {
		return e.sched.RemoveSeries(ctx, o.Series)
	}
	if err != nil {
		return err
	}
	now := e.clock.Now()
	if !needsPlanning(c, now) {
		return e.sched.RemoveSeries(ctx, o.Series)
	}
	zone, err := e.workerZone(ctx, c)
	if err != nil {
		return err
	}
	occs, err := dated(c, zone, now, now.Add(planAhead))
	if err != nil {
		return err
	}
	return e.sched.Add(ctx, occs...)
}

// Editing schedules at run time. Each method is for a member of staff (the
// client's worker or a lead), returns a short sentence for them, and puts
// the scheduler in step before it returns.

// SetSleepLog sets the daily sleep-log time ("07:30"); "off" or "" stops it.
func (e *Engine) SetSleepLog(ctx context.Context, staffID, clientID, at string) (string, error) {
	if msg := e.overLimit(limited{"the time", at, MaxSettingRunes}); msg != "" {
		return msg, nil
	}
	return e.editSchedules(ctx, staffID, clientID, func(s *store.Schedules, fc flows.Context) (string, string) {
		at = offOr(at)
		if at != "" {
			if _, err := scheduler.ParseRule("daily " + at); err != nil {
				return e.cat.T("schedule.bad_time", map[string]any{"Value": at}), ""
			}
		}
		s.SleepLog = at
		return e.scheduleSaved(fc), "sleep log " + orOff(at)
	})
}

// SetWeeklyCheckIn sets the weekly check-in ("mon 10:00" or "cron MIN HOUR DOM MON DOW"); "off" stops it.
func (e *Engine) SetWeeklyCheckIn(ctx context.Context, staffID, clientID, spec string) (string, error) {
	if msg := e.overLimit(limited{"the check-in time", spec, MaxSettingRunes}); msg != "" {
		return msg, nil
	}
	return e.editSchedules(ctx, staffID, clientID, func(s *store.Schedules, fc flows.Context) (string, string) {
		spec = offOr(spec)
		if spec != "" {
			if _, err := scheduler.ParseRule(weeklyRule(spec)); err != nil {
				return e.cat.T("schedule.bad_weekly", map[string]any{"Value": spec}), ""
			}
		}
		s.WeeklyCheckIn = spec
		return e.scheduleSaved(fc), "weekly check-in " + orOff(spec)
	})
}

// SetQuietHours sets the hours prompts wait for ("21:30-07:00"); "off" clears them.
func (e *Engine) SetQuietHours(ctx context.Context, staffID, clientID, span string) (string, error) {
	if msg := e.overLimit(limited{"the hours", span, MaxSettingRunes}); msg != "" {
		return msg, nil
	}
	return e.editSchedules(ctx, staffID, clientID, func(s *store.Schedules, fc flows.Context) (string, string) {
		span = offOr(span)
		q := store.QuietHours{}
		if span != "" {
			start, end, err := store.ParseSpan(span)
			if err != nil {
				return e.cat.T("schedule.bad_span", map[string]any{"Value": span}), ""
			}
			q = store.QuietHours{Start: start, End: end}
		}
		s.QuietHours = q
		return e.scheduleSaved(fc), "quiet hours " + orOff(q.String())
	})
}

// SetWeeklyShifts replaces the rota's weekly pattern ("mon 09:00-17:00", …).
func (e *Engine) SetWeeklyShifts(ctx context.Context, staffID, clientID string, specs []string) (string, error) {
	return e.editSchedules(ctx, staffID, clientID, func(s *store.Schedules, fc flows.Context) (string, string) {
		var weekly []store.WeeklyShift
		for _, spec := range specs {
			w, err := store.ParseWeeklyShift(spec)
			if err != nil {
				return e.cat.T("schedule.bad_shift", map[string]any{"Value": spec}), ""
			}
			weekly = append(weekly, w)
		}
		s.Rota.Weekly = weekly
		return e.scheduleSaved(fc), fmt.Sprintf("weekly shifts: %d", len(weekly))
	})
}

// SetDebriefs says whether every shift gets a debrief (otherwise the first
// three of a new job do) and how long after the shift ends ("30m").
func (e *Engine) SetDebriefs(ctx context.Context, staffID, clientID string, everyShift bool, after string) (string, error) {
	return e.editSchedules(ctx, staffID, clientID, func(s *store.Schedules, fc flows.Context) (string, string) {
		if after != "" {
			d, err := time.ParseDuration(after)
			if err != nil || d < 0 || d > 12*time.Hour {
				return e.cat.T("schedule.bad_delay", map[string]any{"Value": after}), ""
			}
			s.Rota.DebriefAfterMin = int(d / time.Minute)
		}
		s.Rota.DebriefAll = everyShift
		return e.scheduleSaved(fc), fmt.Sprintf("debriefs: every shift %t, %s after", everyShift, s.Rota.DebriefAfter())
	})
}

// AddShift adds a dated shift ("2026-11-28 10:00-16:00"), or marks a
// patterned one not worked ("2026-11-28 09:00 off"). A dated shift with the
// same start replaces the earlier entry.
func (e *Engine) AddShift(ctx context.Context, staffID, clientID, spec string) (string, error) {
	if msg := e.overLimit(limited{"the shift", spec, MaxSettingRunes}); msg != "" {
		return msg, nil
	}
	return e.editSchedules(ctx, staffID, clientID, func(s *store.Schedules, fc flows.Context) (string, string) {
		return e.addShift(s, fc, spec, "schedule.shift_added")
	})
}

// RemoveShift removes a dated shift by its date and start ("2026-11-28 10:00").
func (e *Engine) RemoveShift(ctx context.Context, staffID, clientID, dateStart string) (string, error) {
	if msg := e.overLimit(limited{"the shift", dateStart, MaxSettingRunes}); msg != "" {
		return msg, nil
	}
	return e.editSchedules(ctx, staffID, clientID, func(s *store.Schedules, fc flows.Context) (string, string) {
		date, start, _ := strings.Cut(strings.TrimSpace(dateStart), " ")
		id := store.ShiftID(date, strings.TrimSpace(start))
		i := slices.IndexFunc(s.Rota.Shifts, func(x store.Shift) bool { return x.ID() == id })
		if i < 0 {
			return e.cat.T("schedule.no_such_shift", map[string]any{"Value": dateStart}), ""
		}
		s.Rota.Shifts = slices.Delete(s.Rota.Shifts, i, i+1)
		return e.cat.T("schedule.shift_removed", map[string]any{"Value": dateStart}), "shift removed " + id
	})
}

// AddWorkerReminder adds a reminder for the worker: when is "week 2" (two
// weeks after the job start) or a date; note says what to do.
func (e *Engine) AddWorkerReminder(ctx context.Context, staffID, clientID, when, note string) (string, error) {
	if msg := e.overLimit(limited{"when", when, MaxSettingRunes}, limited{"the note", note, MaxNoteRunes}); msg != "" {
		return msg, nil
	}
	return e.editSchedules(ctx, staffID, clientID, func(s *store.Schedules, fc flows.Context) (string, string) {
		w, err := ParseReminderWhen(when)
		if err != nil {
			return e.cat.T("schedule.bad_reminder", map[string]any{"Value": when}), ""
		}
		w.Note = strings.TrimSpace(note)
		if err := w.Validate(); err != nil {
			return e.cat.T("schedule.bad_reminder", map[string]any{"Value": when}), ""
		}
		if _, ok := w.Day(fc.Client.JobStart); !ok {
			return e.cat.T("schedule.no_job_start", nil), ""
		}
		s.WorkerReminders = append(s.WorkerReminders, w)
		return e.scheduleSaved(fc), "worker reminder " + reminderWhen(w)
	})
}

// ClientAddsShift records a shift a client tells Steady about themselves
// (e.g. /shift in Discord, :shift in `steady try`), so its debrief comes.
// userID is their Discord user.
func (e *Engine) ClientAddsShift(ctx context.Context, userID, spec string) (string, error) {
	clientID, err := e.store.ClientIDByDiscord(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return e.cat.T("stranger", nil), nil
	}
	if err != nil {
		return "", err
	}
	return e.changeSchedules(ctx, clientID, "client", func(s *store.Schedules, fc flows.Context) (string, string) {
		return e.addShift(s, fc, spec, "schedule.client_shift_added")
	})
}

func (e *Engine) addShift(s *store.Schedules, fc flows.Context, spec, replyKey string) (string, string) {
	sh, err := store.ParseShift(spec)
	if err != nil {
		return e.cat.T("schedule.bad_shift", map[string]any{"Value": spec}), ""
	}
	s.Rota.Shifts = slices.DeleteFunc(s.Rota.Shifts, func(x store.Shift) bool { return x.ID() == sh.ID() })
	s.Rota.Shifts = append(s.Rota.Shifts, sh)
	slices.SortFunc(s.Rota.Shifts, func(a, b store.Shift) int { return strings.Compare(a.ID(), b.ID()) })
	if err := s.Rota.Validate(); err != nil {
		return e.cat.T("schedule.bad_shift", map[string]any{"Value": spec}), ""
	}
	debrief := ""
	if in, ok := s.Rota.Find(sh.ID()); ok {
		c := fc.Client
		c.Schedules = *s
		if _, first := flows.DebriefAnswers(c, in.ID)[flows.AnswerFirstShift]; s.Rota.DebriefAll || first {
			debrief = in.End.Add(s.Rota.DebriefAfter()).Format("15:04")
		}
	}
	day, _ := time.Parse(time.DateOnly, sh.Date)
	return e.cat.T(replyKey, map[string]any{
		"Day": day.Format("Mon 2 Jan"), "Start": sh.Start, "End": sh.End, "Off": sh.Off, "Debrief": debrief,
	}), "shift " + sh.String()
}

func (e *Engine) scheduleSaved(fc flows.Context) string {
	return e.cat.T("schedule.saved", map[string]any{"Name": fc.Client.DisplayName})
}

func offOr(s string) string {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "off") || strings.EqualFold(s, "none") {
		return ""
	}
	return s
}

func orOff(s string) string {
	if s == "" {
		return "off"
	}
	return s
}

// scheduleEdit changes a copy of a client's schedules. It returns the reply
// and, when something changed, what to record in the audit log ("" for
// nothing changed: the reply says why).
type scheduleEdit func(s *store.Schedules, fc flows.Context) (reply, audit string)

// editSchedules is a schedule change by a member of staff.
func (e *Engine) editSchedules(ctx context.Context, staffID, clientID string, edit scheduleEdit) (string, error) {
	var before, after store.Client
	changed := false
	reply, err := e.staffStep(ctx, staffID, clientID, func(st redisstore.State, fc flows.Context, w store.Worker) (string, []flows.Effect, error) {
		reply, effects := scheduleStep(st, fc, w.ID, edit, &before, &after)
		changed = len(effects) > 0
		return reply, effects, nil
	})
	if err != nil || !changed {
		return reply, err
	}
	return reply, e.applySchedules(ctx, &before, after)
}

// changeSchedules is a schedule change by someone already known to be
// allowed (the client, for their own shifts).
func (e *Engine) changeSchedules(ctx context.Context, clientID, actor string, edit scheduleEdit) (string, error) {
	var before, after store.Client
	reply, changed := "", false
	err := e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		var effects []flows.Effect
		reply, effects = scheduleStep(st, fc, actor, edit, &before, &after)
		changed = len(effects) > 0
		d := decision{effects: effects}
		if changed {
			conv := st.Conversation // re-saved: a concurrent profile change retries
			d.conv = &conv
		}
		return d, nil
	})
	if err != nil || !changed {
		return reply, err
	}
	return reply, e.applySchedules(ctx, &before, after)
}

func scheduleStep(st redisstore.State, fc flows.Context, actor string, edit scheduleEdit, before, after *store.Client) (string, []flows.Effect) {
	c := st.Client
	s := c.Schedules
	s.Rota.Weekly = slices.Clone(s.Rota.Weekly)
	s.Rota.Shifts = slices.Clone(s.Rota.Shifts)
	s.WorkerReminders = slices.Clone(s.WorkerReminders)
	reply, why := edit(&s, fc)
	if why == "" {
		return reply, nil
	}
	*before, *after = c, c
	after.Schedules = s
	return reply, []flows.Effect{
		flows.SaveClient{Client: *after},
		flows.Audit{Event: store.AuditEvent{At: fc.Now, Actor: actor, Action: "schedule.changed", Reason: why}},
	}
}

// ParseReminderWhen reads when a worker reminder is due: "week 2" (two weeks
// after the job start) or a date "2026-12-07".
func ParseReminderWhen(s string) (store.WorkerReminder, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if rest, ok := strings.CutPrefix(t, "week"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(rest))
		if err != nil || n < 1 || n > 104 {
			return store.WorkerReminder{}, fmt.Errorf("reminder %q: write week and a number, like week 2", s)
		}
		return store.WorkerReminder{Week: n}, nil
	}
	if _, err := time.Parse(time.DateOnly, t); err != nil {
		return store.WorkerReminder{}, fmt.Errorf("reminder %q: write week 2 or a date like 2026-12-07", s)
	}
	return store.WorkerReminder{Date: t}, nil
}
