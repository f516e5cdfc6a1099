package flows

import (
	"strings"
	"testing"
	"time"

	"steady/store"
)

func TestCheckMeasurable(t *testing.T) {
	c := testContext(t)
	tests := []struct {
		what, when string
		ok         bool
		mentions   string // part of the refusal
	}{
		// From the scenarios: each can be checked by a supervisor.
		{"shift starts no earlier than 10:00", "every shift", true, ""},
		{"shifts start no earlier than 10am", "", true, ""},
		{"written task list", "at the start of each shift", true, ""},
		{"one named supervisor", "for the first month", true, ""},
		{"feedback given in private in a fixed format", "", true, ""},
		{"two protected 10-minute breaks", "at peak times", true, ""},
		{"not placed on the busiest station", "", true, ""},
		{"a buddy at shift start", "", true, ""},
		{"flexible start between 09:00 and 10:00", "", true, ""},
		// Vague: refused, naming the phrase, with a measurable example.
		{"be supportive", "", false, `"be supportive"`},
		{"Be flexible!", "", false, `"be flexible"`},
		{"manager to be understanding about anxiety", "", false, `"be understanding"`},
		{"breaks as needed", "", false, `"as needed"`},
		{"start at 10:00 where possible", "", false, `"where possible"`},
		{"try to give a quiet desk", "", false, `"try to"`},
		{"check in regularly", "", false, `"regularly"`},
		{"extra support from the team", "", false, `"extra support"`},
		{"reasonable hours", "", false, `"reasonable"`},
		// Concrete-sounding but nothing to check.
		{"help with stress", "", false, `"help"`},
		{"be more flexible about rotas", "", false, `"be more flexible"`},
		{"flexible hours", "", false, `"flexible"`},
		{"a good atmosphere", "", false, "a supervisor could check"},
		{"breaks", "", false, "say a little more"},
		{"", "", false, "what will change"},
		{strings.Repeat("shift starts at 10:00 ", 20), "", false, "under 200"},
	}
	for _, tt := range tests {
		why := CheckMeasurable(c, tt.what, tt.when)
		if (why == "") != tt.ok {
			t.Errorf("%q / %q: refusal %q, want ok=%v", tt.what, tt.when, why, tt.ok)
			continue
		}
		if !tt.ok {
			if !strings.Contains(strings.ToLower(why), strings.ToLower(tt.mentions)) {
				t.Errorf("%q: refusal %q does not mention %q", tt.what, why, tt.mentions)
			}
			if tt.what != "" && len(tt.what) < 100 && !strings.Contains(why, measurableExample) && !strings.Contains(why, "under") {
				t.Errorf("%q: refusal %q gives no measurable example", tt.what, why)
			}
		}
	}
}

