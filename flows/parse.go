package flows

import (
	"strconv"
	"strings"
	"unicode"
)

// The parsers read what people type on a phone: lower or upper case, stray
// punctuation, words for numbers, "ish". They return ok=false rather than
// guess when the text does not say a value; callers re-ask.

// MaxInputRunes bounds what any parser looks at; a 4,000-character paste is not an answer.
const MaxInputRunes = 80

// normalise lower-cases, drops filler words and punctuation that carry no value.
func normalise(s string) string {
	if len([]rune(s)) > MaxInputRunes*4 {
		return ""
	}
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("a.m.", "am", "p.m.", "pm", "o'clock", "", "oclock", "", "’", "'").Replace(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == ':' || r == '.' || r == '/' || r == '-':
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	var words []string
	for _, w := range strings.Fields(b.String()) {
		w = strings.Trim(strings.TrimSuffix(strings.Trim(w, ".-/"), "ish"), ".-/") // "11-ish"
		switch w {
		case "", "about", "around", "roughly", "approx", "approximately", "at", "maybe", "probably",
			"like", "just", "say", "i", "went", "bed", "woke", "up", "got", "it", "was", "took",
			"me", "ok", "okay", "um", "erm", "uh", "for", "sleep", "asleep", "fall", "fell":
			continue
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

var wordNumbers = map[string]int{
	"zero": 0, "nought": 0, "none": 0, "no": 0, "never": 0, "nil": 0,
	"a": 1, "an": 1, "one": 1, "once": 1,
	"two": 2, "twice": 2, "three": 3, "thrice": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	"thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
	"fourty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
}

// number reads "7", "07", "seven", "twenty five"/"twenty-five" (already split by normalise).
func number(words []string) (int, bool) {
	if len(words) == 1 {
		if n, err := strconv.Atoi(words[0]); err == nil && len(words[0]) <= 4 {
			return n, true
		}
		n, ok := wordNumbers[words[0]]
		return n, ok
	}
	if len(words) == 2 {
		tens, ok1 := wordNumbers[words[0]]
		units, ok2 := wordNumbers[words[1]]
		if ok1 && ok2 && tens >= 20 && tens%10 == 0 && units > 0 && units < 10 {
			return tens + units, true
		}
	}
	return 0, false
}

// Meridiem says which half of the day a bare hour most likely means.
type Meridiem int

const (
	// Evening: a bedtime. 6–11 mean pm, 12 means midnight, 1–5 mean am.
	Evening Meridiem = iota
	// Morning: a wake time. 1–11 mean am, 12 means noon.
	Morning
)

// minusSigns are the ways people type a minus: a hyphen, the minus sign,
// dashes, the full-width and small forms, and the emoji.
const minusSigns = "-−–—‐‑﹣－➖"

// signedNegative reports whether s carries a minus sign or says "minus":
// "-5", "- 5", "−2am", "-twice", "about -5", "minus 3". normalise drops
// signs along with other punctuation, so every numeric parser asks this
// first rather than read -5 as 5. A hyphen between two letters or digits
// ("7-8", "twenty-five", "2026-12-01") joins them; it is not a sign.
func signedNegative(s string) bool {
	if len(s) > MaxInputRunes*16 {
		return false // too long to be an answer; the parsers refuse it anyway
	}
	rs := []rune(strings.ToLower(s))
	alnum := func(i int) bool { return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i])) }
	for i, r := range rs {
		if strings.ContainsRune(minusSigns, r) && !(alnum(i-1) && alnum(i+1)) {
			return true
		}
	}
	for _, w := range strings.FieldsFunc(string(rs), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if w == "minus" || w == "negative" {
			return true
		}
	}
	return false
}

// ParseClock reads a time of day: "11pm", "23:30", "11.30", "half 11",
// "quarter to twelve", "7", "seven thirty", "midnight". It returns the hour
// (0–23) and minute.
func ParseClock(s string, prefer Meridiem) (hour, minute int, ok bool) {
	h, m, r := ReadClock(s, prefer)
	return h, m, r == Read
}

// ReadClock is ParseClock telling a time that is not on the clock ("25:99",
// "13pm", "-5") from text that is not a time at all, so each gets its own
// re-ask.
func ReadClock(s string, prefer Meridiem) (hour, minute int, r Reading) {
	if signedNegative(emojiWords.Replace(s)) {
		return 0, 0, OutOfRange
	}
	h, m, ok, outside := readClock(s, prefer)
	switch {
	case ok:
		return h, m, Read
	case outside:
		return 0, 0, OutOfRange
	}
	return 0, 0, Unreadable
}

// readClock does ReadClock's reading; outside says the words were a time
// whose hour or minute is off the clock.
func readClock(s string, prefer Meridiem) (hour, minute int, ok, outside bool) {
	n := normalise(s)
	if n == "" {
		return 0, 0, false, false
	}
	words := strings.Fields(n)
	if words[0] == "to" || words[0] == "by" {
		words = words[1:] // "went to bed at 11", "by midnight"
	}
	if len(words) == 0 {
		return 0, 0, false, false
	}
	suffix := ""
	// "11pm", "11:30am" → split the suffix off the number.
	last := words[len(words)-1]
	for _, sfx := range []string{"am", "pm"} {
		if last == sfx {
			suffix = sfx
			words = words[:len(words)-1]
			break
		}
		if strings.HasSuffix(last, sfx) && len(last) > 2 {
			suffix = sfx
			words[len(words)-1] = strings.TrimSuffix(last, sfx)
			break
		}
	}
	switch strings.Join(words, " ") {
	case "midnight":
		return 0, 0, suffix == "", false
	case "noon", "midday":
		return 12, 0, suffix == "", false
	}
	if len(words) == 0 {
		return 0, 0, false, false
	}
	h, m, explicit24, ok := clockWords(words)
	if !ok {
		return 0, 0, false, false
	}
	if h < 0 || m < 0 || m > 59 {
		return 0, 0, false, true
	}
	switch {
	case suffix != "":
		if h < 1 || h > 12 {
			return 0, 0, false, true
		}
		if suffix == "am" && h == 12 {
			h = 0
		} else if suffix == "pm" && h != 12 {
			h += 12
		}
	case explicit24 || h > 12:
		if h > 23 {
			if h == 24 && m == 0 {
				return 0, 0, true, false
			}
			return 0, 0, false, true
		}
	case h == 0:
		// "0:30" is a 24-hour reading already.
	default:
		h = guessHalf(h, prefer)
	}
	return h, m, true, false
}

func guessHalf(h int, prefer Meridiem) int {
	if prefer == Morning {
		return h // 1–11 am, 12 noon
	}
	switch {
	case h == 12:
		return 0
	case h >= 6:
		return h + 12
	}
	return h
}

// clockWords reads the words of a time without am/pm. explicit24 is set for
// readings like "07:00" or "0730" whose leading zero says 24-hour clock.
func clockWords(w []string) (h, m int, explicit24, ok bool) {
	switch {
	case len(w) == 1:
		return digitsClock(w[0])
	case w[0] == "half" && len(w) >= 2:
		rest := w[1:]
		if rest[0] == "past" {
			rest = rest[1:]
		}
		h, ok = number(rest)
		return h, 30, false, ok
	case (w[0] == "quarter" || w[0] == "a") && len(w) >= 3:
		if w[0] == "a" {
			if w[1] != "quarter" {
				return 0, 0, false, false
			}
			w = w[1:]
		}
		h, ok = number(w[2:])
		switch w[1] {
		case "past", "after":
			return h, 15, false, ok
		case "to", "til", "till":
			return (h+10)%12 + 1, 45, false, ok && h >= 1 && h <= 12
		}
		return 0, 0, false, false
	case len(w) >= 3 && (w[1] == "past" || w[1] == "to"):
		mins, ok1 := number(w[:1])
		h, ok2 := number(w[2:])
		if !ok1 || !ok2 || mins < 1 || mins > 59 {
			return 0, 0, false, false
		}
		if w[1] == "past" {
			return h, mins, false, true
		}
		if h < 1 || h > 12 {
			return 0, 0, false, false
		}
		return (h+10)%12 + 1, 60 - mins, false, true
	}
	// "seven thirty", "eleven fifteen", "7 30", "seven oh five"
	h, ok = number(w[:1])
	if !ok {
		return 0, 0, false, false
	}
	rest := w[1:]
	if rest[0] == "oh" && len(rest) == 2 {
		m, ok = number(rest[1:])
		return h, m, false, ok && m < 10
	}
	m, ok = number(rest)
	if !ok {
		return 0, 0, false, false
	}
	// Minutes after an hour are two digits ("7 05") or a word of ten or more
	// ("seven thirty"); "7 5" or "seven five" says nothing certain.
	if len(rest) == 1 {
		if _, isWord := wordNumbers[rest[0]]; isWord && m < 10 || !isWord && len(rest[0]) != 2 {
			return 0, 0, false, false
		}
	}
	return h, m, false, true
}

// digitsClock reads one token: "7", "07", "23:30", "11.30", "1130", "0730".
func digitsClock(t string) (h, m int, explicit24, ok bool) {
	if n, isWord := wordNumbers[t]; isWord {
		return n, 0, false, n >= 1 && n <= 12
	}
	sep := strings.IndexAny(t, ":.")
	var hs, ms string
	switch {
	case sep >= 0:
		hs, ms = t[:sep], t[sep+1:]
		if len(ms) != 2 {
			return 0, 0, false, false
		}
	case len(t) <= 2:
		hs = t
	case len(t) == 3 || len(t) == 4:
		hs, ms = t[:len(t)-2], t[len(t)-2:]
	default:
		return 0, 0, false, false
	}
	for _, part := range []string{hs, ms} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, 0, false, false
			}
		}
	}
	if hs == "" {
		return 0, 0, false, false
	}
	h, _ = strconv.Atoi(hs)
	if ms != "" {
		m, _ = strconv.Atoi(ms)
	}
	explicit24 = len(hs) == 2 && hs[0] == '0'
	return h, m, explicit24, true
}

