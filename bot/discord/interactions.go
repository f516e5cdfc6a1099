package discord

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"steady/bot"
	"steady/flows"
)

// Text-input ids of the modals.
const (
	inputAnswer  = "answer"
	inputOutcome = "outcome"
)

// onMessage hands a client's DM to the engine, and a post in the peer
// channel (or a thread under it) to its crisis watch. Other guild messages
// and bots' are not Steady's to read.
func (c *Client) onMessage(_ *discordgo.Session, m *discordgo.MessageCreate) {
	if m.Author == nil || m.Author.Bot {
		return
	}
	ctx, done, ok := c.track()
	if !ok {
		return
	}
	defer done()
	if m.GuildID != "" {
		if !c.inPeerChannel(ctx, m.GuildID, m.ChannelID) {
			return
		}
		if err := c.engine.HandlePeerMessage(ctx, bot.PeerMessage{ChannelID: m.ChannelID, MessageID: m.ID, AuthorID: m.Author.ID, Text: m.Content}); err != nil {
			c.log.Error("watching the peer channel failed", "err", err)
		}
		return
	}
	c.inbound.Add(1)
	if err := c.engine.HandleMessage(ctx, bot.Inbound{UserID: m.Author.ID, Key: "msg:" + m.ID, Text: m.Content}); err != nil {
		c.log.Error("handling a DM failed", "err", err)
	}
}

// onMessageUpdate reads an edited message again: a client's DM (an edit that
// now reads as a crisis is handled as one, and is never a new answer) or a
// post in the peer channel or its threads. Discord also sends updates that
// are not edits (a link's preview arriving): those have no edited timestamp
// and are left alone.
func (c *Client) onMessageUpdate(_ *discordgo.Session, m *discordgo.MessageUpdate) {
	if m.Message == nil || m.Author == nil || m.Author.Bot || m.EditedTimestamp == nil || m.Content == "" {
		return
	}
	ctx, done, ok := c.track()
	if !ok {
		return
	}
	defer done()
	version := m.EditedTimestamp.UTC().Format(time.RFC3339Nano)
	if m.GuildID != "" {
		if !c.inPeerChannel(ctx, m.GuildID, m.ChannelID) {
			return
		}
		if err := c.engine.HandlePeerMessage(ctx, bot.PeerMessage{ChannelID: m.ChannelID, MessageID: m.ID, AuthorID: m.Author.ID, Text: m.Content, Edit: version}); err != nil {
			c.log.Error("watching an edit in the peer channel failed", "err", err)
		}
		return
	}
	if err := c.engine.HandleEdit(ctx, bot.Inbound{UserID: m.Author.ID, Key: "edit:" + m.ID + "@" + version, Text: m.Content, Edits: "msg:" + m.ID}); err != nil {
		c.log.Error("handling an edited DM failed", "err", err)
	}
}

// onThreadCreate remembers a new thread's parent, so its messages are read
// as the peer channel's when it is under it.
func (c *Client) onThreadCreate(_ *discordgo.Session, t *discordgo.ThreadCreate) {
	if t.Channel == nil || c.opt.PeerChannelID == "" {
		return
	}
	c.threads.Store(t.ID, t.ParentID == c.opt.PeerChannelID)
}

// maxThreadsRemembered bounds the thread cache; a full one starts again.
const maxThreadsRemembered = 10_000

