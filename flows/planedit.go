package flows

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"steady/store"
)

// A client's plan is theirs, written with their worker, and changes as they
// learn what helps. Each edit is one field with a reason; every edit makes a
// new version recording who changed what, when and why.

// Plan fields a worker can set. Lists take one item per line (or "; ").
const (
	PlanWarningSigns   = "early_warning_signs"
	PlanSignsThreshold = "warning_signs_threshold"
	PlanPauseScript    = "pause_script"
	PlanGrounding      = "grounding"
	PlanCrisisContacts = "crisis_contacts"
	PlanActionsPrefix  = "actions." // + a rule id, e.g. actions.two_disrupted_nights
	SleepMinAsleep     = "sleep.min_asleep"
	SleepMaxLatency    = "sleep.max_latency"
	SleepPoorQuality   = "sleep.poor_quality"
	SleepBelowMedian   = "sleep.below_median"
)

// PlanRules are the rules a plan can name actions for (the agreed rule ids).
var PlanRules = []string{
	"two_disrupted_nights", "debrief_stress", "warning_signs", "low_coping",
	"rights_concern", "missed_checkins", "crisis",
}

// PlanFields lists every field EditPlan accepts, for help texts.
func PlanFields() []string {
	out := []string{PlanWarningSigns, PlanSignsThreshold, PlanPauseScript, PlanGrounding, PlanCrisisContacts}
	for _, r := range PlanRules {
		out = append(out, PlanActionsPrefix+r)
	}
	return append(out, SleepMinAsleep, SleepMaxLatency, SleepPoorQuality, SleepBelowMedian)
}

// Bounds on plan text: it is read on a phone in a hard moment.
const (
	MaxPlanItems     = 12
	MaxPlanItemRunes = 300
	// MaxPlanTextRunes bounds the pause script and the grounding: a few
	// sentences, read in a hard moment.
	MaxPlanTextRunes = MaxPlanItemRunes * 4
)

// InitialPlanVersion is version 1: the plan as recorded at enrolment.
func InitialPlanVersion(c store.Client, by string) store.PlanVersion {
	return store.PlanVersion{Version: 1, At: c.EnrolledAt, By: by, Reason: "recorded at enrolment",
		Plan: c.Plan, SleepThresholds: c.SleepThresholds}
}

// EditPlan sets one field of the client's plan. version is the number of the
// version being replaced (0 if none was recorded). It returns the client with
// the new plan and the version to store, or a sentence saying what to fix.
func EditPlan(c Context, version int, by, field, value, reason string) (store.Client, store.PlanVersion, string) {
	client := c.Client
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return client, store.PlanVersion{}, c.Catalog.T("plan.refuse.reason", nil)
	}
	if len([]rune(reason)) > MaxPlanItemRunes {
		return client, store.PlanVersion{}, c.Catalog.T("plan.refuse.long", map[string]any{"Max": MaxPlanItemRunes})
	}
	p := clonePlan(client.Plan)
	t := client.SleepThresholds
	var why string
	switch {
	case field == PlanWarningSigns:
		p.EarlyWarningSigns, why = planList(c, value)
	case field == PlanCrisisContacts:
		p.CrisisContacts, why = planList(c, value)
	case field == PlanPauseScript:
		p.PauseScript, why = planText(c, value)
	case field == PlanGrounding:
		p.Grounding, why = planText(c, value)
	case field == PlanSignsThreshold:
		n, ok := ParseCount(value, MaxPlanItems)
		switch {
		case !ok:
			why = c.Catalog.T("plan.refuse.number", map[string]any{"Max": MaxPlanItems})
		case n > len(p.EarlyWarningSigns):
			why = c.Catalog.T("plan.refuse.threshold", map[string]any{"Signs": len(p.EarlyWarningSigns)})
		default:
			p.WarningSignsThreshold = n
		}
	case strings.HasPrefix(field, PlanActionsPrefix):
		rule := strings.TrimPrefix(field, PlanActionsPrefix)
		if !slices.Contains(PlanRules, rule) {
			return client, store.PlanVersion{}, c.Catalog.T("plan.refuse.field", map[string]any{"Field": field, "Fields": strings.Join(PlanFields(), ", ")})
		}
		var actions []string
		actions, why = planList(c, value)
		if p.Actions == nil {
			p.Actions = map[string][]string{}
		}
		if len(actions) == 0 {
			delete(p.Actions, rule)
		} else {
			p.Actions[rule] = actions
		}
	case field == SleepMinAsleep:
		t.MinAsleepMinutes, why = threshold(c, value, 180, 720, ParseMinutes)
	case field == SleepMaxLatency:
		t.MaxLatencyMinutes, why = threshold(c, value, 5, 180, ParseMinutes)
	case field == SleepBelowMedian:
		t.DropBelowMedianMin, why = threshold(c, value, 30, 360, ParseMinutes)
	case field == SleepPoorQuality:
		t.MaxPoorQuality, why = threshold(c, value, 1, 4, func(s string) (int, bool) { return ParseScale(s, 1, 4) })
	default:
		return client, store.PlanVersion{}, c.Catalog.T("plan.refuse.field", map[string]any{"Field": field, "Fields": strings.Join(PlanFields(), ", ")})
	}
	if why != "" {
		return client, store.PlanVersion{}, why
	}
	if p.WarningSignsThreshold > len(p.EarlyWarningSigns) {
		// Fewer signs than the threshold would switch the rule off silently.
		p.WarningSignsThreshold = len(p.EarlyWarningSigns)
	}
	changes := PlanDiff(client.Plan, client.SleepThresholds, p, t)
	if len(changes) == 0 {
		return client, store.PlanVersion{}, c.Catalog.T("plan.refuse.unchanged", nil)
	}
	client.Plan, client.SleepThresholds = p, t
	return client, store.PlanVersion{Version: version + 1, At: c.Now, By: by, Reason: reason, Changes: changes,
		Plan: p, SleepThresholds: t}, ""
}

