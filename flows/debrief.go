package flows

import (
	"strconv"

	"steady/store"
)

// What a debrief knows before its first question.
const (
	AnswerShiftDate  = "shift_date"  // local date of the shift, 2006-01-02
	AnswerShiftID    = "shift_id"    // the rota shift it follows; "" on demand
	AnswerFirstShift = "first_shift" // "1", "2" or "3" for the first shifts of a new job
)

// Debrief questions, by state.
const (
	qOutcome     = "outcome"
	qStress      = "stress"
	qUsed        = "used"
	qSigns       = "signs"
	qConflict    = "conflict"
	qSleepImpact = "sleep_impact"
	qHelped      = "helped"
)

// HighStress is the stress at which a debrief offers the client's own pause
// script and grounding, with their words: a step below the debrief_stress
// rule, so help comes before escalation does.
const HighStress = 7

// Debrief is the post-shift debrief: how the shift went, stress, the
// client's pause script or grounding (offered with its text when stress is
// high, and whether they used it instead of leaving), their own early-warning
// signs, conflict at work, sleep impact after each of the first three shifts,
// and what helped.
var Debrief = Flow{
	Name:  FlowDebrief,
	Title: "title.debrief",
	Questions: []Question{
		skippable(pick(qOutcome, "debrief.outcome", nil, func(c Context) []Choice {
			return choices(c, "debrief.outcome.", store.ShiftCompleted, store.ShiftLeftEarly, store.ShiftAbsent)
		}, "reask.choice")),
		skippable(scale(qStress, "debrief.stress", 0, 10)),
		usedQuestion(),
		when(skippable(multi(qSigns, "debrief.signs", nil, signChoices)),
			func(c Context, conv store.Conversation) bool { return len(c.Client.Plan.EarlyWarningSigns) > 0 }),
		when(skippable(yesNo(qConflict, "debrief.conflict", nil)),
			func(c Context, conv store.Conversation) bool { return conv.Answers[qOutcome] != store.ShiftAbsent }),
		when(skippable(pick(qSleepImpact, "debrief.sleep_impact", func(c Context, conv store.Conversation) map[string]any {
			return map[string]any{"N": conv.Answers[AnswerFirstShift]}
		}, sleepImpactChoices, "reask.choice")),
			func(c Context, conv store.Conversation) bool {
				n := atoi(conv.Answers[AnswerFirstShift])
				return n >= 1 && n <= 3
			}),
		note(qHelped, "debrief.helped", nil),
	},
	Finish: func(c Context, conv store.Conversation) []Effect {
		d := DebriefFrom(c, conv)
		return []Effect{say(c, "debrief.thanks", nil, conv.PromptID+"/thanks"), SaveDebrief{Debrief: d}}
	},
}

func signChoices(c Context) []Choice {
	out := make([]Choice, len(c.Client.Plan.EarlyWarningSigns))
	for i, s := range c.Client.Plan.EarlyWarningSigns {
		out[i] = Choice{Label: s, Value: s}
	}
	return out
}

func sleepImpactChoices(c Context) []Choice {
	return choices(c, "debrief.sleep_impact.", store.SleepImpactNone, store.SleepImpactSome, store.SleepImpactALot, store.SleepImpactUnsure)
}

// offered says which of the client's own tools a high-stress debrief shows.
func offered(c Context) string {
	p := c.Client.Plan
	switch {
	case p.PauseScript != "" && p.Grounding != "":
		return store.UsedBoth
	case p.PauseScript != "":
		return store.UsedPauseScript
	case p.Grounding != "":
		return store.UsedGrounding
	}
	return ""
}

// usedQuestion offers the client's pause script and grounding, in their own
// words, when the shift was stressful, and asks whether they used them.
func usedQuestion() Question {
	opts := func(c Context) []Choice {
		var vs []string
		switch offered(c) {
		case store.UsedBoth:
			vs = []string{store.UsedPauseScript, store.UsedGrounding, store.UsedBoth, store.UsedNeither}
		case store.UsedPauseScript:
			vs = []string{store.UsedPauseScript, store.UsedNeither}
		case store.UsedGrounding:
			vs = []string{store.UsedGrounding, store.UsedNeither}
		}
		return choices(c, "debrief.used.", vs...)
	}
	return Question{
		State: qUsed, Skippable: true,
		When: func(c Context, conv store.Conversation) bool {
			stress, err := strconv.Atoi(conv.Answers[qStress])
			return err == nil && stress >= HighStress && offered(c) != "" && conv.Answers[qOutcome] != store.ShiftAbsent
		},
		Ask: func(c Context, conv store.Conversation) Message {
			p := c.Client.Plan
			return Message{Text: c.Catalog.T("debrief.offer", map[string]any{
				"Script": p.PauseScript, "Grounding": p.Grounding, "LeftEarly": conv.Answers[qOutcome] == store.ShiftLeftEarly,
			}), Choices: opts(c)}
		},
		Answer: func(c Context, in Input) (string, string) {
			if v, ok := ParseChoice(answerText(in), opts(c)); ok {
				return v, ""
			}
			if yes, ok := ParseYesNo(answerText(in)); ok && !yes {
				return store.UsedNeither, ""
			}
			return "", "reask.choice"
		},
	}
}

// DebriefFrom builds the record of a finished debrief.
func DebriefFrom(c Context, conv store.Conversation) store.Debrief {
	a := conv.Answers
	d := store.Debrief{
		ID: conv.PromptID, ShiftID: a[AnswerShiftID], Date: a[AnswerShiftDate], FirstShift: atoi(a[AnswerFirstShift]),
		Outcome: a[qOutcome], WarningSigns: lines(a[qSigns]), Used: a[qUsed], Conflict: a[qConflict],
		SleepImpact: a[qSleepImpact], WhatHelped: a[qHelped], LoggedAt: c.Now,
		Skipped: append([]string(nil), conv.Skipped...),
	}
	if d.Date == "" {
		d.Date = c.Local().Format("2006-01-02")
	}
	if v, err := strconv.Atoi(a[qStress]); err == nil {
		d.Stress, d.StressAnswered = v, true
	}
	if _, asked := a[qUsed]; asked {
		d.Offered = offered(c)
	}
	_, d.SignsAsked = a[qSigns]
	d.SignsAsked = d.SignsAsked && !skipped(conv, qSigns)
	return d
}
