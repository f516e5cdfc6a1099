package redisstore

import (
	"context"
	"crypto/sha1"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/store"
)

// ErrConflict means the conversation changed since it was read; the caller
// reloads and runs the step again.
var ErrConflict = errors.New("redisstore: conversation changed concurrently")

// Store reads and writes Steady's records in Redis.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	keys   *Keyring
	// auditKeep is how long audit entries are kept (WithAuditRetention).
	auditKeep time.Duration
}

// Option configures a Store.
type Option func(*Store)

// WithKeys sets the keys that encrypt client records at rest. Without it a
// Store uses EphemeralKeyring: fine for tests and a throwaway `steady try`,
// never for a service whose data must survive a restart.
func WithKeys(kr *Keyring) Option { return func(s *Store) { s.keys = kr } }

// DefaultAuditRetention is how long audit entries are kept without
// WithAuditRetention: two years, as a discharged client's records.
const DefaultAuditRetention = 2 * 365 * 24 * time.Hour

// WithAuditRetention sets how long audit entries are kept: each append trims
// its stream of entries older than this (by Redis's clock, approximately, a
// stream node at a time). Services pass their record retention period, so
// an audit trail lives as long as the records it explains.
func WithAuditRetention(d time.Duration) Option { return func(s *Store) { s.auditKeep = d } }

// New returns a Store whose keys all start with prefix (e.g. "steady").
func New(rdb redis.UniversalClient, prefix string, opts ...Option) *Store {
	s := &Store{rdb: rdb, prefix: prefix}
	for _, o := range opts {
		o(s)
	}
	if s.keys == nil {
		s.keys = EphemeralKeyring()
	}
	if s.auditKeep <= 0 {
		s.auditKeep = DefaultAuditRetention
	}
	return s
}

// Keys returns the keyring protecting records at rest.
func (s *Store) Keys() *Keyring { return s.keys }

// decode opens one of a client's sealed records into v: the value sealed
// for that client, record and field (see Batch.encode).
func (s *Store) decode(clientID, record, field string, raw []byte, v any) error {
	return s.openJSON(slot{client: clientID, record: record, field: field}, raw, v)
}

// Redis returns the underlying client, for packages that share the connection.
func (s *Store) Redis() redis.UniversalClient { return s.rdb }

// Prefix returns the key prefix.
func (s *Store) Prefix() string { return s.prefix }

// PutWorker creates or replaces a worker. Staff names are sealed like
// client records (bound to the worker id); only the id is in the clear.
func (s *Store) PutWorker(ctx context.Context, w store.Worker) error {
	b, err := s.sealJSON(slot{record: svcWorkers, field: w.ID}, w)
	if err != nil {
		return fmt.Errorf("store: encode worker: %w", err)
	}
	if err := s.rdb.HSet(ctx, s.workersKey(), w.ID, b).Err(); err != nil {
		return fmt.Errorf("store: save worker %s: %w", w.ID, err)
	}
	return nil
}

// AddWorker creates a worker unless one with the id exists, and returns
// the worker as stored: an existing record (lead flag, zone, hours) is never
// overwritten by someone else's enrolment naming them.
func (s *Store) AddWorker(ctx context.Context, w store.Worker) (store.Worker, error) {
	b, err := s.sealJSON(slot{record: svcWorkers, field: w.ID}, w)
	if err != nil {
		return w, fmt.Errorf("store: encode worker: %w", err)
	}
	added, err := s.rdb.HSetNX(ctx, s.workersKey(), w.ID, b).Result()
	if err != nil {
		return w, fmt.Errorf("store: add worker %s: %w", w.ID, err)
	}
	if added {
		return w, nil
	}
	return s.Worker(ctx, w.ID)
}

