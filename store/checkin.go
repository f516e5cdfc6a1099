package store

import (
	"slices"
	"time"
)

// Answers that several records share. An empty string everywhere means the
// question was not answered (skipped, or not asked); Skipped says which.
const (
	Yes    = "yes"
	No     = "no"
	Partly = "partly"
)

// How work felt this week compared with last.
const (
	WorkHarder = "harder"
	WorkSame   = "same"
	WorkEasier = "easier"
)

// How supported the client felt (by their manager, by colleagues).
const (
	SupportGood = "good"
	SupportSome = "some"
	SupportNone = "none"
)

// How often the client felt isolated at work.
const (
	IsolatedNever     = "never"
	IsolatedSometimes = "sometimes"
	IsolatedOften     = "often"
)

// What a weekly check-in's one pick-all-that-apply work question can say
// (CheckIn.WorkFlags): the predictors of leaving a job (it feeling harder,
// poor support, conflict, isolation, low job satisfaction), an adjustment
// not being kept to, and having left the job.
const (
	WorkFlagHarder      = "harder"
	WorkFlagUnsupported = "unsupported"
	WorkFlagConflict    = "conflict"
	WorkFlagIsolated    = "isolated"
	WorkFlagUnhappy     = "unhappy"
	WorkFlagAdjustment  = "adjustment" // an agreed adjustment isn't happening
	WorkFlagLeftJob     = "left_job"
)

// WorkFlags lists every work flag in the order a check-in offers them.
var WorkFlags = []string{WorkFlagHarder, WorkFlagUnsupported, WorkFlagConflict, WorkFlagIsolated, WorkFlagUnhappy, WorkFlagAdjustment, WorkFlagLeftJob}

// Employment-rights concerns a check-in asks about. Any of them reaches the
// worker (rule rights_concern): they predict leaving, and some are unlawful.
const (
	RightsBreaks    = "breaks"
	RightsHours     = "hours"
	RightsPay       = "pay"
	RightsTreatment = "treatment" // unfair treatment, discrimination, bullying
)

// RightsConcerns lists every concern in the order a check-in asks them.
var RightsConcerns = []string{RightsBreaks, RightsHours, RightsPay, RightsTreatment}

// CheckIn is one answered weekly check-in (or one the client asked for).
// Figures are 0 when not answered; Skipped names the questions passed over.
type CheckIn struct {
	ID     string `json:"id"`   // the prompt that opened it; one record per prompt
	Date   string `json:"date"` // local date it was answered, 2006-01-02
	Coping int    `json:"coping,omitempty"`
	Sleep  int    `json:"sleep,omitempty"` // sleep overall this week, 1 very bad – 5 very good
	// WorkFlags are what the client picked at "how has work been?"
	// (WorkFlag…); empty with WorkAsked true means none applied.
	WorkFlags []string `json:"work_flags,omitempty"`
	WorkAsked bool     `json:"work_asked,omitempty"`
	// Work, Manager, Colleagues, Isolated and Satisfied are the answers of
	// check-ins recorded before the work question replaced their five
	// questions (issue 12); newer check-ins leave them empty.
	Work string `json:"work,omitempty"` // WorkHarder, WorkSame, WorkEasier
	// Manager and Colleagues are SupportGood, SupportSome or SupportNone.
	Manager    string `json:"manager,omitempty"`
	Colleagues string `json:"colleagues,omitempty"`
	Isolated   string `json:"isolated,omitempty"`     // IsolatedNever, IsolatedSometimes, IsolatedOften
	Satisfied  int    `json:"satisfaction,omitempty"` // job satisfaction, 1 – 5
	// Rights holds the concerns the client raised (RightsBreaks…); empty with
	// RightsAsked true means they said none.
	Rights      []string `json:"rights,omitempty"`
	RightsAsked bool     `json:"rights_asked,omitempty"`
	// Adjustments says, per adjustment id, whether it is being honoured: Yes, Partly or No.
	Adjustments map[string]string `json:"adjustments,omitempty"`
	StillInJob  string            `json:"still_in_job,omitempty"` // Yes or No; the sustainment measure
	// NoteForWorker is the client's optional free text. It is encrypted at rest
	// and shown only to their worker; never logged.
	NoteForWorker string    `json:"note_for_worker,omitempty"`
	Skipped       []string  `json:"skipped,omitempty"`
	LoggedAt      time.Time `json:"logged_at"`
}

// Answered reports whether the client answered a question of the check-in
// (by its question name, e.g. "coping"), rather than skipping it.
func (c CheckIn) Answered(question string) bool { return !slices.Contains(c.Skipped, question) }

// Outcomes of a shift, as the client reports them in a debrief.
const (
	ShiftCompleted = "completed"
	ShiftLeftEarly = "left_early"
	ShiftAbsent    = "absent" // did not go in: an absence the worker sees the trend of
)

// What the client used to get through a hard moment on shift.
const (
	UsedPauseScript = "pause_script"
	UsedGrounding   = "grounding"
	UsedBoth        = "both"
	UsedNeither     = "neither"
)

// How the shift affected the client's sleep, asked after each of the first
// three shifts of a new job.
const (
	SleepImpactNone   = "none"
	SleepImpactSome   = "some"
	SleepImpactALot   = "a_lot"
	SleepImpactUnsure = "unsure"
)

// Debrief is one answered post-shift debrief.
type Debrief struct {
	ID      string `json:"id"`       // the prompt that opened it; one record per prompt
	ShiftID string `json:"shift_id"` // the rota shift it follows ("" when the client asked for one)
	Date    string `json:"date"`     // local date of the shift, 2006-01-02
	// FirstShift is 1, 2 or 3 for the first three shifts of a new job (which
	// also ask about sleep), else 0.
	FirstShift int    `json:"first_shift,omitempty"`
	Outcome    string `json:"outcome,omitempty"` // ShiftCompleted, ShiftLeftEarly, ShiftAbsent
	// Stress is 0 – 10; StressAnswered tells a real 0 from a skipped question.
	Stress         int  `json:"stress"`
	StressAnswered bool `json:"stress_answered,omitempty"`
	// WarningSigns are those of the client's own early-warning signs (from
	// their plan, as worded there) they noticed on this shift.
	WarningSigns []string `json:"warning_signs,omitempty"`
	SignsAsked   bool     `json:"signs_asked,omitempty"`
	// Offered says what was offered when stress was high (UsedPauseScript,
	// UsedGrounding or UsedBoth); Used says what the client used (Used…).
	Offered string `json:"offered,omitempty"`
	Used    string `json:"used,omitempty"`
	// Conflict is Yes when the client reports a conflict with someone at work.
	Conflict    string `json:"conflict,omitempty"`
	SleepImpact string `json:"sleep_impact,omitempty"` // SleepImpact…, first three shifts only
	// WhatHelped is the client's optional free text; encrypted at rest, never logged.
	WhatHelped string    `json:"what_helped,omitempty"`
	Skipped    []string  `json:"skipped,omitempty"`
	LoggedAt   time.Time `json:"logged_at"`
}

// Answered reports whether the client answered a question of the debrief.
func (d Debrief) Answered(question string) bool { return !slices.Contains(d.Skipped, question) }

// Absent reports whether the client reported not going in.
func (d Debrief) Absent() bool { return d.Outcome == ShiftAbsent }

// UsedToStay reports whether the client used their pause script or grounding
// and finished the shift: the alternative to leaving that scenario 2 tracks.
func (d Debrief) UsedToStay() bool {
	return d.Outcome == ShiftCompleted && (d.Used == UsedPauseScript || d.Used == UsedGrounding || d.Used == UsedBoth)
}
