package scheduler

import (
	"testing"
	"time"
)

func TestResolveAcrossDST(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	newYork, _ := time.LoadLocation("America/New_York")
	wall := func(s string) time.Time { t, _ := time.Parse("2006-01-02 15:04", s); return t }
	tests := []struct {
		name string
		loc  *time.Location
		wall string
		want string // RFC3339 instant
	}{
		{"london ordinary", london, "2026-11-23 07:30", "2026-11-23T07:30:00Z"},
		{"london spring gap → first instant after", london, "2026-03-29 01:30", "2026-03-29T01:00:00Z"},
		{"london autumn repeat → first of the two", london, "2026-10-25 01:30", "2026-10-25T00:30:00Z"},
		{"new york spring gap", newYork, "2026-03-08 02:30", "2026-03-08T07:00:00Z"},
		{"new york autumn repeat", newYork, "2026-11-01 01:30", "2026-11-01T05:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Resolve(wall(tt.wall), tt.loc).UTC().Format(time.RFC3339)
			if got != tt.want {
				t.Errorf("Resolve(%s) = %s, want %s", tt.wall, got, tt.want)
			}
		})
	}
}
