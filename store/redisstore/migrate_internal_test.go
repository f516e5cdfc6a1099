package redisstore

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/store"
	"steady/store/redistest"
)

// writeAsEarlierVersion stores a client as the version before this one did:
// values bound only to client and record (formats 1 and 2), audit details,
// staff names and tombstone reasons in the clear, an index of open incidents
// by rule name, incident ids naming client, rule and date.
func writeAsEarlierVersion(t *testing.T, ctx context.Context, s *Store) {
	t.Helper()
	rdb := s.rdb
	seal := func(record string, v any, format byte) string {
		b, _ := json.Marshal(v)
		return string(legacySeal(s.keys, slot{client: "alex", record: record}, b, format))
	}
	c := store.Client{ID: "alex", DisplayName: "CANARYNAME Alexandra", DiscordID: "u-alex", TimeZone: "Europe/London", WorkerID: "sam", Status: store.StatusActive}
	c.Consents.Set(store.PurposePeer, "named", "sam", "recorded at enrolment", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	rdb.Set(ctx, s.clientKey("alex", recProfile), seal(recProfile, c, formatDeflated), 0)
	rdb.HSet(ctx, s.clientKey("alex", recConv), "v", "3", "data", seal(recConv, store.Conversation{Flow: "sleep", State: "wake"}, formatPlain))
	open := store.Incident{ID: "alex.crisis.2026-11-23T10:15", ClientID: "alex", Rule: "crisis", State: store.IncidentWorkerNotified, Urgent: true}
	closed := store.Incident{ID: "alex.two_disrupted_nights.2026-11-20", ClientID: "alex", Rule: "two_disrupted_nights", State: store.IncidentResolved, Outcome: "CANARYOUTCOME"}
	rdb.HSet(ctx, s.clientKey("alex", recIncidents), open.ID, seal(recIncidents, open, formatDeflated), closed.ID, seal(recIncidents, closed, formatPlain))
	rdb.HSet(ctx, s.clientKey("alex", recOpen), "crisis", open.ID)
	rdb.ZAdd(ctx, s.clientKey("alex", recSleep), redis.Z{Score: 20415, Member: seal(recSleep, store.SleepEntry{Night: "2025-11-23", AsleepMin: 101}, formatPlain)})
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: s.clientKey("alex", recAudit), Values: []any{"at", "2026-11-23T10:15:00Z", "actor", "steady",
		"action", "crisis.detected", "client", "alex", "incident", open.ID, "rule", "crisis", "reason", "suicide: worker and lead told"}})
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: s.clientKey("_service", recAudit), Values: []any{"at", "2026-11-23T10:20:00Z", "actor", "steady",
		"action", "peer.concern", "client", "_service", "rule", "crisis", "reason", "suicide: moderators alerted [msg 123]"}})
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: s.auditKey(), Values: []any{"at", "2026-11-01T10:00:00Z", "actor", "sam",
		"action", ActionErased, "client", "old", "reason", "client request"}})
	rdb.HSet(ctx, s.workersKey(), "sam", `{"id":"sam","name":"CANARYSTAFF Samuel","discord_id":"u-sam"}`)
	rdb.HSet(ctx, s.usersKey(), "u-alex", "alex")
	rdb.SAdd(ctx, s.clientsKey(), "alex")
}

