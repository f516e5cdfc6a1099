package flows

import (
	"strings"
	"time"

	"steady/store"
)

// Controls a client can use in any state, by typing or tapping.
const (
	CtlHelp   = "help"
	CtlSkip   = "skip"
	CtlSnooze = "snooze"
	CtlPause  = "pause"
	CtlResume = "resume"
	CtlStop   = "stop"
	CtlBack   = "back"
	CtlTalk   = "talk"
	CtlStart  = "start" // open a flow on demand: a check-in, a sleep log, a debrief, consent
)

var knownControls = map[string]bool{CtlHelp: true, CtlSkip: true, CtlSnooze: true, CtlPause: true, CtlResume: true,
	CtlStop: true, CtlBack: true, CtlTalk: true, CtlStart: true}

// controlChoice prefixes the value of a button that is a control rather
// than an answer ("ctl:snooze"), so it works whatever prompt it came with.
const controlChoice = "ctl:"

// Command is a control with what it needs.
type Command struct {
	Control string
	// Until is when a snooze or pause ends (zero: ask the client).
	Until time.Time
	// Forever pauses until the client says resume.
	Forever bool
	// Flow is the flow a CtlStart opens.
	Flow string
}

var controlPhrases = map[string]string{
	"help": CtlHelp, "?": CtlHelp, "what can i say": CtlHelp, "commands": CtlHelp, "options": CtlHelp, "menu": CtlHelp,
	"how does this work": CtlHelp, "what do i do": CtlHelp, "help please": CtlHelp,
	"skip": CtlSkip, "skip this": CtlSkip, "skip it": CtlSkip, "skip this one": CtlSkip, "skip question": CtlSkip,
	"skip this question": CtlSkip, "pass": CtlSkip, "next": CtlSkip, "next question": CtlSkip,
	"rather not say": CtlSkip, "id rather not say": CtlSkip, "i d rather not say": CtlSkip, "prefer not to say": CtlSkip,
	"snooze": CtlSnooze, "later": CtlSnooze, "not now": CtlSnooze, "remind me later": CtlSnooze, "ask me later": CtlSnooze,
	"pause": CtlPause, "pause steady": CtlPause, "pause check ins": CtlPause, "pause checkins": CtlPause, "take a break": CtlPause,
	"resume": CtlResume, "unpause": CtlResume, "start again": CtlResume, "restart": CtlResume, "im back": CtlResume,
	"i m back": CtlResume, "i am back": CtlResume, "start": CtlResume, "come back": CtlResume,
	"stop": CtlStop, "stop steady": CtlStop, "stop messaging me": CtlStop, "stop messages": CtlStop, "opt out": CtlStop,
	"unsubscribe": CtlStop, "stop check ins": CtlStop, "stop checkins": CtlStop, "stop everything": CtlStop,
	"back": CtlBack, "go back": CtlBack, "undo": CtlBack, "change my last answer": CtlBack, "change last answer": CtlBack,
	"change my answer": CtlBack, "change answer": CtlBack, "oops": CtlBack, "wrong answer": CtlBack, "edit": CtlBack,
	"i made a mistake": CtlBack, "edit my answer": CtlBack, "change that": CtlBack,
	"talk to my worker": CtlTalk, "talk to worker": CtlTalk, "speak to my worker": CtlTalk, "i want to talk to my worker": CtlTalk,
	"can my worker call me": CtlTalk, "contact my worker": CtlTalk, "message my worker": CtlTalk, "call me": CtlTalk,
	"i want to speak to my worker": CtlTalk, "talk to someone": CtlTalk, "can i talk to my worker": CtlTalk,
}

