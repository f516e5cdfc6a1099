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
}

// Option configures a Store.
type Option func(*Store)

// WithKeys sets the keys that encrypt client records at rest. Without it a
// Store uses EphemeralKeyring: fine for tests and a throwaway `steady try`,
// never for a service whose data must survive a restart.
func WithKeys(kr *Keyring) Option { return func(s *Store) { s.keys = kr } }

// New returns a Store whose keys all start with prefix (e.g. "steady").
func New(rdb redis.UniversalClient, prefix string, opts ...Option) *Store {
	s := &Store{rdb: rdb, prefix: prefix}
	for _, o := range opts {
		o(s)
	}
	if s.keys == nil {
		s.keys = EphemeralKeyring()
	}
	return s
}

// Keys returns the keyring protecting records at rest.
func (s *Store) Keys() *Keyring { return s.keys }

// decode opens one of a client's sealed records into v.
func (s *Store) decode(clientID, record string, raw []byte, v any) error {
	return s.openJSON(clientID, record, raw, v)
}

// Redis returns the underlying client, for packages that share the connection.
func (s *Store) Redis() redis.UniversalClient { return s.rdb }

// Prefix returns the key prefix.
func (s *Store) Prefix() string { return s.prefix }

// PutWorker creates or replaces a worker.
func (s *Store) PutWorker(ctx context.Context, w store.Worker) error {
	b, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("store: encode worker: %w", err)
	}
	if err := s.rdb.HSet(ctx, s.workersKey(), w.ID, b).Err(); err != nil {
		return fmt.Errorf("store: save worker %s: %w", w.ID, err)
	}
	return nil
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
	if err := json.Unmarshal(b, &w); err != nil {
		return w, fmt.Errorf("store: decode worker %s: %w", id, err)
	}
	return w, nil
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
		if err := json.Unmarshal([]byte(b), &w); err != nil {
			return nil, fmt.Errorf("store: decode worker %s: %w", id, err)
		}
		out = append(out, w)
	}
	return out, nil
}

// Enrol stores a new client's profile and indexes their Discord user. It
// refuses a Discord user already enrolled as a different client.
func (s *Store) Enrol(ctx context.Context, c store.Client) error {
	if c.ID == "" || c.DiscordID == "" {
		return errors.New("store: enrol: client id and Discord id are required")
	}
	prev, err := s.rdb.HGet(ctx, s.usersKey(), c.DiscordID).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("store: enrol %s: %w", c.ID, err)
	}
	if prev != "" && prev != c.ID {
		return fmt.Errorf("store: enrol %s: Discord user already enrolled as another client", c.ID)
	}
	// The profile goes first: an index entry must never point at a missing profile.
	if err := s.PutClient(ctx, c); err != nil {
		return err
	}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.usersKey(), c.DiscordID, c.ID)
		p.SAdd(ctx, s.clientsKey(), c.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: index client %s: %w", c.ID, err)
	}
	return nil
}

// PutClient replaces a client's profile.
func (s *Store) PutClient(ctx context.Context, c store.Client) error {
	b, err := s.sealJSON(c.ID, recProfile, c)
	if err != nil {
		return fmt.Errorf("store: encode client %s: %w", c.ID, err)
	}
	if err := s.rdb.Set(ctx, s.clientKey(c.ID, recProfile), b, 0).Err(); err != nil {
		return fmt.Errorf("store: save client %s: %w", c.ID, err)
	}
	return nil
}

// Client loads a client's profile.
func (s *Store) Client(ctx context.Context, id string) (store.Client, error) {
	var c store.Client
	b, err := s.rdb.Get(ctx, s.clientKey(id, recProfile)).Bytes()
	if errors.Is(err, redis.Nil) {
		return c, fmt.Errorf("store: client %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("store: load client %s: %w", id, err)
	}
	if err := s.decode(id, recProfile, b, &c); err != nil {
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
	convV    int64
	convData string
	adj      map[string]string // never modified once read
	digest   string            // stateDigest(profile, adj)
	recent   string            // the recent messages as stored ("" none)
}

// Snapshot returns the stored form of the state, for keeping between steps.
func (st State) Snapshot() Snapshot { return st.snap }

// Load reads a client's profile, conversation, adjustments and recent
// messages in one round trip.
func (s *Store) Load(ctx context.Context, clientID string) (State, error) {
	var prof *redis.StringCmd
	var conv *redis.SliceCmd
	var adj *redis.MapStringStringCmd
	var recent *redis.StringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		prof = p.Get(ctx, s.clientKey(clientID, recProfile))
		conv = p.HMGet(ctx, s.clientKey(clientID, recConv), "v", "data")
		adj = p.HGetAll(ctx, s.clientKey(clientID, recAdjust))
		recent = p.Get(ctx, s.clientKey(clientID, recRecent))
		return nil
	})
	if errors.Is(prof.Err(), redis.Nil) {
		return State{}, fmt.Errorf("store: client %s: %w", clientID, store.ErrNotFound)
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		return State{}, fmt.Errorf("store: load client %s: %w", clientID, err)
	}
	snap := Snapshot{clientID: clientID, profile: prof.Val(), adj: adj.Val(), recent: recent.Val()}
	if vals := conv.Val(); len(vals) == 2 {
		if v, ok := vals[0].(string); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return State{}, fmt.Errorf("store: client %s: decode conversation version: %w", clientID, err)
			}
			snap.convV = n
		}
		snap.convData, _ = vals[1].(string)
	}
	snap.digest = stateDigest(snap.profile, snap.adj)
	return s.Open(snap)
}

