package main

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/bot/discord/fakediscord"

	"steady/store/redisstore"
	"steady/store/redistest"
)

// Canaries planted in a realistic run: names and free text that must never
// be readable in Redis.
const (
	canaryClient   = "Zebedee Quillfeather" // the client's name
	canaryStaff    = "Samwise Tarkington"   // the worker's name in Discord
	canaryNote     = "CANARYNOTE rota changed without telling me"
	canaryDebrief  = "CANARYHELPED walked round the lockers"
	canaryCrisis   = "i want to end my own life CANARYCRISIS"
	canaryPeer     = "i want to end my own life CANARYPEER"
	canaryOutcome  = "CANARYOUTCOME spoke to their GP together"
	canaryDischarg = "CANARYDISCHARGE admitted to hospital, psychosis"
	canaryPlan     = "CANARYPLAN agreed at review"
	canaryDanger   = "CANARYDANGER my partner said he will kill me if i leave"
	canaryRead     = "work was grim CANARYREAD not sure about any of it"
)

// healthWords must not be readable anywhere at rest (audit actions, which
// the clear part of an audit entry names, aside): crisis kinds, rule ids,
// sleep reasons, consent values, and what the canaries say.
var healthWords = []string{
	"suicide", "self_harm", "self-harm", "psychosis", "hospital", "two_disrupted_nights", "low_coping", "rights_concern",
	"early_warning", "asleep_under", "latency_over", "poor_quality", "peer_group=", "worker_sees_answers=", "supervisor_liaison=",
	"named", "anonymous", "functional", "GP together", "lockers", "rota changed", "end my own life",
	"danger", "kill me", "grim", "talk to my worker",
}

// answerByDM types answers into the client's DMs one at a time, each once
// the bot has said something since the last.
func (w *world) answerByDM(user string, answers ...string) {
	w.t.Helper()
	w.t.Logf("%s answering %q", time.Now().Format("15:04:05.000"), answers)
	for _, a := range answers {
		n := len(w.fake.DMsTo(user))
		w.fake.UserSendsDM(user, a)
		w.await("a reply to "+fmt.Sprintf("%q", a), func() bool { return len(w.fake.DMsTo(user)) > n })
	}
}

// atRest reads every key under the prefix and every value, by type; audit
// entries' "action" values are left out (the clear part of an entry names
// what happened, by design), everything else is returned.
func atRest(t *testing.T, ctx context.Context, rdb redis.UniversalClient, prefix string) map[string][]string {
	t.Helper()
	out := redistest.Dump(ctx, t, rdb, prefix)
	for key, vals := range out {
		if typ, err := rdb.Type(ctx, key).Result(); err != nil || typ != "stream" {
			continue
		}
		// A stream's values come as field, value pairs.
		var kept []string
		for i := 0; i+1 < len(vals); i += 2 {
			f, v := vals[i], vals[i+1]
			switch f {
			case "at", "actor", "action", "client", "s":
			default:
				t.Errorf("%s: an audit entry keeps %q in the clear", key, f)
			}
			if f != "action" {
				kept = append(kept, f, v)
			}
		}
		out[key] = kept
	}
	return out
}

