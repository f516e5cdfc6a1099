package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
)

// Profile is a client as a worker enrols them: who they are, their worker,
// consents, schedules, thresholds and plan. `steady try --profile` reads it
// from YAML; the Discord /enrol command builds one from its options.
type Profile struct {
	Client struct {
		ID        string `yaml:"id"`
		Name      string `yaml:"name"`
		DiscordID string `yaml:"discord_id"`
		TimeZone  string `yaml:"time_zone"`
		JobStart  string `yaml:"job_start"`
	} `yaml:"client"`
	Worker StaffProfile  `yaml:"worker"`
	Lead   *StaffProfile `yaml:"lead"`
	// Onboarding: the client gives their consents themselves, in chat, when
	// Steady first messages them; consents below are then not used, and
	// nothing is prompted until they agree to their worker seeing answers.
	Onboarding bool `yaml:"onboarding"`
	// Welcome: with consents recorded by the worker, send the client a first
	// message saying what Steady is, what was recorded and how to change it.
	// Discord's /enrol sets it; try's profiles leave it off so a transcript
	// starts with the first prompt.
	Welcome  bool `yaml:"welcome"`
	Consents struct {
		WorkerSeesAnswers bool     `yaml:"worker_sees_answers"`
		PeerGroup         string   `yaml:"peer_group"`         // off | anonymous | named
		SupervisorLiaison string   `yaml:"supervisor_liaison"` // none | functional | named
		SupervisorItems   []string `yaml:"supervisor_items"`
	} `yaml:"consents"`
	Schedules struct {
		SleepLog      string `yaml:"sleep_log"`      // "07:30"
		WeeklyCheckIn string `yaml:"weekly_checkin"` // "mon 10:00" or "cron 0 10 * * mon"
		QuietHours    string `yaml:"quiet_hours"`    // "21:30-07:00"
		// DebriefAfter is how long after a shift ends its debrief comes ("30m").
		DebriefAfter string `yaml:"debrief_after"`
		// DebriefEveryShift: a debrief after every shift, not only the first three.
		DebriefEveryShift bool `yaml:"debrief_every_shift"`
	} `yaml:"schedules"`
	Rota struct {
		Weekly []string `yaml:"weekly"` // "mon 09:00-17:00", "fri 22:00-06:00"
		Shifts []string `yaml:"shifts"` // "2026-11-28 10:00-16:00", "2026-12-01 09:00 off"
	} `yaml:"rota"`
	WorkerReminders []ProfileReminder `yaml:"worker_reminders"`
	SleepThresholds struct {
		MinAsleepMinutes   int `yaml:"min_asleep_minutes"`
		MaxLatencyMinutes  int `yaml:"max_latency_minutes"`
		MaxPoorQuality     int `yaml:"max_poor_quality"`
		DropBelowMedianMin int `yaml:"drop_below_median_minutes"`
	} `yaml:"sleep_thresholds"`
	Plan struct {
		EarlyWarningSigns     []string            `yaml:"early_warning_signs"`
		WarningSignsThreshold int                 `yaml:"warning_signs_threshold"`
		PauseScript           string              `yaml:"pause_script"`
		Grounding             string              `yaml:"grounding"`
		Actions               map[string][]string `yaml:"actions"`
		CrisisContacts        []string            `yaml:"crisis_contacts"`
	} `yaml:"plan"`
	Adjustments []ProfileAdjustment `yaml:"adjustments"`
	// Rules are the worker's changes to the service's escalation rules for this client.
	Rules map[string]RuleProfile `yaml:"rules"`
}

// ProfileAdjustment is a reasonable adjustment recorded at enrolment (see
// flows.AdjustmentDraft for the forms each field takes).
type ProfileAdjustment struct {
	What   string `yaml:"what"`
	When   string `yaml:"when"`
	From   string `yaml:"from"`   // default: the job start if it is still ahead, else the day of enrolment
	For    string `yaml:"for"`    // "six weeks", "until 2027-01-04", "ongoing"
	Review string `yaml:"review"` // "6 weeks" (from the start), a date, or empty for the end of the period
	Status string `yaml:"status"` // proposed | in_place (default) | stepped_down
	Shared bool   `yaml:"shared"` // the employer has been told
}

// ProfileReminder is a reminder for the worker: At is "week 2" (two weeks
// after the job start) or a date.
type ProfileReminder struct {
	At   string `yaml:"at"`
	Note string `yaml:"note"`
}

