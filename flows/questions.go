package flows

import (
	"strconv"
	"strings"

	"steady/store"
)

// Builders for the kinds of question the flows ask. Each reads a tap or
// typed text, and re-asks with a sentence that says what it needs.

// choices returns the labels of options from the catalogue, keyed by value.
func choices(c Context, keyPrefix string, values ...string) []Choice {
	out := make([]Choice, len(values))
	for i, v := range values {
		out[i] = Choice{Label: c.Catalog.T(keyPrefix+v, nil), Value: v}
	}
	return out
}

// askData gives a question's text what it shows from the conversation.
type askData func(c Context, conv store.Conversation) map[string]any

func (d askData) of(c Context, conv store.Conversation) map[string]any {
	if d == nil {
		return nil
	}
	return d(c, conv)
}

func pick(state, askKey string, data askData, opts func(c Context) []Choice, reask string) Question {
	return Question{
		State: state,
		Ask: func(c Context, conv store.Conversation) Message {
			return Message{Text: c.Catalog.T(askKey, data.of(c, conv)), Choices: opts(c)}
		},
		Answer: func(c Context, in Input) (string, string) {
			if v, ok := ParseChoice(answerText(in), opts(c)); ok {
				return v, ""
			}
			return "", reask
		},
	}
}

// yesNo is a yes/no question; taps and typed "yeah", "nope", 👍 all count.
func yesNo(state, askKey string, data askData) Question {
	opts := func(c Context) []Choice { return choices(c, "choice.", store.Yes, store.No) }
	q := pick(state, askKey, data, opts, "reask.yes_no")
	q.Answer = func(c Context, in Input) (string, string) {
		if v, ok := ParseChoice(answerText(in), opts(c)); ok {
			return v, ""
		}
		if yes, ok := ParseYesNo(answerText(in)); ok {
			if yes {
				return store.Yes, ""
			}
			return store.No, ""
		}
		return "", "reask.yes_no"
	}
	return q
}

// scale is a rating from lo to hi, as buttons and as typed numbers or words.
// A number off the scale gets a re-ask that says so.
func scale(state, askKey string, lo, hi int) Question {
	var opts []Choice
	for v := lo; v <= hi; v++ {
		s := strconv.Itoa(v)
		opts = append(opts, Choice{Label: s, Value: s})
	}
	unreadable := "reask.scale_" + strconv.Itoa(lo) + "_" + strconv.Itoa(hi)
	return Question{
		State: state,
		Ask: func(c Context, conv store.Conversation) Message {
			return Message{Text: c.Catalog.T(askKey, nil), Choices: opts, ValueChoices: true}
		},
		Answer: func(c Context, in Input) (string, string) {
			v, r := ReadScale(answerText(in), lo, hi)
			switch r {
			case Read:
				return strconv.Itoa(v), ""
			case OutOfRange:
				return "", unreadable + "_range"
			}
			return "", unreadable
		},
	}
}

// none are the typed ways of saying "nothing to add" to an optional note.
var none = map[string]bool{"no": true, "nope": true, "nah": true, "none": true, "nothing": true, "n a": true, "na": true,
	"no thanks": true, "nothing to add": true, "not really": true, "nothing really": true, "no thank you": true, "-": true, "": true}

// MaxNote bounds a free-text answer; a longer paste is cut, not refused.
const MaxNote = 1000

// note is an optional free-text answer; "nothing" and its kin mean none.
// The text is kept only in the record it belongs to, sealed at rest.
func note(state, askKey string, data askData) Question {
	return Question{
		State:     state,
		Skippable: true,
		Ask: func(c Context, conv store.Conversation) Message {
			return Message{Text: c.Catalog.T(askKey, data.of(c, conv)), Choices: []Choice{{c.Catalog.T("choice.nothing", nil), "-"}}}
		},
		Answer: func(c Context, in Input) (string, string) {
			t := strings.TrimSpace(answerText(in))
			if none[normaliseLabel(t)] || t == "-" {
				return "", ""
			}
			if r := []rune(t); len(r) > MaxNote {
				t = string(r[:MaxNote])
			}
			return t, ""
		},
	}
}

// multi lets the client pick any number of options, or none. The answer is
// stored as the picked values, one per line.
func multi(state, askKey string, data askData, opts func(c Context) []Choice) Question {
	withNone := func(c Context) []Choice {
		return append(opts(c), Choice{Label: c.Catalog.T("choice.none_of_these", nil), Value: "none"})
	}
	return Question{
		State: state,
		Ask: func(c Context, conv store.Conversation) Message {
			return Message{Text: c.Catalog.T(askKey, data.of(c, conv)), Choices: withNone(c), Multi: true}
		},
		Answer: func(c Context, in Input) (string, string) {
			var picked []string
			if len(in.Values) > 0 {
				for _, v := range in.Values {
					if _, ok := ParseChoice(v, withNone(c)); !ok {
						return "", "reask.multi"
					}
					if v != "none" {
						picked = append(picked, v)
					}
				}
			} else {
				vs, ok := ParseMulti(answerText(in), withNone(c))
				if !ok {
					return "", "reask.multi"
				}
				for _, v := range vs {
					if v != "none" {
						picked = append(picked, v)
					}
				}
			}
			return strings.Join(picked, "\n"), ""
		},
	}
}

// lines splits a multi answer back into its values.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// when asks q only if ask says so.
func when(q Question, ask func(c Context, conv store.Conversation) bool) Question {
	q.When = ask
	return q
}

func atoi(s string) int { v, _ := strconv.Atoi(s); return v }