// Worker loads one worker.
func (s *Store) Worker(ctx context.Context, id string) (store.Worker, error) {
	var w store.Worker
	b, err := s.rdb.HGet(ctx, s.workersKey(), id).Bytes()
	if errors.Is(err, redis.Nil) {
		return w, fmt.Errorf("store: worker %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return w, fmt.Errorf("store: load worker %s: %w", id, err)
	}
	return w, s.decodeWorker(id, b, &w)
}

// decodeWorker opens a sealed worker, or reads one an earlier version
// stored as plain JSON (steady rekey seals those).
func (s *Store) decodeWorker(id string, raw []byte, w *store.Worker) error {
	var err error
	if isSealed(raw) {
		err = s.openJSON(slot{record: svcWorkers, field: id}, raw, w)
	} else {
		err = json.Unmarshal(raw, w)
	}
	if err != nil {
		return fmt.Errorf("store: decode worker %s: %w", id, err)
	}
	return nil
}

// Workers lists every worker.
func (s *Store) Workers(ctx context.Context) ([]store.Worker, error) {
	m, err := s.rdb.HGetAll(ctx, s.workersKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("store: list workers: %w", err)
	}
	out := make([]store.Worker, 0, len(m))
	for id, b := range m {
		var w store.Worker
		if err := s.decodeWorker(id, []byte(b), &w); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// claimUserScript gives a Discord user to a client, atomically: when the
// user is free, already this client's, or held by a client whose profile is
// gone (an enrolment or erasure that stopped half-way, as a claim is only
// ever made once its client's profile exists). The profile check is made by
// the caller (another Cluster slot); the script only replaces the holder the
// caller saw, so two enrolments cannot both win.
//
// KEYS[1] the users hash; ARGV[1] Discord user, ARGV[2] client, ARGV[3]
// the stale holder the caller may replace ("" for none).
// Returns "" when the user is now the client's, else the holder's id.
var claimUserScript = redis.NewScript(`
local held = redis.call('HGET', KEYS[1], ARGV[1])
if not held or held == ARGV[2] or held == ARGV[3] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return ''
end
return held
`)

// ErrUserTaken means the Discord user is enrolled as another client.
var ErrUserTaken = errors.New("store: Discord user already enrolled as another client")

// ErrClientExists means a client with the id is enrolled already.
var ErrClientExists = errors.New("store: a client with that id is enrolled already")

// Enrol stores a new client's profile and indexes their Discord user. The
// profile is written only if the id is free, and the Discord user is then
// claimed only if nobody else holds it — each one atomic step, so two
// enrolments of one id, or of one Discord user, cannot both succeed (the
// loser's profile is taken back). It returns ErrClientExists or ErrUserTaken.
func (s *Store) Enrol(ctx context.Context, c store.Client) error {
	if c.ID == "" || c.DiscordID == "" {
		return errors.New("store: enrol: client id and Discord id are required")
	}
	b := s.Batch(c.ID)
	b.creating = true
	b.PutClient(c)
	if _, err := b.Commit(ctx, -1); err != nil {
		if errors.Is(err, ErrConflict) {
			return fmt.Errorf("enrol %s: %w", c.ID, ErrClientExists)
		}
		return err
	}
	stale := ""
	for attempt := 0; ; attempt++ {
		held, err := claimUserScript.Run(ctx, s.rdb, []string{s.usersKey()}, c.DiscordID, c.ID, stale).Text()
		if err == nil && held == "" {
			break
		}
		if err == nil {
			var exists int64
			if exists, err = s.rdb.Exists(ctx, s.clientKey(held, recProfile)).Result(); err == nil && (exists == 1 || attempt >= 3) {
				err = fmt.Errorf("enrol %s: %w", c.ID, ErrUserTaken)
			}
			stale = held
		}
		if err != nil {
			// Take the profile back: nothing points at it yet.
			s.rdb.Del(context.WithoutCancel(ctx), s.clientKey(c.ID, recProfile), s.clientKey(c.ID, recConv))
			return err
		}
	}
	if err := s.rdb.SAdd(ctx, s.clientsKey(), c.ID).Err(); err != nil {
		return fmt.Errorf("store: index client %s: %w", c.ID, err)
	}
	return nil
}

// Client loads a client's profile. A client being erased is not found.
func (s *Store) Client(ctx context.Context, id string) (store.Client, error) {
	var c store.Client
	var prof *redis.StringCmd
	var pw *redis.StringCmd
	var erasing *redis.IntCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		prof = p.Get(ctx, s.clientKey(id, recProfile))
		pw = p.HGet(ctx, s.clientKey(id, recConv), records[recProfile].writeID)
		erasing = p.Exists(ctx, s.clientKey(id, recErasing))
		return nil
	})
	if errors.Is(prof.Err(), redis.Nil) || erasing.Val() == 1 {
		return c, fmt.Errorf("store: client %s: %w", id, store.ErrNotFound)
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		return c, fmt.Errorf("store: load client %s: %w", id, err)
	}
	if err := s.openJSON(slot{client: id, record: recProfile, version: pw.Val()}, []byte(prof.Val()), &c); err != nil {
		return c, fmt.Errorf("store: decode client %s: %w", id, err)
	}
	return c, nil
}

// ClientIDs lists every enrolled client's id.
func (s *Store) ClientIDs(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, s.clientsKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("store: list clients: %w", err)
	}
	return ids, nil
}

