package store

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Civil times in this file are wall-clock readings in the client's zone,
// held as time.Time values in UTC (as the scheduler holds them): 22:00 here
// means 22:00 on the client's clock, whatever daylight saving does.

// Rota is when a client works, on their own clock: a weekly pattern plus
// dated shifts (one-offs, and changes to a patterned day). A shift whose
// end is at or before its start runs past midnight.
type Rota struct {
	Weekly []WeeklyShift `json:"weekly,omitempty"`
	Shifts []Shift       `json:"shifts,omitempty"`
	// DebriefAll asks for a debrief after every shift. Without it only the
	// first three shifts of a new job get one (the practice minimum).
	DebriefAll bool `json:"debrief_all,omitempty"`
	// DebriefAfterMin is how long after a shift ends its debrief is due
	// (0: DefaultDebriefAfter).
	DebriefAfterMin int `json:"debrief_after_min,omitempty"`
}

// DefaultDebriefAfter is how long after a shift ends its debrief comes, by default.
const DefaultDebriefAfter = 30 * time.Minute

// WeeklyShift is a shift that repeats on a day of the week.
type WeeklyShift struct {
	Day   string `json:"day"`   // mon … sun
	Start string `json:"start"` // "09:00"
	End   string `json:"end"`   // "17:00"; at or before Start: the next day
}

// Shift is a dated shift: a one-off, or a change to the patterned shift
// that starts at the same date and time (Off: that shift is not worked).
type Shift struct {
	Date  string `json:"date"`  // local start date, 2006-01-02
	Start string `json:"start"` // "10:00"
	End   string `json:"end,omitempty"`
	Off   bool   `json:"off,omitempty"`
}

// ID names a shift by where it starts on the client's clock: a dated shift
// and the patterned shift it changes share it.
func (s Shift) ID() string { return ShiftID(s.Date, s.Start) }

// ShiftID names the shift starting at date and start.
func ShiftID(date, start string) string { return date + "T" + start }

// ShiftInstance is one concrete shift: civil start and end.
type ShiftInstance struct {
	ID         string
	Start, End time.Time // civil
	Weekly     bool      // from the pattern (not a dated shift)
}

// Date is the local date the shift starts on.
func (s ShiftInstance) Date() string { return s.Start.Format(time.DateOnly) }

// DebriefAfter is how long after a shift ends its debrief is due.
func (r Rota) DebriefAfter() time.Duration {
	if r.DebriefAfterMin > 0 {
		return time.Duration(r.DebriefAfterMin) * time.Minute
	}
	return DefaultDebriefAfter
}

// Empty reports whether the rota has no shifts at all.
func (r Rota) Empty() bool { return len(r.Weekly) == 0 && len(r.Shifts) == 0 }

// On returns the shifts that start on a local date, earliest first: the
// pattern's for that weekday unless a dated shift changes or cancels it,
// and the dated shifts.
func (r Rota) On(date string) []ShiftInstance {
	day, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return nil
	}
	dated := map[string]bool{}
	var out []ShiftInstance
	for _, s := range r.Shifts {
		if s.Date != date {
			continue
		}
		dated[s.Start] = true
		if !s.Off {
			if in, ok := instance(day, s.Start, s.End); ok {
				out = append(out, in)
			}
		}
	}
	wd := strings.ToLower(day.Weekday().String()[:3])
	for _, w := range r.Weekly {
		if w.Day == wd && !dated[w.Start] {
			if in, ok := instance(day, w.Start, w.End); ok {
				in.Weekly = true
				out = append(out, in)
			}
		}
	}
	slices.SortFunc(out, func(a, b ShiftInstance) int { return a.Start.Compare(b.Start) })
	return slices.CompactFunc(out, func(a, b ShiftInstance) bool { return a.ID == b.ID })
}

func instance(day time.Time, start, end string) (ShiftInstance, bool) {
	sh, sm, err1 := clock(start)
	eh, em, err2 := clock(end)
	if err1 != nil || err2 != nil {
		return ShiftInstance{}, false
	}
	s := time.Date(day.Year(), day.Month(), day.Day(), sh, sm, 0, 0, time.UTC)
	e := time.Date(day.Year(), day.Month(), day.Day(), eh, em, 0, 0, time.UTC)
	if !e.After(s) {
		e = e.AddDate(0, 0, 1)
	}
	return ShiftInstance{ID: ShiftID(s.Format(time.DateOnly), start), Start: s, End: e}, true
}

// Find returns the shift with an id, if the rota has it.
func (r Rota) Find(id string) (ShiftInstance, bool) {
	date, _, ok := strings.Cut(id, "T")
	if !ok {
		return ShiftInstance{}, false
	}
	for _, in := range r.On(date) {
		if in.ID == id {
			return in, true
		}
	}
	return ShiftInstance{}, false
}