// After a realistic run — enrolment, sleep logs, two bad nights, a crisis, a
// debrief, a check-in, a consent change, an incident resolved, a plan edit,
// a peer-channel concern, danger from someone else, a talk request, a
// message on the worker's to-read list and its digest, a discharge with a
// free-text reason — nothing in
// Redis names the client or their worker, carries a health word or any free
// text: every key and every value, of every type, is read.
func TestServeNothingReadableAtRestAfterARealisticRun(t *testing.T) {
	w := newWorld(t)
	staffer := w.fake.AddUser(canaryStaff)
	w.fake.AddMember(staffer, w.staffRole)
	zoe := w.fake.AddUser("zoe")
	if got := w.command(staffer, "enrol", map[string]any{"user": zoe, "id": "c7", "name": canaryClient, "time_zone": "Europe/London",
		"worker_sees_answers": true, "peer_group": "named", "supervisor": "functional", "sleep_log": "07:30"}); !strings.Contains(got, "is enrolled") {
		t.Fatalf("/enrol answered %q", got)
	}
	w.lastDM(zoe, 1) // welcome
	w.welcomed[zoe] = 1
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range w.fake.DMsTo(zoe) {
				t.Logf("DM: %.100q", m.Content)
			}
		}
	})
	staff := func(name string, opts map[string]any) string {
		t.Helper()
		return w.command(staffer, name, opts)
	}
	if got := staff("plan", map[string]any{"edit": map[string]any{"client": "c7", "field": "early_warning_signs", "value": "snapping at people;skipping lunch", "reason": canaryPlan}}); !strings.Contains(strings.ToLower(got), "plan") {
		t.Fatalf("/plan edit: %q", got)
	}

	// Two disrupted nights: an incident, a ping, a named peer nudge.
	w.twoBadNights(zoe)
	ping := w.pingIn(w.room(staffer), canaryClient)

	// A crisis in the DMs.
	w.answerByDM(zoe, canaryCrisis)

	// A debrief, typed.
	id, err := w.fake.Command(zoe, w.general, "debrief", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.reply(id)
	w.await("the debrief's first question", func() bool {
		dms := w.fake.DMsTo(zoe)
		return strings.Contains(dms[len(dms)-1].Content, "shift")
	})
	w.answerByDM(zoe, "worked the whole shift", "8", "1 2", "no", canaryDebrief)

	// A consent change: the supervisor may no longer be contacted.
	if id, err = w.fake.Command(zoe, w.general, "consent", nil); err != nil {
		t.Fatal(err)
	}
	w.reply(id)
	w.await("the consent question", func() bool {
		dms := w.fake.DMsTo(zoe)
		return strings.Contains(dms[len(dms)-1].Content, "What would you like to change?")
	})
	w.answerByDM(zoe, "talking to my supervisor", "no")

	// A check-in, typed, once the answers so far are out of the way of the
	// per-person inbound limit.
	w.at(w.clock.Now().Add(11 * time.Minute))
	if id, err = w.fake.Command(zoe, w.general, "checkin", nil); err != nil {
		t.Fatal(err)
	}
	w.reply(id)
	w.await("the check-in's first question", func() bool {
		dms := w.fake.DMsTo(zoe)
		return strings.Contains(dms[len(dms)-1].Content, "coping")
	})
	w.answerByDM(zoe, "2", "harder", "1 4", canaryNote)
	w.answerByDM(zoe, "I'm OK for now") // what would help, after the concern the check-in raised

	// The worker resolves the first incident with a free-text outcome.
	resolve := w.click(staffer, ping, "Resolve")
	w.await("the resolve modal", func() bool { _, _, ok := w.fake.Modal(resolve); return ok })
	submit, err := w.fake.SubmitModal(staffer, resolve, map[string]string{"outcome": canaryOutcome})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.reply(submit); got != "Done." {
		t.Fatalf("resolve answered %q", got)
	}

	// The client writes crisis language in the peer channel.
	before := len(w.fake.Messages(w.peerCh))
	w.fake.UserPosts(zoe, w.peerCh, canaryPeer)
	w.await("the support reply in the peer channel", func() bool { return len(w.fake.Messages(w.peerCh)) > before+1 })

	// Danger from someone else, a request to talk to the worker, and a
	// message Steady does not understand, which waits on the worker's "to
	// read" list for their digest, sent at the next full hour.
	w.at(w.clock.Now().Add(11 * time.Minute))
	w.answerByDM(zoe, canaryDanger)
	w.inRoom(staffer, "in danger from someone else")
	w.answerByDM(zoe, "talk to my worker")
	w.inRoom(staffer, "asked to talk to you")
	w.answerByDM(zoe, canaryRead)
	w.at(w.clock.Now().Truncate(time.Hour).Add(time.Hour))
	w.await("the to-read digest", func() bool {
		for _, m := range w.fake.Messages(w.room(staffer)) {
			if strings.Contains(m.Content, "To read:") && strings.Contains(m.Content, "CANARYREAD") {
				return true
			}
		}
		return false
	})

	// Discharged, with the worker's reasons in their own words.
	if got := staff("discharge", map[string]any{"client": "c7", "reason": canaryDischarg}); !strings.Contains(got, "is discharged") {
		t.Fatalf("/discharge: %q", got)
	}
	if err := w.main.Engine().FlushAll(w.ctx); err != nil {
		t.Fatal(err)
	}

	// Everything Steady holds, read by type.
	rdb := redisClient(t)
	prefix := w.main.Config.Prefix
	dump := atRest(t, w.ctx, rdb, prefix)
	if len(dump) < 20 {
		t.Fatalf("only %d keys: the run did not happen", len(dump))
	}
	// The safety net's records are there to be read: the last minutes of
	// typed messages and the "to read" list.
	for _, rec := range []string{"recent", "toread"} {
		if _, ok := dump[prefix+":{c:c7}:"+rec]; !ok {
			t.Errorf("no %s record after the run: the test does not cover it", rec)
		}
	}
	words := append([]string{"Zebedee", "Quillfeather", "Samwise", "Tarkington", "CANARY"}, healthWords...)
	var found []string
	for key, vals := range dump {
		for _, v := range append(vals, key) {
			for _, word := range words {
				if strings.Contains(strings.ToLower(v), strings.ToLower(word)) {
					found = append(found, fmt.Sprintf("%s holds %q: %.120q", key, word, v))
				}
			}
		}
	}
	sort.Strings(found)
	if len(found) > 0 {
		t.Fatalf("readable at rest:\n%s", strings.Join(found, "\n"))
	}
	// Every key in a client's space is one the store's registry knows, so
	// export, erasure and rekey read it.
	if unknown, err := redisstore.New(rdb, prefix).UnregisteredKeys(w.ctx); err != nil || len(unknown) > 0 {
		t.Fatalf("keys no record in redisstore's registry describes: %v %v", unknown, err)
	}
	// Incident ids are opaque wherever they reach: hash fields, scheduler
	// entries, buttons.
	opaque := regexp.MustCompile(`inc:i[a-z2-7]{20}$`)
	for _, b := range ping.Buttons() {
		if !opaque.MatchString(b.CustomID) {
			t.Errorf("a button's custom_id carries a readable incident id: %q", b.CustomID)
		}
	}

	// And everything still reads: the worker's summary, the export, a report.
	if got := staff("client", map[string]any{"client": "c7"}); !strings.Contains(got, canaryClient) {
		t.Fatalf("/client after the run: %q", got)
	}
	exp, deny, err := w.main.Engine().ExportClient(w.ctx, "d"+staffer, "c7")
	if err != nil || deny != "" {
		t.Fatalf("export: %q %v", deny, err)
	}
	for _, want := range []string{canaryClient, canaryNote, canaryDebrief, canaryOutcome, canaryDischarg, canaryPlan, `"rule": "two_disrupted_nights"`, `"action": "peer.concern"`} {
		if !strings.Contains(string(exp), want) {
			t.Errorf("the export lacks %q", want)
		}
	}
}

