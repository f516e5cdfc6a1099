package flows

import (
	"testing"
	"time"

	"steady/store"
)

func obs(day string, value int, flag bool) Observation {
	return Observation{Key: "o:" + day, Day: day, At: time.Date(2026, 11, 1, 20, 0, 0, 0, time.UTC), Value: value, Flag: flag, Evidence: "reading " + day}
}

func TestRuleSettingsLayer(t *testing.T) {
	c := testContext(t)
	if r := c.Rule(RuleDebriefStress); r.Count != 2 || r.Threshold != 8 || r.WithinDays != 7 || r.Off {
		t.Fatalf("default debrief_stress = %+v", r)
	}
	c.ServiceRules = map[string]store.RuleOverride{RuleDebriefStress: {Threshold: 9}}
	c.Client.Rules = map[string]store.RuleOverride{RuleDebriefStress: {Count: 3}}
	if r := c.Rule(RuleDebriefStress); r.Count != 3 || r.Threshold != 9 || r.WithinDays != 7 {
		t.Errorf("service then client override = %+v", r)
	}
	c.Client.Rules = map[string]store.RuleOverride{RuleCrisis: {Off: true}}
	if r := c.Rule(RuleCrisis); r.Off || !r.Urgent {
		t.Errorf("crisis rule turned off or non-urgent: %+v", r)
	}
	if r := c.Rule(RuleWarningSigns); !r.Off {
		t.Errorf("warning_signs without a plan count should be off: %+v", r)
	}
	c.Client.Plan.WarningSignsThreshold = 2
	if r := c.Rule(RuleWarningSigns); r.Off || r.Threshold != 2 {
		t.Errorf("warning_signs takes the plan's count: %+v", r)
	}
	if r := c.Rule("made_up"); !r.Off {
		t.Errorf("unknown rule should be off: %+v", r)
	}
}

func TestValidateRuleOverride(t *testing.T) {
	tests := []struct {
		rule string
		o    store.RuleOverride
		ok   bool
	}{
		{RuleDebriefStress, store.RuleOverride{Threshold: 9}, true},
		{RuleCrisis, store.RuleOverride{Off: true}, false},
		{RuleDebriefStress, store.RuleOverride{Threshold: 11}, false},
		{RuleLowCoping, store.RuleOverride{Threshold: 5}, false},
		{RuleMissedCheckins, store.RuleOverride{Count: 15}, false},
		{"nope", store.RuleOverride{}, false},
		{RuleTwoDisruptedNights, store.RuleOverride{Count: 3, Brings: []string{"sleep"}}, true},
	}
	for _, tt := range tests {
		if got := ValidateRuleOverride(tt.rule, tt.o) == ""; got != tt.ok {
			t.Errorf("%s %+v: ok=%v, want %v", tt.rule, tt.o, got, tt.ok)
		}
	}
}

func TestPlanActionsFollowTheRule(t *testing.T) {
	c := testContext(t)
	c.Client.Plan.Actions = map[string][]string{
		RuleWarningSigns: {"temporary reduction in peak exposure"},
		"clinical":       {"clinical contact", "temporary reduction in peak exposure"},
	}
	c.Client.Plan.WarningSignsThreshold = 2
	if got := PlanActions(c, RuleWarningSigns); len(got) != 1 || got[0] != "temporary reduction in peak exposure" {
		t.Errorf("default brings = %q", got)
	}
	c.Client.Rules = map[string]store.RuleOverride{RuleWarningSigns: {Brings: []string{RuleWarningSigns, "clinical"}}}
	if got := PlanActions(c, RuleWarningSigns); len(got) != 2 || got[1] != "clinical contact" {
		t.Errorf("override brings = %q, want both sections without repeats", got)
	}
}