// startPhrases open a flow on demand, when nothing else is open (inside a
// flow "sleep" may be the answer to "what helped?").
var startPhrases = map[string]string{
	"check in": FlowCheckIn, "checkin": FlowCheckIn, "check-in": FlowCheckIn, "weekly check in": FlowCheckIn,
	"do my check in": FlowCheckIn, "do a check in": FlowCheckIn,
	"debrief": FlowDebrief, "shift debrief": FlowDebrief, "debrief my shift": FlowDebrief, "post shift debrief": FlowDebrief,
	"sleep": FlowSleep, "sleep log": FlowSleep, "log sleep": FlowSleep, "log my sleep": FlowSleep,
	"consent": FlowConsent, "consents": FlowConsent, "change consent": FlowConsent, "change my consent": FlowConsent,
	"my consent": FlowConsent, "privacy": FlowConsent, "who sees what": FlowConsent, "sharing": FlowConsent,
}

// ParseCommand reads a control from a tap ("ctl:snooze") or a typed message.
// Only the whole message counts ("skip", "pause until friday"), so an answer
// that mentions a control word is still an answer.
func ParseCommand(c Context, in Input, inFlow bool) (Command, bool) {
	if v, ok := strings.CutPrefix(in.Choice, controlChoice); ok {
		ctl, arg, _ := strings.Cut(v, ":")
		if !knownControls[ctl] {
			return Command{}, false
		}
		cmd := Command{Control: ctl}
		switch ctl {
		case CtlStart:
			cmd.Flow = arg
		case CtlSnooze:
			if arg != "" {
				until, ok := readSnooze(c, arg)
				if !ok {
					return Command{}, false
				}
				cmd.Until = until
			}
		}
		return cmd, true
	}
	if in.Text == "" || len(in.Text) > 200 {
		return Command{}, false
	}
	t := normaliseLabel(strings.ReplaceAll(in.Text, "'", ""))
	t = strings.TrimSuffix(strings.TrimPrefix(t, "please "), " please")
	if ctl, ok := controlPhrases[t]; ok {
		return Command{Control: ctl}, true
	}
	if f, ok := startPhrases[t]; ok && !inFlow {
		return Command{Control: CtlStart, Flow: f}, true
	}
	for _, p := range []string{"snooze for ", "snooze ", "remind me in ", "remind me ", "ask me again in ", "ask me in ", "ask me "} {
		if rest, ok := strings.CutPrefix(t, p); ok {
			if until, ok := readSnooze(c, rest); ok {
				return Command{Control: CtlSnooze, Until: until}, true
			}
		}
	}
	for _, p := range []string{"pause until ", "pause till ", "pause til ", "pause for ", "pause ", "take a break until ",
		"take a break for ", "break until ", "on holiday until ", "im on holiday until ", "i am on holiday until ", "away until "} {
		if rest, ok := strings.CutPrefix(t, p); ok {
			if until, forever, ok := readPause(c, rest); ok {
				return Command{Control: CtlPause, Until: until, Forever: forever}, true
			}
			return Command{Control: CtlPause}, true // "pause until whenever": ask
		}
	}
	return Command{}, false
}

// readSnooze reads how long to snooze: "1h", "an hour", "3 hours", "tomorrow".
func readSnooze(c Context, s string) (time.Time, bool) {
	t := normaliseLabel(s)
	switch t {
	case "1h", "1 hour", "an hour", "one hour", "hour":
		return c.Now.Add(time.Hour), true
	case "3h", "3 hours", "three hours":
		return c.Now.Add(3 * time.Hour), true
	case "tomorrow", "till tomorrow", "until tomorrow", "tmrw", "same time tomorrow":
		return c.Now.AddDate(0, 0, 1), true
	}
	if m, ok := ParseMinutes(s); ok && m >= 10 && m <= 12*60 {
		return c.Now.Add(time.Duration(m) * time.Minute), true
	}
	return time.Time{}, false
}

// readPause reads how long to pause: a date ("friday", "1 dec", "a week")
// or "until I say" (forever: until they say resume).
func readPause(c Context, s string) (until time.Time, forever, ok bool) {
	switch normaliseLabel(s) {
	case "until i say", "till i say", "until i say resume", "until i resume", "indefinitely", "forever", "for now", "until further notice":
		return time.Time{}, true, true
	}
	d, ok := ParseFutureDay(s, c.Local())
	return d, false, ok
}