// traces lists every key and value under the prefix that holds one of the
// needles, but the tombstones in the service audit log.
func traces(t *testing.T, ctx context.Context, rdb redis.UniversalClient, prefix string, needles ...string) []string {
	t.Helper()
	var out []string
	for key, vals := range redistest.Dump(ctx, t, rdb, prefix) {
		for _, v := range append(vals, key) {
			for _, n := range needles {
				if strings.Contains(v, n) {
					out = append(out, fmt.Sprintf("%s → %.100q", key, v))
				}
			}
		}
	}
	sort.Strings(out)
	var kept []string
	for _, tr := range out {
		if !strings.HasPrefix(tr, prefix+":audit → ") {
			kept = append(kept, tr)
		}
	}
	return kept
}

// Steady's own messages left about a client on Discord: in their DMs, and
// in the staff and peer channels and the private channels of staff (the
// worker's notice of the erasure, which names them and nothing else,
// excepted).
func (w *world) postedAbout(user, name string) []string {
	var out []string
	for _, m := range w.fake.DMsTo(user) {
		out = append(out, "DM: "+m.Content)
	}
	places := []string{w.staffCh, w.peerCh}
	for _, ch := range w.fake.Channels() {
		if strings.HasPrefix(ch.Name, "steady-") {
			places = append(places, ch.ID)
		}
	}
	for _, ch := range places {
		for _, m := range w.fake.Messages(ch) {
			if m.AuthorID == w.fake.BotID && !m.Ephemeral && strings.Contains(m.Content, name) && !strings.Contains(m.Content, "asked Steady to delete") {
				out = append(out, "channel: "+m.Content)
			}
		}
	}
	return out
}

