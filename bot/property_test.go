package bot_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"steady/bot"
	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
	"steady/store/redistest"
)

// propertyCases is how many random cases `make test` runs; -rapid.checks or
// RAPID_CHECKS overrides it.
const propertyCases = 1000

// canary is planted in every piece of the client's own free text, so a test
// can see whether their words ever reach anyone they should not.
const canary = "CANARY"

// consentWatch is a Messenger that checks every delivery against the
// client's consent as it stands at that moment.
type consentWatch struct {
	mu         sync.Mutex
	name       string
	consent    store.Consents
	violations []string
	peerDays   map[string]int
	loc        *time.Location
	clock      scheduler.Clock
	sent       int
}

var figures = regexp.MustCompile(`\d`)

// Where a message went: privately to one member of staff, by DM, posted in
// a channel, or a rewrite of one delivered before.
const (
	viaStaff   = "staff"
	viaDM      = "dm"
	viaChannel = "channel"
	viaEdit    = "edit"
)

// check also holds every delivery to the rule that a client's details reach
// nobody but them, their worker and the lead: staff get them only
// privately and only Sam (Alex's worker) and Jo (the lead) do; a DM goes
// only to Alex; the shared staff channel gets nothing about Alex at all.
func (w *consentWatch) check(via, to string, m bot.Outgoing) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent++
	bad := func(why string) {
		w.violations = append(w.violations, fmt.Sprintf("%s via %s to %s: %s: %q", m.Audience, via, to, why, m.Text))
	}
	switch via {
	case viaStaff:
		if want := map[flows.Audience]string{flows.ToWorker: "u-sam", flows.ToLead: "u-jo"}[m.Audience]; to != want {
			bad("a message to staff reached someone other than the client's worker and the lead")
		}
	case viaDM:
		if to != "u-alex" || m.Audience != flows.ToClient {
			bad("a DM to someone other than the client")
		}
	case viaChannel:
		switch {
		case to == "peer" && m.Audience == flows.ToPeer, to == "staff" && m.Audience == flows.ToModerator:
			// consent rules below
		case to == "staff" && m.Audience == flows.ToStaff:
			if contentful.MatchString(m.Text) || len(m.Choices) > 0 {
				bad("client details (a name, a rule, a figure) or buttons in the shared staff channel")
			}
		default:
			bad("a post in a channel it has no business in")
		}
	case viaEdit:
		if m.Audience != flows.ToWorker && m.Audience != flows.ToLead {
			bad("a rewrite of something other than a ping to staff")
		}
	}
	switch m.Audience {
	case flows.ToPeer:
		if !w.consent.PeerAllowed() {
			bad("peer message without peer consent")
		}
		if figures.MatchString(m.Text) {
			bad("a figure reached the peer group")
		}
		if w.consent.Peer == store.PeerAnonymous && strings.Contains(m.Text, w.name) {
			bad("the client's name in an anonymous nudge")
		}
		for _, leak := range []string{canary, "asleep", "stress", "coping", "reduced hours", "Supervisor", "crisis", "racing"} {
			if strings.Contains(m.Text, leak) {
				bad("client detail " + leak + " reached the peer group")
			}
		}
		day := w.clock.Now().In(w.loc).Format(time.DateOnly)
		w.peerDays[day]++
		if w.peerDays[day] > 1 {
			bad("more than one nudge for the client in a day")
		}
	case flows.ToModerator, flows.ToStaff:
		if strings.Contains(m.Text, canary) {
			bad("the client's words reached a shared channel")
		}
	case flows.ToWorker, flows.ToLead:
		// The client's words reach one person: their own worker, privately,
		// on the to-read list (the human backstop). Never a ping, never the lead.
		digest := via == viaStaff && to == "u-sam" && m.Audience == flows.ToWorker && strings.HasPrefix(m.Prompt, flows.ReadPromptPrefix)
		if strings.Contains(m.Text, canary) && !digest {
			bad("the client's words reached staff outside their own worker's to-read digest")
		}
		if strings.Contains(m.Text, "Supervisor liaison:") {
			consented := !strings.Contains(m.Text, "Supervisor liaison: NOT consented")
			if consented != (w.consent.Supervisor != store.SupervisorNone) {
				bad("supervisor-consent status does not match the client's consent")
			}
		}
	}
}

