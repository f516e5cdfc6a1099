package bot

import (
	"context"
	"time"

	"steady/flows"
	"steady/scheduler"
	"steady/store"
)

// Prompts due close together go as one message. When a client finishes a
// routine conversation (a sleep log, a check-in, a debrief, a review), the
// next prompt comes straight after it, in the same message as the thanks,
// if it is due within promptsTogether or has been waiting (for the end of
// quiet hours, of a shift, or of this very conversation); and the
// grounding before a shift due within groundingTogether comes with it too.
// The client's phone buzzes once for the lot, and their morning is one
// conversation instead of three.
//
// Nothing comes early that could not come now: not in quiet hours, not
// mid-shift, not after a crisis, not while paused; nothing after a step that
// raised or added to an incident (the client has the plan's question to
// answer). What went out early is marked done in the conversation, so its
// own occurrence does nothing when it fires.
const (
	promptsTogether   = time.Hour
	groundingTogether = 3 * time.Hour
	// waitingSince is how long a prompt can have been put off and still be
	// pending: quiet hours, a night shift.
	waitingSince = 24 * time.Hour
)

// routineFlows are the conversations a scheduled prompt opens.
var routineFlows = map[string]bool{
	flows.FlowSleep: true, flows.FlowCheckIn: true, flows.FlowDebrief: true, flows.FlowAdjustmentReview: true,
}

// alongside returns the after-hook of a client's step (decision.after)
// that brings what is due next into it; before is the conversation the
// step was decided on.
func (e *Engine) alongside(before store.Conversation) func(context.Context, flows.Context, decision) (decision, error) {
	return func(ctx context.Context, fc flows.Context, d decision) (decision, error) {
		if d.conv == nil || d.conv.Active() || !routineFlows[before.Flow] || !answered(d.effects, before.Flow) || incidentIn(d.effects) {
			return d, nil
		}
		c := fc.Client
		if skipReason(c, fc.Now) != "" {
			return d, nil
		}
		if _, quiet := quietUntil(c, fc); quiet {
			return d, nil
		}
		if _, working := onShiftUntil(c, fc); working {
			return d, nil
		}
		pending, err := e.sched.Lookup(ctx, soonFor(c, fc.Adjustments, fc.Now.Add(-waitingSince), fc.Now.Add(groundingTogether))...)
		if err != nil {
			return d, err
		}
		conv := *d.conv
		var grounding, prompt *scheduler.Occurrence
		for i, o := range pending {
			if !stillScheduled(c, o, fc.Now) || conv.IsDone(openedMark(o.ID), fc.Now) || conv.IsDone(sentMark(o.ID), fc.Now) {
				continue
			}
			switch {
			case o.Kind == KindGrounding && grounding == nil && c.Plan.Grounding != "" && !o.Due.After(fc.Now.Add(groundingTogether)):
				grounding = &pending[i]
			case promptKinds[o.Kind] && prompt == nil && !o.Due.After(fc.Now.Add(promptsTogether)):
				if o.Kind == KindDebrief && conv.IsDone(flows.DebriefedMark(o.Ref), fc.Now) {
					continue
				}
				prompt = &pending[i]
			}
		}
		if prompt != nil {
			if _, held, err := e.crisisHold(ctx, fc); err != nil {
				return d, err
			} else if held {
				prompt = nil
			}
		}
		var effects []flows.Effect
		if grounding != nil {
			effects = append(effects, e.groundingNote(fc, *grounding), auditNow(fc, "grounding.sent", grounding.Kind, "shift "+grounding.Ref+", with "+flowTitle(fc, before.Flow)))
			conv.MarkDone(sentMark(grounding.ID), markUntil(fc, *grounding), fc.Now)
		}
		if prompt != nil {
			flowName, answers := promptFlow(c, *prompt)
			if flow, ok := flowsByName[flowName]; ok {
				next, start := flow.StartNext(fc, prompt.ID, answers)
				next = conv.Carry(next)
				next.Unmark(flows.HeldMark)
				next.MarkDone(openedMark(prompt.ID), markUntil(fc, *prompt), fc.Now)
				effects = append(effects, auditNow(fc, "prompt.sent", prompt.Kind, "with "+flowTitle(fc, before.Flow)+"; due "+prompt.Due.In(fc.Loc).Format("Mon 2 Jan 15:04")))
				effects = append(effects, start...)
				if next.Active() {
					effects = append(effects, timerEffects(e.promptTimers(next))...)
				}
				conv = next
			}
		}
		if len(effects) == 0 {
			return d, nil
		}
		d.conv, d.effects = &conv, append(d.effects, effects...)
		return d, nil
	}
}

// soonFor names the client's occurrences that may be pending between from
// and to: their sleep log and weekly check-in, adjustment reviews, and the
// dated ones (debriefs, groundings, first-month check-ins). Their ids are
// deterministic, so no scan is needed to find them.
func soonFor(c store.Client, adjustments []store.Adjustment, from, to time.Time) []string {
	loc, err := scheduler.Zone(c.TimeZone)
	if err != nil {
		return nil
	}
	lo, hi := scheduler.Civil(from, loc), scheduler.Civil(to, loc)
	var ids []string
	for _, sr := range wantedSeries(c, from) {
		if sr.Kind != KindSleepLog && sr.Kind != KindWeeklyCheckIn {
			continue
		}
		rec, err := scheduler.ParseRule(sr.Rule)
		if err != nil {
			continue
		}
		for t := rec.Next(lo.Add(-time.Minute)); !t.IsZero() && !t.After(hi); t = rec.Next(t) {
			ids = append(ids, scheduler.OccurrenceID(c.ID, sr.Kind, sr.Ref, t))
		}
	}
	for _, a := range adjustments {
		if day, err := time.Parse(time.DateOnly, a.ReviewOn); err == nil && a.Open() {
			t := day.Add(reviewHour * time.Hour)
			if !t.Before(lo) && !t.After(hi) {
				ids = append(ids, scheduler.OccurrenceID(c.ID, KindAdjustmentReview, a.ID, t))
			}
		}
	}
	occs, _ := dated(c, c.TimeZone, from, to) // a bad entry leaves the rest
	for _, o := range occs {
		if o.Kind != KindWorkerReminder {
			ids = append(ids, o.ID)
		}
	}
	return ids
}

// answered reports whether the step finished flow with its questions answered.
func answered(effects []flows.Effect, flow string) bool {
	for _, ef := range effects {
		if a, ok := ef.(flows.Audit); ok && a.Event.Action == "prompt.answered" && a.Event.Rule == flow {
			return true
		}
	}
	return false
}

// incidentIn reports whether the step raised an incident or added to one.
func incidentIn(effects []flows.Effect) bool {
	for _, ef := range effects {
		if _, ok := ef.(flows.SaveIncident); ok {
			return true
		}
	}
	return false
}

// sentMark is the Conversation.Done mark of a notice sent early.
func sentMark(id string) string { return "sent:" + id }

// markUntil is how long an early occurrence's mark is kept: past when it
// falls due, and any wait for quiet hours or a shift after that.
func markUntil(fc flows.Context, o scheduler.Occurrence) time.Time {
	return later(o.Due, fc.Now).Add(2 * waitingSince)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func flowTitle(fc flows.Context, flow string) string {
	return fc.Catalog.T("flowname."+flow, nil)
}