// The client erases themselves with /erase while a message to them is in
// flight: afterwards every key and value is read, and nothing of them
// remains but the tombstone (no recent messages, no to-read list); every
// message Steady posted about them on Discord (their DMs, staff pings —
// a crisis, danger, a talk request — the to-read digest, the peer nudge,
// the peer-channel alert and reply) is gone, the one in flight included.
func TestServeEraseLeavesNothingWithADeliveryInFlight(t *testing.T) {
	w := newWorld(t)
	alex := w.enrol("alex", "named")
	bea := w.enrol("bea", "off")
	w.twoBadNights(alex)
	w.staffPing("Alex")
	// Danger from someone else, a talk request, and a message for the
	// worker's to-read list, sent in a digest.
	w.answerByDM(alex, "my partner said he will kill me if i leave")
	w.inRoom(w.worker, "in danger from someone else")
	w.answerByDM(alex, "talk to my worker")
	w.inRoom(w.worker, "asked to talk to you")
	w.answerByDM(alex, "work was grim, not sure about any of it")
	w.at(w.clock.Now().Truncate(time.Hour).Add(time.Hour))
	w.inRoom(w.worker, "To read:")
	w.answerByDM(alex, "i want to end my own life")
	before := len(w.fake.Messages(w.peerCh))
	w.fake.UserPosts(alex, w.peerCh, "i want to end my own life")
	w.await("the support reply in the peer channel", func() bool { return len(w.fake.Messages(w.peerCh)) > before+1 })
	id, err := w.fake.Command(alex, w.general, "erase", nil)
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile(`\b\d{6}\b`).FindString(w.reply(id))
	if code == "" {
		t.Fatal("no erasure code")
	}
	if len(w.postedAbout(alex, "Alex")) < 10 {
		t.Fatalf("the test is broken: little about alex was posted: %q", w.postedAbout(alex, "Alex"))
	}
	rdb := redisClient(t)
	prefix := w.main.Config.Prefix
	if len(traces(t, w.ctx, rdb, prefix, "alex", alex)) == 0 {
		t.Fatal("the test is broken: no trace of alex before the erasure")
	}

	// A reply to alex is on its way to Discord when the erasure begins.
	dms := w.fake.DMsTo(alex)
	lastBefore, dmChannel := dms[len(dms)-1].ID, dms[0].ChannelID
	held, release := w.fake.HoldNext(http.MethodPost, "/channels/{channel_id}/messages", dmChannel)
	w.fake.UserSendsDM(alex, "help")
	<-held
	if id, err = w.fake.Command(alex, w.general, "erase", map[string]any{"code": code}); err != nil {
		t.Fatal(err)
	}
	w.await("the erasure to begin", func() bool {
		n, _ := rdb.Exists(w.ctx, prefix+":{c:alex}:erasing").Result()
		return n == 1
	})
	release()
	if got := w.reply(id); !strings.Contains(got, "has been deleted") {
		t.Fatalf("/erase with the code: %q", got)
	}
	if err := w.main.Engine().FlushAll(w.ctx); err != nil {
		t.Fatal(err)
	}

	if left := traces(t, w.ctx, rdb, prefix, "alex", "Alex", alex); len(left) > 0 {
		t.Fatalf("after erasure:\n%s", strings.Join(left, "\n"))
	}
	if jobs, _ := rdb.LLen(w.ctx, prefix+":discord:purge").Result(); jobs != 0 {
		t.Fatalf("%d deletions still pending with Discord up", jobs)
	}
	if left := w.postedAbout(alex, "Alex"); len(left) > 0 {
		t.Fatalf("still on Discord after erasure:\n%s", strings.Join(left, "\n"))
	}
	inFlight := false
	for _, m := range w.fake.Deleted() {
		if m.ChannelID == dmChannel && len(m.ID) == len(lastBefore) && m.ID > lastBefore {
			inFlight = true
		}
	}
	if !inFlight {
		t.Fatal("the reply in flight was not the one held, or was not deleted")
	}
	// Sealed values would hide a name from the scan above: the service's own
	// log keeps no concern about the client's peer-channel post either.
	svc, _ := rdb.XRange(w.ctx, prefix+":{c:_service}:audit", "-", "+").Result()
	for _, e := range svc {
		if e.Values["action"] == "peer.concern" {
			t.Fatalf("the service log kept a peer concern about the erased client: %+v", e)
		}
	}
	if tombs, _ := rdb.XRange(w.ctx, prefix+":audit", "-", "+").Result(); len(tombs) != 1 || tombs[0].Values["action"] != "client.erased" {
		t.Fatalf("service audit = %+v, want the one tombstone", tombs)
	}
	// bea is untouched.
	if len(w.fake.DMsTo(bea)) == 0 || len(traces(t, w.ctx, rdb, prefix, "{c:bea}")) == 0 {
		t.Fatal("bea lost her records or her messages")
	}
}