// ClientIDByDiscord finds the client a Discord user is enrolled as. It returns
// store.ErrNotFound for strangers.
func (s *Store) ClientIDByDiscord(ctx context.Context, discordID string) (string, error) {
	id, err := s.rdb.HGet(ctx, s.usersKey(), discordID).Result()
	if errors.Is(err, redis.Nil) {
		return "", store.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: look up Discord user: %w", err)
	}
	return id, nil
}

// State is what a step needs about a client, read in one round trip.
type State struct {
	Client       store.Client
	Conversation store.Conversation // Version is set even when no flow is open
	// Adjustments are the client's register, which conversations ask about.
	Adjustments []store.Adjustment
	// Recent are the client's typed messages of the last few minutes, oldest
	// first, for reading the next one in context. They may include some
	// older than the caller's window (Redis expires them on its own clock).
	Recent []store.RecentMessage

	snap Snapshot
}

// Snapshot is a client's State as Redis holds it, still sealed: what a
// process may keep between steps and open again (Store.Open) without a read.
// It is only a guess at the current state. A Batch guarded by the State
// (Batch.Guard) commits only if the conversation is still at the State's
// version and the profile and adjustments are byte for byte as read, so a
// step decided on a stale snapshot conflicts and is decided again on a fresh
// Load.
type Snapshot struct {
	clientID string
	profile  string
	profW    string // the profile's write id
	convV    int64
	convData string
	convW    string            // the conversation's write id
	adj      map[string]string // never modified once read
	digest   string            // stateDigest(profile, adj)
	recent   string            // the recent messages as stored ("" none)
}

// Snapshot returns the stored form of the state, for keeping between steps.
func (st State) Snapshot() Snapshot { return st.snap }

// Load reads a client's profile, conversation, adjustments and recent
// messages in one round trip. A client being erased is not found.
func (s *Store) Load(ctx context.Context, clientID string) (State, error) {
	var prof *redis.StringCmd
	var conv *redis.SliceCmd
	var adj *redis.MapStringStringCmd
	var erasing *redis.IntCmd
	var recent *redis.StringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		prof = p.Get(ctx, s.clientKey(clientID, recProfile))
		conv = p.HMGet(ctx, s.clientKey(clientID, recConv), "v", "data", records[recConv].writeID, records[recProfile].writeID)
		adj = p.HGetAll(ctx, s.clientKey(clientID, recAdjust))
		erasing = p.Exists(ctx, s.clientKey(clientID, recErasing))
		recent = p.Get(ctx, s.clientKey(clientID, recRecent))
		return nil
	})
	if errors.Is(prof.Err(), redis.Nil) || erasing.Val() == 1 {
		return State{}, fmt.Errorf("store: client %s: %w", clientID, store.ErrNotFound)
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		return State{}, fmt.Errorf("store: load client %s: %w", clientID, err)
	}
	snap := Snapshot{clientID: clientID, profile: prof.Val(), adj: adj.Val(), recent: recent.Val()}
	if vals := conv.Val(); len(vals) == 4 {
		if v, ok := vals[0].(string); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return State{}, fmt.Errorf("store: client %s: decode conversation version: %w", clientID, err)
			}
			snap.convV = n
		}
		snap.convData, _ = vals[1].(string)
		snap.convW, _ = vals[2].(string)
		snap.profW, _ = vals[3].(string)
	}
	snap.digest = stateDigest(snap.profile, snap.adj)
	return s.Open(snap)
}

// Open decodes a snapshot, as Load does after its read.
func (s *Store) Open(snap Snapshot) (State, error) {
	st := State{snap: snap}
	id := snap.clientID
	if err := s.openJSON(slot{client: id, record: recProfile, version: snap.profW}, []byte(snap.profile), &st.Client); err != nil {
		return st, fmt.Errorf("store: decode client %s: %w", id, err)
	}
	if snap.convData != "" {
		if err := s.openJSON(slot{client: id, record: recConv, version: snap.convW}, []byte(snap.convData), &st.Conversation); err != nil {
			return st, fmt.Errorf("store: client %s: decode conversation: %w", id, err)
		}
	}
	st.Conversation.Version = snap.convV
	var err error
	if st.Adjustments, err = s.decodeAdjustments(id, snap.adj); err != nil {
		return st, err
	}
	if st.Recent, err = s.decodeRecent(id, snap.recent); err != nil {
		return st, err
	}
	return st, nil
}

