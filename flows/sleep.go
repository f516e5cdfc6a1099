package flows

import (
	"fmt"
	"strconv"
	"strings"

	"steady/store"
)

// FlowSleep is the morning sleep log.
const FlowSleep = "sleep"

// AnswerNight is where a sleep log keeps the date of the morning it asks about.
const AnswerNight = "night"

// SleepLog asks bedtime, time to fall asleep, awakenings, wake time and
// quality, then records the night.
var SleepLog = Flow{
	Name:  FlowSleep,
	Title: "title.sleep",
	Intro: "sleep.intro",
	Questions: []Question{
		{
			State: "bedtime",
			Ask: func(c Context, conv store.Conversation) Message {
				return Message{Text: c.Catalog.T("sleep.bedtime", nil), ValueChoices: true, Choices: []Choice{
					{"9pm", "21:00"}, {"10pm", "22:00"}, {"11pm", "23:00"}, {"Midnight", "00:00"}, {"1am", "01:00"}, {"2am", "02:00"},
				}}
			},
			Answer: clockAnswer(Evening, "sleep.reask_bedtime"),
		},
		{
			State: "latency",
			Ask: func(c Context, conv store.Conversation) Message {
				return Message{Text: c.Catalog.T("sleep.latency", nil), ValueChoices: true, Choices: []Choice{
					{"Under 15 min", "10"}, {"15–30 min", "20"}, {"30–60 min", "45"}, {"Over an hour", "75"},
				}}
			},
			Answer: func(c Context, in Input) (string, string) {
				v, r := ReadMinutes(answerText(in))
				switch {
				case r == OutOfRange, r == Read && v > maxLatency:
					return "", "sleep.reask_latency_range"
				case r != Read:
					return "", "sleep.reask_latency"
				}
				return strconv.Itoa(v), ""
			},
		},
		{
			State: "awakenings",
			Ask: func(c Context, conv store.Conversation) Message {
				return Message{Text: c.Catalog.T("sleep.awakenings", nil), ValueChoices: true, Choices: []Choice{
					{"0", "0"}, {"1", "1"}, {"2", "2"}, {"3", "3"}, {"4+", "4"},
				}}
			},
			Answer: func(c Context, in Input) (string, string) {
				v, r := ReadCount(strings.TrimSuffix(strings.TrimSpace(answerText(in)), "+"), maxAwakenings)
				switch r {
				case OutOfRange:
					return "", "sleep.reask_awakenings_range"
				case Unreadable:
					return "", "sleep.reask_awakenings"
				}
				return strconv.Itoa(v), ""
			},
		},
		{
			State: "wake",
			Ask: func(c Context, conv store.Conversation) Message {
				return Message{Text: c.Catalog.T("sleep.wake", nil), ValueChoices: true, Choices: []Choice{
					{"5am", "05:00"}, {"6am", "06:00"}, {"7am", "07:00"}, {"8am", "08:00"}, {"9am", "09:00"}, {"10am", "10:00"},
				}}
			},
			Answer: clockAnswer(Morning, "sleep.reask_wake"),
		},
		{
			State: "quality",
			Ask: func(c Context, conv store.Conversation) Message {
				return Message{Text: c.Catalog.T("sleep.quality", nil), ValueChoices: true, Choices: []Choice{
					{"1", "1"}, {"2", "2"}, {"3", "3"}, {"4", "4"}, {"5", "5"},
				}}
			},
			Answer: func(c Context, in Input) (string, string) {
				v, r := ReadScale(answerText(in), 1, 5)
				switch r {
				case OutOfRange:
					return "", "sleep.reask_quality_range"
				case Unreadable:
					return "", "sleep.reask_quality"
				}
				return strconv.Itoa(v), ""
			},
		},
	},
	Finish: finishSleep,
}

// answerText is the tapped choice's value, or else what was typed.
func answerText(in Input) string {
	if in.Choice != "" {
		return in.Choice
	}
	return in.Text
}

// Bounds a sleep log records; a number beyond them is asked again, never cut to fit.
const (
	maxLatency    = 12 * 60 // minutes to fall asleep
	maxAwakenings = 20
)

// clockAnswer reads a time; a time off the clock ("25:99", "-5") gets
// reask+"_range", anything else unreadable gets reask.
func clockAnswer(prefer Meridiem, reask string) func(Context, Input) (string, string) {
	return func(c Context, in Input) (string, string) {
		h, m, r := ReadClock(answerText(in), prefer)
		switch r {
		case OutOfRange:
			return "", reask + "_range"
		case Unreadable:
			return "", reask
		}
		return fmt.Sprintf("%02d:%02d", h, m), ""
	}
}

func finishSleep(c Context, conv store.Conversation) []Effect {
	e := SleepEntryFrom(conv.Answers)
	e.LoggedAt = c.Now
	// Thanks first: what the night sets off (the plan's question after two
	// disrupted nights) must be the last thing on the client's screen.
	return []Effect{
		Send{To: ToClient, Message: Message{Text: c.Catalog.T("sleep.thanks", map[string]any{
			"Asleep": FormatMinutes(e.AsleepMin),
		})}, Key: conv.PromptID + "/thanks"},
		SaveSleep{Entry: e},
	}
}

// SleepEntryFrom builds a night from a sleep log's answers. Time asleep is the
// time in bed (across midnight if need be) less the time it took to fall asleep.
func SleepEntryFrom(a map[string]string) store.SleepEntry {
	atoi := func(k string) int { v, _ := strconv.Atoi(a[k]); return v }
	e := store.SleepEntry{
		Night: a[AnswerNight], Bedtime: a["bedtime"], WakeTime: a["wake"],
		LatencyMin: atoi("latency"), Awakenings: atoi("awakenings"), Quality: atoi("quality"),
	}
	inBed := (minuteOfDay(e.WakeTime) - minuteOfDay(e.Bedtime) + 24*60) % (24 * 60)
	e.AsleepMin = max(inBed-e.LatencyMin, 0)
	return e
}

func minuteOfDay(hhmm string) int {
	h, m, _ := strings.Cut(hhmm, ":")
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	return hh*60 + mm
}

// FormatMinutes writes a duration the way people say it: "6h 50m".
func FormatMinutes(m int) string {
	if m%60 == 0 {
		return fmt.Sprintf("%dh", m/60)
	}
	if m < 60 {
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh %02dm", m/60, m%60)
}
