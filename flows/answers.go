package flows

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// emojiWords turns the emoji people tap on a phone keyboard into the words
// the parsers read. Keycap digits (1️⃣) already reduce to their digit once
// normalise drops the variation selector and the keycap mark.
var emojiWords = strings.NewReplacer(
	"🔟", " 10 ",
	"👍", " yes ", "✅", " yes ", "✔️", " yes ", "✔", " yes ", "☑️", " yes ", "☑", " yes ", "👌", " yes ",
	"👎", " no ", "❌", " no ", "✖️", " no ", "✖", " no ", "🚫", " no ", "⛔", " no ", "🙅", " no ",
)

// Reading says how a parser got on with an answer: it read a value, read a
// number outside the range asked for, or could not read anything. The two
// failures get different re-asks.
type Reading int

const (
	Read Reading = iota
	OutOfRange
	Unreadable
)

// ReadNumber reads one whole number as people type it: "7", "seven",
// "a 7", "7/10", "7 out of 10", "twenty five", "7️⃣", "🔟". A range
// ("7-8", "7 or 8") is not one number.
func ReadNumber(s string) (int, bool) {
	if signedNegative(emojiWords.Replace(s)) {
		return 0, false
	}
	n := normalise(emojiWords.Replace(s))
	words := strings.Fields(n)
	for len(words) > 1 && (words[0] == "a" || words[0] == "an" || words[0] == "its" || words[0] == "is") {
		words = words[1:]
	}
	if len(words) == 1 {
		if a, _, found := strings.Cut(words[0], "/"); found {
			words = []string{a}
		}
	}
	if len(words) == 4 && words[1] == "out" && words[2] == "of" {
		words = words[:1]
	}
	if len(words) == 1 && strings.Contains(words[0], "-") {
		if parts := strings.Split(words[0], "-"); len(parts) == 2 {
			if _, isWord := wordNumbers[parts[0]]; isWord {
				words = parts // "twenty-five"
			}
		}
	}
	if len(words) == 1 && strings.ContainsAny(words[0], "-.") {
		return 0, false // "7-8", "7.5"
	}
	if len(words) == 1 && notANumber[words[0]] {
		return 0, false
	}
	v, ok := number(words)
	if !ok || v < 0 {
		return 0, false
	}
	return v, true
}

// notANumber are words the count parser reads as numbers ("twice", "no")
// that say nothing as a rating.
var notANumber = map[string]bool{"no": true, "never": true, "once": true, "twice": true, "thrice": true, "a": true, "an": true}

// ReadScale reads a rating from lo to hi, telling a number outside the
// scale ("11" on 0–10) from text that is not a number at all. A stated
// scale that is not this one ("4/5" on 0–10) is unreadable rather than
// silently rescaled.
func ReadScale(s string, lo, hi int) (int, Reading) {
	n := normalise(emojiWords.Replace(s))
	if _, b, found := strings.Cut(n, "/"); found && !strings.Contains(b, " ") && b != strconv.Itoa(hi) {
		return 0, Unreadable
	}
	if f := strings.Fields(n); len(f) == 4 && f[1] == "out" && f[2] == "of" && f[3] != strconv.Itoa(hi) {
		return 0, Unreadable
	}
	if signedNegative(emojiWords.Replace(s)) {
		return 0, OutOfRange
	}
	v, ok := ReadNumber(s)
	switch {
	case !ok:
		return 0, Unreadable
	case v < lo || v > hi:
		return v, OutOfRange
	}
	return v, Read
}

var yesWords = map[string]bool{
	"yes": true, "y": true, "yeah": true, "yea": true, "yep": true, "yup": true, "ye": true, "yess": true,
	"aye": true, "sure": true, "ok": true, "okay": true, "k": true, "kk": true, "fine": true, "correct": true,
	"true": true, "definitely": true, "absolutely": true, "agree": true, "agreed": true, "certainly": true,
	"please": true, "course": true, "totally": true, "yah": true, "ya": true, "affirmative": true,
}

var noWords = map[string]bool{
	"no": true, "n": true, "nope": true, "nah": true, "naw": true, "na": true, "never": true, "not": true,
	"false": true, "nay": true, "noo": true, "nop": true, "negative": true, "disagree": true,
}

