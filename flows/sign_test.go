package flows

import (
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// minusPrefixes are the ways a client puts a minus in front of an answer.
var minusPrefixes = []string{"-", "- ", "\u2212", "\u2013", "\u2014 ", "\uff0d", "\u2796", "minus ", "negative ", "about -"}

// wordChoices are numbered choices (typed numbers are positions);
// countChoices are value choices (typed numbers are the values).
var (
	wordChoices  = []Choice{{"Harder", "harder"}, {"About the same", "same"}, {"Easier", "easier"}, {"Two weeks", "2 weeks"}}
	countChoices = []Choice{{"0", "0"}, {"1", "1"}, {"2", "2"}, {"3", "3"}, {"4+", "4"}}
)

// numericReaders are every parser of a number a client types, as "read a
// value or not". Each must refuse a signed number rather than drop the sign.
var numericReaders = map[string]func(string) (int, bool){
	"ReadClock(evening)": func(s string) (int, bool) { h, m, r := ReadClock(s, Evening); return h*60 + m, r == Read },
	"ReadClock(morning)": func(s string) (int, bool) { h, m, r := ReadClock(s, Morning); return h*60 + m, r == Read },
	"ParseClock":         func(s string) (int, bool) { h, m, ok := ParseClock(s, Evening); return h*60 + m, ok },
	"ReadMinutes":        func(s string) (int, bool) { v, r := ReadMinutes(s); return v, r == Read },
	"ParseMinutes":       ParseMinutes,
	"ReadCount":          func(s string) (int, bool) { v, r := ReadCount(s, 20); return v, r == Read },
	"ParseCount":         func(s string) (int, bool) { return ParseCount(s, 20) },
	"ReadScale(1-5)":     func(s string) (int, bool) { v, r := ReadScale(s, 1, 5); return v, r == Read },
	"ReadScale(0-10)":    func(s string) (int, bool) { v, r := ReadScale(s, 0, 10); return v, r == Read },
	"ParseScale":         func(s string) (int, bool) { return ParseScale(s, 1, 5) },
	"ReadNumber":         ReadNumber,
	"ParseFutureDay": func(s string) (int, bool) {
		d, ok := ParseFutureDay(s, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
		return d.YearDay(), ok
	},
	"ParseChoice(values)": func(s string) (int, bool) { v, ok := ParseChoice(s, countChoices); return atoi(v), ok },
}

// Issue 12: "-5" at a sleep log was bedtime 05:00, woke 5 times, wake
// 05:00 and quality 5/5. Every numeric parser now refuses it, and the
// sleep log asks again with the question's own range.
func TestNoParserReadsASignedNumber(t *testing.T) {
	inputs := []string{"-5", "- 5", "\u22125", "\u20135", "-twice", "minus 3", "about -5", "-(5)", "\u27965", "-11pm",
		"-1h30", "-0", "-2 weeks", "-1 dec", "-4/5", "negative two", "-7\ufe0f\u20e3", "-\U0001f51f", "-half 11", "-about 5"}
	for name, read := range numericReaders {
		for _, in := range inputs {
			if v, ok := read(in); ok {
				t.Errorf("%s(%q) read %d; a signed number must be refused", name, in, v)
			}
		}
	}
	// Hyphens inside a token are not signs.
	for _, tt := range []struct {
		name string
		in   string
		want int
	}{{"ReadNumber", "twenty-five", 25}, {"ParseFutureDay", "2026-12-01", 335}, {"ReadClock(evening)", "11pm-ish", 23 * 60}} {
		if v, ok := numericReaders[tt.name](tt.in); !ok || v != tt.want {
			t.Errorf("%s(%q) = %d %v, want %d", tt.name, tt.in, v, ok, tt.want)
		}
	}
	// A signed number picks no choice, by label or by position; a bullet
	// before a word label is not a sign.
	for _, in := range []string{"-2", "- 2", "minus two", "-1 3"} {
		if v, ok := ParseChoice(in, wordChoices); ok {
			t.Errorf("ParseChoice(%q) = %q: the sign was dropped", in, v)
		}
		if v, ok := ParseMulti(in, wordChoices); ok {
			t.Errorf("ParseMulti(%q) = %q: the sign was dropped", in, v)
		}
	}
	if v, ok := ParseMulti("- harder\n- easier", wordChoices); !ok || len(v) != 2 {
		t.Errorf("a bulleted list of labels = %q %v, want both", v, ok)
	}
}

// Each sleep-log question says what is wrong with a number off its range,
// and keeps asking the same question.
func TestSleepLogReasksNumbersOffTheirRange(t *testing.T) {
	c := testContext(t)
	for _, tt := range []struct {
		state string
		in    string
		want  string
	}{
		{"bedtime", "-5", "That isn't a time on the clock"},
		{"bedtime", "25:99", "That isn't a time on the clock"},
		{"bedtime", "13pm", "That isn't a time on the clock"},
		{"bedtime", "late", "didn't catch a time"},
		{"latency", "-5", "from 0 minutes to 12 hours"},
		{"latency", "13 hours", "from 0 minutes to 12 hours"},
		{"latency", "ages", "I need a length of time"},
		{"awakenings", "-5", "from 0 to 20"},
		{"awakenings", "25", "from 0 to 20"},
		{"awakenings", "loads", "I need a number of times"},
		{"wake", "-5", "That isn't a time on the clock"},
		{"wake", "7:75", "That isn't a time on the clock"},
		{"quality", "-5", "off the scale"},
		{"quality", "7", "off the scale"},
		{"quality", "meh", "from 1 (very badly) to 5"},
	} {
		conv, _ := SleepLog.Start(c, "p1", map[string]string{AnswerNight: "2026-11-28"})
		conv.State = tt.state
		next, effects := SleepLog.Step(c, conv, Input{Key: "k", Text: tt.in})
		if next.State != tt.state || len(effects) != 1 {
			t.Fatalf("%s %q: moved to %q with %d effects; want the same question again", tt.state, tt.in, next.State, len(effects))
		}
		if text := effects[0].(Send).Message.Text; !strings.Contains(text, tt.want) {
			t.Errorf("%s %q: re-ask %q, want %q", tt.state, tt.in, text, tt.want)
		}
	}
}

// The property, for any input: no parser reads a value once a minus is put
// in front of it, a bare whole number is read as itself or refused (never
// rescaled or clamped into range), and whatever is read is in range.
func FuzzNoParserDropsASignOrRange(f *testing.F) {
	for _, s := range []string{"5", "11pm", "twice", "half an hour", "4/5", "7\ufe0f\u20e3", "1 dec", "2", "0", "25", "(5)", " 5", "a 7", "1h30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, read := range numericReaders {
			for _, m := range minusPrefixes {
				if v, ok := read(m + s); ok {
					t.Fatalf("%s(%q) read %d: the minus was dropped", name, m+s, v)
				}
			}
		}
		for _, m := range minusPrefixes {
			if v, ok := ParseChoice(m+s, wordChoices); ok && signedNumber(m+s) {
				t.Fatalf("ParseChoice(%q) = %q from a signed number", m+s, v)
			}
			if v, ok := ParseMulti(m+s, wordChoices); ok && signedNumber(m+s) {
				t.Fatalf("ParseMulti(%q) = %q from a signed number", m+s, v)
			}
		}
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && strings.IndexFunc(strings.TrimSpace(s), func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
			for _, name := range []string{"ReadMinutes", "ReadCount", "ReadScale(1-5)", "ReadScale(0-10)", "ReadNumber", "ParseChoice(values)"} {
				if v, ok := numericReaders[name](s); ok && v != n {
					t.Fatalf("%s(%q) = %d: a whole number must be read as itself or refused", name, s, v)
				}
			}
		}
		if v, r := ReadCount(s, 20); r == Read && (v < 0 || v > 20) {
			t.Fatalf("ReadCount(%q) = %d out of range", s, v)
		}
		if v, r := ReadMinutes(s); r == Read && (v < 0 || v > 24*60) {
			t.Fatalf("ReadMinutes(%q) = %d out of range", s, v)
		}
		for _, p := range []Meridiem{Evening, Morning} {
			if h, m, r := ReadClock(s, p); r == Read && (h < 0 || h > 23 || m < 0 || m > 59) {
				t.Fatalf("ReadClock(%q) = %d:%d out of range", s, h, m)
			}
		}
	})
}
