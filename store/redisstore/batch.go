package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"steady/store"
)

// commitScript applies one step's writes to one client's records atomically,
// and only if the client is still as the step read them.
//
// KEYS[1]  the client's conversation hash (fields v, data, cw, pw)
// KEYS[2…] every other key an operation names, all in the same client's slot
// ARGV[1]  expected conversation version ("-" skips the check)
// ARGV[2]  "keep" leaves the conversation alone; "set" stores ARGV[3] as its data
//
//	("" closes the flow) and bumps the version; "touch" only bumps the version
//
// ARGV[3]  sealed conversation for "set"
// ARGV[4]  index into KEYS of the client's outbox list, or 0 when the step
//
//	queues nothing
//
// ARGV[5]  expected digest of the profile and adjustments as the step read
//
//	them ("" skips the check): sha1 of the profile, then the sum mod 2^32,
//	word by word, of sha1(#field ":" field value) over the adjustments, 5
//	words of 8 hex digits (stateDigest in store.go computes the same; plain
//	arithmetic, as the bit library is not in every Redis's Lua)
//
// ARGV[6]  index into KEYS of the profile, which must exist (0: no check, for
//
//	the service's own logs; negative: it must not exist, for the enrolment
//	that creates it, which otherwise returns {-1, 0})
//
// ARGV[7]  index into KEYS of the adjustments hash (0 when ARGV[5] is "")
// ARGV[8]  index into KEYS of the client's erasure mark: nothing is written
//
//	for a client being erased (0: no check)
//
// ARGV[9]  number of operations n, then n times: command, key index (into KEYS),
//
//	argument count m, then m arguments. XADDTRIM key retention-ms fields…
//	appends to an audit log and trims entries older than the retention
//	period by Redis's clock (stream ids are Redis's milliseconds).
//
// Returns  {version, outbox length}: the conversation version after the
//
//	commit and the outbox's length after it (0 when ARGV[4] is 0), or
//	{-1, 0} when the version or the digest did not match, {-2, 0} when the
//	client does not exist or is being erased (nothing was written). An
//	outbox as long as what the step queued held nothing older, so the
//	caller may deliver the step's messages from memory.
//
// Only the commands in allowed may run, so a caller's mistake cannot turn this
// into a general-purpose eval.
var commitScript = redis.NewScript(`
local allowed = {SET=true, DEL=true, HSET=true, HDEL=true, ZADD=true, ZREM=true,
  ZREMRANGEBYSCORE=true, XADDTRIM=true, SADD=true, SREM=true, PEXPIRE=true, HINCRBY=true,
  RPUSH=true}
if tonumber(ARGV[8]) > 0 and redis.call('EXISTS', KEYS[tonumber(ARGV[8])]) == 1 then
  return {-2, 0}
end
local p = tonumber(ARGV[6])
if p > 0 and redis.call('EXISTS', KEYS[p]) == 0 then
  return {-2, 0}
end
if p < 0 and redis.call('EXISTS', KEYS[-p]) == 1 then
  return {-1, 0}
end
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if ARGV[1] ~= '-' and tonumber(ARGV[1]) ~= v then
  return {-1, 0}
end
if ARGV[5] ~= '' then
  local profile = redis.call('GET', KEYS[tonumber(ARGV[6])])
  if not profile then
    return {-1, 0}
  end
  local acc = {0, 0, 0, 0, 0}
  local adj = redis.call('HGETALL', KEYS[tonumber(ARGV[7])])
  for i = 1, #adj, 2 do
    local h = redis.sha1hex(#adj[i] .. ':' .. adj[i] .. adj[i+1])
    for j = 1, 5 do
      acc[j] = (acc[j] + tonumber(string.sub(h, j*8-7, j*8), 16)) % 4294967296
    end
  end
  local digest = redis.sha1hex(profile)
  for j = 1, 5 do digest = digest .. string.format('%08x', acc[j]) end
  if digest ~= ARGV[5] then
    return {-1, 0}
  end
end
if ARGV[2] == 'set' then
  v = v + 1
  redis.call('HSET', KEYS[1], 'v', v, 'data', ARGV[3])
elseif ARGV[2] == 'touch' then
  v = v + 1
  redis.call('HSET', KEYS[1], 'v', v)
end
local now
local i = 10
for _ = 1, tonumber(ARGV[9]) do
  local cmd, key, m = ARGV[i], KEYS[tonumber(ARGV[i+1])], tonumber(ARGV[i+2])
  if not allowed[cmd] then
    return redis.error_reply('commit: command not allowed: ' .. cmd)
  end
  local args = {}
  for j = 1, m do args[j] = ARGV[i+2+j] end
  if cmd == 'XADDTRIM' then
    if not now then
      local t = redis.call('TIME')
      now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    end
    local minid = math.max(now - tonumber(args[1]), 0)
    redis.call('XADD', key, 'MINID', '~', minid, '*', unpack(args, 2))
  else
    redis.call(cmd, key, unpack(args))
  end
  i = i + 3 + m
end
local outbox = tonumber(ARGV[4])
if outbox > 0 then
  return {v, redis.call('LLEN', KEYS[outbox])}
end
return {v, 0}
`)