// At returns the shift in progress at a civil time, if any (one that
// started the day before runs past midnight into it).
func (r Rota) At(local time.Time) (ShiftInstance, bool) {
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	for _, d := range []time.Time{day.AddDate(0, 0, -1), day} {
		for _, in := range r.On(d.Format(time.DateOnly)) {
			if !local.Before(in.Start) && local.Before(in.End) {
				return in, true
			}
		}
	}
	return ShiftInstance{}, false
}

// Between returns the shifts starting on local dates from..to inclusive, earliest first.
func (r Rota) Between(from, to string) []ShiftInstance {
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return nil
	}
	var out []ShiftInstance
	for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
		out = append(out, r.On(d.Format(time.DateOnly))...)
	}
	return out
}

// firstShiftsHorizon bounds the search for a new job's first shifts: a rota
// with none in four months has none that count as the job's first.
const firstShiftsHorizon = 120

// First returns the first n shifts starting on or after the local date from.
func (r Rota) First(from string, n int) []ShiftInstance {
	d, err := time.Parse(time.DateOnly, from)
	if err != nil || r.Empty() {
		return nil
	}
	var out []ShiftInstance
	for i := 0; i < firstShiftsHorizon && len(out) < n; i++ {
		out = append(out, r.On(d.AddDate(0, 0, i).Format(time.DateOnly))...)
	}
	return out[:min(n, len(out))]
}

// Validate reports every mistake in the rota, one line each.
func (r Rota) Validate() error {
	var errs []error
	for _, w := range r.Weekly {
		if _, ok := weekdays[w.Day]; !ok {
			errs = append(errs, fmt.Errorf("weekly shift day %q: use mon, tue, wed, thu, fri, sat or sun", w.Day))
		}
		errs = append(errs, checkSpan(w.Start, w.End))
	}
	for _, s := range r.Shifts {
		if _, err := time.Parse(time.DateOnly, s.Date); err != nil {
			errs = append(errs, fmt.Errorf("shift date %q: use YYYY-MM-DD", s.Date))
		}
		if s.Off {
			_, _, err := clock(s.Start)
			errs = append(errs, err)
			continue
		}
		errs = append(errs, checkSpan(s.Start, s.End))
	}
	if r.DebriefAfterMin < 0 || r.DebriefAfterMin > 12*60 {
		errs = append(errs, fmt.Errorf("debrief delay %d min: use 0 to 720", r.DebriefAfterMin))
	}
	return errors.Join(errs...)
}

func checkSpan(start, end string) error {
	if _, _, err := clock(start); err != nil {
		return err
	}
	if _, _, err := clock(end); err != nil {
		return err
	}
	if start == end {
		return fmt.Errorf("shift %s-%s has no length", start, end)
	}
	return nil
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// clock reads a 24-hour "HH:MM".
func clock(s string) (int, int, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(h) != 2 || len(m) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, 0, fmt.Errorf("time %q: use a 24-hour time like 09:00", s)
	}
	return hh, mm, nil
}

// ParseSpan reads "09:00-17:00" (or "22:00-06:00", past midnight). Times
// may be written 9:00 or 0900; they come back as HH:MM.
func ParseSpan(s string) (start, end string, err error) {
	a, b, ok := strings.Cut(strings.ReplaceAll(strings.TrimSpace(s), " ", ""), "-")
	if !ok {
		return "", "", fmt.Errorf("shift %q: write it as START-END, like 09:00-17:00", s)
	}
	if start, err = normaliseClock(a); err != nil {
		return "", "", err
	}
	if end, err = normaliseClock(b); err != nil {
		return "", "", err
	}
	if start == end {
		return "", "", fmt.Errorf("shift %q has no length", s)
	}
	return start, end, nil
}

func normaliseClock(s string) (string, error) {
	if len(s) == 4 && !strings.Contains(s, ":") {
		s = s[:2] + ":" + s[2:]
	}
	if len(s) == 4 && s[1] == ':' {
		s = "0" + s
	}
	h, m, err := clock(s)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%02d:%02d", h, m), nil
}

// ParseWeeklyShift reads "mon 09:00-17:00".
func ParseWeeklyShift(s string) (WeeklyShift, error) {
	day, span, ok := strings.Cut(strings.TrimSpace(strings.ToLower(s)), " ")
	if !ok {
		return WeeklyShift{}, fmt.Errorf("weekly shift %q: write it as DAY START-END, like mon 09:00-17:00", s)
	}
	if len(day) < 3 {
		return WeeklyShift{}, fmt.Errorf("weekly shift %q: unknown day %q", s, day)
	}
	if _, ok := weekdays[day[:3]]; !ok {
		return WeeklyShift{}, fmt.Errorf("weekly shift %q: unknown day %q", s, day)
	}
	start, end, err := ParseSpan(span)
	if err != nil {
		return WeeklyShift{}, err
	}
	return WeeklyShift{Day: day[:3], Start: start, End: end}, nil
}

