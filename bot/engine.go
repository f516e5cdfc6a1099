package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
)

// Occurrence kinds the engine handles.
const (
	KindSleepLog = "sleep_log"
)

// Config is the service's deployment-level settings. Zero fields take the
// defaults documented on each.
type Config struct {
	// StaffChannel is the staff channel everyone on staff reads. It gets only
	// content-free notices (an urgent incident for one of Sam's clients) and
	// the huddle's counts; a client's details go to their worker and the
	// lead privately (Messenger.SendStaff). Empty: no notices.
	StaffChannel string
	// PeerChannel is the moderated peer-support channel. Empty: no peer nudge is
	// ever posted (each one is audited as suppressed).
	PeerChannel string
	// LeadID is the worker id of the lead / on-call.
	LeadID string
	// CrisisContacts replace the catalogue's crisis numbers (UK defaults), one
	// per line as a client reads them; a client's plan may add more.
	CrisisContacts []string
	// DangerContacts replace the catalogue's numbers for someone in danger
	// from another person (UK defaults: 999, the National Domestic Abuse
	// Helpline, Rape Crisis, the Men's Advice Line), one per line.
	DangerContacts []string
	// MaxAttempts bounds retries of a step that lost a race with another
	// replica (default 5).
	MaxAttempts int

	// ModeratorChannel is where held peer nudges and peer-channel crisis
	// alerts go for the peer group's moderators. Empty: the staff channel.
	ModeratorChannel string
	// Moderators are the Discord user ids (besides staff) who may approve or
	// decline held peer nudges.
	Moderators []string
	// Escalation is the timing and routing of incidents (see flows.Policy):
	// re-notify, lead escalation, staleness and peer approval.
	Escalation EscalationConfig
	// Rules are the service's changes to the default escalation rules.
	Rules map[string]store.RuleOverride
	// ServiceZone is the zone of service-level schedules such as the weekly
	// huddle (default Europe/London); HuddleAt is when it is posted (default
	// "weekly mon 09:30"; "off" for none).
	ServiceZone string
	HuddleAt    string
	// Retention is how long a discharged client's records are kept before
	// they are erased (default DefaultRetention).
	Retention time.Duration

	// Prompts changes how long a flow's scheduled prompts wait for an answer
	// (window, reminder), by flow name; see defaultPromptPolicies.
	Prompts map[string]PromptPolicy
	// SupersedeAfter is how long a conversation must have been open before a
	// new prompt closes it (default 1h); a newer one makes the prompt wait.
	SupersedeAfter time.Duration
	// CrisisHold is how long routine prompts wait after crisis language for
	// staff to acknowledge it (default flows.DefaultCrisisHold).
	CrisisHold time.Duration
	// Inbound bounds how fast one person's messages are answered.
	Inbound InboundLimit
	// Alone says this is the only process on its Redis prefix (steady try):
	// with no fleet to share an outbox with, a flush takes no lease, so one
	// left by a run killed mid-delivery does not hold the next run's
	// messages back until it expires.
	Alone bool
}

// Deps are what an Engine is built from.
type Deps struct {
	Store     *redisstore.Store
	Scheduler *scheduler.Scheduler
	Messenger Messenger
	Clock     scheduler.Clock
	Catalog   *flows.Catalog // default: flows.DefaultCatalog()
	Log       *slog.Logger   // default: discard
	Config    Config
	// Observe, if set, sees every audit event once its step has committed
	// (serve counts prompts, incidents and the like from them for /metrics).
	Observe func(store.AuditEvent)
	// Detect reads a message for risk with the client's recent messages
	// (default flows.DetectInContext). Tests give phrases a meaning the
	// detector of the day may not; nothing else should set it.
	Detect func(recent []string, text string) flows.Detection
}

