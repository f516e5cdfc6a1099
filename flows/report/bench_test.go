package report

import (
	"fmt"
	"testing"
	"time"

	"steady/flows"
	"steady/store"
)

// syntheticCaseload is n clients with half a year each: weekly check-ins,
// three debriefs a week, two adjustments with reviews and a few incidents.
func syntheticCaseload(n int) []ClientRecords {
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	out := make([]ClientRecords, n)
	for i := range out {
		js := start.AddDate(0, 0, i%90)
		cr := ClientRecords{Client: store.Client{ID: fmt.Sprintf("c%05d", i), TimeZone: "Europe/London", WorkerID: fmt.Sprintf("w%d", i%40),
			JobStart: js.Format(time.DateOnly)}, WorkerName: "W"}
		for w := 0; w < 26; w++ {
			d := js.AddDate(0, 0, 7*w)
			cr.CheckIns = append(cr.CheckIns, store.CheckIn{Date: d.Format(time.DateOnly), StillInJob: store.Yes})
			for s := 1; s <= 3; s++ {
				cr.Debriefs = append(cr.Debriefs, store.Debrief{Date: d.AddDate(0, 0, s).Format(time.DateOnly), FirstShift: min(3*w+s, 4) % 4})
			}
		}
		for a := 0; a < 2; a++ {
			cr.Adjustments = append(cr.Adjustments, store.Adjustment{ID: fmt.Sprintf("a%d", a), Status: store.AdjustmentInPlace,
				ReviewOn: js.AddDate(0, 0, 84).Format(time.DateOnly), Reviews: []store.AdjustmentReview{{Due: js.AddDate(0, 0, 42).Format(time.DateOnly), At: js.AddDate(0, 0, 44)}}})
		}
		for k := 0; k < 3; k++ {
			at := js.AddDate(0, 0, 10*k)
			cr.Incidents = append(cr.Incidents, store.Incident{Rule: "two_disrupted_nights", OpenedAt: at, AckAt: at.Add(time.Duration(k+1) * 20 * time.Minute)})
		}
		out[i] = cr
	}
	return out
}

// BenchmarkReports runs the four figure reports over a 2,000-client service
// (the computation only; loading from Redis is the bot's and dominates).
func BenchmarkReports(b *testing.B) {
	cat := flows.DefaultCatalog()
	records := syntheticCaseload(2000)
	o := Options{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
		AsOf: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		r1, _ := Sustainment(cat, records, o)
		r2, _ := Contact(cat, records, o)
		r3, _ := Adjustments(cat, records, o)
		r4, _ := Incidents(cat, records, o)
		if len(r1.Rows) < 1800 || len(r2.Rows) != len(r1.Rows) || len(r3.Rows) == 0 || len(r4.Rows) != 1 {
			b.Fatalf("rows %d %d %d %d", len(r1.Rows), len(r2.Rows), len(r3.Rows), len(r4.Rows))
		}
	}
}