// Control carries out a control. It is also what the slash commands call.
func Control(c Context, conv store.Conversation, cmd Command, key string, reg Registry) (store.Conversation, []Effect) {
	flow, inFlow := reg[conv.Flow]
	inFlow = inFlow && conv.Flow != ""
	switch cmd.Control {
	case CtlHelp:
		effects := []Effect{Send{To: ToClient, Message: Message{Text: c.Catalog.T("control.help", map[string]any{
			"Contacts": contactLines(c),
		})}, Key: "help/" + key}}
		return conv, append(effects, resumeFlow(c, conv, "", key, reg)...)

	case CtlSkip:
		if !inFlow {
			return conv, []Effect{say(c, "control.nothing_open", nil, "skip/"+key)}
		}
		if q, ok := flow.question(c, conv, conv.State); ok && q.Skippable {
			next, effects := flow.skip(c, conv, key)
			return next, append([]Effect{audit(c, "question.skipped", conv.Flow, conv.State)}, effects...)
		}
		if flow.Required {
			return conv, flow.Ask(c, conv, c.Catalog.T("control.skip_required", nil), key)
		}
		return conv.Close(), []Effect{
			audit(c, "prompt.skipped", conv.Flow, "skipped by the client at "+conv.State),
			say(c, "control.skipped_prompt", map[string]any{"Title": title(c, conv, reg)}, "skip/"+key),
		}

	case CtlSnooze:
		if !inFlow {
			return conv, []Effect{say(c, "control.nothing_open", nil, "snooze/"+key)}
		}
		if cmd.Until.IsZero() {
			conv.Hold = store.HoldSnooze
			return conv, []Effect{Send{To: ToClient, Message: snoozeQuestion(c, conv, "control.snooze_ask"), Key: "snooze/" + key}}
		}
		return snooze(c, conv, cmd.Until, key, reg)

	case CtlPause:
		if cmd.Until.IsZero() && !cmd.Forever {
			conv.Hold = store.HoldPause
			return conv, []Effect{Send{To: ToClient, Message: pauseQuestion(c, conv, "control.pause_ask"), Key: "pause/" + key}}
		}
		return pause(c, conv, cmd.Until, cmd.Forever, key)

	case CtlResume:
		if !c.Client.Consents.WorkerSeesAnswers && !inFlow && c.Client.Status != store.StatusDischarged {
			// "say start", as declining consent tells them: ask again.
			return StartAgain(c, conv, key)
		}
		if c.Client.Status == store.StatusActive || c.Client.Status == "" {
			return conv, append([]Effect{say(c, "control.not_paused", nil, "resume/"+key)}, resumeFlow(c, conv, "", key, reg)...)
		}
		client := c.Client
		was := client.Status
		client.Status, client.PausedUntil = store.StatusActive, time.Time{}
		effects := []Effect{
			SaveClient{Client: client},
			audit(c, "client.resumed", "", "was "+string(was)),
			say(c, "control.resumed", nil, "resume/"+key),
		}
		if was == store.StatusStopped {
			effects = append(effects, Send{To: ToWorker, Message: Message{Text: c.Catalog.T("control.worker_resumed", map[string]any{"Name": c.Client.DisplayName})}, Key: "resume/" + key + "/worker"})
		}
		return conv, effects

	case CtlStop:
		client := c.Client
		client.Status, client.PausedUntil = store.StatusStopped, time.Time{}
		effects := []Effect{SaveClient{Client: client}, audit(c, "client.stopped", "", "opted out by the client")}
		if inFlow {
			effects = append(effects, audit(c, "prompt.stopped", conv.Flow, "the client stopped Steady"))
		}
		effects = append(effects,
			say(c, "control.stopped", map[string]any{"Contacts": contactLines(c)}, "stop/"+key),
			Send{To: ToWorker, Message: Message{Text: c.Catalog.T("control.worker_stopped", map[string]any{"Name": c.Client.DisplayName})}, Key: "stop/" + key + "/worker"},
		)
		return conv.Close(), effects

	case CtlBack:
		if !inFlow {
			return conv, []Effect{say(c, "control.nothing_open", nil, "back/"+key)}
		}
		return flow.back(c, conv, key)

	case CtlTalk:
		effects := []Effect{
			audit(c, "client.asked_for_worker", conv.Flow, ""),
			TalkRequest(c, key, staffTitle(c, conv)),
		}
		if inFlow {
			return conv, append(effects, flow.Ask(c, conv, c.Catalog.T("control.talk_ack_in_flow", nil), key)...)
		}
		return conv, append(effects, say(c, "plan.talk_ack", nil, "talk/"+key))

	case CtlStart:
		f, ok := reg[cmd.Flow]
		if !ok {
			return conv, []Effect{say(c, "control.unknown_flow", nil, "start/"+key)}
		}
		if inFlow {
			return conv, flow.Ask(c, conv, c.Catalog.T("control.finish_first", map[string]any{"Title": title(c, conv, reg)}), key)
		}
		if c.Client.Status == store.StatusStopped && cmd.Flow != FlowConsent {
			return conv, []Effect{say(c, "control.stopped_idle", nil, "start/"+key)}
		}
		next, effects := f.Start(c, OnDemandPrompt(cmd.Flow, key), OnDemandAnswers(c, cmd.Flow))
		next = conv.Carry(next)
		markDebriefed(c, &next)
		return next, append([]Effect{audit(c, "prompt.requested", cmd.Flow, "started by the client")}, effects...)
	}
	return conv, nil
}