// ParseYesNo reads yes or no in its many spellings and emoji: "yeah",
// "yep 👍", "nah", "not really", "no thanks", "✅", "❌". Mixed answers
// ("yeah no", "yes and no") are not read, so the question is asked again.
func ParseYesNo(s string) (yes, ok bool) {
	t := strings.ToLower(emojiWords.Replace(s))
	if len([]rune(t)) > MaxInputRunes*4 {
		return false, false
	}
	t = strings.NewReplacer("’", "'", "don't", "do not", "dont", "do not", "i'm", "i am", "im ", "i am ").Replace(t)
	var b strings.Builder
	for _, r := range t {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		} else {
			b.WriteRune(' ')
		}
	}
	words := strings.Fields(b.String())
	var sawYes, sawNo, negated bool
	for _, w := range words {
		switch {
		case w == "unsure" || w == "dunno" || w == "maybe" || w == "perhaps" || w == "idk" || negated && w == "sure":
			return false, false
		case noWords[w]:
			sawNo, negated = true, w == "not" || w == "never"
		case yesWords[w] && negated:
			negated = false // "do not agree": the no already counts
		case yesWords[w]:
			sawYes = true
		case w == "of", w == "i", w == "thanks", w == "thank", w == "you", w == "ta", w == "really", w == "think",
			w == "so", w == "do", w == "am", w == "it", w == "is", w == "that", w == "right", w == "go", w == "on", w == "ahead":
		default:
			return false, false // a sentence that says more than yes or no
		}
	}
	if sawYes == sawNo {
		return false, false
	}
	return sawYes, true
}

// ParseChoice matches typed text to one of the offered choices: its value,
// its label (ignoring case and punctuation), its position ("2", "two",
// "2️⃣"), or a word that only one label starts with.
func ParseChoice(s string, choices []Choice) (string, bool) {
	if len(choices) == 0 {
		return "", false
	}
	raw := strings.TrimSpace(s)
	for _, ch := range choices {
		if raw == ch.Value || strings.EqualFold(raw, ch.Label) {
			return ch.Value, true
		}
	}
	n := normaliseLabel(emojiWords.Replace(raw))
	if n == "" {
		return "", false
	}
	// "-2" is neither the label "2" nor the second choice: the sign would
	// be dropped. A word label typed as a bullet ("- racing thoughts")
	// still matches.
	if signedNumber(raw) {
		return "", false
	}
	for _, ch := range choices {
		if n == normaliseLabel(ch.Label) || n == normaliseLabel(ch.Value) {
			return ch.Value, true
		}
	}
	if v, ok := ReadNumber(raw); ok && v >= 1 && v <= len(choices) && !labelsAreNumbers(choices) {
		return choices[v-1].Value, true
	}
	if len([]rune(n)) >= 3 {
		found := ""
		for _, ch := range choices {
			if strings.HasPrefix(normaliseLabel(ch.Label), n) {
				if found != "" {
					return "", false
				}
				found = ch.Value
			}
		}
		if found != "" {
			return found, true
		}
	}
	return "", false
}

// signedNumber reports whether s is a number with a minus sign ("-2",
// "minus two", "- 3 and 4"): no choice is read from it.
func signedNumber(s string) bool {
	s = emojiWords.Replace(s)
	if !signedNegative(s) {
		return false
	}
	if strings.IndexFunc(s, unicode.IsDigit) >= 0 {
		return true
	}
	for _, w := range strings.Fields(normaliseLabel(s)) {
		if _, ok := wordNumbers[w]; ok && !notACount[w] {
			return true
		}
	}
	return false
}

// notACount are words wordNumbers reads as numbers that are ordinary words
// in a list ("- no", "- none of these").
var notACount = map[string]bool{"a": true, "an": true, "no": true, "none": true, "never": true, "nil": true}

// matchLabel finds the choice whose label s is, ignoring case and
// punctuation ("15-30 min" for "15–30 min"). Bare numbers are left to the
// question's own reader, which knows their range and sign.
func matchLabel(s string, choices []Choice) (string, bool) {
	raw := strings.TrimSpace(s)
	n := normaliseLabel(raw)
	signed := signedNegative(raw)
	for _, ch := range choices {
		if strings.EqualFold(raw, ch.Label) {
			return ch.Value, true
		}
		if l := normaliseLabel(ch.Label); n != "" && n == l && !signed && strings.IndexFunc(l, unicode.IsLetter) >= 0 {
			return ch.Value, true
		}
	}
	return "", false
}

// labelsAreNumbers reports whether the choices are themselves numbers (a
// 0–10 scale, or 0 1 2 3 4+), where "2" means the label 2, not the second
// choice.
func labelsAreNumbers(choices []Choice) bool {
	for _, ch := range choices {
		if l := strings.TrimSpace(ch.Label); l == "" || l[0] < '0' || l[0] > '9' {
			return false
		}
	}
	return true
}