func (w *consentWatch) SendDM(ctx context.Context, userID string, m bot.Outgoing) (bot.MessageRef, error) {
	w.check(viaDM, userID, m)
	return bot.MessageRef{MessageID: m.Key}, nil
}
func (w *consentWatch) SendStaff(ctx context.Context, userID string, m bot.Outgoing) (bot.MessageRef, error) {
	w.check(viaStaff, userID, m)
	return bot.MessageRef{MessageID: m.Key}, nil
}
func (w *consentWatch) Post(ctx context.Context, channelID string, m bot.Outgoing) (bot.MessageRef, error) {
	w.check(viaChannel, channelID, m)
	return bot.MessageRef{MessageID: m.Key}, nil
}
func (w *consentWatch) Update(ctx context.Context, ref bot.MessageRef, m bot.Outgoing) error {
	w.check(viaEdit, ref.ChannelID, m)
	return nil
}
func (w *consentWatch) UpdateSent(ctx context.Context, key string, m bot.Outgoing) error {
	w.check(viaEdit, key, m)
	return nil
}
func (w *consentWatch) OpenThread(ctx context.Context, channelID, name string) (string, error) {
	return channelID, nil
}
func (w *consentWatch) Delete(ctx context.Context, ref bot.MessageRef) error { return nil }

func setRapidChecks() {
	if os.Getenv("RAPID_CHECKS") != "" {
		return
	}
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	if !set {
		flag.Set("rapid.checks", fmt.Sprint(propertyCases))
	}
	// A failure prints its seed; a fail file would land in the source tree.
	flag.Set("rapid.nofailfile", "true")
}

type action struct {
	kind string
	n    int // a score, a count or minutes, by kind
	flag bool
}

func drawAction(t *rapid.T) action {
	kinds := []string{"night", "night", "night", "debrief", "checkin", "crisis", "crisis message", "talk", "advance", "advance", "advance", "ack", "resolve", "consent", "moderate"}
	a := action{kind: rapid.SampledFrom(kinds).Draw(t, "kind")}
	switch a.kind {
	case "night":
		a.flag = rapid.Bool().Draw(t, "disrupted")
	case "debrief":
		a.n = rapid.IntRange(0, 10).Draw(t, "stress")
		a.flag = rapid.Bool().Draw(t, "signs")
	case "checkin":
		a.n = rapid.IntRange(1, 5).Draw(t, "coping")
		a.flag = rapid.Bool().Draw(t, "rights")
	case "advance":
		a.n = rapid.SampledFrom([]int{1, 10, 29, 31, 61, 119, 121, 240, 600, 1440}).Draw(t, "minutes")
	case "ack":
		a.flag = rapid.Bool().Draw(t, "by lead")
	case "consent":
		a.n = rapid.IntRange(0, 2).Draw(t, "peer")
	}
	return a
}

var (
	peerChoices       = []store.PeerConsent{store.PeerOff, store.PeerAnonymous, store.PeerNamed}
	supervisorChoices = []store.SupervisorConsent{store.SupervisorNone, store.SupervisorFunctional, store.SupervisorNamed}
)

