package flows

import (
	"slices"
	"strings"

	"steady/store"
)

// AnswerDue is where an adjustment review keeps the ids of the adjustments
// it asks about, space-separated: reviews due together are asked together.
const AnswerDue = "due"

// Per-adjustment review questions: "<prefix><adjustment id>".
const (
	revWorking = "working:"
	revNext    = "next:"
	revNote    = "note:"
)

// AdjustmentReviewFlow asks the client, for each adjustment due for review,
// whether it is working, whether they would keep, change or step it down,
// and for a note. Their view is added to the adjustment's reviews and sent to
// their worker, who makes the decision with them and the employer.
var AdjustmentReviewFlow = Flow{
	Name:  FlowAdjustmentReview,
	Title: "title.review",
	Plan: func(c Context, conv store.Conversation) []Question {
		var qs []Question
		for _, a := range dueAdjustments(c, conv) {
			data := func(Context, store.Conversation) map[string]any { return map[string]any{"What": AdjustmentLine(a)} }
			qs = append(qs,
				pick(revWorking+a.ID, "review.working", data, func(c Context) []Choice {
					return choices(c, "review.working.", store.Yes, store.Partly, store.No)
				}, "reask.choice"),
				pick(revNext+a.ID, "review.next", data, func(c Context) []Choice {
					return choices(c, "review.next.", store.ReviewContinue, store.ReviewChange, store.ReviewStepDown)
				}, "reask.choice"),
				note(revNote+a.ID, "review.note", data),
			)
		}
		return qs
	},
	Finish: finishReview,
}

// dueAdjustments are the open adjustments the review asks about, in the
// register's order.
func dueAdjustments(c Context, conv store.Conversation) []store.Adjustment {
	ids := strings.Fields(conv.Answers[AnswerDue])
	var out []store.Adjustment
	for _, a := range c.Adjustments {
		if a.Open() && slices.Contains(ids, a.ID) {
			out = append(out, a)
		}
	}
	return out
}

func finishReview(c Context, conv store.Conversation) []Effect {
	var effects []Effect
	var summary []string
	for _, a := range dueAdjustments(c, conv) {
		working, next := conv.Answers[revWorking+a.ID], conv.Answers[revNext+a.ID]
		if working == "" && next == "" {
			continue // skipped
		}
		r := store.AdjustmentReview{
			Due: a.ReviewOn, At: c.Now, By: "client", Outcome: next, Honoured: working, Note: conv.Answers[revNote+a.ID],
		}
		a.Reviews = append(slices.Clone(a.Reviews), r)
		effects = append(effects,
			SaveAdjustment{Adjustment: a},
			audit(c, "adjustment.client_review", FlowAdjustmentReview, a.ID+": "+working+", would "+next),
		)
		summary = append(summary, c.Catalog.T("review.worker_line", map[string]any{
			"What":    AdjustmentLine(a),
			"Working": c.Catalog.T("review.working."+working, nil),
			"Next":    c.Catalog.T("review.next."+next, nil),
			"Note":    r.Note,
		}))
	}
	if len(summary) == 0 {
		return []Effect{say(c, "review.nothing", nil, conv.PromptID+"/done")}
	}
	return append(effects,
		say(c, "review.thanks", nil, conv.PromptID+"/done"),
		Send{To: ToWorker, Message: Message{Text: c.Catalog.T("review.worker", map[string]any{
			"Name": c.Client.DisplayName, "Lines": strings.Join(summary, "\n"),
		})}, Key: conv.PromptID + "/worker"},
	)
}
