package flows

import (
	"slices"
	"strings"
	"testing"
	"time"

	"steady/store"
)

// dangerPhrase stands for a message about danger from someone else. The
// detector is being rebuilt elsewhere; these tests give the phrase its
// meaning through Context.Detect so they test what Steady does with a
// danger reading, not whether today's detector makes one.
const dangerPhrase = "he said he is going to hurt me when i get home"

func withDanger(c Context) Context {
	c.Detect = func(recent []string, text string) Detection {
		switch text {
		case dangerPhrase:
			return Detection{Concern: Crisis, Kind: KindDanger}
		case "scared to go home":
			return Detection{Concern: Worry, Kind: KindDanger}
		}
		return DetectInContext(recent, text)
	}
	return c
}

func readItems(effects []Effect) []store.ReadItem {
	var out []store.ReadItem
	for _, e := range effects {
		if s, ok := e.(SaveReadItem); ok {
			out = append(out, s.Item)
		}
	}
	return out
}

func firingOf(effects []Effect) (Firing, bool) {
	for _, e := range effects {
		if esc, ok := e.(Escalate); ok {
			return esc.Firing, true
		}
	}
	return Firing{}, false
}

func auditActions(effects []Effect) []string {
	var out []string
	for _, e := range effects {
		if a, ok := e.(Audit); ok {
			out = append(out, a.Event.Action)
		}
	}
	return out
}

var dangerNumbers = []string{"999", "55", "0808 2000 247", "0808 500 2222", "0808 801 0327"}

func TestDangerStopsEveryFlowWithItsOwnContacts(t *testing.T) {
	c := withDanger(richContext(t))
	for name, f := range allFlows {
		t.Run(name, func(t *testing.T) {
			conv, _ := f.Start(c, "p1", map[string]string{AnswerNight: "2026-11-28"})
			if conv.Flow == "" {
				t.Skip("the flow has nothing to ask this client")
			}
			next, effects := Handle(c, conv, Input{Key: "k1", Text: dangerPhrase}, allFlows)
			if next.Active() {
				t.Errorf("the flow is still open: %+v", next)
			}
			sends := sendsOf(effects)
			if len(sends) == 0 || sends[0].To != ToClient {
				t.Fatalf("no reply to the client first: %+v", effects)
			}
			for _, n := range dangerNumbers {
				if !strings.Contains(sends[0].Message.Text, n) {
					t.Errorf("the reply lacks %q:\n%s", n, sends[0].Message.Text)
				}
			}
			if strings.Contains(sends[0].Message.Text, "Samaritans") {
				t.Errorf("the danger reply gives the crisis list instead:\n%s", sends[0].Message.Text)
			}
			fr, ok := firingOf(effects)
			if !ok || fr.Rule != RuleDanger || !fr.Urgent {
				t.Errorf("firing = %+v, %v; want the urgent danger rule", fr, ok)
			}
			if !slices.Contains(auditActions(effects), "danger.detected") || !slices.Contains(auditActions(effects), "prompt.stopped") {
				t.Errorf("audit = %v", auditActions(effects))
			}
			items := readItems(effects)
			if len(items) != 1 || items[0].Why != store.ReadDanger || !items[0].Urgent || items[0].Text != dangerPhrase {
				t.Errorf("to-read items = %+v", items)
			}
		})
	}
}

