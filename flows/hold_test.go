package flows

import (
	"testing"
	"time"

	"steady/store"
)

func TestCrisisHoldUntilAcknowledged(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 23, 10, 0, 0, time.UTC)
	crisis := store.Incident{ID: "c", Rule: RuleCrisis, Urgent: true, State: store.IncidentWorkerNotified, OpenedAt: t0,
		Evidence: []store.Evidence{{At: t0, Key: "crisis:1"}}}
	acked := crisis
	acked.State, acked.AckAt = store.IncidentAcknowledged, t0.Add(20*time.Minute)
	again := acked // another crisis message after the acknowledgement
	again.Evidence = append(append([]store.Evidence(nil), acked.Evidence...), store.Evidence{At: t0.Add(time.Hour), Key: "crisis:2"})
	resolved := crisis
	resolved.State = store.IncidentResolved
	nights := store.Incident{ID: "n", Rule: RuleTwoDisruptedNights, State: store.IncidentWorkerNotified, OpenedAt: t0}
	tests := []struct {
		name      string
		incidents []store.Incident
		now       time.Time
		hold      time.Duration
		held      bool
		until     time.Time
	}{
		{"no incident", nil, t0.Add(time.Hour), 0, false, time.Time{}},
		{"a non-urgent one", []store.Incident{nights}, t0.Add(time.Hour), 0, false, time.Time{}},
		{"not yet acknowledged", []store.Incident{crisis}, t0.Add(8 * time.Hour), 0, true, t0.Add(DefaultCrisisHold)},
		{"acknowledged", []store.Incident{acked}, t0.Add(8 * time.Hour), 0, false, time.Time{}},
		{"a crisis after the acknowledgement", []store.Incident{again}, t0.Add(8 * time.Hour), 0, true, t0.Add(time.Hour + DefaultCrisisHold)},
		{"resolved", []store.Incident{resolved}, t0.Add(time.Hour), 0, false, time.Time{}},
		{"the service's hold has passed", []store.Incident{crisis}, t0.Add(7 * time.Hour), 6 * time.Hour, false, time.Time{}},
	}
	for _, tt := range tests {
		until, held := CrisisHold(tt.incidents, tt.now, tt.hold)
		if held != tt.held || !until.Equal(tt.until) {
			t.Errorf("%s: held %v until %v, want %v until %v", tt.name, held, until, tt.held, tt.until)
		}
	}
}
