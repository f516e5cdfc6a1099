package bot_test

import (
	"strings"
	"testing"

	"steady/bot"
)

// Issue 12: a profile's mistakes name the field as written and the one
// meant, a value of the wrong kind says what was expected, and every text
// has a bound. None of it dumps a Go type or quotes back an essay.
func TestProfileMistakesNameTheField(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"misspelt", strings.Replace(profileYAML, "name: Alex", "nmae: Alex", 1), "client.nmae is not a field; did you mean client.name?"},
		{"misplaced", profileYAML + "quiet_hours: \"22:00-07:00\"\n", "quiet_hours is not a field here; did you mean schedules.quiet_hours?"},
		{"nothing close", profileYAML + "favourite_colour: blue\n", "favourite_colour is not a field; the profile has: client, worker, lead"},
		{"a list where text goes", strings.Replace(profileYAML, "name: Alex", "name: [Alex]", 1), "client.name should be text"},
		{"words where a number goes", profileYAML + "sleep_thresholds: {min_asleep_minutes: six hours}\n", "sleep_thresholds.min_asleep_minutes should be a whole number, not \"six hours\""},
		{"long name", strings.Replace(profileYAML, "name: Alex", "name: "+strings.Repeat("x", 100), 1), "client.name is 100 characters long; keep it to 64"},
		{"long sign", profileYAML + "plan: {early_warning_signs: [" + strings.Repeat("y", 301) + "]}\n", "plan.early_warning_signs[0] is 301 characters long; keep it to 300"},
		{"many items", profileYAML + "plan: {crisis_contacts: [" + strings.Repeat("a, ", 12) + "a]}\n", "plan.crisis_contacts has 13 items; keep it to 12"},
		{"unknown rule", profileYAML + "plan: {actions: {two_bad_nights: [rest]}}\n", "plan.actions.two_bad_nights is not a rule"},
		{"long time zone", strings.Replace(profileYAML, "time_zone: Europe/London}", "time_zone: "+strings.Repeat("z", 5000)+"}", 1), "client.time_zone is 5000 characters long; keep it to 64"},
		{"huge file", profileYAML + "# " + strings.Repeat("x", bot.MaxProfileBytes) + "\n", "a profile is at most 64 KB"},
	}
	for _, tt := range tests {
		_, err := bot.ParseProfile([]byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "struct {") || strings.Contains(msg, "bot.") || len(msg) > 1000 {
			t.Errorf("%s: the error dumps Go types or the value: %.300q", tt.name, msg)
		}
	}
}

// Staff commands refuse over-long text by field, with the bound, before
// anything is stored.
func TestStaffCommandsBoundWhatIsTyped(t *testing.T) {
	b := staffBundle(t)
	long := func(n int) string { return strings.Repeat("x", n) }
	for name, reply := range map[string]func() (string, error){
		"reminder note": func() (string, error) {
			return b.engine.AddWorkerReminder(b.ctx, "sam", "alex", "2026-12-07", long(301))
		},
		"discharge": func() (string, error) { return b.engine.Discharge(b.ctx, "sam", "alex", long(301)) },
		"outcome":   func() (string, error) { return b.engine.Resolve(b.ctx, "alex.x", "sam", long(1001)) },
		"shift":     func() (string, error) { return b.engine.AddShift(b.ctx, "sam", "alex", long(65)) },
		"plan value": func() (string, error) {
			return b.engine.EditPlan(b.ctx, "sam", "alex", "pause_script", long(4000), "agreed")
		},
	} {
		got, err := reply()
		if err != nil || !strings.HasPrefix(got, "That's too long: please keep") {
			t.Errorf("%s: %q %v", name, got, err)
		}
	}
	if events := auditActions(t, b, "client.discharged"); len(events) != 0 {
		t.Errorf("an over-long discharge was recorded: %+v", events)
	}
}
