package store

import "time"

// Job statuses a worker records. Sustainment (in work at 6, 13 and 26 weeks
// after the job start) is read from these and from the weekly check-in's
// "still in the job" answer.
const (
	JobStarted = "started" // started a job (the first one, or a new one after leaving)
	JobLeft    = "left"    // no longer in work
)

// JobEvent is one change in a client's employment, recorded by their worker.
type JobEvent struct {
	Date   string    `json:"date"`           // local date it happened, 2006-01-02
	Status string    `json:"status"`         // JobStarted or JobLeft
	Note   string    `json:"note,omitempty"` // e.g. "new role at the same employer"; sealed at rest
	By     string    `json:"by"`             // worker id
	At     time.Time `json:"at"`             // when it was recorded
}
