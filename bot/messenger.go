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
	// Mention is a user to mention in a channel post (a worker in the staff channel).
	Mention string `json:"mention,omitempty"`
	// Key is stable across retries of the step that produced the message, so
	// an adapter can refuse to deliver it twice.
	Key string `json:"key"`
	// Client is the client the message is about ("" for none, or for
	// several, as the huddle): an adapter keeps what it remembers about the
	// message with the client's records, so erasing the client erases it, and
	// takes back (deletes) what it posted about them.
	Client string `json:"client,omitempty"`
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
	// Update replaces a delivered message's text and choices (an acknowledged
	// ping loses its buttons).
	Update(ctx context.Context, ref MessageRef, m Outgoing) error
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