func TestParseLength(t *testing.T) {
	tests := []struct {
		in           string
		months, days int
		ok           bool
	}{
		{"six weeks", 0, 42, true},
		{"6 weeks", 0, 42, true},
		{"for 6 weeks", 0, 42, true},
		{"6w", 0, 42, true},
		{"42 days", 0, 42, true},
		{"a fortnight", 0, 14, true},
		{"fortnight", 0, 14, true},
		{"the first month", 1, 0, true},
		{"first four weeks", 0, 28, true},
		{"3 months", 3, 0, true},
		{"twenty one days", 0, 21, true},
		{"1 week", 0, 7, true},
		{"0 weeks", 0, 0, false},
		{"-3 weeks", 0, 0, false},
		{"forever", 0, 0, false},
		{"weeks", 0, 0, false},
		{"six", 0, 0, false},
		{"200 weeks", 0, 0, false},
		{"", 0, 0, false},
		{"6 weeks 2 days", 0, 0, false},
	}
	for _, tt := range tests {
		l, ok := ParseLength(tt.in)
		if ok != tt.ok || (ok && (l.Months != tt.months || l.Days != tt.days)) {
			t.Errorf("ParseLength(%q) = %+v, %v; want %d months %d days, %v", tt.in, l, ok, tt.months, tt.days, tt.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	today := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		in, want string
	}{
		{"2027-01-04", "2027-01-04"},
		{"4/1/2027", "2027-01-04"},
		{"04/01/27", "2027-01-04"},
		{"4 Jan 2027", "2027-01-04"},
		{"4 January 2027", "2027-01-04"},
		{"4 January", "2027-01-04"}, // said in November: next January
		{"30 Nov", "2026-11-30"},
		{"today", "2026-11-23"},
		{"Tomorrow", "2026-11-24"},
		{"next week", ""},
		{"31/02/2027", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in, today)
		if tt.want == "" {
			if ok {
				t.Errorf("ParseDate(%q) = %s, want no date", tt.in, got.Format(time.DateOnly))
			}
			continue
		}
		if !ok || got.Format(time.DateOnly) != tt.want {
			t.Errorf("ParseDate(%q) = %s, %v; want %s", tt.in, got.Format(time.DateOnly), ok, tt.want)
		}
	}
}

// FuzzAdjustmentInput runs what a worker may type through every adjustment
// parser: none may panic, and a length or date it accepts must be sane.
func FuzzAdjustmentInput(f *testing.F) {
	for _, s := range []string{"six weeks", "6w", "until 2027-01-04", "4/1/2027", "be supportive", "shift starts no earlier than 10:00",
		"twenty one days", "", "0", "9999999999 weeks", "٣ weeks", "🙂🙂", "31/02/2027", "4 January"} {
		f.Add(s)
	}
	c := Context{Now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), Loc: time.UTC, Catalog: DefaultCatalog(), Client: store.Client{ID: "alex"}}
	f.Fuzz(func(t *testing.T, s string) {
		if l, ok := ParseLength(s); ok && (l.IsZero() || l.Days < 0 || l.Months < 0 || l.Days+31*l.Months > MaxAdjustmentLength) {
			t.Fatalf("ParseLength(%q) = %+v", s, l)
		}
		if d, ok := ParseDate(s, c.Now); ok && (d.Year() < 1 || d.Year() > 9999) {
			t.Fatalf("ParseDate(%q) = %v", s, d)
		}
		_ = CheckMeasurable(c, s, s)
		a, why := NewAdjustment(c, "alex.adj1", "sam", AdjustmentDraft{What: "shift starts no earlier than 10:00", For: s, Review: s})
		if why == "" && (a.ReviewOn < "2026-11-23" || (a.Until != "" && a.Until < a.From)) {
			t.Fatalf("for/review %q accepted as %+v", s, a)
		}
	})
}

func TestNewAdjustment(t *testing.T) {
	c := testContext(t) // Sat 28 Nov 2026
	tests := []struct {
		name                  string
		d                     AdjustmentDraft
		from, until, reviewOn string
		refusal               string
	}{
		{"six weeks, reviewed at six weeks",
			AdjustmentDraft{What: "shift starts no earlier than 10:00", When: "every shift", From: "2026-11-30", For: "six weeks", Review: "6 weeks"},
			"2026-11-30", "2027-01-10", "2027-01-11", ""},
		{"review defaults to the day after the period",
			AdjustmentDraft{What: "written task list", When: "at the start of each shift", For: "the first month"},
			"2026-11-28", "2026-12-27", "2026-12-28", ""},
		{"until a date",
			AdjustmentDraft{What: "one named supervisor", For: "until 2027-01-31", Review: "2027-01-15"},
			"2026-11-28", "2027-01-31", "2027-01-15", ""},
		{"ongoing with a review",
			AdjustmentDraft{What: "quiet desk away from the counter", For: "ongoing", Review: "3 months"},
			"2026-11-28", "", "2027-02-28", ""},
		{"ongoing without a review", AdjustmentDraft{What: "quiet desk away from the counter", For: "ongoing"}, "", "", "", "needs a review date"},
		{"no length", AdjustmentDraft{What: "quiet desk away from the counter"}, "", "", "", "How long"},
		{"vague", AdjustmentDraft{What: "be flexible", For: "six weeks"}, "", "", "", `"be flexible"`},
		{"review in the past", AdjustmentDraft{What: "quiet desk", For: "six weeks", Review: "2026-11-01"}, "", "", "", "already passed"},
		{"review long after the end", AdjustmentDraft{What: "quiet desk", For: "six weeks", Review: "2027-06-01"}, "", "", "", "no later than"},
		{"ends before it starts", AdjustmentDraft{What: "quiet desk", From: "2026-12-10", For: "until 2026-12-01"}, "", "", "", "before the start"},
		{"unreadable start", AdjustmentDraft{What: "quiet desk", From: "soonish", For: "six weeks"}, "", "", "", `"soonish"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, why := NewAdjustment(c, "alex.adj1", "sam", tt.d)
			if tt.refusal != "" {
				if !strings.Contains(why, tt.refusal) {
					t.Fatalf("refusal %q, want it to mention %q", why, tt.refusal)
				}
				return
			}
			if why != "" {
				t.Fatalf("refused: %s", why)
			}
			if a.From != tt.from || a.Until != tt.until || a.ReviewOn != tt.reviewOn {
				t.Fatalf("from %s until %s review %s; want %s %s %s", a.From, a.Until, a.ReviewOn, tt.from, tt.until, tt.reviewOn)
			}
			if a.Status != store.AdjustmentProposed || len(a.History) != 1 || a.History[0].By != "sam" || a.History[0].Field != "created" {
				t.Fatalf("new adjustment = %+v", a)
			}
		})
	}
}

func TestChangeAndReviewAdjustmentKeepHistory(t *testing.T) {
	c := testContext(t) // Sat 28 Nov 2026
	a, why := NewAdjustment(c, "alex.adj1", "sam", AdjustmentDraft{What: "shift starts no earlier than 10:00", For: "six weeks", Review: "2 weeks"})
	if why != "" {
		t.Fatal(why)
	}
	if _, why := ChangeAdjustment(c, a, "sam", "status", store.AdjustmentInPlace, ""); !strings.Contains(why, "reason") {
		t.Fatalf("change without a reason: %q", why)
	}
	a, why = ChangeAdjustment(c, a, "sam", "status", store.AdjustmentInPlace, "agreed with the store manager")
	if why != "" || a.Status != store.AdjustmentInPlace {
		t.Fatalf("status change: %q %+v", why, a)
	}
	if _, why := ChangeAdjustment(c, a, "sam", "status", store.AdjustmentDeclined, "x"); !strings.Contains(why, "can't become") {
		t.Fatalf("in_place → declined: %q", why)
	}
	if _, why := ChangeAdjustment(c, a, "sam", "what", "be more flexible", "x"); !strings.Contains(why, `"be more flexible" can't be checked`) {
		t.Fatalf("vague change accepted: %q", why)
	}
	a, why = ChangeAdjustment(c, a, "sam", "what", "shift starts no earlier than 09:30", "stepping down, client sleeping better")
	if why != "" || a.What != "shift starts no earlier than 09:30" {
		t.Fatalf("what change: %q %+v", why, a)
	}

	// Two weeks on, the review: step down, next review in two weeks.
	c.Now = c.Now.AddDate(0, 0, 14)
	a, why = ReviewAdjustment(c, a, store.AdjustmentReview{By: "sam", Outcome: store.ReviewStepDown, Honoured: "Yes", Note: "going well", Next: "2 weeks"})
	if why != "" {
		t.Fatal(why)
	}
	if a.Status != store.AdjustmentSteppedDown || len(a.Reviews) != 1 || a.Reviews[0].Due != "2026-12-12" || a.ReviewOn != "2026-12-12" && a.Reviews[0].Next != a.ReviewOn {
		t.Fatalf("after review: %+v", a)
	}
	// "2 weeks" counts from the adjustment's start, which is now: pick a date instead.
	a, why = ReviewAdjustment(c, a, store.AdjustmentReview{By: "sam", Outcome: store.ReviewEnd})
	if why != "" || a.Status != store.AdjustmentEnded || a.Open() {
		t.Fatalf("end: %q %+v", why, a)
	}
	if _, why := ReviewAdjustment(c, a, store.AdjustmentReview{By: "sam", Outcome: store.ReviewContinue}); why == "" {
		t.Fatal("reviewed an ended adjustment")
	}
	fields := []string{}
	for _, h := range a.History {
		if h.Reason == "" || h.By == "" || h.At.IsZero() {
			t.Errorf("history entry without who/when/why: %+v", h)
		}
		fields = append(fields, h.Field)
	}
	want := "created status what status review_on status"
	if strings.Join(fields, " ") != want {
		t.Errorf("history fields = %v, want %s", fields, want)
	}
}

func TestEditPlanVersionsEachChange(t *testing.T) {
	c := testContext(t)
	c.Client.Plan.EarlyWarningSigns = []string{"racing thoughts", "skipping meals"}
	c.Client.Plan.WarningSignsThreshold = 2
	tests := []struct {
		field, value, reason string
		refusal              string
		check                func(store.Client) bool
	}{
		{PlanPauseScript, "Step outside for five minutes.", "agreed at review", "", func(cl store.Client) bool { return cl.Plan.PauseScript == "Step outside for five minutes." }},
		{PlanWarningSigns, "racing thoughts\n- skipping meals\n• not answering texts", "client added one", "", func(cl store.Client) bool {
			return len(cl.Plan.EarlyWarningSigns) == 3 && cl.Plan.EarlyWarningSigns[2] == "not answering texts"
		}},
		{PlanWarningSigns, "racing thoughts", "fewer signs", "", func(cl store.Client) bool { return cl.Plan.WarningSignsThreshold == 1 }},
		{PlanActionsPrefix + "debrief_stress", "call Sam; use the pause script", "new rule", "", func(cl store.Client) bool {
			return len(cl.Plan.Actions["debrief_stress"]) == 2 && len(cl.Plan.Actions[RuleTwoDisruptedNights]) == 1
		}},
		{PlanActionsPrefix + RuleTwoDisruptedNights, "", "no longer wanted", "", func(cl store.Client) bool { _, ok := cl.Plan.Actions[RuleTwoDisruptedNights]; return !ok }},
		{SleepMinAsleep, "6h30", "client's usual is longer", "", func(cl store.Client) bool { return cl.SleepThresholds.MinAsleepMinutes == 390 }},
		{SleepPoorQuality, "default", "back to default", "already says", nil},
		{SleepMaxLatency, "4 hours", "x", "from 5 to 180", nil},
		{PlanSignsThreshold, "3", "x", "at most 2", nil},
		{PlanPauseScript, "Breathe out slowly.", "x", "already says", nil},
		{"diagnosis", "anything", "x", "no plan field", nil},
		{PlanGrounding, "5-4-3-2-1", "", "reason", nil},
	}
	for _, tt := range tests {
		client, v, why := EditPlan(c, 3, "sam", tt.field, tt.value, tt.reason)
		if tt.refusal != "" {
			if !strings.Contains(why, tt.refusal) {
				t.Errorf("%s=%q: refusal %q, want it to mention %q", tt.field, tt.value, why, tt.refusal)
			}
			continue
		}
		if why != "" || !tt.check(client) {
			t.Errorf("%s=%q: %q, plan %+v", tt.field, tt.value, why, client.Plan)
			continue
		}
		if v.Version != 4 || v.By != "sam" || v.Reason != tt.reason || len(v.Changes) == 0 || !v.At.Equal(c.Now) {
			t.Errorf("%s: version = %+v", tt.field, v)
		}
		if c.Client.Plan.PauseScript != "Breathe out slowly." || len(c.Client.Plan.Actions[RuleTwoDisruptedNights]) != 1 {
			t.Fatalf("%s: EditPlan changed the caller's plan", tt.field)
		}
	}
}

func TestRecordJob(t *testing.T) {
	c := testContext(t)
	client, ev, why := RecordJob(c, "sam", store.JobStarted, "2026-11-30", "")
	if why != "" || client.JobStart != "2026-11-30" || ev.Date != "2026-11-30" || ev.By != "sam" {
		t.Fatalf("start: %q %+v %+v", why, client, ev)
	}
	c.Client = client
	client, ev, why = RecordJob(c, "sam", store.JobLeft, "", "contract ended")
	if why != "" || client.JobStart != "2026-11-30" || ev.Date != "2026-11-28" || ev.Status != store.JobLeft {
		t.Fatalf("left: %q %+v %+v", why, client, ev)
	}
	if _, _, why := RecordJob(c, "sam", "fired", "", ""); why == "" {
		t.Error("unknown status accepted")
	}
	if _, _, why := RecordJob(c, "sam", store.JobStarted, "2027-06-01", ""); why == "" {
		t.Error("a start six months ahead accepted")
	}
}