// minutePhrases turn spoken durations into numbers and units before tokenising.
var minutePhrases = strings.NewReplacer(
	" an hour and a half ", " 90 m ", " a hour and a half ", " 90 m ", " hour and a half ", " 90 m ",
	" half an hour ", " 30 m ", " half a hour ", " 30 m ", " half hour ", " 30 m ",
	" three quarters of an hour ", " 45 m ", " quarter of an hour ", " 15 m ", " quarter hour ", " 15 m ",
	" and a half hours ", " .5 h ", " and a half hour ", " .5 h ",
)

var minuteUnits = strings.NewReplacer("hours", " h ", "hour", " h ", "hrs", " h ", "hr", " h ",
	"minutes", " m ", "minute", " m ", "mins", " m ", "min", " m ")

// ParseMinutes reads a duration in minutes: "20", "20 mins", "half an hour",
// "an hour", "1h30", "1.5 hours", "an hour and a half", "90 minutes".
// A bare number means minutes.
func ParseMinutes(s string) (int, bool) {
	v, r := ReadMinutes(s)
	return v, r == Read
}

// ReadMinutes is ParseMinutes telling a length below zero or over a day
// from text that is not a length at all.
func ReadMinutes(s string) (int, Reading) {
	if signedNegative(s) {
		return 0, OutOfRange
	}
	v, ok, over := readMinutes(s)
	switch {
	case ok:
		return v, Read
	case over:
		return 0, OutOfRange
	}
	return 0, Unreadable
}

