package bot

import (
	"reflect"
	"testing"

	"steady/flows"
	"steady/store"
)

func TestOneMessagePerStepWithTheQuestionLast(t *testing.T) {
	text := func(s, key string) flows.Send {
		return flows.Send{To: flows.ToClient, Message: flows.Message{Text: s}, Key: key}
	}
	ask := func(s, key string) flows.Send {
		return flows.Send{To: flows.ToClient, Message: flows.Message{Text: s, Choices: []flows.Choice{{Label: "Yes", Value: "yes"}}, Prompt: "p"}, Key: key}
	}
	worker := flows.Send{To: flows.ToWorker, Message: flows.Message{Text: "ping"}, Key: "w"}
	audit := flows.Audit{Event: store.AuditEvent{Action: "x"}}
	joined := func(s, key string, question bool) flows.Send {
		if question {
			return ask(s, key)
		}
		return text(s, key)
	}
	tests := []struct {
		name string
		in   []flows.Effect
		want []flows.Effect
	}{
		{"nothing to join", []flows.Effect{text("a", "k1"), worker}, []flows.Effect{text("a", "k1"), worker}},
		{"thanks then the plan's question", []flows.Effect{text("Thanks", "t"), audit, ask("Plan?", "q"), worker},
			[]flows.Effect{joined("Thanks\nPlan?", "q", true), audit, worker}},
		{"a line after the question goes before it", []flows.Effect{ask("Plan?", "q"), worker, text("Have a good day", "t")},
			[]flows.Effect{joined("Have a good day\nPlan?", "q", true), worker}},
		{"lines only", []flows.Effect{text("Crisis", "c"), audit, text("Staff told", "u")},
			[]flows.Effect{joined("Crisis\nStaff told", "c", false), audit}},
		{"two questions stay apart", []flows.Effect{text("a", "1"), ask("Q1", "2"), ask("Q2", "3")},
			[]flows.Effect{joined("a\nQ1", "2", true), ask("Q2", "3")}},
	}
	for _, tt := range tests {
		if got := oneMessage(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}
