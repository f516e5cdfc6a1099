package report

import (
	"strings"
	"testing"
	"time"

	"steady/flows"
	"steady/store"
)

func TestSummaryFigures(t *testing.T) {
	ch := sampleChart() // 13 nights logged of 14; 300, 250, 165, 165 are under 6 h
	d := SummaryData{
		Client: store.Client{ID: "alex", DisplayName: "Alex", TimeZone: "Europe/London", WorkerID: "sam", Status: store.StatusActive,
			JobStart: "2026-11-23", Consents: store.Consents{WorkerSeesAnswers: true, Peer: store.PeerAnonymous, Supervisor: store.SupervisorFunctional,
				History: []store.ConsentChange{{At: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}}}},
		WorkerName: "Sam", Today: ch.Last, Nights: ch.Nights,
		Debriefs: append(ch.Debriefs,
			store.Debrief{Date: "2026-11-24", Conflict: store.Yes},
			store.Debrief{Date: "2026-11-25", Outcome: store.ShiftAbsent},
			store.Debrief{Date: "2026-12-01", Conflict: store.Yes, Outcome: store.ShiftLeftEarly}),
		CheckIns: []store.CheckIn{
			{Date: "2026-11-09", Coping: 4}, {Date: "2026-11-16", Coping: 4}, {Date: "2026-11-23", Coping: 3},
			{Date: "2026-11-30", Coping: 2, StillInJob: store.Yes, NoteForWorker: "rota changed"}, {Date: "2026-12-06", Rights: []string{store.RightsBreaks}},
		},
		Incidents: []store.Incident{
			{Rule: "two_disrupted_nights", State: store.IncidentAcknowledged, AckBy: "sam", OpenedAt: time.Date(2026, 11, 29, 8, 5, 0, 0, time.UTC)},
			{Rule: "debrief_stress", State: store.IncidentResolved},
		},
		Adjustments: []store.Adjustment{
			{ID: "alex.adj1", What: "shift starts no earlier than 10:00", When: "every shift", From: "2026-11-23", Until: "2027-01-03", ReviewOn: "2027-01-04", Status: store.AdjustmentInPlace},
			{ID: "alex.adj2", What: "a buddy at shift start", From: "2026-11-23", Until: "2026-11-30", Status: store.AdjustmentEnded},
		},
	}
	got := Summary(flows.DefaultCatalog(), d)
	for _, want := range []string{
		"**Alex** · worker Sam · active · job started 23 Nov 2026 (week 2)",
		// 13 logged; sorted asleep minutes, the 7th of 13 (index 6) is 420 = 7h 00m.
		"Sleep, last 14 nights: 13 logged, 4 disrupted, median 7h 00m asleep.",
		// Stress 4, 5, 7, 9, 8, 6, 3 plus three debriefs without stress: 10 debriefs, two at 8+.
		"Debriefs, last 14 days: 10, 2 with stress 8+ (highest 9/10).",
		// Week 1 (23–29 Nov): sample stress debriefs on 24, 25, 28, 29 plus conflict 24, absent 25 → 6 shifts, 1 conflict, 1 absence.
		"First month at work (shifts/conflicts/absences): wk1 6/1/1; wk2 4/1/0.",
		"- Sun 6 Dec: coping not answered, rights concerns: breaks",
		`- Mon 30 Nov: coping 2/5, still in the job: yes, note: "rota changed"`,
		"- two disrupted nights in a row, opened Sun 29 Nov 08:05, acknowledged by sam",
		"- alex.adj1: shift starts no earlier than 10:00, every shift (2026-11-23 to 2027-01-03) · in place · review Mon 4 Jan",
		"Consents: worker sees answers yes; peer group anonymous; supervisor liaison functional needs only (no diagnosis) (last changed 20 Nov 2026).",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q\n%s", want, got)
		}
	}
	for _, never := range []string{"Mon 9 Nov", "debrief_stress", "alex.adj2"} {
		if strings.Contains(got, never) {
			t.Errorf("summary shows %q (old check-in, closed incident or ended adjustment):\n%s", never, got)
		}
	}
	// Consent for the worker to see answers withdrawn: no answer reaches the worker.
	d.Client.Consents.WorkerSeesAnswers = false
	hidden := Summary(flows.DefaultCatalog(), d)
	if !strings.Contains(hidden, "Alex has not consented to you seeing their answers") {
		t.Errorf("worker's summary without consent:\n%s", hidden)
	}
	for _, never := range []string{"Sleep, last", "Debriefs,", "rota changed", "coping", "First month"} {
		if strings.Contains(hidden, never) {
			t.Errorf("worker's summary without consent shows %q:\n%s", never, hidden)
		}
	}
	// The client always sees their own.
	d.ForClient = true
	got = Summary(flows.DefaultCatalog(), d)
	if !strings.HasPrefix(got, "**Your records, Alex** · your worker is Sam") || !strings.Contains(got, "rota changed") {
		t.Errorf("client's own summary:\n%s", got)
	}
}