func normaliseLabel(s string) string {
	if len([]rune(s)) > MaxInputRunes*4 {
		return ""
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		} else {
			b.WriteRune(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// ParseMulti reads several choices at once: "1 3", "1, 3", "2 and 4",
// labels separated by commas or "and", "all", or "none" (an empty answer,
// ok). Each part must match a choice, or nothing is read.
func ParseMulti(s string, choices []Choice) ([]string, bool) {
	t := strings.ToLower(strings.TrimSpace(emojiWords.Replace(s)))
	if t == "" || len([]rune(t)) > MaxInputRunes*4 || signedNumber(t) {
		return nil, false
	}
	switch normaliseLabel(t) {
	case "none", "no", "nope", "nothing", "none of them", "none of those", "no none", "nah", "0", "zero", "not really":
		return []string{}, true
	case "all", "all of them", "all of those", "everything":
		out := make([]string, len(choices))
		for i, ch := range choices {
			out[i] = ch.Value
		}
		return out, len(choices) > 0
	}
	if v, ok := ParseChoice(t, choices); ok {
		return []string{v}, true
	}
	parts := strings.FieldsFunc(strings.NewReplacer(" and ", ",", " & ", ",", "+", ",", ";", ",", "\n", ",").Replace(" "+t+" "),
		func(r rune) bool { return r == ',' })
	if len(parts) == 1 {
		// "1 3" or "13" from a keypad: digits only, each a position.
		fields := strings.Fields(parts[0])
		allDigits := len(fields) > 1
		for _, f := range fields {
			if _, err := strconv.Atoi(f); err != nil {
				allDigits = false
			}
		}
		if allDigits {
			parts = fields
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		v, ok := ParseChoice(p, choices)
		if !ok {
			return nil, false
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	// Keep the offered order, so the same picks always store the same way.
	ordered := make([]string, 0, len(out))
	for _, ch := range choices {
		if seen[ch.Value] {
			ordered = append(ordered, ch.Value)
		}
	}
	return ordered, len(ordered) > 0
}

var dayWords = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday, "monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday,
	"wednesday": time.Wednesday, "wed": time.Wednesday, "weds": time.Wednesday,
	"thursday": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday,
	"friday": time.Friday, "fri": time.Friday, "saturday": time.Saturday, "sat": time.Saturday,
}

var monthWords = map[string]time.Month{
	"january": time.January, "jan": time.January, "february": time.February, "feb": time.February,
	"march": time.March, "mar": time.March, "april": time.April, "apr": time.April, "may": time.May,
	"june": time.June, "jun": time.June, "july": time.July, "jul": time.July,
	"august": time.August, "aug": time.August, "september": time.September, "sep": time.September,
	"sept": time.September, "october": time.October, "oct": time.October, "november": time.November,
	"nov": time.November, "december": time.December, "dec": time.December,
}

// MaxAhead bounds how far ahead a typed date may be: a pause or a date
// beyond a year is almost always a typo.
const MaxAhead = 366 * 24 * time.Hour

// ParseFutureDay reads a day after today on the client's calendar, as a
// client types it for a pause or a snooze: "friday",
// "next monday", "tomorrow", "1 dec", "1st of December", "december 1",
// "01/12", "1/12/2026", "2026-12-01", "a week", "in 2 weeks", "3 days",
// "next week" (its Monday). today is the client's local date; the result
// is midnight at the start of that day, in today's location.
func ParseFutureDay(s string, today time.Time) (time.Time, bool) {
	y, m, d := today.Date()
	day0 := time.Date(y, m, d, 0, 0, 0, 0, today.Location())
	if signedNegative(s) {
		return time.Time{}, false // "-2 weeks" is not a day to come
	}
	n := normalise(s)
	words := strings.Fields(n)
	for len(words) > 0 && (words[0] == "until" || words[0] == "till" || words[0] == "til" || words[0] == "in" ||
		words[0] == "on" || words[0] == "the" || words[0] == "this" || words[0] == "coming") {
		words = words[1:]
	}
	var out time.Time
	switch {
	case len(words) == 0:
		return time.Time{}, false
	case len(words) == 1 && words[0] == "tomorrow", len(words) == 1 && words[0] == "tmrw", len(words) == 1 && words[0] == "tmr":
		out = day0.AddDate(0, 0, 1)
	case len(words) == 2 && words[0] == "next" && words[1] == "week":
		out = day0.AddDate(0, 0, 1)
		for out.Weekday() != time.Monday {
			out = out.AddDate(0, 0, 1)
		}
	case len(words) == 2 && words[0] == "next" && words[1] == "month":
		out = time.Date(y, m+1, 1, 0, 0, 0, 0, today.Location())
	default:
		if wd, ok := dayWords[words[len(words)-1]]; ok && (len(words) == 1 || len(words) == 2 && words[0] == "next") {
			out = day0.AddDate(0, 0, 1)
			for out.Weekday() != wd {
				out = out.AddDate(0, 0, 1)
			}
			break
		}
		if t, ok := spanDate(words, day0); ok {
			out = t
			break
		}
		t, ok := calendarDate(words, day0)
		if !ok {
			return time.Time{}, false
		}
		out = t
	}
	if !out.After(day0) || out.Sub(day0) > MaxAhead {
		return time.Time{}, false
	}
	return out, true
}

// spanDate reads "a week", "2 weeks", "3 days", "a fortnight", "a month".
func spanDate(words []string, day0 time.Time) (time.Time, bool) {
	if len(words) < 2 {
		if len(words) == 1 && words[0] == "fortnight" {
			return day0.AddDate(0, 0, 14), true
		}
		return time.Time{}, false
	}
	unit := strings.TrimSuffix(words[len(words)-1], "s")
	v, ok := number(words[:len(words)-1])
	if !ok || v < 1 || v > 400 {
		return time.Time{}, false
	}
	switch unit {
	case "day":
		return day0.AddDate(0, 0, v), true
	case "week", "wk":
		return day0.AddDate(0, 0, 7*v), true
	case "fortnight":
		return day0.AddDate(0, 0, 14*v), true
	case "month":
		return day0.AddDate(0, v, 0), true
	}
	return time.Time{}, false
}

// calendarDate reads "1 dec", "1st of december", "december 1st", "01/12",
// "1/12/2026", "2026-12-01". A date without a year is the next one to come.
func calendarDate(words []string, day0 time.Time) (time.Time, bool) {
	loc := day0.Location()
	if len(words) == 1 {
		if t, err := time.ParseInLocation(time.DateOnly, words[0], loc); err == nil {
			return t, true
		}
		if d, err := strconv.Atoi(strings.TrimRight(words[0], "stndrh")); err == nil && d != 0 && words[0] != strconv.Itoa(d) {
			// "the 5th": that day this month, or next month if it has passed.
			t, ok := dayMonth(d, day0.Month(), day0.Year(), day0)
			if ok && !t.After(day0) {
				next := time.Date(day0.Year(), day0.Month()+1, 1, 0, 0, 0, 0, loc)
				t, ok = dayMonth(d, next.Month(), next.Year(), day0)
			}
			return t, ok
		}
		parts := strings.Split(words[0], "/")
		if len(parts) < 2 || len(parts) > 3 {
			return time.Time{}, false
		}
		var nums []int
		for _, p := range parts {
			v, err := strconv.Atoi(p)
			if err != nil || len(p) > 4 {
				return time.Time{}, false
			}
			nums = append(nums, v)
		}
		year := 0
		if len(nums) == 3 {
			year = nums[2]
			if year < 100 {
				year += 2000
			}
		}
		return dayMonth(nums[0], time.Month(nums[1]), year, day0) // UK order: day/month
	}
	var day, year int
	var month time.Month
	for _, w := range words {
		if w == "of" {
			continue
		}
		if mo, ok := monthWords[w]; ok && month == 0 {
			month = mo
			continue
		}
		w = strings.TrimRight(w, "stndrh") // 1st, 2nd, 3rd, 4th
		v, err := strconv.Atoi(w)
		switch {
		case err != nil:
			return time.Time{}, false
		case day == 0 && v >= 1 && v <= 31:
			day = v
		case year == 0 && v >= 2000 && v <= 2100:
			year = v
		default:
			return time.Time{}, false
		}
	}
	if day == 0 || month == 0 {
		return time.Time{}, false
	}
	return dayMonth(day, month, year, day0)
}

func dayMonth(day int, month time.Month, year int, day0 time.Time) (time.Time, bool) {
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return time.Time{}, false
	}
	y := year
	if y == 0 {
		y = day0.Year()
	}
	t := time.Date(y, month, day, 0, 0, 0, 0, day0.Location())
	if t.Day() != day {
		return time.Time{}, false // 31 February
	}
	if year == 0 && !t.After(day0) {
		t = time.Date(y+1, month, day, 0, 0, 0, 0, day0.Location())
		if t.Day() != day {
			return time.Time{}, false
		}
	}
	return t, true
}
