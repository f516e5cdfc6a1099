package store

import "time"

// Plan is the client's own plan, written with their worker: what helps, and
// what should happen when a rule fires.
type Plan struct {
	EarlyWarningSigns []string `json:"early_warning_signs,omitempty"`
	// WarningSignsThreshold is how many signs at once bring the plan in (0: rule off).
	WarningSignsThreshold int                 `json:"warning_signs_threshold,omitempty"`
	PauseScript           string              `json:"pause_script,omitempty"`
	Grounding             string              `json:"grounding,omitempty"`
	Actions               map[string][]string `json:"actions,omitempty"` // rule id → agreed actions
	CrisisContacts        []string            `json:"crisis_contacts,omitempty"`
}

// ActionsFor returns the plan's agreed actions for a rule.
func (p Plan) ActionsFor(rule string) []string { return p.Actions[rule] }

// SleepThresholds decide when a night counts as disrupted (DESIGN §2). Zero
// fields take the service defaults; see DefaultSleepThresholds.
type SleepThresholds struct {
	MinAsleepMinutes   int `json:"min_asleep_minutes,omitempty"`    // default 360 (6 h)
	MaxLatencyMinutes  int `json:"max_latency_minutes,omitempty"`   // default 30
	MaxPoorQuality     int `json:"max_poor_quality,omitempty"`      // default 2: quality 1–2 is poor
	DropBelowMedianMin int `json:"drop_below_median_min,omitempty"` // default 120: 2 h under the 14-night median
}

// DefaultSleepThresholds are the service defaults from job-retention practice.
var DefaultSleepThresholds = SleepThresholds{
	MinAsleepMinutes:   360,
	MaxLatencyMinutes:  30,
	MaxPoorQuality:     2,
	DropBelowMedianMin: 120,
}

// WithDefaults fills unset thresholds from the service defaults.
func (t SleepThresholds) WithDefaults() SleepThresholds {
	d := DefaultSleepThresholds
	if t.MinAsleepMinutes == 0 {
		t.MinAsleepMinutes = d.MinAsleepMinutes
	}
	if t.MaxLatencyMinutes == 0 {
		t.MaxLatencyMinutes = d.MaxLatencyMinutes
	}
	if t.MaxPoorQuality == 0 {
		t.MaxPoorQuality = d.MaxPoorQuality
	}
	if t.DropBelowMedianMin == 0 {
		t.DropBelowMedianMin = d.DropBelowMedianMin
	}
	return t
}

// PlanVersion is one saved state of a client's plan and sleep thresholds:
// who changed it, when, why, and what changed. Version 1 is the plan as
// recorded at enrolment.
type PlanVersion struct {
	Version         int             `json:"version"`
	At              time.Time       `json:"at"`
	By              string          `json:"by"`     // worker id
	Reason          string          `json:"reason"` // free text, sealed at rest
	Changes         []PlanChange    `json:"changes,omitempty"`
	Plan            Plan            `json:"plan"`
	SleepThresholds SleepThresholds `json:"sleep_thresholds"`
}

// PlanChange is one field's change between two plan versions, in words.
type PlanChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}
