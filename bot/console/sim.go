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
  :resolve NOTE       the worker resolves them with an outcome note
  :approve / :decline a moderator approves or declines the held peer nudge
  :peer TEXT          someone posts TEXT in the peer channel
  :huddle             post the weekly caseload huddle now
  :benefit WHAT [DATE]  the worker flags a benefit transition (e.g. :benefit ESA to UC 2026-12-01)
  :stranger TEXT      someone not enrolled sends the bot TEXT
  :summary            show the worker's summary of the client (check-ins, debriefs, first-month trend)
  :status             show the simulated time and what is due next
  :help               this list
  :quit               leave
anything else is the client's message; a number or a label picks one of the choices offered`

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
	default:
		s.Console.Note("unknown command %q; :help lists them", cmd)
	}
	return false, nil
}

func (s *Simulator) clientSays(ctx context.Context, line string) error {
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
	for {
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