// steady erase deletes what Steady posted on Discord with the service's
// settings; with Discord unreachable the erasure still completes in Redis,
// and serve deletes the messages once it can.
func TestEraseCommandUsesDiscordOrLeavesTheDeletionsToServe(t *testing.T) {
	w := newWorld(t)
	alex := w.enrol("alex", "off")
	bea := w.enrol("bea", "off")
	w.twoBadNights(alex, bea)
	w.staffPing("Alex")
	w.staffPing("Bea")
	env := []string{"REDIS_URL=redis://" + redistest.Shared(t).Addr + "/0", "STEADY_ENCRYPTION_KEYS=" + testKey,
		"STEADY_REDIS_PREFIX=" + w.main.Config.Prefix, "STEADY_DISCORD_TOKEN=" + w.fake.Token(), "STEADY_DISCORD_API_URL=" + w.fake.URL}
	by := "d" + w.worker
	rdb := redisClient(t)
	prefix := w.main.Config.Prefix

	code, out, errs := steadyRun(t, env, "", "erase", "alex", "--by", by, "--yes")
	if code != 0 || !strings.Contains(out, "Erased") || strings.Contains(out, "could not be reached") {
		t.Fatalf("erase: exit %d\n%s\n%s", code, out, errs)
	}
	if left := w.postedAbout(alex, "Alex"); len(left) > 0 {
		t.Fatalf("steady erase left on Discord:\n%s", strings.Join(left, "\n"))
	}
	if left := traces(t, w.ctx, rdb, prefix, "alex", "Alex", alex); len(left) > 0 {
		t.Fatalf("after steady erase:\n%s", strings.Join(left, "\n"))
	}

	// Discord unreachable (a proxy that is down): Redis is erased all the
	// same, and the deletions wait for serve.
	down := append(env[:len(env)-1:len(env)-1], "STEADY_DISCORD_API_URL=http://127.0.0.1:1")
	code, out, errs = steadyRun(t, down, "", "erase", "bea", "--by", by, "--yes")
	if code != 0 || !strings.Contains(out, "Erased") || !strings.Contains(out, "could not be reached") {
		t.Fatalf("erase with Discord down: exit %d\n%s\n%s", code, out, errs)
	}
	if left := traces(t, w.ctx, rdb, prefix, "bea", "Bea", bea); len(left) > 0 {
		t.Fatalf("after steady erase with Discord down:\n%s", strings.Join(left, "\n"))
	}
	if len(w.postedAbout(bea, "Bea")) == 0 {
		t.Fatal("messages went while Discord was unreachable?")
	}
	if jobs, _ := rdb.LLen(w.ctx, prefix+":discord:purge").Result(); jobs == 0 {
		t.Fatal("no deletions left for serve")
	}
	if err := w.main.Engine().FlushAll(w.ctx); err != nil { // serve's sweep
		t.Fatal(err)
	}
	if left := w.postedAbout(bea, "Bea"); len(left) > 0 {
		t.Fatalf("serve's sweep left on Discord:\n%s", strings.Join(left, "\n"))
	}
	if jobs, _ := rdb.LLen(w.ctx, prefix+":discord:purge").Result(); jobs != 0 {
		t.Fatalf("%d deletions left after serve's sweep", jobs)
	}
}