// schedules turns the profile's schedules, rota and reminders into the
// client's record, reporting every mistake.
func (p Profile) schedules() (store.Schedules, []error) {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("profile: "+format, a...)) }
	s := store.Schedules{SleepLog: p.Schedules.SleepLog, WeeklyCheckIn: p.Schedules.WeeklyCheckIn}
	if v := p.Schedules.SleepLog; v != "" {
		if _, err := scheduler.ParseRule("daily " + v); err != nil {
			bad("schedules.sleep_log %s: use a 24-hour time like 07:30", shown(v))
		}
	}
	if v := p.Schedules.WeeklyCheckIn; v != "" {
		if _, err := scheduler.ParseRule(weeklyRule(v)); err != nil {
			bad("schedules.weekly_checkin %s: use a day and time like \"mon 10:00\", or \"cron MIN HOUR DOM MON DOW\"", shown(v))
		}
	}
	if v := p.Schedules.QuietHours; v != "" {
		start, end, err := store.ParseSpan(v)
		if err != nil {
			bad("schedules.quiet_hours %s: use START-END, like 21:30-07:00", shown(v))
		}
		s.QuietHours = store.QuietHours{Start: start, End: end}
	}
	if v := p.Schedules.DebriefAfter; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > 12*time.Hour {
			bad("schedules.debrief_after %s: use a duration like 30m or 1h", shown(v))
		}
		s.Rota.DebriefAfterMin = int(d / time.Minute)
	}
	s.Rota.DebriefAll = p.Schedules.DebriefEveryShift
	for _, v := range p.Rota.Weekly {
		w, err := store.ParseWeeklyShift(v)
		if err != nil {
			bad("rota.weekly: %v", err)
		}
		s.Rota.Weekly = append(s.Rota.Weekly, w)
	}
	for _, v := range p.Rota.Shifts {
		sh, err := store.ParseShift(v)
		if err != nil {
			bad("rota.shifts: %v", err)
		}
		s.Rota.Shifts = append(s.Rota.Shifts, sh)
	}
	for i, r := range p.WorkerReminders {
		w, err := ParseReminderWhen(r.At)
		if err != nil {
			bad("worker_reminders[%d].at: %v", i, err)
			continue
		}
		w.Note = strings.TrimSpace(r.Note)
		if err := w.Validate(); err != nil {
			bad("worker_reminders[%d]: %v", i, err)
		}
		if w.Week > 0 && p.Client.JobStart == "" {
			bad("worker_reminders[%d]: %s counts from the job start: set client.job_start", i, shown(r.At))
		}
		s.WorkerReminders = append(s.WorkerReminders, w)
	}
	return s, errs
}

// RuleProfile is a change to one escalation rule (store.RuleOverride).
type RuleProfile struct {
	Off        bool     `yaml:"off"`
	Count      int      `yaml:"count"`
	Threshold  int      `yaml:"threshold"`
	WithinDays int      `yaml:"within_days"`
	Brings     []string `yaml:"brings"`
}

func (r RuleProfile) override() store.RuleOverride {
	return store.RuleOverride{Off: r.Off, Count: r.Count, Threshold: r.Threshold, WithinDays: r.WithinDays, Brings: r.Brings}
}

// StaffProfile names a worker or lead.
type StaffProfile struct {
	ID        string `yaml:"id"`
	Name      string `yaml:"name"`
	DiscordID string `yaml:"discord_id"`
	TimeZone  string `yaml:"time_zone"`
	// Hours are their working hours, e.g. "mon-fri 09:00-17:00"; empty: the service's.
	Hours string `yaml:"hours"`
}