// Data written by the previous version is read as it is, and steady rekey
// (Reseal) rewrites it so nothing readable is left: values bound to their
// slot, audit details and staff names sealed, the rule index deleted,
// closed incidents renamed to opaque ids.
func TestEarlierVersionsDataIsReadThenRewrittenByRekey(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := redistest.New(t)
	s := New(rdb, prefix, WithKeys(testKeyring(t)))
	writeAsEarlierVersion(t, ctx, s)

	check := func(when string) {
		t.Helper()
		st, err := s.Load(ctx, "alex")
		if err != nil || st.Client.DisplayName != "CANARYNAME Alexandra" || st.Conversation.State != "wake" || st.Conversation.Version != 3 {
			t.Fatalf("%s: load = %+v, %v", when, st, err)
		}
		if in, ok, err := s.OpenIncident(ctx, "alex", "crisis"); err != nil || !ok || in.ID != "alex.crisis.2026-11-23T10:15" {
			t.Fatalf("%s: open crisis incident = %+v %v %v", when, in, ok, err)
		}
		all, err := s.Incidents(ctx, "alex")
		if err != nil || len(all) != 2 {
			t.Fatalf("%s: incidents = %+v, %v", when, all, err)
		}
		audit, err := s.Audit(ctx, "alex", "")
		if err != nil || len(audit) != 1 || audit[0].Rule != "crisis" || audit[0].Reason != "suicide: worker and lead told" || audit[0].ClientID != "alex" {
			t.Fatalf("%s: audit = %+v, %v", when, audit, err)
		}
		svc, err := s.Audit(ctx, "_service", "")
		if err != nil || len(svc) != 1 || svc[0].Reason != "suicide: moderators alerted [msg 123]" {
			t.Fatalf("%s: service log = %+v, %v", when, svc, err)
		}
		tombs, err := s.Tombstones(ctx)
		if err != nil || len(tombs) != 1 || tombs[0].ClientID != "old" || tombs[0].Reason != "client request" {
			t.Fatalf("%s: tombstones = %+v, %v", when, tombs, err)
		}
		if w, err := s.Worker(ctx, "sam"); err != nil || w.Name != "CANARYSTAFF Samuel" {
			t.Fatalf("%s: worker = %+v, %v", when, w, err)
		}
		if nights, err := s.SleepEntries(ctx, "alex", "2025-11-01"); err != nil || len(nights) != 1 || nights[0].AsleepMin != 101 {
			t.Fatalf("%s: nights = %+v, %v", when, nights, err)
		}
	}
	check("before rekey")

	rep, err := s.Reseal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// profile, conversation, two incidents, a night; three audit entries and
	// a worker sealed; the open-incident index dropped; the closed incident
	// renamed, the open one left for a later run.
	if rep.Resealed != 5 || rep.Sealed != 4 || rep.Dropped != 1 || rep.Renamed != 1 || rep.LegacyOpen != 1 || rep.Skipped != 0 {
		t.Fatalf("rekey = %+v", rep)
	}
	check("after rekey")
	for key, vals := range redistest.Dump(ctx, t, rdb, prefix) {
		for _, v := range append(vals, key) {
			for _, word := range []string{"suicide", "CANARY", "two_disrupted", "moderators", "client request", `"crisis"`, ":open"} {
				if strings.Contains(v, word) {
					t.Errorf("after rekey %s holds %q: %q", key, word, v)
				}
			}
		}
		if strings.HasSuffix(key, ":{c:alex}:incidents") {
			for i := 0; i < len(vals); i += 2 {
				if vals[i] != "alex.crisis.2026-11-23T10:15" && legacyIncidentID(vals[i]) {
					t.Errorf("a closed incident kept its readable id %q", vals[i])
				}
			}
		}
	}
	// Every value is now bound to its slot: a second run has nothing to do.
	again, err := s.Reseal(ctx)
	if err != nil || again.Resealed != 0 || again.Sealed != 0 || again.Renamed != 0 || again.LegacyOpen != 1 {
		t.Fatalf("second rekey = %+v, %v", again, err)
	}
	// The renamed incident is found by its new id, for its client.
	for _, in := range mustIncidents(t, s, ctx) {
		if in.Closed() {
			if got, err := s.ClientOfIncident(ctx, in.ID); err != nil || got != "alex" {
				t.Fatalf("renamed incident %s → %q, %v", in.ID, got, err)
			}
		}
	}
}

func mustIncidents(t *testing.T, s *Store, ctx context.Context) []store.Incident {
	t.Helper()
	all, err := s.Incidents(ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	return all
}