// inPeerChannel reports whether a guild channel is the peer channel or a
// thread under it. A channel not seen before is looked up once.
func (c *Client) inPeerChannel(ctx context.Context, guildID, channelID string) bool {
	if c.opt.PeerChannelID == "" || guildID == "" {
		return false
	}
	if channelID == c.opt.PeerChannelID {
		return true
	}
	if v, ok := c.threads.Load(channelID); ok {
		return v.(bool)
	}
	ch, err := c.s.Channel(channelID, discordgo.WithContext(ctx))
	if err != nil {
		// Not known either way. Steady reads only the peer channel (a staff
		// channel's talk is not its to read), so this message is left, and
		// the next one in the channel asks again.
		c.log.Warn("could not tell whether a channel is under the peer channel", "err", err)
		return false
	}
	under := ch.IsThread() && ch.ParentID == c.opt.PeerChannelID
	n := 0
	c.threads.Range(func(_, _ any) bool { n++; return n <= maxThreadsRemembered })
	if n > maxThreadsRemembered {
		c.threads.Clear()
	}
	c.threads.Store(channelID, under)
	return under
}

func (c *Client) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	ctx, done, ok := c.track()
	if !ok {
		return
	}
	defer done()
	in := ic.Interaction
	won := c.claimInteraction(ctx, in) // fleet.go
	switch in.Type {
	case discordgo.InteractionApplicationCommand:
		if won {
			c.runCommand(ctx, in)
		}
	case discordgo.InteractionMessageComponent:
		c.onComponent(ctx, in, won)
	case discordgo.InteractionModalSubmit:
		if won {
			c.onModal(ctx, in)
		}
	}
}

func userOf(in *discordgo.Interaction) *discordgo.User {
	if in.Member != nil && in.Member.User != nil {
		return in.Member.User
	}
	return in.User
}

func displayName(u *discordgo.User) string {
	if u.GlobalName != "" {
		return u.GlobalName
	}
	return u.Username
}

// onComponent handles a button or menu. won says this replica answers it;
// otherwise it only hands a client's answer to the engine (fleet.go).
func (c *Client) onComponent(ctx context.Context, in *discordgo.Interaction, won bool) {
	data := in.MessageComponentData()
	id, ok := c.parseCustomID(ctx, data.CustomID)
	user := userOf(in)
	if !won && (!ok || user == nil) {
		return
	}
	if !ok || user == nil {
		c.respond(ctx, in, ephemeral(c.cat.T("prompt.closed", nil)))
		return
	}
	staffPrompt := strings.HasPrefix(id.prompt, flows.PeerPrompt("")) || strings.HasPrefix(id.prompt, flows.IncidentPrompt("")) ||
		strings.HasPrefix(id.prompt, flows.ReadPromptPrefix)
	if !won && (staffPrompt || in.GuildID != "" || id.kind == idType) {
		return
	}
	if !staffPrompt && in.GuildID != "" {
		// A client's answer is only ever taken from their DMs: the same
		// custom_id pressed in a server channel (copied onto a staff ping,
		// say) must not answer for them, nor edit the message it is on.
		c.respond(ctx, in, ephemeral(c.cat.T("discord.client_only_in_dm", nil)))
		return
	}
	if id.kind == idType {
		c.respond(ctx, in, c.answerModal(ctx, id.client, id.prompt))
		return
	}
	choice := id.choice
	var values []string
	switch {
	case len(data.Values) == 1:
		choice = data.Values[0]
	case len(data.Values) > 1:
		// A multi-select answer travels as Values; Choice stays empty so the
		// flow reads all of them, not the first.
		choice, values = "", data.Values
	}
	if strings.HasPrefix(id.prompt, flows.PeerPrompt("")) {
		c.onModeratorButton(ctx, in, user, strings.TrimPrefix(id.prompt, flows.PeerPrompt("")), choice)
		return
	}
	if strings.HasPrefix(id.prompt, flows.IncidentPrompt("")) {
		c.onStaffButton(ctx, in, strings.TrimPrefix(id.prompt, flows.IncidentPrompt("")), choice)
		return
	}
	if strings.HasPrefix(id.prompt, flows.ReadPromptPrefix) {
		// A digest's Acknowledge, in the reader's private channel or, without
		// one, their DMs: the engine finds who tapped as staff by their id.
		c.answer(ctx, in, true, func(ctx context.Context) (string, error) {
			return c.engine.AcknowledgeReadFrom(ctx, user.ID, id.prompt, choice)
		})
		return
	}
	// A client's answer: show what they picked and take the buttons away at
	// once (Discord's 3 s), then let the engine do the rest.
	if won {
		c.respond(ctx, in, c.picked(in, data.CustomID, choice, values...))
		c.inbound.Add(1)
	}
	if err := c.engine.HandleMessage(ctx, bot.Inbound{UserID: user.ID, Key: "int:" + in.ID, Choice: choice, Values: values, Prompt: id.prompt}); err != nil {
		c.log.Error("handling a choice failed", "err", err)
	}
}