// Random consents × random sequences of answers, crises, time passing and
// staff actions, through the real engine, scheduler and Redis:
//   - nothing reaches the peer group, a shared channel or staff beyond what
//     the client's consent (at that moment) allows, and never their words;
//   - no health detail reaches anyone but the client, their worker and the
//     lead: staff get them privately, the shared staff channel never;
//   - no incident is ever lost: each one waiting for staff always has its
//     re-notify armed, and once acknowledged every one ends resolved or
//     stale, with no timer left behind.
func TestPropertyConsentHoldsAndNoIncidentIsLost(t *testing.T) {
	setRapidChecks()
	rdb, base := redistest.New(t)
	ctx := context.Background()
	cases := 0
	london, _ := time.LoadLocation("Europe/London")
	rapid.Check(t, func(t *rapid.T) {
		cases++
		prefix := fmt.Sprintf("%s:p%d", base, cases)
		start := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC).Add(time.Duration(rapid.IntRange(0, 7*24).Draw(t, "start hour")) * time.Hour)
		clock := scheduler.NewFakeClock(start)
		st := redisstore.New(rdb, prefix)
		sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: prefix})
		peer := rapid.SampledFrom(peerChoices).Draw(t, "peer consent")
		super := rapid.SampledFrom(supervisorChoices).Draw(t, "supervisor consent")
		watch := &consentWatch{name: "Alex", peerDays: map[string]int{}, loc: london, clock: clock}
		e := bot.New(bot.Deps{Store: st, Scheduler: sched, Messenger: watch, Clock: clock, Config: bot.Config{
			StaffChannel: "staff", PeerChannel: "peer", LeadID: "jo",
			// Timer intervals do not change what the properties say; longer ones
			// keep a thousand cases quick.
			Escalation: bot.EscalationConfig{
				PeerApproval:        rapid.Bool().Draw(t, "peer approval"),
				RenotifyAfter:       rapid.SampledFrom([]time.Duration{30 * time.Minute, 3 * time.Hour}).Draw(t, "renotify"),
				UrgentRenotifyAfter: rapid.SampledFrom([]time.Duration{15 * time.Minute, 2 * time.Hour}).Draw(t, "urgent renotify"),
			},
		}})
		hours := rapid.SampledFrom([]string{"", "mon-fri 09:00-17:00"}).Draw(t, "worker hours")
		profile := fmt.Sprintf(`
client: {id: alex, name: Alex, discord_id: "u-alex", time_zone: Europe/London}
worker: {id: sam, name: Sam, discord_id: "u-sam", hours: %q}
lead: {id: jo, name: Jo, discord_id: "u-jo"}
consents: {worker_sees_answers: true, peer_group: %s, supervisor_liaison: %s, supervisor_items: [written task list]}
plan:
  early_warning_signs: [racing thoughts, skipping meals]
  warning_signs_threshold: 2
  pause_script: "Step outside and breathe out slowly."
  actions: {two_disrupted_nights: [reduced hours for one week], crisis: [call the crisis team]}
`, hours, peer, super)
		p, err := bot.ParseProfile([]byte(profile))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Enrol(ctx, p, "sam"); err != nil {
			t.Fatal(err)
		}
		c, _ := st.Client(ctx, "alex")
		watch.consent = c.Consents

		advance := func(d time.Duration) {
			target := clock.Now().Add(d)
			for {
				next, ok, err := sched.NextDue(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if !ok || next.After(target) {
					break
				}
				clock.Set(next)
				if _, err := sched.Tick(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			clock.Set(target)
		}
		night, seq := start.In(london), 0
		for _, a := range rapid.SliceOfN(rapid.Custom(drawAction), 1, 12).Draw(t, "actions") {
			seq++
			var err error
			switch a.kind {
			case "night":
				night = night.AddDate(0, 0, 1)
				entry := store.SleepEntry{Night: night.Format(time.DateOnly), Bedtime: "23:00", WakeTime: "07:00", AsleepMin: 460, Quality: 4, LoggedAt: clock.Now()}
				if a.flag {
					entry.AsleepMin, entry.Quality, entry.Bedtime = 200, 2, "03:00"
				}
				err = e.StepForTest(ctx, "alex", flows.SaveSleep{Entry: entry})
			case "debrief":
				d := store.Debrief{ID: fmt.Sprint("d", seq), Date: clock.Now().In(london).Format(time.DateOnly), Stress: a.n, StressAnswered: true,
					SignsAsked: true, WhatHelped: canary + " my words", LoggedAt: clock.Now()}
				if a.flag {
					d.WarningSigns = []string{"racing thoughts", "skipping meals"}
				}
				err = e.StepForTest(ctx, "alex", flows.SaveDebrief{Debrief: d})
			case "checkin":
				ci := store.CheckIn{ID: fmt.Sprint("c", seq), Date: clock.Now().In(london).Format(time.DateOnly), Coping: a.n, RightsAsked: true,
					NoteForWorker: canary + " my words", LoggedAt: clock.Now()}
				if a.flag {
					ci.Rights = []string{store.RightsBreaks}
				}
				err = e.StepForTest(ctx, "alex", flows.SaveCheckIn{CheckIn: ci})
			case "crisis":
				err = e.RaiseForTest(ctx, "alex", flows.Firing{Rule: flows.RuleCrisis, Urgent: true,
					Evidence: []store.Evidence{{Key: fmt.Sprint("crisis:", seq), At: clock.Now(), Summary: "crisis language (suicide)"}}})
			case "crisis message":
				err = e.HandleMessage(ctx, bot.Inbound{UserID: "u-alex", Key: fmt.Sprint("msg", seq), Text: canary + " I want to kill myself"})
			case "talk":
				err = e.HandleMessage(ctx, bot.Inbound{UserID: "u-alex", Key: fmt.Sprint("msg", seq), Text: "talk to my worker"})
			case "advance":
				advance(time.Duration(a.n) * time.Minute)
			case "ack":
				by := "sam"
				if a.flag {
					by = "jo"
				}
				_, _, err = e.AcknowledgeOpen(ctx, "alex", by)
			case "resolve":
				_, _, err = e.ResolveOpen(ctx, "alex", "sam", canary+" outcome note")
			case "consent":
				c, _ := st.Client(ctx, "alex")
				c.Consents.Set(store.PurposePeer, string(peerChoices[a.n]), "client", "changed in a test", clock.Now())
				b := st.Batch("alex")
				b.PutClient(c)
				if _, err = b.Commit(ctx, -1); err == nil {
					watch.mu.Lock()
					watch.consent = c.Consents
					watch.mu.Unlock()
				}
			case "moderate":
				held, _, herr := e.HeldPeerNudges(ctx, "sam")
				err = herr
				for _, h := range held {
					if _, err = e.ApprovePeer(ctx, h.IncidentID, "sam"); err != nil {
						break
					}
				}
			}
			if err != nil {
				t.Fatalf("%s: %v", a.kind, err)
			}
			if len(watch.violations) > 0 {
				t.Fatalf("after %s: %s", a.kind, strings.Join(watch.violations, "\n"))
			}
			assertNoneLost(t, ctx, st, sched)
		}

		// Staff take everything on; within the stale window all of it ends.
		advance(time.Hour)
		assertNoneLost(t, ctx, st, sched)
		if _, _, err := e.AcknowledgeOpen(ctx, "alex", "sam"); err != nil {
			t.Fatal(err)
		}
		advance(15 * 24 * time.Hour)
		incidents, err := st.Incidents(ctx, "alex")
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range incidents {
			if !in.Closed() {
				t.Fatalf("incident %s ended %s, want resolved or stale", in.ID, in.State)
			}
		}
		if pending, _ := sched.Pending(ctx, "alex"); len(pending) != 0 {
			t.Fatalf("timers left behind: %+v", pending)
		}
		audit, _ := st.Audit(ctx, "alex", "")
		for _, ev := range audit {
			if strings.Contains(ev.Reason, canary) {
				t.Fatalf("the client's words reached the audit log: %+v", ev)
			}
		}
		if len(watch.violations) > 0 {
			t.Fatal(strings.Join(watch.violations, "\n"))
		}
	})
	t.Logf("%d random cases", cases)
	if cases < propertyCases && !flagSet("rapid.checks") && os.Getenv("RAPID_CHECKS") == "" {
		t.Errorf("ran %d cases, want at least %d", cases, propertyCases)
	}
}

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// assertNoneLost checks that every incident still waiting for staff has its
// re-notify armed in the scheduler at the time the incident expects, and
// every acknowledged one its stale check.
func assertNoneLost(t *rapid.T, ctx context.Context, st *redisstore.Store, sched *scheduler.Scheduler) {
	incidents, err := st.Incidents(ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	pending, err := sched.Pending(ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	armed := map[string]bool{}
	for _, o := range pending {
		armed[o.Kind+"|"+o.Ref+"|"+o.Due.UTC().Format(time.RFC3339)] = true
	}
	for _, in := range incidents {
		var kind string
		var due time.Time
		switch in.State {
		case store.IncidentOpen, store.IncidentClientContacted, store.IncidentWorkerNotified:
			kind, due = flows.KindIncidentRenotify, in.RenotifyAt
		case store.IncidentAcknowledged:
			kind, due = flows.KindIncidentStale, in.StaleAt
		default:
			continue
		}
		if due.IsZero() || !armed[kind+"|"+in.ID+"|"+due.UTC().Format(time.RFC3339)] {
			t.Fatalf("incident %s (%s) has no %s armed for %v; pending: %+v", in.ID, in.State, kind, due, pending)
		}
	}
}