func readMinutes(s string) (minutes int, ok, over bool) {
	n := minutePhrases.Replace(" " + normalise(s) + " ")
	n = minuteUnits.Replace(n)
	// Split "1h30" into "1 h 30".
	var spaced strings.Builder
	prevDigit := false
	for i, r := range n {
		isDigit := unicode.IsDigit(r) || r == '.'
		if i > 0 && prevDigit != isDigit {
			spaced.WriteByte(' ')
		}
		spaced.WriteRune(r)
		prevDigit = isDigit
	}
	total := 0.0
	pending, havePending, sawNumber := 0.0, false, false
	lastUnit := ""
	tokens := strings.Fields(spaced.String())
	for i, t := range tokens {
		switch t {
		case "and":
			continue
		case "h", "m":
			if !havePending {
				return 0, false, false
			}
			if t == "h" {
				total += pending * 60
			} else {
				total += pending
			}
			havePending, lastUnit = false, t
			continue
		}
		var v float64
		if f, err := strconv.ParseFloat(t, 64); err == nil && len(t) <= 6 {
			v = f
		} else if w, ok := wordNumbers[t]; ok && t != "no" && t != "never" && t != "none" {
			v = float64(w)
		} else if (t == "no" || t == "never" || t == "none") && len(tokens) == 1 {
			v = 0
		} else {
			return 0, false, false
		}
		if havePending {
			// "twenty five" → 25, "2 .5 h" → 2.5; nothing else stacks.
			_, prevWord := wordNumbers[tokens[i-1]]
			switch {
			case prevWord && pending >= 20 && int(pending)%10 == 0 && v >= 1 && v < 10:
				pending += v
			case v < 1 && v > 0:
				pending += v
			default:
				return 0, false, false
			}
			continue
		}
		pending, havePending, sawNumber = v, true, true
	}
	if havePending {
		if lastUnit == "m" {
			return 0, false, false // "20 m 5" is not a duration
		}
		total += pending // bare minutes, or the minutes after "1 h"
	}
	if !sawNumber || total < 0 {
		return 0, false, false
	}
	if total > 24*60 {
		return 0, false, true
	}
	return int(total + 0.5), true, false
}

