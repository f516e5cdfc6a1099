package scheduler

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Recurrence yields civil (wall-clock) times. It knows nothing of zones, so
// daylight saving cannot make it skip or repeat.
type Recurrence interface {
	// Next returns the first civil time strictly after after, or the zero
	// time if there is none.
	Next(after time.Time) time.Time
	// String returns the rule in the form ParseRule reads.
	String() string
}

// ParseRule reads a recurrence:
//
//	daily 07:30
//	weekly mon,thu 10:00
//	cron 30 1 * * sun      (five fields: minute hour day-of-month month day-of-week)
//
// A bad rule is an error, never a panic.
func ParseRule(rule string) (Recurrence, error) {
	f := strings.Fields(strings.ToLower(strings.TrimSpace(rule)))
	if len(f) == 0 {
		return nil, errors.New("schedule: empty rule")
	}
	switch f[0] {
	case "daily":
		if len(f) != 2 {
			return nil, fmt.Errorf("schedule: %q: want \"daily HH:MM\"", rule)
		}
		h, m, err := parseHHMM(f[1])
		if err != nil {
			return nil, fmt.Errorf("schedule: %q: %w", rule, err)
		}
		return weekly{days: allDays, hour: h, minute: m, daily: true}, nil
	case "weekly":
		if len(f) != 3 {
			return nil, fmt.Errorf("schedule: %q: want \"weekly DAY[,DAY] HH:MM\"", rule)
		}
		days, err := parseDays(f[1])
		if err != nil {
			return nil, fmt.Errorf("schedule: %q: %w", rule, err)
		}
		h, m, err := parseHHMM(f[2])
		if err != nil {
			return nil, fmt.Errorf("schedule: %q: %w", rule, err)
		}
		return weekly{days: days, hour: h, minute: m}, nil
	case "once":
		// A dated one-shot kept as a series, so changing its date replaces
		// the pending occurrence in one step instead of hunting for it.
		if len(f) != 3 {
			return nil, fmt.Errorf("schedule: %q: want \"once YYYY-MM-DD HH:MM\"", rule)
		}
		at, err := time.Parse("2006-01-02 15:04", f[1]+" "+f[2])
		if err != nil {
			return nil, fmt.Errorf("schedule: %q: want \"once YYYY-MM-DD HH:MM\"", rule)
		}
		return once{at: at}, nil
	case "cron":
		return parseCron(strings.Join(strings.Fields(strings.TrimSpace(rule))[1:], " "))
	}
	return nil, fmt.Errorf("schedule: %q: starts with daily, weekly, once or cron", rule)
}

// once happens at one civil time.
type once struct{ at time.Time }

func (o once) Next(after time.Time) time.Time {
	if o.at.After(after) {
		return o.at
	}
	return time.Time{}
}

func (o once) String() string { return "once " + o.at.Format("2006-01-02 15:04") }

const allDays = 0x7f

type weekly struct {
	days         uint8 // bit d set: time.Weekday d
	hour, minute int
	daily        bool
}

func (w weekly) Next(after time.Time) time.Time {
	day := time.Date(after.Year(), after.Month(), after.Day(), w.hour, w.minute, 0, 0, time.UTC)
	for i := 0; i < 8; i++ {
		c := day.AddDate(0, 0, i)
		if w.days&(1<<uint(c.Weekday())) != 0 && c.After(after) {
			return c
		}
	}
	return time.Time{}
}

func (w weekly) String() string {
	at := fmt.Sprintf("%02d:%02d", w.hour, w.minute)
	if w.daily {
		return "daily " + at
	}
	var names []string
	for d := time.Sunday; d <= time.Saturday; d++ {
		if w.days&(1<<uint(d)) != 0 {
			names = append(names, strings.ToLower(d.String()[:3]))
		}
	}
	return "weekly " + strings.Join(names, ",") + " " + at
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

func parseDays(s string) (uint8, error) {
	var days uint8
	for _, part := range strings.Split(s, ",") {
		if len(part) < 3 {
			return 0, fmt.Errorf("unknown day %q", part)
		}
		d, ok := dayNames[part[:3]]
		if !ok {
			return 0, fmt.Errorf("unknown day %q", part)
		}
		days |= 1 << uint(d)
	}
	return days, nil
}

func parseHHMM(s string) (int, int, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || len(m) != 2 {
		return 0, 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	return hh, mm, nil
}

// cronStar is robfig/cron's marker for a field written as "*"; it decides
// whether day-of-month and day-of-week combine with AND or OR, as in crontab.
const cronStar = 1 << 63

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

type cronRule struct {
	spec string
	s    *cron.SpecSchedule
}

func parseCron(spec string) (rec Recurrence, err error) {
	// robfig/cron panics on some malformed specs; a worker's typo must not crash the bot.
	defer func() {
		if r := recover(); r != nil {
			rec, err = nil, fmt.Errorf("schedule: cron %q: invalid", spec)
		}
	}()
	if strings.ContainsAny(spec, "=@") {
		// Zones come from the client's profile, never from the spec; descriptors
		// like @every have no wall-clock meaning.
		return nil, fmt.Errorf("schedule: cron %q: use five fields without TZ= or @", spec)
	}
	sched, err := cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule: cron %q: %w", spec, err)
	}
	ss, ok := sched.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("schedule: cron %q: unsupported", spec)
	}
	r := cronRule{spec: spec, s: ss}
	if r.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, fmt.Errorf("schedule: cron %q never fires", spec)
	}
	return r, nil
}

func (r cronRule) String() string { return "cron " + r.spec }

func (r cronRule) dayMatches(d time.Time) bool {
	if r.s.Month&(1<<uint(d.Month())) == 0 {
		return false
	}
	dom := r.s.Dom&(1<<uint(d.Day())) != 0
	dow := r.s.Dow&(1<<uint(d.Weekday())) != 0
	if r.s.Dom&cronStar != 0 || r.s.Dow&cronStar != 0 {
		return dom && dow
	}
	return dom || dow
}

// Next walks civil days (at most eight years, enough for 29 February on a given weekday).
func (r cronRule) Next(after time.Time) time.Time {
	start := time.Date(after.Year(), after.Month(), after.Day(), 0, 0, 0, 0, time.UTC)
	for i := 0; i < 366*8; i++ {
		d := start.AddDate(0, 0, i)
		if !r.dayMatches(d) {
			continue
		}
		for h := 0; h < 24; h++ {
			if r.s.Hour&(1<<uint(h)) == 0 {
				continue
			}
			for m := 0; m < 60; m++ {
				if r.s.Minute&(1<<uint(m)) == 0 {
					continue
				}
				if c := d.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute); c.After(after) {
					return c
				}
			}
		}
	}
	return time.Time{}
}