// OnDemandPrompt names a flow the client asked for, so its taps match it.
func OnDemandPrompt(flow, key string) string { return "ask:" + flow + ":" + key }

// OnDemandAnswers are what a flow started on demand knows before its first
// question: the night a sleep log is about; the shift a debrief is about
// (the one in progress or just ended, if the rota has one), else its day.
func OnDemandAnswers(c Context, flow string) map[string]string {
	day := c.Local().Format(time.DateOnly)
	switch flow {
	case FlowSleep:
		return map[string]string{AnswerNight: day}
	case FlowDebrief:
		if sh, ok := RecentShift(c); ok {
			return DebriefAnswers(c.Client, sh.ID)
		}
		return map[string]string{AnswerShiftDate: day}
	}
	return nil
}

func snoozeQuestion(c Context, conv store.Conversation, key string) Message {
	return Message{Text: c.Catalog.T(key, nil), Prompt: conv.PromptID, Choices: []Choice{
		{c.Catalog.T("control.snooze_1h", nil), "1h"}, {c.Catalog.T("control.snooze_3h", nil), "3h"},
		{c.Catalog.T("control.snooze_tomorrow", nil), "tomorrow"},
	}}
}

func pauseQuestion(c Context, conv store.Conversation, key string) Message {
	return Message{Text: c.Catalog.T(key, nil), Prompt: conv.PromptID, Choices: []Choice{
		{c.Catalog.T("control.pause_week", nil), "a week"}, {c.Catalog.T("control.pause_fortnight", nil), "2 weeks"},
		{c.Catalog.T("control.pause_until_i_say", nil), "until i say"},
	}}
}

// snooze puts the open question off; a timer asks it again, answers kept.
func snooze(c Context, conv store.Conversation, until time.Time, key string, reg Registry) (store.Conversation, []Effect) {
	until = until.Truncate(time.Minute)
	conv.SnoozedUntil = until
	return conv, []Effect{
		Timer{Kind: KindSnooze, Ref: conv.PromptID, Due: until},
		audit(c, "prompt.snoozed", conv.Flow, "until "+until.In(c.Loc).Format("Mon 2 Jan 15:04")),
		say(c, "control.snoozed", map[string]any{"When": until.In(c.Loc).Format("Mon 2 Jan 15:04"), "Title": title(c, conv, Registry(reg))}, "snooze/"+key),
	}
}

