package flows

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"steady/store"
)

// Reasonable adjustments are only useful if a supervisor can tell whether
// they are happening and a worker can review them: "shift starts no earlier
// than 10:00, for six weeks" can be checked; "be supportive" cannot. These
// checks refuse the second kind with an example of the first.

// AdjustmentDraft is what a worker writes to add an adjustment.
type AdjustmentDraft struct {
	What   string // "shift starts no earlier than 10:00"
	When   string // "every shift"; may be empty when What says it
	From   string // a date; "" means today
	For    string // how long: "six weeks", "until 2027-01-04", or "ongoing" (then a review date is required)
	Review string // a date, or a length from From ("6 weeks"); "" means at the end of the period
	Shared bool   // the employer has been told (through the worker, within consent)
	Notes  string
}

// vagueAlways are phrases that promise an attitude or make the change
// optional; none can be checked, whatever else the text says.
var vagueAlways = []string{
	"be supportive", "supportive", "be flexible", "be understanding", "understanding",
	"be patient", "patience", "be kind", "kindness", "be aware", "be mindful", "mindful", "be sensitive",
	"sensitivity", "show flexibility", "flexibility", "more support", "extra support", "additional support",
	"support them", "support him", "support her", "as needed", "as and when", "when needed", "if needed",
	"where possible", "when possible", "if possible", "as appropriate", "where appropriate",
	"where practicable", "if practicable", "reasonable", "try to", "try and", "regularly", "sometimes",
	"occasionally", "now and then", "from time to time", "go easy", "take it easy", "look out for",
	"keep an eye on", "light duties", "accommodate", "accommodating", "help out", "bear in mind",
	"consider", "considerate", "general support", "tbc", "to be confirmed", "etc",
}

// anchorWords make a change checkable: a number, a time, a frequency, or a
// concrete thing or person someone could point at.
var anchorWords = map[string]bool{
	// numbers and order
	"one": true, "two": true, "three": true, "four": true, "five": true, "six": true, "seven": true,
	"eight": true, "nine": true, "ten": true, "twelve": true, "fifteen": true, "twenty": true, "thirty": true,
	"once": true, "twice": true, "first": true, "second": true, "third": true, "single": true, "half": true,
	// time and frequency
	"am": true, "pm": true, "noon": true, "midday": true, "midnight": true, "morning": true, "mornings": true,
	"afternoon": true, "afternoons": true, "evening": true, "evenings": true, "lunchtime": true, "night": true,
	"nights": true, "each": true, "every": true, "per": true, "daily": true, "weekly": true, "fortnightly": true,
	"monthly": true, "hourly": true, "before": true, "after": true, "earlier": true, "later": true,
	"start": true, "end": true, "peak": true, "monday": true, "tuesday": true, "wednesday": true,
	"thursday": true, "friday": true, "saturday": true, "sunday": true, "weekend": true, "weekends": true,
	"weekday": true, "weekdays": true, "minutes": true, "hours": true, "days": true, "weeks": true,
	// concrete things and people
	"written": true, "list": true, "checklist": true, "named": true, "private": true, "privately": true,
	"quiet": true, "break": true, "breaks": true, "buddy": true, "mentor": true, "headphones": true,
	"desk": true, "station": true, "till": true, "room": true, "rota": true, "shift": true, "shifts": true,
	"supervisor": true, "manager": true, "instructions": true, "email": true, "screen": true, "chair": true,
	"parking": true, "phone": true, "meeting": true, "meetings": true, "agenda": true, "format": true,
	"template": true, "home": true, "remote": true, "office": true, "hours'": true, "overtime": true,
	"lone": true, "customer": true, "customers": true, "counter": true, "window": true, "lighting": true,
	"uniform": true, "training": true, "appointment": true, "appointments": true, "leave": true,
	"1:1": true, "one-to-one": true, "tasks": true, "task": true, "priorities": true,
}

// beVague catches "be more flexible", "be very understanding" and the like.
var beVague = regexp.MustCompile(`\bbe (?:more |very |a bit |a little |extra |really )?(?:supportive|flexible|understanding|patient|kind|aware|mindful|sensitive|considerate|accommodating|helpful|nice|positive|open|careful|gentle|lenient)\b`)