func TestDangerWorryAsksAreYouSafeWithTheDangerContacts(t *testing.T) {
	c := withDanger(richContext(t))
	s := newSession(t, c).start(SleepLog, map[string]string{AnswerNight: "2026-11-28"}).say("scared to go home")
	if s.conv.Hold != store.HoldSafety || s.conv.SafetyKind != KindDanger {
		t.Fatalf("hold %q kind %q", s.conv.Hold, s.conv.SafetyKind)
	}
	ask := s.texts(ToClient)
	for _, n := range dangerNumbers {
		if !strings.Contains(ask, n) {
			t.Errorf("the safety check lacks %q:\n%s", n, ask)
		}
	}
	if !strings.Contains(s.texts(ToWorker), "may not be safe from someone else") {
		t.Errorf("worker told %q", s.texts(ToWorker))
	}
	tests := []struct {
		answer   string
		wantRule string // "" no incident
		open     bool   // the sleep log carries on
	}{
		{"I'm not safe", RuleDanger, false},
		{"im safe", "", true},
		{"banana", "", true}, // asked again, still held
	}
	for _, tt := range tests {
		t.Run(tt.answer, func(t *testing.T) {
			next, effects := Handle(c, s.conv, Input{Key: "a-" + tt.answer, Text: tt.answer}, allFlows)
			fr, fired := firingOf(effects)
			if (tt.wantRule != "") != fired || fired && fr.Rule != tt.wantRule {
				t.Errorf("firing %+v (%v), want rule %q", fr, fired, tt.wantRule)
			}
			if next.Active() != tt.open {
				t.Errorf("conversation active = %v, want %v", next.Active(), tt.open)
			}
			if tt.answer == "banana" {
				if next.SafetyKind != KindDanger || !strings.Contains(sendsOf(effects)[0].Message.Text, "0808 2000 247") {
					t.Errorf("the re-ask lost the danger contacts: %+v", effects)
				}
				if items := readItems(effects); len(items) != 1 || items[0].Why != store.ReadNotUnderstood {
					t.Errorf("a not-understood answer to \"are you safe?\" is not on the to-read list: %+v", items)
				}
			}
		})
	}
}

func TestDangerRuleCannotBeTurnedOffOrWait(t *testing.T) {
	c := testContext(t)
	c.ServiceRules = map[string]store.RuleOverride{RuleDanger: {Off: true}}
	c.Client.Rules = map[string]store.RuleOverride{RuleDanger: {Off: true}}
	if r := c.Rule(RuleDanger); r.Off || !r.Urgent {
		t.Errorf("danger rule = %+v", r)
	}
	if msg := ValidateRuleOverride(RuleDanger, store.RuleOverride{Off: true}); !strings.Contains(msg, "cannot be turned off") {
		t.Errorf("turning it off: %q", msg)
	}
	if !slices.Contains(RuleIDs, RuleDanger) {
		t.Error("RuleIDs lacks the danger rule")
	}
}

func TestDangerContactsAreTheServicesAndNeverThePlans(t *testing.T) {
	c := testContext(t)
	c.Client.Plan.CrisisContacts = []string{"my partner Sam 07700 900123"}
	if got := DangerContacts(c); len(got) != 4 || !strings.Contains(got[0], "999") || slices.Contains(got, c.Client.Plan.CrisisContacts[0]) {
		t.Errorf("default danger contacts = %q", got)
	}
	if got := CrisisContacts(c); !slices.Contains(got, c.Client.Plan.CrisisContacts[0]) {
		t.Errorf("the crisis contacts lost the plan's own: %q", got)
	}
	c.DangerContacts = []string{"999", "Local refuge 0300 000 0000"}
	if got := DangerContacts(c); !slices.Equal(got, c.DangerContacts) {
		t.Errorf("service danger contacts = %q", got)
	}
}

