package flows

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestReadScale(t *testing.T) {
	tests := []struct {
		in     string
		lo, hi int
		want   int
		r      Reading
	}{
		{"7", 0, 10, 7, Read},
		{"0", 0, 10, 0, Read},
		{"ten", 0, 10, 10, Read},
		{"seven", 0, 10, 7, Read},
		{"a 7", 0, 10, 7, Read},
		{"7/10", 0, 10, 7, Read},
		{"8 out of 10", 0, 10, 8, Read},
		{"about 6ish", 0, 10, 6, Read},
		{"7️⃣", 0, 10, 7, Read},
		{"🔟", 0, 10, 10, Read},
		{"Zero", 0, 10, 0, Read},
		{"none", 0, 10, 0, Read},
		{"11", 0, 10, 11, OutOfRange},
		{"eleven", 0, 10, 11, OutOfRange},
		{"-3", 0, 10, 0, OutOfRange},
		{"100", 0, 10, 100, OutOfRange},
		{"4/5", 0, 10, 0, Unreadable},
		{"4 out of 5", 0, 10, 0, Unreadable},
		{"7-8", 0, 10, 0, Unreadable},
		{"7 or 8", 0, 10, 0, Unreadable},
		{"7.5", 0, 10, 0, Unreadable},
		{"stressed", 0, 10, 0, Unreadable},
		{"no", 0, 10, 0, Unreadable},
		{"twice", 0, 10, 0, Unreadable},
		{"", 0, 10, 0, Unreadable},
		{"😩", 0, 10, 0, Unreadable},
		{"3", 1, 5, 3, Read},
		{"4/5", 1, 5, 4, Read},
		{"five", 1, 5, 5, Read},
		{"0", 1, 5, 0, OutOfRange},
		{"6", 1, 5, 6, OutOfRange},
		{"7/10", 1, 5, 0, Unreadable},
		{strings.Repeat("5 ", 3000), 1, 5, 0, Unreadable},
	}
	for _, tt := range tests {
		got, r := ReadScale(tt.in, tt.lo, tt.hi)
		if r != tt.r || r != Unreadable && got != tt.want {
			t.Errorf("ReadScale(%.20q, %d, %d) = %d, %v; want %d, %v", tt.in, tt.lo, tt.hi, got, r, tt.want, tt.r)
		}
	}
}