// ParseProfile reads a profile from YAML. Unknown fields are errors, so a
// misspelt consent cannot silently fall back to a default; each names the
// field and the one probably meant (profileFields).
func ParseProfile(b []byte) (Profile, error) {
	var p Profile
	if len(b) > MaxProfileBytes {
		return p, fmt.Errorf("profile: the file is %d KB; a profile is at most %d KB", len(b)>>10, MaxProfileBytes>>10)
	}
	if errs := profileFields(b); len(errs) > 0 {
		return p, errors.Join(errs...)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("profile: %s", yamlProblem(err))
	}
	return p, p.Validate()
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// Validate reports every mistake, one line each: every text field has a
// bound (lengthProblems), and a value quoted back is clipped.
func (p Profile) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("profile: "+format, a...)) }
	for _, msg := range p.lengthProblems() {
		bad("%s", msg)
	}
	if len(errs) > 0 {
		return errors.Join(errs...) // the rest would quote the over-long values back
	}
	if !idPattern.MatchString(p.Client.ID) {
		bad("client.id %s: use 1–32 lower-case letters, digits, - or _", shown(p.Client.ID))
	}
	if strings.TrimSpace(p.Client.Name) == "" {
		bad("client.name is required")
	}
	if _, err := time.LoadLocation(p.Client.TimeZone); err != nil || p.Client.TimeZone == "" {
		bad("client.time_zone %s is not an IANA zone like Europe/London", shown(p.Client.TimeZone))
	}
	if p.Client.JobStart != "" {
		if _, err := time.Parse(time.DateOnly, p.Client.JobStart); err != nil {
			bad("client.job_start %s: use YYYY-MM-DD", shown(p.Client.JobStart))
		}
	}
	if !idPattern.MatchString(p.Worker.ID) {
		bad("worker.id %s: use 1–32 lower-case letters, digits, - or _", shown(p.Worker.ID))
	}
	if p.Lead != nil && !idPattern.MatchString(p.Lead.ID) {
		bad("lead.id %s: use 1–32 lower-case letters, digits, - or _", shown(p.Lead.ID))
	}
	staff := map[string]StaffProfile{"worker": p.Worker}
	if p.Lead != nil {
		staff["lead"] = *p.Lead
	}
	for who, s := range staff {
		if s.Hours != "" {
			if _, err := flows.ParseHours(s.Hours); err != nil {
				bad("%s.hours: %v", who, err)
			}
		}
		if s.TimeZone != "" {
			if _, err := time.LoadLocation(s.TimeZone); err != nil {
				bad("%s.time_zone %s is not an IANA zone like Europe/London", who, shown(s.TimeZone))
			}
		}
	}
	for id, r := range p.Rules {
		if msg := flows.ValidateRuleOverride(id, r.override()); msg != "" {
			bad("rules.%s: %s", id, msg)
		}
	}
	if !p.Onboarding {
		if !p.Consents.WorkerSeesAnswers {
			bad("consents.worker_sees_answers must be true: Steady cannot be used without it (or set onboarding: true for the client to give consents in chat)")
		}
		switch store.PeerConsent(p.Consents.PeerGroup) {
		case store.PeerOff, store.PeerAnonymous, store.PeerNamed:
		default:
			bad("consents.peer_group %s: use off, anonymous or named", shown(p.Consents.PeerGroup))
		}
		switch store.SupervisorConsent(p.Consents.SupervisorLiaison) {
		case store.SupervisorNone, store.SupervisorFunctional:
		case store.SupervisorNamed:
			if len(p.Consents.SupervisorItems) == 0 {
				bad("consents.supervisor_items: list the items the client agreed to, for supervisor_liaison: named")
			}
		default:
			bad("consents.supervisor_liaison %s: use none, functional or named", shown(p.Consents.SupervisorLiaison))
		}
	}
	_, serrs := p.schedules()
	errs = append(errs, serrs...)
	check := flows.Context{Catalog: flows.DefaultCatalog()}
	for i, a := range p.Adjustments {
		if why := flows.CheckMeasurable(check, a.What, a.When); why != "" {
			bad("adjustments[%d] %s: %s", i, shown(a.What), why)
		}
		switch a.Status {
		case "", store.AdjustmentProposed, store.AdjustmentInPlace, store.AdjustmentSteppedDown:
		default:
			bad("adjustments[%d].status %s: use proposed, in_place or stepped_down", i, shown(a.Status))
		}
	}
	return errors.Join(errs...)
}

// ErrAlreadyEnrolled is returned by Enrol for a client id that exists.
var ErrAlreadyEnrolled = errors.New("client already enrolled")

