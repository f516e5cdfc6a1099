package main

import (
	"strings"
	"testing"
)

// Issue 11's own examples, through `steady try` as a client meets them:
// each message that got no response before now gets the contacts at once
// and an urgent incident; danger from someone else gets its own reply; the
// false alarms are not escalated; the sentence typed mid-debrief stops it.

// section is what followed one typed line, up to the next one.
func (t transcript) section(typed string) []string {
	i := t.indexOf("> " + typed)
	if i < 0 {
		return nil
	}
	var out []string
	for _, l := range t.lines[i+1:] {
		if strings.HasPrefix(l, "> ") {
			break
		}
		out = append(out, l)
	}
	return out
}

func hasLine(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func TestTryIssue11MissesNowReachAPerson(t *testing.T) {
	crisis := []string{
		"thinkin of ending it tonight",
		"taken 30 sertraline",
		"got a knife next to me",
		"im on the roof of the car park",
		"this is my last check in. thanks for everything",
		"been giving all my stuff away this week",
		"the voices want me to jump",
	}
	danger := []string{
		"he said hes going to kill me",
		"scared to go home he'll hurt me",
	}
	var script strings.Builder
	for _, m := range append(append([]string(nil), crisis...), danger...) {
		// An hour apart, so each is read on its own, not in the context of the last.
		script.WriteString(":advance 1h\n" + m + "\n")
	}
	tr := trySteady(t, script.String(), nil, "--start", start)
	for _, m := range crisis {
		s := tr.section(m)
		if !hasLine(s, "[client] Alex, thank you for telling me. I'm sorry things feel this hard.") || !hasLine(s, "[client] - Samaritans: call 116 123") {
			t.Errorf("%q got no crisis reply:\n%s", m, strings.Join(s, "\n"))
		}
		if !hasLine(s, "[audit] crisis.detected") {
			t.Errorf("%q raised no crisis:\n%s", m, strings.Join(s, "\n"))
		}
	}
	if !hasLine(tr.section(crisis[0]), "[worker] URGENT: Alex") || !hasLine(tr.section(crisis[0]), "[lead] URGENT: Alex") {
		t.Errorf("the first crisis reached neither worker nor lead at once:\n%s", strings.Join(tr.section(crisis[0]), "\n"))
	}
	for _, m := range danger {
		s := tr.section(m)
		if !hasLine(s, "[client] Alex, thank you for telling me. Nobody has the right to hurt, threaten or frighten you") || !hasLine(s, "[client] - National Domestic Abuse Helpline: 0808 2000 247") {
			t.Errorf("%q got no danger reply:\n%s", m, strings.Join(s, "\n"))
		}
		if hasLine(s, "[client] - Samaritans") {
			t.Errorf("%q was answered with the crisis list, not the danger one:\n%s", m, strings.Join(s, "\n"))
		}
		if !hasLine(s, "[audit] danger.detected") {
			t.Errorf("%q raised no danger incident:\n%s", m, strings.Join(s, "\n"))
		}
	}
	first := tr.section(danger[0])
	if !hasLine(first, "[worker] URGENT: Alex") || !hasLine(first, "[lead] URGENT: Alex") {
		t.Errorf("danger reached neither worker nor lead at once:\n%s", strings.Join(first, "\n"))
	}
}

func TestTryIssue11FalseAlarmsAreNotEscalated(t *testing.T) {
	quiet := []string{
		"shot myself in the foot with that email",
		"overdosed on caffeine lol",
		"id rather die than do karaoke lol",
		"someone jumped in front of a train so my train was cancelled",
	}
	const negated = "no thoughts of hurting myself, just stressed"
	var script strings.Builder
	for _, m := range quiet {
		script.WriteString(":advance 1h\n" + m + "\n")
	}
	script.WriteString(":advance 1h\n" + negated + "\n")
	tr := trySteady(t, script.String(), nil, "--start", start)
	for _, m := range quiet {
		s := tr.section(m)
		if hasLine(s, "[audit] crisis.detected") || hasLine(s, "[audit] safety.asked") || hasLine(s, "[worker] URGENT") {
			t.Errorf("%q was treated as a risk:\n%s", m, strings.Join(s, "\n"))
		}
	}
	// A negation lowers the level to a check, not to nothing, and never escalates.
	s := tr.section(negated)
	if hasLine(s, "[audit] crisis.detected") || hasLine(s, "[worker] URGENT") {
		t.Errorf("%q was escalated:\n%s", negated, strings.Join(s, "\n"))
	}
	if !hasLine(s, "[audit] safety.asked") {
		t.Errorf("%q got no \"are you safe?\" check:\n%s", negated, strings.Join(s, "\n"))
	}
}

func TestTryIssue11SentenceMidDebriefStopsIt(t *testing.T) {
	p := quietProfile(t, `job_start: ""`, `job_start: "2026-11-23"`)
	const words = "honestly I don't see the point in being here anymore"
	script := ":at 2026-11-28 14:00\n:shift 14:30-22:30\n:at 2026-11-28 23:05\nleft early\n" + words + "\n"
	tr := trySteady(t, script, nil, "--start", "2026-11-28 09:00", "--profile", p)
	s := tr.section(words)
	if hasLine(s, "[client] Sorry") || !hasLine(s, "[client] Alex, thank you for telling me. I'm sorry things feel this hard.") {
		t.Errorf("the debrief did not stop for the crisis:\n%s", strings.Join(s, "\n"))
	}
	if !hasLine(s, "[audit] prompt.stopped [debrief]") || !hasLine(s, "[worker] URGENT: Alex") {
		t.Errorf("no stopped debrief or no urgent ping:\n%s", strings.Join(s, "\n"))
	}
}
