package console

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"steady/bot"
	"steady/flows"
	"steady/scheduler"
	"steady/store/redisstore"
)

// Simulator plays one client against the real engine on a simulated clock.
type Simulator struct {
	Engine   *bot.Engine
	Sched    *scheduler.Scheduler
	Store    *redisstore.Store
	Clock    *scheduler.FakeClock
	Console  *Console
	ClientID string
	UserID   string // the client's Discord id
	WorkerID string
	Loc      *time.Location
	// Interactive shows a prompt; otherwise typed lines are echoed so a
	// transcript read from a pipe shows both sides.
	Interactive bool
	// SaveClock persists the simulated time, so a restart resumes at it.
	SaveClock func(context.Context, time.Time) error

	auditAfter   string
	serviceAfter string
	inputs       int
	peerPosts    int
	run          string
}

func (s *Simulator) runID() string {
	if s.run == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		s.run = hex.EncodeToString(b[:])
	}
	return s.run
}

// Run reads lines until the input ends or :quit. It returns nil then.
func (s *Simulator) Run(ctx context.Context, in io.Reader, prompt io.Writer) error {
	if err := s.showAudit(ctx); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for {
		if s.Interactive {
			fmt.Fprint(prompt, "> ")
		}
		if !sc.Scan() {
			return sc.Err()
		}
		line := sc.Text()
		if !s.Interactive {
			s.Console.Echo(line)
		}
		quit, err := s.handleLine(ctx, line)
		if err != nil {
			return err
		}
		if err := s.showAudit(ctx); err != nil {
			return err
		}
		if quit {
			return nil
		}
	}
}

const help = `commands:
  :advance DURATION   let time pass (e.g. 30m, 8h, 2d, 1d12h); everything due fires, in order
  :at TIME            let time pass until TIME: "07:30" (next time the clock shows it) or "2026-11-24 07:30"
  :shift START-END     the client works a shift today (e.g. :shift 09:00-17:00, or 22:00-06:00 overnight)
  :ack                the worker acknowledges the client's open incidents
  :read N             the worker taps Acknowledge on item N of their last "to read" digest (:read all: every item)
  :resolve NOTE       the worker resolves them with an outcome note
  :approve / :decline a moderator approves or declines the held peer nudge
  :peer TEXT          someone posts TEXT in the peer channel
  :huddle             post the weekly caseload huddle now
  :benefit WHAT [DATE]  the worker flags a benefit transition (e.g. :benefit ESA to UC 2026-12-01)
  :stranger TEXT      someone not enrolled sends the bot TEXT
  :summary            show the worker's summary of the client (check-ins, debriefs, first-month trend)
  :status             show the simulated time and what is due next
  :autopilot DURATION play the client for DURATION (e.g. 30d): each question is answered at once, as in an
                      ordinary week; then what they received is counted day by day
  :help               this list
  :quit               leave
anything else is the client's message. Choices, the same as in Discord:
  [1] Harder than usual   numbered options: type the number (1) or the label to pick one
  [11pm] [0] [1] [4+]     values (a time, a count, a rating): type the value itself; a number
                          there is the value (1 wake, a rating of 1), never a button's position`