// Enrol records a new client from a worker's profile: their record with
// every consent dated, their staff, and their schedules. by is the worker
// doing it.
func (e *Engine) Enrol(ctx context.Context, p Profile, by string) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if _, err := e.store.Client(ctx, p.Client.ID); err == nil {
		return ErrAlreadyEnrolled
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	now := e.clock.Now()
	schedules, _ := p.schedules() // checked by Validate
	staff := []StaffProfile{p.Worker}
	if p.Lead != nil {
		staff = append(staff, *p.Lead)
	}
	for i, s := range staff {
		w := store.Worker{ID: s.ID, Name: s.Name, DiscordID: s.DiscordID, TimeZone: s.TimeZone, Hours: s.Hours, Lead: i > 0}
		if w.TimeZone == "" {
			w.TimeZone = p.Client.TimeZone
		}
		// A member of staff already known keeps their record (lead flag,
		// zone, hours): enrolling a client is not the place to change it.
		if _, err := e.store.AddWorker(ctx, w); err != nil {
			return err
		}
	}
	c := store.Client{
		ID: p.Client.ID, DisplayName: p.Client.Name, DiscordID: p.Client.DiscordID, TimeZone: p.Client.TimeZone,
		WorkerID: p.Worker.ID, Status: store.StatusActive, EnrolledAt: now, JobStart: p.Client.JobStart,
		Schedules: schedules,
		SleepThresholds: store.SleepThresholds{
			MinAsleepMinutes: p.SleepThresholds.MinAsleepMinutes, MaxLatencyMinutes: p.SleepThresholds.MaxLatencyMinutes,
			MaxPoorQuality: p.SleepThresholds.MaxPoorQuality, DropBelowMedianMin: p.SleepThresholds.DropBelowMedianMin,
		},
		Plan: store.Plan{
			EarlyWarningSigns: p.Plan.EarlyWarningSigns, WarningSignsThreshold: p.Plan.WarningSignsThreshold,
			PauseScript: p.Plan.PauseScript, Grounding: p.Plan.Grounding, Actions: p.Plan.Actions,
			CrisisContacts: p.Plan.CrisisContacts,
		},
	}
	if c.DiscordID == "" {
		c.DiscordID = c.ID
	}
	for id, r := range p.Rules {
		if c.Rules == nil {
			c.Rules = map[string]store.RuleOverride{}
		}
		c.Rules[id] = r.override()
	}
	if !p.Onboarding {
		c.Consents.SupervisorItems = p.Consents.SupervisorItems
		note := "recorded at enrolment"
		worker := map[bool]string{true: "yes", false: "no"}[p.Consents.WorkerSeesAnswers]
		c.Consents.Set(store.PurposeWorker, worker, by, note, now)
		c.Consents.Set(store.PurposePeer, p.Consents.PeerGroup, by, note, now)
		c.Consents.Set(store.PurposeSupervisor, p.Consents.SupervisorLiaison, by, note, now)
	}
	adjustments, err := e.profileAdjustments(c, p, by)
	if err != nil {
		return err
	}
	switch err := e.store.Enrol(ctx, c); {
	case errors.Is(err, redisstore.ErrClientExists):
		return ErrAlreadyEnrolled
	case errors.Is(err, redisstore.ErrUserTaken):
		return errors.New("profile: that Discord user is already enrolled as another client")
	case err != nil:
		return err
	}
	b := e.store.Batch(c.ID)
	b.Audit(store.AuditEvent{At: now, Actor: by, Action: "client.enrolled", Reason: "worker " + c.WorkerID})
	for _, h := range c.Consents.History {
		b.Audit(store.AuditEvent{At: now, Actor: by, Action: "consent.recorded", Reason: h.Purpose + "=" + h.Value})
	}
	b.PutPlanVersion(flows.InitialPlanVersion(c, by))
	for _, a := range adjustments {
		b.PutAdjustment(a)
		b.Audit(store.AuditEvent{At: now, Actor: by, Action: "adjustment.added", Reason: a.ID + ", review " + a.ReviewOn})
	}
	for _, id := range flows.RuleIDs {
		if o, ok := c.Rules[id]; ok {
			b.Audit(store.AuditEvent{At: now, Actor: by, Action: "rule.changed", Rule: id, Reason: describeOverride(o)})
		}
	}
	if _, err := b.Commit(ctx, -1); err != nil {
		return err
	}
	for _, a := range adjustments {
		if err := e.scheduleReview(ctx, a); err != nil {
			return err
		}
	}
	if err := e.applySchedules(ctx, nil, c); err != nil {
		return err
	}
	switch {
	case p.Onboarding:
		return e.StartOnboarding(ctx, c.ID)
	case p.Welcome:
		return e.welcome(ctx, c.ID)
	}
	return nil
}

// welcome sends the first message to a client enrolled with consents their
// worker recorded.
func (e *Engine) welcome(ctx context.Context, clientID string) error {
	return e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		if err := e.workerName(ctx, &fc); err != nil {
			return decision{}, err
		}
		return decision{effects: []flows.Effect{flows.Welcome(fc), auditNow(fc, "client.welcomed", "", "consents recorded by the worker")}}, nil
	})
}

// profileAdjustments turns the profile's adjustments into register entries,
// checked as any worker's entry is (measurable, with a review date ahead).
func (e *Engine) profileAdjustments(c store.Client, p Profile, by string) ([]store.Adjustment, error) {
	fc, err := e.flowContext(c)
	if err != nil {
		return nil, err
	}
	today := fc.Local().Format(time.DateOnly)
	var out []store.Adjustment
	var errs []error
	for i, pa := range p.Adjustments {
		from := pa.From
		if from == "" && c.JobStart >= today {
			from = c.JobStart
		}
		a, why := flows.NewAdjustment(fc, fmt.Sprintf("%s.adj%d", c.ID, i+1), by, flows.AdjustmentDraft{
			What: pa.What, When: pa.When, From: from, For: pa.For, Review: pa.Review, Shared: pa.Shared,
		})
		if why != "" {
			errs = append(errs, fmt.Errorf("profile: adjustments[%d] %s: %s", i, shown(pa.What), why))
			continue
		}
		if pa.Status == "" {
			pa.Status = store.AdjustmentInPlace
		}
		if pa.Status != a.Status {
			a.History = append(a.History, store.AdjustmentChange{At: fc.Now, By: by, Field: "status", From: a.Status, To: pa.Status, Reason: "recorded at enrolment"})
			a.Status = pa.Status
		}
		out = append(out, a)
	}
	return out, errors.Join(errs...)
}