func TestWhatGoesOnTheWorkersToReadList(t *testing.T) {
	c := richContext(t)
	inSleep, _ := SleepLog.Start(c, "p1", map[string]string{AnswerNight: "2026-11-28"})
	// The debrief's last question takes the client's own words.
	atHelped, _ := Debrief.Start(c, "p2", nil)
	atHelped.State = "helped"
	idle := store.Conversation{}
	tests := []struct {
		name string
		conv store.Conversation
		in   Input
		why  string // "" not on the list
		did  string
	}{
		{"an answer a flow understood", inSleep, Input{Key: "k", Text: "11pm"}, "", ""},
		{"an answer a flow did not understand", inSleep, Input{Key: "k", Text: "dunno really"}, store.ReadNotUnderstood, store.DidAskedAgain},
		{"an understood answer with distress in it", atHelped, Input{Key: "k", Text: "nothing, i was panicking all shift"}, store.ReadDistress, store.DidTookAnswer},
		{"an understood answer in the client's own words", atHelped, Input{Key: "k", Text: "a walk at lunch"}, "", ""},
		{"a tap", inSleep, Input{Key: "k", Choice: "22:00", Prompt: "p1"}, "", ""},
		{"a control", inSleep, Input{Key: "k", Text: "snooze"}, "", ""},
		{"a worry", inSleep, Input{Key: "k", Text: "i can't cope"}, store.ReadWorry, store.DidAskedSafe},
		{"a crisis", inSleep, Input{Key: "k", Text: "i want to kill myself"}, store.ReadCrisis, store.DidCrisisContacts},
		{"a pleasantry with nothing open", idle, Input{Key: "k", Text: "thanks 👍"}, "", ""},
		{"talk with nothing open", idle, Input{Key: "k", Text: "work was long today"}, store.ReadNotUnderstood, store.DidNothingOpen},
		{"distress with nothing open", idle, Input{Key: "k", Text: "had an awful day"}, store.ReadNotUnderstood, store.DidNothingOpen},
		{"a farewell is read", idle, Input{Key: "k", Text: "bye"}, store.ReadNotUnderstood, store.DidNothingOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, effects := Handle(c, tt.conv, tt.in, allFlows)
			items := readItems(effects)
			if tt.why == "" {
				if len(items) != 0 {
					t.Errorf("on the list: %+v", items)
				}
				return
			}
			if len(items) != 1 {
				t.Fatalf("items %+v, want one", items)
			}
			it := items[0]
			if it.Why != tt.why || it.Did != tt.did || it.Text != tt.in.Text || it.At != c.Now || it.ID != ReadItemID("k") {
				t.Errorf("item %+v, want why %q did %q", it, tt.why, tt.did)
			}
			if !slices.Contains(auditActions(effects), "toread.added") {
				t.Error("adding it is not audited")
			}
			for _, e := range effects {
				if a, ok := e.(Audit); ok && strings.Contains(a.Event.Reason, tt.in.Text) {
					t.Errorf("the client's words reached the audit log: %q", a.Event.Reason)
				}
			}
		})
	}
}

func TestMessagesAreReadWithTheLastFewMinutes(t *testing.T) {
	c := richContext(t)
	conv, _ := SleepLog.Start(c, "p1", map[string]string{AnswerNight: "2026-11-28"})
	next, effects := Handle(c, conv, Input{Key: "k2", Text: "die", Recent: []string{"i want to"}}, allFlows)
	if fr, ok := firingOf(effects); !ok || fr.Rule != RuleCrisis || next.Active() {
		t.Fatalf("\"i want to\" then \"die\": firing %+v %v, still open %v", fr, ok, next.Active())
	}
	_, effects = Handle(c, conv, Input{Key: "k3", Text: "die"}, allFlows)
	if _, ok := firingOf(effects); ok {
		t.Error("\"die\" alone raised a crisis; the context is what makes it one")
	}
}

func TestReadWordsActsOnlyOnWhatAnEditAdds(t *testing.T) {
	c := withDanger(richContext(t))
	inSleep, _ := SleepLog.Start(c, "p1", map[string]string{AnswerNight: "2026-11-28"})
	tests := []struct {
		name      string
		in        Input
		acted     bool
		rule      string
		onTheList string
	}{
		{"an edit that now reads as a crisis", Input{Key: "e1", Text: "i want to kill myself", Before: "ok"}, true, RuleCrisis, store.ReadCrisis},
		{"an edit to danger", Input{Key: "e1", Text: dangerPhrase, Before: "fine"}, true, RuleDanger, store.ReadDanger},
		{"a crisis that was already a crisis", Input{Key: "e1", Text: "i want to kill myself tonight", Before: "i want to kill myself"}, false, "", ""},
		{"an edit whose first version is gone", Input{Key: "e1", Text: "i want to kill myself"}, true, RuleCrisis, store.ReadCrisis},
		{"an edit that is still routine", Input{Key: "e1", Text: "11pm", Before: "10pm"}, false, "", ""},
		{"an edit with distress", Input{Key: "e1", Text: "11pm, awful night", Before: "11pm"}, false, "", store.ReadDistress},
		{"a command's worrying words", Input{Key: "c1", Text: "i can't cope any more", Source: store.FromCommand}, true, "", store.ReadWorry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, effects, acted := ReadWords(c, inSleep, tt.in, allFlows)
			if acted != tt.acted {
				t.Errorf("acted = %v, want %v (%+v)", acted, tt.acted, effects)
			}
			fr, fired := firingOf(effects)
			if (tt.rule != "") != fired || fired && fr.Rule != tt.rule {
				t.Errorf("firing %+v (%v), want %q", fr, fired, tt.rule)
			}
			if !acted && (next.State != inSleep.State || len(next.Answers) != len(inSleep.Answers)) {
				t.Errorf("an edit answered the open question: %+v", next)
			}
			for _, e := range effects {
				if _, ok := e.(SaveSleep); ok {
					t.Error("an edit was recorded as an answer")
				}
			}
			items := readItems(effects)
			switch {
			case tt.onTheList == "" && len(items) != 0:
				t.Errorf("on the list: %+v", items)
			case tt.onTheList != "" && (len(items) != 1 || items[0].Why != tt.onTheList):
				t.Errorf("items %+v, want one %q", items, tt.onTheList)
			}
			if !next.SeenInput(tt.in.Key) {
				t.Error("the edit's key is not remembered: a redelivery would be read again")
			}
			if again, effects, _ := ReadWords(c, next, tt.in, allFlows); len(effects) != 0 || again.Version != next.Version {
				t.Errorf("a redelivered edit did something: %+v", effects)
			}
		})
	}
}