func (s *Simulator) handleLine(ctx context.Context, line string) (quit bool, err error) {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, ":") {
		return false, s.clientSays(ctx, line)
	}
	cmd, arg, _ := strings.Cut(t[1:], " ")
	arg = strings.TrimSpace(arg)
	switch strings.ToLower(cmd) {
	case "quit", "q", "exit":
		return true, nil
	case "help", "h", "?":
		s.Console.Note("%s", help)
	case "advance", "adv", "a":
		d, err := ParseSpan(arg)
		if err != nil {
			s.Console.Note("%v", err)
			return false, nil
		}
		return false, s.AdvanceTo(ctx, s.Clock.Now().Add(d))
	case "at":
		target, err := s.parseAt(arg)
		if err != nil {
			s.Console.Note("%v", err)
			return false, nil
		}
		return false, s.AdvanceTo(ctx, target)
	case "ack":
		n, deny, err := s.Engine.AcknowledgeOpen(ctx, s.ClientID, s.WorkerID)
		switch {
		case err != nil:
			return false, err
		case deny != "":
			s.Console.Note("%s", deny)
		case n == 0:
			s.Console.Note("no open incident to acknowledge")
		}
	case "read":
		choice, prompt, ok := s.Console.PickDigest(arg)
		if !ok {
			s.Console.Note("no such item in the worker's last to-read digest; :read 1, :read 2 … or :read all")
			return false, nil
		}
		reply, err := s.Engine.AcknowledgeRead(ctx, s.WorkerID, prompt, choice)
		if err != nil {
			return false, err
		}
		s.Console.Note("%s", reply)
	case "resolve":
		n, deny, err := s.Engine.ResolveOpen(ctx, s.ClientID, s.WorkerID, arg)
		switch {
		case err != nil:
			return false, err
		case deny != "":
			s.Console.Note("%s", deny)
		default:
			s.Console.Note("resolved %d open incident(s)", n)
		}
	case "approve", "decline":
		held, reply, err := s.Engine.HeldPeerNudges(ctx, s.WorkerID)
		if err != nil {
			return false, err
		}
		if len(held) == 0 {
			s.Console.Note("%s", reply)
		}
		for _, h := range held {
			act := s.Engine.ApprovePeer
			if strings.ToLower(cmd) == "decline" {
				act = s.Engine.DeclinePeer
			}
			reply, err := act(ctx, h.IncidentID, s.WorkerID)
			if err != nil {
				return false, err
			}
			s.Console.Note("%s", reply)
		}
	case "peer":
		s.peerPosts++
		return false, s.Engine.HandlePeerMessage(ctx, bot.PeerMessage{
			ChannelID: "peer", MessageID: fmt.Sprintf("peer-%s-%d", s.runID(), s.peerPosts), AuthorID: "peer-member", Text: arg,
		})
	case "huddle":
		return false, s.Engine.PostHuddle(ctx)
	case "benefit":
		what, due := arg, ""
		if f := strings.Fields(arg); len(f) > 1 {
			if _, err := time.Parse(time.DateOnly, f[len(f)-1]); err == nil {
				what, due = strings.Join(f[:len(f)-1], " "), f[len(f)-1]
			}
		}
		reply, err := s.Engine.FlagBenefit(ctx, s.WorkerID, s.ClientID, what, due)
		if err != nil {
			return false, err
		}
		s.Console.Note("%s", reply)
	case "shift":
		spec := s.Clock.Now().In(s.Loc).Format(time.DateOnly) + " " + arg
		reply, err := s.Engine.ClientAddsShift(ctx, s.UserID, spec)
		if err != nil {
			return false, err
		}
		s.Console.Note("%s", reply)
	case "stranger":
		s.inputs++
		return false, s.Engine.HandleMessage(ctx, bot.Inbound{
			UserID: "stranger-" + s.runID(), Key: fmt.Sprintf("try-%s-%d", s.runID(), s.inputs), Text: arg,
		})
	case "summary":
		sum, err := s.Engine.ClientSummary(ctx, s.WorkerID, s.ClientID)
		if err != nil {
			return false, err
		}
		_, err = s.Console.Post(ctx, "staff", bot.Outgoing{Audience: flows.ToWorker, Text: sum.Text})
		return false, err
	case "status":
		return false, s.status(ctx)
	case "autopilot":
		d, err := ParseSpan(arg)
		if err != nil {
			s.Console.Note("%v", err)
			return false, nil
		}
		return false, s.Autopilot(ctx, d)
	default:
		s.Console.Note("unknown command %q; :help lists them", cmd)
	}
	return false, nil
}

func (s *Simulator) clientSays(ctx context.Context, line string) error {
	defer s.Console.Replying()()
	s.inputs++
	in := bot.Inbound{
		UserID: s.UserID, Text: line,
		// Unique across restarts, or a resumed run's first answer would look
		// like a redelivery of the previous run's.
		Key: fmt.Sprintf("try-%s-%d", s.runID(), s.inputs),
	}
	if choice, prompt, ok := s.Console.Pick(line); ok {
		in.Text, in.Choice, in.Prompt = "", choice, prompt
	}
	return s.Engine.HandleMessage(ctx, in)
}

// AdvanceTo moves the clock to target, stopping at each due occurrence on
// the way so everything fires at its own time and in order.
func (s *Simulator) AdvanceTo(ctx context.Context, target time.Time) error {
	return s.advance(ctx, target, false)
}