// ParseShift reads a dated shift: "2026-11-28 10:00-16:00", or
// "2026-11-28 09:00 off" for a patterned shift not worked that day.
func ParseShift(s string) (Shift, error) {
	date, rest, ok := strings.Cut(strings.TrimSpace(strings.ToLower(s)), " ")
	if !ok {
		return Shift{}, fmt.Errorf("shift %q: write it as DATE START-END, like 2026-11-28 10:00-16:00", s)
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return Shift{}, fmt.Errorf("shift %q: date %q: use YYYY-MM-DD", s, date)
	}
	rest = strings.TrimSpace(rest)
	if at, ok := strings.CutSuffix(rest, " off"); ok {
		start, err := normaliseClock(strings.TrimSpace(at))
		if err != nil {
			return Shift{}, err
		}
		return Shift{Date: date, Start: start, Off: true}, nil
	}
	start, end, err := ParseSpan(rest)
	if err != nil {
		return Shift{}, err
	}
	return Shift{Date: date, Start: start, End: end}, nil
}

// String writes a weekly shift the way ParseWeeklyShift reads it.
func (w WeeklyShift) String() string { return w.Day + " " + w.Start + "-" + w.End }

// String writes a dated shift the way ParseShift reads it.
func (s Shift) String() string {
	if s.Off {
		return s.Date + " " + s.Start + " off"
	}
	return s.Date + " " + s.Start + "-" + s.End
}

// QuietHours are when a client is not prompted, on their clock (e.g.
// 21:30-07:00). A crisis answer never waits for them.
type QuietHours struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Set reports whether the client has quiet hours.
func (q QuietHours) Set() bool { return q.Start != "" && q.End != "" && q.Start != q.End }

// String writes quiet hours as ParseSpan reads them.
func (q QuietHours) String() string {
	if !q.Set() {
		return ""
	}
	return q.Start + "-" + q.End
}

// EndOf returns, for a civil time inside the quiet hours, the civil time
// they end; false when it is outside them.
func (q QuietHours) EndOf(local time.Time) (time.Time, bool) {
	if !q.Set() {
		return time.Time{}, false
	}
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	for _, d := range []time.Time{day.AddDate(0, 0, -1), day} {
		in, ok := instance(d, q.Start, q.End)
		if ok && !local.Before(in.Start) && local.Before(in.End) {
			return in.End, true
		}
	}
	return time.Time{}, false
}

// WorkerReminder reminds the client's worker of something on a day: a
// number of weeks after the job starts, or a date.
type WorkerReminder struct {
	Week int    `json:"week,omitempty"` // weeks after the job start (week 2: 14 days in)
	Date string `json:"date,omitempty"` // or a local date, 2006-01-02
	Note string `json:"note"`           // the worker's own words, e.g. "check in with the supervisor"
}

// Day returns the local date the reminder is for, given the job start
// (false when it is week-based and there is no job start).
func (w WorkerReminder) Day(jobStart string) (string, bool) {
	if w.Date != "" {
		return w.Date, true
	}
	start, err := time.Parse(time.DateOnly, jobStart)
	if err != nil || w.Week <= 0 {
		return "", false
	}
	return start.AddDate(0, 0, 7*w.Week).Format(time.DateOnly), true
}

// Validate reports what is wrong with a reminder.
func (w WorkerReminder) Validate() error {
	switch {
	case strings.TrimSpace(w.Note) == "":
		return errors.New("worker reminder: say what to do (note)")
	case (w.Week > 0) == (w.Date != ""):
		return fmt.Errorf("worker reminder %q: give either a week after the job start or a date", w.Note)
	case w.Week < 0 || w.Week > 104:
		return fmt.Errorf("worker reminder %q: week %d is out of range", w.Note, w.Week)
	}
	if w.Date != "" {
		if _, err := time.Parse(time.DateOnly, w.Date); err != nil {
			return fmt.Errorf("worker reminder %q: date %q: use YYYY-MM-DD", w.Note, w.Date)
		}
	}
	return nil
}

// MissedPrompt records a prompt that closed without an answer, or was never
// sent because Steady was not running when it fell due. Workers see them;
// the missed check-ins rule counts them.
type MissedPrompt struct {
	ID       string    `json:"id"`             // the prompt (an occurrence id)
	Kind     string    `json:"kind"`           // weekly_checkin, sleep_log, debrief, …
	Flow     string    `json:"flow,omitempty"` // the flow it opened, if it was sent
	Date     string    `json:"date"`           // local date it was due
	Due      time.Time `json:"due"`
	Reason   string    `json:"reason"` // MissedUnanswered, MissedSuperseded, MissedDown
	Recorded time.Time `json:"recorded"`
}

// Why a prompt was missed.
const (
	MissedUnanswered = "unanswered"  // sent, not answered within its window
	MissedSuperseded = "superseded"  // sent, left unanswered when the next prompt came
	MissedDown       = "not_running" // fell due while Steady was not running
	MissedBusy       = "busy"        // another conversation stayed open until it was too late
)