func TestReadDigestAt(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	weekdays, err := ParseHours("mon-fri 09:00-17:00")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, london)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name   string
		now    string
		hours  Hours
		urgent bool
		want   string
	}{
		{"in hours: the next full hour", "2026-11-23 10:14", weekdays, false, "2026-11-23 11:00"},
		{"the last hour: before the day ends", "2026-11-23 16:20", weekdays, false, "2026-11-23 16:21"},
		{"evening: the next working morning", "2026-11-23 19:00", weekdays, false, "2026-11-24 09:00"},
		{"Saturday: Monday morning", "2026-11-28 10:00", weekdays, false, "2026-11-30 09:00"},
		{"early morning: that morning", "2026-11-24 06:30", weekdays, false, "2026-11-24 09:00"},
		{"urgent at night: the next minute", "2026-11-28 02:10", weekdays, true, "2026-11-28 02:11"},
		{"always at work", "2026-11-28 02:10", Always, false, "2026-11-28 03:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReadDigestAt(at(tt.now), tt.hours, london, tt.urgent)
			if !got.Equal(at(tt.want)) {
				t.Errorf("ReadDigestAt(%s) = %s, want %s", tt.now, got.In(london).Format("2006-01-02 15:04"), tt.want)
			}
		})
	}
}

func TestReadDigestShowsWordsToTheirOwnWorkerOnly(t *testing.T) {
	cat := DefaultCatalog()
	london, _ := time.LoadLocation("Europe/London")
	at := time.Date(2026, 11, 23, 9, 14, 0, 0, time.UTC)
	alex := store.Client{ID: "alex", DisplayName: "Alex"}
	kim := store.Client{ID: "kim", DisplayName: "Kim"}
	entries := []ReadEntry{
		{Client: alex, Words: true, Item: store.ReadItem{ID: "r1", At: at, Text: "dunno, woke loads", Why: store.ReadNotUnderstood, Did: store.DidAskedAgain, Flow: FlowSleep}},
		{Client: kim, Worker: "Priya", Item: store.ReadItem{ID: "r2", At: at.Add(time.Hour), Text: "KIM'S WORDS", Why: store.ReadWorry, Did: store.DidAskedSafe}},
	}
	m := ReadDigest(cat, london, entries, 3, 0, false)
	for _, want := range []string{"To read: 2 messages", "1. Alex, Mon 23 Nov 09:14, during the sleep log: \"dunno, woke loads\"", "not understood",
		"2. Kim (Priya's client), Mon 23 Nov 10:14", "Its words are for their worker only", "Still unread from earlier digests: 3."} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, "KIM'S WORDS") {
		t.Errorf("a client's words reached someone who is not their worker:\n%s", m.Text)
	}
	wantChoices := []Choice{{"Acknowledge 1", "alex/r1"}, {"Acknowledge 2", "kim/r2"}, {"Acknowledge all", ChoiceReadAll}}
	if !slices.Equal(m.Choices, wantChoices) {
		t.Errorf("choices %+v", m.Choices)
	}
	tests := []struct {
		choice string
		want   []string
	}{
		{"alex/r1", []string{"alex/r1"}},
		{ChoiceReadAll, []string{"alex/r1", "kim/r2"}},
		{"alex/r9", nil}, // not in this digest: nothing, not everything
	}
	for _, tt := range tests {
		got, _ := ReadChoiceRefs(m.Prompt, tt.choice)
		if !slices.Equal(got, tt.want) {
			t.Errorf("ReadChoiceRefs(%q) = %q, want %q", tt.choice, got, tt.want)
		}
	}
	if one := ReadDigest(cat, london, entries[:1], 0, 0, false); len(one.Choices) != 1 {
		t.Errorf("one item needs one button, got %+v", one.Choices)
	}
}

