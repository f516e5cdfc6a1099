package bot

import (
	"context"

	"steady/flows"
)

// Outgoing is one message to deliver.
type Outgoing struct {
	Audience flows.Audience `json:"audience"`
	// UserID, if set, is the person to DM; otherwise ChannelID is the channel to post in.
	UserID    string         `json:"user_id,omitempty"`
	ChannelID string         `json:"channel_id,omitempty"`
	Text      string         `json:"text"`
	Choices   []flows.Choice `json:"choices,omitempty"`
	Prompt    string         `json:"prompt,omitempty"`
	// Multi asks for a multi-select menu: the client may pick several of the
	// choices, sent back as Inbound.Values.
	Multi bool `json:"multi,omitempty"`
	// ValueChoices: the choices are values the client may as well type (a
	// time, a count, a rating), shown without positions (flows.Message).
	ValueChoices bool `json:"value_choices,omitempty"`
	// Mention is a user to mention in a channel post.
	Mention string `json:"mention,omitempty"`
	// Staff, if set, is the Discord user id of the member of staff the
	// message is for, delivered privately (Messenger.SendStaff): it carries
	// a client's details, which only their worker and the lead may read.
	// StaffName is that person's name, for the place it lands.
	Staff     string `json:"staff,omitempty"`
	StaffName string `json:"staff_name,omitempty"`
	// Urgent messages go ahead of routine ones waiting for delivery.
	Urgent bool `json:"urgent,omitempty"`
	// Replaces, if set, is the key of a message delivered earlier that this
	// one rewrites in place (Messenger.UpdateSent) instead of being sent.
	Replaces string `json:"replaces,omitempty"`
	// Transient says the recipient is nobody Steady keeps records about (a
	// stranger who wrote to it): an adapter keeps nothing of theirs beyond
	// what stops a retried reply going twice, and that only briefly.
	Transient bool `json:"transient,omitempty"`
	// Key is stable across retries of the step that produced the message, so
	// an adapter can refuse to deliver it twice.
	Key string `json:"key"`
	// Client is the client the message is about ("" for none, or for
	// several, as the huddle): an adapter keeps what it remembers about the
	// message with the client's records, so erasing the client erases it, and
	// takes back (deletes) what it posted about them.
	Client string `json:"client,omitempty"`
	// About are the clients a message about several of them carries the
	// words of (a to-read digest): an adapter remembers where it went with
	// each of them, so erasing any one of them takes the whole message back.
	// Their other clients' items stay unread and come again in the reader's
	// next reminder (docs/security.md, "Erasure").
	About []string `json:"about,omitempty"`
}

// MessageRef points at a delivered message, for later updates.
type MessageRef struct {
	ChannelID string
	MessageID string
}

// Messenger delivers messages. Implementations: bot/discord, bot/console.
type Messenger interface {
	// SendDM sends a direct message, with its choices as buttons.
	SendDM(ctx context.Context, userID string, m Outgoing) (MessageRef, error)
	// Post posts in a channel or thread.
	Post(ctx context.Context, channelID string, m Outgoing) (MessageRef, error)
	// SendStaff delivers to one member of staff (their Discord user id)
	// where nobody but them, the leads and Steady can read it, with its
	// choices as buttons that work there.
	SendStaff(ctx context.Context, userID string, m Outgoing) (MessageRef, error)
	// Update replaces a delivered message's text and choices.
	Update(ctx context.Context, ref MessageRef, m Outgoing) error
	// UpdateSent replaces the text and choices of the message delivered
	// under key (an acknowledged ping loses its Acknowledge button wherever
	// it landed). A key that was never delivered, or is long forgotten, is
	// nothing to update.
	UpdateSent(ctx context.Context, key string, m Outgoing) error
	// OpenThread starts a thread in a channel and returns its id.
	OpenThread(ctx context.Context, channelID, name string) (string, error)
	// Delete removes a delivered message. One already gone is not an error.
	Delete(ctx context.Context, ref MessageRef) error
}

// ErrUnreachable is returned by a Messenger when the recipient cannot be
// messaged at all (e.g. they closed their DMs); retrying will not help.
type ErrUnreachable struct{ Reason string }

func (e ErrUnreachable) Error() string { return "recipient unreachable: " + e.Reason }

// Forgetter is implemented by a Messenger that keeps records of its own about
// the people it reaches and can take back what it posted (the Discord
// adapter). Erasure calls Forget once the client is marked as being erased
// and before their records go: it deletes every message it posted about the
// client (their DMs, staff messages about them) — or, when that cannot be
// done now, puts the deletions on a durable list first — and only then
// removes what it keeps about them. PurgePending works through that list;
// serve calls it on every outbox sweep.
type Forgetter interface {
	Forget(ctx context.Context, userID, clientID string) (Forgotten, error)
	PurgePending(ctx context.Context) (left int, err error)
}

// Forgotten says what Forget did with the messages posted about a client.
type Forgotten struct {
	Deleted int // messages deleted now
	Pending int // deletions waiting for the messenger's service (e.g. Discord unreachable)
}
