package console

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"steady/bot"
	"steady/flows"
	"steady/store"
)

// Console prints messages for a terminal. It remembers the choices last
// offered to the client, so typing a number or a label picks one.
type Console struct {
	mu      sync.Mutex
	out     io.Writer
	now     func() time.Time
	loc     *time.Location
	stamped time.Time

	offered []flows.Choice
	values  bool // the offered choices are values: no positions
	multi   bool // the offered choices may be picked several at once
	prompt  string
	client  string // the client's Discord id; DMs to anyone else are a stranger's

	// The worker's last "to read" digest: its Acknowledge choices and prompt.
	digest       []flows.Choice
	digestPrompt string
	// replying is set while Steady answers something the client just did;
	// a DM to the client at any other time arrives unasked.
	replying bool
	days     []DayCount
}

// DayCount is what the client received on one day of their own calendar.
type DayCount struct {
	Day string // "Mon 23 Nov"
	// Unasked are the DMs that arrived without the client having just
	// written to Steady: a prompt's first message, a grounding before a
	// shift, a reminder, a welcome back. Each makes the phone buzz out of
	// the blue; this is the count the goal of 1.5 a day is about.
	Unasked int
	// DMs are every DM, including each next question and the thanks,
	// which arrive while the client is answering.
	DMs int
}

// Days returns the client's DMs counted per day of their calendar, oldest first.
func (c *Console) Days() []DayCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]DayCount(nil), c.days...)
}

// Replying marks the DMs sent until done() as replies to the client.
func (c *Console) Replying() (done func()) {
	c.mu.Lock()
	c.replying = true
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		c.replying = false
		c.mu.Unlock()
	}
}

func (c *Console) count() {
	day := c.now().In(c.loc).Format("Mon 2 Jan")
	if n := len(c.days); n == 0 || c.days[n-1].Day != day {
		c.days = append(c.days, DayCount{Day: day})
	}
	d := &c.days[len(c.days)-1]
	d.DMs++
	if !c.replying {
		d.Unasked++
	}
}

// Offered returns the choices last offered to the client and how they are
// shown, while a question waits on them (nil once a message without
// choices has followed).
func (c *Console) Offered() (choices []flows.Choice, values, multi bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offered, c.values, c.multi
}

// SetClient names the client being played, so a DM to anyone else (a
// stranger, in :stranger) prints as [stranger].
func (c *Console) SetClient(userID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.client = userID
}

var _ bot.Messenger = (*Console)(nil)

// New returns a Console writing to out. now and loc stamp output with the
// simulated time on the client's clock.
func New(out io.Writer, now func() time.Time, loc *time.Location) *Console {
	return &Console{out: out, now: now, loc: loc}
}

// SendDM prints a direct message.
func (c *Console) SendDM(ctx context.Context, userID string, m bot.Outgoing) (bot.MessageRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	label := string(m.Audience)
	switch {
	case m.Audience == flows.ToClient && c.client != "" && userID != c.client:
		label = "stranger"
	case m.Audience == flows.ToClient:
		c.offered, c.values, c.multi, c.prompt = m.Choices, m.ValueChoices, m.Multi, m.Prompt
		c.count()
	}
	c.print(label, m)
	return bot.MessageRef{ChannelID: "dm:" + userID, MessageID: m.Key}, nil
}

// SendStaff prints a message for one member of staff, labelled [worker] or
// [lead]: in a terminal everyone reads everything, but the label says who
// alone would see it in Discord.
func (c *Console) SendStaff(ctx context.Context, userID string, m bot.Outgoing) (bot.MessageRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m.Audience == flows.ToWorker && strings.HasPrefix(m.Prompt, flows.ReadPromptPrefix) {
		c.digest, c.digestPrompt = m.Choices, m.Prompt // for :read
	}
	c.print(string(m.Audience), m)
	return bot.MessageRef{ChannelID: "staff:" + userID, MessageID: m.Key}, nil
}

// Post prints a channel post, labelled by who it is for.
func (c *Console) Post(ctx context.Context, channelID string, m bot.Outgoing) (bot.MessageRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.print(string(m.Audience), m)
	return bot.MessageRef{ChannelID: channelID, MessageID: m.Key}, nil
}

// Update prints the new version of a message.
func (c *Console) Update(ctx context.Context, ref bot.MessageRef, m bot.Outgoing) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	m.Text = "(updated) " + m.Text
	c.print(string(m.Audience), m)
	return nil
}

// Delete takes back a message; a terminal cannot unprint, so it does nothing.
func (c *Console) Delete(ctx context.Context, ref bot.MessageRef) error { return nil }

