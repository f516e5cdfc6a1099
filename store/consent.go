package store

import "time"

// Purposes a client consents to, each separately (DESIGN §7).
const (
	PurposeWorker     = "worker_sees_answers"
	PurposePeer       = "peer_group"
	PurposeSupervisor = "supervisor_liaison"
)

// PeerConsent says whether and how the peer group may be nudged for a client.
type PeerConsent string

const (
	PeerOff       PeerConsent = "off"
	PeerAnonymous PeerConsent = "anonymous"
	PeerNamed     PeerConsent = "named"
)

// SupervisorConsent says what the worker may discuss with the client's supervisor.
// The bot itself never contacts an employer.
type SupervisorConsent string

const (
	SupervisorNone       SupervisorConsent = "none"
	SupervisorFunctional SupervisorConsent = "functional" // functional needs only, no diagnosis
	SupervisorNamed      SupervisorConsent = "named"      // only the items listed in SupervisorItems
)

// Consents are the client's current choices plus the dated history of every change.
type Consents struct {
	WorkerSeesAnswers bool              `json:"worker_sees_answers"`
	Peer              PeerConsent       `json:"peer"`
	Supervisor        SupervisorConsent `json:"supervisor"`
	SupervisorItems   []string          `json:"supervisor_items,omitempty"`
	History           []ConsentChange   `json:"history,omitempty"`
}

// ConsentChange records one choice: what, to what, when, by whom and how.
type ConsentChange struct {
	Purpose string    `json:"purpose"`
	Value   string    `json:"value"`
	At      time.Time `json:"at"`
	By      string    `json:"by"`             // "client" or a worker id
	Note    string    `json:"note,omitempty"` // e.g. "recorded at enrolment"
}

// PeerAllowed reports whether any peer nudge may be posted.
func (c Consents) PeerAllowed() bool {
	return c.Peer == PeerAnonymous || c.Peer == PeerNamed
}

// Set changes one purpose's value and appends the change to the history.
func (c *Consents) Set(purpose, value, by, note string, at time.Time) {
	switch purpose {
	case PurposeWorker:
		c.WorkerSeesAnswers = value == "yes"
	case PurposePeer:
		c.Peer = PeerConsent(value)
	case PurposeSupervisor:
		c.Supervisor = SupervisorConsent(value)
	}
	c.History = append(c.History, ConsentChange{Purpose: purpose, Value: value, At: at, By: by, Note: note})
}
