package store

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseShifts(t *testing.T) {
	good := []struct{ in, want string }{
		{"mon 09:00-17:00", "mon 09:00-17:00"},
		{"Friday 22:00 - 06:00", "fri 22:00-06:00"},
		{"sat 9:00-1730", "sat 09:00-17:30"},
	}
	for _, g := range good {
		w, err := ParseWeeklyShift(g.in)
		if err != nil || w.String() != g.want {
			t.Errorf("ParseWeeklyShift(%q) = %q, %v; want %q", g.in, w, err, g.want)
		}
	}
	for _, bad := range []string{"", "mon", "xyz 09:00-17:00", "mon 09:00", "mon 09:00-09:00", "mon 25:00-26:00", "mo 09:00-17:00"} {
		if _, err := ParseWeeklyShift(bad); err == nil {
			t.Errorf("ParseWeeklyShift(%q) accepted", bad)
		}
	}
	for _, g := range []struct{ in, want string }{
		{"2026-11-28 10:00-16:00", "2026-11-28 10:00-16:00"},
		{"2026-11-28 22:00-06:00", "2026-11-28 22:00-06:00"},
		{"2026-12-04 9:00 off", "2026-12-04 09:00 off"},
	} {
		s, err := ParseShift(g.in)
		if err != nil || s.String() != g.want {
			t.Errorf("ParseShift(%q) = %q, %v; want %q", g.in, s, err, g.want)
		}
	}
	for _, bad := range []string{"", "2026-11-28", "28/11/2026 10:00-16:00", "2026-11-28 10:00", "2026-02-30 10:00-16:00", "2026-11-28 off"} {
		if _, err := ParseShift(bad); err == nil {
			t.Errorf("ParseShift(%q) accepted", bad)
		}
	}
}

func civil(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestRotaInstances(t *testing.T) {
	r := Rota{
		Weekly: []WeeklyShift{{Day: "mon", Start: "09:00", End: "17:00"}, {Day: "wed", Start: "22:00", End: "06:00"}},
		Shifts: []Shift{
			{Date: "2026-11-30", Start: "09:00", End: "13:00"}, // changes Monday's
			{Date: "2026-12-02", Start: "22:00", Off: true},    // Wednesday night off
			{Date: "2026-12-05", Start: "10:00", End: "16:00"}, // a one-off Saturday
		},
	}
	var got []string
	for _, s := range r.Between("2026-11-23", "2026-12-06") {
		got = append(got, s.ID+" to "+s.End.Format("2006-01-02T15:04"))
	}
	want := []string{
		"2026-11-23T09:00 to 2026-11-23T17:00",
		"2026-11-25T22:00 to 2026-11-26T06:00",
		"2026-11-30T09:00 to 2026-11-30T13:00",
		"2026-12-05T10:00 to 2026-12-05T16:00",
	}
	if !slices.Equal(got, want) {
		t.Errorf("shifts\n got %v\nwant %v", got, want)
	}
	var first []string
	for _, s := range r.First("2026-11-24", 3) {
		first = append(first, s.ID)
	}
	if !slices.Equal(first, []string{"2026-11-25T22:00", "2026-11-30T09:00", "2026-12-05T10:00"}) {
		t.Errorf("first three from Tue 24 Nov: %v", first)
	}
	if s, ok := r.Find("2026-11-30T09:00"); !ok || s.Weekly || s.End != civil("2026-11-30 13:00") {
		t.Errorf("Find(changed Monday) = %+v, %v", s, ok)
	}
	if _, ok := r.Find("2026-12-02T22:00"); ok {
		t.Error("found a shift marked off")
	}
	if (Rota{}).First("2026-11-24", 3) != nil {
		t.Error("an empty rota has first shifts")
	}
}

func TestQuietHours(t *testing.T) {
	q := QuietHours{Start: "21:30", End: "07:00"}
	for _, tt := range []struct {
		at, end string
		in      bool
	}{
		{"2026-11-23 21:29", "", false},
		{"2026-11-23 21:30", "2026-11-24 07:00", true},
		{"2026-11-24 03:00", "2026-11-24 07:00", true},
		{"2026-11-24 06:59", "2026-11-24 07:00", true},
		{"2026-11-24 07:00", "", false},
		{"2026-11-24 12:00", "", false},
	} {
		end, in := q.EndOf(civil(tt.at))
		if in != tt.in || (in && !end.Equal(civil(tt.end))) {
			t.Errorf("EndOf(%s) = %v, %v; want %s, %v", tt.at, end, in, tt.end, tt.in)
		}
	}
	day := QuietHours{Start: "13:00", End: "14:00"}
	if _, in := day.EndOf(civil("2026-11-24 13:30")); !in {
		t.Error("daytime quiet hours not honoured")
	}
	if _, in := (QuietHours{}).EndOf(civil("2026-11-24 03:00")); in {
		t.Error("no quiet hours, yet quiet")
	}
}

// Workers and clients type shifts and spans; anything they type is an error
// or a well-formed shift, never a panic.
func FuzzParseShift(f *testing.F) {
	for _, s := range []string{"2026-11-28 10:00-16:00", "2026-11-28 22:00-06:00", "2026-12-04 09:00 off", "mon 09:00-17:00",
		"sat 9:00-1730", "2026-11-28 25:00-16:00", "-", " off", "2026-11-28 :-:", "fri 22:00 - 06:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if sh, err := ParseShift(s); err == nil {
			if again, err := ParseShift(sh.String()); err != nil || again != sh {
				t.Fatalf("ParseShift(%q) = %q does not read back", s, sh)
			}
			if sh.Off {
				return
			}
			if (Rota{Shifts: []Shift{sh}}).Validate() != nil {
				t.Fatalf("ParseShift(%q) = %+v is not a valid rota", s, sh)
			}
		}
		if w, err := ParseWeeklyShift(s); err == nil {
			if (Rota{Weekly: []WeeklyShift{w}}).Validate() != nil || !strings.Contains(w.String(), "-") {
				t.Fatalf("ParseWeeklyShift(%q) = %+v is not valid", s, w)
			}
		}
		if start, end, err := ParseSpan(s); err == nil {
			q := QuietHours{Start: start, End: end}
			if _, in := q.EndOf(civil("2026-11-24 00:00")); q.Set() && in && start < end && start != "00:00" {
				t.Fatalf("span %q: midnight inside a daytime span", s)
			}
		}
	})
}
