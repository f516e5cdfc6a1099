package flows

import (
	"testing"
	"time"

	"steady/store"
)

func TestParseHours(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, london)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		hours string
		at    string // 2026-11-23 is a Monday
		in    bool
		next  string
	}{
		{"mon-fri 09:00-17:00", "2026-11-23 10:00", true, "2026-11-23 10:00"},
		{"mon-fri 09:00-17:00", "2026-11-23 17:00", false, "2026-11-24 09:00"},
		{"mon-fri 09:00-17:00", "2026-11-28 23:10", false, "2026-11-30 09:00"}, // Saturday night → Monday
		{"Mon-Thu 08:30-16:30, fri 08:30-13:00", "2026-11-27 13:30", false, "2026-11-30 08:30"},
		{"mon,wed 09:00-12:00", "2026-11-24 10:00", false, "2026-11-25 09:00"},
		{"sat 22:00-06:00", "2026-11-29 05:59", true, "2026-11-29 05:59"}, // past midnight into Sunday
		{"sat 22:00-06:00", "2026-11-29 06:00", false, "2026-12-05 22:00"},
		{"always", "2026-11-29 03:00", true, "2026-11-29 03:00"},
		{"fri-mon 10:00-11:00", "2026-11-24 10:30", false, "2026-11-27 10:00"}, // a range that wraps the week
		{"daily 07:00-19:00", "2026-11-29 06:00", false, "2026-11-29 07:00"},
		// Clocks go forward at 01:00 on 29 Mar 2026: a 01:30 start does not exist and moves past the gap.
		{"sun 01:30-03:00", "2026-03-29 00:30", false, "2026-03-29 02:30"},
	}
	for _, tt := range tests {
		h, err := ParseHours(tt.hours)
		if err != nil {
			t.Errorf("%q: %v", tt.hours, err)
			continue
		}
		now := at(tt.at)
		if got := h.In(now, london); got != tt.in {
			t.Errorf("%q at %s: in=%v, want %v", tt.hours, tt.at, got, tt.in)
		}
		next, ok := h.NextStart(now, london)
		if !ok || !next.Equal(at(tt.next)) {
			t.Errorf("%q at %s: next start %s, want %s", tt.hours, tt.at, next.In(london).Format("2006-01-02 15:04"), tt.next)
		}
	}
}

func TestParseHoursRefusesNonsense(t *testing.T) {
	for _, s := range []string{"", "9-5", "mon-fri", "mon-fri 9am-5pm", "funday 09:00-17:00", "mon 09:00-09:00", "mon 25:00-26:00", "mon 09:00-17:00 extra"} {
		if _, err := ParseHours(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"mon-fri 09:00-17:00", "mon-thu 08:30-16:30, fri 08:30-13:00", "sat 22:00-06:00", "always", "", ";;", ",,,", "mon-mon 00:00-24:00", "m 1:1-2:2"} {
		f.Add(s)
	}
	london, _ := time.LoadLocation("Europe/London")
	base := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHours(s)
		if err != nil {
			return
		}
		for _, d := range []time.Duration{0, 7 * time.Hour, 61 * time.Hour} {
			now := base.Add(d)
			next, ok := h.NextStart(now, london)
			if !ok {
				if !h.IsZero() {
					t.Fatalf("%q: hours set but no next start", s)
				}
				continue
			}
			if next.Before(now) || !h.In(next, london) {
				t.Fatalf("%q: next start %v is before %v or outside the hours", s, next, now)
			}
		}
	})
}

// A worker's hours that do not parse must never delay an escalation: they
// fall back to the service's hours, and with none set, to always at work.
func TestUnreadableHoursNeverDelay(t *testing.T) {
	c := testContext(t)
	c.Now = time.Date(2026, 11, 28, 23, 10, 0, 0, time.UTC) // Saturday night
	h, loc := HoursOf(c, store.Worker{Hours: "weekdays nine to five"})
	if !h.In(c.Now, loc) {
		t.Errorf("unreadable hours with no service default delayed the worker: %s", h)
	}
}
