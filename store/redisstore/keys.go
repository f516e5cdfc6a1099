package redisstore

// Record names inside a client's hash-tagged key space.
const (
	recProfile   = "profile"       // string: sealed JSON store.Client
	recConv      = "conv"          // hash: v (version), data (sealed JSON store.Conversation, "" when idle)
	recSleep     = "sleep"         // sorted set: score = night as days since 1970-01-01, member = sealed JSON store.SleepEntry
	recIncidents = "incidents"     // hash: incident id → sealed JSON store.Incident
	recOpen      = "open"          // hash: rule → id of the rule's open incident
	recAudit     = "audit"         // stream: store.AuditEvent fields, append-only
	recOutbox    = "outbox"        // list: messages committed with a step, not yet delivered (sealed, otherwise opaque to the store)
	recCheckIns  = "checkins"      // hash: check-in id → sealed JSON store.CheckIn
	recCheckDays = "checkins:days" // sorted set: score = local date as days since 1970-01-01, member = check-in id
	recDebriefs  = "debriefs"      // hash: debrief id → sealed JSON store.Debrief
	recPlans     = "plans"         // hash: plan version number → sealed JSON store.PlanVersion
	recAdjust    = "adjustments"   // hash: adjustment id → sealed JSON store.Adjustment
	recJobs      = "jobs"          // list: sealed JSON store.JobEvent, in the order recorded
	recErasure   = "erasure"       // string: pending erasure confirmation code, expires
	recDebrDays  = "debriefs:days" // sorted set: score = shift date as days since 1970-01-01, member = debrief id
	recMissed    = "missed"        // hash: prompt id → sealed JSON store.MissedPrompt
	recMissDays  = "missed:days"   // sorted set: score = local date due as days since 1970-01-01, member = prompt id
	recRecent    = "recent"        // string: sealed JSON []store.RecentMessage, the last few minutes of typed messages; expires
	recToRead    = "toread"        // hash: item id → sealed JSON store.ReadItem, the worker's "to read" list
	recFlush     = "flush"         // string: token of the replica delivering the outbox (flush.go); expires
)

func (s *Store) clientKey(clientID, record string) string {
	return s.prefix + ":{c:" + clientID + "}:" + record
}

// Service-wide keys.
func (s *Store) usersKey() string    { return s.prefix + ":users" }    // hash: Discord user id → client id
func (s *Store) clientsKey() string  { return s.prefix + ":clients" }  // set: client ids
func (s *Store) workersKey() string  { return s.prefix + ":workers" }  // hash: worker id → JSON store.Worker
func (s *Store) auditKey() string    { return s.prefix + ":audit" }    // stream: service-wide audit (tombstones, staff actions)
func (s *Store) outboxesKey() string { return s.prefix + ":outboxes" } // set: client ids whose outbox may hold messages
