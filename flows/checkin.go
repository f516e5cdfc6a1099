package flows

import (
	"slices"
	"strings"
	"time"

	"steady/store"
)

// Weekly check-in questions, by state.
const (
	qCoping = "coping"
	qSleep  = "sleep"
	qWork   = "work"
	qRights = "rights"
	qNote   = "note"
	// adjPrefix names the question about one adjustment: "adj:<id>".
	adjPrefix = "adj:"
)

// AdjustmentDueWithin is how close an adjustment's review date must be for
// the weekly check-in to ask whether it is being kept to, when the client
// has not said it isn't.
const AdjustmentDueWithin = 7 * 24 * time.Hour

// CheckIn is the weekly check-in, short enough to finish in under a minute
// on a phone: how the client is coping; their sleep (only for clients with
// no daily sleep log, which asks already); one pick-all-that-apply question
// about work that carries the predictors of leaving a job (it feeling
// harder, poor support, conflict, isolation, low job satisfaction), an
// adjustment not kept to and having left the job; the employment-rights
// concerns; and anything for their worker. That is four questions, five
// without a sleep log. Whether each agreed adjustment is being kept to
// follows only when the client says one isn't, or its review is due within
// a week. Each question can be skipped.
var CheckIn = Flow{
	Name:  FlowCheckIn,
	Title: "title.checkin",
	Intro: "checkin.intro",
	Plan:  checkInQuestions,
	Finish: func(c Context, conv store.Conversation) []Effect {
		ci := CheckInFrom(c, conv)
		// Thanks first: what the record sets off (a rule's contact) follows it.
		thanks := "checkin.thanks"
		if len(ci.Rights) > 0 {
			thanks = "checkin.thanks_rights"
		}
		effects := []Effect{say(c, thanks, nil, conv.PromptID+"/thanks"), SaveCheckIn{CheckIn: ci}}
		if ci.StillInJob == store.No {
			effects = append(effects, Send{To: ToWorker, Message: Message{Text: c.Catalog.T("checkin.worker_left_job", map[string]any{"Name": c.Client.DisplayName})}, Key: conv.PromptID + "/left-job"})
		}
		return effects
	},
}

func checkInQuestions(c Context, conv store.Conversation) []Question {
	qs := []Question{
		skippable(scale(qCoping, "checkin.coping", 1, 5)),
		when(skippable(scale(qSleep, "checkin.sleep", 1, 5)),
			func(c Context, conv store.Conversation) bool { return c.Client.Schedules.SleepLog == "" }),
		skippable(multi(qWork, "checkin.work", nil, workChoices)),
		skippable(multi(qRights, "checkin.rights", nil, func(c Context) []Choice {
			return choices(c, "checkin.rights.", store.RightsConcerns...)
		})),
	}
	for _, a := range keptAdjustments(c) {
		what := AdjustmentLine(a)
		qs = append(qs, when(skippable(pick(adjPrefix+a.ID, "checkin.adjustment",
			func(Context, store.Conversation) map[string]any { return map[string]any{"What": what} },
			func(c Context) []Choice { return choices(c, "checkin.honoured.", store.Yes, store.Partly, store.No) },
			"reask.choice")), askAboutAdjustment(a)))
	}
	return append(qs, note(qNote, "checkin.note", nil))
}

// keptAdjustments are the adjustments the employer should be keeping to now.
func keptAdjustments(c Context) []store.Adjustment {
	var out []store.Adjustment
	for _, a := range c.Adjustments {
		if a.Status == store.AdjustmentInPlace || a.Status == store.AdjustmentSteppedDown {
			out = append(out, a)
		}
	}
	return out
}

// askAboutAdjustment says whether the check-in asks if a is being kept to:
// when the client has just said an adjustment isn't happening, or a's
// review is due within AdjustmentDueWithin.
func askAboutAdjustment(a store.Adjustment) func(Context, store.Conversation) bool {
	return func(c Context, conv store.Conversation) bool {
		if slices.Contains(lines(conv.Answers[qWork]), store.WorkFlagAdjustment) {
			return true
		}
		due, err := time.ParseInLocation(time.DateOnly, a.ReviewOn, c.Loc)
		return err == nil && due.Sub(today(c)) <= AdjustmentDueWithin
	}
}

// workChoices offer the work flags that apply to this client: "an agreed
// adjustment isn't happening" only to a client with one in place.
func workChoices(c Context) []Choice {
	var flags []string
	for _, f := range store.WorkFlags {
		if f == store.WorkFlagAdjustment && len(keptAdjustments(c)) == 0 {
			continue
		}
		flags = append(flags, f)
	}
	return choices(c, "checkin.work.", flags...)
}

func skippable(q Question) Question { q.Skippable = true; return q }

// CheckInFrom builds the record of a finished check-in. Answering the work
// question says whether the client is still in the job: "I'm no longer in
// this job" is one of its options, so an answer without it is a yes.
func CheckInFrom(c Context, conv store.Conversation) store.CheckIn {
	a := conv.Answers
	ci := store.CheckIn{
		ID: conv.PromptID, Date: c.Local().Format(time.DateOnly), LoggedAt: c.Now,
		Coping: atoi(a[qCoping]), Sleep: atoi(a[qSleep]), WorkFlags: lines(a[qWork]),
		Rights: lines(a[qRights]), NoteForWorker: a[qNote],
		Skipped: append([]string(nil), conv.Skipped...),
	}
	ci.RightsAsked = !skipped(conv, qRights)
	if _, asked := a[qWork]; asked && !skipped(conv, qWork) {
		ci.WorkAsked = true
		ci.StillInJob = store.Yes
		if slices.Contains(ci.WorkFlags, store.WorkFlagLeftJob) {
			ci.StillInJob = store.No
		}
	}
	for k, v := range a {
		if id, ok := strings.CutPrefix(k, adjPrefix); ok && v != "" {
			if ci.Adjustments == nil {
				ci.Adjustments = map[string]string{}
			}
			ci.Adjustments[id] = v
		}
	}
	return ci
}