func clonePlan(p store.Plan) store.Plan {
	p.EarlyWarningSigns = slices.Clone(p.EarlyWarningSigns)
	p.CrisisContacts = slices.Clone(p.CrisisContacts)
	if p.Actions != nil {
		m := make(map[string][]string, len(p.Actions))
		for k, v := range p.Actions {
			m[k] = slices.Clone(v)
		}
		p.Actions = m
	}
	return p
}

// planList reads one item per line, or items separated by ";". Empty clears.
func planList(c Context, value string) ([]string, string) {
	var out []string
	for _, line := range strings.FieldsFunc(value, func(r rune) bool { return r == '\n' || r == ';' }) {
		line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "-•*"))
		if line == "" {
			continue
		}
		if len([]rune(line)) > MaxPlanItemRunes {
			return nil, c.Catalog.T("plan.refuse.long", map[string]any{"Max": MaxPlanItemRunes})
		}
		out = append(out, line)
	}
	if len(out) > MaxPlanItems {
		return nil, c.Catalog.T("plan.refuse.many", map[string]any{"Max": MaxPlanItems})
	}
	return out, ""
}

func planText(c Context, value string) (string, string) {
	value = strings.TrimSpace(value)
	if len([]rune(value)) > MaxPlanTextRunes {
		return "", c.Catalog.T("plan.refuse.long", map[string]any{"Max": MaxPlanTextRunes})
	}
	return value, ""
}

// threshold reads a sleep threshold; "default" returns to the service default.
func threshold(c Context, value string, lo, hi int, parse func(string) (int, bool)) (int, string) {
	if strings.EqualFold(strings.TrimSpace(value), "default") {
		return 0, ""
	}
	n, ok := parse(value)
	if !ok || n < lo || n > hi {
		return 0, c.Catalog.T("plan.refuse.range", map[string]any{"Lo": lo, "Hi": hi})
	}
	return n, ""
}

// PlanDiff lists what changed between two plans, field by field, in words.
func PlanDiff(a store.Plan, at store.SleepThresholds, b store.Plan, bt store.SleepThresholds) []store.PlanChange {
	var out []store.PlanChange
	add := func(field, from, to string) {
		if from != to {
			out = append(out, store.PlanChange{Field: field, From: from, To: to})
		}
	}
	add(PlanWarningSigns, strings.Join(a.EarlyWarningSigns, "; "), strings.Join(b.EarlyWarningSigns, "; "))
	add(PlanSignsThreshold, strconv.Itoa(a.WarningSignsThreshold), strconv.Itoa(b.WarningSignsThreshold))
	add(PlanPauseScript, a.PauseScript, b.PauseScript)
	add(PlanGrounding, a.Grounding, b.Grounding)
	add(PlanCrisisContacts, strings.Join(a.CrisisContacts, "; "), strings.Join(b.CrisisContacts, "; "))
	rules := slices.Sorted(maps.Keys(a.Actions))
	for _, r := range slices.Sorted(maps.Keys(b.Actions)) {
		if !slices.Contains(rules, r) {
			rules = append(rules, r)
		}
	}
	slices.Sort(rules)
	for _, r := range rules {
		add(PlanActionsPrefix+r, strings.Join(a.Actions[r], "; "), strings.Join(b.Actions[r], "; "))
	}
	mins := func(n int) string {
		if n == 0 {
			return "default"
		}
		return fmt.Sprint(n)
	}
	add(SleepMinAsleep, mins(at.MinAsleepMinutes), mins(bt.MinAsleepMinutes))
	add(SleepMaxLatency, mins(at.MaxLatencyMinutes), mins(bt.MaxLatencyMinutes))
	add(SleepPoorQuality, mins(at.MaxPoorQuality), mins(bt.MaxPoorQuality))
	add(SleepBelowMedian, mins(at.DropBelowMedianMin), mins(bt.DropBelowMedianMin))
	return out
}