// picked is the prompt as it now reads: its text, the chosen label (or the
// labels of everything picked in a multi-select), no buttons.
func (c *Client) picked(in *discordgo.Interaction, customID, choice string, values ...string) *discordgo.InteractionResponse {
	if choice != "" {
		values = []string{choice}
	}
	labels := slices.Clone(values)
	content := ""
	if in.Message != nil {
		content = in.Message.Content
		for _, row := range in.Message.Components {
			r, ok := row.(*discordgo.ActionsRow)
			if !ok {
				continue
			}
			for _, comp := range r.Components {
				switch b := comp.(type) {
				case *discordgo.Button:
					if b.CustomID == customID && len(labels) == 1 {
						labels[0] = b.Label
					}
				case *discordgo.SelectMenu:
					for _, o := range b.Options {
						if i := slices.Index(values, o.Value); i >= 0 {
							labels[i] = o.Label
						}
					}
				}
			}
		}
	}
	content = clip(content+"\n"+c.cat.T("discord.picked", map[string]any{"Label": strings.Join(labels, ", ")}), maxContent)
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: content, Components: []discordgo.MessageComponent{}}}
}

func (c *Client) answerModal(ctx context.Context, client, prompt string) *discordgo.InteractionResponse {
	id, err := c.promptID(ctx, client, idAnswer, prompt)
	if err != nil {
		c.log.Error("could not build answer modal", "err", err)
		return ephemeral(c.cat.T("discord.error", nil))
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: id, Title: clip(c.cat.T("discord.answer_title", nil), 45),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
			CustomID: inputAnswer, Label: clip(c.cat.T("discord.answer_label", nil), 45), Style: discordgo.TextInputShort,
			Placeholder: clip(c.cat.T("discord.answer_placeholder", nil), 100), Required: true, MaxLength: 200,
		}}}},
	}}
}

func (c *Client) resolveModal(ctx context.Context, incidentID string) *discordgo.InteractionResponse {
	id, err := c.promptID(ctx, "", idResolve, flows.IncidentPrompt(incidentID))
	if err != nil {
		c.log.Error("could not build resolve modal", "err", err)
		return ephemeral(c.cat.T("discord.error", nil))
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: id, Title: clip(c.cat.T("discord.resolve_title", nil), 45),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
			CustomID: inputOutcome, Label: clip(c.cat.T("discord.resolve_label", nil), 45), Style: discordgo.TextInputParagraph,
			Required: true, MaxLength: 1000,
		}}}},
	}}
}

// onStaffButton handles Acknowledge and Resolve on a worker ping.
func (c *Client) onStaffButton(ctx context.Context, in *discordgo.Interaction, incidentID, choice string) {
	if choice == flows.ChoiceResolve {
		// A modal must be the first answer, so the role check cannot wait for
		// a deferral: it is one read, and the modal's submission checks again.
		if _, ok := c.staffMember(ctx, in); !ok {
			c.respond(ctx, in, ephemeral(c.cat.T("discord.staff_only", nil)))
			return
		}
		c.respond(ctx, in, c.resolveModal(ctx, incidentID))
		return
	}
	c.answer(ctx, in, true, func(ctx context.Context) (string, error) {
		w, ok := c.staffMember(ctx, in)
		if !ok {
			return c.cat.T("discord.staff_only", nil), nil
		}
		if choice != flows.ChoiceAck {
			return c.cat.T("prompt.closed", nil), nil
		}
		return c.engine.Acknowledge(ctx, incidentID, w)
	})
}