// Engine is Steady's application core.
type Engine struct {
	store *redisstore.Store
	sched *scheduler.Scheduler
	msg   Messenger
	clock scheduler.Clock
	cat   *flows.Catalog
	log   *slog.Logger
	cfg   Config
	obs   func(store.AuditEvent)
	// detect is the crisis and danger detector every reading goes through.
	detect func(recent []string, text string) flows.Detection

	policy   flows.Policy
	handlers map[string]func(context.Context, scheduler.Occurrence) error

	inbound     *inboundLimiter                 // Discord user id → their answer allowance (throttle.go)
	people      personLocks                     // one person's inputs at a time (inbound.go)
	users       remembered[string]              // Discord user id → client id (lookups.go)
	states      remembered[redisstore.Snapshot] // client id → state after its last step (lookups.go)
	workerNames remembered[nameAt]              // worker id → display name (lookups.go)

	// flushing serialises deliveries of one client's outbox in this process
	// (striped by client id): two flushes reading the same queue would each
	// send its head, and a message that fails (DMs closed) would be tried,
	// and reported to the worker, once per flush. Across replicas the
	// client's flush lease in Redis does the same (flushUnderLease).
	flushing [64]sync.Mutex
}

// New returns an Engine.
func New(d Deps) *Engine {
	if d.Catalog == nil {
		d.Catalog = flows.DefaultCatalog()
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Config.MaxAttempts <= 0 {
		d.Config.MaxAttempts = 5
	}
	if d.Config.Retention <= 0 {
		d.Config.Retention = DefaultRetention
	}
	if d.Detect == nil {
		d.Detect = flows.DetectInContext
	}
	e := &Engine{store: d.Store, sched: d.Scheduler, msg: d.Messenger, clock: d.Clock, cat: d.Catalog, log: d.Log, cfg: d.Config, obs: d.Observe, detect: d.Detect}
	e.states.limit = maxRememberedStates
	e.inbound = newInboundLimiter(e.cfg.Inbound)
	e.policy = e.cfg.Escalation.policy(e.log)
	if e.cfg.CrisisHold > 0 {
		e.policy.CrisisHold = e.cfg.CrisisHold
	}
	e.handlers = e.kinds()
	return e
}

// Catalog returns the engine's message catalogue.
func (e *Engine) Catalog() *flows.Catalog { return e.cat }

var _ scheduler.Handler = (*Engine)(nil)

var flowsByName = flows.Registry{
	flows.FlowSleep:            flows.SleepLog,
	flows.FlowPlanCheck:        flows.PlanCheck,
	flows.FlowOnboarding:       flows.Onboarding,
	flows.FlowConsent:          flows.ConsentChange,
	flows.FlowCheckIn:          flows.CheckIn,
	flows.FlowDebrief:          flows.Debrief,
	flows.FlowAdjustmentReview: flows.AdjustmentReviewFlow,
}

// decision is what a step decided: the conversation to store (nil: leave it)
// and the effects to carry out.
type decision struct {
	conv    *store.Conversation
	effects []flows.Effect
	// recent, when setRecent, replaces the client's recent typed messages.
	recent    []store.RecentMessage
	setRecent bool
	// after, if set, sees the decision once its effects are expanded (a
	// rule's incident raised) and may add to it (alongside).
	after func(context.Context, flows.Context, decision) (decision, error)
}

// run is the shape of every state change: load the client, decide (pure),
// fetch what the effects need, commit everything in one atomic write guarded
// by the state it was decided on, then deliver the outbox. A concurrent
// change by another replica makes it start again from a fresh read.
//
// The state after a step is remembered (its stored form, Batch.Next), so a
// client's next step usually starts without a read. A remembered state is
// only a guess: a decision made on it commits only if the client is still
// exactly as remembered, and an error or a decision to do nothing is made
// again on a fresh read, since neither reaches the commit's check.
func (e *Engine) run(ctx context.Context, clientID string, decide func(st redisstore.State, fc flows.Context) (decision, error)) error {
	snap, remembered := e.states.get(clientID)
	for attempt := 1; ; attempt++ {
		var st redisstore.State
		var err error
		if remembered {
			st, err = e.store.Open(snap)
		} else {
			st, err = e.store.Load(ctx, clientID)
		}
		var fc flows.Context
		if err == nil {
			fc, err = e.flowContext(st.Client)
		}
		var d decision
		if err == nil {
			fc.CrisisContacts, fc.Adjustments = e.cfg.CrisisContacts, st.Adjustments
			d, err = decide(st, fc)
		}
		nothing := err == nil && d.conv == nil && len(d.effects) == 0 && !d.setRecent
		if err == nil && !nothing {
			if d, err = e.expand(ctx, fc, d, st.Conversation); err == nil && d.after != nil {
				d, err = d.after(ctx, fc, d)
			}
			if err == nil {
				d.effects = oneMessage(d.effects)
				err = e.armTimers(ctx, fc, d.effects)
			}
			if err == nil {
				err = e.armReadDigests(ctx, fc, d.effects)
			}
		}
		if remembered && (err != nil || nothing) {
			e.states.drop(clientID)
			remembered, attempt = false, attempt-1
			continue
		}
		if err != nil {
			return err
		}
		if nothing {
			e.states.put(clientID, st.Snapshot())
			return e.Flush(ctx, clientID)
		}
		c, err := e.commit(ctx, st, fc, d)
		if redisstore.IsConflict(err) {
			e.states.drop(clientID)
			if remembered {
				// Stale, not contended: does not count as an attempt.
				remembered, attempt = false, attempt-1
				continue
			}
			if attempt < e.cfg.MaxAttempts {
				e.log.Debug("step conflict, retrying", "client", clientID, "attempt", attempt)
				continue
			}
		}
		if errors.Is(err, redisstore.ErrErased) {
			// The client's erasure began after this step read them: take back
			// the timers it armed, so nothing of theirs is left to fire.
			return errors.Join(err, e.cancelTimers(ctx, fc, d.effects))
		}
		if err != nil {
			return err
		}
		if c.nextOK {
			e.states.put(clientID, c.next)
		} else {
			e.states.drop(clientID)
		}
		if err := e.disarmTimers(ctx, fc, d.effects); err != nil {
			return err
		}
		if err := e.promptEnded(ctx, fc, st.Conversation, d.conv); err != nil {
			return err
		}
		if c.fresh != nil {
			return e.flushFresh(ctx, clientID, c.fresh)
		}
		if len(c.urgent) > 0 {
			// Older messages wait before this step's (the client's own
			// backlog, or an outage's): urgent ones do not queue behind them.
			if err := e.deliverUrgent(ctx, clientID, c.urgent); err != nil {
				return err
			}
		}
		return e.Flush(ctx, clientID)
	}
}

func (e *Engine) flowContext(c store.Client) (flows.Context, error) {
	loc, err := c.Location()
	if err != nil {
		return flows.Context{}, err
	}
	return flows.Context{Now: e.clock.Now(), Loc: loc, Client: c, Catalog: e.cat, ServiceRules: e.cfg.Rules, Policy: e.policy,
		DangerContacts: e.cfg.DangerContacts, Detect: e.detect}, nil
}

// expand carries out the reads that some effects need before they can be
// committed: a finished sleep log is assessed against the client's history
// and the rules; a fired rule is raised against any incident it already has.
// Effects it produces are expanded in turn. before is the conversation the
// step was decided on.
func (e *Engine) expand(ctx context.Context, fc flows.Context, d decision, before store.Conversation) (decision, error) {
	var out []flows.Effect
	queue := append([]flows.Effect(nil), d.effects...)
	for len(queue) > 0 {
		ef := queue[0]
		queue = queue[1:]
		var more []flows.Effect
		var err error
		switch ef := ef.(type) {
		case flows.SaveSleep:
			more, err = e.assessSleep(ctx, fc, ef.Entry)
			if err == nil && len(more) > 0 {
				// The assessed entry replaces the raw one; the rest still needs expanding.
				out, more = append(out, more[0]), more[1:]
			}
		case flows.SaveCheckIn:
			out = append(out, ef)
			more, err = e.assessCheckIn(ctx, fc, ef.CheckIn)
		case flows.SaveDebrief:
			out = append(out, ef)
			more, err = e.assessDebrief(ctx, fc, ef.Debrief)
		case flows.Escalate:
			var conv *store.Conversation
			more, conv, err = e.escalate(ctx, fc, ef.Firing, d.conv, before, out)
			if conv != nil {
				d.conv = conv
			}
		default:
			out = append(out, ef)
			continue
		}
		if err != nil {
			return d, err
		}
		queue = append(more, queue...)
	}
	d.effects = out
	return d, nil
}

// committed is what a commit leaves for the rest of the step.
type committed struct {
	// fresh are the messages the step queued when nothing older waits
	// before them in the outbox, so they can be delivered without reading
	// them back (nil: flush from Redis).
	fresh []redisstore.OutboxItem
	// urgent are the urgent messages the step queued, in order.
	urgent []redisstore.OutboxItem
	// next is the client's state after the commit, when nextOK.
	next   redisstore.Snapshot
	nextOK bool
}

// commit writes a decision atomically: conversation, records, audit and the
// outgoing messages all go in or none do, and only if the client is still
// as st shows them (conversation version, profile, adjustments).
func (e *Engine) commit(ctx context.Context, st redisstore.State, fc flows.Context, d decision) (committed, error) {
	b := e.store.Batch(st.Client.ID)
	b.Guard(st)
	if d.conv != nil {
		switch {
		case d.conv.Active() || len(d.conv.Seen) > 0 || d.conv.Lapsed != "":
			// An idle conversation is kept for its Seen keys (a duplicate of
			// a flow's last answer must still change nothing) and for a
			// lapsed prompt (a late answer is told it closed).
			b.SetConversation(*d.conv)
		default:
			b.CloseConversation()
		}
	}
	if d.setRecent {
		b.SetRecent(d.recent, recentTTL)
	}
	var staff *staffAddresses
	var audited []store.AuditEvent
	var urgent []bool // of each message queued, in order
	for _, ef := range d.effects {
		switch ef := ef.(type) {
		case flows.Send:
			// Staff records are read only for messages to staff: a client's
			// answer and its reply (the hot path) need no read beyond Load.
			addr := staffAddresses{}
			if ef.To != flows.ToClient && ef.To != flows.ToPeer {
				if staff == nil {
					s, err := e.staffFor(ctx, st.Client)
					if err != nil {
						return committed{}, err
					}
					staff = &s
				}
				addr = *staff
			}
			out, ok, why := e.address(st.Client, addr, ef)
			if !ok {
				ev := store.AuditEvent{At: fc.Now, Actor: "steady", Action: "message.withheld", Reason: why}
				b.Audit(ev)
				audited = append(audited, ev)
				continue
			}
			raw, err := json.Marshal(out)
			if err != nil {
				return committed{}, fmt.Errorf("bot: encode outgoing: %w", err)
			}
			b.Enqueue(raw)
			urgent = append(urgent, out.Urgent)
		case flows.SaveSleep:
			b.PutSleep(ef.Entry)
		case flows.SaveIncident:
			b.PutIncident(ef.Incident)
		case flows.SaveCheckIn:
			b.PutCheckIn(ef.CheckIn)
		case flows.SaveDebrief:
			b.PutDebrief(ef.Debrief)
		case flows.Audit:
			b.Audit(ef.Event)
			audited = append(audited, ef.Event)
		case flows.SaveClient:
			b.PutClient(ef.Client)
		case flows.SavePlanVersion:
			b.PutPlanVersion(ef.Version)
		case flows.SaveAdjustment:
			b.PutAdjustment(ef.Adjustment)
		case flows.SaveJobEvent:
			b.AddJobEvent(ef.Event)
		case flows.SaveMissed:
			b.PutMissed(ef.Missed)
		case flows.SaveReadItem:
			b.PutReadItem(ef.Item)
		case flows.DropReadItem:
			b.DropReadItem(ef.ID)
		case flows.Timer, flows.CancelTimer:
			// Carried out around the commit (armTimers, disarmTimers).
		default:
			return committed{}, fmt.Errorf("bot: unknown effect %T", ef)
		}
	}
	v, err := b.Commit(ctx, st.Conversation.Version)
	if err != nil {
		return committed{}, err
	}
	var c committed
	queued, head := b.Queued()
	if head {
		c.fresh = queued
	}
	for i, it := range queued {
		if i < len(urgent) && urgent[i] {
			c.urgent = append(c.urgent, it)
		}
	}
	c.next, c.nextOK = b.Next(st, v)
	if e.obs != nil {
		for _, ev := range audited {
			ev.ClientID = st.Client.ID
			e.obs(ev)
		}
	}
	return c, nil
}

type staffAddresses struct {
	worker, lead store.Worker
}

func (e *Engine) staffFor(ctx context.Context, c store.Client) (staffAddresses, error) {
	var s staffAddresses
	w, err := e.store.Worker(ctx, c.WorkerID)
	if err != nil {
		return s, fmt.Errorf("bot: worker of client %s: %w", c.ID, err)
	}
	s.worker = w
	if e.cfg.LeadID != "" {
		if l, err := e.store.Worker(ctx, e.cfg.LeadID); err == nil {
			s.lead = l
		} else if !errors.Is(err, store.ErrNotFound) {
			return s, err
		}
	}
	return s, nil
}

// address turns an audience into a DM, a private message to a member of
// staff or a channel post. It is also the last check before anything
// leaves: nothing reaches the peer channel for a client who has not
// consented, whatever a flow asked for, and a client's details reach staff
// only privately, their own worker and the lead (the shared staff channel
// carries only what flows wrote for it, content-free: ToStaff).
func (e *Engine) address(c store.Client, staff staffAddresses, s flows.Send) (Outgoing, bool, string) {
	out := Outgoing{Audience: s.To, Text: s.Message.Text, Choices: s.Message.Choices, Prompt: s.Message.Prompt, Multi: s.Message.Multi,
		ValueChoices: s.Message.ValueChoices, Key: s.Key, Urgent: s.Urgent, Replaces: s.Replaces, Client: c.ID}
	if s.Replaces != "" {
		if s.To != flows.ToWorker && s.To != flows.ToLead {
			return out, false, "only a ping to staff can be rewritten"
		}
		// The rewrite finds its message by key, wherever it landed.
		return out, true, ""
	}
	switch s.To {
	case flows.ToClient:
		out.UserID = c.DiscordID
	case flows.ToWorker, flows.ToLead:
		w := staff.worker
		if s.To == flows.ToLead {
			w = staff.lead
			if w.ID == "" {
				return out, false, "no lead configured"
			}
		}
		out.Staff, out.StaffName = w.DiscordID, w.Name
	case flows.ToModerator:
		// Held nudges and peer alerts carry only what the peer group itself
		// would see; the moderators read them where they work.
		out.ChannelID = e.cfg.ModeratorChannel
		if out.ChannelID == "" {
			out.ChannelID = e.cfg.StaffChannel
		}
		if out.ChannelID == "" && staff.lead.ID != "" {
			out.Staff, out.StaffName = staff.lead.DiscordID, staff.lead.Name
		}
	case flows.ToStaff:
		out.ChannelID = e.cfg.StaffChannel
		if out.ChannelID == "" {
			return out, false, "no staff channel configured"
		}
	case flows.ToPeer:
		if !c.Consents.PeerAllowed() {
			return out, false, "peer message blocked: no peer-group consent"
		}
		if e.cfg.PeerChannel == "" {
			return out, false, "peer message not posted: no peer channel configured"
		}
		out.ChannelID = e.cfg.PeerChannel
	default:
		return out, false, "unknown audience"
	}
	if out.UserID == "" && out.ChannelID == "" && out.Staff == "" {
		return out, false, "no address for " + string(s.To)
	}
	return out, true, ""
}

// Flush delivers a client's outbox in order. A message stays queued until
// its delivery succeeds, so a crash or an outage delays it but cannot lose it.
func (e *Engine) Flush(ctx context.Context, clientID string) error {
	mu := e.flushLock(clientID)
	mu.Lock()
	defer mu.Unlock()
	return e.flushUnderLease(ctx, clientID, nil)
}

func (e *Engine) flushLock(clientID string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(clientID))
	return &e.flushing[h.Sum32()%uint32(len(e.flushing))]
}