// Open decodes a snapshot, as Load does after its read.
func (s *Store) Open(snap Snapshot) (State, error) {
	st := State{snap: snap}
	id := snap.clientID
	if err := s.decode(id, recProfile, []byte(snap.profile), &st.Client); err != nil {
		return st, fmt.Errorf("store: decode client %s: %w", id, err)
	}
	if snap.convData != "" {
		if err := s.decode(id, recConv, []byte(snap.convData), &st.Conversation); err != nil {
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
	vals, err := s.rdb.ZRangeByScore(ctx, s.clientKey(clientID, recSleep), &redis.ZRangeBy{
		Min: strconv.FormatInt(day, 10), Max: "+inf",
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("store: load sleep entries of %s: %w", clientID, err)
	}
	out := make([]store.SleepEntry, 0, len(vals))
	for _, v := range vals {
		var e store.SleepEntry
		if err := s.decode(clientID, recSleep, []byte(v), &e); err != nil {
			return nil, fmt.Errorf("store: decode sleep entry of %s: %w", clientID, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// Incidents returns all of a client's incidents.
func (s *Store) Incidents(ctx context.Context, clientID string) ([]store.Incident, error) {
	m, err := s.rdb.HGetAll(ctx, s.clientKey(clientID, recIncidents)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: load incidents of %s: %w", clientID, err)
	}
	out := make([]store.Incident, 0, len(m))
	for id, v := range m {
		var in store.Incident
		if err := s.decode(clientID, recIncidents, []byte(v), &in); err != nil {
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
	if err := s.decode(clientID, recIncidents, v, &in); err != nil {
		return in, fmt.Errorf("store: decode incident %s: %w", id, err)
	}
	return in, nil
}

// OpenIncident returns the client's open incident for a rule, if any.
func (s *Store) OpenIncident(ctx context.Context, clientID, rule string) (store.Incident, bool, error) {
	id, err := s.rdb.HGet(ctx, s.clientKey(clientID, recOpen), rule).Result()
	if errors.Is(err, redis.Nil) {
		return store.Incident{}, false, nil
	}
	if err != nil {
		return store.Incident{}, false, fmt.Errorf("store: open incident of %s: %w", clientID, err)
	}
	in, err := s.Incident(ctx, clientID, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Incident{}, false, nil
	}
	return in, err == nil, err
}

// Audit returns a client's audit events after the stream id after ("" or "0": from the start).
func (s *Store) Audit(ctx context.Context, clientID, after string) ([]store.AuditEvent, error) {
	return s.readAudit(ctx, s.clientKey(clientID, recAudit), after)
}

// ServiceAudit returns service-wide audit events after a stream id.
func (s *Store) ServiceAudit(ctx context.Context, after string) ([]store.AuditEvent, error) {
	return s.readAudit(ctx, s.auditKey(), after)
}

func (s *Store) readAudit(ctx context.Context, key, after string) ([]store.AuditEvent, error) {
	start := "-"
	if after != "" && after != "0" {
		start = "(" + after
	}
	msgs, err := s.rdb.XRange(ctx, key, start, "+").Result()
	if err != nil {
		return nil, fmt.Errorf("store: read audit log: %w", err)
	}
	out := make([]store.AuditEvent, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, auditFromFields(m.ID, m.Values))
	}
	return out, nil
}

// AppendServiceAudit records a service-wide decision (no client's slot involved).
func (s *Store) AppendServiceAudit(ctx context.Context, e store.AuditEvent) error {
	if err := s.rdb.XAdd(ctx, &redis.XAddArgs{Stream: s.auditKey(), Values: auditFields(e)}).Err(); err != nil {
		return fmt.Errorf("store: append audit event: %w", err)
	}
	return nil
}

func auditFields(e store.AuditEvent) []any {
	f := []any{"at", e.At.UTC().Format(time.RFC3339Nano), "actor", e.Actor, "action", e.Action}
	for _, kv := range [][2]string{{"client", e.ClientID}, {"incident", e.Incident}, {"rule", e.Rule}, {"reason", e.Reason}} {
		if kv[1] != "" {
			f = append(f, kv[0], kv[1])
		}
	}
	return f
}

func auditFromFields(id string, v map[string]any) store.AuditEvent {
	str := func(k string) string { s, _ := v[k].(string); return s }
	at, _ := time.Parse(time.RFC3339Nano, str("at"))
	return store.AuditEvent{
		ID: id, At: at, ClientID: str("client"), Actor: str("actor"), Action: str("action"),
		Incident: str("incident"), Rule: str("rule"), Reason: str("reason"),
	}
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
		item, err := s.keys.open(aadFor(clientID, recOutbox), []byte(v))
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
	var unindex func(redis.Pipeliner)
	if expectEmpty {
		unindex = func(p redis.Pipeliner) { p.SRem(ctx, s.outboxesKey(), clientID) }
	}
	res, unindexErr, err := s.runScript(ctx, deliveredScript, []string{s.clientKey(clientID, recOutbox)}, args, unindex)
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

// OutboxDrained drops a client from the outbox index if their outbox is empty.
func (s *Store) OutboxDrained(ctx context.Context, clientID string) error {
	n, err := s.rdb.LLen(ctx, s.clientKey(clientID, recOutbox)).Result()
	if err != nil {
		return fmt.Errorf("store: outbox length of %s: %w", clientID, err)
	}
	if n == 0 {
		if err := s.rdb.SRem(ctx, s.outboxesKey(), clientID).Err(); err != nil {
			return fmt.Errorf("store: unindex outbox of %s: %w", clientID, err)
		}
	}
	return nil
}