// advance is AdvanceTo; with answer, every question is answered as it comes.
func (s *Simulator) advance(ctx context.Context, target time.Time, answer bool) error {
	for {
		if answer {
			if err := s.answerAll(ctx); err != nil {
				return err
			}
		}
		next, ok, err := s.Sched.NextDue(ctx)
		if err != nil {
			return err
		}
		if !ok || next.After(target) {
			break
		}
		s.Clock.Set(next)
		if _, err := s.Sched.Tick(ctx, s.Engine); err != nil {
			return err
		}
		if err := s.showAudit(ctx); err != nil {
			return err
		}
	}
	s.Clock.Set(target)
	return s.saveClock(ctx)
}

// Autopilot plays the client for d: time passes as with :advance, and each
// question is answered the moment it comes, as a client having an ordinary
// week would answer it (a usual night, coping 4, nothing wrong at work,
// nothing to add). Then it prints what the client received, day by day:
// the messages that arrived unasked, and all DMs.
func (s *Simulator) Autopilot(ctx context.Context, d time.Duration) error {
	from := s.Clock.Now()
	if err := s.advance(ctx, from.Add(d), true); err != nil {
		return err
	}
	s.printDays(from, from.Add(d))
	return nil
}

// answerAll answers the question waiting on the client, and the next one,
// until none waits (or the same one is asked again: a reply it cannot read).
func (s *Simulator) answerAll(ctx context.Context) error {
	var last string
	for range 50 {
		choices, values, multi := s.Console.Offered()
		if len(choices) == 0 {
			return nil
		}
		line := everydayAnswer(choices, values, multi)
		if key := fmt.Sprint(choices, line); key == last {
			return nil
		} else {
			last = key
		}
		s.Console.Echo(line)
		if err := s.clientSays(ctx, line); err != nil {
			return err
		}
		if err := s.showAudit(ctx); err != nil {
			return err
		}
	}
	return nil
}

// everydayChoices are the options an ordinary week's answers pick, by
// value, where a question offers them: "I'm OK for now", "Worked the whole
// shift", "Nothing to add", and a usual night (11pm, 15–30 min, 7am).
var everydayChoices = []string{flows.ChoiceOK, "completed", "-", "23:00", "20", "07:00"}

// everydayAnswer is what an ordinary week's client types at a question.
func everydayAnswer(choices []flows.Choice, values, multi bool) string {
	if multi {
		return "none"
	}
	want := everydayChoices
	for _, ch := range choices {
		if ch.Value == "partly" {
			want = append([]string{"yes"}, want...) // the adjustment is kept to
			break
		}
		if ch.Value == "no" {
			want = append([]string{"no"}, want...) // no conflict
		}
	}
	for _, want := range want {
		for _, ch := range choices {
			if ch.Value == want {
				return ch.Label
			}
		}
	}
	switch {
	case !values:
		return "1"
	case len(choices) == 11:
		return "3" // stress, 0 to 10
	case choices[len(choices)-1].Label == "4+":
		return "1" // woke once
	}
	return "4" // coping, sleep quality: 1 to 5
}

// printDays prints, for each day of the client's calendar from..to, what
// they received, and the average and the busiest day.
func (s *Simulator) printDays(from, to time.Time) {
	counted := map[string]DayCount{}
	for _, d := range s.Console.Days() {
		counted[d.Day] = d
	}
	var days []DayCount
	for d := from.In(s.Loc); d.Before(to); d = d.AddDate(0, 0, 1) {
		day := d.Format("Mon 2 Jan")
		c := counted[day]
		c.Day = day
		days = append(days, c)
	}
	if len(days) == 0 {
		return
	}
	s.Console.Note("what the client received, day by day (unasked: arrived without their having just written; DMs: all, each next question and thanks included)")
	busiest, unasked, dms := 0, 0, 0
	for _, d := range days {
		s.Console.Note("%-10s  unasked %d  DMs %2d", d.Day, d.Unasked, d.DMs)
		busiest, unasked, dms = max(busiest, d.Unasked), unasked+d.Unasked, dms+d.DMs
	}
	s.Console.Note("%d days: %.2f unasked messages a day on average, %d on the busiest day; %.1f DMs a day in all",
		len(days), float64(unasked)/float64(len(days)), busiest, float64(dms)/float64(len(days)))
}

func (s *Simulator) saveClock(ctx context.Context) error {
	if s.SaveClock == nil {
		return nil
	}
	return s.SaveClock(ctx, s.Clock.Now())
}