// Batch collects one step's writes to one client, committed together.
type Batch struct {
	s        *Store
	clientID string
	convMode string
	convData string
	convW    string // the conversation's write id, with "set"
	keys     []string
	keyIndex map[string]int
	ops      []any
	nops     int
	queued   []OutboxItem
	head     bool // after Commit: queued was all of the outbox
	guard    string
	stateful bool // an operation writes the profile or the adjustments
	// service batches write the service's own logs (ServiceBatch), which
	// belong to no client: no profile need exist.
	service bool
	// creating is the enrolment that writes the profile first.
	creating bool
	// incidents are ids to index to the client (service-wide, another
	// Cluster slot), sent ahead of the commit in the same round trip.
	incidents []string
	// recentSet says the batch replaces the recent messages with recentRaw
	// (as stored; "" deletes them).
	recentSet bool
	recentRaw string
	err       error
}

// Batch starts a set of writes to one client's records. It commits only
// while the client exists and is not being erased, so nothing of an erased
// client is written back by a step that raced the erasure.
func (s *Store) Batch(clientID string) *Batch {
	b := &Batch{s: s, clientID: clientID, convMode: "keep", keyIndex: map[string]int{}}
	b.key(recConv)
	return b
}

// ServiceBatch starts a set of writes to one of the service's own logs
// (outbox and audit log under a name that is no client's, such as the
// weekly huddle's): there is no profile to require.
func (s *Store) ServiceBatch(name string) *Batch {
	b := s.Batch(name)
	b.service = true
	return b
}

func (b *Batch) key(record string) int {
	k := b.s.clientKey(b.clientID, record)
	if i, ok := b.keyIndex[k]; ok {
		return i
	}
	b.keys = append(b.keys, k)
	b.keyIndex[k] = len(b.keys)
	return len(b.keys)
}

func (b *Batch) op(cmd, record string, args ...any) {
	if record == recProfile || record == recAdjust {
		b.stateful = true
	}
	b.ops = append(b.ops, cmd, b.key(record), len(args))
	b.ops = append(b.ops, args...)
	b.nops++
}

// encode seals v as one of the client's records (see seal.go): every value
// written through a Batch is encrypted, bound to the client, the record and
// its field (a hash field, a night; "" for strings and lists), so free text
// and health answers never sit in Redis as plaintext and a value cannot be
// moved to another slot. Read it back with Store.decode and the same names.
func (b *Batch) encode(record, field string, v any) []byte {
	data, err := b.s.sealJSON(slot{client: b.clientID, record: record, field: field}, v)
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("store: encode %s: %w", record, err)
	}
	return data
}

// SetConversation stores the client's open flow, under a fresh write id
// bound into the sealed value: an older copy put back does not open.
func (b *Batch) SetConversation(c store.Conversation) {
	c.Version = 0 // the version lives beside the data, owned by the script
	w := newWriteID()
	data, err := b.s.sealJSON(slot{client: b.clientID, record: recConv, version: w}, c)
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("store: encode conversation: %w", err)
	}
	b.convMode, b.convData, b.convW = "set", string(data), w
	b.op("HSET", recConv, records[recConv].writeID, w)
}

