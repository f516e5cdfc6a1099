package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
)

// conversationKinds are the timers the conversations arm; the prompts that
// open them are scheduled and opened by schedules.go and prompts.go.
func (e *Engine) conversationKinds() map[string]func(context.Context, scheduler.Occurrence) error {
	return map[string]func(context.Context, scheduler.Occurrence) error{
		flows.KindSnooze:   e.fireSnooze,
		flows.KindPauseEnd: e.firePauseEnd,
		KindPauseEndNote:   e.firePauseEndNote,
		KindGrounding:      e.fireGrounding,
	}
}

// groundingBefore is how long before a shift its grounding reminder comes.
const groundingBefore = 30 * time.Minute

// fireGrounding sends the client their own grounding technique before a
// shift. It asks nothing, so it is not a prompt: it is simply not sent while
// they have paused or stopped, in their quiet hours, or for a shift no
// longer on their rota; nor again if it went out early with the end of a
// conversation (alongside). Sent while the client is answering something,
// it comes with the open question asked again after it, so the question
// stays the last thing on their screen.
func (e *Engine) fireGrounding(ctx context.Context, o scheduler.Occurrence) error {
	err := e.run(ctx, o.Client, func(st redisstore.State, fc flows.Context) (decision, error) {
		c := st.Client
		if st.Conversation.IsDone(sentMark(o.ID), fc.Now) {
			return decision{}, nil
		}
		why := skipReason(c, fc.Now)
		if _, quiet := quietUntil(c, fc); quiet && why == "" {
			why = "quiet hours"
		}
		if !stillScheduled(c, o, fc.Now) && why == "" {
			why = "the shift is no longer on the rota"
		}
		if why != "" || c.Plan.Grounding == "" {
			return decision{effects: []flows.Effect{auditNow(fc, "grounding.skipped", o.Kind, why)}}, nil
		}
		effects := []flows.Effect{e.groundingNote(fc, o), auditNow(fc, "grounding.sent", o.Kind, "shift "+o.Ref)}
		if st.Conversation.Active() {
			effects = append(effects, flows.AskAgain(fc, st.Conversation, flowsByName, "", "grounding-"+o.Local.Format("0601021504"))...)
		}
		return decision{effects: effects}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// groundingNote is the grounding before the shift a grounding occurrence is for.
func (e *Engine) groundingNote(fc flows.Context, o scheduler.Occurrence) flows.Send {
	return flows.Send{To: flows.ToClient, Message: flows.Message{Text: e.cat.T("grounding.before_shift", map[string]any{
		"Name": fc.Client.DisplayName, "Start": o.Local.Add(groundingBefore).Format("15:04"), "Grounding": fc.Client.Plan.Grounding,
	})}, Key: o.ID}
}

// workerName adds the client's worker's name to a step's context, for the
// conversations that name them (onboarding, consent). Only the steps a
// client's own input drives read it.
func (e *Engine) workerName(ctx context.Context, fc *flows.Context) error {
	id := fc.Client.WorkerID
	if id == "" {
		return nil
	}
	if n, ok := e.workerNames.get(id); ok && n.fresh(fc.Now) {
		fc.WorkerName = n.name
		return nil
	}
	w, err := e.store.Worker(ctx, id)
	switch {
	case err == nil:
		fc.WorkerName = w.Name
		e.workerNames.put(id, nameAt{name: w.Name, at: fc.Now})
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return nil
}

// errOtherUser means the client a Discord user was remembered as is no
// longer enrolled under that user (erased, possibly on another replica).
var errOtherUser = errors.New("bot: client is no longer this Discord user")

// HandleMessage handles a client's input: the crisis interceptor, controls
// and the open flow, all decided by flows.Handle. A typed message is read
// together with the client's messages of the last few minutes, and kept
// (sealed, expiring) for reading the next one. A stranger gets a polite
// explanation, with crisis numbers if their words call for them, and nothing
// of theirs is stored.
//
// Someone sending faster than Steady answers (InboundLimit) is told so once,
// and then gets no answer until they slow down, except to what the crisis
// interceptor flags: every message is still read.
func (e *Engine) HandleMessage(ctx context.Context, in Inbound) error {
	defer e.people.lock(in.UserID)()
	throttle := e.inbound.take(in.UserID, e.clock.Now())
	return e.asClient(ctx, in.UserID, func(clientID string) error {
		return e.handleClientMessage(ctx, clientID, in, throttle)
	}, func() error { return e.answerStranger(ctx, in, throttle) })
}

// asClient runs step for the client a Discord user is enrolled as, or
// stranger when they are not (or no longer) enrolled. A remembered lookup
// that has gone stale is asked of Redis again.
func (e *Engine) asClient(ctx context.Context, userID string, step func(clientID string) error, stranger func() error) error {
	clientID, remembered := e.users.get(userID)
	for {
		if !remembered {
			id, err := e.store.ClientIDByDiscord(ctx, userID)
			if errors.Is(err, store.ErrNotFound) {
				return stranger()
			}
			if err != nil {
				return err
			}
			clientID = id
			e.users.put(userID, clientID)
		}
		err := step(clientID)
		if errors.Is(err, errOtherUser) || errors.Is(err, store.ErrNotFound) {
			e.users.drop(userID)
			if remembered {
				remembered = false // ask Redis who this user is now
				continue
			}
			// Erased between the lookup and the step, or the profile no
			// longer names this user: nothing of theirs is stored.
			return stranger()
		}
		return err
	}
}

// handleClientMessage runs one client's input as a step. The step goes
// ahead only if the client's profile, as loaded for it, names the Discord
// user the input came from: replies go to the profile's user, so a stale
// Discord id → client lookup must not pass one person's words to another's
// conversation.
func (e *Engine) handleClientMessage(ctx context.Context, clientID string, in Inbound, throttle flows.Throttle) error {
	input := flows.Input{Key: in.Key, Text: in.Text, Choice: in.Choice, Values: in.Values, Prompt: in.Prompt, Throttle: throttle}
	told := false
	err := e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		if st.Client.DiscordID != in.UserID {
			return decision{}, errOtherUser
		}
		if err := e.workerName(ctx, &fc); err != nil {
			return decision{}, err
		}
		if input.Text != "" {
			input.Recent = recentContext(st.Recent, fc.Now, in.Key)
		}
		next, effects := flows.Handle(fc, st.Conversation, input, flowsByName)
		if len(effects) == 0 {
			return decision{}, nil // a redelivery: nothing changes
		}
		told = false
		for _, ef := range effects {
			if a, ok := ef.(flows.Audit); ok && a.Event.Action == flows.ActionThrottled {
				told = true
			}
		}
		d := decision{conv: &next, effects: effects, after: e.alongside(st.Conversation)}
		if input.Text != "" {
			d.recent, d.setRecent = rememberRecent(st.Recent, fc.Now, store.RecentMessage{At: fc.Now, Key: in.Key, Text: input.Text}, ""), true
		}
		return d, nil
	})
	if err == nil && told {
		// Only once the kind word is committed: a crisis message over the
		// limit is answered as a crisis, and the next ordinary one is told.
		e.inbound.told(in.UserID)
	}
	return err
}

func (e *Engine) answerStranger(ctx context.Context, in Inbound, throttle flows.Throttle) error {
	// Words that call for contacts are answered however fast they come.
	text := e.strangerReply(in.Text)
	urgent := text != ""
	if !urgent {
		switch throttle {
		case flows.Throttled:
			return nil
		case flows.ThrottledFirst:
			fc := flows.Context{Catalog: e.cat, CrisisContacts: e.cfg.CrisisContacts}
			text = e.cat.T("inbound.throttled", map[string]any{"Contacts": "- " + strings.Join(flows.CrisisContacts(fc), "\n- ")})
			e.inbound.told(in.UserID)
		default:
			text = e.cat.T("stranger", nil)
		}
	}
	e.log.Info("message from someone not enrolled")
	_, err := e.msg.SendDM(ctx, in.UserID, Outgoing{Audience: flows.ToClient, UserID: in.UserID, Text: text, Key: "stranger/" + in.Key, Transient: true, Urgent: urgent})
	return err
}

// strangerReply is what someone not enrolled is told when their words call
// for contacts (danger from someone else, or any other concern), or "".
func (e *Engine) strangerReply(text string) string {
	if text == "" {
		return ""
	}
	d := e.detect(nil, text)
	fc := flows.Context{Catalog: e.cat, CrisisContacts: e.cfg.CrisisContacts, DangerContacts: e.cfg.DangerContacts}
	switch {
	case d.Concern == flows.NoConcern:
		return ""
	case d.Kind == flows.KindDanger:
		return e.cat.T("stranger.danger", map[string]any{"Contacts": "- " + strings.Join(flows.DangerContacts(fc), "\n- ")})
	}
	return e.cat.T("stranger.crisis", map[string]any{"Contacts": "- " + strings.Join(flows.CrisisContacts(fc), "\n- ")})
}

// Resume asks again the question a client's open flow waits on, e.g. after a
// restart of `steady try`.
func (e *Engine) Resume(ctx context.Context, clientID string) error {
	return e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		conv := st.Conversation
		if err := e.workerName(ctx, &fc); err != nil {
			return decision{}, err
		}
		return decision{effects: flows.AskAgain(fc, conv, flowsByName, e.cat.T("resume", nil), "resume-"+strconv.FormatInt(conv.Version, 10))}, nil
	})
}