// flushLeaseTTL is how long a replica's hold on delivering one client's
// outbox lasts unless renewed: a replica that dies holding it delays that
// client's messages by at most this, until the next flush by another.
const flushLeaseTTL = 10 * time.Second

// flushUnderLease delivers the client's outbox while holding its flush
// lease, so one replica of the fleet delivers it at a time (a failing
// message is tried, and reported, once). fresh, if set, are messages a step
// has just committed at the head of the outbox, delivered from memory.
//
// When another replica holds the lease this does nothing: that replica ends
// its lease only in the same script that finds the outbox empty, so it
// delivers whatever was committed while it held it, this step's too. The
// caller holds the client's flush lock.
func (e *Engine) flushUnderLease(ctx context.Context, clientID string, fresh []redisstore.OutboxItem) error {
	if e.cfg.Alone {
		// No lease is taken: the empty token holds none, and the flush lock
		// already keeps this process's flushes of the client apart.
		return e.deliverOutbox(ctx, clientID, "", fresh)
	}
	token := redisstore.NewFlushToken()
	held, err := e.store.TakeFlush(ctx, clientID, token, flushLeaseTTL)
	if err != nil || !held {
		return err
	}
	// Delivery may outlast the lease (retries through an outage): it is
	// renewed meanwhile, and a lost lease stops the delivery, since another
	// replica may now be sending the same messages.
	leased, lost := context.WithCancel(ctx)
	renewing := make(chan struct{})
	go func() {
		defer close(renewing)
		e.keepFlushLease(leased, lost, clientID, token)
	}()
	err = e.deliverOutbox(leased, clientID, token, fresh)
	lost()
	<-renewing
	if err != nil {
		// What is left waits for the next flush, by any replica.
		if derr := e.store.DropFlush(context.WithoutCancel(ctx), clientID, token); derr != nil {
			err = errors.Join(err, derr)
		}
	}
	return err
}

