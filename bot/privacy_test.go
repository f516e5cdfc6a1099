package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"steady/bot"
	"steady/flows"
	"steady/store"
	"steady/store/redisstore"
)

// Enrolling a client never rewrites a member of staff already known: the
// enrolling worker's lead flag, zone and hours stay as they are.
func TestEnrolKeepsTheEnrollingWorkersOwnRecord(t *testing.T) {
	b := staffBundle(t)
	jo := store.Worker{ID: "jo", Name: "Jo", DiscordID: "u-jo", Lead: true, TimeZone: "Europe/Paris", Hours: "mon-thu 07:00-15:00"}
	if err := b.store.PutWorker(b.ctx, jo); err != nil {
		t.Fatal(err)
	}
	p, err := bot.ParseProfile([]byte(`
client: {id: cal, name: Cal, discord_id: "u-cal", time_zone: Europe/London}
worker: {id: jo, name: Jo, discord_id: "u-jo"}
consents: {worker_sees_answers: true, peer_group: "off", supervisor_liaison: none}
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.engine.Enrol(b.ctx, p, "jo"); err != nil {
		t.Fatal(err)
	}
	if got, err := b.store.Worker(b.ctx, "jo"); err != nil || got != jo {
		t.Fatalf("after jo enrolled a client, jo's record = %+v, %v; want %+v", got, err, jo)
	}
	// A second enrolment of the same Discord user as another client is refused.
	p.Client.ID = "cal2"
	if err := b.engine.Enrol(b.ctx, p, "jo"); err == nil || !strings.Contains(err.Error(), "already enrolled") {
		t.Fatalf("a Discord user enrolled twice: %v", err)
	}
}

// A step that read the client before their erasure began commits nothing
// and takes back the timers it armed: nothing of theirs is left to fire.
func TestAStepRacingTheErasureLeavesNoTimer(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, escalationProfile)
	b.clock.Set(london(t, "2026-11-23 10:00"))
	// A step, so the engine remembers alex's state and decides the next
	// one without reading Redis again.
	if err := b.engine.StepForTest(b.ctx, "alex", flows.Audit{Event: store.AuditEvent{At: b.clock.Now(), Actor: "steady", Action: "test.step"}}); err != nil {
		t.Fatal(err)
	}
	before := pendingKinds(t, b)
	if err := b.store.BeginErasure(b.ctx, "alex", "sam", bot.ErasedOnRequest, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	err := b.engine.RaiseForTest(b.ctx, "alex", twoNights("2026-11-22"))
	if !errors.Is(err, redisstore.ErrErased) {
		t.Fatalf("a step for a client being erased, decided on their remembered state: %v; want its commit refused", err)
	}
	after := pendingKinds(t, b)
	if after[flows.KindIncidentRenotify] != before[flows.KindIncidentRenotify] || after[flows.KindIncidentEscalate] != before[flows.KindIncidentEscalate] {
		t.Fatalf("timers left behind by a refused step: before %v, after %v", before, after)
	}
	if len(b.msg.sentTo(flows.ToWorker)) != 0 {
		t.Fatal("a refused step pinged the worker")
	}
}

// commandLog records the commands a client sends.
type commandLog struct {
	mu   sync.Mutex
	cmds []string
}

func (l *commandLog) DialHook(next redis.DialHook) redis.DialHook { return next }
func (l *commandLog) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { l.add(cmd); return next(ctx, cmd) }
}
func (l *commandLog) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			l.add(c)
		}
		return next(ctx, cmds)
	}
}
func (l *commandLog) add(c redis.Cmder) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cmds = append(l.cmds, strings.ToLower(fmt.Sprint(c.Args()...)))
}

// A peer-channel message is checked against what was already handled by a
// hashed mark, not by reading the service's whole audit log each time.
func TestPeerConcernDoesNotReadTheServiceLog(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, escalationProfile)
	for i := 0; i < 300; i++ {
		if err := b.engine.HandlePeerMessage(b.ctx, bot.PeerMessage{ChannelID: "peer", MessageID: fmt.Sprint("old", i), AuthorID: "u-x", Text: "i want to die"}); err != nil {
			t.Fatal(err)
		}
	}
	var log commandLog
	b.store.Redis().AddHook(&log)
	for i := 0; i < 2; i++ { // and its redelivery
		if err := b.engine.HandlePeerMessage(b.ctx, bot.PeerMessage{ChannelID: "peer", MessageID: "new", AuthorID: "u-x", Text: "i want to die"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range log.cmds {
		if strings.HasPrefix(c, "xrange") || strings.HasPrefix(c, "xrevrange") || strings.HasPrefix(c, "xread") {
			t.Errorf("a peer concern read an audit log: %s", c)
		}
	}
	if n := len(b.msg.sentFull(flows.ToModerator)); n != 301 {
		t.Fatalf("%d moderator alerts for 301 messages (one redelivered)", n)
	}
}
