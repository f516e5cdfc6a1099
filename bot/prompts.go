package bot

import (
	"context"
	"errors"
	"time"

	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
)

// The life of a scheduled prompt: it opens a flow (openPrompt), may get one
// reminder inside its answer window, and expires at the window's end, when
// it is closed and recorded missed. Opening waits for quiet hours and for a
// conversation the client is in the middle of; it is skipped while the client
// has paused or stopped Steady.

// Occurrence kinds of the prompt lifecycle (ref = prompt id).
const (
	KindPromptReminder = "prompt_reminder"
	KindPromptExpiry   = "prompt_expiry"
)

// PromptPolicy is how long a prompt waits for its answer.
type PromptPolicy struct {
	// Window is how long the prompt stays open; at its end it is closed and
	// recorded missed.
	Window time.Duration
	// RemindAfter is when its one reminder comes, if it is still open
	// (0, or not inside the window: no reminder).
	RemindAfter time.Duration
}

// defaultPromptPolicies are per flow; others get defaultPromptPolicy.
var defaultPromptPolicies = map[string]PromptPolicy{
	flows.FlowSleep:            {Window: 4 * time.Hour, RemindAfter: time.Hour},
	flows.FlowCheckIn:          {Window: 12 * time.Hour, RemindAfter: 3 * time.Hour},
	flows.FlowDebrief:          {Window: 6 * time.Hour, RemindAfter: 2 * time.Hour},
	flows.FlowAdjustmentReview: {Window: 48 * time.Hour, RemindAfter: 24 * time.Hour},
}

var defaultPromptPolicy = PromptPolicy{Window: 12 * time.Hour, RemindAfter: 3 * time.Hour}

const (
	// defaultSupersedeAfter is how long a conversation must have been open
	// before a new prompt closes it: the client has walked away from it.
	defaultSupersedeAfter = time.Hour
	// busyRetry is how soon a prompt that found the client mid-conversation
	// tries again. Its grace window still counts, so it is recorded missed
	// if the conversation goes on for hours.
	busyRetry = 15 * time.Minute
)

func (e *Engine) promptPolicy(flow string) PromptPolicy {
	if p, ok := e.cfg.Prompts[flow]; ok {
		return p
	}
	if p, ok := defaultPromptPolicies[flow]; ok {
		return p
	}
	return defaultPromptPolicy
}

func (e *Engine) supersedeAfter() time.Duration {
	if e.cfg.SupersedeAfter > 0 {
		return e.cfg.SupersedeAfter
	}
	return defaultSupersedeAfter
}

// promptTimers are the reminder and expiry of the prompt conv is open for.
// Their times follow from when it opened, so they can be named again to
// cancel them.
func (e *Engine) promptTimers(conv store.Conversation) []flows.Timer {
	if _, _, _, _, err := scheduler.ParseID(conv.PromptID); err != nil {
		return nil // opened by the client, not by a schedule: no window
	}
	p := e.promptPolicy(conv.Flow)
	if p.Window <= 0 {
		return nil
	}
	timers := []flows.Timer{{Kind: KindPromptExpiry, Ref: conv.PromptID, Due: conv.OpenedAt.Add(p.Window)}}
	if p.RemindAfter > 0 && p.RemindAfter < p.Window {
		timers = append(timers, flows.Timer{Kind: KindPromptReminder, Ref: conv.PromptID, Due: conv.OpenedAt.Add(p.RemindAfter)})
	}
	return timers
}