// keepFlushLease renews a flush lease every third of its life until ctx
// ends; if it is lost, it cancels the delivery. The lease's expiry is
// Redis's wall-clock time, so this waits on a timer, not the domain clock.
func (e *Engine) keepFlushLease(ctx context.Context, lost context.CancelFunc, clientID, token string) {
	t := time.NewTicker(flushLeaseTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		held, err := e.store.KeepFlush(ctx, clientID, token, flushLeaseTTL)
		if ctx.Err() != nil {
			return
		}
		if err == nil && !held {
			e.log.Warn("flush lease lost mid-delivery; another flush takes over", "client", clientID)
			lost()
			return
		}
	}
}

// deliverOutbox delivers fresh (if any) and then the client's outbox from
// Redis until it is empty, which ends the lease token holds.
func (e *Engine) deliverOutbox(ctx context.Context, clientID, token string, fresh []redisstore.OutboxItem) error {
	if fresh != nil {
		left, err := e.deliverItems(ctx, clientID, token, fresh, true)
		if err != nil || left == 0 {
			return err
		}
	}
	const batch = 16
	for {
		items, err := e.store.Outbox(ctx, clientID, batch)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			left, err := e.store.EndFlush(ctx, clientID, token)
			if err != nil || left == 0 {
				return err
			}
			continue // committed meanwhile: ours to deliver
		}
		left, err := e.deliverItems(ctx, clientID, token, items, len(items) < batch)
		if err != nil || left == 0 {
			return err
		}
	}
}