// onModeratorButton handles Approve and Decline on a held peer nudge. Staff
// act as their worker id; a configured moderator (not staff) by their
// Discord id, which the engine checks.
func (c *Client) onModeratorButton(ctx context.Context, in *discordgo.Interaction, user *discordgo.User, incidentID, choice string) {
	c.answer(ctx, in, true, func(ctx context.Context) (string, error) {
		who, ok := c.staffMember(ctx, in)
		if !ok {
			who = user.ID
		}
		switch choice {
		case flows.ChoiceApprove:
			return c.engine.ApprovePeer(ctx, incidentID, who)
		case flows.ChoiceDecline:
			return c.engine.DeclinePeer(ctx, incidentID, who)
		}
		return c.cat.T("prompt.closed", nil), nil
	})
}

func (c *Client) onModal(ctx context.Context, in *discordgo.Interaction) {
	data := in.ModalSubmitData()
	id, ok := c.parseCustomID(ctx, data.CustomID)
	user := userOf(in)
	if !ok || user == nil {
		c.respond(ctx, in, ephemeral(c.cat.T("prompt.closed", nil)))
		return
	}
	values := modalValues(data)
	switch id.kind {
	case idAnswer:
		if in.GuildID != "" {
			c.respond(ctx, in, ephemeral(c.cat.T("discord.client_only_in_dm", nil)))
			return
		}
		content := ""
		if in.Message != nil {
			content = in.Message.Content
		}
		c.respond(ctx, in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: clip(content+"\n"+c.cat.T("discord.typed", nil), maxContent), Components: []discordgo.MessageComponent{}}})
		c.inbound.Add(1)
		if err := c.engine.HandleMessage(ctx, bot.Inbound{UserID: user.ID, Key: "int:" + in.ID, Text: values[inputAnswer], Prompt: id.prompt}); err != nil {
			c.log.Error("handling a typed answer failed", "err", err)
		}
	case idResolve:
		incidentID := strings.TrimPrefix(id.prompt, flows.IncidentPrompt(""))
		c.answer(ctx, in, true, func(ctx context.Context) (string, error) {
			w, ok := c.staffMember(ctx, in)
			if !ok {
				return c.cat.T("discord.staff_only", nil), nil
			}
			reply, err := c.engine.Resolve(ctx, incidentID, w, values[inputOutcome])
			if err != nil {
				return reply, err
			}
			client, ok, err := c.engine.ClientOfIncident(ctx, incidentID)
			if err != nil {
				return reply, err
			}
			if ok {
				note, err := c.engine.ReadStaffNote(ctx, w, client, values[inputOutcome])
				if err != nil {
					return reply, err
				}
				reply = joinReplies(reply, note)
			}
			return reply, nil
		})
	default:
		c.respond(ctx, in, ephemeral(c.cat.T("prompt.closed", nil)))
	}
}

func modalValues(data discordgo.ModalSubmitInteractionData) map[string]string {
	out := map[string]string{}
	for _, row := range data.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, comp := range r.Components {
			if ti, ok := comp.(*discordgo.TextInput); ok {
				out[ti.CustomID] = ti.Value
			}
		}
	}
	return out
}