func (s *Simulator) parseAt(arg string) (time.Time, error) {
	now := s.Clock.Now().In(s.Loc)
	if t, err := time.ParseInLocation("2006-01-02 15:04", arg, s.Loc); err == nil {
		if !t.After(now) {
			return time.Time{}, fmt.Errorf("%s is not in the future (it is %s)", arg, now.Format("2006-01-02 15:04"))
		}
		return t, nil
	}
	if hm, err := time.Parse("15:04", arg); err == nil {
		wall := time.Date(now.Year(), now.Month(), now.Day(), hm.Hour(), hm.Minute(), 0, 0, time.UTC)
		t := scheduler.Resolve(wall, s.Loc)
		if !t.After(now) {
			t = scheduler.Resolve(wall.AddDate(0, 0, 1), s.Loc)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("can't read time %q: use 07:30 or 2026-11-24 07:30", arg)
}

// promptNames are what the client is asked, by occurrence kind, as :status
// and the start of a run name them.
var promptNames = []struct{ kind, name string }{
	{bot.KindSleepLog, "sleep log"}, {bot.KindWeeklyCheckIn, "weekly check-in"}, {bot.KindGrounding, "grounding before a shift"},
	{bot.KindDebrief, "shift debrief"}, {bot.KindAdjustmentReview, "adjustment review"},
}

// Upcoming prints when each kind of prompt next comes, so what happens
// next does not depend on guessing the weekday the run started on.
func (s *Simulator) Upcoming(ctx context.Context) error {
	pending, err := s.Sched.Pending(ctx, s.ClientID)
	if err != nil {
		return err
	}
	var parts []string
	for _, p := range promptNames {
		for _, o := range pending {
			if o.Kind == p.kind {
				parts = append(parts, p.name+" "+o.Due.In(s.Loc).Format("Mon 2 Jan 15:04"))
				break
			}
		}
	}
	if len(parts) == 0 {
		s.Console.Note("nothing is scheduled for the client")
		return nil
	}
	s.Console.Note("next: %s", strings.Join(parts, "; "))
	return nil
}

func (s *Simulator) status(ctx context.Context) error {
	s.Console.Note("it is %s", s.Clock.Now().In(s.Loc).Format("Mon 2 Jan 2006 15:04 MST"))
	pending, err := s.Sched.Pending(ctx, s.ClientID)
	if err != nil {
		return err
	}
	for _, o := range pending {
		s.Console.Note("due %s: %s", o.Due.In(s.Loc).Format("Mon 2 Jan 15:04 MST"), o.Kind)
	}
	return nil
}

// showAudit prints the client's and the service's audit entries written
// since the last call.
func (s *Simulator) showAudit(ctx context.Context) error {
	for _, log := range []struct {
		id    string
		after *string
	}{{s.ClientID, &s.auditAfter}, {bot.ServiceID, &s.serviceAfter}} {
		events, err := s.Store.Audit(ctx, log.id, *log.after)
		if err != nil {
			return err
		}
		if len(events) > 0 {
			*log.after = events[len(events)-1].ID
			s.Console.Audit(events)
		}
	}
	return nil
}

// SkipAudit starts the audit display after what is already logged (on a restart).
func (s *Simulator) SkipAudit(ctx context.Context) error {
	for _, log := range []struct {
		id    string
		after *string
	}{{s.ClientID, &s.auditAfter}, {bot.ServiceID, &s.serviceAfter}} {
		events, err := s.Store.Audit(ctx, log.id, "")
		if err != nil {
			return err
		}
		if len(events) > 0 {
			*log.after = events[len(events)-1].ID
		}
	}
	return nil
}

// ParseSpan reads a duration that may use days: "30m", "8h", "2d", "1d12h".
func ParseSpan(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		return 0, errors.New("say how long, e.g. :advance 8h or :advance 2d")
	}
	var total time.Duration
	if days, rest, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 400 {
			return 0, fmt.Errorf("can't read %q: use e.g. 30m, 8h, 2d or 1d12h", s)
		}
		total = time.Duration(n) * 24 * time.Hour
		s = rest
	}
	if s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("can't read %q: use e.g. 30m, 8h, 2d or 1d12h", s)
		}
		total += d
	}
	if total <= 0 {
		return 0, errors.New("the duration must be more than zero")
	}
	return total, nil
}