// flushFresh delivers the messages a step has just committed, from memory:
// the commit found nothing older in the outbox, so they are its head. Only
// what was queued meanwhile (by another handler for the client) is read back.
//
// If another flush of this client is under way in this process, it may
// already have read these messages from Redis; rather than send them a
// second time, this waits for it and then flushes from Redis (one read
// more, only then).
func (e *Engine) flushFresh(ctx context.Context, clientID string, items []redisstore.OutboxItem) error {
	mu := e.flushLock(clientID)
	if !mu.TryLock() {
		mu.Lock()
		defer mu.Unlock()
		return e.flushUnderLease(ctx, clientID, nil)
	}
	defer mu.Unlock()
	return e.flushUnderLease(ctx, clientID, items)
}

// deliverItems sends outbox messages, urgent ones first and otherwise in
// order, and then removes the sent ones in one round trip, which also ends
// the flush lease token holds if nothing is left (a crash in between
// re-sends them on the next flush, which the Messenger turns into nothing:
// every message carries its delivery key). It returns how many messages
// remain queued.
func (e *Engine) deliverItems(ctx context.Context, clientID, token string, items []redisstore.OutboxItem, last bool) (int64, error) {
	items = urgentFirst(items)
	for i, it := range items {
		if err := e.deliverQueued(ctx, clientID, it.Data); err != nil {
			if i > 0 {
				if _, perr := e.store.Delivered(context.WithoutCancel(ctx), clientID, items[:i], false); perr != nil {
					return 0, errors.Join(err, perr)
				}
			}
			return 0, err
		}
	}
	// Recorded even if the lease was lost meanwhile: these were sent.
	return e.store.FlushDelivered(context.WithoutCancel(ctx), clientID, token, items, last)
}