// LongPauseDays is the longest pause, in days, the client's worker is not
// told about: a week off is a holiday; longer, or with no end, is a gap in
// support the worker should know of (the missed check-ins rule cannot see
// it, since paused prompts are not missed).
const LongPauseDays = 7

// pause stops prompts until a day (or until the client says resume); the
// open flow closes. A pause longer than LongPauseDays is told to the worker.
func pause(c Context, conv store.Conversation, until time.Time, forever bool, key string) (store.Conversation, []Effect) {
	client := c.Client
	client.Status = store.StatusPaused
	client.PausedUntil = time.Time{}
	reason := "until the client says resume"
	var effects []Effect
	if !forever {
		client.PausedUntil = until
		reason = "until " + until.Format(time.DateOnly)
		effects = append(effects, Timer{Kind: KindPauseEnd, Ref: until.Format(time.DateOnly), Due: until})
	}
	effects = append(effects, SaveClient{Client: client}, audit(c, "client.paused", "", reason))
	if conv.Flow != "" {
		effects = append(effects, audit(c, "prompt.stopped", conv.Flow, "the client paused Steady"))
	}
	msg := "control.paused_until"
	if forever {
		msg = "control.paused_forever"
	}
	effects = append(effects, say(c, msg, map[string]any{"Until": until.Format("Mon 2 Jan"), "Contacts": contactLines(c)}, "pause/"+key))
	if forever || until.After(today(c).AddDate(0, 0, LongPauseDays)) {
		shown := ""
		if !forever {
			shown = until.Format("Mon 2 Jan")
		}
		effects = append(effects, Send{To: ToWorker, Message: Message{Text: c.Catalog.T("control.worker_paused", map[string]any{
			"Name": c.Client.DisplayName, "Until": shown,
		})}, Key: "pause/" + key + "/worker"})
	}
	return conv.Close(), effects
}

// EndPause is what a pause's end does: the client is active again and is
// told so. It does nothing if the pause was changed since (resumed early,
// paused again to another day, or stopped).
func EndPause(c Context, day string) []Effect {
	cl := c.Client
	if cl.Status != store.StatusPaused || cl.PausedUntil.IsZero() || cl.PausedUntil.Format(time.DateOnly) != day {
		return nil
	}
	cl.Status, cl.PausedUntil = store.StatusActive, time.Time{}
	return []Effect{
		SaveClient{Client: cl},
		steadyAudit(c, "client.resumed", "", "pause ended "+day),
		PauseEndedNote(c, day),
	}
}

// PauseEndedNote tells the client their pause of day has ended. A pause ends
// at midnight; in the client's quiet hours the bot sends this at their end
// instead (the key keeps it to once).
func PauseEndedNote(c Context, day string) Effect {
	return say(c, "control.pause_ended", map[string]any{"Name": c.Client.DisplayName}, "pause-end/"+day)
}

// Unsnooze asks a snoozed prompt again, if it is still open and still snoozed
// to this time.
func Unsnooze(c Context, conv store.Conversation, promptID string, due time.Time, reg Registry) (store.Conversation, []Effect) {
	f, ok := reg[conv.Flow]
	if !ok || conv.PromptID != promptID || conv.SnoozedUntil.IsZero() || !conv.SnoozedUntil.Equal(due.Truncate(time.Minute)) {
		return conv, nil
	}
	conv.SnoozedUntil = time.Time{}
	return conv, f.Ask(c, conv, c.Catalog.T("control.unsnoozed", map[string]any{"Title": title(c, conv, reg)}), "unsnooze-"+due.UTC().Format("0601021504"))
}
