package store

import "time"

// Adjustment statuses. An adjustment is agreed with the client before it is
// put to the employer (through the worker, with consent), then in place until
// it ends or is stepped down.
const (
	AdjustmentProposed    = "proposed"     // written with the client, not yet agreed with the employer
	AdjustmentInPlace     = "in_place"     // agreed and happening
	AdjustmentSteppedDown = "stepped_down" // reduced gradually; still in place in its new form
	AdjustmentEnded       = "ended"        // no longer needed, or the period ran out
	AdjustmentDeclined    = "declined"     // the employer refused; kept for the record
)

// Adjustment is one reasonable adjustment in a client's register: specific,
// measurable and reviewable ("shift starts no earlier than 10:00, for six
// weeks"), with a review date and a history of every change and why.
type Adjustment struct {
	ID       string `json:"id"` // "<client id>.adj<n>"; the ref of its review occurrences
	ClientID string `json:"client_id"`
	// What changes, in words a supervisor can check: "shift starts no earlier than 10:00".
	What string `json:"what"`
	// When it applies: "every shift", "at peak times 12:00–14:00".
	When string `json:"when"`
	// From and Until are local dates (2006-01-02); Until is the last day.
	From  string `json:"from"`
	Until string `json:"until"`
	// ReviewOn is the local date the adjustment is next put to the worker and client.
	ReviewOn string `json:"review_on"`
	Status   string `json:"status"`
	// Shared says whether the employer knows of it (always through the worker,
	// and only within the client's supervisor consent).
	Shared bool `json:"shared,omitempty"`
	// Notes are the worker's free text; sealed at rest like every record.
	Notes string `json:"notes,omitempty"`

	History []AdjustmentChange `json:"history"`
	Reviews []AdjustmentReview `json:"reviews,omitempty"`
}

// Open reports whether the adjustment is still in force or awaiting agreement,
// so its reviews still matter.
func (a Adjustment) Open() bool {
	return a.Status == AdjustmentProposed || a.Status == AdjustmentInPlace || a.Status == AdjustmentSteppedDown
}

// AdjustmentChange records one change to an adjustment: what changed, from
// what to what, who did it, when and why.
type AdjustmentChange struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`    // worker id
	Field  string    `json:"field"` // "created", "what", "when", "until", "review_on", "status", "notes"
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	Reason string    `json:"reason"`
}

// Review outcomes.
const (
	ReviewContinue = "continue"  // keep as it is until the next review
	ReviewStepDown = "step_down" // reduce it (the change says how)
	ReviewEnd      = "end"       // no longer needed
	ReviewChange   = "change"    // change it (the change says how)
)

// AdjustmentReview is one review of an adjustment: when it was due, when it
// happened, who took part and what was decided.
type AdjustmentReview struct {
	Due     string    `json:"due"` // the review date it answered, local 2006-01-02
	At      time.Time `json:"at"`
	By      string    `json:"by"` // worker id, or "client" when the client answered the review prompt
	Outcome string    `json:"outcome"`
	// Honoured is the client's or worker's view of whether the employer has
	// been keeping to it: Yes, Partly or No (see CheckIn.Adjustments).
	Honoured string `json:"honoured,omitempty"`
	Note     string `json:"note,omitempty"` // free text, sealed at rest
	// Next is the review date set at this review ("" when the adjustment ended).
	Next string `json:"next,omitempty"`
}