// deliverUrgent sends a step's urgent messages at once, ahead of older ones
// still queued for the client, without waiting for a flush of those that
// may be under way (if that flush reaches them too, their delivery keys
// make the second send nothing).
func (e *Engine) deliverUrgent(ctx context.Context, clientID string, items []redisstore.OutboxItem) error {
	for i, it := range items {
		if err := e.deliverQueued(ctx, clientID, it.Data); err != nil {
			if i > 0 {
				if _, perr := e.store.Delivered(ctx, clientID, items[:i], false); perr != nil {
					return errors.Join(err, perr)
				}
			}
			return err
		}
	}
	_, err := e.store.Delivered(ctx, clientID, items, false)
	return err
}

// urgentFirst orders a batch of queued messages urgent first, keeping the
// order within each kind.
func urgentFirst(items []redisstore.OutboxItem) []redisstore.OutboxItem {
	var urgent, routine []redisstore.OutboxItem
	for _, it := range items {
		var head struct {
			Urgent bool `json:"urgent"`
		}
		if json.Unmarshal(it.Data, &head) == nil && head.Urgent {
			urgent = append(urgent, it)
		} else {
			routine = append(routine, it)
		}
	}
	if len(urgent) == 0 || len(routine) == 0 {
		return items
	}
	return append(urgent, routine...)
}

