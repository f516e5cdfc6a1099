package flows

import (
	"unicode"

	"steady/flows/internal/crisismodel"
)

// The second reader: a classifier trained on the tuning phrases
// (flows/internal/crisismodel, retrained by `make crisis-model`). It reads
// what the rules were not written for: new words, new spellings, new ways
// round. Its scores combine with the rules as below. The thresholds were
// chosen on rounds the rules had not been written for (round 3 with the
// rules before it, round 4 with the rules before it), scored by a model
// trained without them, as low as the tuning set's hard negatives allow
// under cross-validation (safe checked ≤ 8%, escalated ≤ 2%:
// TestCrisisModelCrossValidated); docs/safety.md, "How the crisis detector
// is built and measured", has the figures.
const (
	// modelWorryAt: a message the rules pass over gets the "are you safe?"
	// check when the model puts at least this much on it not being safe.
	modelWorryAt = 0.75
	// modelCrisisAt: a message the rules already worry about is escalated
	// when the model puts at least this much on crisis or danger.
	modelCrisisAt = 0.80
	// modelAloneCrisisAt: a message is escalated on the model's word alone
	// when it puts at least this much on crisis or danger. Stricter, as
	// nothing a person can read backs it.
	modelAloneCrisisAt = 0.85
)

// combine folds the model's class probabilities into the rules' reading.
// The model only ever raises the level: the rules' negations, idioms and
// reports about others are what it is weakest at, and a rule that
// escalates has a reason a person can read.
//
// The model needs words to go on: it says nothing about a one-word message
// and escalates nothing of fewer than three words ("die" alone is not read
// as a crisis; "i want to" then "die" is, by DetectInContext).
func combine(r ruleReading, words int, p [crisismodel.Classes]float64) Detection {
	return combineAt(r, words, p, thresholds{modelWorryAt, modelCrisisAt, modelAloneCrisisAt})
}

// thresholds are the three model thresholds, apart so the tests can
// measure others.
type thresholds struct{ worry, crisis, alone float64 }

func combineAt(r ruleReading, words int, p [crisismodel.Classes]float64, t thresholds) Detection {
	rules := r.Detection
	if words < 2 {
		return rules
	}
	urgent := p[crisismodel.Crisis] + p[crisismodel.Danger]
	if rules.Concern < Crisis && urgent >= t.alone && words >= 3 && !r.lowered {
		return Detection{Concern: Crisis, Kind: urgentKind(rules.Kind, p)}
	}
	switch rules.Concern {
	case NoConcern:
		if 1-p[crisismodel.Safe] >= t.worry {
			return Detection{Concern: Worry, Kind: modelKind(p)}
		}
	case Worry:
		if urgent >= t.crisis && words >= 3 && !r.lowered {
			return Detection{Concern: Crisis, Kind: urgentKind(rules.Kind, p)}
		}
	}
	return rules
}

// urgentKind names an escalation the model made: the rules' kind when they
// named one, else danger or suicide by the model's scores (an escalation is
// never "distress").
func urgentKind(rulesKind string, p [crisismodel.Classes]float64) string {
	if rulesKind != "" && rulesKind != KindDistress {
		return rulesKind
	}
	if p[crisismodel.Danger] > p[crisismodel.Crisis] {
		return KindDanger
	}
	return KindSuicide
}

// modelKind names the model's most likely concern.
func modelKind(p [crisismodel.Classes]float64) string {
	switch {
	case p[crisismodel.Danger] >= p[crisismodel.Crisis] && p[crisismodel.Danger] >= p[crisismodel.Check]:
		return KindDanger
	case p[crisismodel.Crisis] >= p[crisismodel.Check]:
		return KindSuicide
	}
	return KindDistress
}

// wordCount counts the runs of letters and digits in text.
func wordCount(text string) int {
	n, in := 0, false
	for _, r := range text {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}