// vagueUnlessFigures are words that are vague on their own but fine beside a
// figure: "flexible start between 09:00 and 10:00" can be checked.
var vagueUnlessFigures = []string{"flexible", "flexibly", "flexi", "supported", "support", "help", "helped", "aware"}

var (
	nonWord  = regexp.MustCompile(`[^a-z0-9:'\-]+`)
	hasDigit = regexp.MustCompile(`[0-9]`)
)

// measurableExample is shown with every refusal.
const measurableExample = "shift starts no earlier than 10:00, every shift, for six weeks"

// MaxAdjustmentRunes bounds what and when: a register entry, not an essay.
const MaxAdjustmentRunes = 200

// CheckMeasurable says why an adjustment's wording cannot be checked, or ""
// when it can. The reason is a sentence for the worker, with an example.
func CheckMeasurable(c Context, what, when string) string {
	what, when = strings.TrimSpace(what), strings.TrimSpace(when)
	if what == "" {
		return c.Catalog.T("adjustment.refuse.empty", map[string]any{"Example": measurableExample})
	}
	if len([]rune(what))+len([]rune(when)) > MaxAdjustmentRunes {
		return c.Catalog.T("adjustment.refuse.long", map[string]any{"Max": MaxAdjustmentRunes})
	}
	text := " " + strings.TrimSpace(nonWord.ReplaceAllString(strings.ToLower(what+" "+when), " ")) + " "
	if m := beVague.FindString(text); m != "" {
		return c.Catalog.T("adjustment.refuse.vague", map[string]any{"Phrase": m, "Example": measurableExample})
	}
	for _, p := range vagueAlways {
		if strings.Contains(text, " "+p+" ") {
			return c.Catalog.T("adjustment.refuse.vague", map[string]any{"Phrase": p, "Example": measurableExample})
		}
	}
	words := strings.Fields(text)
	if len(strings.Fields(what)) < 2 {
		return c.Catalog.T("adjustment.refuse.short", map[string]any{"Example": measurableExample})
	}
	if hasDigit.MatchString(text) {
		return ""
	}
	for _, p := range vagueUnlessFigures {
		if strings.Contains(text, " "+p+" ") {
			return c.Catalog.T("adjustment.refuse.vague", map[string]any{"Phrase": p, "Example": measurableExample})
		}
	}
	for _, w := range words {
		if anchorWords[w] {
			return ""
		}
	}
	return c.Catalog.T("adjustment.refuse.unanchored", map[string]any{"Example": measurableExample})
}

// Length is a span of time as people say it: months stay calendar months.
type Length struct {
	Months, Days int
}

// After returns the first day after a period of this length starting on from.
func (l Length) After(from time.Time) time.Time { return from.AddDate(0, l.Months, l.Days) }

// IsZero reports an empty length.
func (l Length) IsZero() bool { return l.Months == 0 && l.Days == 0 }

// MaxAdjustmentLength bounds a single period: longer ones are reviewed and renewed.
const MaxAdjustmentLength = 2 * 365

// ParseLength reads how long something lasts: "six weeks", "6 weeks", "6w",
// "42 days", "a fortnight", "the first month", "3 months".
func ParseLength(s string) (Length, bool) {
	if len(s) > MaxInputRunes {
		return Length{}, false
	}
	var words []string
	for _, w := range strings.Fields(nonWord.ReplaceAllString(strings.ToLower(s), " ")) {
		switch w {
		case "for", "the", "first", "next", "of", "about", "roughly":
			continue
		}
		words = append(words, w)
	}
	// "6w", "42d", "3m" are not split by the regexp: split digits from a unit suffix.
	if len(words) == 1 {
		w := words[0]
		i := strings.IndexFunc(w, func(r rune) bool { return r < '0' || r > '9' })
		if i > 0 {
			words = []string{w[:i], w[i:]}
		}
	}
	n, unit := 1, ""
	switch len(words) {
	case 1:
		unit = words[0] // "fortnight", "month"; "weeks" alone says no length
		if strings.HasSuffix(unit, "s") {
			return Length{}, false
		}
	case 2:
		v, ok := lengthNumber(words[0])
		if !ok {
			return Length{}, false
		}
		n, unit = v, words[1]
	case 3: // "twenty one days"
		tens, ok1 := wordNumbers[words[0]]
		units, ok2 := wordNumbers[words[1]]
		if !ok1 || !ok2 || tens < 20 || tens%10 != 0 || units < 1 || units > 9 {
			return Length{}, false
		}
		n, unit = tens+units, words[2]
	default:
		return Length{}, false
	}
	var l Length
	switch strings.TrimSuffix(unit, "s") {
	case "day", "d":
		l.Days = n
	case "week", "wk", "w":
		l.Days = 7 * n
	case "fortnight":
		l.Days = 14 * n
	case "month", "mo", "mth", "m":
		l.Months = n
	default:
		return Length{}, false
	}
	if n <= 0 || l.Days+31*l.Months > MaxAdjustmentLength {
		return Length{}, false
	}
	return l, true
}

