package store

import "time"

// RecentMessage is one thing a client typed in the last few minutes, kept so
// the next message can be read together with it ("i want to", then "die").
// It is sealed at rest in the client's own key space and expires within
// minutes; it is never logged.
type RecentMessage struct {
	At   time.Time `json:"at"`
	Key  string    `json:"key"`  // the input's delivery key (a message id); an edit names the message it changes by it
	Text string    `json:"text"` // the client's words
}

// Why a message is on a worker's "to read" list.
const (
	ReadCrisis        = "crisis"         // the interceptor read a crisis
	ReadDanger        = "danger"         // danger from someone else
	ReadWorry         = "worry"          // worrying but unclear: Steady asked "are you safe?"
	ReadNotUnderstood = "not_understood" // a flow re-asked, or nothing was open to answer
	ReadDistress      = "distress"       // understood, but with words of distress in it
)

// What Steady did with a message on the "to read" list.
const (
	DidCrisisContacts = "crisis_contacts" // gave the crisis contacts and raised an urgent incident
	DidDangerContacts = "danger_contacts" // gave the danger contacts and raised an urgent incident
	DidAskedSafe      = "asked_safe"      // asked whether they are safe, with the contacts
	DidNotSafe        = "not_safe"        // took more distress after "are you safe?" as not safe
	DidAskedAgain     = "asked_again"     // asked its question again
	DidNothingOpen    = "nothing_open"    // said nothing was open to answer
	DidTookAnswer     = "took_answer"     // took it as an answer
	DidControl        = "control"         // did what it asked (help, pause, stop, talk to my worker…)
	DidClosed         = "closed"          // said the question it answered had closed
	DidNothing        = "nothing"         // an edit or a note that changed nothing
)

// Where a message on the "to read" list came from.
const (
	FromMessage = "message" // a DM to Steady
	FromEdit    = "edit"    // an edit of an earlier DM
	FromCommand = "command" // text in one of the client's slash commands
)

// ReadItem is one message a client typed that Steady could not tell was
// routine, waiting for a person to read it (the human backstop: no part of
// safety rests on matching words alone). The words are sealed at rest and
// shown to the client's own worker only; the audit log records that the item
// was added, shown and acknowledged, never the words.
type ReadItem struct {
	ID string    `json:"id"` // deterministic per input, so a retried step adds it once
	At time.Time `json:"at"`
	// Step is the client's conversation version when it was noted: it orders
	// items noted in the same instant.
	Step   int64  `json:"step,omitempty"`
	Text   string `json:"text"`
	Why    string `json:"why"`            // Read*
	Did    string `json:"did"`            // Did*
	Kind   string `json:"kind,omitempty"` // the detector's kind of concern, if any
	Flow   string `json:"flow,omitempty"` // the flow that was open, if any
	Source string `json:"source"`         // From*
	// Urgent items (a crisis, danger) reach the worker's digest at once, at any hour.
	Urgent bool `json:"urgent,omitempty"`
	// Digested is when the item first went out in a digest (zero: not yet);
	// Shown when its reader last saw it in one, LeadShown when the lead
	// last did: an unread item is shown again about once a day, however
	// many digests go out meanwhile.
	Digested  time.Time `json:"digested,omitzero"`
	Shown     time.Time `json:"shown,omitzero"`
	LeadShown time.Time `json:"lead_shown,omitzero"`
}