func TestReadNumberInWords(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"one", 1, true}, {"Two", 2, true}, {"three", 3, true}, {"nine", 9, true}, {"twelve", 12, true},
		{"twenty five", 25, true}, {"twenty-five", 25, true}, {"forty", 40, true}, {"nought", 0, true},
		{"12", 12, true}, {"007", 7, true}, {"its a 4", 4, true},
		{"twenty twenty", 0, false}, {"one two", 0, false}, {"lots", 0, false}, {"12345", 0, false},
	}
	for _, tt := range tests {
		got, ok := ReadNumber(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("ReadNumber(%q) = %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseYesNo(t *testing.T) {
	tests := []struct {
		in      string
		yes, ok bool
	}{
		{"yes", true, true}, {"Yes!", true, true}, {"y", true, true}, {"yeah", true, true}, {"yep", true, true},
		{"yup", true, true}, {"aye", true, true}, {"sure", true, true}, {"ok", true, true}, {"OK then", false, false},
		{"yes please", true, true}, {"of course", true, true}, {"i agree", true, true}, {"yeah definitely", true, true},
		{"👍", true, true}, {"✅", true, true}, {"yes 👍", true, true}, {"👌", true, true},
		{"no", false, true}, {"No.", false, true}, {"n", false, true}, {"nope", false, true}, {"nah", false, true},
		{"not really", false, true}, {"no thanks", false, true}, {"no thank you", false, true}, {"never", false, true},
		{"i don't agree", false, true}, {"I do not agree", false, true}, {"don't think so", false, true},
		{"👎", false, true}, {"❌", false, true}, {"nah ❌", false, true},
		{"yeah no", false, false}, {"yes and no", false, false}, {"not sure", false, false}, {"maybe", false, false},
		{"dunno", false, false}, {"", false, false}, {"🤷", false, false}, {"yes but the rota is awful", false, false},
		{"👍👎", false, false}, {strings.Repeat("yes ", 2000), false, false},
	}
	for _, tt := range tests {
		yes, ok := ParseYesNo(tt.in)
		if ok != tt.ok || ok && yes != tt.yes {
			t.Errorf("ParseYesNo(%.20q) = %v %v, want %v %v", tt.in, yes, ok, tt.yes, tt.ok)
		}
	}
}

var testChoices = []Choice{{"Harder", "harder"}, {"About the same", "same"}, {"Easier", "easier"}}

func TestParseChoice(t *testing.T) {
	scale := []Choice{{"0", "0"}, {"1", "1"}, {"2", "2"}}
	tests := []struct {
		in      string
		choices []Choice
		want    string
		ok      bool
	}{
		{"harder", testChoices, "harder", true},
		{"About the same", testChoices, "same", true},
		{"about the same!", testChoices, "same", true},
		{"same", testChoices, "same", true},
		{"2", testChoices, "same", true},
		{"two", testChoices, "same", true},
		{"3️⃣", testChoices, "easier", true},
		{"eas", testChoices, "easier", true},
		{"4", testChoices, "", false},
		{"worse", testChoices, "", false},
		{"", testChoices, "", false},
		{"2", scale, "2", true}, // on a scale "2" is the label 2, not the second choice
		{"3", scale, "", false},
		{"x", nil, "", false},
	}
	for _, tt := range tests {
		got, ok := ParseChoice(tt.in, tt.choices)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseChoice(%q) = %q %v, want %q %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	ambiguous := []Choice{{"Some support", "some"}, {"Some of the time", "sometimes"}}
	if got, ok := ParseChoice("some", ambiguous); !ok || got != "some" {
		t.Errorf("exact label should win over a shared prefix: %q %v", got, ok)
	}
	if _, ok := ParseChoice("som", ambiguous); ok {
		t.Error("a prefix two labels share picked one of them")
	}
}

func TestParseMulti(t *testing.T) {
	signs := []Choice{{"Racing thoughts", "racing thoughts"}, {"Skipping meals", "skipping meals"}, {"Snapping at colleagues", "snapping at colleagues"}}
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{"1 3", []string{"racing thoughts", "snapping at colleagues"}, true},
		{"3, 1", []string{"racing thoughts", "snapping at colleagues"}, true},
		{"2 and 3", []string{"skipping meals", "snapping at colleagues"}, true},
		{"racing thoughts and skipping meals", []string{"racing thoughts", "skipping meals"}, true},
		{"Skipping meals", []string{"skipping meals"}, true},
		{"1,1", []string{"racing thoughts"}, true},
		{"none", []string{}, true},
		{"no", []string{}, true},
		{"None of them", []string{}, true},
		{"all", []string{"racing thoughts", "skipping meals", "snapping at colleagues"}, true},
		{"1 and crying", nil, false},
		{"4", nil, false},
		{"", nil, false},
	}
	for _, tt := range tests {
		got, ok := ParseMulti(tt.in, signs)
		if ok != tt.ok || ok && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseMulti(%q) = %q %v, want %q %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseFutureDay(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/London")
	today := time.Date(2026, 11, 25, 14, 0, 0, 0, loc) // a Wednesday
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"friday", "2026-11-27", true},
		{"Fri", "2026-11-27", true},
		{"until friday", "2026-11-27", true},
		{"next wednesday", "2026-12-02", true},
		{"wednesday", "2026-12-02", true},
		{"tomorrow", "2026-11-26", true},
		{"next week", "2026-11-30", true},
		{"a week", "2026-12-02", true},
		{"for a week", "2026-12-02", true},
		{"in 2 weeks", "2026-12-09", true},
		{"three days", "2026-11-28", true},
		{"a fortnight", "2026-12-09", true},
		{"1 dec", "2026-12-01", true},
		{"1st of December", "2026-12-01", true},
		{"December 1st", "2026-12-01", true},
		{"01/12", "2026-12-01", true},
		{"1/12/2026", "2026-12-01", true},
		{"2026-12-01", "2026-12-01", true},
		{"3 jan", "2027-01-03", true}, // the next 3 January to come
		{"the 5th", "2026-12-05", true},
		{"the 28th", "2026-11-28", true},
		{"next month", "2026-12-01", true},
		{"today", "", false},
		{"25 nov", "2027-11-25", true}, // today's date is the next one to come
		{"31 feb", "", false},
		{"13/13", "", false},
		{"2025-01-01", "", false}, // in the past
		{"2030-01-01", "", false}, // too far ahead
		{"soon", "", false},
		{"", "", false},
		{"whenever", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseFutureDay(tt.in, today)
		if ok != tt.ok || ok && got.Format(time.DateOnly) != tt.want {
			t.Errorf("ParseFutureDay(%q) = %s %v, want %s %v", tt.in, got.Format(time.DateOnly), ok, tt.want, tt.ok)
		}
		if ok && (got.Hour() != 0 || got.Location() != loc) {
			t.Errorf("ParseFutureDay(%q) = %v, want local midnight", tt.in, got)
		}
	}
}

// Fuzz targets: no input panics, and whatever is read is in range.

func FuzzReadScale(f *testing.F) {
	for _, s := range []string{"7", "ten", "a 7", "7/10", "8 out of 10", "7️⃣", "🔟", "11", "-3", "4/5", "7-8", "", "😩", "twenty-five"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range [][2]int{{0, 10}, {1, 5}} {
			v, got := ReadScale(s, r[0], r[1])
			if got == Read && (v < r[0] || v > r[1]) {
				t.Fatalf("ReadScale(%q, %d, %d) = %d, read but out of range", s, r[0], r[1], v)
			}
			if got == OutOfRange && v >= r[0] && v <= r[1] && v != 0 {
				t.Fatalf("ReadScale(%q, %d, %d) = %d reported out of range", s, r[0], r[1], v)
			}
		}
		if v, ok := ReadNumber(s); ok && v < 0 {
			t.Fatalf("ReadNumber(%q) = %d", s, v)
		}
	})
}

func FuzzParseYesNo(f *testing.F) {
	for _, s := range []string{"yes", "yeah 👍", "nah", "not really", "i don't agree", "yeah no", "✅", "❌", "not sure", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y1, ok1 := ParseYesNo(s)
		y2, ok2 := ParseYesNo(s)
		if y1 != y2 || ok1 != ok2 {
			t.Fatalf("ParseYesNo(%q) is not deterministic", s)
		}
		if !ok1 && y1 {
			t.Fatalf("ParseYesNo(%q) = yes without ok", s)
		}
	})
}

func FuzzParseChoice(f *testing.F) {
	for _, s := range []string{"harder", "2", "two", "3️⃣", "eas", "About the same!", "", "same same"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseChoice(s, testChoices)
		if !ok {
			return
		}
		for _, ch := range testChoices {
			if ch.Value == v {
				return
			}
		}
		t.Fatalf("ParseChoice(%q) = %q, not an offered value", s, v)
	})
}