// Touch bumps the conversation version without changing the conversation,
// so a write that does not touch the flow (a worker editing the plan) still
// conflicts with, and is retried after, any concurrent step for the client:
// neither can overwrite the profile the other just wrote.
func (b *Batch) Touch() {
	if b.convMode == "keep" {
		b.convMode = "touch"
	}
}

// CloseConversation ends the client's open flow.
func (b *Batch) CloseConversation() { b.convMode, b.convData, b.convW = "set", "", "" }

// PutClient replaces the client's profile, under a fresh write id (see
// SetConversation). Profiles are read whole and written whole, so the write
// bumps the conversation version (Touch): two concurrent edits cannot both win.
func (b *Batch) PutClient(c store.Client) {
	b.Touch()
	w := newWriteID()
	data, err := b.s.sealJSON(slot{client: b.clientID, record: recProfile, version: w}, c)
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("store: encode profile: %w", err)
	}
	b.op("SET", recProfile, data)
	b.op("HSET", recConv, records[recProfile].writeID, w)
}

// PutSleep stores a night, replacing any earlier log of the same night.
func (b *Batch) PutSleep(e store.SleepEntry) {
	day, err := dayNumber(e.Night)
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("store: sleep entry night %q: %w", e.Night, err)
	}
	d := strconv.FormatInt(day, 10)
	b.op("ZREMRANGEBYSCORE", recSleep, d, d)
	b.op("ZADD", recSleep, d, b.encode(recSleep, d, e))
}

// PutIncident stores an incident and indexes its opaque id to the client,
// so a worker's button (which carries only the id) finds it. Saving an
// incident bumps the conversation version (Touch): two steps raising the
// same rule at once cannot both open an incident for it.
func (b *Batch) PutIncident(in store.Incident) {
	if in.ID == "" && b.err == nil {
		b.err = fmt.Errorf("store: incident without an id")
	}
	b.Touch()
	b.op("HSET", recIncidents, in.ID, b.encode(recIncidents, in.ID, in))
	b.incidents = append(b.incidents, in.ID)
}

// Audit appends a decision to the client's audit log: when, who and what in
// the clear, the rest sealed (audit.go); entries older than the audit
// retention period are trimmed as it goes.
func (b *Batch) Audit(e store.AuditEvent) {
	e.ClientID = b.clientID
	f, err := b.s.auditFields(b.clientID, e)
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("store: encode audit event: %w", err)
	}
	b.op("XADDTRIM", recAudit, append([]any{strconv.FormatInt(b.s.auditKeep.Milliseconds(), 10)}, f...)...)
}

// Enqueue adds a message to the client's outbox, to be delivered after the
// commit. Committing it with the step means a crash cannot lose it.
func (b *Batch) Enqueue(item []byte) {
	// Messages carry plan text and figures, so they are sealed like records.
	sealed := b.s.keys.seal(slot{client: b.clientID, record: recOutbox}, item, false)
	b.op("RPUSH", recOutbox, sealed)
	b.queued = append(b.queued, OutboxItem{Data: item, stored: string(sealed)})
}

// Queued returns the messages the committed batch queued, and whether they
// were the whole outbox at the commit: nothing older waits before them, so
// the caller may deliver them from memory (in order) instead of reading the
// outbox back, and then remove them with Store.Delivered. When it is false
// the caller flushes the outbox from Redis, older messages first.
func (b *Batch) Queued() ([]OutboxItem, bool) { return b.queued, b.head }

// Guard makes the commit also require the client's profile and adjustments
// to be exactly as st read them (the conversation's version is Commit's
// own check): a step decided on a remembered Snapshot that has since gone
// stale conflicts instead of writing.
func (b *Batch) Guard(st State) { b.guard = st.snap.digest }

// Next returns the client's state as Redis holds it right after this batch
// committed at version, for the next step to start from without a read, or
// false when the batch rewrote what it cannot know in stored form (the
// profile or the adjustments).
func (b *Batch) Next(st State, version int64) (Snapshot, bool) {
	if b.stateful || st.snap.digest == "" {
		return Snapshot{}, false
	}
	next := st.snap
	next.convV = version
	if b.convMode == "set" {
		next.convData, next.convW = b.convData, b.convW
	}
	if b.recentSet {
		next.recent = b.recentRaw
	}
	return next, true
}

