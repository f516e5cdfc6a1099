package bot

// Inbound is something a person sent the bot: a DM, a tapped choice, or an
// edit of an earlier DM.
type Inbound struct {
	UserID string // the sender's Discord user id
	// Key identifies the delivery (message or interaction id); redeliveries share it.
	Key    string
	Text   string
	Choice string
	// Values are the items picked in a multi-select menu.
	Values []string
	Prompt string
	// Edits, for an edited message, is the Key its first version came with.
	Edits string
}