func TestObservationRules(t *testing.T) {
	c := testContext(t)
	c.Client.Plan.WarningSignsThreshold = 2
	type rule func(Context, []Observation) (Firing, bool)
	tests := []struct {
		name    string
		rule    rule
		obs     []Observation
		fires   bool
		episode string
		nEvid   int
	}{
		{"stress once", DebriefStress, []Observation{obs("2026-11-20", 9, false)}, false, "", 0},
		{"stress twice in 7 days", DebriefStress, []Observation{obs("2026-11-20", 8, false), obs("2026-11-23", 4, false), obs("2026-11-26", 9, false)}, true, "2026-11-20", 2},
		{"stress twice but 8 days apart", DebriefStress, []Observation{obs("2026-11-18", 9, false), obs("2026-11-26", 9, false)}, false, "", 0},
		{"stress latest calm", DebriefStress, []Observation{obs("2026-11-20", 9, false), obs("2026-11-21", 9, false), obs("2026-11-22", 3, false)}, false, "", 0},
		{"stress 7 is below 8", DebriefStress, []Observation{obs("2026-11-20", 7, false), obs("2026-11-21", 7, false)}, false, "", 0},
		{"stress chain keeps its first episode", DebriefStress, []Observation{obs("2026-11-10", 9, false), obs("2026-11-16", 8, false), obs("2026-11-22", 10, false)}, true, "2026-11-10", 3},
		{"signs below plan count", WarningSigns, []Observation{obs("2026-11-20", 1, false)}, false, "", 0},
		{"signs at plan count", WarningSigns, []Observation{obs("2026-11-19", 0, false), obs("2026-11-20", 2, false)}, true, "2026-11-20", 1},
		{"signs run", WarningSigns, []Observation{obs("2026-11-19", 3, false), obs("2026-11-20", 2, false)}, true, "2026-11-19", 2},
		{"coping 3 is fine", LowCoping, []Observation{obs("2026-11-20", 3, false)}, false, "", 0},
		{"coping 2 is low", LowCoping, []Observation{obs("2026-11-20", 2, false)}, true, "2026-11-20", 1},
		{"coping 0 is no answer", LowCoping, []Observation{obs("2026-11-20", 0, false)}, false, "", 0},
		{"rights concern", RightsConcern, []Observation{obs("2026-11-20", 0, true)}, true, "2026-11-20", 1},
		{"no rights concern", RightsConcern, []Observation{obs("2026-11-20", 0, false)}, false, "", 0},
		{"one missed", MissedCheckins, []Observation{obs("2026-11-09", 0, false), obs("2026-11-16", 0, true)}, false, "", 0},
		{"two missed in a row", MissedCheckins, []Observation{obs("2026-11-09", 0, true), obs("2026-11-16", 0, true)}, true, "2026-11-09", 2},
		{"missed, answered, missed", MissedCheckins, []Observation{obs("2026-11-02", 0, true), obs("2026-11-09", 0, false), obs("2026-11-16", 0, true)}, false, "", 0},
		{"empty", MissedCheckins, nil, false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := tt.rule(c, tt.obs)
			if ok != tt.fires || ok && (f.Episode != tt.episode || len(f.Evidence) != tt.nEvid) {
				t.Errorf("fired %v episode %q evidence %d, want %v %q %d", ok, f.Episode, len(f.Evidence), tt.fires, tt.episode, tt.nEvid)
			}
		})
	}
}

func TestRulesCanBeTurnedOffPerClient(t *testing.T) {
	c := testContext(t)
	c.Client.Rules = map[string]store.RuleOverride{RuleMissedCheckins: {Off: true}, RuleTwoDisruptedNights: {Count: 3}}
	if _, ok := MissedCheckins(c, []Observation{obs("2026-11-09", 0, true), obs("2026-11-16", 0, true)}); ok {
		t.Error("an off rule fired")
	}
	two := []store.SleepEntry{night("2026-11-27", true), night("2026-11-28", true)}
	if _, ok := DisruptedNights(c, two); ok {
		t.Error("two nights fired a rule the worker set to three")
	}
	if _, ok := DisruptedNights(c, append(two, night("2026-11-29", true))); !ok {
		t.Error("three nights did not fire a rule set to three")
	}
}