// ErrErased means the client does not exist, or is being erased: nothing was written.
var ErrErased = fmt.Errorf("store: client not found or being erased: %w", store.ErrNotFound)

// Commit writes everything if the conversation is still at expectVersion
// (-1: do not check). It returns the new conversation version, ErrConflict,
// or ErrErased (which is a store.ErrNotFound).
func (b *Batch) Commit(ctx context.Context, expectVersion int64) (int64, error) {
	if b.err != nil {
		return 0, b.err
	}
	expect := "-"
	if expectVersion >= 0 {
		expect = strconv.FormatInt(expectVersion, 10)
	}
	outbox := 0
	if len(b.queued) > 0 {
		outbox = b.keyIndex[b.s.clientKey(b.clientID, recOutbox)]
	}
	profile, adjustments, erasing := 0, 0, 0
	switch {
	case b.creating:
		profile = -b.key(recProfile)
	case !b.service || b.guard != "":
		profile = b.key(recProfile)
	}
	if b.guard != "" {
		adjustments = b.key(recAdjust)
	}
	if !b.service {
		erasing = b.key(recErasing)
	}
	args := append([]any{expect, b.convMode, b.convData, outbox, b.guard, profile, adjustments, erasing, b.nops}, b.ops...)
	// The outbox and incident indexes live outside the client's Cluster
	// slot, so they cannot be written by the script; they are sent ahead of
	// the script in the same round trip. On one Redis, commands on a
	// connection run in order: whenever the messages (or the incident) are
	// in, so is the index entry. A failed index write is retried before the
	// commit is reported. An entry whose commit then failed names an
	// incident that does not exist, which a button answers as such, and
	// erasure removes with the client's other entries.
	var first func(redis.Pipeliner)
	if len(b.queued) > 0 || len(b.incidents) > 0 {
		first = func(p redis.Pipeliner) {
			if len(b.queued) > 0 {
				p.SAdd(ctx, b.s.outboxesKey(), b.clientID)
			}
			for _, id := range b.incidents {
				p.HSet(ctx, b.s.incidentsKey(), id, b.clientID)
			}
		}
	}
	res, indexErr, err := b.s.runScript(ctx, commitScript, b.keys, args, first)
	if err != nil {
		return 0, fmt.Errorf("store: commit for client %s: %w", b.clientID, err)
	}
	vals, err := res.Int64Slice()
	if err != nil || len(vals) != 2 {
		return 0, fmt.Errorf("store: commit for client %s: unexpected reply %v: %w", b.clientID, vals, err)
	}
	switch vals[0] {
	case -1:
		return 0, ErrConflict
	case -2:
		return 0, ErrErased
	}
	if indexErr != nil {
		// Retried once on its own, before the commit is reported.
		if _, err := b.s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error { first(p); return nil }); err != nil {
			return 0, fmt.Errorf("store: index for %s: %w", b.clientID, errors.Join(indexErr, err))
		}
	}
	b.head = len(b.queued) > 0 && vals[1] == int64(len(b.queued))
	return vals[0], nil
}

// runScript runs a script by its SHA, with first's commands (when not nil)
// ahead of it in the same round trip. It returns the script's reply, the
// first error among first's commands, and the script's error. A Redis that
// has forgotten the script (a restart) is sent its body once.
func (s *Store) runScript(ctx context.Context, sc *redis.Script, keys []string, args []any, first func(redis.Pipeliner)) (reply *redis.Cmd, firstErr, scriptErr error) {
	if first == nil {
		res := sc.Run(ctx, s.rdb, keys, args...)
		return res, nil, res.Err()
	}
	var res *redis.Cmd
	cmds, _ := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		first(p)
		res = sc.EvalSha(ctx, p, keys, args...)
		return nil
	})
	for _, c := range cmds[:len(cmds)-1] {
		if err := c.Err(); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if err := res.Err(); err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		res = sc.Eval(ctx, s.rdb, keys, args...)
	}
	return res, firstErr, res.Err()
}

// IsConflict reports whether err is a concurrent-change conflict.
func IsConflict(err error) bool { return errors.Is(err, ErrConflict) }