func lengthNumber(w string) (int, bool) {
	if v, err := strconv.Atoi(w); err == nil && len(w) <= 4 {
		return v, true
	}
	switch w {
	case "a", "an", "one":
		return 1, true
	}
	v, ok := wordNumbers[w]
	return v, ok && v > 0
}

var dateLayouts = []string{"2006-01-02", "02/01/2006", "2/1/2006", "02/01/06", "2/1/06", "2 Jan 2006", "2 January 2006", "2 Jan 06"}

// ParseDate reads a date a worker types: "2027-01-04", "4/1/2027" (day
// first), "4 Jan 2027", "4 January", "today", "tomorrow". today is the
// current local date, for relative words and a missing year.
func ParseDate(s string, today time.Time) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) > MaxInputRunes {
		return time.Time{}, false
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch strings.ToLower(s) {
	case "today":
		return day, true
	case "tomorrow":
		return day.AddDate(0, 0, 1), true
	}
	title := strings.Join(strings.Fields(s), " ")
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, title); err == nil {
			// Steady's records start in this century; "1/1/0000" is a typo.
			return t, t.Year() >= 2000 && t.Year() < 2100
		}
	}
	for _, layout := range []string{"2 Jan", "2 January"} {
		if t, err := time.Parse(layout, title); err == nil {
			t = time.Date(day.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			if t.Before(day) {
				t = t.AddDate(1, 0, 0) // "4 January" said in November means next year
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// localDay is today's date on the client's clock, as a UTC midnight for date arithmetic.
func localDay(c Context) time.Time {
	l := c.Local()
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// MaxReviewGap is the longest an open adjustment may go unreviewed.
const MaxReviewGap = 26 * 7 * 24 * time.Hour

// NewAdjustment checks a worker's draft and returns the register entry, or a
// sentence saying what to fix. id is the next free adjustment id.
func NewAdjustment(c Context, id, by string, d AdjustmentDraft) (store.Adjustment, string) {
	if why := CheckMeasurable(c, d.What, d.When); why != "" {
		return store.Adjustment{}, why
	}
	today := localDay(c)
	from := today
	if strings.TrimSpace(d.From) != "" {
		t, ok := ParseDate(d.From, today)
		if !ok {
			return store.Adjustment{}, c.Catalog.T("adjustment.refuse.date", map[string]any{"Field": "from", "Value": d.From})
		}
		from = t
	}
	until, ongoing, why := adjustmentEnd(c, from, d.For)
	if why != "" {
		return store.Adjustment{}, why
	}
	review, why := reviewDate(c, from, until, ongoing, d.Review)
	if why != "" {
		return store.Adjustment{}, why
	}
	a := store.Adjustment{
		ID: id, ClientID: c.Client.ID, What: strings.TrimSpace(d.What), When: strings.TrimSpace(d.When),
		From: from.Format(time.DateOnly), ReviewOn: review.Format(time.DateOnly),
		Status: store.AdjustmentProposed, Shared: d.Shared, Notes: strings.TrimSpace(d.Notes),
	}
	if !ongoing {
		a.Until = until.Format(time.DateOnly)
	}
	a.History = []store.AdjustmentChange{{At: c.Now, By: by, Field: "created", To: AdjustmentLine(a), Reason: "added to the register"}}
	return a, ""
}

// adjustmentEnd reads "for": a length from from, an end date, or "ongoing".
func adjustmentEnd(c Context, from time.Time, s string) (until time.Time, ongoing bool, why string) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch s {
	case "":
		return time.Time{}, false, c.Catalog.T("adjustment.refuse.how_long", map[string]any{"Example": measurableExample})
	case "ongoing", "permanent", "permanently", "indefinitely", "no end date":
		return time.Time{}, true, ""
	}
	if rest, ok := strings.CutPrefix(s, "until "); ok {
		s = rest
	}
	if t, ok := ParseDate(s, from); ok {
		if t.Before(from) {
			return time.Time{}, false, c.Catalog.T("adjustment.refuse.ends_before", nil)
		}
		return t, false, ""
	}
	l, ok := ParseLength(s)
	if !ok {
		return time.Time{}, false, c.Catalog.T("adjustment.refuse.how_long", map[string]any{"Example": measurableExample})
	}
	return l.After(from).AddDate(0, 0, -1), false, ""
}

// reviewDate reads the review date: a date, or a length from from; by default
// the day after the period ends ("review at six weeks").
func reviewDate(c Context, from, until time.Time, ongoing bool, s string) (time.Time, string) {
	today := localDay(c)
	s = strings.TrimSpace(s)
	var review time.Time
	switch {
	case s == "" && ongoing:
		return time.Time{}, c.Catalog.T("adjustment.refuse.review_needed", nil)
	case s == "":
		review = until.AddDate(0, 0, 1)
	default:
		low := strings.TrimPrefix(strings.ToLower(s), "at ")
		low = strings.TrimPrefix(low, "in ")
		if t, ok := ParseDate(low, today); ok {
			review = t
		} else if l, ok := ParseLength(low); ok {
			review = l.After(from)
		} else {
			return time.Time{}, c.Catalog.T("adjustment.refuse.date", map[string]any{"Field": "review", "Value": s})
		}
	}
	if review.Before(today) {
		return time.Time{}, c.Catalog.T("adjustment.refuse.review_past", nil)
	}
	latest := today.Add(MaxReviewGap)
	if !ongoing && until.AddDate(0, 0, 15).Before(latest) {
		latest = until.AddDate(0, 0, 15)
	}
	if review.After(latest) {
		return time.Time{}, c.Catalog.T("adjustment.refuse.review_late", map[string]any{"Latest": latest.Format("2 Jan 2006")})
	}
	return review, ""
}

// AdjustmentFields a worker may change, with the status changes allowed.
var adjustmentStatusMoves = map[string][]string{
	store.AdjustmentProposed:    {store.AdjustmentInPlace, store.AdjustmentDeclined, store.AdjustmentEnded},
	store.AdjustmentInPlace:     {store.AdjustmentSteppedDown, store.AdjustmentEnded},
	store.AdjustmentSteppedDown: {store.AdjustmentInPlace, store.AdjustmentEnded},
	store.AdjustmentDeclined:    {store.AdjustmentProposed},
	store.AdjustmentEnded:       {},
}

// ChangeAdjustment applies one change a worker makes (field: what, when,
// until, review_on, status, shared, notes), with the reason recorded. It
// returns the changed adjustment or a sentence saying what to fix.
func ChangeAdjustment(c Context, a store.Adjustment, by, field, value, reason string) (store.Adjustment, string) {
	reason, value = strings.TrimSpace(reason), strings.TrimSpace(value)
	if reason == "" {
		return a, c.Catalog.T("adjustment.refuse.reason", nil)
	}
	today := localDay(c)
	var before string
	switch field {
	case "what", "when":
		what, when := a.What, a.When
		if field == "what" {
			before, what = a.What, value
		} else {
			before, when = a.When, value
		}
		if why := CheckMeasurable(c, what, when); why != "" {
			return a, why
		}
		a.What, a.When = what, when
	case "until":
		start, _ := time.Parse(time.DateOnly, a.From)
		until, ongoing, why := adjustmentEnd(c, start, value)
		if why != "" {
			return a, why
		}
		before = a.Until
		if ongoing {
			a.Until = ""
		} else {
			a.Until = until.Format(time.DateOnly)
		}
		value = a.Until
	case "review_on":
		start, _ := time.Parse(time.DateOnly, a.From)
		until, _ := time.Parse(time.DateOnly, a.Until)
		if a.Until == "" || until.Before(today) {
			until = today.Add(MaxReviewGap)
		}
		review, why := reviewDate(c, start, until, a.Until == "", value)
		if why != "" {
			return a, why
		}
		before, a.ReviewOn = a.ReviewOn, review.Format(time.DateOnly)
		value = a.ReviewOn
	case "status":
		if !slices.Contains(adjustmentStatusMoves[a.Status], value) {
			return a, c.Catalog.T("adjustment.refuse.status", map[string]any{"From": a.Status, "To": value, "Allowed": strings.Join(adjustmentStatusMoves[a.Status], ", ")})
		}
		before, a.Status = a.Status, value
	case "shared":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return a, c.Catalog.T("adjustment.refuse.shared", nil)
		}
		before, a.Shared = strconv.FormatBool(a.Shared), b
	case "notes":
		before, a.Notes = "", value // notes are not copied into the history: it is read more widely
		value = ""
	default:
		return a, c.Catalog.T("adjustment.refuse.field", map[string]any{"Field": field})
	}
	a.History = append(a.History, store.AdjustmentChange{At: c.Now, By: by, Field: field, From: before, To: value, Reason: reason})
	return a, ""
}

// ReviewAdjustment records a review: what was decided, and the next review
// date unless the adjustment ends. Stepping down or changing it records the
// change too (r.Note says how, for the history).
func ReviewAdjustment(c Context, a store.Adjustment, r store.AdjustmentReview) (store.Adjustment, string) {
	if !a.Open() {
		return a, c.Catalog.T("adjustment.refuse.closed", map[string]any{"Status": a.Status})
	}
	r.At, r.Due = c.Now, a.ReviewOn
	switch r.Outcome {
	case store.ReviewEnd:
		r.Next = ""
		a.History = append(a.History, store.AdjustmentChange{At: c.Now, By: r.By, Field: "status", From: a.Status, To: store.AdjustmentEnded, Reason: "ended at review"})
		a.Status = store.AdjustmentEnded
	case store.ReviewContinue, store.ReviewStepDown, store.ReviewChange:
		start, _ := time.Parse(time.DateOnly, a.From)
		until, err := time.Parse(time.DateOnly, a.Until)
		ongoing := err != nil
		if !ongoing && until.Before(localDay(c)) {
			// Continuing past the agreed end extends the period to the next review.
			ongoing = true
		}
		next, why := reviewDate(c, start, until, ongoing, r.Next)
		if why != "" {
			return a, why
		}
		r.Next = next.Format(time.DateOnly)
		if r.Outcome == store.ReviewStepDown && a.Status == store.AdjustmentInPlace {
			a.History = append(a.History, store.AdjustmentChange{At: c.Now, By: r.By, Field: "status", From: a.Status, To: store.AdjustmentSteppedDown, Reason: "stepped down at review"})
			a.Status = store.AdjustmentSteppedDown
		}
		if ongoing && a.Until != "" && until.Before(next) {
			a.History = append(a.History, store.AdjustmentChange{At: c.Now, By: r.By, Field: "until", From: a.Until, To: next.AddDate(0, 0, -1).Format(time.DateOnly), Reason: "continued at review"})
			a.Until = next.AddDate(0, 0, -1).Format(time.DateOnly)
		}
		a.History = append(a.History, store.AdjustmentChange{At: c.Now, By: r.By, Field: "review_on", From: a.ReviewOn, To: r.Next, Reason: "reviewed: " + r.Outcome})
		a.ReviewOn = r.Next
	default:
		return a, c.Catalog.T("adjustment.refuse.outcome", nil)
	}
	a.Reviews = append(a.Reviews, r)
	return a, ""
}

// AdjustmentLine is the one-line form of an adjustment for lists and histories.
func AdjustmentLine(a store.Adjustment) string {
	s := a.What
	if a.When != "" {
		s += ", " + a.When
	}
	if a.Until != "" {
		s += fmt.Sprintf(" (%s to %s)", a.From, a.Until)
	} else {
		s += fmt.Sprintf(" (from %s, ongoing)", a.From)
	}
	return s
}