func TestAcknowledgeAndDigestAreAuditedWithoutWords(t *testing.T) {
	c := testContext(t)
	it := store.ReadItem{ID: "r1", At: c.Now, Text: "MY PRIVATE WORDS", Why: store.ReadWorry}
	effects := append(MarkDigested(c, it, store.Worker{ID: "sam"}, false), AcknowledgeRead(c, it, store.Worker{ID: "sam"})...)
	var dropped bool
	for _, e := range effects {
		switch e := e.(type) {
		case DropReadItem:
			dropped = e.ID == "r1"
		case SaveReadItem:
			if e.Item.Digested.IsZero() {
				t.Error("marking digested did not record when")
			}
		case Audit:
			if strings.Contains(e.Event.Reason, "PRIVATE") {
				t.Errorf("words in the audit log: %q", e.Event.Reason)
			}
		}
	}
	if !dropped || !slices.Equal(auditActions(effects), []string{"toread.digested", "toread.acknowledged"}) {
		t.Errorf("effects %+v", effects)
	}
}

func TestDistressWordsAndPleasantries(t *testing.T) {
	tests := []struct {
		text               string
		distress, pleasant bool
	}{
		{"thanks", false, true},
		{"ok 👍", false, true},
		{"👍", false, true},
		{"Good morning!", false, true},
		{"I'm fine", false, true},
		{"not fine", true, false},
		{"had an AWFUL day", true, false},
		{"can't sleep again", true, false},
		{"i'm so tired", true, false},
		{"bye", false, false},
		{"11pm", false, false},
		{"she's upset with me", true, false},
		{"", false, false},
	}
	for _, tt := range tests {
		if got := DistressWords(tt.text); got != tt.distress {
			t.Errorf("DistressWords(%q) = %v", tt.text, got)
		}
		if got := Pleasantry(tt.text); got != tt.pleasant {
			t.Errorf("Pleasantry(%q) = %v", tt.text, got)
		}
	}
}

// FuzzBackstop: the readers of typed words never panic, and a message is
// never both a pleasantry and distress (the lists are kept apart, so the
// backstop's two edges cannot cancel out).
func FuzzBackstop(f *testing.F) {
	for _, s := range []string{"thanks", "not ok", "i'm fine", "🙂", "awful", "no thanks", strings.Repeat("sad ", 3000), "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, p := DistressWords(s), Pleasantry(s)
		if d && p {
			t.Errorf("%q is both a pleasantry and distress", s)
		}
		if d != DistressWords(s) || p != Pleasantry(s) {
			t.Errorf("%q read differently twice", s)
		}
	})
}

// After danger, as after a crisis, the client is told routine check-ins wait
// for their support team, and "I've stopped the questions" only when some
// were open.
func TestDangerHoldsRoutinePromptsAndSaysStoppedOnlyMidFlow(t *testing.T) {
	c := withDanger(richContext(t))
	open, _ := SleepLog.Start(c, "p1", map[string]string{AnswerNight: "2026-11-28"})
	for _, tc := range []struct {
		name    string
		conv    store.Conversation
		stopped bool
	}{
		{"mid flow", open, true},
		{"nothing open", store.Conversation{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next, effects := Handle(c, tc.conv, Input{Key: "k-" + tc.name, Text: dangerPhrase}, allFlows)
			text := sendsOf(effects)[0].Message.Text
			if got := strings.Contains(text, "stopped the questions"); got != tc.stopped {
				t.Errorf("says stopped = %v, want %v:\n%s", got, tc.stopped, text)
			}
			if !strings.Contains(text, "hold off on your usual check-ins") {
				t.Errorf("the reply does not say check-ins wait:\n%s", text)
			}
			if !next.IsDone(HeldMark, c.Now) {
				t.Errorf("no hold mark left: %+v", next.Done)
			}
		})
	}
}