func FuzzParseMulti(f *testing.F) {
	for _, s := range []string{"1 3", "2 and 3", "harder, easier", "none", "all", "1,1", "4", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vs, ok := ParseMulti(s, testChoices)
		if !ok {
			return
		}
		seen := map[string]bool{}
		last := -1
		for _, v := range vs {
			i := -1
			for j, ch := range testChoices {
				if ch.Value == v {
					i = j
				}
			}
			if i < 0 || seen[v] || i < last {
				t.Fatalf("ParseMulti(%q) = %q: unknown, repeated or out of order", s, vs)
			}
			seen[v], last = true, i
		}
	})
}

func FuzzParseFutureDay(f *testing.F) {
	for _, s := range []string{"friday", "next week", "1 dec", "01/12", "1/12/2026", "2026-12-01", "in 2 weeks", "the 5th", "31 feb", "soon", ""} {
		f.Add(s)
	}
	loc, _ := time.LoadLocation("Europe/London")
	today := time.Date(2026, 11, 25, 14, 0, 0, 0, loc)
	day0 := time.Date(2026, 11, 25, 0, 0, 0, 0, loc)
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseFutureDay(s, today)
		if ok && (!d.After(day0) || d.Sub(day0) > MaxAhead || d.Hour() != 0 || d.Minute() != 0) {
			t.Fatalf("ParseFutureDay(%q) = %v: not a later day within a year", s, d)
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"skip", "snooze 3 hours", "pause until friday", "pause for a week", "remind me tomorrow",
		"change my last answer", "talk to my worker", "check in", "stop", "pause until whenever", "", "ctl:snooze:1h"} {
		f.Add(s)
	}
	loc, _ := time.LoadLocation("Europe/London")
	c := Context{Now: time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC), Loc: loc, Catalog: DefaultCatalog()}
	f.Fuzz(func(t *testing.T, s string) {
		for _, in := range []Input{{Text: s}, {Choice: s}} {
			cmd, ok := ParseCommand(c, in, false)
			if !ok {
				continue
			}
			if !knownControls[cmd.Control] {
				t.Fatalf("ParseCommand(%q) = unknown control %q", s, cmd.Control)
			}
			if !cmd.Until.IsZero() && (!cmd.Until.After(c.Now) || cmd.Until.Sub(c.Now) > MaxAhead+24*time.Hour) {
				t.Fatalf("ParseCommand(%q) until %v: not ahead, or too far", s, cmd.Until)
			}
		}
	})
}