// UpdateSent prints the first line of a rewritten message (an acknowledged
// ping): the rest is what was printed before.
func (c *Console) UpdateSent(ctx context.Context, key string, m bot.Outgoing) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stamp()
	which := "an earlier message"
	if i := strings.LastIndex(key, "/"); i >= 0 {
		which = "notice " + key[i+1:] // a ping's key ends in its notice number
	}
	fmt.Fprintf(c.out, "[%s] (%s updated) %s\n", m.Audience, which, strings.SplitN(m.Text, "\n", 2)[0])
	return nil
}

// OpenThread names a thread; in a terminal it is only a label.
func (c *Console) OpenThread(ctx context.Context, channelID, name string) (string, error) {
	return channelID + "/" + name, nil
}

// Audit prints audit entries.
func (c *Console) Audit(events []store.AuditEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range events {
		line := e.Action
		if e.Rule != "" {
			line += " [" + e.Rule + "]"
		}
		if e.Actor != "" && e.Actor != "steady" {
			line += " by " + e.Actor
		}
		if e.Reason != "" {
			line += ": " + e.Reason
		}
		c.stamp()
		fmt.Fprintf(c.out, "[audit] %s\n", line)
	}
}

// Note prints a simulator line.
func (c *Console) Note(format string, a ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, "[sim] "+format+"\n", a...)
}

// Echo prints what the client typed, for transcripts read from a pipe.
func (c *Console) Echo(line string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stamp()
	fmt.Fprintf(c.out, "> %s\n", line)
}

// Pick maps a typed line to one of the choices last offered to the client,
// as a tap on its button: its exact label, or, where the choices are
// numbered, its number. Where they are values (a time, a count, a rating)
// they carry no numbers, and a typed number goes to Steady as typed, to be
// read as a value, exactly as it would from Discord: "1" at "how many
// times did you wake?" is one wake, never the first button.
func (c *Console) Pick(line string) (choice, prompt string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := strings.TrimSpace(line)
	for _, ch := range c.offered {
		if strings.EqualFold(ch.Label, t) {
			return ch.Value, c.prompt, true
		}
	}
	if c.values {
		return "", "", false
	}
	var n int
	if _, err := fmt.Sscanf(t, "%d", &n); err == nil && fmt.Sprint(n) == t && n >= 1 && n <= len(c.offered) {
		return c.offered[n-1].Value, c.prompt, true
	}
	return "", "", false
}

// PickDigest maps ":read N" (or ":read all") to a choice of the worker's
// last "to read" digest.
func (c *Console) PickDigest(arg string) (choice, prompt string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := strings.TrimSpace(strings.ToLower(arg))
	if len(c.digest) == 0 {
		return "", "", false
	}
	if t == "" || t == flows.ChoiceReadAll {
		if len(c.digest) == 1 {
			return c.digest[0].Value, c.digestPrompt, true
		}
		return flows.ChoiceReadAll, c.digestPrompt, true
	}
	var n int
	if _, err := fmt.Sscanf(t, "%d", &n); err == nil && fmt.Sprint(n) == t && n >= 1 && n <= len(c.digest) {
		return c.digest[n-1].Value, c.digestPrompt, true
	}
	return "", "", false
}

// print writes each line of a message with its prefix, then its choices:
// numbered options one a line ("[1] Talk to my worker"), values on one line
// as the buttons they are ("[9pm] [10pm] [11pm]"), which is also what to type.
func (c *Console) print(label string, m bot.Outgoing) {
	c.stamp()
	prefix := "[" + label + "] "
	for _, line := range strings.Split(m.Text, "\n") {
		fmt.Fprintf(c.out, "%s%s\n", prefix, line)
	}
	if m.ValueChoices && len(m.Choices) > 0 {
		labels := make([]string, len(m.Choices))
		for i, ch := range m.Choices {
			labels[i] = "[" + ch.Label + "]"
		}
		fmt.Fprintf(c.out, "%s%s\n", prefix, strings.Join(labels, " "))
		return
	}
	for i, ch := range m.Choices {
		fmt.Fprintf(c.out, "%s[%d] %s\n", prefix, i+1, ch.Label)
	}
}

// stamp prints the simulated time when it has moved since the last output.
func (c *Console) stamp() {
	now := c.now().Truncate(time.Minute)
	if now.Equal(c.stamped) {
		return
	}
	c.stamped = now
	fmt.Fprintf(c.out, "--- %s ---\n", now.In(c.loc).Format("Mon 2 Jan 2006 15:04 MST"))
}