// deliverQueued sends one queued message. An undecodable entry or an
// unreachable recipient counts as done (retrying cannot help); the worker
// hears about a client who cannot be reached.
func (e *Engine) deliverQueued(ctx context.Context, clientID string, raw []byte) error {
	var m Outgoing
	if err := json.Unmarshal(raw, &m); err != nil {
		e.log.Error("dropping undecodable outbox entry", "client", clientID, "err", err)
		return nil
	}
	err := e.deliver(ctx, m)
	if err == nil {
		return nil
	}
	var unreachable ErrUnreachable
	if !errors.As(err, &unreachable) {
		return fmt.Errorf("bot: deliver to %s: %w", m.Audience, err)
	}
	switch m.Audience {
	case flows.ToClient:
		e.log.Warn("recipient unreachable", "client", clientID, "audience", string(m.Audience), "reason", unreachable.Reason)
		return e.tellWorkerUnreachable(ctx, clientID, m, unreachable)
	case flows.ToWorker, flows.ToLead:
		e.log.Error("a member of staff cannot be reached privately; a ping for them is lost", "client", clientID, "audience", string(m.Audience), "reason", unreachable.Reason)
	default:
		e.log.Warn("recipient unreachable", "client", clientID, "audience", string(m.Audience), "reason", unreachable.Reason)
	}
	return nil
}

func (e *Engine) deliver(ctx context.Context, m Outgoing) error {
	if m.Staff == "" && (m.Audience == flows.ToWorker || m.Audience == flows.ToLead) && m.ChannelID != "" && m.Mention != "" {
		// Queued before pings went to staff privately: it goes to the one
		// it mentions, not into the shared channel it was addressed to.
		m.Staff, m.ChannelID, m.Mention = m.Mention, "", ""
	}
	var err error
	switch {
	case m.Replaces != "":
		err = e.msg.UpdateSent(ctx, m.Replaces, m)
	case m.Staff != "":
		_, err = e.msg.SendStaff(ctx, m.Staff, m)
	case m.UserID != "":
		_, err = e.msg.SendDM(ctx, m.UserID, m)
	default:
		_, err = e.msg.Post(ctx, m.ChannelID, m)
	}
	return err
}

// flushAllAtOnce is how many outboxes FlushAll delivers at the same time:
// one client's long backlog (after an outage) must not hold up another's
// urgent ping, which the Messenger then sends ahead of routine messages.
const flushAllAtOnce = 8

