package store

import "time"

// RuleOverride is a worker's change to one escalation rule for one client.
// Zero fields keep the service's setting.
type RuleOverride struct {
	// Off turns the rule off for this client (refused for the crisis rule).
	Off bool `json:"off,omitempty"`
	// Count is how many qualifying observations fire the rule.
	Count int `json:"count,omitempty"`
	// Threshold is the score that qualifies (stress at or above, coping at or below, signs at or above).
	Threshold int `json:"threshold,omitempty"`
	// WithinDays is how close together the Count observations must be.
	WithinDays int `json:"within_days,omitempty"`
	// Brings names the plan sections (keys of Plan.Actions) the rule brings up.
	Brings []string `json:"brings,omitempty"`
}

// BenefitFlag is a benefit transition a worker has flagged for a client
// (e.g. moving onto Universal Credit), shown in the weekly huddle until cleared.
type BenefitFlag struct {
	What    string    `json:"what"`          // short label, e.g. "ESA to Universal Credit"
	Due     string    `json:"due,omitempty"` // local date of the change, if known
	By      string    `json:"by"`            // worker id
	At      time.Time `json:"at"`
	Cleared time.Time `json:"cleared,omitzero"`
}