// stateDigest identifies a profile and an adjustments hash exactly as
// stored; commitScript computes the same from Redis (see its ARGV[5]). The
// adjustments' digests are summed word by word, so the hash's field order
// does not matter (Lua cannot sort bytewise whatever Redis's locale).
func stateDigest(profile string, adj map[string]string) string {
	var acc [5]uint32
	for k, v := range adj {
		h := sha1.Sum([]byte(strconv.Itoa(len(k)) + ":" + k + v))
		for j := range acc {
			acc[j] += binary.BigEndian.Uint32(h[j*4:]) // mod 2^32, as the script
		}
	}
	p := sha1.Sum([]byte(profile))
	return fmt.Sprintf("%x%08x%08x%08x%08x%08x", p, acc[0], acc[1], acc[2], acc[3], acc[4])
}

// SleepEntries returns the client's nights from the local date since (inclusive), oldest first.
func (s *Store) SleepEntries(ctx context.Context, clientID, since string) ([]store.SleepEntry, error) {
	day, err := dayNumber(since)
	if err != nil {
		return nil, fmt.Errorf("store: sleep entries since %q: %w", since, err)
	}
	vals, err := s.rdb.ZRangeByScoreWithScores(ctx, s.clientKey(clientID, recSleep), &redis.ZRangeBy{
		Min: strconv.FormatInt(day, 10), Max: "+inf",
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("store: load sleep entries of %s: %w", clientID, err)
	}
	out := make([]store.SleepEntry, 0, len(vals))
	for _, z := range vals {
		var e store.SleepEntry
		raw, _ := z.Member.(string)
		if err := s.decode(clientID, recSleep, scoreField(z.Score), []byte(raw), &e); err != nil {
			return nil, fmt.Errorf("store: decode sleep entry of %s: %w", clientID, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// scoreField is the field a sorted-set member is bound to: its score (a day number).
func scoreField(score float64) string { return strconv.FormatInt(int64(score), 10) }

// Incidents returns all of a client's incidents.
func (s *Store) Incidents(ctx context.Context, clientID string) ([]store.Incident, error) {
	m, err := s.rdb.HGetAll(ctx, s.clientKey(clientID, recIncidents)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: load incidents of %s: %w", clientID, err)
	}
	out := make([]store.Incident, 0, len(m))
	for id, v := range m {
		var in store.Incident
		if err := s.decode(clientID, recIncidents, id, []byte(v), &in); err != nil {
			return nil, fmt.Errorf("store: decode incident %s: %w", id, err)
		}
		out = append(out, in)
	}
	return out, nil
}

// Incident loads one incident.
func (s *Store) Incident(ctx context.Context, clientID, id string) (store.Incident, error) {
	var in store.Incident
	v, err := s.rdb.HGet(ctx, s.clientKey(clientID, recIncidents), id).Bytes()
	if errors.Is(err, redis.Nil) {
		return in, fmt.Errorf("store: incident %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return in, fmt.Errorf("store: load incident %s: %w", id, err)
	}
	if err := s.decode(clientID, recIncidents, id, v, &in); err != nil {
		return in, fmt.Errorf("store: decode incident %s: %w", id, err)
	}
	return in, nil
}

// OpenIncident returns the client's open incident for a rule, if any. It
// reads the client's incidents: an index by rule would name rules in the
// clear.
func (s *Store) OpenIncident(ctx context.Context, clientID, rule string) (store.Incident, bool, error) {
	all, err := s.Incidents(ctx, clientID)
	if err != nil {
		return store.Incident{}, false, err
	}
	for _, in := range all {
		if in.Rule == rule && !in.Closed() {
			return in, true, nil
		}
	}
	return store.Incident{}, false, nil
}

// ClientOfIncident returns the client an incident id belongs to: incident
// ids are opaque, so the service keeps an index from id to client
// (Batch.PutIncident writes it). store.ErrNotFound: no such incident.
func (s *Store) ClientOfIncident(ctx context.Context, incidentID string) (string, error) {
	id, err := s.rdb.HGet(ctx, s.incidentsKey(), incidentID).Result()
	if errors.Is(err, redis.Nil) {
		return "", store.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: look up incident: %w", err)
	}
	return id, nil
}

var epochDay = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// dayNumber turns a local date into days since 1970-01-01, the sleep set's score.
func dayNumber(date string) (int64, error) {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return 0, err
	}
	return int64(d.Sub(epochDay).Hours() / 24), nil
}

// OutboxItem is one queued message: what was queued (Data) and how the
// outbox holds it, so it can be removed by identity once delivered.
type OutboxItem struct {
	Data   []byte
	stored string // the sealed value in the list; unique (random nonce)
}

// Outbox returns up to n of a client's undelivered messages, oldest first.
func (s *Store) Outbox(ctx context.Context, clientID string, n int) ([]OutboxItem, error) {
	vals, err := s.rdb.LRange(ctx, s.clientKey(clientID, recOutbox), 0, int64(n-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read outbox of %s: %w", clientID, err)
	}
	out := make([]OutboxItem, len(vals))
	for i, v := range vals {
		item, err := s.keys.open(slot{client: clientID, record: recOutbox}, []byte(v))
		if err != nil {
			return nil, fmt.Errorf("store: open outbox item of %s: %w", clientID, err)
		}
		out[i] = OutboxItem{Data: item, stored: v}
	}
	return out, nil
}

// deliveredScript removes delivered messages from a client's outbox by
// identity, not by count: two flushes of one outbox that overlap (two
// replicas, or a step's own delivery beside a flush) each remove only what
// they sent, never a message queued meanwhile that nobody has sent yet.
//
// KEYS[1]  the client's outbox list
// ARGV     the delivered items, exactly as stored
// Returns  how many items remain in the outbox
var deliveredScript = redis.NewScript(`
for i = 1, #ARGV do
  redis.call('LREM', KEYS[1], 1, ARGV[i])
end
return redis.call('LLEN', KEYS[1])
`)

// Delivered removes messages from a client's outbox once they have been
// sent, and returns how many remain: one round trip. When the caller expects
// the outbox to be empty afterwards (expectEmpty) the client leaves the
// outbox index in the same round trip; the index lives in another Cluster
// slot, so that removal cannot be conditional inside the script, and a
// message found queued meanwhile puts the entry straight back (the caller,
// still flushing, delivers it). A message committed by another handler
// between its own index write and the commit can be left unindexed by that
// race; that handler delivers it itself, and only its crash in that instant
// leaves it for the client's next step, as before this was one round trip.
func (s *Store) Delivered(ctx context.Context, clientID string, items []OutboxItem, expectEmpty bool) (int64, error) {
	if len(items) == 0 {
		return 0, nil
	}
	args := make([]any, len(items))
	for i, it := range items {
		args[i] = it.stored
	}
	return s.removeDelivered(ctx, clientID, deliveredScript, []string{s.clientKey(clientID, recOutbox)}, args, expectEmpty)
}

// removeDelivered runs a script that removes delivered messages from a
// client's outbox and returns how many remain (deliveredScript, or
// flushDeliveredScript, which also ends the flush lease), and keeps the
// outbox index in step with the result: when the caller expects the outbox
// empty the index entry goes in the same round trip, and is put back if
// anything was queued meanwhile.
func (s *Store) removeDelivered(ctx context.Context, clientID string, script *redis.Script, keys []string, args []any, expectEmpty bool) (int64, error) {
	var unindex func(redis.Pipeliner)
	if expectEmpty {
		unindex = func(p redis.Pipeliner) { p.SRem(ctx, s.outboxesKey(), clientID) }
	}
	res, unindexErr, err := s.runScript(ctx, script, keys, args, unindex)
	if err != nil {
		return 0, fmt.Errorf("store: mark delivered for %s: %w", clientID, err)
	}
	left, err := res.Int64()
	if err != nil {
		return 0, fmt.Errorf("store: mark delivered for %s: %w", clientID, err)
	}
	if expectEmpty && left > 0 {
		if err := s.rdb.SAdd(ctx, s.outboxesKey(), clientID).Err(); err != nil {
			return left, fmt.Errorf("store: re-index outbox of %s: %w", clientID, err)
		}
	}
	if unindexErr != nil && left == 0 {
		return 0, fmt.Errorf("store: unindex outbox of %s: %w", clientID, unindexErr)
	}
	return left, nil
}

// OutboxClients lists clients whose outbox may hold messages (after a crash).
func (s *Store) OutboxClients(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, s.outboxesKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("store: list outboxes: %w", err)
	}
	return ids, nil
}
