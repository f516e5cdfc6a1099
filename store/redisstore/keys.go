package redisstore

import (
	"context"
	"fmt"
	"strings"
)

// Record names inside a client's hash-tagged key space.
const (
	recProfile   = "profile"       // string: sealed JSON store.Client
	recConv      = "conv"          // hash: v (version), data (sealed JSON store.Conversation, "" when idle), cw and pw (write ids of data and the profile)
	recSleep     = "sleep"         // sorted set: score = night as days since 1970-01-01, member = sealed JSON store.SleepEntry
	recIncidents = "incidents"     // hash: incident id → sealed JSON store.Incident
	recOpen      = "open"          // hash: rule → open incident id; written by earlier versions only (its fields named rules), deleted by steady rekey
	recAudit     = "audit"         // stream: at, actor, action in the clear; everything else sealed in "s"
	recOutbox    = "outbox"        // list: messages committed with a step, not yet delivered (sealed, otherwise opaque to the store)
	recCheckIns  = "checkins"      // hash: check-in id → sealed JSON store.CheckIn
	recCheckDays = "checkins:days" // sorted set: score = local date as days since 1970-01-01, member = check-in id
	recDebriefs  = "debriefs"      // hash: debrief id → sealed JSON store.Debrief
	recPlans     = "plans"         // hash: plan version number → sealed JSON store.PlanVersion
	recAdjust    = "adjustments"   // hash: adjustment id → sealed JSON store.Adjustment
	recJobs      = "jobs"          // list: sealed JSON store.JobEvent, in the order recorded
	recErasure   = "erasure"       // string: pending erasure confirmation code, expires
	recErasing   = "erasing"       // string: an erasure under way (who, why, when; no content); refuses every write for the client
	recDebrDays  = "debriefs:days" // sorted set: score = shift date as days since 1970-01-01, member = debrief id
	recMissed    = "missed"        // hash: prompt id → sealed JSON store.MissedPrompt
	recMissDays  = "missed:days"   // sorted set: score = local date due as days since 1970-01-01, member = prompt id
	recRecent    = "recent"        // string: sealed JSON []store.RecentMessage, the last few minutes of typed messages; expires
	recToRead    = "toread"        // hash: item id → sealed JSON store.ReadItem, the worker's "to read" list
	recMark      = "mark:"         // strings "mark:<name>": what a Messenger remembers about the client (Marker), sealed
	recPosted    = "posted"        // set: sealed "channel/message" of messages posted about the client outside their own DMs
	recTraces    = "traces"        // set: traces of the client outside their key space (Trace), removed at erasure
	recFlush     = "flush"         // string: token of the replica delivering the outbox (flush.go); expires
)

// layout is how a record's key holds its values.
type layout int

const (
	asString layout = iota // one value
	asHash                 // values by field, each bound to its field
	asZSet                 // members bound to their score (the night)
	asList                 // values in order
	asSet                  // unordered values
	asStream               // an audit log (auditFields)
	asConv                 // the conversation hash (recConv)
)

// recordSpec says how a record is kept: where its values sit, whether they
// are sealed, and what export and steady rekey do with it.
type recordSpec struct {
	layout  layout
	sealed  bool // values are sealed under the client's slot
	compact bool // deflated before sealing: records that stay for months, not those rewritten at every step
	export  bool // part of what a client's export shows
	// writeID names the conversation hash field holding the write id bound
	// into the record's value, for a record rewritten in place.
	writeID string
	// obsolete records were written by an earlier version only: they are
	// still erased with the client, and steady rekey deletes them.
	obsolete bool
}

