package flows

import (
	"strconv"
	"strings"
	"time"

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
	Intro: "debrief.intro",
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

// FirstShiftChecks: a check after each of the first three shifts of a new job.
const FirstShiftChecks = 3

// DebriefAnswers are what a debrief about a rota shift starts with: the
// shift, its date, and which of the job's first shifts it is.
func DebriefAnswers(c store.Client, shiftID string) map[string]string {
	date, _, _ := strings.Cut(shiftID, "T")
	a := map[string]string{AnswerShiftID: shiftID, AnswerShiftDate: date}
	if c.JobStart != "" {
		for i, s := range c.Schedules.Rota.First(c.JobStart, FirstShiftChecks) {
			if s.ID == shiftID {
				a[AnswerFirstShift] = strconv.Itoa(i + 1)
			}
		}
	}
	return a
}

// RecentShiftWithin is how long after a shift ends a debrief the client
// starts themselves is about that shift.
const RecentShiftWithin = 12 * time.Hour

// RecentShift is the rota shift a debrief started now is about: the one in
// progress, or the latest to end within RecentShiftWithin.
func RecentShift(c Context) (store.ShiftInstance, bool) {
	r := c.Client.Schedules.Rota
	now := time.Date(c.Local().Year(), c.Local().Month(), c.Local().Day(), c.Local().Hour(), c.Local().Minute(), 0, 0, time.UTC)
	if in, ok := r.At(now); ok {
		return in, true
	}
	var last store.ShiftInstance
	found := false
	for _, in := range r.Between(now.AddDate(0, 0, -2).Format(time.DateOnly), now.Format(time.DateOnly)) {
		if !in.End.After(now) && now.Sub(in.End) <= RecentShiftWithin && (!found || in.End.After(last.End)) {
			last, found = in, true
		}
	}
	return last, found
}

// DebriefedMark is the Conversation.Done mark of a shift with a debrief
// started: one debrief per shift, however it started.
func DebriefedMark(shiftID string) string { return "debriefed:" + shiftID }

// markDebriefed records that a debrief about conv's shift has started, so
// the scheduled one does not come as well (quiet hours can put it off
// until the morning after the client debriefed on their own).
func markDebriefed(c Context, conv *store.Conversation) {
	if id := conv.Answers[AnswerShiftID]; conv.Flow == FlowDebrief && id != "" {
		conv.MarkDone(DebriefedMark(id), c.Now.Add(72*time.Hour), c.Now)
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
