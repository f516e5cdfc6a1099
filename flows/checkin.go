package flows

import (
	"strings"
	"time"

	"steady/store"
)

// Weekly check-in questions, by state.
const (
	qCoping     = "coping"
	qSleep      = "sleep"
	qWork       = "work"
	qManager    = "manager"
	qColleagues = "colleagues"
	qIsolated   = "isolated"
	qSatisfied  = "satisfaction"
	qRights     = "rights"
	qStillInJob = "still_in_job"
	qNote       = "note"
	// adjPrefix names the question about one adjustment: "adj:<id>".
	adjPrefix = "adj:"
)

// CheckIn is the weekly check-in: how the client is coping, sleep, work,
// support, isolation, job satisfaction, employment-rights concerns, whether
// each agreed adjustment is being honoured, whether they are still in the
// job, and anything for their worker. Each question can be skipped.
var CheckIn = Flow{
	Name:  FlowCheckIn,
	Title: "title.checkin",
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
		skippable(scale(qSleep, "checkin.sleep", 1, 5)),
		skippable(pick(qWork, "checkin.work", nil, func(c Context) []Choice {
			return choices(c, "checkin.work.", store.WorkHarder, store.WorkSame, store.WorkEasier)
		}, "reask.choice")),
		skippable(pick(qManager, "checkin.manager", nil, supportChoices, "reask.choice")),
		skippable(pick(qColleagues, "checkin.colleagues", nil, supportChoices, "reask.choice")),
		skippable(pick(qIsolated, "checkin.isolated", nil, func(c Context) []Choice {
			return choices(c, "checkin.isolated.", store.IsolatedNever, store.IsolatedSometimes, store.IsolatedOften)
		}, "reask.choice")),
		skippable(scale(qSatisfied, "checkin.satisfaction", 1, 5)),
		skippable(multi(qRights, "checkin.rights", nil, func(c Context) []Choice {
			return choices(c, "checkin.rights.", store.RightsConcerns...)
		})),
	}
	for _, a := range c.Adjustments {
		if a.Status != store.AdjustmentInPlace && a.Status != store.AdjustmentSteppedDown {
			continue
		}
		what := AdjustmentLine(a)
		qs = append(qs, skippable(pick(adjPrefix+a.ID, "checkin.adjustment",
			func(Context, store.Conversation) map[string]any { return map[string]any{"What": what} },
			func(c Context) []Choice { return choices(c, "checkin.honoured.", store.Yes, store.Partly, store.No) },
			"reask.choice")))
	}
	return append(qs,
		skippable(yesNo(qStillInJob, "checkin.still_in_job", nil)),
		note(qNote, "checkin.note", nil),
	)
}

func supportChoices(c Context) []Choice {
	return choices(c, "checkin.support.", store.SupportGood, store.SupportSome, store.SupportNone)
}

func skippable(q Question) Question { q.Skippable = true; return q }

// CheckInFrom builds the record of a finished check-in.
func CheckInFrom(c Context, conv store.Conversation) store.CheckIn {
	a := conv.Answers
	ci := store.CheckIn{
		ID: conv.PromptID, Date: c.Local().Format(time.DateOnly), LoggedAt: c.Now,
		Coping: atoi(a[qCoping]), Sleep: atoi(a[qSleep]), Work: a[qWork], Manager: a[qManager],
		Colleagues: a[qColleagues], Isolated: a[qIsolated], Satisfied: atoi(a[qSatisfied]),
		Rights: lines(a[qRights]), StillInJob: a[qStillInJob], NoteForWorker: a[qNote],
		Skipped: append([]string(nil), conv.Skipped...),
	}
	ci.RightsAsked = !skipped(conv, qRights)
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
