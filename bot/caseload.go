package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"steady/flows"
	"steady/store"
	"steady/store/redisstore"
)

// SetRule changes one escalation rule for one client (their worker or a
// lead). A zero override returns the rule to the service's setting.
func (e *Engine) SetRule(ctx context.Context, workerID, clientID, ruleID string, o store.RuleOverride) (string, error) {
	if msg := flows.ValidateRuleOverride(ruleID, o); msg != "" {
		return msg, nil
	}
	return e.staffStep(ctx, workerID, clientID, func(st redisstore.State, fc flows.Context, w store.Worker) (string, []flows.Effect, error) {
		c := st.Client
		rules := map[string]store.RuleOverride{}
		for k, v := range c.Rules {
			rules[k] = v
		}
		zero := o.Count == 0 && o.Threshold == 0 && o.WithinDays == 0 && !o.Off && len(o.Brings) == 0
		if zero {
			delete(rules, ruleID)
		} else {
			rules[ruleID] = o
		}
		c.Rules = rules
		reason := describeOverride(o)
		if zero {
			reason = "back to the service setting"
		}
		fc.Client = c
		return "Done. " + describeRule(fc.Rule(ruleID)), []flows.Effect{
			flows.SaveClient{Client: c},
			flows.Audit{Event: store.AuditEvent{At: fc.Now, Actor: w.ID, Action: "rule.changed", Rule: ruleID, Reason: reason}},
		}, nil
	})
}

func describeOverride(o store.RuleOverride) string {
	var parts []string
	if o.Off {
		parts = append(parts, "off")
	}
	if o.Count > 0 {
		parts = append(parts, fmt.Sprintf("count=%d", o.Count))
	}
	if o.Threshold > 0 {
		parts = append(parts, fmt.Sprintf("threshold=%d", o.Threshold))
	}
	if o.WithinDays > 0 {
		parts = append(parts, fmt.Sprintf("within_days=%d", o.WithinDays))
	}
	if len(o.Brings) > 0 {
		parts = append(parts, "brings="+strings.Join(o.Brings, "+"))
	}
	return strings.Join(parts, " ")
}

func describeRule(r flows.Rule) string {
	if r.Off {
		return r.ID + " is off for this client."
	}
	s := fmt.Sprintf("%s: fires at %d", r.ID, r.Count)
	if r.Threshold > 0 {
		s += fmt.Sprintf(", threshold %d", r.Threshold)
	}
	if r.WithinDays > 0 {
		s += fmt.Sprintf(", within %d days", r.WithinDays)
	}
	return s + "; brings up plan: " + strings.Join(r.Brings, ", ") + "."
}

// MaxBenefitLabel bounds a benefit-transition label: a few words, not notes.
const MaxBenefitLabel = 80

// FlagBenefit records that a client is going through a benefit transition
// (e.g. "ESA to Universal Credit", due a date), so it shows in the weekly
// huddle until cleared. due is a local date or "".
func (e *Engine) FlagBenefit(ctx context.Context, workerID, clientID, what, due string) (string, error) {
	what = strings.TrimSpace(what)
	if what == "" || utf8.RuneCountInString(what) > MaxBenefitLabel {
		return fmt.Sprintf("Say what the transition is in a few words (up to %d characters), e.g. \"ESA to Universal Credit\".", MaxBenefitLabel), nil
	}
	if due != "" {
		if _, err := time.Parse(time.DateOnly, due); err != nil {
			return "Give the date as YYYY-MM-DD, or leave it out.", nil
		}
	}
	return e.staffStep(ctx, workerID, clientID, func(st redisstore.State, fc flows.Context, w store.Worker) (string, []flows.Effect, error) {
		c := st.Client
		c.Benefits = append(append([]store.BenefitFlag(nil), c.Benefits...), store.BenefitFlag{What: what, Due: due, By: w.ID, At: fc.Now})
		return "Flagged. It will show in the weekly huddle until you clear it.", []flows.Effect{
			flows.SaveClient{Client: c},
			flows.Audit{Event: store.AuditEvent{At: fc.Now, Actor: w.ID, Action: "benefit.flagged", Reason: "benefit transition flagged for the huddle"}},
		}, nil
	})
}

// ClearBenefits clears a client's flagged benefit transitions.
func (e *Engine) ClearBenefits(ctx context.Context, workerID, clientID string) (string, error) {
	return e.staffStep(ctx, workerID, clientID, func(st redisstore.State, fc flows.Context, w store.Worker) (string, []flows.Effect, error) {
		c := st.Client
		c.Benefits = append([]store.BenefitFlag(nil), c.Benefits...)
		n := 0
		for i := range c.Benefits {
			if c.Benefits[i].Cleared.IsZero() {
				c.Benefits[i].Cleared = fc.Now
				n++
			}
		}
		if n == 0 {
			return "Nothing flagged for that client.", nil, nil
		}
		return "Cleared.", []flows.Effect{
			flows.SaveClient{Client: c},
			flows.Audit{Event: store.AuditEvent{At: fc.Now, Actor: w.ID, Action: "benefit.cleared", Reason: fmt.Sprintf("%d cleared", n)}},
		}, nil
	})
}