// openPrompt opens flowName for a scheduled occurrence, whose id becomes the
// prompt id. Every prompt-opening occurrence handler uses it:
//   - skipped (and audited, not missed) while the client has paused or
//     stopped Steady, and after a crisis until staff acknowledge it (or
//     Config.CrisisHold has passed): the next thing they hear is a person;
//   - nothing, if it already went out early, together with another prompt
//     (alongside); a debrief is skipped for a shift the client has
//     debriefed already, however that debrief started;
//   - in the client's quiet hours it waits for their end (MoveTo), and
//     during a shift on their rota for the shift's end;
//   - a conversation the client is in the middle of is not interrupted: the
//     prompt tries again later (Later), within its grace window, and goes
//     out with the end of that conversation if it ends in time; one left
//     open longer than SupersedeAfter is closed and recorded missed;
//   - it arms one reminder and the expiry of the prompt's answer window.
//
// A second call for the same occurrence (a retry after a crash) changes
// nothing but re-arms the timers.
func (e *Engine) openPrompt(ctx context.Context, o scheduler.Occurrence) error {
	var handBack error
	err := e.run(ctx, o.Client, func(st redisstore.State, fc flows.Context) (decision, error) {
		handBack = nil
		flowName, answers := promptFlow(st.Client, o)
		flow, ok := flowsByName[flowName]
		if !ok {
			return decision{effects: []flows.Effect{auditNow(fc, "prompt.skipped", o.Kind, "no "+flowName+" conversation in this version of Steady")}}, nil
		}
		if !stillScheduled(st.Client, o, fc.Now) {
			return decision{effects: []flows.Effect{auditNow(fc, "prompt.dropped", o.Kind, "no longer in the client's schedules")}}, nil
		}
		if why := skipReason(st.Client, fc.Now); why != "" {
			return decision{effects: []flows.Effect{auditNow(fc, "prompt.skipped", o.Kind, why)}}, nil
		}
		conv := st.Conversation
		if conv.PromptID == o.ID {
			// Opened by an earlier attempt: its messages are in the outbox;
			// make sure its timers are armed.
			return decision{effects: timerEffects(e.promptTimers(conv))}, nil
		}
		if conv.IsDone(openedMark(o.ID), fc.Now) {
			return decision{}, nil // it went out early, with the prompt before it
		}
		if o.Kind == KindDebrief && conv.IsDone(flows.DebriefedMark(o.Ref), fc.Now) {
			return decision{effects: []flows.Effect{auditNow(fc, "prompt.skipped", o.Kind, "the client has debriefed this shift already")}}, nil
		}
		if end, quiet := quietUntil(st.Client, fc); quiet {
			handBack = scheduler.MoveTo(end, "quiet hours")
			return decision{effects: []flows.Effect{auditNow(fc, "prompt.deferred", o.Kind,
				"quiet hours until "+end.In(fc.Loc).Format("15:04"))}}, nil
		}
		if end, working := onShiftUntil(st.Client, fc); working {
			why := "on shift until " + end.In(fc.Loc).Format("15:04")
			if debrief, ok := shiftDebrief(st.Client, fc); ok && o.Kind != KindDebrief {
				// The shift's own debrief comes first; this follows it, in one message.
				end, why = debrief, why+", then its debrief at "+debrief.In(fc.Loc).Format("15:04")
			}
			handBack = scheduler.MoveTo(end, "on shift")
			return decision{effects: []flows.Effect{auditNow(fc, "prompt.deferred", o.Kind, why)}}, nil
		}
		if until, held, err := e.crisisHold(ctx, fc); err != nil {
			return decision{}, err
		} else if held {
			return decision{effects: []flows.Effect{auditNow(fc, "prompt.skipped", o.Kind,
				"held after a crisis until staff acknowledge it (at the latest "+until.In(fc.Loc).Format("Mon 2 Jan 15:04")+")")}}, nil
		}
		if conv.Hold == store.HoldSafety {
			// "Are you safe?" is waiting: never push it aside. (The note is kept
			// in the clear by the scheduler, so it does not say which question.)
			handBack = scheduler.Later(fc.Now.Add(busyRetry), "another question was waiting on the client")
			return decision{}, nil
		}
		var effects []flows.Effect
		if conv.Active() {
			if fc.Now.Sub(conv.OpenedAt) < e.supersedeAfter() {
				handBack = scheduler.Later(fc.Now.Add(busyRetry), "another conversation was open")
				return decision{}, nil
			}
			effects = append(effects, auditNow(fc, "prompt.superseded", conv.Flow, "left unanswered when the next prompt came"))
			if m, ok := missedRecord(fc, conv.PromptID, conv.Flow, store.MissedSuperseded); ok {
				effects = append(effects, flows.SaveMissed{Missed: m})
			}
		}
		next, start := flow.Start(fc, o.ID, answers)
		// A late duplicate of the last flow's answer still changes nothing,
		// and what was done early stays done; a crisis's hold is over.
		next.Seen, next.Done = conv.Seen, conv.Done
		next.Unmark(flows.HeldMark)
		effects = append(effects, auditNow(fc, "prompt.sent", o.Kind, ""))
		effects = append(effects, start...)
		if next.Active() {
			effects = append(effects, timerEffects(e.promptTimers(next))...)
		}
		return decision{conv: &next, effects: effects}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil // the client was erased
	}
	if err != nil {
		return err
	}
	return handBack
}

// promptFlow is the flow a prompt-opening occurrence opens, and what it
// knows before its first question.
func promptFlow(c store.Client, o scheduler.Occurrence) (string, map[string]string) {
	switch o.Kind {
	case KindSleepLog:
		return flows.FlowSleep, map[string]string{flows.AnswerNight: o.Local.Format(time.DateOnly)}
	case KindWeeklyCheckIn:
		return flows.FlowCheckIn, nil
	case KindDebrief:
		return flows.FlowDebrief, flows.DebriefAnswers(c, o.Ref)
	case KindAdjustmentReview:
		return flows.FlowAdjustmentReview, map[string]string{flows.AnswerDue: o.Ref}
	}
	return o.Kind, nil
}

func timerEffects(ts []flows.Timer) []flows.Effect {
	out := make([]flows.Effect, len(ts))
	for i, t := range ts {
		out[i] = t
	}
	return out
}

// promptEnded cancels the reminder and expiry of a prompt a step closed or
// replaced (answered, skipped, superseded, expired). One already firing
// finds the prompt gone and does nothing.
func (e *Engine) promptEnded(ctx context.Context, fc flows.Context, before store.Conversation, after *store.Conversation) error {
	if after == nil || before.PromptID == "" || (after.Active() && after.PromptID == before.PromptID) {
		return nil
	}
	var cancel []flows.Effect
	for _, t := range e.promptTimers(before) {
		cancel = append(cancel, flows.CancelTimer(t))
	}
	return e.disarmTimers(ctx, fc, cancel)
}

// openedMark is the Conversation.Done mark of a prompt that went out early.
func openedMark(id string) string { return "opened:" + id }

// onShiftUntil reports whether the client is at work now, on their rota,
// and when the shift ends: a prompt then waits, so nothing lands mid-shift.
func onShiftUntil(c store.Client, fc flows.Context) (time.Time, bool) {
	in, ok := c.Schedules.Rota.At(scheduler.Civil(fc.Now, fc.Loc))
	if !ok {
		return time.Time{}, false
	}
	return scheduler.Resolve(in.End, fc.Loc), true
}

// shiftDebrief is when the debrief of the shift the client is on now is
// due, if that shift has one.
func shiftDebrief(c store.Client, fc flows.Context) (time.Time, bool) {
	in, ok := c.Schedules.Rota.At(scheduler.Civil(fc.Now, fc.Loc))
	if !ok {
		return time.Time{}, false
	}
	if _, first := flows.DebriefAnswers(c, in.ID)[flows.AnswerFirstShift]; !c.Schedules.Rota.DebriefAll && !first {
		return time.Time{}, false
	}
	return scheduler.Resolve(in.End.Add(c.Schedules.Rota.DebriefAfter()), fc.Loc), true
}

// crisisHold reports whether routine prompts wait after a crisis (see
// flows.CrisisHold), and until when at the latest.
func (e *Engine) crisisHold(ctx context.Context, fc flows.Context) (time.Time, bool, error) {
	incidents, err := e.store.Incidents(ctx, fc.Client.ID)
	if err != nil {
		return time.Time{}, false, err
	}
	until, held := flows.CrisisHold(incidents, fc.Now, fc.Policy.CrisisHold)
	return until, held, nil
}

// quietUntil reports whether now is inside the client's quiet hours, and
// when they end.
func quietUntil(c store.Client, fc flows.Context) (time.Time, bool) {
	return quietEnd(c.Schedules.QuietHours, fc)
}

// quietEnd reports whether now is inside q on the client's clock, and when
// it ends.
func quietEnd(q store.QuietHours, fc flows.Context) (time.Time, bool) {
	if !q.Set() {
		return time.Time{}, false
	}
	end, ok := q.EndOf(scheduler.Civil(fc.Now, fc.Loc))
	if !ok {
		return time.Time{}, false
	}
	return scheduler.Resolve(end, fc.Loc), true
}

// missedRecord describes a scheduled prompt that is missed; prompts the
// client opened themselves are not scheduled and so cannot be missed.
func missedRecord(fc flows.Context, promptID, flow, reason string) (store.MissedPrompt, bool) {
	_, kind, _, local, err := scheduler.ParseID(promptID)
	if err != nil {
		return store.MissedPrompt{}, false
	}
	return store.MissedPrompt{ID: promptID, Kind: kind, Flow: flow, Date: local.Format(time.DateOnly),
		Due: scheduler.Resolve(local, fc.Loc), Reason: reason, Recorded: fc.Now}, true
}

// fireReminder sends a prompt's one reminder: the question it waits on,
// asked again, if it is still open.
func (e *Engine) fireReminder(ctx context.Context, o scheduler.Occurrence) error {
	var handBack error
	err := e.run(ctx, o.Client, func(st redisstore.State, fc flows.Context) (decision, error) {
		handBack = nil
		conv := st.Conversation
		_, ok := flowsByName[conv.Flow]
		if !ok || !conv.Active() || conv.PromptID != o.Ref || skipReason(st.Client, fc.Now) != "" {
			return decision{}, nil
		}
		if end, quiet := quietUntil(st.Client, fc); quiet {
			if end.Before(conv.OpenedAt.Add(e.promptPolicy(conv.Flow).Window)) {
				handBack = scheduler.MoveTo(end, "quiet hours")
				return decision{}, nil
			}
			return decision{effects: []flows.Effect{auditNow(fc, "prompt.reminder_dropped", promptKind(conv.PromptID), "quiet hours last past the prompt's window")}}, nil
		}
		effects := []flows.Effect{auditNow(fc, "prompt.reminded", promptKind(conv.PromptID), "")}
		return decision{effects: append(effects, flows.AskAgain(fc, conv, flowsByName, e.cat.T("prompt.reminder", nil), "reminder")...)}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return handBack
}

// fireExpiry closes a prompt whose answer window has ended and records it
// missed. A late answer is then told the check-in has closed.
//
// In the client's quiet hours the expiry waits for their end: a miss can
// open an incident, whose first step is a message to the client, and
// nothing unprompted and non-urgent reaches them in their quiet hours. The
// prompt stays open meanwhile, so an answer in the night still counts.
func (e *Engine) fireExpiry(ctx context.Context, o scheduler.Occurrence) error {
	var handBack error
	err := e.run(ctx, o.Client, func(st redisstore.State, fc flows.Context) (decision, error) {
		handBack = nil
		conv := st.Conversation
		if !conv.Active() || conv.PromptID != o.Ref {
			return decision{}, nil // answered, skipped or superseded already
		}
		kind := promptKind(conv.PromptID)
		if end, quiet := quietUntil(st.Client, fc); quiet {
			handBack = scheduler.MoveTo(end, "quiet hours")
			return decision{effects: []flows.Effect{auditNow(fc, "prompt.expiry_deferred", kind,
				"quiet hours until "+end.In(fc.Loc).Format("15:04"))}}, nil
		}
		effects := []flows.Effect{auditNow(fc, "prompt.expired", kind, "not answered within "+flows.FormatMinutes(int(e.promptPolicy(conv.Flow).Window/time.Minute)))}
		if m, ok := missedRecord(fc, conv.PromptID, conv.Flow, store.MissedUnanswered); ok {
			effects = append(effects, flows.SaveMissed{Missed: m})
			more, err := e.assessMissed(ctx, fc, m)
			if err != nil {
				return decision{}, err
			}
			effects = append(effects, more...)
		}
		closed := conv.Close()
		closed.Lapsed, closed.LapsedAt = conv.Flow, fc.Now
		return decision{conv: &closed, effects: effects}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return handBack
}

// promptKind is the occurrence kind a prompt id was opened by ("" for a
// prompt the client opened).
func promptKind(promptID string) string {
	_, kind, _, _, err := scheduler.ParseID(promptID)
	if err != nil {
		return ""
	}
	return kind
}

// promptKinds open prompts. When one falls due while Steady is down and is
// past its grace window, the client is not prompted hours late: the miss is
// recorded for their worker instead.
var promptKinds = map[string]bool{
	KindSleepLog: true, KindWeeklyCheckIn: true, KindDebrief: true, KindAdjustmentReview: true,
}

// missedPrompt handles a prompt-opening occurrence past its grace window.
func (e *Engine) missedPrompt(ctx context.Context, o scheduler.Occurrence) error {
	err := e.run(ctx, o.Client, func(st redisstore.State, fc flows.Context) (decision, error) {
		if why := skipReason(st.Client, fc.Now); why != "" {
			// It would not have been sent: not a miss.
			return decision{effects: []flows.Effect{auditNow(fc, "prompt.skipped", o.Kind, why)}}, nil
		}
		if st.Conversation.IsDone(openedMark(o.ID), fc.Now) ||
			o.Kind == KindDebrief && st.Conversation.IsDone(flows.DebriefedMark(o.Ref), fc.Now) {
			return decision{}, nil // it went out early, or the client saw to it: not a miss
		}
		reason, text := store.MissedDown, "due "+o.Local.Format(scheduler.CivilLayout)+" while Steady was not running; past its grace window"
		if o.Note != "" {
			reason, text = store.MissedBusy, "due "+o.Local.Format(scheduler.CivilLayout)+"; not sent in time: "+o.Note
		}
		m := store.MissedPrompt{ID: o.ID, Kind: o.Kind, Date: o.Local.Format(time.DateOnly), Due: o.Due, Reason: reason, Recorded: fc.Now}
		effects := []flows.Effect{auditNow(fc, "prompt.missed", o.Kind, text), flows.SaveMissed{Missed: m}}
		more, err := e.assessMissed(ctx, fc, m)
		if err != nil {
			return decision{}, err
		}
		return decision{effects: append(effects, more...)}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// missedCheckInLookback is how far back the missed check-ins rule looks:
// enough weekly check-ins for any count a worker would set.
const missedCheckInLookback = 10 * 7

// assessMissed runs the missed check-ins rule when a weekly check-in is
// missed: answered check-ins break a run, missed ones extend it.
func (e *Engine) assessMissed(ctx context.Context, fc flows.Context, m store.MissedPrompt) ([]flows.Effect, error) {
	if m.Kind != KindWeeklyCheckIn {
		return nil, nil
	}
	from := fc.Local().AddDate(0, 0, -missedCheckInLookback).Format(time.DateOnly)
	answered, err := e.store.CheckIns(ctx, fc.Client.ID, from, "")
	if err != nil {
		return nil, err
	}
	missed, err := e.store.MissedPrompts(ctx, fc.Client.ID, from, "")
	if err != nil {
		return nil, err
	}
	missed = append(missed, m)
	var obs []flows.Observation
	seen := map[string]bool{}
	for _, mp := range missed {
		if mp.Kind != KindWeeklyCheckIn || seen[mp.ID] {
			continue
		}
		seen[mp.ID] = true
		obs = append(obs, flows.Observation{Key: "missed:" + mp.ID, Day: mp.Date, At: mp.Due, Flag: true,
			Evidence: e.cat.T("evidence.missed_checkin", map[string]any{"Day": mp.Due.In(fc.Loc).Format("Mon 2 Jan")})})
	}
	for _, ci := range answered {
		obs = append(obs, flows.Observation{Key: "checkin:" + ci.ID, Day: ci.Date, At: ci.LoggedAt})
	}
	if f, ok := flows.MissedCheckins(fc, obs); ok {
		return []flows.Effect{flows.Escalate{Firing: f}}, nil
	}
	return nil, nil
}