// inRoom waits for a message in a member of staff's private channel that
// says text.
func (w *world) inRoom(user, text string) {
	w.t.Helper()
	room := w.room(user)
	w.await(fmt.Sprintf("%q in the private channel of %s", text, user), func() bool {
		for _, m := range w.fake.Messages(room) {
			if strings.Contains(m.Content, text) {
				return true
			}
		}
		return false
	})
}

// eraseByDiscord has a client erase themselves with /erase and its code.
func (w *world) eraseByDiscord(user string) {
	w.t.Helper()
	id, err := w.fake.Command(user, w.general, "erase", nil)
	if err != nil {
		w.t.Fatal(err)
	}
	code := regexp.MustCompile(`\b\d{6}\b`).FindString(w.reply(id))
	if code == "" {
		w.t.Fatal("no erasure code")
	}
	if id, err = w.fake.Command(user, w.general, "erase", map[string]any{"code": code}); err != nil {
		w.t.Fatal(err)
	}
	if got := w.reply(id); !strings.Contains(got, "has been deleted") {
		w.t.Fatalf("/erase with the code: %q", got)
	}
	if err := w.main.Engine().FlushAll(w.ctx); err != nil {
		w.t.Fatal(err)
	}
}

// A to-read digest that lists several clients carries each one's words:
// erasing one of them deletes it whole (Steady keeps no copy of the others'
// words to rebuild it from), and the other client's item stays unread on
// their list, for the reader's next reminder. Erasing a client whose items
// alone a digest held deletes it too.
func TestServeEraseDeletesTheToReadDigestsThatCarriedTheClient(t *testing.T) {
	w := newWorld(t)
	alex := w.enrol("alex", "off")
	bea := w.enrol("bea", "off")
	w.fake.UserSendsDM(alex, "work was grim, not sure about any of it")
	w.lastDM(alex, 1)
	w.fake.UserSendsDM(bea, "work was grim, not sure about any of it")
	w.lastDM(bea, 1)
	w.at(e2eStart.Add(time.Hour)) // the next full hour: the digest
	room := w.room(w.worker)
	var digest fakediscord.Message
	w.await("the digest of both clients' messages", func() bool {
		for _, m := range w.fake.Messages(room) {
			if strings.Contains(m.Content, "To read: 2 messages") {
				digest = m
			}
		}
		return digest.ID != ""
	})
	if !strings.Contains(digest.Content, "Alex") || !strings.Contains(digest.Content, "Bea") {
		t.Fatalf("the digest does not list both clients: %q", digest.Content)
	}

	w.eraseByDiscord(alex)
	for _, m := range w.fake.Messages(room) {
		if m.ID == digest.ID {
			t.Fatalf("the digest with the erased client's words is still there: %q", m.Content)
		}
	}
	if left := w.postedAbout(alex, "Alex"); len(left) > 0 {
		t.Fatalf("still on Discord after erasure:\n%s", strings.Join(left, "\n"))
	}
	rdb := redisClient(t)
	if n, _ := rdb.HLen(w.ctx, w.main.Config.Prefix+":{c:bea}:toread").Result(); n != 1 {
		t.Fatalf("bea's item: %d on her list, want 1 still unread", n)
	}

	// Erasing bea, whose item the deleted digest also held, finds nothing
	// left to delete there and still completes.
	w.eraseByDiscord(bea)
	if left := traces(t, w.ctx, rdb, w.main.Config.Prefix, "{c:bea}", "{c:alex}"); len(left) > 0 {
		t.Fatalf("after both erasures:\n%s", strings.Join(left, "\n"))
	}
}