// ParseCount reads a small count: "0", "none", "once", "twice", "3 times", "three".
func ParseCount(s string, max int) (int, bool) {
	v, r := ReadCount(s, max)
	return v, r == Read
}

// ReadCount is ParseCount telling a count below zero or above max from text
// that is not a count at all.
func ReadCount(s string, max int) (int, Reading) {
	if signedNegative(emojiWords.Replace(s)) {
		return 0, OutOfRange
	}
	n := normalise(emojiWords.Replace(s))
	words := strings.Fields(n)
	if len(words) > 1 && (words[len(words)-1] == "times" || words[len(words)-1] == "time" || words[len(words)-1] == "x") {
		words = words[:len(words)-1]
	}
	if len(words) == 1 && strings.HasSuffix(words[0], "x") {
		words[0] = strings.TrimSuffix(words[0], "x")
	}
	if n == "not all" || n == "not once" { // "not at all" once filler words are gone
		return 0, Read
	}
	v, ok := number(words)
	switch {
	case !ok:
		return 0, Unreadable
	case v < 0 || v > max:
		return 0, OutOfRange
	}
	return v, Read
}

// ParseScale reads a rating between lo and hi: "4", "4/5", "four", "4 out of 5".
func ParseScale(s string, lo, hi int) (int, bool) {
	if signedNegative(emojiWords.Replace(s)) {
		return 0, false
	}
	n := normalise(s)
	words := strings.Fields(n)
	if len(words) == 1 {
		if a, b, found := strings.Cut(words[0], "/"); found {
			if b != strconv.Itoa(hi) {
				return 0, false
			}
			words = []string{a}
		}
	}
	if len(words) == 4 && words[1] == "out" && words[2] == "of" && words[3] == strconv.Itoa(hi) {
		words = words[:1]
	}
	v, ok := number(words)
	if !ok || v < lo || v > hi {
		return 0, false
	}
	return v, true
}