// FlushAll delivers every outbox a crash may have left behind, and makes
// the deletions erasures left for later (Forgetter.PurgePending).
func (e *Engine) FlushAll(ctx context.Context) error {
	ids, err := e.store.OutboxClients(ctx)
	if err != nil {
		return err
	}
	errs := make([]error, len(ids))
	slots := make(chan struct{}, flushAllAtOnce)
	var wg sync.WaitGroup
	for i, id := range ids {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			errs[i] = e.Flush(ctx, id)
		}()
	}
	wg.Wait()
	if f, ok := e.msg.(Forgetter); ok {
		if _, err := f.PurgePending(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// kinds maps each occurrence kind to its handler. Each area of the bot adds
// its kinds here, with the handler in its own file.
func (e *Engine) kinds() map[string]func(context.Context, scheduler.Occurrence) error {
	k := map[string]func(context.Context, scheduler.Occurrence) error{
		KindSleepLog:               e.firePrompt,
		KindPromptReminder:         e.fireReminder,
		KindPromptExpiry:           e.fireExpiry,
		KindWorkerReminder:         e.fireWorkerReminder,
		KindPlanAhead:              e.firePlanAhead,
		KindWeeklyCheckIn:          e.firePrompt,
		KindDebrief:                e.firePrompt,
		KindAdjustmentReview:       e.fireReview,
		flows.KindIncidentRenotify: e.fireIncidentTimer,
		flows.KindIncidentEscalate: e.fireIncidentTimer,
		flows.KindIncidentStale:    e.fireIncidentTimer,
		flows.KindIncidentNews:     e.fireIncidentTimer,
		KindHuddle:                 e.fireHuddle,
		KindRetention:              e.fireRetention,
		KindRetentionSweep:         e.fireRetentionSweep,
		KindReadDigest:             e.fireReadDigest,
		KindReadReminder:           e.fireReadDigest,
		KindReadLead:               e.fireReadDigest,
	}
	for kind, h := range e.conversationKinds() {
		k[kind] = h
	}
	return k
}

// Fire handles a due occurrence (scheduler.Handler).
func (e *Engine) Fire(ctx context.Context, o scheduler.Occurrence) error {
	if h, ok := e.handlers[o.Kind]; ok {
		return h(ctx, o)
	}
	e.log.Error("occurrence of unknown kind dropped", "kind", o.Kind, "client", o.Client)
	return nil
}

// Missed records an occurrence that fell due while nothing was running and
// is now too late: the client is not prompted hours late, and the worker can
// see the gap (scheduler.Handler).
func (e *Engine) Missed(ctx context.Context, o scheduler.Occurrence) error {
	if lateStillMatters[o.Kind] {
		return e.Fire(ctx, o)
	}
	if o.Client == ServiceID {
		return e.commitService(ctx, nil, store.AuditEvent{At: e.clock.Now(), Actor: "steady", Action: "service.missed", Rule: o.Kind,
			Reason: "due " + o.Local.Format(scheduler.CivilLayout) + " while Steady was not running; past its grace window"})
	}
	switch {
	case promptKinds[o.Kind]:
		return e.missedPrompt(ctx, o)
	case o.Kind == KindPromptReminder:
		return nil // a reminder hours late would only nag; the expiry still closes the prompt
	}
	// Timers (an expiry, a worker's reminder, planning ahead) still do their
	// work late: skipping them would lose it.
	return e.Fire(ctx, o)
}

// skipReason says why a client is not to be prompted now, or "".
func skipReason(c store.Client, now time.Time) string {
	switch {
	case c.Status == store.StatusStopped:
		return "client has stopped Steady"
	case c.Status == store.StatusDischarged:
		return "client has been discharged"
	case c.Status == store.StatusPaused && (c.PausedUntil.IsZero() || now.Before(c.PausedUntil)):
		return "client has paused Steady"
	case !c.Consents.WorkerSeesAnswers:
		return "client has not agreed to their worker seeing answers"
	}
	return ""
}

func auditNow(fc flows.Context, action, rule, reason string) flows.Effect {
	return flows.Audit{Event: store.AuditEvent{At: fc.Now, Actor: "steady", Action: action, Rule: rule, Reason: reason}}
}
