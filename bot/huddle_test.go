package bot_test

import (
	"strings"
	"testing"
	"time"

	"steady/flows"
	"steady/store"
)

func TestWeeklyHuddleNamesOnlyInEachWorkersOwnCopy(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, strings.Replace(escalationProfile, "time_zone: Europe/London}", "time_zone: Europe/London, job_start: \"2026-11-16\"}", 1))
	b.clock.Set(london(t, "2026-11-23 10:00"))
	if err := b.engine.RaiseForTest(b.ctx, "alex", twoNights("2026-11-22")); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"2026-11-22"} {
		if err := b.engine.StepForTest(b.ctx, "alex", flows.SaveSleep{Entry: store.SleepEntry{Night: n, Bedtime: "02:00", WakeTime: "05:00", AsleepMin: 180, Quality: 2}}); err != nil {
			t.Fatal(err)
		}
	}
	if reply, err := b.engine.FlagBenefit(b.ctx, "sam", "alex", "ESA to Universal Credit", "2026-12-01"); err != nil || !strings.HasPrefix(reply, "Flagged") {
		t.Fatalf("flag benefit: %q %v", reply, err)
	}
	if err := b.engine.ScheduleService(b.ctx); err != nil {
		t.Fatal(err)
	}
	advance(t, b, 7*24*time.Hour) // past Monday 30 Nov 09:30
	staff := b.msg.sentFull(flows.ToStaff)
	if len(staff) != 3 {
		t.Fatalf("want the staff post, Sam's copy and the lead's copy, got %d:\n%s", len(staff), strings.Join(staff, "\n---\n"))
	}
	var channel, own string
	for _, s := range staff {
		switch {
		case strings.HasPrefix(s, "Weekly caseload huddle"):
			channel = s
		case strings.HasPrefix(s, "Your caseload"):
			own = s
		}
	}
	if strings.Contains(channel, "Alex") || !strings.Contains(channel, "open incidents: 1") || !strings.Contains(channel, "benefit transitions flagged: 1") || !strings.Contains(channel, "new job starts in their first four weeks: 1") {
		t.Errorf("staff channel post:\n%s", channel)
	}
	for _, want := range []string{"Alex:", "incident (two disrupted nights in a row)", "new job, week 3", "benefit transition: ESA to Universal Credit on 2026-12-01"} {
		if !strings.Contains(own, want) {
			t.Errorf("Sam's copy lacks %q:\n%s", want, own)
		}
	}
	// The sleep entries were a week before this huddle: not "this week".
	if strings.Contains(own, "1 disrupted night") {
		t.Errorf("last week's nights counted as this week's:\n%s", own)
	}
	// A retried occurrence does not post twice.
	before := len(b.msg.sentFull(flows.ToStaff))
	audit, _ := b.store.Audit(b.ctx, "_service", "")
	if len(audit) != 1 || audit[0].Action != "huddle.posted" {
		t.Fatalf("service audit: %+v", audit)
	}
	key := audit[0].Reason[strings.Index(audit[0].Reason, "[")+1 : len(audit[0].Reason)-1]
	if err := b.engine.Fire(b.ctx, occurrenceFor(key)); err != nil {
		t.Fatal(err)
	}
	if after := len(b.msg.sentFull(flows.ToStaff)); after != before {
		t.Errorf("huddle posted again on a retried occurrence: %d → %d", before, after)
	}
}