// remindReview puts an adjustment's review to the worker on its review
// date, whether or not the client can be asked today. It is sent once per
// occurrence, however often the prompt is retried.
func (e *Engine) remindReview(ctx context.Context, o scheduler.Occurrence) error {
	marker := "review-reminder:" + o.ID
	err := e.run(ctx, o.Client, func(st redisstore.State, fc flows.Context) (decision, error) {
		conv := st.Conversation
		if conv.SeenInput(marker) {
			return decision{}, nil
		}
		for _, a := range fc.Adjustments {
			if a.ID != o.Ref || !a.Open() {
				continue
			}
			conv.Remember(marker)
			return decision{conv: &conv, effects: []flows.Effect{
				flows.Send{To: flows.ToWorker, Message: flows.Message{Text: e.cat.T("review.worker_due", map[string]any{
					"Name": fc.Client.DisplayName, "What": flows.AdjustmentLine(a),
				})}, Key: o.ID + "/worker"},
				auditNow(fc, "worker.reminded", o.Kind, "review of "+a.ID+" due "+a.ReviewOn),
			}}, nil
		}
		return decision{}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

func (e *Engine) fireSnooze(ctx context.Context, o scheduler.Occurrence) error {
	err := e.run(ctx, o.Client, func(st redisstore.State, fc flows.Context) (decision, error) {
		next, effects := flows.Unsnooze(fc, st.Conversation, o.Ref, o.Due, flowsByName)
		if len(effects) == 0 {
			return decision{}, nil
		}
		return decision{conv: &next, effects: effects}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// KindPauseEndNote says "welcome back" at the end of the client's quiet
// hours when their pause ended inside them (ref = the pause's end day).
const KindPauseEndNote = "pause_end_note"

// courtesyNight is when a client with no quiet hours of their own is not
// sent courtesy messages (the welcome-back): nobody needs it at midnight.
var courtesyNight = store.QuietHours{Start: "22:00", End: "08:00"}

// firePauseEnd ends a pause at midnight, so the day's prompts come as usual;
// the welcome-back waits for the end of the client's quiet hours (or of
// courtesyNight), as a timer armed with the step, so a crash cannot lose it.
func (e *Engine) firePauseEnd(ctx context.Context, o scheduler.Occurrence) error {
	err := e.run(ctx, o.Client, func(st redisstore.State, fc flows.Context) (decision, error) {
		effects := flows.EndPause(fc, o.Ref)
		q := st.Client.Schedules.QuietHours
		if !q.Set() {
			q = courtesyNight
		}
		end, quiet := quietEnd(q, fc)
		if !quiet || len(effects) == 0 {
			return decision{effects: effects}, nil
		}
		kept := []flows.Effect{flows.Timer{Kind: KindPauseEndNote, Ref: o.Ref, Due: end}}
		for _, ef := range effects {
			if s, ok := ef.(flows.Send); !ok || s.To != flows.ToClient {
				kept = append(kept, ef)
			}
		}
		return decision{effects: kept}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// firePauseEndNote sends the deferred welcome-back, unless the client has
// paused or stopped again since, or is already answering a check-in (which
// says welcome back well enough, and a note would land between questions).
func (e *Engine) firePauseEndNote(ctx context.Context, o scheduler.Occurrence) error {
	err := e.run(ctx, o.Client, func(st redisstore.State, fc flows.Context) (decision, error) {
		if st.Client.Status != store.StatusActive || st.Conversation.Active() {
			return decision{}, nil
		}
		return decision{effects: []flows.Effect{flows.PauseEndedNote(fc, o.Ref)}}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// StartOnboarding opens the onboarding conversation for a client who gives
// their consents in chat.
func (e *Engine) StartOnboarding(ctx context.Context, clientID string) error {
	return e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		if st.Conversation.Flow == flows.FlowOnboarding {
			return decision{}, nil
		}
		if err := e.workerName(ctx, &fc); err != nil {
			return decision{}, err
		}
		next, effects := flows.Onboarding.Start(fc, "onboarding:"+clientID, nil)
		next = st.Conversation.Carry(next)
		return decision{conv: &next, effects: append([]flows.Effect{auditNow(fc, "prompt.sent", flows.FlowOnboarding, "")}, effects...)}, nil
	})
}

// Client commands: what the slash commands call. Each takes the Discord user
// and the interaction id (so a retried interaction changes nothing) and
// returns a short sentence for the interaction's reply; anything longer
// arrives by DM, as it would from the same words typed.

// CheckInNow starts a weekly check-in now.
func (e *Engine) CheckInNow(ctx context.Context, userID, key string) (string, error) {
	return e.clientCommand(ctx, userID, key, flows.Command{Control: flows.CtlStart, Flow: flows.FlowCheckIn})
}

// DebriefNow starts a post-shift debrief now.
func (e *Engine) DebriefNow(ctx context.Context, userID, key string) (string, error) {
	return e.clientCommand(ctx, userID, key, flows.Command{Control: flows.CtlStart, Flow: flows.FlowDebrief})
}

// SleepLogNow starts a sleep log now.
func (e *Engine) SleepLogNow(ctx context.Context, userID, key string) (string, error) {
	return e.clientCommand(ctx, userID, key, flows.Command{Control: flows.CtlStart, Flow: flows.FlowSleep})
}

// ChangeConsent opens the consent change conversation.
func (e *Engine) ChangeConsent(ctx context.Context, userID, key string) (string, error) {
	return e.clientCommand(ctx, userID, key, flows.Command{Control: flows.CtlStart, Flow: flows.FlowConsent})
}

// PauseCheckIns pauses prompts until a day the client names ("friday",
// "1 dec", "2 weeks"); "" asks them how long, by DM.
func (e *Engine) PauseCheckIns(ctx context.Context, userID, key, until string) (string, error) {
	cmd := flows.Command{Control: flows.CtlPause}
	if strings.TrimSpace(until) != "" {
		clientID, reply, err := e.clientOf(ctx, userID)
		if err != nil || reply != "" {
			return reply, err
		}
		c, err := e.store.Client(ctx, clientID)
		if err != nil {
			return "", err
		}
		fc, err := e.flowContext(c)
		if err != nil {
			return "", err
		}
		parsed, ok := flows.ParseCommand(fc, flows.Input{Text: "pause until " + until}, false)
		if !ok || parsed.Until.IsZero() && !parsed.Forever {
			return e.cat.T("command.bad_date", map[string]any{"Value": until}), nil
		}
		cmd = parsed
	}
	return e.clientCommand(ctx, userID, key, cmd)
}

// ResumeCheckIns ends a pause or a stop.
func (e *Engine) ResumeCheckIns(ctx context.Context, userID, key string) (string, error) {
	return e.clientCommand(ctx, userID, key, flows.Command{Control: flows.CtlResume})
}

// StopCheckIns stops all prompts until the client comes back.
func (e *Engine) StopCheckIns(ctx context.Context, userID, key string) (string, error) {
	return e.clientCommand(ctx, userID, key, flows.Command{Control: flows.CtlStop})
}

// TalkToWorker asks the client's worker to get in touch.
func (e *Engine) TalkToWorker(ctx context.Context, userID, key string) (string, error) {
	return e.clientCommand(ctx, userID, key, flows.Command{Control: flows.CtlTalk})
}

func (e *Engine) clientOf(ctx context.Context, userID string) (string, string, error) {
	id, err := e.store.ClientIDByDiscord(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return "", e.cat.T("command.not_enrolled", nil), nil
	}
	return id, "", err
}

func (e *Engine) clientCommand(ctx context.Context, userID, key string, cmd flows.Command) (string, error) {
	clientID, reply, err := e.clientOf(ctx, userID)
	if err != nil || reply != "" {
		return reply, err
	}
	err = e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		conv := st.Conversation
		if conv.SeenInput(key) {
			return decision{}, nil
		}
		if err := e.workerName(ctx, &fc); err != nil {
			return decision{}, err
		}
		conv.Remember(key)
		next, effects := flows.Control(fc, conv, cmd, key, flowsByName)
		return decision{conv: &next, effects: effects}, nil
	})
	if err != nil {
		return "", err
	}
	return e.cat.T("command.done", nil), nil
}

func mapsWith(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for kk, vv := range m {
		out[kk] = vv
	}
	out[k] = v
	return out
}