// staffMember checks the staff role and returns the member's worker id,
// creating or updating their worker record (name, lead role) as needed. A
// press in a DM (a ping sent there because Steady may not create staff
// channels) is checked against the person's roles in the server now.
func (c *Client) staffMember(ctx context.Context, in *discordgo.Interaction) (string, bool) {
	member := in.Member
	switch {
	case in.GuildID != "" && c.opt.GuildID != "" && in.GuildID != c.opt.GuildID:
		return "", false // another server's roles mean nothing here
	case in.GuildID == "" && in.User != nil && c.opt.GuildID != "":
		m, err := c.s.GuildMember(c.opt.GuildID, in.User.ID, discordgo.WithContext(ctx))
		if err != nil {
			if !isCode(err, discordgo.ErrCodeUnknownMember) {
				c.log.Error("could not read a member's roles", "err", classify(err, "read guild member"))
			}
			return "", false
		}
		if m.User == nil {
			m.User = in.User
		}
		member = m
	case in.GuildID == "":
		return "", false
	}
	if member == nil || member.User == nil {
		return "", false
	}
	staff, lead := false, false
	for _, r := range member.Roles {
		staff = staff || r == c.opt.StaffRoleID || (c.opt.LeadRoleID != "" && r == c.opt.LeadRoleID)
		lead = lead || (c.opt.LeadRoleID != "" && r == c.opt.LeadRoleID)
	}
	if !staff {
		return "", false
	}
	name := member.Nick
	if name == "" {
		name = displayName(member.User)
	}
	w, err := c.engine.StaffMember(ctx, member.User.ID, name, lead)
	if err != nil {
		c.log.Error("could not load staff member", "err", err)
		return "", false
	}
	return w.ID, true
}

func ephemeral(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: clip(text, maxContent), Flags: discordgo.MessageFlagsEphemeral}}
}

func (c *Client) respond(ctx context.Context, in *discordgo.Interaction, r *discordgo.InteractionResponse) {
	if err := c.s.InteractionRespond(in, r, discordgo.WithContext(ctx)); err != nil {
		c.log.Error("answering an interaction failed", "err", err)
	}
}

// reply is what an interaction answers: a sentence and any files (a chart,
// an export, a report).
type reply struct {
	text  string
	files []*discordgo.File
}

func textReply(text string, err error) (reply, error) { return reply{text: text}, err }

// answer runs work and replies with its sentence, within Discord's three
// seconds: if work is slower than DeferAfter, Steady answers "thinking…"
// first and edits the reply in when the work is done.
func (c *Client) answer(ctx context.Context, in *discordgo.Interaction, private bool, work func(context.Context) (string, error)) {
	c.answerWith(ctx, in, private, func(ctx context.Context) (reply, error) { return textReply(work(ctx)) })
}

func (c *Client) answerWith(ctx context.Context, in *discordgo.Interaction, private bool, work func(context.Context) (reply, error)) {
	type result struct {
		r   reply
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := work(ctx)
		done <- result{r, err}
	}()
	final := func(r result) reply {
		if r.err != nil {
			c.log.Error("interaction work failed", "err", r.err)
			return reply{text: c.cat.T("discord.error", nil)}
		}
		r.r.text = clip(r.r.text, maxContent)
		return r.r
	}
	var flags discordgo.MessageFlags
	if private {
		flags = discordgo.MessageFlagsEphemeral
	}
	select {
	case r := <-done:
		f := final(r)
		c.respond(ctx, in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: f.text, Flags: flags, Files: f.files}})
		return
	case <-afterDeferral(c.opt.DeferAfter):
	}
	c.respond(ctx, in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: flags}})
	f := final(<-done)
	if _, err := c.s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &f.text, Files: f.files}, discordgo.WithContext(ctx)); err != nil {
		c.log.Error("editing a deferred answer failed", "err", err)
	}
}

// afterDeferral fires when an interaction's work has run too long to answer
// directly. A negative wait defers at once (tests use it to take that path).
func afterDeferral(d time.Duration) <-chan time.Time {
	if d < 0 {
		ch := make(chan time.Time, 1)
		ch <- time.Time{}
		return ch
	}
	t := time.NewTimer(d)
	return t.C
}

// joinReplies puts a second sentence (a note about what was read) under an
// interaction's answer.
func joinReplies(first, second string) string {
	switch {
	case second == "":
		return first
	case first == "":
		return second
	}
	return first + "\n\n" + second
}