// records is every record a client's key space may hold. It is the one
// place a new kind of client data is added: give it a name above and a
// line here, write it with a Batch (b.op, sealed with b.encode) or a Store
// method, and erasure (which deletes the whole key space), export and steady
// rekey handle it. Something about a client kept outside their key space
// (a service-wide list that names them) is recorded with Batch.Trace or
// Store.Trace instead, so erasure finds it. The at-rest tests fail on any
// key in a client's space that is not listed here.
var records = map[string]recordSpec{
	recProfile:   {layout: asString, sealed: true, compact: true, export: true, writeID: "pw"},
	recConv:      {layout: asConv, sealed: true, export: true, writeID: "cw"},
	recSleep:     {layout: asZSet, sealed: true, compact: true, export: true},
	recIncidents: {layout: asHash, sealed: true, compact: true, export: true},
	recOpen:      {layout: asHash, obsolete: true},
	recAudit:     {layout: asStream, export: true},
	recOutbox:    {layout: asList, sealed: true, export: true},
	recCheckIns:  {layout: asHash, sealed: true, compact: true, export: true},
	recCheckDays: {layout: asZSet, export: true},
	recDebriefs:  {layout: asHash, sealed: true, compact: true, export: true},
	recPlans:     {layout: asHash, sealed: true, compact: true, export: true},
	recAdjust:    {layout: asHash, sealed: true, compact: true, export: true},
	recJobs:      {layout: asList, sealed: true, compact: true, export: true},
	recErasure:   {layout: asString},
	recErasing:   {layout: asString},
	recDebrDays:  {layout: asZSet, export: true},
	recMissed:    {layout: asHash, sealed: true, compact: true, export: true},
	recMissDays:  {layout: asZSet, export: true},
	recRecent:    {layout: asString, sealed: true, export: true},
	recToRead:    {layout: asHash, sealed: true, export: true},
	recMark:      {layout: asString, sealed: true},
	recFlush:     {layout: asString}, // a replica's random token, not data about the client
	recPosted:    {layout: asSet, sealed: true},
	recTraces:    {layout: asSet},
}

// recordOf finds a record's spec by its name as it appears in a key: the
// name itself, or a family such as "mark:" for "mark:<name>".
func recordOf(name string) (recordSpec, bool) {
	if r, ok := records[name]; ok {
		return r, true
	}
	if i := strings.IndexByte(name, ':'); i > 0 {
		if r, ok := records[name[:i+1]]; ok {
			return r, true
		}
	}
	return recordSpec{}, false
}

// compactRecord says whether a record is deflated before sealing.
func compactRecord(record string) bool {
	r, _ := recordOf(record)
	return r.compact
}

func (s *Store) clientKey(clientID, record string) string {
	return s.prefix + ":{c:" + clientID + "}:" + record
}

// Service-wide keys.
func (s *Store) usersKey() string     { return s.prefix + ":users" }     // hash: Discord user id → client id
func (s *Store) clientsKey() string   { return s.prefix + ":clients" }   // set: client ids
func (s *Store) workersKey() string   { return s.prefix + ":workers" }   // hash: worker id → sealed JSON store.Worker (plain JSON from earlier versions)
func (s *Store) auditKey() string     { return s.prefix + ":audit" }     // stream: service-wide audit (tombstones, staff actions); client in the clear, details sealed
func (s *Store) outboxesKey() string  { return s.prefix + ":outboxes" }  // set: client ids whose outbox may hold messages
func (s *Store) incidentsKey() string { return s.prefix + ":incidents" } // hash: opaque incident id → client id
func (s *Store) seenKey(h string) string {
	return s.prefix + ":seen:" + h // string: a hashed event key already handled (ServiceSeen), expires
}

// Service-wide records, sealed with an empty client.
const (
	svcWorkers = "workers"
	svcAudit   = "audit"
)

// UnregisteredKeys lists keys in clients' key spaces whose record is not in
// the registry (records): data export and steady rekey would not know how to
// read it. Tests assert it is empty after a realistic run.
func (s *Store) UnregisteredKeys(ctx context.Context) ([]string, error) {
	var out []string
	iter := s.rdb.Scan(ctx, 0, escapeGlob(s.prefix)+":{c:*}:*", 1000).Iterator()
	for iter.Next(ctx) {
		if _, record, ok := s.splitClientKey(iter.Val()); ok {
			if _, known := recordOf(record); !known {
				out = append(out, iter.Val())
			}
		}
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("store: scan client keys: %w", err)
	}
	return out, nil
}
