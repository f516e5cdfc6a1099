package flows

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Hours are a member of staff's working hours: for each weekday, the spans
// of the day (minutes since local midnight) they are at work.
type Hours struct {
	spans [7][]span // by time.Weekday
	text  string
}

type span struct{ from, to int } // [from, to) in minutes of the day

// Always is "at work at every hour": on-call cover, or a service with no hours set.
var Always = Hours{spans: [7][]span{{{0, 1440}}, {{0, 1440}}, {{0, 1440}}, {{0, 1440}}, {{0, 1440}}, {{0, 1440}}, {{0, 1440}}}, text: "always"}

// MaxHoursInput bounds a working-hours setting; a real one is a few clauses.
const MaxHoursInput = 200

// ParseHours reads working hours as a worker writes them:
//
//	mon-fri 09:00-17:00
//	mon-thu 08:30-16:30, fri 08:30-13:00
//	sat,sun 10:00-14:00; tue 22:00-06:00   (a span past midnight runs into the next day)
//	always
//
// Times are 24-hour HH:MM in the worker's own zone.
func ParseHours(s string) (Hours, error) {
	text := strings.ToLower(strings.TrimSpace(s))
	if len(text) > MaxHoursInput {
		return Hours{}, fmt.Errorf("working hours: too long; write e.g. \"mon-fri 09:00-17:00\"")
	}
	if text == "always" || text == "24/7" {
		return Always, nil
	}
	var h Hours
	clauses := strings.Split(text, ";")
	// Commas separate days ("mon,wed") as well as clauses; a clause starts at each day list.
	clauses = splitClauses(clauses)
	if len(clauses) == 0 {
		return Hours{}, fmt.Errorf("working hours: empty; write e.g. \"mon-fri 09:00-17:00\"")
	}
	for _, cl := range clauses {
		f := strings.Fields(cl)
		if len(f) != 2 {
			return Hours{}, fmt.Errorf("working hours: %q: write days then times, e.g. \"mon-fri 09:00-17:00\"", cl)
		}
		days, err := parseDayList(f[0])
		if err != nil {
			return Hours{}, fmt.Errorf("working hours: %q: %w", cl, err)
		}
		a, b, ok := strings.Cut(f[1], "-")
		from, err1 := parseHHMM(a)
		to, err2 := parseHHMM(b)
		if !ok || err1 != nil || err2 != nil {
			return Hours{}, fmt.Errorf("working hours: %q: times are 24-hour, e.g. 09:00-17:00", cl)
		}
		if from == to {
			return Hours{}, fmt.Errorf("working hours: %q: the span is empty", cl)
		}
		for _, d := range days {
			if to > from {
				h.spans[d] = append(h.spans[d], span{from, to})
				continue
			}
			h.spans[d] = append(h.spans[d], span{from, 1440})
			if to > 0 {
				next := (d + 1) % 7
				h.spans[next] = append(h.spans[next], span{0, to})
			}
		}
	}
	h.text = text
	return h, nil
}

// splitClauses splits "mon-thu 08:30-16:30, fri 08:30-13:00" at the commas
// that start a new clause (those followed by a day list and a time span),
// leaving "mon,wed 09:00-17:00" whole.
func splitClauses(parts []string) []string {
	var out []string
	for _, p := range parts {
		pieces := strings.Split(p, ",")
		cur := ""
		for _, piece := range pieces {
			piece = strings.TrimSpace(piece)
			if piece == "" {
				continue
			}
			if cur != "" && strings.Contains(cur, ":") {
				out = append(out, cur)
				cur = ""
			}
			if cur == "" {
				cur = piece
			} else {
				cur += "," + piece
			}
		}
		if cur != "" {
			out = append(out, cur)
		}
	}
	return out
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

func parseDay(s string) (time.Weekday, error) {
	if len(s) >= 3 {
		if d, ok := weekdays[s[:3]]; ok && strings.HasPrefix(strings.ToLower(d.String()), s) {
			return d, nil
		}
	}
	return 0, fmt.Errorf("unknown day %q", s)
}

func parseDayList(s string) ([]time.Weekday, error) {
	if s == "daily" || s == "every" {
		return []time.Weekday{0, 1, 2, 3, 4, 5, 6}, nil
	}
	var out []time.Weekday
	for _, part := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(part, "-")
		from, err := parseDay(a)
		if err != nil {
			return nil, err
		}
		if !isRange {
			out = append(out, from)
			continue
		}
		to, err := parseDay(b)
		if err != nil {
			return nil, err
		}
		for d := from; ; d = (d + 1) % 7 {
			out = append(out, d)
			if d == to {
				break
			}
		}
	}
	return out, nil
}

func parseHHMM(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || len(h) < 1 || len(h) > 2 || hh < 0 || hh > 24 || mm < 0 || mm > 59 || hh == 24 && mm != 0 {
		return 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	return hh*60 + mm, nil
}

// String returns the hours as written.
func (h Hours) String() string { return h.text }

// IsZero reports whether no hours are set at all.
func (h Hours) IsZero() bool {
	for _, d := range h.spans {
		if len(d) > 0 {
			return false
		}
	}
	return true
}

// In reports whether t falls in working hours, on the clock of loc.
func (h Hours) In(t time.Time, loc *time.Location) bool {
	l := t.In(loc)
	m := l.Hour()*60 + l.Minute()
	for _, s := range h.spans[l.Weekday()] {
		if m >= s.from && m < s.to {
			return true
		}
	}
	return false
}

// NextStart returns the first instant at or after t that falls in working
// hours (t itself when it does), or false when there are none. Clocks going
// forward are handled by time.Date: a start in the gap moves past it.
func (h Hours) NextStart(t time.Time, loc *time.Location) (time.Time, bool) {
	if h.In(t, loc) {
		return t, true
	}
	l := t.In(loc)
	var best time.Time
	for i := 0; i <= 7; i++ {
		day := time.Date(l.Year(), l.Month(), l.Day()+i, 0, 0, 0, 0, loc)
		for _, s := range h.spans[day.Weekday()] {
			c := time.Date(day.Year(), day.Month(), day.Day(), s.from/60, s.from%60, 0, 0, loc)
			if c.After(t) && (best.IsZero() || c.Before(best)) {
				best = c
			}
		}
		if !best.IsZero() {
			return best, true
		}
	}
	return time.Time{}, false
}
