package flows

import (
	"strings"

	"steady/store"
)

// FlowPlanCheck asks the client, when an incident opens, which of their plan's
// options they want now.
const FlowPlanCheck = "plan_check"

// AnswerIncident is where the plan check keeps the incident it is about.
const AnswerIncident = "incident"

// PlanCheck is the one-question flow opened by Raise's client contact.
var PlanCheck = Flow{
	Name:  FlowPlanCheck,
	Title: "title.plan_check",
	Questions: []Question{{
		State: "option",
		Ask: func(c Context, conv store.Conversation) Message {
			in := store.Incident{ID: conv.Answers[AnswerIncident], Rule: conv.Answers["rule"]}
			return clientContact(c, in, "")
		},
		Answer: func(c Context, in Input) (string, string) {
			// The options are numbered: "1" picks the first, as it does
			// at every other question with numbered options.
			if v, ok := ParseChoice(answerText(in), planOptions(c)); ok {
				if v == ChoicePause && c.Client.Plan.PauseScript == "" {
					return "", "plan.reask"
				}
				return v, ""
			}
			v := strings.ToLower(strings.TrimSpace(answerText(in)))
			switch {
			case v == ChoiceTalk || strings.Contains(v, "talk") || strings.Contains(v, "worker"):
				return ChoiceTalk, ""
			case v == ChoicePause || strings.Contains(v, "pause") || strings.Contains(v, "script"):
				if c.Client.Plan.PauseScript == "" {
					return "", "plan.reask"
				}
				return ChoicePause, ""
			case v == ChoiceOK || v == "ok" || v == "okay" || strings.Contains(v, "i'm ok") || strings.Contains(v, "im ok") || strings.Contains(v, "fine"):
				return ChoiceOK, ""
			}
			return "", "plan.reask"
		},
	}},
	Finish: finishPlanCheck,
}

// StartPlanCheck opens the plan check for an incident. The contact message
// itself was sent by Raise, so this only positions the conversation.
func StartPlanCheck(c Context, in store.Incident) store.Conversation {
	conv, _ := PlanCheck.Start(c, PlanCheckPrompt(in.ID), map[string]string{AnswerIncident: in.ID, "rule": in.Rule})
	return conv
}

func finishPlanCheck(c Context, conv store.Conversation) []Effect {
	id := conv.Answers[AnswerIncident]
	choice := conv.Answers["option"]
	audit := Audit{Event: store.AuditEvent{At: c.Now, Actor: "client", Action: "client.chose", Incident: id, Rule: conv.Answers["rule"], Reason: choice}}
	key := conv.PromptID + "/" + choice
	switch choice {
	case ChoiceTalk:
		return []Effect{audit,
			TalkRequest(c, key, ""),
			Send{To: ToClient, Message: Message{Text: c.Catalog.T("plan.talk_ack", nil)}, Key: key},
		}
	case ChoicePause:
		return []Effect{audit,
			Send{To: ToClient, Message: Message{Text: c.Catalog.T("plan.pause_script", map[string]any{"Script": c.Client.Plan.PauseScript})}, Key: key},
		}
	}
	return []Effect{audit, Send{To: ToClient, Message: Message{Text: c.Catalog.T("plan.ok_ack", nil)}, Key: key}}
}
