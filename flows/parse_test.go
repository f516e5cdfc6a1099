package flows

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseClock(t *testing.T) {
	tests := []struct {
		in     string
		prefer Meridiem
		h, m   int
		ok     bool
	}{
		{"11pm", Evening, 23, 0, true},
		{"11 PM", Evening, 23, 0, true},
		{"11:30pm", Evening, 23, 30, true},
		{"11.30 p.m.", Evening, 23, 30, true},
		{"23:30", Evening, 23, 30, true},
		{"2330", Evening, 23, 30, true},
		{"half 11", Evening, 23, 30, true},
		{"half eleven", Evening, 23, 30, true},
		{"half past ten", Evening, 22, 30, true},
		{"quarter to twelve", Evening, 23, 45, true},
		{"a quarter past 11", Evening, 23, 15, true},
		{"quarter to 1", Evening, 0, 45, true},
		{"10 to 12", Evening, 23, 50, true},
		{"20 past 11", Evening, 23, 20, true},
		{"midnight", Evening, 0, 0, true},
		{"12", Evening, 0, 0, true},
		{"1am", Evening, 1, 0, true},
		{"1", Evening, 1, 0, true},
		{"about 11ish", Evening, 23, 0, true},
		{"went to bed at 11", Evening, 23, 0, true},
		{"eleven thirty", Evening, 23, 30, true},
		{"7", Morning, 7, 0, true},
		{"7", Evening, 19, 0, true},
		{"07:00", Evening, 7, 0, true},
		{"0730", Morning, 7, 30, true},
		{"seven", Morning, 7, 0, true},
		{"6:45", Morning, 6, 45, true},
		{"seven oh five", Morning, 7, 5, true},
		{"12", Morning, 12, 0, true},
		{"noon", Morning, 12, 0, true},
		{"12am", Morning, 0, 0, true},
		{"12pm", Evening, 12, 0, true},
		{"24:00", Evening, 0, 0, true},
		{"25:99", Evening, 0, 0, false},
		{"23:60", Evening, 0, 0, false},
		{"13pm", Evening, 0, 0, false},
		{"yesterday-ish", Evening, 0, 0, false},
		{"", Evening, 0, 0, false},
		{"😴", Evening, 0, 0, false},
		{"7 5", Morning, 0, 0, false},
		{"11:3", Evening, 0, 0, false},
		{"late", Evening, 0, 0, false},
		{strings.Repeat("11 ", 2000), Evening, 0, 0, false},
	}
	for _, tt := range tests {
		h, m, ok := ParseClock(tt.in, tt.prefer)
		if ok != tt.ok || ok && (h != tt.h || m != tt.m) {
			t.Errorf("ParseClock(%.30q, %v) = %d:%02d %v, want %d:%02d %v", tt.in, tt.prefer, h, m, ok, tt.h, tt.m, tt.ok)
		}
	}
}

func TestParseMinutes(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"20", 20, true},
		{"20 mins", 20, true},
		{"20min", 20, true},
		{"about 45 minutes", 45, true},
		{"half an hour", 30, true},
		{"an hour", 60, true},
		{"1 hour", 60, true},
		{"1h30", 90, true},
		{"1h 30", 90, true},
		{"1 hour 15 mins", 75, true},
		{"1.5 hours", 90, true},
		{"an hour and a half", 90, true},
		{"two and a half hours", 150, true},
		{"twenty five", 25, true},
		{"quarter of an hour", 15, true},
		{"0", 0, true},
		{"none", 0, true},
		{"ages", 0, false},
		{"", 0, false},
		{"25 hours", 0, false},
		{"-5", 0, false},
		{"20 m 5", 0, false},
		{"h", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseMinutes(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("ParseMinutes(%q) = %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 0, true}, {"none", 0, true}, {"never", 0, true}, {"not at all", 0, true},
		{"once", 1, true}, {"twice", 2, true}, {"3 times", 3, true}, {"three", 3, true},
		{"3x", 3, true}, {"loads", 0, false}, {"99", 0, false}, {"", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseCount(tt.in, 20)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("ParseCount(%q) = %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseScale(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"4", 4, true}, {"4/5", 4, true}, {"four", 4, true}, {"4 out of 5", 4, true},
		{"1", 1, true}, {"5", 5, true}, {"0", 0, false}, {"6", 0, false}, {"4/10", 0, false},
		{"good", 0, false}, {"", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseScale(tt.in, 1, 5)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("ParseScale(%q) = %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// The fuzz targets check what must hold for any input: no panic, and any
// value returned is in range.
func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"11pm", "23:30", "half 11", "7", "quarter to twelve", "25:99", "😴", "12am", "seven oh five"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range []Meridiem{Evening, Morning} {
			h, m, ok := ParseClock(s, p)
			if ok && (h < 0 || h > 23 || m < 0 || m > 59) {
				t.Fatalf("ParseClock(%q) = %d:%d out of range", s, h, m)
			}
		}
	})
}

func FuzzParseMinutes(f *testing.F) {
	for _, s := range []string{"20", "half an hour", "1h30", "1.5 hours", "ages", "an hour and a half"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := ParseMinutes(s); ok && (v < 0 || v > 24*60) {
			t.Fatalf("ParseMinutes(%q) = %d out of range", s, v)
		}
	})
}

func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"0", "twice", "3 times", "loads"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := ParseCount(s, 20); ok && (v < 0 || v > 20) {
			t.Fatalf("ParseCount(%q) = %d out of range", s, v)
		}
	})
}

func FuzzParseScale(f *testing.F) {
	for _, s := range []string{"4", "4/5", "four", "4 out of 5", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := ParseScale(s, 1, 5); ok && (v < 1 || v > 5) {
			t.Fatalf("ParseScale(%q) = %d out of range", s, v)
		}
		if !utf8.ValidString(s) {
			return
		}
	})
}
